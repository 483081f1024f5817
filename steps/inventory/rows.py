"""The fleet inventory's pure core: one row per card from what the adapter read (``mcgov.steps.inventory.read``).

Nothing here calls AWS. Each judgement is the product's own, reused:

* **approval**: the record in the card's tags (``ApprovalRecord.from_tags``), judged by the gate's
  ``approval_problem`` (current version and content, approver among the policy's ``approvers``: ``find_approver``);
* **share state per stage**: the policy's shares (``mcgov:policy-id``) and those made before ownership tags
  (``ownership``), the share closest to the policy chosen as the gate chooses it (``best_share``), each expected
  association judged by the gate's ``association_problem`` (invitation window, external principals included);
* **hub copies**: the hub sync's own plan (``plan_card``) on the copy and its source: unchanged is current, a sync
  it would make is stale, an edit in the hub is drift;
* **last gate decision**: from an optional ``DecisionSource`` (the gate writes no decision tag on the card).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from mcgov.share_policies.approvers import find_approver
from mcgov.share_policies.models import HubSpokePolicy, PolicyStage, SharePolicy, status_meets
from mcgov.steps.approval.check import approval_problem
from mcgov.steps.approval.tags import TAG_PREFIX, ApprovalRecord
from mcgov.steps.common.jsonutil import content_sha256, json_safe
from mcgov.steps.gate.decision import association_problem
from mcgov.steps.hub.plan import HubCopy, Outcome, SourceCard, plan_card
from mcgov.steps.hub.provenance import Provenance
from mcgov.steps.reconcile.plan import StageInventory
from mcgov.steps.share.naming import TAG_PERMISSION, Owner
from mcgov.steps.share.ownership import Ownership, ownership
from mcgov.steps.share.plan import Candidate, best_share, latest_by_entity, live_entities
from mcgov.steps.share.ram_rows import Association, AssociationStatus, ResourceShare

SCHEMA_VERSION = 1


class ShareState(StrEnum):
    """One stage's share state of one card (docs/inventory.md)."""

    ASSOCIATED = "associated"
    PENDING = "pending"
    FAILED = "failed"
    DRIFT = "drift"
    NOT_SHARED = "not shared"
    OTHER_POLICY = "other policy"


class ApprovalState(StrEnum):
    """What the card's approval record is worth now."""

    VALID = "valid"
    CHANGED = "changed"
    UNLISTED_APPROVER = "unlisted approver"
    MISSING = "missing"
    NONE = "none"


class HubState(StrEnum):
    """A hub copy against its source."""

    CURRENT = "current"
    STALE = "stale"
    DRIFT = "drift"
    GONE = "gone"
    UNREADABLE = "unreadable"
    FAILED = "failed"


@dataclass(frozen=True)
class CardRecord:
    """One card as read: latest version, its content and the card's tags; ``read`` says how (``search``: a page of
    SageMaker Search; ``direct``: DescribeModelCard + ListTags, when Search lagged or something looked wrong)."""

    arn: str
    name: str
    status: str
    version: int | None
    content: str | None
    tags: Mapping[str, str]
    last_modified: datetime | None = None
    read: str = "search"

    @property
    def content_sha256(self) -> str | None:
        if not isinstance(self.content, str):
            return None
        try:
            return content_sha256(self.content)
        except ValueError:
            return None

    def content_object(self) -> dict[str, Any]:
        """The content as a JSON object ({} when it is not one)."""
        try:
            data = json.loads(self.content or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class LastDecision:
    """The last gate decision of one (card, stage), as a decision source reports it."""

    status: str  # ALLOWED | BLOCKED | PENDING
    checked_at: str | None
    reason: str
    source: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any], source: str) -> LastDecision:
        """From a gate decision record (``mcgov gate check`` output, the detail of a "Gate Decision" event)."""
        status = record.get("status")
        if status not in ("ALLOWED", "BLOCKED", "PENDING"):
            status = "ALLOWED" if record.get("allowed") is True else ("PENDING" if record.get("pending") else "BLOCKED")
        reasons = record.get("reasons")
        reason = record.get("reason") or (" ".join(str(r) for r in reasons) if isinstance(reasons, list) else "")
        checked = record.get("checked_at")
        return cls(str(status), str(checked) if checked is not None else None, str(reason), source)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "checked_at": self.checked_at, "reason": self.reason, "source": self.source}


class DecisionSource(Protocol):
    """Where last gate decisions come from (the seam for an archive of "Gate Decision" events). ``name`` is shown
    in the output; ``last_decisions`` maps (card ARN, stage) to the newest decision of each it knows."""

    name: str

    def last_decisions(self, card_arns: Sequence[str]) -> Mapping[tuple[str, str], LastDecision]: ...


@dataclass(frozen=True)
class ApprovalView:
    state: ApprovalState
    record: ApprovalRecord | None
    current: bool
    approver_allowed: bool | None
    problem: str | None

    @property
    def valid(self) -> bool:
        return self.state is ApprovalState.VALID

    def to_dict(self) -> dict[str, Any]:
        record = self.record
        return {
            "state": self.state.value,
            "valid": self.valid,
            "current": self.current,
            "approver": record.approver if record else None,
            "approver_allowed": self.approver_allowed,
            "version": record.version if record else None,
            "content_sha256": record.content_sha256 if record else None,
            "approved_at": record.approved_at if record else None,
            "signed": bool(record.signature) if record else False,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class StageRow:
    state: ShareState
    eligible: bool
    share_arn: str | None = None
    share_name: str | None = None
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "eligible": self.eligible,
            "share_arn": self.share_arn,
            "share_name": self.share_name,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class HubView:
    state: HubState
    provenance: Provenance
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state.value, **self.provenance.to_dict(), "detail": self.detail}


@dataclass(frozen=True)
class SourceRead:
    """What the hub read of a copy's source: the card, or why it could not (``listed``: RAM still lists it)."""

    listed: bool
    card: SourceCard | None = None
    error: str | None = None


@dataclass(frozen=True)
class CardRow:
    card: CardRecord
    approval: ApprovalView
    stages: Mapping[str, StageRow]
    decisions: Mapping[str, LastDecision | None]
    hub: HubView | None = None

    def to_dict(self) -> dict[str, Any]:
        card = self.card
        return {
            "arn": card.arn,
            "name": card.name,
            "status": card.status,
            "version": card.version,
            "content_sha256": card.content_sha256,
            "last_modified": card.last_modified,
            "read": card.read,
            "approval": self.approval.to_dict(),
            "stages": {name: row.to_dict() for name, row in self.stages.items()},
            "last_decision": {name: d.to_dict() if d else None for name, d in self.decisions.items()},
            "hub": self.hub.to_dict() if self.hub else None,
        }


@dataclass(frozen=True)
class Inventory:
    """Every card of the card account (or every hub copy), one row each, in name order."""

    policy: SharePolicy
    rows: tuple[CardRow, ...]
    generated_at: datetime
    decision_source: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def hub(self) -> bool:
        return isinstance(self.policy, HubSpokePolicy)

    def summary(self) -> dict[str, Any]:
        """Counts per state: card status, approval, each stage's share state and last decision, hub copies."""
        stages = list(self.policy.stages)
        return {
            "cards": len(self.rows),
            "status": dict(sorted(Counter(r.card.status for r in self.rows).items())),
            "approval": _counts(r.approval.state.value for r in self.rows),
            "stages": {s: _counts(r.stages[s].state.value for r in self.rows) for s in stages},
            "last_decision": {s: _counts(_decision_status(r.decisions.get(s)) for r in self.rows) for s in stages},
            "hub": _counts(r.hub.state.value for r in self.rows if r.hub) if self.hub else None,
        }

    def to_dict(self) -> dict[str, Any]:
        policy = self.policy
        data: dict[str, Any] = json_safe(
            {
                "schema_version": SCHEMA_VERSION,
                "policy_id": policy.policy_id,
                "card_account": policy.card_account,
                "region": policy.region,
                "topology": "hub-and-spoke" if self.hub else "centralized",
                "generated_at": _iso(self.generated_at),
                "decision_source": self.decision_source,
                "stages": [
                    {
                        "name": s.name,
                        "accounts": list(s.accounts),
                        "required_card_status": s.required_card_status,
                        "permission_arn": s.permission,
                    }
                    for s in policy.stages_named()
                ],
                "summary": self.summary(),
                "notes": list(self.notes),
                "cards": [row.to_dict() for row in self.rows],
            }
        )
        return data


def _decision_status(decision: LastDecision | None) -> str:
    return decision.status if decision is not None else "unknown"


def _counts(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def approval_view(policy: SharePolicy, card: CardRecord) -> ApprovalView:
    """The card's approval record judged as the gate judges it (``approval_problem``); the signature, when the
    policy requires one, is the gate's to verify (kms:Verify, one call per card): ``signed`` only says it is there."""
    record = ApprovalRecord.from_tags({k: v for k, v in card.tags.items() if k.startswith(TAG_PREFIX)})
    sha = card.content_sha256
    patterns = policy.approver_patterns if policy.approvers else None
    current = record is not None and approval_problem(card.name, "Approved", card.version, sha, record) is None
    allowed = None if record is None or patterns is None else find_approver(patterns, record.approver) is not None
    problem = (
        approval_problem(card.name, card.status, card.version, sha, record, patterns)
        if card.status == "Approved"
        else None
    )
    if record is None:
        state = ApprovalState.MISSING if card.status == "Approved" else ApprovalState.NONE
    elif not current or card.status != "Approved":
        state = ApprovalState.CHANGED
    elif allowed is False:
        state = ApprovalState.UNLISTED_APPROVER
    else:
        state = ApprovalState.VALID
    return ApprovalView(state, record, current, allowed, problem)


@dataclass(frozen=True)
class StageIndex:
    """One stage's shares indexed for per-card lookups: ownership and PRINCIPAL rows by share, and, by card ARN,
    the live shares whose latest RESOURCE row for the card is not a disassociation (with the card's rows)."""

    stage: PolicyStage
    kinds: Mapping[str, Ownership]
    principals: Mapping[str, tuple[Association, ...]]
    holding: Mapping[str, tuple[tuple[ResourceShare, tuple[Association, ...]], ...]]
    claims: Mapping[str, tuple[str, ...]]


_GONE = (AssociationStatus.DISASSOCIATING, AssociationStatus.DISASSOCIATED)


def index_stage(policy: SharePolicy, stage: PolicyStage, inventory: StageInventory) -> StageIndex:
    """Index ``inventory`` (one pass over its rows)."""
    owner = Owner.of(policy.policy_id, stage)
    live = [s for s in inventory.shares if s.live]
    principals = {s.arn: tuple(inventory.principal_rows.get(s.arn, ())) for s in live}
    kinds = {s.arn: ownership(s, owner, live_entities(principals[s.arn])) for s in live}
    holding: dict[str, list[tuple[ResourceShare, tuple[Association, ...]]]] = {}
    for share in live:
        by_card: dict[str, list[Association]] = {}
        for row in inventory.resource_rows.get(share.arn, ()):
            by_card.setdefault(row.entity, []).append(row)
        for card, rows in by_card.items():
            if latest_by_entity(rows)[card].status not in _GONE:
                holding.setdefault(card, []).append((share, tuple(rows)))
    return StageIndex(
        stage=stage,
        kinds=kinds,
        principals=principals,
        holding={card: tuple(items) for card, items in holding.items()},
        claims=inventory.claims,
    )


def stage_row(policy: SharePolicy, index: StageIndex, card: CardRecord, now: datetime) -> StageRow:
    """The card's share state for the stage, as the gate would find it (the permission from the share's tag: the
    gate reads it from RAM, ListResourceSharePermissions, once per share)."""
    stage = index.stage
    accounts = list(stage.accounts)
    eligible = status_meets(card.status, stage.required_card_status)
    holding = index.holding.get(card.arn, ())
    candidates: list[Candidate] = [
        (share, index.principals[share.arn], rows)
        for share, rows in holding
        if index.kinds[share.arn].ours and share.tag(TAG_PERMISSION) == stage.permission
    ]
    chosen = best_share(candidates, accounts, card.arn)
    drift = []
    for share, rows in holding:
        if chosen is not None and share.arn == chosen[0].arn or not live_entities(rows):
            continue
        extra = sorted(set(live_entities(index.principals[share.arn])) - set(accounts))
        if extra and index.kinds[share.arn] is not Ownership.FOREIGN:
            drift.append(f"share {share.name} also grants the card to {', '.join(extra)}, not in the policy")
    if chosen is None:
        if drift:
            return StageRow(ShareState.DRIFT, eligible, problems=tuple(drift))
        claim = index.claims.get(card.arn)
        if claim:
            return StageRow(ShareState.OTHER_POLICY, eligible, problems=(f"held by the shares of {', '.join(claim)}",))
        return StageRow(ShareState.NOT_SHARED, eligible)
    share, principal_rows, card_rows = chosen
    terminal: list[str] = []
    waiting: list[str] = []
    by_principal = latest_by_entity(principal_rows)
    window = policy.gate.invitation_window_seconds
    for account in accounts:
        problem, transient = association_problem(
            f"Account {account}", by_principal.get(account), share.arn, now, window, policy.allow_external_principals
        )
        if problem:
            (waiting if transient else terminal).append(problem)
    problem, transient = association_problem(
        f"Card {card.arn}", latest_by_entity(card_rows).get(card.arn), share.arn, now, window, True
    )
    if problem:
        (waiting if transient else terminal).append(problem)
    extra = sorted(p for p, a in by_principal.items() if p not in accounts and a.live)
    if extra:
        drift.insert(0, f"share {share.name} also grants {', '.join(extra)}, not in the policy")
    if drift:
        state = ShareState.DRIFT
    elif terminal:
        state = ShareState.FAILED
    elif waiting:
        state = ShareState.PENDING
    else:
        state = ShareState.ASSOCIATED
    return StageRow(state, eligible, share.arn, share.name, tuple(drift + terminal + waiting))


def hub_view(policy: SharePolicy, card: CardRecord, provenance: Provenance, source: SourceRead, now: str) -> HubView:
    """A hub copy against its source, by the hub sync's own plan (``plan_card``): unchanged is current, what a sync
    would write is stale, an edit in the hub (content or status) is drift; a source RAM no longer lists is gone."""
    if not source.listed:
        return HubView(HubState.GONE, provenance, "the source is no longer shared with the hub (RAM ListResources)")
    if source.card is None:
        return HubView(HubState.UNREADABLE, provenance, source.error or "the source could not be read")
    copy = HubCopy(card.name, card.arn, card.version or 0, card.status, card.content_object())
    spoke = provenance.source_arn.split(":")[4] if provenance.source_arn.count(":") >= 5 else ""
    action = plan_card(spoke, source.card, copy, now)
    state = {
        Outcome.UNCHANGED: HubState.CURRENT,
        Outcome.SYNCED: HubState.STALE,
        Outcome.DRIFT: HubState.DRIFT,
    }.get(action.outcome, HubState.FAILED)
    return HubView(state, provenance, action.detail)


def build_inventory(
    policy: SharePolicy,
    cards: Sequence[CardRecord],
    inventories: Mapping[str, StageInventory],
    now: datetime,
    *,
    decisions: Mapping[tuple[str, str], LastDecision] | None = None,
    decision_source: str | None = None,
    hub_sources: Mapping[str, tuple[Provenance, SourceRead]] | None = None,
    notes: Sequence[str] = (),
) -> Inventory:
    """One row per card (name order): approval, each stage's share state, last decisions, hub copy state."""
    stages = policy.stages_named()
    indexes = [index_stage(policy, stage, inventories[stage.name]) for stage in stages]
    known = decisions or {}
    hub = hub_sources or {}
    when = _iso(now)
    rows = []
    for card in sorted(cards, key=lambda c: (c.name, c.arn)):
        found = hub.get(card.arn)
        rows.append(
            CardRow(
                card=card,
                approval=approval_view(policy, card),
                stages={index.stage.name: stage_row(policy, index, card, now) for index in indexes},
                decisions={stage.name: known.get((card.arn, stage.name)) for stage in stages},
                hub=hub_view(policy, card, found[0], found[1], when) if found else None,
            )
        )
    return Inventory(policy, tuple(rows), now, decision_source, tuple(notes))
