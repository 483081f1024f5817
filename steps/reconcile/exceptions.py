"""One exception class per way a reconcile run can fail before or outside the per-card outcomes."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class ReconcileError(GovernanceError):
    """Base class of reconcile failures (exit code 1 unless also a BadInputError)."""


class SelectionError(ReconcileError, BadInputError):
    """A ``--select`` expression is malformed or names an unknown card status."""


class CapacityError(ReconcileError, BadInputError):
    """The batch capacity asked for is outside what one RAM share may hold."""


class CardListError(ReconcileError):
    """ListModelCards failed after botocore's retries."""


class QuotaExceededError(ReconcileError):
    """The plan would exceed a RAM quota of the card account; nothing was written."""
