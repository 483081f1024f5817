"""Bulk reconcile: share every selected model card as the policy says, through batched RAM shares."""
from mcgov.steps.reconcile.plan import (
    Card,
    Outcome,
    Selection,
    StageInventory,
    StagePlan,
    parse_selection,
    plan_stage,
)
from mcgov.steps.reconcile.report import ReconcileReport, render_table
from mcgov.steps.reconcile.run import list_cards, read_inventory, reconcile

__all__ = [
    "Card",
    "Outcome",
    "ReconcileReport",
    "Selection",
    "StageInventory",
    "StagePlan",
    "list_cards",
    "parse_selection",
    "plan_stage",
    "read_inventory",
    "reconcile",
    "render_table",
]
