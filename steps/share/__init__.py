"""RAM sharing of model cards: one deterministic share per (card, stage), converged from a share policy."""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "Association": "mcgov.steps.share.records",
    "AssociationPlan": "mcgov.steps.share.plan",
    "AssociationStatus": "mcgov.steps.share.records",
    "AssociationType": "mcgov.steps.share.records",
    "ResourceShare": "mcgov.steps.share.records",
    "ShareResult": "mcgov.steps.share.plan",
    "ShareStatus": "mcgov.steps.share.records",
    "StageShareResult": "mcgov.steps.share.plan",
    "client_config": "mcgov.steps.share.client",
    "client_token": "mcgov.steps.share.naming",
    "delete_share": "mcgov.steps.share.converge",
    "describe_card": "mcgov.steps.share.converge",
    "ensure_readonly_permission": "mcgov.steps.share.converge",
    "ensure_share": "mcgov.steps.share.converge",
    "plan_associations": "mcgov.steps.share.plan",
    "ram_client": "mcgov.steps.share.client",
    "resolve_card_arn": "mcgov.steps.share.targets",
    "select_share": "mcgov.steps.share.plan",
    "share_name": "mcgov.steps.share.naming",
    "share_tags": "mcgov.steps.share.naming",
    "stage_names": "mcgov.steps.share.targets",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
