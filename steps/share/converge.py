"""Converge RAM to the policy for one card: ensure, delete, and the read-only permission.

Call sequence of ``ensure_share`` (Stubber tests pin it): one read pass for every stage -- GetResourceShares
(paginated, card tag) -> GetResourceShareAssociations PRINCIPAL and RESOURCE of all live shares -- then per
share [DeleteResourceShare stale/duplicates, prune only] -> [CreateResourceShare with a deterministic
clientToken, then the new share's associations] -> [UpdateResourceShare if allowExternalPrincipals differs]
-> [AssociateResourceShare] -> [DisassociateResourceShare, prune only]. Every run starts from a fresh read,
so a crash between two calls is repaired by the next run.

One converge (``converge_share``) serves the card's share of each stage and, for the stages that set
``model_package_group``, the model package group's share beside it: both are a ``ShareSpec``
(``mcgov.steps.share.naming``), both carry the card tag, so a converged card costs three calls with or without
groups; a first run adds one CreateResourceShare and two association reads per share.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcgov.share_policies.iam import READ_ACTIONS, READ_ONLY_PERMISSION_NAME
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.share.client import (
    association_rows,
    call,
    delete_shares,
    list_associations,
    list_card_shares,
    require_live,
)
from mcgov.steps.share.exceptions import ShareError
from mcgov.steps.share.naming import ShareSpec, card_share, group_share, is_our_share
from mcgov.steps.share.plan import ShareResult, StageShareResult, plan_associations, select_share
from mcgov.steps.share.ram_rows import Association, AssociationType, ResourceShare

MODEL_CARD_RESOURCE_TYPE = "sagemaker:ModelCard"


def ensure_share(
    ram: Any,
    policy: SharePolicy,
    card_arn: str,
    *,
    stages: Sequence[PolicyStage] | None = None,
    prune: bool = False,
    package_group_arn: str | None = None,
) -> ShareResult:
    """Converge RAM to the policy for ``card_arn``: one share per stage, principals only from the policy.

    One read pass covers every stage (the card's shares by tag, then their PRINCIPAL and RESOURCE rows in
    one call each), so a converged card costs three calls whatever the number of stages. Drift (principals,
    resources or duplicate shares the policy does not name) is reported and removed only with ``prune``.
    Raises ``ShareError`` when a share carries another permission and ``prune`` is false.
    With ``package_group_arn``, the stages that set ``model_package_group`` also get the group's share,
    read in the same pass. ``stages`` are resolved (``SharePolicy.stage``); default: every stage of the policy.
    """
    policy.card_arn(card_arn)
    resolved = policy.stages_named() if stages is None else stages
    cards = [card_share(card_arn, stage) for stage in resolved]
    groups = (
        [group_share(card_arn, stage, package_group_arn) for stage in resolved if stage.model_package_group]
        if package_group_arn
        else []
    )
    snapshot = read_card_shares(ram, card_arn, [*cards, *groups])
    result = ShareResult(card_arn=card_arn, stages=[converge_share(ram, policy, s, prune, snapshot) for s in cards])
    if package_group_arn:
        result.package_group_arn = package_group_arn
        result.package_group_stages = [converge_share(ram, policy, s, prune, snapshot) for s in groups]
    return result


@dataclass(frozen=True)
class CardShares:
    """One read of a card's shares (every requested spec) and the association rows of the live ones."""

    shares: tuple[ResourceShare, ...]
    principals: Mapping[str, tuple[Association, ...]]
    resources: Mapping[str, tuple[Association, ...]]


def read_card_shares(ram: Any, card_arn: str, specs: Sequence[ShareSpec]) -> CardShares:
    """The card's shares that ``specs`` name, found by the card tag, and their associations, in three calls."""
    shares = tuple(s for s in list_card_shares(ram, card_arn) if any(spec.owns(s) for spec in specs))
    live = [s.arn for s in shares if s.live]
    return CardShares(
        shares,
        association_rows(ram, live, AssociationType.PRINCIPAL),
        association_rows(ram, live, AssociationType.RESOURCE),
    )


def converge_share(
    ram: Any, policy: SharePolicy, spec: ShareSpec, prune: bool, snapshot: CardShares
) -> StageShareResult:
    """Bring the share ``spec`` names to the policy: keep the oldest live one carrying its permission, create it
    when missing, set ``allowExternalPrincipals``, associate the stage's accounts and the resource; remove drift
    (and stale or duplicate shares) only with ``prune``."""
    permission = spec.permission_tag
    result = StageShareResult(stage=spec.stage.name, share_name=spec.name, permission_arn=permission)
    selection = select_share([s for s in snapshot.shares if spec.owns(s)], permission)
    if selection.stale_permission and not prune:
        arns = ", ".join(s.arn for s in selection.stale_permission)
        raise ShareError(
            f"{spec.context}: share {arns} carries another RAM permission than {permission}; "
            "re-run with --prune to replace it"
        )
    result.duplicate_shares = [s.arn for s in selection.duplicates]
    if prune:
        result.deleted_shares.extend(delete_shares(ram, (*selection.stale_permission, *selection.duplicates)))
    share = selection.active
    if share is None:
        share = _create(ram, policy, spec, selection.generation + len(result.deleted_shares))
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
    plan = plan_associations(spec.stage.accounts, spec.resource_arn, principal_rows, resource_rows, prune=prune)
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


def _create(ram: Any, policy: SharePolicy, spec: ShareSpec, generation: int) -> ResourceShare:
    """CreateResourceShare of ``spec`` (no ``permissionArns`` for RAM's default permission)."""
    params: dict[str, Any] = {"name": spec.name, "resourceArns": [spec.resource_arn]}
    if spec.permission is not None:
        params["permissionArns"] = [spec.permission]
    response = call(
        ram,
        "create_resource_share",
        **params,
        allowExternalPrincipals=policy.allow_external_principals,
        tags=spec.tag_list(),
        clientToken=spec.client_token(policy.allow_external_principals, generation),
    )
    return require_live(response, spec.context)


def delete_share(
    ram: Any, policy: SharePolicy, card_arn: str, stages: Sequence[PolicyStage] | None = None
) -> list[str]:
    """Delete every live share of ``card_arn`` for ``stages`` (default: every stage); return the deleted ARNs."""
    policy.card_arn(card_arn)
    names = [stage.name for stage in (policy.stages_named() if stages is None else stages)]
    deleted: list[str] = []
    for share in list_card_shares(ram, card_arn):
        if share.live and any(is_our_share(share, card_arn, name) for name in names):
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
