"""Bulk reconcile: share every selected model card as the policy says, through batched RAM shares."""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "Card": "mcgov.steps.reconcile.plan",
    "Outcome": "mcgov.steps.reconcile.plan",
    "ReconcileReport": "mcgov.steps.reconcile.report",
    "Selection": "mcgov.steps.reconcile.plan",
    "StageInventory": "mcgov.steps.reconcile.plan",
    "StagePlan": "mcgov.steps.reconcile.plan",
    "list_cards": "mcgov.steps.reconcile.run",
    "parse_selection": "mcgov.steps.reconcile.plan",
    "plan_stage": "mcgov.steps.reconcile.plan",
    "read_inventory": "mcgov.steps.reconcile.run",
    "reconcile": "mcgov.steps.reconcile.run",
    "render_table": "mcgov.steps.reconcile.report",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
