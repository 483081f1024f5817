"""Thin RAM adapter: every AWS call of the share capability, each taking a boto3 RAM client.

Call sequence of ``ensure_share`` (Stubber tests pin it): one read pass for every stage -- GetResourceShares
(paginated, card tag) -> GetResourceShareAssociations PRINCIPAL and RESOURCE of all live shares -- then per
stage [DeleteResourceShare stale/duplicates, prune only] -> [CreateResourceShare with a deterministic
clientToken, then the new share's associations] -> [UpdateResourceShare if allowExternalPrincipals differs]
-> [AssociateResourceShare] -> [DisassociateResourceShare, prune only]. Every run starts from a fresh read,
so a crash between two calls is repaired by the next run.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from botocore.config import Config

from mcgov.share_policies.documents import (
    READ_ACTIONS,
    READ_ONLY_PERMISSION_NAME,
    check_card_arn,
)
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.card import exceptions as card_exceptions
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.aws import aws_errors
from mcgov.steps.share.exceptions import (
    CardNotFoundError,
    ShareApiError,
    SharePermissionDriftError,
    ShareStateError,
)
from mcgov.steps.share.naming import (
    BATCH_PREFIX,
    TAG_CARD_ARN,
    TAG_PERMISSION,
    client_token,
    is_batch_share,
    is_our_share,
    share_name,
    share_tags,
    tags_of,
)
from mcgov.steps.share.plan import (
    LIVE_SHARE_STATUSES,
    ShareResult,
    StageShareResult,
    best_share,
    plan_associations,
    select_share,
)
from mcgov.steps.share.quotas import SHARE_ARNS_PER_READ

DEFAULT_MAX_ATTEMPTS = 6
MODEL_CARD_RESOURCE_TYPE = "sagemaker:ModelCard"


def client_config(max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Config:
    """botocore config with standard-mode retries (throttling, 5xx, transient network errors)."""
    return Config(retries={"mode": "standard", "total_max_attempts": max_attempts})


def ram_client(session: Any, region: str, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Any:
    """A RAM client for ``region`` with ``client_config``."""
    return session.client("ram", region_name=region, config=client_config(max_attempts))


def _api_errors(operation: str) -> AbstractContextManager[None]:
    """Turn what botocore raises once its retries are spent into ``ShareApiError`` naming the call."""
    return aws_errors("ram", operation, ShareApiError)


def call(client: Any, operation: str, **kwargs: Any) -> dict:
    """Call ``operation`` (snake_case); failures become ``ShareApiError``."""
    with _api_errors(operation):
        return getattr(client, operation)(**kwargs)


def paginate(client: Any, operation: str, result_key: str, *, page_size: int | None = None, **kwargs: Any) -> list[dict]:
    """All items of a paginated list call (``page_size`` items per request when given)."""
    if page_size is not None:
        kwargs["PaginationConfig"] = {"PageSize": page_size}
    items: list[dict] = []
    with _api_errors(operation):
        for page in client.get_paginator(operation).paginate(**kwargs):
            items.extend(page.get(result_key, []))
    return items


def list_stage_shares(ram: Any, card_arn: str, stage: str) -> list[dict]:
    """Every share of this (card, stage), in any status, recognised by name and tags."""
    shares = paginate(
        ram,
        "get_resource_shares",
        "resourceShares",
        resourceOwner="SELF",
        name=share_name(card_arn, stage),
        tagFilters=[{"tagKey": TAG_CARD_ARN, "tagValues": [card_arn]}],
    )
    return [s for s in shares if is_our_share(s, card_arn, stage)]


def list_associations(ram: Any, share_arn: str, association_type: str) -> list[dict]:
    """All associations of ``association_type`` (PRINCIPAL or RESOURCE) of one share."""
    return list(association_rows(ram, [share_arn], association_type).get(share_arn, ()))


def association_rows(ram: Any, share_arns: Sequence[str], association_type: str,
                     page_size: int | None = None) -> dict[str, tuple[dict, ...]]:
    """Associations of ``association_type`` of every share in ``share_arns``, by share ARN (batched reads)."""
    rows: dict[str, list[dict]] = {arn: [] for arn in share_arns}
    for start in range(0, len(share_arns), SHARE_ARNS_PER_READ):
        for row in paginate(ram, "get_resource_share_associations", "resourceShareAssociations", page_size=page_size,
                            associationType=association_type,
                            resourceShareArns=list(share_arns[start:start + SHARE_ARNS_PER_READ])):
            rows.setdefault(row["resourceShareArn"], []).append(row)
    return {arn: tuple(items) for arn, items in rows.items()}


def list_card_shares(ram: Any, card_arn: str, stages: Sequence[str]) -> tuple[dict, ...]:
    """The card's per-card shares of ``stages``, in any status, found by the card tag in one listing."""
    found = paginate(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF",
                     tagFilters=[{"tagKey": TAG_CARD_ARN, "tagValues": [card_arn]}])
    return tuple(s for s in found if any(is_our_share(s, card_arn, stage) for stage in stages))


def require_live(response: dict, context: str) -> dict:
    """The share of a CreateResourceShare response; ``ShareStateError`` when RAM did not make it live."""
    share = response["resourceShare"]
    if share.get("status") not in LIVE_SHARE_STATUSES:
        raise ShareStateError(
            f"{context}: RAM returned share {share.get('resourceShareArn')} in status {share.get('status')} "
            f"({share.get('statusMessage', 'no message')}); delete it with `mcgov share delete` and re-run"
        )
    return share


@dataclass(frozen=True)
class StageShareState:
    """What RAM reports for one (card, stage): its shares and the live share's associations."""

    stage: str
    share_name: str
    shares: tuple[dict, ...]
    active: dict | None
    principal_associations: tuple[dict, ...]
    resource_associations: tuple[dict, ...]

    def to_dict(self) -> dict:
        return {
            "stage": self.stage,
            "share_name": self.share_name,
            "share": self.active,
            "shares": list(self.shares),
            "principal_associations": list(self.principal_associations),
            "resource_associations": list(self.resource_associations),
        }


def read_stage_state(ram: Any, policy: SharePolicy, card_arn: str, stage: str) -> StageShareState:
    """Read every share that may grant ``card_arn`` for ``stage`` and keep the one closest to the policy.

    Candidates are the per-card share (``mcgov-<card>-<stage>``) and the batched shares
    (``mcgov-batch-<stage>-...``, written by ``mcgov reconcile``) that hold the card as a resource: found with
    GetResourceShareAssociations(RESOURCE, resourceArn=card), then GetResourceShares on those ARNs. Only live
    candidates carrying the stage's permission count; ``active`` is the one with the fewest problems
    (``best_share``), its PRINCIPAL rows and the card's RESOURCE rows are returned.
    """
    permission = policy.stage_permission(stage)
    own = list_stage_shares(ram, card_arn, stage)
    card_rows = paginate(
        ram, "get_resource_share_associations", "resourceShareAssociations",
        associationType="RESOURCE", resourceArn=card_arn,
    )
    known = {s["resourceShareArn"] for s in own}
    batch_prefix = f"{BATCH_PREFIX}{stage}-"
    others = sorted({r["resourceShareArn"] for r in card_rows
                     if str(r.get("resourceShareName") or batch_prefix).startswith(batch_prefix)} - known)
    batched: list[dict] = []
    for start in range(0, len(others), SHARE_ARNS_PER_READ):
        found = paginate(
            ram, "get_resource_shares", "resourceShares",
            resourceOwner="SELF", resourceShareArns=others[start:start + SHARE_ARNS_PER_READ],
        )
        batched.extend(s for s in found if is_batch_share(s, stage))
    per_card = select_share(own, permission).active
    live_batched = [
        s for s in batched
        if s.get("status") in LIVE_SHARE_STATUSES and tags_of(s).get(TAG_PERMISSION) == permission
    ]
    candidates = []
    for share in ([per_card] if per_card else []) + live_batched:
        arn = share["resourceShareArn"]
        rows = tuple(r for r in card_rows if r.get("resourceShareArn") == arn)
        candidates.append((share, tuple(list_associations(ram, arn, "PRINCIPAL")), rows))
    chosen = best_share(candidates, policy.stage(stage).accounts, card_arn)
    return StageShareState(
        stage=stage,
        share_name=share_name(card_arn, stage),
        shares=tuple(own + batched),
        active=chosen[0] if chosen else None,
        principal_associations=tuple(chosen[1]) if chosen else (),
        resource_associations=tuple(chosen[2]) if chosen else (),
    )


def share_status(ram: Any, policy: SharePolicy, card_arn: str, stages: Sequence[str] | None = None) -> dict:
    """Shares and associations of every requested stage, as plain data."""
    check_card_arn(policy, card_arn)
    names = stage_names(policy, stages)
    return {
        "card_arn": card_arn,
        "stages": [read_stage_state(ram, policy, card_arn, name).to_dict() for name in names],
    }


def ensure_share(
    ram: Any,
    policy: SharePolicy,
    card_arn: str,
    *,
    stages: Sequence[str] | None = None,
    prune: bool = False,
) -> ShareResult:
    """Converge RAM to the policy for ``card_arn``: one share per stage, principals only from the policy.

    One read pass covers every stage (the card's shares by tag, then their PRINCIPAL and RESOURCE rows in
    one call each), so a converged card costs three calls whatever the number of stages. Drift (principals,
    resources or duplicate shares the policy does not name) is reported and removed only with ``prune``.
    Raises ``SharePermissionDriftError`` when a share carries another permission and ``prune`` is false.
    """
    check_card_arn(policy, card_arn)
    names = stage_names(policy, stages)
    snapshot = read_card_shares(ram, card_arn, names)
    return ShareResult(
        card_arn=card_arn,
        stages=[_ensure_stage(ram, policy, card_arn, name, prune, snapshot) for name in names],
    )


@dataclass(frozen=True)
class CardShares:
    """One read of a card's per-card shares (all stages) and the association rows of the live ones."""

    shares: tuple[dict, ...]
    principals: dict[str, tuple[dict, ...]]
    resources: dict[str, tuple[dict, ...]]

    def of_stage(self, card_arn: str, stage: str) -> list[dict]:
        return [s for s in self.shares if is_our_share(s, card_arn, stage)]


def read_card_shares(ram: Any, card_arn: str, stages: Sequence[str]) -> CardShares:
    """The card's shares for ``stages`` (by the card tag) and their associations, in three calls."""
    shares = list_card_shares(ram, card_arn, stages)
    live = [s["resourceShareArn"] for s in shares if s.get("status") in LIVE_SHARE_STATUSES]
    return CardShares(shares, association_rows(ram, live, "PRINCIPAL"), association_rows(ram, live, "RESOURCE"))


def _ensure_stage(ram: Any, policy: SharePolicy, card_arn: str, stage: str, prune: bool,
                  snapshot: CardShares) -> StageShareResult:
    permission = policy.stage_permission(stage)
    result = StageShareResult(stage=stage, share_name=share_name(card_arn, stage), permission_arn=permission)
    selection = select_share(snapshot.of_stage(card_arn, stage), permission)
    if selection.stale_permission and not prune:
        arns = ", ".join(s["resourceShareArn"] for s in selection.stale_permission)
        raise SharePermissionDriftError(
            f"stage {stage}: share {arns} carries another RAM permission than {permission}; "
            "re-run with --prune to replace it"
        )
    result.duplicate_shares = [s["resourceShareArn"] for s in selection.duplicates]
    if prune:
        for share in (*selection.stale_permission, *selection.duplicates):
            call(ram, "delete_resource_share", resourceShareArn=share["resourceShareArn"])
            result.deleted_shares.append(share["resourceShareArn"])
    share = selection.active
    if share is None:
        generation = selection.generation + len(result.deleted_shares)
        share = _create(ram, policy, card_arn, stage, permission, generation)
        result.created = True
    result.share_arn = share["resourceShareArn"]
    if share.get("allowExternalPrincipals", policy.allow_external_principals) != policy.allow_external_principals:
        call(
            ram,
            "update_resource_share",
            resourceShareArn=result.share_arn,
            allowExternalPrincipals=policy.allow_external_principals,
        )
        result.allow_external_updated = True
    if result.created:  # not in the snapshot: read what the create call associated
        principal_rows = list_associations(ram, result.share_arn, "PRINCIPAL")
        resource_rows = list_associations(ram, result.share_arn, "RESOURCE")
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


def _create(ram: Any, policy: SharePolicy, card_arn: str, stage: str, permission: str, generation: int) -> dict:
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
        if share.get("status") in LIVE_SHARE_STATUSES:
            call(ram, "delete_resource_share", resourceShareArn=share["resourceShareArn"])
            deleted.append(share["resourceShareArn"])
    return deleted


def stage_names(policy: SharePolicy, stages: Iterable[str] | None, *, source: str | None = None) -> list[str]:
    """``stages`` (default: every stage of the policy), each checked to exist in the policy (file ``source``)."""
    names = list(policy.stages) if stages is None else list(stages)
    for name in names:
        policy.stage(name, source=source)
    return names


def resolve_card_arn(policy: SharePolicy, name_or_arn: str) -> str:
    """A card ARN from a name (policy account + region) or an ARN (checked against the policy)."""
    arn = name_or_arn if name_or_arn.startswith("arn:") else policy.card_arn(name_or_arn)
    return check_card_arn(policy, arn)


def describe_card(sagemaker: Any, card_arn: str) -> dict:
    """DescribeModelCard by ARN; ``CardNotFoundError`` (bad input) when it does not exist."""
    try:
        return CardStore(sagemaker).describe(card_arn)
    except card_exceptions.CardNotFoundError as exc:
        raise CardNotFoundError(f"--card: {exc}; create it first or fix the name") from None


def ensure_readonly_permission(ram: Any, name: str = READ_ONLY_PERMISSION_NAME) -> str:
    """The customer-managed read-only model-card permission (what the CloudFormation stack creates), by ARN.

    Creates it when missing; an existing permission of that name is returned as is (idempotent).
    """
    template = json.dumps({"Effect": "Allow", "Action": list(READ_ACTIONS)})
    try:
        return call(ram, "create_permission", name=name, resourceType=MODEL_CARD_RESOURCE_TYPE,
                    policyTemplate=template)["permission"]["arn"]
    except ShareApiError as exc:
        if exc.code != "PermissionAlreadyExistsException":
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
    raise ShareStateError(f"RAM says permission {name} exists but does not list it; check ram:ListPermissions rights")
