"""The review package's failure that is not the caller's input (bad input is ``mcgov.errors.BadInputError``)."""

from __future__ import annotations

from mcgov.errors import GovernanceError


class ReviewError(GovernanceError):
    """SageMaker refused or failed an export call, or the export job failed or did not finish in time."""
