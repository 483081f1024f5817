"""Names the product gives its own shares, which a user's policy may not take (pure, defined once).

``hub publish`` shares a spoke's cards through stage ``hub``; ``hub sync`` shares a spoke's hub copies back
through stage ``spoke-<account>``; a stage's model package group share is named ``mcgov-<card>-<stage>-mpg``, so a
stage ending in ``-mpg`` would carry the name of another stage's group share. Policy ids starting with
``mcgov-`` are the owners of those product-made shares (``mcgov.steps.share.naming.Owner``).
"""

from __future__ import annotations

PUBLISH_STAGE = "hub"
SHARE_BACK_STAGE_PREFIX = "spoke-"
GROUP_SHARE_SUFFIX = "-mpg"
PRODUCT_POLICY_PREFIX = "mcgov-"


def reserved_stage(name: str) -> str | None:
    """Why the product keeps stage ``name`` for itself, or None when a policy may use it."""
    if name == PUBLISH_STAGE:
        return "is the stage hub publish shares a spoke's cards through"
    if name.startswith(SHARE_BACK_STAGE_PREFIX):
        return f"starts with {SHARE_BACK_STAGE_PREFIX!r}, the stages hub sync shares hub copies back through"
    if name.endswith(GROUP_SHARE_SUFFIX):
        return f"ends with {GROUP_SHARE_SUFFIX!r}, the suffix of a stage's model package group share"
    return None


def is_product_policy(policy_id: str | None) -> bool:
    """True for the owner id of a share the product makes for itself (hub publish, hub share back)."""
    return policy_id is not None and policy_id.startswith(PRODUCT_POLICY_PREFIX)
