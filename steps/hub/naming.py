"""Names of hub copies and of the RAM stages hub-and-spoke uses (pure)."""

from __future__ import annotations

import hashlib

from mcgov.identifiers import CARD_NAME_MAX
from mcgov.steps.card.naming import NAME_HASH_CHARS

PUBLISH_STAGE = "hub"  # the spoke's share of its cards with the hub (batched shares mcgov-batch-hub-...)
SHARE_BACK_STAGE_PREFIX = "spoke-"  # the hub's share of a spoke's copies back with that spoke


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
