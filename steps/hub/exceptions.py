"""One exception class per way a hub publish or sync fails outside the per-card outcomes."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class HubError(GovernanceError):
    """Base class of hub-and-spoke failures (exit code 1 unless also a BadInputError)."""


class NotHubPolicyError(HubError, BadInputError):
    """The policy given to a hub command is not ``topology: hub-and-spoke``."""


class NotASpokeError(HubError, BadInputError):
    """``hub publish`` runs with credentials of an account that is not a spoke of the policy."""


class WrongHubAccountError(HubError, BadInputError):
    """``hub sync`` runs with credentials of an account other than the policy's hub."""


class CallerIdentityError(HubError):
    """STS GetCallerIdentity failed, so the account running the command is unknown."""


class SpokeSyncError(HubError):
    """A whole spoke could not be synced (its shared cards or the hub's copies could not be listed)."""
