"""The share package's failure that is not the caller's input (bad input is ``mcgov.errors.BadInputError``)."""

from __future__ import annotations

from mcgov.errors import GovernanceError


class ShareError(GovernanceError):
    """A RAM call failed (``mcgov.steps.share.client.ram_error``), RAM returned a share this tool cannot converge
    from, or a share carries another permission than the policy asks for; exit code 1. ``failure`` is the RAM
    call's, when one failed."""
