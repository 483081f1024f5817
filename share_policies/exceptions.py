"""The share-policy failure that is not the caller's input.

A policy that is missing, malformed or invalid, or a stage, spoke, card or key that does not fit it, is
``mcgov.errors.BadInputError`` naming the file and field (exit code 2). ``PolicyUnavailableError`` is the one
failure that is not the input's fault: the policy could not be read right now (S3 throttled or unavailable),
so ``retryable`` is true and a handler reports it as ``RetryableHandlerFailure``.
"""

from __future__ import annotations

from mcgov.errors import GovernanceError


class PolicyUnavailableError(GovernanceError):
    """The policy exists but could not be read right now (S3 throttled or unavailable): retry later."""
