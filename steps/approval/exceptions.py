"""The approval package's failure that is not the caller's input (bad input is ``mcgov.errors.BadInputError``)."""

from __future__ import annotations

from mcgov.errors import GovernanceError


class ApprovalError(GovernanceError):
    """Reading or writing the approval tags, or the caller's identity, failed; the message names the call."""
