"""Imperative shell of the hub sync: per spoke, read (adapters), plan (pure), write, report.

A spoke that fails (listing denied, throttled past botocore's retries) is reported and the next spoke runs; a
card that fails is reported and the next card runs. A card the spoke shares that RAM has not finished associating
(an invitation not yet accepted, or an association still in progress) is reported as pending, not failed: the
next run copies it. When the hub is outside a spoke's organization, RAM invites it: the sync accepts the
invitations of the spoke it syncs (a policy spoke), and no other. All state lives in the cards (provenance in the
hub copies), so a run stopped at any point converges when run again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from mcgov.errors import BadInputError, GovernanceError
from mcgov.share_policies.models import HubSpokePolicy, SharePolicy
from mcgov.steps.card.store import CardStore
from mcgov.steps.hub.exceptions import SpokeSyncError
from mcgov.steps.hub.naming import hub_card_name, hub_owner_id, share_back_stage, spoke_prefix
from mcgov.steps.hub.plan import CardAction, HubCopy, Outcome, SourceCard, plan_spoke
from mcgov.steps.hub.reader import (
    Invitation,
    accept_invitation,
    copy_names,
    invitation_resources,
    pending_invitations,
    read_copy,
    read_source,
    shared_cards,
)
from mcgov.steps.hub.report import HubReport, SpokeReport
from mcgov.steps.reconcile.plan import Selection
from mcgov.steps.reconcile.run import reconcile
from mcgov.steps.share.converge import ensure_readonly_permission

Progress = Callable[[str], None]


def hub_policy(policy: SharePolicy, source: str | None = None) -> HubSpokePolicy:
    """``policy`` as a hub-and-spoke policy, or ``BadInputError``."""
    if not isinstance(policy, HubSpokePolicy):
        where = f"{source}: " if source else ""
        raise BadInputError(
            f"{where}topology: this is a centralized policy; hub commands need "
            "topology: hub-and-spoke with hub_account and spokes"
        )
    return policy


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _read(
    store: CardStore,
    spoke: str,
    arns: Sequence[str],
    names: dict[str, str],
) -> tuple[list[SourceCard], dict[str, HubCopy], list[CardAction]]:
    """Sources by ARN and the hub copies (those of the sources, and the leftovers for gone); failed reads."""
    sources: list[SourceCard] = []
    failed: list[CardAction] = []
    for arn in arns:
        try:
            sources.append(read_source(store, arn))
        except GovernanceError as exc:
            name = arn.rsplit("/", 1)[-1]
            failed.append(
                CardAction(
                    spoke=spoke,
                    hub_name=hub_card_name(spoke, name),
                    outcome=Outcome.FAILED,
                    source_arn=arn,
                    detail=f"reading the source failed: {_one_line(exc)}",
                )
            )
    wanted = {hub_card_name(spoke, s.name) for s in sources}
    copies: dict[str, HubCopy] = {}
    for name, status in sorted(names.items()):
        if name not in wanted and status == "Archived":
            continue  # a pruned copy: nothing left to decide
        try:
            copies[name] = read_copy(store, name)
        except GovernanceError as exc:
            failed.append(
                CardAction(
                    spoke=spoke,
                    hub_name=name,
                    outcome=Outcome.FAILED,
                    detail=f"reading the hub copy failed: {_one_line(exc)}",
                )
            )
    failed_names = {a.hub_name for a in failed}
    return [s for s in sources if hub_card_name(spoke, s.name) not in failed_names], copies, failed


def _write(store: CardStore, action: CardAction, copies: dict[str, HubCopy]) -> CardAction:
    """Run one planned write; a failure becomes the FAILED outcome naming the call."""
    try:
        if action.archive:
            store.update_status(action.hub_name, "Archived")
        elif action.create:
            store.create(action.hub_name, action.content or "{}", action.status or "Draft")
        else:
            current = copies[action.hub_name].status
            store.update_content(action.hub_name, action.content or "{}", current_status=current)
            if action.status and action.status != current:
                store.update_status(action.hub_name, action.status)
    except GovernanceError as exc:
        return replace(action, outcome=Outcome.FAILED, detail=f"writing the hub copy failed: {_one_line(exc)}")
    return action


MODEL_CARD_TYPE = "sagemaker:ModelCard"


def _answer_invitations(ram: Any, spoke: str, dry_run: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Accept the spoke's unanswered invitations that share model cards only (RAM invites the hub when it is outside
    the spoke's organization); only this spoke's (a policy spoke's) are looked at, so another account's invitation is
    never accepted. Returns (accepted invitation ARNs, the cards of invitations left unanswered: dry run, or an
    invitation that shares something else)."""
    accepted: list[str] = []
    waiting: list[str] = []
    invitations: list[Invitation] = pending_invitations(ram, spoke)
    for invitation in invitations:
        resources = invitation_resources(ram, invitation)
        cards = [arn for arn, kind in resources if kind == MODEL_CARD_TYPE]
        if dry_run or not resources or len(cards) != len(resources):
            waiting += cards
            continue
        accept_invitation(ram, invitation)
        accepted.append(invitation.arn)
    return tuple(accepted), tuple(waiting)


def sync_spoke(
    ram: Any,
    sagemaker: Any,
    policy: HubSpokePolicy,
    spoke: str,
    *,
    prune: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> SpokeReport:
    """Sync one spoke's shared cards into the hub (credentials of the hub account); never raises for AWS errors."""
    policy.spoke(spoke)
    say = progress or (lambda _line: None)
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store = CardStore(sagemaker)
    try:
        accepted, waiting = _answer_invitations(ram, spoke, dry_run)
        listed = shared_cards(ram, spoke, policy.region)
        names = copy_names(sagemaker, spoke)
    except SpokeSyncError as exc:
        say(f"hub sync {spoke}: failed: {_one_line(exc)}")
        return SpokeReport(spoke=spoke, error=_one_line(exc), retryable=exc.retryable, failure=exc.failure)
    arns = listed.available
    pending = tuple(sorted(set(listed.pending) | set(waiting)))
    sources, copies, failed = _read(store, spoke, arns, names)
    planned = plan_spoke(spoke, sources, copies, when, prune=prune, listed=arns)
    done: list[CardAction] = []
    for action in planned:
        writes = action.outcome is Outcome.SYNCED or action.archive
        if writes and dry_run:
            action = replace(action, outcome=Outcome.WOULD_SYNC) if action.outcome is Outcome.SYNCED else action
        elif writes:
            action = _write(store, action, copies)
        done.append(action)
    shared_back = _share_back(ram, sagemaker, policy, spoke, dry_run) if policy.share_back_to_spokes else None
    report = SpokeReport(
        spoke=spoke, actions=tuple(failed + done), shared_back=shared_back, pending=pending, accepted=accepted
    )
    say(
        f"hub sync {spoke}: {len(arns)} shared card(s)"
        + (f", {len(pending)} not yet ASSOCIATED" if pending else "")
        + (f", {len(accepted)} invitation(s) accepted" if accepted else "")
        + ": "
        + ", ".join(f"{k} {v}" for k, v in report.counts(dry_run).items() if v)
    )
    return report


def _share_back(ram: Any, sagemaker: Any, policy: HubSpokePolicy, spoke: str, dry_run: bool) -> dict[str, Any]:
    """Share the spoke's hub copies back with that spoke, read-only, through reconcile's batched shares (``back``
    holds that one stage)."""
    stage = share_back_stage(spoke)
    try:
        permission = ensure_readonly_permission(ram) if not dry_run else policy.permission_arn
        back = SharePolicy.model_validate(
            {
                "version": 1,
                "policy_id": hub_owner_id(policy.hub_account),
                "card_account": policy.hub_account,
                "region": policy.region,
                "allow_external_principals": policy.allow_external_principals,
                "permission_arn": permission,
                "stages": {stage: {"accounts": [spoke], "required_card_status": "Draft"}},
            }
        )
        result = reconcile(
            ram, sagemaker, back, selection=Selection(name_prefix=spoke_prefix(spoke)), dry_run=dry_run, claims=False
        )
    except GovernanceError as exc:
        return {"stage": stage, "error": _one_line(exc)}
    return {"stage": stage, "counts": {o.value: n for o, n in result.counts.items() if n}, "failed": result.failed}


def sync(
    ram: Any,
    sagemaker: Any,
    policy: HubSpokePolicy,
    *,
    spokes: Sequence[str] | None = None,
    prune: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> HubReport:
    """Sync every spoke of the policy (or ``spokes``, each checked against the policy), one after the other."""
    chosen = list(spokes) if spokes else [s.account for s in policy.spokes]
    for account in chosen:
        policy.spoke(account, source="--spoke")
    reports = tuple(
        sync_spoke(ram, sagemaker, policy, account, prune=prune, dry_run=dry_run, now=now, progress=progress)
        for account in chosen
    )
    return HubReport(hub_account=policy.hub_account, dry_run=dry_run, prune=prune, spokes=reports)
