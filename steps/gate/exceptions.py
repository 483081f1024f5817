"""The gate's one failure class (bad input is ``mcgov.errors.BadInputError``)."""

from __future__ import annotations

from mcgov.errors import GovernanceError
from mcgov.steps.common.aws import AwsFailure


class ConsumerAccessError(GovernanceError):
    """A consumer account could not assume its verify role or describe the card (after botocore's retries).

    Caught by the consumer checks, which turn it into a blocking reason (``detail``: the AWS error).
    """

    def __init__(self, failure: AwsFailure) -> None:
        self.detail = failure.text
        super().__init__(f"{failure.service} {failure.operation} failed: {failure.text}", failure=failure)
