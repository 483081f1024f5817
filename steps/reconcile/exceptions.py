"""The reconcile failure outside the per-card outcomes (bad input is ``mcgov.errors.BadInputError``)."""

from __future__ import annotations

from mcgov.errors import GovernanceError


class ReconcileError(GovernanceError):
    """ListModelCards failed after botocore's retries, or the plan would exceed a RAM quota (nothing written)."""
