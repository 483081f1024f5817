"""Names of hub copies, of the RAM stages hub-and-spoke uses and of the policy id owning their shares (pure).

The stage names are reserved for the product: ``mcgov.share_policies.reserved``.
"""

from __future__ import annotations

import hashlib

from mcgov.identifiers import CARD_NAME_MAX
from mcgov.share_policies.reserved import PRODUCT_POLICY_PREFIX, SHARE_BACK_STAGE_PREFIX
from mcgov.steps.card.naming import NAME_HASH_CHARS


def spoke_prefix(spoke_account: str) -> str:
    """Every hub copy of a spoke's cards starts with this (``444444444444-``)."""
    return f"{spoke_account}-"


def hub_card_name(spoke_account: str, card_name: str) -> str:
    """``<spoke account>-<card name>`` within the 63-character card-name rule.

    Longer names keep their beginning and end with ``-`` + 6 hex characters of the full name's sha256 (the
    stable shortening of ``steps.card.naming.shorten``, with ``-`` as the separator a card name allows).
    """
    name = spoke_prefix(spoke_account) + card_name
    if len(name) <= CARD_NAME_MAX:
        return name
    digest = hashlib.sha256(name.encode("ascii")).hexdigest()[:NAME_HASH_CHARS]
    return f"{name[: CARD_NAME_MAX - NAME_HASH_CHARS - 1]}-{digest}"


def hub_card_arn(partition: str, region: str, hub_account: str, spoke_account: str, card_name: str) -> str:
    return f"arn:{partition}:sagemaker:{region}:{hub_account}:model-card/{hub_card_name(spoke_account, card_name)}"


def share_back_stage(spoke_account: str) -> str:
    return SHARE_BACK_STAGE_PREFIX + spoke_account


def hub_owner_id(hub_account: str) -> str:
    """The policy id that owns the shares hub-and-spoke makes for hub ``hub_account``: a spoke's publish shares
    (stage ``hub``) and the hub's share-back shares (stage ``spoke-<account>``); ``mcgov-`` keeps it apart from
    every user policy id."""
    return f"{PRODUCT_POLICY_PREFIX}hub-{hub_account}"
