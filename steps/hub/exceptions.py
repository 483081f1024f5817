"""The hub-and-spoke failures that are not the caller's input (bad input is ``mcgov.errors.BadInputError``)."""

from __future__ import annotations

from mcgov.errors import GovernanceError


class HubError(GovernanceError):
    """A hub publish or sync failed outside the per-card outcomes (for example STS GetCallerIdentity)."""


class SpokeSyncError(HubError):
    """A whole spoke could not be synced (its shared cards or the hub's copies could not be listed)."""
