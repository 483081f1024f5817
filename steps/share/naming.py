"""Deterministic share identity: the owner, names, tags and clientTokens of every share mcgov writes.

A RAM share carries one permission per resource type, so each stage gets its own share of the card
(``mcgov-<card>-<stage>``); the stage's permission ARN is recorded in a tag and a share whose tag disagrees
with the policy is replaced only with ``prune``. A stage that sets ``model_package_group`` also gets the
group's share (``mcgov-<card>-<stage>-mpg``), created with RAM's default permission of
``sagemaker:ModelPackageGroup``. ``ShareSpec`` is what one such share must be, for the one converge
(``mcgov.steps.share.converge``). ``reconcile`` writes batched shares (``mcgov-batch-<stage>-<hash>-<n>``).

Every share carries its ``Owner`` as tags: ``mcgov:policy-id`` (the policy's ``policy_id``), ``mcgov:stage`` and
``mcgov:principals``, the sha256 of the sorted accounts the share was made for (a digest: RAM tag values hold at
most 256 characters, and a stage may name many accounts). Tag limits: botocore's RAM model leaves ``TagKey`` and
``TagValue`` unconstrained; AWS's tagging rules (https://docs.aws.amazon.com/general/latest/gr/aws_tagging.html)
allow 50 tags per resource, keys of 128 and values of 256 characters. An mcgov share carries at most 7 tags; the
longest values are a model-card or model-package-group ARN (a name of at most 63 characters in an ARN of a
region and an account: under 140) and the 71-character principals digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mcgov.share_policies.models import PolicyStage
from mcgov.share_policies.reserved import GROUP_SHARE_SUFFIX, is_product_policy
from mcgov.steps.share.ram_rows import ResourceShare

TAG_CARD_ARN = "mcgov:card-arn"
TAG_STAGE = "mcgov:stage"
TAG_PERMISSION = "mcgov:permission-arn"
TAG_MANAGED_BY = "mcgov:managed-by"
TAG_BATCH = "mcgov:batch"
TAG_PACKAGE_GROUP = "mcgov:model-package-group"
TAG_POLICY_ID = "mcgov:policy-id"
TAG_PRINCIPALS = "mcgov:principals"
MANAGED_BY = "model-card-governance"
BATCH_PREFIX = "mcgov-batch-"
CLIENT_TOKEN_MAX = 64
DEFAULT_PERMISSION = "default"  # the TAG_PERMISSION value of a share created with RAM's default permission


def principals_digest(accounts: Iterable[str]) -> str:
    """``sha256:<hex>`` of the sorted, distinct ``accounts``: the ``mcgov:principals`` tag value."""
    return "sha256:" + hashlib.sha256(",".join(sorted(set(accounts))).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Owner:
    """Who a share belongs to: a policy (``policy_id``) and one of its stages, made for that stage's accounts."""

    policy_id: str
    stage: str
    accounts: tuple[str, ...]

    @classmethod
    def of(cls, policy_id: str, stage: PolicyStage) -> Owner:
        return cls(policy_id, stage.name, tuple(stage.accounts))

    @property
    def product(self) -> bool:
        """True for the product's own shares (hub publish, hub share back)."""
        return is_product_policy(self.policy_id)

    def tags(self) -> dict[str, str]:
        """The owner tags, with the managed-by marker."""
        return {
            TAG_POLICY_ID: self.policy_id,
            TAG_STAGE: self.stage,
            TAG_PRINCIPALS: principals_digest(self.accounts),
            TAG_MANAGED_BY: MANAGED_BY,
        }


def card_name_of(card_arn: str) -> str:
    """The card name at the end of a model-card ARN."""
    return card_arn.rsplit("/", 1)[-1]


def share_name(card_arn: str, stage: str) -> str:
    """``mcgov-<card-name>-<stage>``: stable across runs and readable in the console."""
    return f"mcgov-{card_name_of(card_arn)}-{stage}"


def share_tags(card_arn: str, owner: Owner, permission_arn: str) -> list[dict[str, str]]:
    """Tags written on creation and used to recognise the share."""
    return _as_tags({TAG_CARD_ARN: card_arn, **_managed(owner, permission_arn)})


def _managed(owner: Owner, permission_arn: str) -> dict[str, str]:
    """The tags every mcgov share carries: its owner, its permission and the managed-by marker."""
    return {**owner.tags(), TAG_PERMISSION: permission_arn}


def _as_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in tags.items()]


def client_token(
    card_arn: str, stage: str, permission_arn: str, allow_external: bool, generation: int, policy_id: str
) -> str:
    """CreateResourceShare clientToken: same inputs give the same token (concurrent runs of one policy create one
    share; two policies never replay each other's request).

    ``generation`` counts this share's earlier DELETED incarnations, so re-creating after a delete does not
    replay the old request. 44 characters, under RAM's 64.
    """
    material = "|".join((card_arn, stage, permission_arn, str(allow_external).lower(), str(generation), policy_id))
    return "mcgov-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:38]


def is_card_share(share: ResourceShare, card_arn: str, stage: str) -> bool:
    """True when ``share`` is a (card, stage) share by name and tags, whoever owns it (``mcgov.steps.share.ownership``
    tells whose it is)."""
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
    """True when ``share`` is a (card, stage) model package group share by name and tags, whoever owns it."""
    tags = share.tag_map
    return (
        share.name == group_share_name(card_arn, stage)
        and tags.get(TAG_CARD_ARN) == card_arn
        and tags.get(TAG_STAGE) == stage
        and TAG_PACKAGE_GROUP in tags
    )


@dataclass(frozen=True)
class ShareSpec:
    """What one share of a card must be: its owner, name and tags, the resource it shares, the permission it
    carries (``None``: RAM's default permission of the resource type) and the material of its clientToken."""

    owner: Owner
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

    def matches(self, share: ResourceShare) -> bool:
        """True when ``share`` is a share of this (card, stage[, group]), any status and any owner."""
        if TAG_PACKAGE_GROUP in self.tags:
            return is_group_share(share, self.card_arn, self.stage.name) and share.tag(TAG_PACKAGE_GROUP) == (
                self.resource_arn
            )
        return is_card_share(share, self.card_arn, self.stage.name)

    def tag_list(self) -> list[dict[str, str]]:
        """The tags in RAM's shape, written on creation."""
        return _as_tags(dict(self.tags))

    def client_token(self, allow_external: bool, generation: int) -> str:
        return client_token(
            self.card_arn, self.token_stage, self.token_resource, allow_external, generation, self.owner.policy_id
        )


def card_share(card_arn: str, stage: PolicyStage, policy_id: str) -> ShareSpec:
    """The share of the card for ``stage`` of policy ``policy_id``, with the stage's permission."""
    owner = Owner.of(policy_id, stage)
    return ShareSpec(
        owner=owner,
        stage=stage,
        card_arn=card_arn,
        name=share_name(card_arn, stage.name),
        resource_arn=card_arn,
        permission=stage.permission,
        tags={TAG_CARD_ARN: card_arn, **_managed(owner, stage.permission)},
        token_stage=stage.name,
        token_resource=stage.permission,
        context=f"stage {stage.name}",
    )


def group_share(card_arn: str, stage: PolicyStage, group_arn: str, policy_id: str) -> ShareSpec:
    """The share of the model package group beside the card's, for a ``model_package_group`` stage (RAM's
    default permission of the group, no ``permissionArns``)."""
    owner = Owner.of(policy_id, stage)
    return ShareSpec(
        owner=owner,
        stage=stage,
        card_arn=card_arn,
        name=group_share_name(card_arn, stage.name),
        resource_arn=group_arn,
        permission=None,
        tags={TAG_CARD_ARN: card_arn, **_managed(owner, DEFAULT_PERMISSION), TAG_PACKAGE_GROUP: group_arn},
        token_stage=stage.name + GROUP_SHARE_SUFFIX,
        token_resource=group_arn,
        context=f"stage {stage.name} model package group",
    )


def permission_hash(permission_arn: str, policy_id: str | None = None) -> str:
    """8 hex characters identifying a (policy, RAM permission) inside a batch share name; ``policy_id`` None gives
    the hash of the shares made before ownership tags (of the permission alone)."""
    material = permission_arn if policy_id is None else f"{policy_id}|{permission_arn}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:8]


def batch_share_name(stage: str, permission_arn: str, index: int, policy_id: str | None) -> str:
    """``mcgov-batch-<stage>-<hash>-<n>``: the n-th batched share of a (policy, stage, permission)."""
    return f"{BATCH_PREFIX}{stage}-{permission_hash(permission_arn, policy_id)}-{index}"


def batch_share_tags(owner: Owner, permission_arn: str, index: int) -> list[dict[str, str]]:
    """Tags of a batched share; ``mcgov:batch`` carries its index (no ``mcgov:card-arn``: it holds many cards)."""
    return _as_tags({**_managed(owner, permission_arn), TAG_BATCH: str(index)})


def batch_index(share: ResourceShare) -> int | None:
    """The index of a batched share from its tags, or None when it is not one."""
    value = share.tag(TAG_BATCH) or ""
    return int(value) if value.isdigit() else None


def is_batch_share(share: ResourceShare, stage: str | None = None) -> bool:
    """True when ``share`` is an mcgov batched share (of ``stage`` if given), by name and tags, whoever owns it."""
    tags = share.tag_map
    index = batch_index(share)
    return (
        index is not None
        and tags.get(TAG_MANAGED_BY) == MANAGED_BY
        and TAG_CARD_ARN not in tags
        and (stage is None or tags.get(TAG_STAGE) == stage)
        and share.name
        == batch_share_name(tags.get(TAG_STAGE, ""), tags.get(TAG_PERMISSION, ""), index, tags.get(TAG_POLICY_ID))
    )


def batch_client_token(
    owner: Owner,
    permission_arn: str,
    index: int,
    allow_external: bool,
    generation: int,
    resource_arns: list[str],
) -> str:
    """CreateResourceShare clientToken of a batched share: identical requests (concurrent runs of one policy) make
    one share."""
    material = "|".join(
        (
            owner.policy_id,
            owner.stage,
            permission_arn,
            str(index),
            str(allow_external).lower(),
            str(generation),
            ",".join(sorted(resource_arns)),
            ",".join(sorted(owner.accounts)),
        )
    )
    return "mcgov-b-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:40]
