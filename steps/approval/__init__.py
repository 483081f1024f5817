"""Approval bound to the reviewed version: who approved which version and content, kept where only the card
account can write it (tags on the card: RAM's model-card permissions grant consumers no tagging)."""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "ApprovalRecord": "mcgov.steps.approval.records",
    "ApprovalResult": "mcgov.steps.approval.service",
    "ApprovalStore": "mcgov.steps.approval.store",
    "approval_problem": "mcgov.steps.approval.check",
    "approve_card": "mcgov.steps.approval.service",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
