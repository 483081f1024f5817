"""One exception class per way recording or reading an approval can fail."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class ApprovalError(GovernanceError):
    """Base class of approval failures (exit code 1 unless also a BadInputError)."""


class ApprovalStoreError(ApprovalError):
    """Reading or writing the approval tags, or the caller's identity, failed; the message names the call."""


class NotApprovableError(ApprovalError, BadInputError):
    """The card cannot be approved as it is (Archived, or not in the policy's card account)."""
