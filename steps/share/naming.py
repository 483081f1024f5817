"""Deterministic share identity: the names, tags and clientTokens of every share mcgov writes.

A RAM share carries one permission per resource type, so each stage gets its own share of the card
(``mcgov-<card>-<stage>``); the stage's permission ARN is recorded in a tag and a share whose tag disagrees
with the policy is replaced only with ``prune``. A stage that sets ``model_package_group`` also gets the
group's share (``mcgov-<card>-<stage>-mpg``), created with RAM's default permission of
``sagemaker:ModelPackageGroup``. ``ShareSpec`` is what one such share must be, for the one converge
(``mcgov.steps.share.converge``). ``reconcile`` writes batched shares (``mcgov-batch-<stage>-<hash>-<n>``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from mcgov.share_policies.models import PolicyStage
from mcgov.steps.share.ram_rows import ResourceShare

TAG_CARD_ARN = "mcgov:card-arn"
TAG_STAGE = "mcgov:stage"
TAG_PERMISSION = "mcgov:permission-arn"
TAG_MANAGED_BY = "mcgov:managed-by"
TAG_BATCH = "mcgov:batch"
TAG_PACKAGE_GROUP = "mcgov:model-package-group"
MANAGED_BY = "model-card-governance"
BATCH_PREFIX = "mcgov-batch-"
GROUP_SHARE_SUFFIX = "-mpg"
CLIENT_TOKEN_MAX = 64
DEFAULT_PERMISSION = "default"  # the TAG_PERMISSION value of a share created with RAM's default permission


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


def group_share_name(card_arn: str, stage: str) -> str:
    """``mcgov-<card-name>-<stage>-mpg``."""
    return f"mcgov-{card_name_of(card_arn)}-{stage}{GROUP_SHARE_SUFFIX}"


def is_group_share(share: ResourceShare, card_arn: str, stage: str) -> bool:
    """True when ``share`` is the (card, stage) model package group share, by name and tags."""
    tags = share.tag_map
    return (
        share.name == group_share_name(card_arn, stage)
        and tags.get(TAG_CARD_ARN) == card_arn
        and tags.get(TAG_STAGE) == stage
        and TAG_PACKAGE_GROUP in tags
    )


@dataclass(frozen=True)
class ShareSpec:
    """What one share of a card must be: its name and tags, the resource it shares, the permission it carries
    (``None``: RAM's default permission of the resource type) and the material of its clientToken."""

    stage: PolicyStage
    card_arn: str
    name: str
    resource_arn: str
    permission: str | None
    tags: Mapping[str, str]
    token_stage: str
    token_resource: str
    context: str

    @property
    def permission_tag(self) -> str:
        """The ``mcgov:permission-arn`` tag value the share carries."""
        return self.permission or DEFAULT_PERMISSION

    def owns(self, share: ResourceShare) -> bool:
        """True when ``share`` is this share (any status), by name and tags."""
        if TAG_PACKAGE_GROUP in self.tags:
            return is_group_share(share, self.card_arn, self.stage.name)
        return is_our_share(share, self.card_arn, self.stage.name)

    def tag_list(self) -> list[dict[str, str]]:
        """The tags in RAM's shape, written on creation."""
        return _as_tags(dict(self.tags))

    def client_token(self, allow_external: bool, generation: int) -> str:
        return client_token(self.card_arn, self.token_stage, self.token_resource, allow_external, generation)


def card_share(card_arn: str, stage: PolicyStage) -> ShareSpec:
    """The share of the card for ``stage``, with the stage's permission."""
    return ShareSpec(
        stage=stage,
        card_arn=card_arn,
        name=share_name(card_arn, stage.name),
        resource_arn=card_arn,
        permission=stage.permission,
        tags={TAG_CARD_ARN: card_arn, **_managed(stage.name, stage.permission)},
        token_stage=stage.name,
        token_resource=stage.permission,
        context=f"stage {stage.name}",
    )


def group_share(card_arn: str, stage: PolicyStage, group_arn: str) -> ShareSpec:
    """The share of the model package group beside the card's, for a ``model_package_group`` stage (RAM's
    default permission of the group, no ``permissionArns``)."""
    return ShareSpec(
        stage=stage,
        card_arn=card_arn,
        name=group_share_name(card_arn, stage.name),
        resource_arn=group_arn,
        permission=None,
        tags={TAG_CARD_ARN: card_arn, **_managed(stage.name, DEFAULT_PERMISSION), TAG_PACKAGE_GROUP: group_arn},
        token_stage=stage.name + GROUP_SHARE_SUFFIX,
        token_resource=group_arn,
        context=f"stage {stage.name} model package group",
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
