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

Ownership (``mcgov.steps.share.ownership``): only the policy's own shares (``mcgov:policy-id``) are reused and
changed. Another policy's share of the same card and stage is left alone and listed; a share made before ownership
tags is used as it is when its principals are exactly the stage's, else reported and, with ``prune``, deleted (a
per-card share holds this card only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcgov.share_policies.iam import READ_ACTIONS, READ_ONLY_PERMISSION_NAME
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.common.aws import AwsFailure
from mcgov.steps.share.client import (
    association_rows,
    call,
    delete_shares,
    list_associations,
    list_card_shares,
    require_live,
)
from mcgov.steps.share.exceptions import ShareError
from mcgov.steps.share.naming import TAG_PERMISSION, TAG_POLICY_ID, ShareSpec, card_share, group_share, is_card_share
from mcgov.steps.share.ownership import Ownership, is_legacy, ownership
from mcgov.steps.share.plan import (
    ShareResult,
    StageShareResult,
    live_entities,
    plan_associations,
    select_share,
    share_order,
)
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
    Only the shares of ``policy.policy_id`` are reused and changed (the module docstring).
    """
    policy.card_arn(card_arn)
    resolved = policy.stages_named() if stages is None else stages
    owner = policy.policy_id
    cards = [card_share(card_arn, stage, owner) for stage in resolved]
    groups = (
        [group_share(card_arn, stage, package_group_arn, owner) for stage in resolved if stage.model_package_group]
        if package_group_arn
        else []
    )
    snapshot = read_card_shares(ram, card_arn, [*cards, *groups], owner)
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

    def live_principals(self, share_arn: str) -> list[str]:
        return live_entities(self.principals.get(share_arn, ()))

    def live_resources(self, share_arn: str) -> list[str]:
        return live_entities(self.resources.get(share_arn, ()))


def read_card_shares(ram: Any, card_arn: str, specs: Sequence[ShareSpec], policy_id: str) -> CardShares:
    """The card's shares that ``specs`` name (any owner), found by the card tag, and the associations of the live
    ones of ``policy_id`` or made before ownership tags (another policy's are not read), in three calls."""
    shares = tuple(s for s in list_card_shares(ram, card_arn) if any(spec.matches(s) for spec in specs))
    live = [s.arn for s in shares if s.live and s.tag(TAG_POLICY_ID) in (None, policy_id)]
    return CardShares(
        shares,
        association_rows(ram, live, AssociationType.PRINCIPAL),
        association_rows(ram, live, AssociationType.RESOURCE),
    )


def converge_share(
    ram: Any, policy: SharePolicy, spec: ShareSpec, prune: bool, snapshot: CardShares
) -> StageShareResult:
    """Bring the share ``spec`` names to the policy: keep the policy's oldest live share carrying its permission
    (or a share made before ownership tags that already grants exactly the stage's accounts), create it when
    missing, set ``allowExternalPrincipals``, associate the stage's accounts and the resource; remove drift
    (and stale, duplicate or superseded shares) only with ``prune``. Another policy's shares are listed, never
    touched."""
    permission = spec.permission_tag
    result = StageShareResult(
        stage=spec.stage.name, share_name=spec.name, permission_arn=permission, policy_id=spec.owner.policy_id
    )
    matching = [s for s in snapshot.shares if spec.matches(s)]
    kinds = {s.arn: ownership(s, spec.owner, snapshot.live_principals(s.arn)) for s in matching}
    result.other_policies = {
        s.arn: s.tag(TAG_POLICY_ID) or "" for s in matching if s.live and kinds[s.arn] is Ownership.FOREIGN
    }
    selection = select_share([s for s in matching if kinds[s.arn] is Ownership.OWNED], permission)
    if selection.stale_permission and not prune:
        arns = ", ".join(s.arn for s in selection.stale_permission)
        raise ShareError(
            f"{spec.context}: share {arns} carries another RAM permission than {permission}; "
            "re-run with --prune to replace it"
        )
    result.duplicate_shares = [s.arn for s in selection.duplicates]
    if prune:
        result.deleted_shares.extend(delete_shares(ram, (*selection.stale_permission, *selection.duplicates)))
    generation = selection.generation + len(result.deleted_shares)
    legacy = sorted((s for s in matching if s.live and is_legacy(s)), key=share_order)
    share = selection.active
    adopted = None if share is not None else next((s for s in legacy if _adoptable(s, spec, policy, snapshot)), None)
    _legacy(ram, spec, [s for s in legacy if s is not adopted], prune, snapshot, result)
    if adopted is not None:  # grants exactly the stage's accounts already: used as it is, never written
        result.share_arn, result.adopted = adopted.arn, True
        return result
    if share is None:
        share = _create(ram, policy, spec, generation)
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


def _adoptable(share: ResourceShare, spec: ShareSpec, policy: SharePolicy, snapshot: CardShares) -> bool:
    """A share made before ownership tags that already is what ``spec`` asks: exactly the stage's accounts
    (``Ownership.ADOPTED``), the spec's permission, the policy's external setting, and the resource, live."""
    external = share.allow_external_principals
    return (
        ownership(share, spec.owner, snapshot.live_principals(share.arn)) is Ownership.ADOPTED
        and share.tag(TAG_PERMISSION) == spec.permission_tag
        and (external is None or external == policy.allow_external_principals)
        and set(snapshot.live_resources(share.arn)) == {spec.resource_arn}
    )


def _legacy(
    ram: Any,
    spec: ShareSpec,
    shares: Sequence[ResourceShare],
    prune: bool,
    snapshot: CardShares,
    result: StageShareResult,
) -> None:
    """Report the (card, stage) shares made before ownership tags that are not used: drift when one grants an
    account the stage does not name, superseded otherwise; ``prune`` deletes them (they hold this card only)."""
    for share in shares:
        extra = sorted(set(snapshot.live_principals(share.arn)) - set(spec.stage.accounts))
        if extra:
            result.legacy_drift[share.arn] = extra
        else:
            result.legacy_shares.append(share.arn)
    if prune:
        result.deleted_shares.extend(delete_shares(ram, shares))


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
    """Delete every live share of ``card_arn`` for ``stages`` (default: every stage) that is the policy's or was made
    before ownership tags (another policy's shares stay); return the deleted ARNs."""
    policy.card_arn(card_arn)
    names = [stage.name for stage in (policy.stages_named() if stages is None else stages)]
    deleted: list[str] = []
    for share in list_card_shares(ram, card_arn):
        mine = share.tag(TAG_POLICY_ID) in (None, policy.policy_id)
        if share.live and mine and any(is_card_share(share, card_arn, name) for name in names):
            call(ram, "delete_resource_share", resourceShareArn=share.arn)
            deleted.append(share.arn)
    return deleted


def ensure_readonly_permission(ram: Any, name: str = READ_ONLY_PERMISSION_NAME) -> str:
    """The customer-managed read-only model-card permission (what the CloudFormation stack creates), by ARN.

    Creates it when missing; an existing permission of that name is returned as is (idempotent).
    """
    template = json.dumps({"Effect": "Allow", "Action": list(READ_ACTIONS)})
    try:
        created: str = call(
            ram, "create_permission", name=name, resourceType=MODEL_CARD_RESOURCE_TYPE, policyTemplate=template
        )["permission"]["arn"]
        return created
    except ShareError as exc:
        if not isinstance(exc.failure, AwsFailure) or exc.failure.code != "PermissionAlreadyExistsException":
            raise
    kwargs: dict[str, Any] = {"resourceType": MODEL_CARD_RESOURCE_TYPE}
    while True:  # ListPermissions has no botocore paginator
        page = call(ram, "list_permissions", **kwargs)
        for permission in page.get("permissions", []):
            if permission.get("name") == name:
                arn: str = permission["arn"]
                return arn
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    raise ShareError(f"RAM says permission {name} exists but does not list it; check ram:ListPermissions rights")
