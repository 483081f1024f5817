"""One exception class per way the gate itself (not the share it checks) can fail."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError
from mcgov.steps.common.aws import AwsFailure


class GateError(GovernanceError):
    """Base class of gate failures."""


class VerificationInputError(GateError, BadInputError):
    """verify_consumers got no session or role for an account of the decision, or a bad role pattern."""


class ConsumerAccessError(GateError):
    """A consumer account could not assume its verify role or describe the card (after botocore's retries)."""

    def __init__(self, failure: AwsFailure) -> None:
        self.detail = failure.text
        super().__init__(f"{failure.service} {failure.operation} failed: {failure.text}", failure=failure)


class PackageGateInputError(GateError, BadInputError):
    """The package gate was asked without what it needs (a stage when the policy has several)."""
