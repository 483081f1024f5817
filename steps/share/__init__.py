"""RAM sharing of model cards: one deterministic share per (card, stage), converged from a share policy."""
from mcgov.steps.share.client import client_config, ram_client
from mcgov.steps.share.converge import delete_share, describe_card, ensure_readonly_permission, ensure_share
from mcgov.steps.share.naming import client_token, share_name, share_tags
from mcgov.steps.share.plan import (
    AssociationPlan,
    ShareResult,
    StageShareResult,
    plan_associations,
    select_share,
)
from mcgov.steps.share.records import (
    Association,
    AssociationStatus,
    AssociationType,
    ResourceShare,
    ShareStatus,
)
from mcgov.steps.share.targets import resolve_card_arn, stage_names

__all__ = [
    "Association",
    "AssociationPlan",
    "AssociationStatus",
    "AssociationType",
    "ResourceShare",
    "ShareResult",
    "ShareStatus",
    "StageShareResult",
    "client_config",
    "client_token",
    "delete_share",
    "describe_card",
    "ensure_readonly_permission",
    "ensure_share",
    "plan_associations",
    "ram_client",
    "resolve_card_arn",
    "select_share",
    "share_name",
    "share_tags",
    "stage_names",
]
