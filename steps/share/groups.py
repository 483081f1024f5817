"""The model package group shared beside the card: one more RAM share per stage that sets ``model_package_group``.

Two shares per stage, not one: the card's share keeps its one permission (the policy's) and its selection by
permission tag unchanged, and the group's share (``mcgov-<card>-<stage>-mpg``) carries the RAM default permission
of ``sagemaker:ModelPackageGroup`` (no ``permissionArns`` on create: RAM attaches the resource type's default
AWS-managed permission, which lets the account describe the group and list and describe its versions). Both carry
the card tag, so ``ensure_share`` still reads every share of the card in one pass: a converged card costs the same
three calls with or without groups (GetResourceShares, GetResourceShareAssociations PRINCIPAL and RESOURCE); a
first run adds one CreateResourceShare and two association reads per group share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mcgov.errors import BadInputError
from mcgov.identifiers import MODEL_PACKAGE_ARN
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.share.client import call, delete_shares, list_associations, require_live
from mcgov.steps.share.naming import (
    MANAGED_BY,
    TAG_CARD_ARN,
    TAG_MANAGED_BY,
    TAG_PERMISSION,
    TAG_STAGE,
    card_name_of,
    client_token,
)
from mcgov.steps.share.plan import StageShareResult, plan_associations, select_share
from mcgov.steps.share.records import Association, AssociationType, ResourceShare

MODEL_PACKAGE_GROUP_RESOURCE_TYPE = "sagemaker:ModelPackageGroup"
DEFAULT_PERMISSION = "default"  # the TAG_PERMISSION value of a share created with RAM's default permission
TAG_PACKAGE_GROUP = "mcgov:model-package-group"
GROUP_SHARE_SUFFIX = "-mpg"


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


def group_stages(policy: SharePolicy, stages: Sequence[str]) -> list[str]:
    """The stages of ``stages`` whose policy sets ``model_package_group``."""
    return [name for name in stages if policy.stage(name).model_package_group]


def group_arn_of_package(package_arn: str) -> str:
    """``arn:...:model-package-group/<group>`` of a versioned ``arn:...:model-package/<group>/<n>`` (checked whole:
    ``mcgov.identifiers.MODEL_PACKAGE_ARN``, so no trailing newline, non-ASCII digit or extra path gets through)."""
    match = (
        MODEL_PACKAGE_ARN.fullmatch(package_arn) if isinstance(package_arn, str) and len(package_arn) <= 2048 else None
    )
    if match is None:
        raise BadInputError(
            f"{package_arn!r} is not a versioned model package ARN "
            "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<n>)",
            field="--model-package",
        )
    return (
        f"arn:{match['partition']}:sagemaker:{match['region']}:{match['account']}:model-package-group/{match['group']}"
    )


def check_package_arn(policy: SharePolicy, package_arn: str) -> str:
    """``package_arn`` when it is a versioned model package ARN in the policy's card account and region (the account
    whose RAM shares its group and whose SageMaker records the gate's ``ModelLifeCycle``), else
    ``BadInputError`` naming ``--model-package``."""
    group_arn_of_package(package_arn)
    match = MODEL_PACKAGE_ARN.fullmatch(package_arn)
    assert match is not None
    if match["account"] != policy.card_account or match["region"] != policy.region:
        raise BadInputError(
            f"model package {package_arn} is not in the policy's card account {policy.card_account} / region "
            f"{policy.region}; only the card account can share its model package group",
            field="--model-package",
        )
    return package_arn


def ensure_group_stage(
    ram: Any,
    policy: SharePolicy,
    card_arn: str,
    group_arn: str,
    stage: str,
    prune: bool,
    shares: Sequence[ResourceShare],
    principals: Mapping[str, Sequence[Association]],
    resources: Mapping[str, Sequence[Association]],
) -> StageShareResult:
    """Converge the stage's group share from the card's one read (``shares`` and their association rows)."""
    result = StageShareResult(
        stage=stage, share_name=group_share_name(card_arn, stage), permission_arn=DEFAULT_PERMISSION
    )
    selection = select_share([s for s in shares if is_group_share(s, card_arn, stage)], DEFAULT_PERMISSION)
    result.duplicate_shares = [s.arn for s in selection.duplicates]
    if prune:
        result.deleted_shares.extend(delete_shares(ram, (*selection.stale_permission, *selection.duplicates)))
    share = selection.active
    if share is None:
        generation = selection.generation + len(result.deleted_shares)
        response = call(
            ram,
            "create_resource_share",
            name=result.share_name,
            resourceArns=[group_arn],
            allowExternalPrincipals=policy.allow_external_principals,
            tags=[
                {"key": k, "value": v}
                for k, v in {
                    TAG_CARD_ARN: card_arn,
                    TAG_STAGE: stage,
                    TAG_PERMISSION: DEFAULT_PERMISSION,
                    TAG_MANAGED_BY: MANAGED_BY,
                    TAG_PACKAGE_GROUP: group_arn,
                }.items()
            ],
            clientToken=client_token(
                card_arn, stage + GROUP_SHARE_SUFFIX, group_arn, policy.allow_external_principals, generation
            ),
        )
        share = require_live(response, f"stage {stage} model package group")
        result.created = True
        principal_rows = list_associations(ram, share.arn, AssociationType.PRINCIPAL)
        resource_rows = list_associations(ram, share.arn, AssociationType.RESOURCE)
    else:
        principal_rows = list(principals.get(share.arn, ()))
        resource_rows = list(resources.get(share.arn, ()))
        if share.allow_external_principals not in (None, policy.allow_external_principals):
            call(
                ram,
                "update_resource_share",
                resourceShareArn=share.arn,
                allowExternalPrincipals=policy.allow_external_principals,
            )
            result.allow_external_updated = True
    result.share_arn = share.arn
    plan = plan_associations(policy.stage(stage).accounts, group_arn, principal_rows, resource_rows, prune=prune)
    for operation, accounts, arns in (
        ("associate_resource_share", plan.add_principals, plan.add_resources),
        ("disassociate_resource_share", plan.remove_principals, plan.remove_resources),
    ):
        if accounts or arns:
            kwargs: dict[str, Any] = {"resourceShareArn": share.arn}
            if accounts:
                kwargs["principals"] = list(accounts)
            if arns:
                kwargs["resourceArns"] = list(arns)
            call(ram, operation, **kwargs)
    result.added_principals, result.added_resources = list(plan.add_principals), list(plan.add_resources)
    result.drift_principals, result.drift_resources = list(plan.drift_principals), list(plan.drift_resources)
    result.removed_principals, result.removed_resources = list(plan.remove_principals), list(plan.remove_resources)
    return result


def resolve_package(
    policy: SharePolicy, stages: Sequence[str], card: Mapping[str, Any], package_arn: str | None
) -> str | None:
    """The model package whose group the stages share: ``--model-package``, else the card's
    ``model_package_details``; None when no stage needs a group. ``BadInputError`` when one does and
    neither names a versioned package."""
    needed = group_stages(policy, stages)
    if package_arn is None and needed:
        from mcgov.steps.registry.provenance import package_arn_from_card  # the registry only when a card names one

        package_arn = package_arn_from_card(card)
    arn = package_arn
    if arn is None:
        if needed:
            raise BadInputError(
                f"stage {needed[0]} sets model_package_group but the card names no model package "
                "(model_package_details.model_package_arn); pass --model-package ARN",
                field="--model-package",
            )
        return None
    return check_package_arn(policy, arn)
