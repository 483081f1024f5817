"""The share package's failures that are not the caller's input (bad input is ``mcgov.errors.BadInputError``)."""

from __future__ import annotations

from mcgov.errors import GovernanceError
from mcgov.steps.common.aws import AwsFailure


class ShareError(GovernanceError):
    """A RAM call failed, RAM returned a share this tool cannot converge from, or a share carries another
    permission than the policy asks for; exit code 1. ``failure`` is the RAM call's, when one failed."""


def ram_error(failure: AwsFailure) -> ShareError:
    """The ``ShareError`` of a RAM call that failed after botocore's retries; the message names the call."""
    return ShareError(
        f"RAM {failure.operation} failed: {failure.text}; check the caller's ram:* permissions and the "
        "resource state, then re-run (the command is idempotent)",
        failure=failure,
    )
