"""RAM sharing of model cards: one deterministic share per (card, stage), converged from a share policy."""
from mcgov.steps.share.naming import client_token, share_name, share_tags
from mcgov.steps.share.plan import (
    AssociationPlan,
    ShareResult,
    StageShareResult,
    plan_associations,
    select_share,
)
from mcgov.steps.share.ram import (
    StageShareState,
    client_config,
    delete_share,
    describe_card,
    ensure_readonly_permission,
    ensure_share,
    ram_client,
    read_stage_state,
    resolve_card_arn,
    share_status,
)

__all__ = [
    "AssociationPlan",
    "ShareResult",
    "StageShareResult",
    "StageShareState",
    "client_config",
    "client_token",
    "delete_share",
    "describe_card",
    "ensure_readonly_permission",
    "ensure_share",
    "plan_associations",
    "ram_client",
    "read_stage_state",
    "resolve_card_arn",
    "select_share",
    "share_name",
    "share_status",
    "share_tags",
]
