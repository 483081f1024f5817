"""Converge RAM to the policy for one card: ensure, delete, and the read-only permission.

Call sequence of ``ensure_share`` (Stubber tests pin it): one read pass for every stage -- GetResourceShares
(paginated, card tag) -> GetResourceShareAssociations PRINCIPAL and RESOURCE of all live shares -- then per
stage [DeleteResourceShare stale/duplicates, prune only] -> [CreateResourceShare with a deterministic
clientToken, then the new share's associations] -> [UpdateResourceShare if allowExternalPrincipals differs]
-> [AssociateResourceShare] -> [DisassociateResourceShare, prune only]. Every run starts from a fresh read,
so a crash between two calls is repaired by the next run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcgov.errors import BadInputError
from mcgov.share_policies.documents import READ_ACTIONS, READ_ONLY_PERMISSION_NAME, check_card_arn
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.card.exceptions import CardNotFoundError
from mcgov.steps.card.store import CardStore
from mcgov.steps.share.client import (
    association_rows,
    call,
    delete_shares,
    list_associations,
    list_card_shares,
    require_live,
)
from mcgov.steps.share.exceptions import ShareError
from mcgov.steps.share.groups import ensure_group_stage, group_stages, is_group_share
from mcgov.steps.share.naming import client_token, is_our_share, share_name, share_tags
from mcgov.steps.share.plan import ShareResult, StageShareResult, plan_associations, select_share
from mcgov.steps.share.records import Association, AssociationType, ResourceShare
from mcgov.steps.share.targets import stage_names

MODEL_CARD_RESOURCE_TYPE = "sagemaker:ModelCard"


def describe_card(sagemaker: Any, card_arn: str) -> dict:
    """DescribeModelCard of the card to share; bad ``--card`` input (exit code 2) when it does not exist."""
    try:
        return CardStore(sagemaker).describe(card_arn)
    except CardNotFoundError as exc:
        raise BadInputError(f"{exc}; create it first or fix the name", field="--card") from None


def ensure_share(
    ram: Any,
    policy: SharePolicy,
    card_arn: str,
    *,
    stages: Sequence[str] | None = None,
    prune: bool = False,
    package_group_arn: str | None = None,
) -> ShareResult:
    """Converge RAM to the policy for ``card_arn``: one share per stage, principals only from the policy.

    One read pass covers every stage (the card's shares by tag, then their PRINCIPAL and RESOURCE rows in
    one call each), so a converged card costs three calls whatever the number of stages. Drift (principals,
    resources or duplicate shares the policy does not name) is reported and removed only with ``prune``.
    Raises ``ShareError`` when a share carries another permission and ``prune`` is false.
    With ``package_group_arn``, the stages that set ``model_package_group`` also get the group's share
    (``mcgov.steps.share.groups``), read in the same pass.
    """
    check_card_arn(policy, card_arn)
    names = stage_names(policy, stages)
    grouped = group_stages(policy, names) if package_group_arn else []
    snapshot = read_card_shares(ram, card_arn, names, grouped)
    result = ShareResult(
        card_arn=card_arn,
        stages=[_ensure_stage(ram, policy, card_arn, name, prune, snapshot) for name in names],
    )
    if package_group_arn:
        result.package_group_arn = package_group_arn
        result.package_group_stages = [
            ensure_group_stage(
                ram,
                policy,
                card_arn,
                package_group_arn,
                name,
                prune,
                snapshot.shares,
                snapshot.principals,
                snapshot.resources,
            )
            for name in grouped
        ]
    return result


@dataclass(frozen=True)
class CardShares:
    """One read of a card's per-card shares (all stages) and the association rows of the live ones."""

    shares: tuple[ResourceShare, ...]
    principals: Mapping[str, tuple[Association, ...]]
    resources: Mapping[str, tuple[Association, ...]]

    def of_stage(self, card_arn: str, stage: str) -> list[ResourceShare]:
        return [s for s in self.shares if is_our_share(s, card_arn, stage)]


def read_card_shares(ram: Any, card_arn: str, stages: Sequence[str], group_stages: Sequence[str] = ()) -> CardShares:
    """The card's shares for ``stages`` (and its model package group shares for ``group_stages``), by the card
    tag, and their associations, in three calls."""
    shares = list_card_shares(
        ram,
        card_arn,
        stages,
        (lambda s: any(is_group_share(s, card_arn, g) for g in group_stages)) if group_stages else None,
    )
    live = [s.arn for s in shares if s.live]
    return CardShares(
        shares,
        association_rows(ram, live, AssociationType.PRINCIPAL),
        association_rows(ram, live, AssociationType.RESOURCE),
    )


def _ensure_stage(
    ram: Any, policy: SharePolicy, card_arn: str, stage: str, prune: bool, snapshot: CardShares
) -> StageShareResult:
    permission = policy.stage_permission(stage)
    result = StageShareResult(stage=stage, share_name=share_name(card_arn, stage), permission_arn=permission)
    selection = select_share(snapshot.of_stage(card_arn, stage), permission)
    if selection.stale_permission and not prune:
        arns = ", ".join(s.arn for s in selection.stale_permission)
        raise ShareError(
            f"stage {stage}: share {arns} carries another RAM permission than {permission}; "
            "re-run with --prune to replace it"
        )
    result.duplicate_shares = [s.arn for s in selection.duplicates]
    if prune:
        result.deleted_shares.extend(delete_shares(ram, (*selection.stale_permission, *selection.duplicates)))
    share = selection.active
    if share is None:
        generation = selection.generation + len(result.deleted_shares)
        share = _create(ram, policy, card_arn, stage, permission, generation)
        result.created = True
    result.share_arn = share.arn
    external = share.allow_external_principals
    if external is not None and external != policy.allow_external_principals:
        call(
            ram,
            "update_resource_share",
            resourceShareArn=result.share_arn,
            allowExternalPrincipals=policy.allow_external_principals,
        )
        result.allow_external_updated = True
    if result.created:  # not in the snapshot: read what the create call associated
        principal_rows = list_associations(ram, result.share_arn, AssociationType.PRINCIPAL)
        resource_rows = list_associations(ram, result.share_arn, AssociationType.RESOURCE)
    else:
        principal_rows = list(snapshot.principals.get(result.share_arn, ()))
        resource_rows = list(snapshot.resources.get(result.share_arn, ()))
    plan = plan_associations(policy.stage(stage).accounts, card_arn, principal_rows, resource_rows, prune=prune)
    _change(ram, "associate_resource_share", result.share_arn, plan.add_principals, plan.add_resources)
    _change(ram, "disassociate_resource_share", result.share_arn, plan.remove_principals, plan.remove_resources)
    result.added_principals = list(plan.add_principals)
    result.added_resources = list(plan.add_resources)
    result.drift_principals = list(plan.drift_principals)
    result.drift_resources = list(plan.drift_resources)
    result.removed_principals = list(plan.remove_principals)
    result.removed_resources = list(plan.remove_resources)
    return result


def _change(ram: Any, operation: str, share_arn: str, principals: Sequence[str], resources: Sequence[str]) -> None:
    """One (dis)associate call for ``principals`` and ``resources``; nothing when both are empty."""
    if not principals and not resources:
        return
    kwargs: dict[str, Any] = {"resourceShareArn": share_arn}
    if principals:
        kwargs["principals"] = list(principals)
    if resources:
        kwargs["resourceArns"] = list(resources)
    call(ram, operation, **kwargs)


def _create(
    ram: Any, policy: SharePolicy, card_arn: str, stage: str, permission: str, generation: int
) -> ResourceShare:
    response = call(
        ram,
        "create_resource_share",
        name=share_name(card_arn, stage),
        resourceArns=[card_arn],
        permissionArns=[permission],
        allowExternalPrincipals=policy.allow_external_principals,
        tags=share_tags(card_arn, stage, permission),
        clientToken=client_token(card_arn, stage, permission, policy.allow_external_principals, generation),
    )
    return require_live(response, f"stage {stage}")


def delete_share(ram: Any, policy: SharePolicy, card_arn: str, stages: Sequence[str] | None = None) -> list[str]:
    """Delete every live share of ``card_arn`` for the requested stages; return the deleted ARNs."""
    check_card_arn(policy, card_arn)
    deleted: list[str] = []
    for share in list_card_shares(ram, card_arn, stage_names(policy, stages)):
        if share.live:
            call(ram, "delete_resource_share", resourceShareArn=share.arn)
            deleted.append(share.arn)
    return deleted


def ensure_readonly_permission(ram: Any, name: str = READ_ONLY_PERMISSION_NAME) -> str:
    """The customer-managed read-only model-card permission (what the CloudFormation stack creates), by ARN.

    Creates it when missing; an existing permission of that name is returned as is (idempotent).
    """
    template = json.dumps({"Effect": "Allow", "Action": list(READ_ACTIONS)})
    try:
        return call(
            ram, "create_permission", name=name, resourceType=MODEL_CARD_RESOURCE_TYPE, policyTemplate=template
        )["permission"]["arn"]
    except ShareError as exc:
        if exc.failure is None or exc.failure.code != "PermissionAlreadyExistsException":
            raise
    kwargs: dict[str, Any] = {"resourceType": MODEL_CARD_RESOURCE_TYPE}
    while True:  # ListPermissions has no botocore paginator
        page = call(ram, "list_permissions", **kwargs)
        for permission in page.get("permissions", []):
            if permission.get("name") == name:
                return permission["arn"]
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    raise ShareError(f"RAM says permission {name} exists but does not list it; check ram:ListPermissions rights")
