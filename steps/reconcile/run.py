"""Imperative shell of reconcile: list cards, read RAM, plan (pure), write, report.

Every list call is paged (RAM pages of 500, ListModelCards pages of 100); the clients come with
botocore standard retries (``steps.share.client.client_config``), which back off on throttling. All state lives in
RAM: a run interrupted at any point is resumed by running again (shares are found by tags, new shares use a
clientToken derived from their request, already-associated cards and principals are not written again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mcgov.identifiers import name_contains_for_prefix
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.common.aws import AwsFailure, aws_errors
from mcgov.steps.reconcile.exceptions import ReconcileError
from mcgov.steps.reconcile.plan import (
    Card,
    Outcome,
    Selection,
    ShareWork,
    StageInventory,
    StagePlan,
    card_claims,
    check_capacity,
    plan_stage,
)
from mcgov.steps.reconcile.report import ReconcileReport
from mcgov.steps.share.client import association_rows, call, get_shares, require_live
from mcgov.steps.share.exceptions import ShareError
from mcgov.steps.share.naming import (
    MANAGED_BY,
    TAG_CARD_ARN,
    TAG_MANAGED_BY,
    TAG_POLICY_ID,
    TAG_STAGE,
    is_batch_share,
)
from mcgov.steps.share.quotas import (
    BATCH_SHARE_CAPACITY,
    MAX_RESULTS,
    MODEL_CARDS_PAGE_SIZE,
    RESOURCE_ASSOCIATIONS_PER_REGION,
    RESOURCE_SHARES_PER_REGION,
)
from mcgov.steps.share.ram_rows import AssociationType, ResourceShare

Progress = Callable[[str], None]


def list_cards(sagemaker: Any, selection: Selection) -> list[Card]:
    """Every model card of the account matching ``selection`` (status filtered here, on the latest version)."""
    kwargs: dict[str, Any] = {"SortBy": "Name", "SortOrder": "Ascending"}
    if selection.name_prefix:
        kwargs["NameContains"] = name_contains_for_prefix(selection.name_prefix)  # selection.matches: exact
    kwargs["PaginationConfig"] = {"PageSize": MODEL_CARDS_PAGE_SIZE}
    with aws_errors("sagemaker", "list_model_cards", _card_list_error):
        summaries = [
            s
            for page in sagemaker.get_paginator("list_model_cards").paginate(**kwargs)
            for s in page.get("ModelCardSummaries", [])
        ]
    cards = {
        s["ModelCardArn"]: Card(s["ModelCardArn"], s["ModelCardName"], s.get("ModelCardStatus", "")) for s in summaries
    }
    return sorted((c for c in cards.values() if selection.matches(c)), key=lambda c: c.arn)


def _card_list_error(failure: AwsFailure) -> ReconcileError:
    return ReconcileError(
        f"ListModelCards failed: {failure.text}; check sagemaker:ListModelCards permission of the caller and re-run",
        failure=failure,
    )


def read_inventory(
    ram: Any, policy: SharePolicy, stages: Sequence[PolicyStage], cards: Iterable[Card], *, claims: bool = True
) -> dict[str, StageInventory]:
    """The mcgov shares of ``stages`` that are the policy's or made before ownership tags (batched ones, and
    per-card ones of ``cards``) and their live rows; with ``claims``, which of ``cards`` other policies' shares
    hold (``card_claims``: the resource rows of every live batched share and per-card share of ``cards`` are
    read for it)."""
    wanted = {c.arn for c in cards}
    names = {stage.name for stage in stages}
    shares = get_shares(
        ram,
        page_size=MAX_RESULTS,
        resourceOwner="SELF",
        tagFilters=[{"tagKey": TAG_MANAGED_BY, "tagValues": [MANAGED_BY]}],
    )
    relevant = [s for s in shares if is_batch_share(s) or s.tag(TAG_CARD_ARN) in wanted]
    mine = [s for s in relevant if s.tag(TAG_POLICY_ID) in (None, policy.policy_id)]
    read = [s.arn for s in (relevant if claims else mine) if s.live and (claims or s.tag(TAG_STAGE) in names)]
    resources = association_rows(ram, read, AssociationType.RESOURCE, MAX_RESULTS)
    principals = association_rows(
        ram, [s.arn for s in mine if s.arn in resources], AssociationType.PRINCIPAL, MAX_RESULTS
    )
    claimed = card_claims(policy, [s for s in relevant if s.arn in resources], resources, principals) if claims else {}
    by_stage: dict[str, list[ResourceShare]] = {name: [] for name in names}
    for share in mine:
        stage = share.tag(TAG_STAGE) or ""
        if stage in by_stage:
            by_stage[stage].append(share)
    return {
        stage: StageInventory(
            stage=stage,
            shares=tuple(items),
            resource_rows={s.arn: resources[s.arn] for s in items if s.arn in resources},
            principal_rows={s.arn: principals[s.arn] for s in items if s.arn in principals},
            claims={c: who for c, who in claimed.items() if c in wanted},
        )
        for stage, items in by_stage.items()
    }


def check_quotas(inventories: Mapping[str, StageInventory], plans: Sequence[StagePlan]) -> None:
    """Refuse a plan that would exceed RAM's per-Region share or resource-association quotas."""
    live = {s.arn for inv in inventories.values() for s in inv.shares if s.live}
    new = sum(p.new_shares for p in plans)
    if len(live) + new > RESOURCE_SHARES_PER_REGION:
        raise ReconcileError(
            f"{len(live)} mcgov shares exist and {new} more are needed, over RAM's {RESOURCE_SHARES_PER_REGION} "
            "resource shares per Region; raise the quota in Service Quotas or narrow --select"
        )
    existing = sum(len(rows) for inv in inventories.values() for rows in inv.resource_rows.values())
    added = sum(len(c.cards) for p in plans for s in p.shares for c in s.calls)
    if existing + added > RESOURCE_ASSOCIATIONS_PER_REGION:
        raise ReconcileError(
            f"{existing} resource associations exist and {added} more are planned, over RAM's "
            f"{RESOURCE_ASSOCIATIONS_PER_REGION} per Region; raise the quota in Service Quotas or narrow --select"
        )


def _execute_share(
    ram: Any, item: ShareWork, *, dry_run: bool, progress: Progress, counter: list[int], total: int
) -> tuple[dict[str, str], str | None]:
    """Run one share's calls; return (card ARN -> error) and the share-level error (principals not added)."""
    arn = item.arn
    card_errors: dict[str, str] = {}
    share_error: str | None = None
    for write in item.calls:
        counter[0] += 1
        verb = {
            "create_resource_share": "create",
            "associate_resource_share": "associate",
            "update_resource_share": "update",
            "disassociate_resource_share": "disassociate",
        }[write.operation]
        sign = "-" if write.operation == "disassociate_resource_share" else "+"
        extra = f", +principals {','.join(write.principals)}" if write.principals else ""
        extra += f", -principals {','.join(write.removed)}" if write.removed else ""
        progress(
            f"reconcile {item.stage}: {'dry-run: would ' if dry_run else ''}{verb} {item.name}: "
            f"{sign}{len(write.cards)} card(s){extra} [{counter[0]}/{total}]"
        )
        if dry_run:
            continue
        if arn is None and write.operation != "create_resource_share":
            message = share_error or f"share {item.name} was not created"
            card_errors.update({c: message for c in write.cards})
            continue
        params = dict(write.params)
        if write.operation != "create_resource_share":
            params["resourceShareArn"] = arn
        try:
            response = call(ram, write.operation, **params)
            if write.operation == "create_resource_share":
                arn = item.arn = require_live(response, f"reconcile {item.stage}").arn
        except ShareError as exc:
            message = " ".join(str(exc).split())
            card_errors.update({c: message for c in write.cards})
            if write.principals or write.removed or write.operation == "create_resource_share":
                share_error = message
    return card_errors, share_error


def reconcile(
    ram: Any,
    sagemaker: Any,
    policy: SharePolicy,
    *,
    selection: Selection | None = None,
    stages: Sequence[PolicyStage] | None = None,
    dry_run: bool = False,
    prune: bool = False,
    claims: bool = True,
    capacity: int = BATCH_SHARE_CAPACITY,
    progress: Progress | None = None,
) -> ReconcileReport:
    """Share every selected card of the card account as ``policy`` says, for ``stages`` (default: all), through
    the policy's own shares (``mcgov.steps.reconcile.plan``). ``prune`` removes what the policy does not name;
    ``claims`` (default) leaves alone the cards other policies' shares hold (the product's own publish and share
    back pass False: their selection names their cards)."""
    check_capacity(capacity)
    selection = selection or Selection()
    resolved = policy.stages_named() if stages is None else stages
    names = [stage.name for stage in resolved]
    say = progress or (lambda _line: None)
    cards = list_cards(sagemaker, selection)
    inventories = read_inventory(ram, policy, resolved, cards, claims=claims)
    plans = [
        plan_stage(policy, stage, cards, inventories[stage.name], capacity=capacity, prune=prune) for stage in resolved
    ]
    check_quotas(inventories, plans)
    total = sum(p.write_calls for p in plans)
    say(
        f"reconcile: {len(cards)} card(s) selected, stages {', '.join(names)}: {total} write call(s) "
        f"{'would be made' if dry_run else 'to make'}"
    )
    report = ReconcileReport(
        dry_run=dry_run, selection=selection, stages=names, cards=len(cards), policy_id=policy.policy_id
    )
    counter = [0]
    for plan in plans:
        card_errors: dict[str, str] = {}
        share_errors: dict[str, str] = {}
        for item in plan.shares:
            errors, share_error = _execute_share(ram, item, dry_run=dry_run, progress=say, counter=counter, total=total)
            card_errors.update(errors)
            if share_error:
                share_errors[item.name] = share_error
            report.shares.append(
                {
                    "stage": item.stage,
                    "name": item.name,
                    "arn": item.arn,
                    "created": item.create and item.arn is not None,
                    "calls": len(item.calls),
                    "added_cards": sum(len(c.cards) for c in item.calls),
                    "added_principals": sorted({p for c in item.calls for p in c.principals}),
                    "drift_principals": list(item.drift_principals),
                    "removed_principals": list(item.removed_principals),
                    "removed_cards": sorted(
                        {c for w in item.calls if w.operation == "disassociate_resource_share" for c in w.cards}
                    ),
                    "error": share_error,
                }
            )
        drifted = {s.name: s for s in plan.shares if s.kept_drift}
        for entry in plan.cards:
            sharing = entry.outcome is Outcome.WOULD_SHARE
            outcome = Outcome.SHARED if sharing and not dry_run else entry.outcome
            detail = entry.detail
            error = card_errors.get(entry.card.arn) or (share_errors.get(entry.share or "") if sharing else None)
            if error:
                outcome, detail = Outcome.FAILED, error
            elif sharing and entry.share in drifted:
                outcome = Outcome.DRIFT
                detail = (
                    f"{detail}; share also grants {', '.join(drifted[entry.share].kept_drift)}, "
                    "not in the policy: re-run with --prune to remove them"
                )
            report.rows.append(
                {
                    "card_arn": entry.card.arn,
                    "name": entry.card.name,
                    "status": entry.card.status,
                    "stage": entry.stage,
                    "outcome": outcome,
                    "share": entry.share,
                    "share_arn": entry.share_arn or _arn_of(plan, entry.share),
                    "detail": detail,
                }
            )
        report.notes.extend(plan.other_shares)
    return report


def _arn_of(plan: StagePlan, name: str | None) -> str | None:
    return next((s.arn for s in plan.shares if s.name == name), None)
