"""Deterministic share identity: one RAM share per (card, stage), named and tagged from the policy.

A RAM share carries one permission per resource type, so each stage gets its own share; the stage's
permission ARN is recorded in a tag and a share whose tag disagrees with the policy is replaced only
with ``prune``.
"""

from __future__ import annotations

import hashlib

from mcgov.steps.share.records import ResourceShare

TAG_CARD_ARN = "mcgov:card-arn"
TAG_STAGE = "mcgov:stage"
TAG_PERMISSION = "mcgov:permission-arn"
TAG_MANAGED_BY = "mcgov:managed-by"
TAG_BATCH = "mcgov:batch"
MANAGED_BY = "model-card-governance"
BATCH_PREFIX = "mcgov-batch-"
CLIENT_TOKEN_MAX = 64


def card_name_of(card_arn: str) -> str:
    """The card name at the end of a model-card ARN."""
    return card_arn.rsplit("/", 1)[-1]


def share_name(card_arn: str, stage: str) -> str:
    """``mcgov-<card-name>-<stage>``: stable across runs and readable in the console."""
    return f"mcgov-{card_name_of(card_arn)}-{stage}"


def share_tags(card_arn: str, stage: str, permission_arn: str) -> list[dict[str, str]]:
    """Tags written on creation and used to recognise the share."""
    return _as_tags({TAG_CARD_ARN: card_arn, **_managed(stage, permission_arn)})


def _managed(stage: str, permission_arn: str) -> dict[str, str]:
    """The tags every mcgov share carries: its stage, its permission and the managed-by marker."""
    return {TAG_STAGE: stage, TAG_PERMISSION: permission_arn, TAG_MANAGED_BY: MANAGED_BY}


def _as_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in tags.items()]


def client_token(card_arn: str, stage: str, permission_arn: str, allow_external: bool, generation: int) -> str:
    """CreateResourceShare clientToken: same inputs give the same token (concurrent runs create one share).

    ``generation`` counts this share's earlier DELETED incarnations, so re-creating after a delete does not
    replay the old request. 44 characters, under RAM's 64.
    """
    material = "|".join((card_arn, stage, permission_arn, str(allow_external).lower(), str(generation)))
    return "mcgov-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:38]


def is_our_share(share: ResourceShare, card_arn: str, stage: str) -> bool:
    """True when ``share`` is the (card, stage) share by name and tags."""
    tags = share.tag_map
    return (
        share.name == share_name(card_arn, stage)
        and tags.get(TAG_CARD_ARN) == card_arn
        and tags.get(TAG_STAGE) == stage
    )


def permission_hash(permission_arn: str) -> str:
    """8 hex characters identifying a RAM permission ARN inside a batch share name."""
    return hashlib.sha256(permission_arn.encode("utf-8")).hexdigest()[:8]


def batch_share_name(stage: str, permission_arn: str, index: int) -> str:
    """``mcgov-batch-<stage>-<permission-hash>-<n>``: the n-th batched share of a (stage, permission)."""
    return f"{BATCH_PREFIX}{stage}-{permission_hash(permission_arn)}-{index}"


def batch_share_tags(stage: str, permission_arn: str, index: int) -> list[dict[str, str]]:
    """Tags of a batched share; ``mcgov:batch`` carries its index (no ``mcgov:card-arn``: it holds many cards)."""
    return _as_tags({**_managed(stage, permission_arn), TAG_BATCH: str(index)})


def batch_index(share: ResourceShare) -> int | None:
    """The index of a batched share from its tags, or None when it is not one."""
    value = share.tag(TAG_BATCH) or ""
    return int(value) if value.isdigit() else None


def is_batch_share(share: ResourceShare, stage: str | None = None) -> bool:
    """True when ``share`` is an mcgov batched share (of ``stage`` if given), by name and tags."""
    tags = share.tag_map
    index = batch_index(share)
    return (
        index is not None
        and tags.get(TAG_MANAGED_BY) == MANAGED_BY
        and TAG_CARD_ARN not in tags
        and (stage is None or tags.get(TAG_STAGE) == stage)
        and share.name == batch_share_name(tags.get(TAG_STAGE, ""), tags.get(TAG_PERMISSION, ""), index)
    )


def batch_client_token(
    stage: str,
    permission_arn: str,
    index: int,
    allow_external: bool,
    generation: int,
    resource_arns: list[str],
    principals: list[str],
) -> str:
    """CreateResourceShare clientToken of a batched share: identical requests (concurrent runs) make one share."""
    material = "|".join(
        (
            stage,
            permission_arn,
            str(index),
            str(allow_external).lower(),
            str(generation),
            ",".join(sorted(resource_arns)),
            ",".join(sorted(principals)),
        )
    )
    return "mcgov-b-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:40]
