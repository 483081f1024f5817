"""One exception class per way ensuring, inspecting or deleting a RAM share can fail."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError
from mcgov.steps.common.aws import AwsFailure


class ShareError(GovernanceError):
    """Base class of every share failure (exit code 1 unless it is also a BadInputError)."""


class ShareApiError(ShareError):
    """A RAM call failed after botocore's retries; the message names the call and the AWS error."""

    def __init__(self, failure: AwsFailure) -> None:
        self.operation = failure.operation
        self.code = failure.code
        self.detail = failure.message
        super().__init__(
            f"RAM {failure.operation} failed: {failure.text}; check the caller's ram:* permissions and the "
            "resource state, then re-run (the command is idempotent)",
            failure=failure,
        )


class SharePermissionDriftError(ShareError):
    """An existing share for the stage carries a different RAM permission than the policy asks for."""


class ShareStateError(ShareError):
    """RAM returned a share in a state this tool cannot converge from (FAILED, DELETING, ...)."""


class PackageGroupInputError(ShareError, BadInputError):
    """A stage needs the model package group but no versioned model package was named (``--model-package``)."""

    def __init__(self, message: str, *, field: str = "--model-package") -> None:
        self.field = field
        super().__init__(f"{field}: {message}")
