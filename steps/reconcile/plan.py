"""Pure planning of a reconcile run: from the cards and what RAM reports to the write calls, per stage.

A card of a stage is *shared* by a live share (ACTIVE/PENDING) of the policy that carries the stage's permission
and has the card as a live (ASSOCIATING/ASSOCIATED) resource: its per-card share ``mcgov-<card>-<stage>`` or a
batched share ``mcgov-batch-<stage>-<hash>-<n>`` (the hash of the policy id and the permission). Cards shared
nowhere (or only by a per-card share that misses an account) are placed into the policy's batched shares, filling
existing ones up to ``capacity`` in index order, then new ones, ``RESOURCES_PER_CALL`` cards per call; batched
shares missing a policy account get it in the same (or one extra) AssociateResourceShare call. Principals only ever
come from the policy, and only the policy's own shares are written (``mcgov.steps.share.ownership``): a share made
before ownership tags is used as it is when it grants exactly the stage's accounts, never filled.

A card that no share of the policy holds but another policy's share does (or a share made before ownership tags
for other accounts) is that policy's: it is left alone (``other policy``). ``prune`` removes what the policy
does not name: extra principals of the policy's shares, and the selected cards from old shares that are not
the policy's (which is how a card held only by such an old share is taken over).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mcgov import identifiers as ids
from mcgov.errors import BadInputError
from mcgov.share_policies.models import PolicyStage, SharePolicy, status_meets
from mcgov.steps.card.limits import CARD_STATUSES
from mcgov.steps.share.naming import (
    TAG_CARD_ARN,
    TAG_PERMISSION,
    TAG_STAGE,
    Owner,
    batch_client_token,
    batch_index,
    batch_share_name,
    batch_share_tags,
    is_batch_share,
)
from mcgov.steps.share.ownership import LEGACY_CLAIMANT, Ownership, claimant, ownership
from mcgov.steps.share.plan import live_entities, share_order
from mcgov.steps.share.quotas import (
    BATCH_SHARE_CAPACITY,
    RESOURCE_ASSOCIATIONS_PER_SHARE,
    RESOURCES_PER_CALL,
)
from mcgov.steps.share.ram_rows import Association, ResourceShare


class Outcome(StrEnum):
    """What a run found or did for one (card, stage); the plan uses ALREADY, WOULD_SHARE, DRIFT, SKIPPED and
    OTHER_POLICY (held by another policy's share only: left alone)."""

    ALREADY = "already shared"
    SHARED = "shared now"
    WOULD_SHARE = "would share"
    DRIFT = "drift"
    FAILED = "failed"
    SKIPPED = "skipped (status)"
    OTHER_POLICY = "other policy"


@dataclass(frozen=True)
class Card:
    """A model card of the card account as ListModelCards reports it."""

    arn: str
    name: str
    status: str


@dataclass(frozen=True)
class Selection:
    """Which cards a run covers: every card, or those with a status and/or a name prefix."""

    status: str | None = None
    name_prefix: str | None = None

    def matches(self, card: Card) -> bool:
        return (self.status is None or card.status == self.status) and (
            self.name_prefix is None or card.name.startswith(self.name_prefix)
        )

    def to_dict(self) -> dict[str, str | None]:
        return {"status": self.status, "name_prefix": self.name_prefix}


def parse_selection(items: Iterable[str] | None) -> Selection:
    """``["status=Approved", "name-prefix=churn-"]`` -> Selection (each key at most once)."""
    values: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in ("status", "name-prefix") or not value:
            raise BadInputError(f"--select: use status=<{'|'.join(CARD_STATUSES)}> or name-prefix=<prefix>")
        if key in values:
            raise BadInputError(f"--select {key} given twice; give each key once (they are combined with AND)")
        values[key] = value
    status = values.get("status")
    if status is not None and status not in CARD_STATUSES:
        raise BadInputError(f"--select status: unknown card status; use one of {', '.join(CARD_STATUSES)}")
    prefix = values.get("name-prefix")
    if prefix is not None and not ids.matches(ids.CARD_NAME_PREFIX, prefix):
        raise BadInputError(
            "--select name-prefix: not the beginning of a card name (letters, digits and "
            "hyphens, starting with a letter or digit, at most 63)"
        )
    return Selection(status=status, name_prefix=prefix)


def check_capacity(capacity: int) -> int:
    """A batch capacity between 1 and RAM's resource associations per share."""
    if not 1 <= capacity <= RESOURCE_ASSOCIATIONS_PER_SHARE:
        raise BadInputError(
            f"batch capacity {capacity} is outside 1..{RESOURCE_ASSOCIATIONS_PER_SHARE} "
            "(RAM's resource associations per share); pick a value in range"
        )
    return capacity


@dataclass(frozen=True)
class StageInventory:
    """What RAM reports for one stage: the mcgov shares of the stage that are the policy's or made before ownership
    tags, the rows of the live ones, and ``claims``: card ARN -> the other policies (or ``legacy``) whose shares
    hold a card no share of this policy holds (``card_claims``)."""

    stage: str
    shares: tuple[ResourceShare, ...]
    resource_rows: Mapping[str, tuple[Association, ...]]
    principal_rows: Mapping[str, tuple[Association, ...]]
    claims: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class WriteCall:
    """One RAM write call; ``params`` lacks ``resourceShareArn`` while the share is yet to be created.
    ``principals`` are added, ``removed`` principals are taken off the share (``prune``)."""

    operation: str
    params: dict[str, Any]
    cards: tuple[str, ...] = ()
    principals: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass
class ShareWork:
    """A share of a stage the run writes: a batched share of the policy (existing or to create), or (``prune``) a
    share the run takes principals or cards off; the calls it needs and what is wrong with it."""

    stage: str
    name: str
    index: int
    arn: str | None
    create: bool = False
    calls: list[WriteCall] = field(default_factory=list)
    missing_principals: tuple[str, ...] = ()
    drift_principals: tuple[str, ...] = ()
    live_resources: int = 0
    note: str | None = None

    @property
    def removed_principals(self) -> tuple[str, ...]:
        return tuple(p for c in self.calls for p in c.removed)

    @property
    def kept_drift(self) -> tuple[str, ...]:
        """Drift principals this run leaves on the share."""
        return tuple(p for p in self.drift_principals if p not in self.removed_principals)

    def prune_principals(self) -> None:
        """Take the drift principals off first (before any card is added): the share then grants the stage only."""
        if self.drift_principals and not self.removed_principals:
            self.calls.insert(
                0,
                WriteCall(
                    "disassociate_resource_share",
                    {"resourceShareArn": self.arn, "principals": list(self.drift_principals)},
                    removed=self.drift_principals,
                ),
            )


@dataclass
class CardPlan:
    """What the plan found/does for one (card, stage).

    ``WOULD_SHARE`` with a ``share_arn`` fixes that share's principals; without one, the card is placed.
    """

    card: Card
    stage: str
    outcome: Outcome
    share: str | None = None
    share_arn: str | None = None
    detail: str = ""


@dataclass
class StagePlan:
    """Per-card plans and per-share work of one stage."""

    stage: str
    permission_arn: str
    cards: list[CardPlan]
    shares: list[ShareWork]
    other_shares: list[dict[str, Any]]

    @property
    def new_shares(self) -> int:
        return sum(1 for s in self.shares if s.create)

    @property
    def write_calls(self) -> int:
        return sum(len(s.calls) for s in self.shares)


def card_claims(
    policy: SharePolicy,
    shares: Iterable[ResourceShare],
    resource_rows: Mapping[str, Sequence[Association]],
    principal_rows: Mapping[str, Sequence[Association]],
) -> dict[str, tuple[str, ...]]:
    """Card ARN -> who else holds it (``claimant``: another policy's id, or ``legacy``), for the cards that no
    share of ``policy`` holds: neither its own (any stage) nor one made before ownership tags it adopts."""
    owners = {stage.name: Owner.of(policy.policy_id, stage) for stage in policy.stages_named()}
    ours: set[str] = set()
    others: dict[str, set[str]] = {}
    for share in shares:
        if not share.live:
            continue
        cards = live_entities(resource_rows.get(share.arn, ()))
        owner = owners.get(share.tag(TAG_STAGE) or "")
        principals = live_entities(principal_rows.get(share.arn, ()))
        if owner is not None and ownership(share, owner, principals).ours:
            ours.update(cards)
            continue
        who = claimant(share)
        if who is not None and who != policy.policy_id:
            for card in cards:
                others.setdefault(card, set()).add(who)
    return {card: tuple(sorted(who)) for card, who in others.items() if card not in ours}


def plan_stage(
    policy: SharePolicy,
    stage: PolicyStage,
    cards: Sequence[Card],
    inventory: StageInventory,
    *,
    capacity: int = BATCH_SHARE_CAPACITY,
    per_call: int = RESOURCES_PER_CALL,
    prune: bool = False,
) -> StagePlan:
    """Plan one stage: classify every card, fill batched shares, and list the write calls in order."""
    check_capacity(capacity)
    name, permission, accounts = stage.name, stage.permission, list(stage.accounts)
    owner = Owner.of(policy.policy_id, stage)
    live_shares = sorted((s for s in inventory.shares if s.live), key=share_order)
    principals_of = {s.arn: live_entities(inventory.principal_rows.get(s.arn, ())) for s in live_shares}
    kinds = {s.arn: ownership(s, owner, principals_of[s.arn]) for s in live_shares}
    owned = [s for s in live_shares if kinds[s.arn] is Ownership.OWNED]
    matching = [s for s in owned if s.tag(TAG_PERMISSION) == permission]
    other: list[dict[str, Any]] = [
        {
            "arn": s.arn,
            "name": s.name,
            "note": f"carries permission "
            f"{s.tag(TAG_PERMISSION)} instead of {permission}; its cards are shared again through batched shares",
        }
        for s in owned
        if s.tag(TAG_PERMISSION) != permission and is_batch_share(s, name)
    ]
    batches = [s for s in matching if is_batch_share(s, name)]
    canonical: dict[int, ResourceShare] = {}
    for share in batches:
        index = batch_index(share) or 0
        if index in canonical:
            other.append(
                {
                    "arn": share.arn,
                    "name": share.name,
                    "note": f"duplicate of {canonical[index].arn}; not filled further",
                }
            )
        else:
            canonical[index] = share
    per_card = {card_arn: s for s in reversed(matching) if (card_arn := s.tag(TAG_CARD_ARN)) is not None}
    adopted = [
        s
        for s in live_shares
        if kinds[s.arn] is Ownership.ADOPTED
        and s.tag(TAG_PERMISSION) == permission
        and s.allow_external_principals in (None, policy.allow_external_principals)
    ]
    legacy = [s for s in live_shares if kinds[s.arn] is Ownership.LEGACY]
    owned_arns = {s.arn for s in owned}

    work: dict[str, ShareWork] = {}
    for share in batches:
        arn = share.arn
        principals = principals_of[arn]
        work[arn] = ShareWork(
            stage=name,
            name=share.name,
            index=batch_index(share) or 0,
            arn=arn,
            missing_principals=tuple(a for a in accounts if a not in principals),
            drift_principals=tuple(sorted(p for p in principals if p not in accounts)),
            live_resources=len(live_entities(inventory.resource_rows.get(arn, ()))),
        )
        if prune:
            work[arn].prune_principals()
        external = share.allow_external_principals
        if external is not None and external != policy.allow_external_principals:
            work[arn].calls.append(
                WriteCall(
                    "update_resource_share",
                    {"resourceShareArn": arn, "allowExternalPrincipals": policy.allow_external_principals},
                )
            )
    resources_by_share = {arn: set(live_entities(rows)) for arn, rows in inventory.resource_rows.items()}

    plans: list[CardPlan] = []
    to_place: list[CardPlan] = []
    to_fix: set[str] = set()
    removals: dict[str, ShareWork] = {}
    for card in sorted(cards, key=lambda c: c.arn):
        if not status_meets(card.status, stage.required_card_status):
            plans.append(
                CardPlan(
                    card,
                    name,
                    Outcome.SKIPPED,
                    detail=(
                        f"status {card.status} is below {stage.required_card_status} required for stage {name}; "
                        f"set the card to {stage.required_card_status} after review"
                    ),
                )
            )
            continue
        holding = [s for s in legacy if card.arn in resources_by_share.get(s.arn, ())]
        candidates = [s for s in batches if card.arn in resources_by_share.get(s.arn, ())]
        own = per_card.get(card.arn)
        if own is not None and card.arn in resources_by_share.get(own.arn, ()):
            candidates.insert(0, own)
        candidates += [s for s in adopted if card.arn in resources_by_share.get(s.arn, ())]
        claim = inventory.claims.get(card.arn, ())
        if not candidates and claim and not (prune and set(claim) == {LEGACY_CLAIMANT}):
            plans.append(_other_policy(card, name, claim))
            continue
        plan = _classify(card, name, candidates, work, principals_of, accounts)
        if plan.outcome is Outcome.WOULD_SHARE and plan.share_arn:
            to_fix.add(plan.share_arn)
        elif plan.outcome is Outcome.WOULD_SHARE:
            to_place.append(plan)
        drifted = [s for s in candidates if s.arn in owned_arns and set(principals_of[s.arn]) - set(accounts)]
        _owned_drift(plan, drifted, principals_of, accounts, prune, work, removals)
        for share in holding:
            _legacy_holding(plan, share, principals_of[share.arn], accounts, prune, removals, name)
        plans.append(plan)

    for arn in sorted(to_fix):
        item = work[arn]
        item.calls.append(
            WriteCall(
                "associate_resource_share",
                {"resourceShareArn": arn, "principals": list(item.missing_principals)},
                principals=item.missing_principals,
            )
        )
    _place(policy, owner, permission, to_place, canonical, work, inventory, capacity, per_call, prune)
    ordered = sorted(work.values(), key=lambda w: (w.index, w.arn or ""))
    return StagePlan(
        stage=name,
        permission_arn=permission,
        cards=plans,
        shares=[w for w in ordered if w.calls or w.drift_principals or w.create] + list(removals.values()),
        other_shares=other,
    )


def _other_policy(card: Card, stage: str, claim: Sequence[str]) -> CardPlan:
    """The card is held only by other policies' shares (or shares made before ownership tags): left alone."""
    named = [c for c in claim if c != LEGACY_CLAIMANT]
    if named:
        detail = (
            f"held by the shares of policy {', '.join(named)}, not this policy's; left alone: leave it out "
            f"with --select, or share it on purpose with `mcgov share ensure --card {card.name} --policy ...`"
        )
    else:
        detail = (
            "held only by shares made before ownership tags for other accounts (another policy's, or this "
            "policy's before its accounts changed); if the card is this policy's, re-run with --prune to move it "
            "into this policy's shares"
        )
    return CardPlan(card, stage, Outcome.OTHER_POLICY, detail=detail)


def _owned_drift(
    plan: CardPlan,
    drifted: Sequence[ResourceShare],
    principals_of: Mapping[str, Sequence[str]],
    accounts: Sequence[str],
    prune: bool,
    work: dict[str, ShareWork],
    removals: dict[str, ShareWork],
) -> None:
    """Shares of the policy holding the card that grant accounts the stage does not name (any of them, not only the
    one the card counts as shared by): drift, or with ``prune`` their extra principals are taken off."""
    if not drifted:
        return
    if prune:
        losses = []
        for share in drifted:
            item = work.get(share.arn) or removals.setdefault(
                share.arn, _removal(plan.stage, share.name, share.arn, principals_of, accounts)
            )
            item.prune_principals()
            losses.append(f"share {share.name} loses {', '.join(item.drift_principals)}")
        if plan.outcome in (Outcome.ALREADY, Outcome.DRIFT):
            plan.outcome, plan.detail = Outcome.WOULD_SHARE, "; ".join(losses)
        else:
            plan.detail = "; ".join([plan.detail, *losses])
    elif plan.outcome is Outcome.ALREADY:
        share = drifted[0]
        extra = sorted(set(principals_of[share.arn]) - set(accounts))
        plan.outcome = Outcome.DRIFT
        plan.detail = f"share {share.name} also grants {', '.join(extra)}, not in the policy; re-run with --prune"


def _removal(
    stage: str, name: str, arn: str, principals_of: Mapping[str, Sequence[str]], accounts: Sequence[str]
) -> ShareWork:
    """The work of a share the run only takes principals or cards off (``prune``)."""
    principals = principals_of.get(arn, ())
    return ShareWork(
        stage=stage,
        name=name,
        index=0,
        arn=arn,
        drift_principals=tuple(sorted(p for p in principals if p not in accounts)),
    )


def _legacy_holding(
    plan: CardPlan,
    share: ResourceShare,
    principals: Sequence[str],
    accounts: Sequence[str],
    prune: bool,
    removals: dict[str, ShareWork],
    stage: str,
) -> None:
    """A share made before ownership tags, not the policy's, holds the card: with ``prune`` the card is taken out of
    it (its principals, maybe another policy's, stay); else a grant beyond the stage's accounts is drift."""
    extra = sorted(p for p in principals if p not in accounts)
    if prune and plan.outcome is not Outcome.OTHER_POLICY:
        item = removals.setdefault(share.arn, ShareWork(stage=stage, name=share.name, index=0, arn=share.arn))
        call = next((c for c in item.calls if c.operation == "disassociate_resource_share"), None)
        if call is None:
            call = WriteCall("disassociate_resource_share", {"resourceShareArn": share.arn, "resourceArns": []})
            item.calls.append(call)
        call.params["resourceArns"].append(plan.card.arn)
        call.cards = (*call.cards, plan.card.arn)
        note = f"leaves share {share.name} (made before ownership tags)"
        plan.detail = f"{plan.detail}; {note}" if plan.detail else note
        if plan.outcome in (Outcome.ALREADY, Outcome.DRIFT):
            plan.outcome = Outcome.WOULD_SHARE
    elif extra and plan.outcome in (Outcome.ALREADY, Outcome.WOULD_SHARE):
        plan.outcome = Outcome.DRIFT
        plan.detail = (
            f"share {share.name} (made before ownership tags) also grants {', '.join(extra)}, not in the policy; "
            "re-run with --prune to take the card out of it"
        )


def _classify(
    card: Card,
    stage: str,
    candidates: list[ResourceShare],
    work: Mapping[str, ShareWork],
    principals_of: Mapping[str, Sequence[str]],
    accounts: list[str],
) -> CardPlan:
    """already / drift / would share: fix its batched share (misses an account) or place it (shared nowhere usable)."""
    best: tuple[int, int, int] | None = None
    chosen: ResourceShare | None = None
    for position, share in enumerate(candidates):
        principals = principals_of.get(share.arn, ())
        missing = sum(1 for a in accounts if a not in principals)
        extra = sum(1 for p in principals if p not in accounts)
        score = (missing, extra, position)
        if best is None or score < best:
            best, chosen = score, share
    if chosen is None or best is None:
        return CardPlan(card, stage, Outcome.WOULD_SHARE, detail="not shared for this stage")
    arn, name = chosen.arn, chosen.name
    missing, extra, _ = best
    if missing and arn not in work:
        return CardPlan(card, stage, Outcome.WOULD_SHARE, detail=f"per-card share {name} misses policy accounts")
    if missing:
        return CardPlan(
            card,
            stage,
            Outcome.WOULD_SHARE,
            share=name,
            share_arn=arn,
            detail=f"share {name} gains {', '.join(work[arn].missing_principals)}",
        )
    if extra:
        extras = sorted(p for p in principals_of.get(arn, ()) if p not in accounts)
        fix = (
            f"run `mcgov share ensure --card {card.name} --stage {stage} --prune`"
            if arn not in work
            else f"re-run with --prune, or remove them with `aws ram disassociate-resource-share "
            f"--resource-share-arn {arn} --principals {' '.join(extras)}`"
        )
        return CardPlan(
            card,
            stage,
            Outcome.DRIFT,
            share=name,
            share_arn=arn,
            detail=f"share {name} also grants {', '.join(extras)}, not in the policy; {fix}",
        )
    return CardPlan(card, stage, Outcome.ALREADY, share=name, share_arn=arn)


def _place(
    policy: SharePolicy,
    owner: Owner,
    permission: str,
    to_place: list[CardPlan],
    canonical: Mapping[int, ResourceShare],
    work: dict[str, ShareWork],
    inventory: StageInventory,
    capacity: int,
    per_call: int,
    prune: bool,
) -> None:
    """Fill canonical batched shares in index order (a drifted one only when ``prune`` clears it), then new ones;
    ``per_call`` cards per call."""
    stage, accounts = owner.stage, list(owner.accounts)
    queue = list(to_place)
    for index in sorted(canonical):
        if not queue:
            break
        item = work[canonical[index].arn]
        if item.kept_drift:
            continue
        free = capacity - item.live_resources
        taken, queue = queue[: max(free, 0)], queue[max(free, 0) :]
        _fill_existing(item, taken, per_call)
    next_index = max(canonical, default=0) + 1
    while queue:
        taken, queue = queue[:capacity], queue[capacity:]
        name = batch_share_name(stage, permission, next_index, owner.policy_id)
        generation = sum(1 for s in inventory.shares if s.name == name and not s.live)
        item = ShareWork(
            stage=stage, name=name, index=next_index, arn=None, create=True, missing_principals=tuple(accounts)
        )
        chunks = [taken[i : i + per_call] for i in range(0, len(taken), per_call)]
        first = [p.card.arn for p in chunks[0]]
        item.calls.append(
            WriteCall(
                "create_resource_share",
                {
                    "name": name,
                    "resourceArns": first,
                    "principals": list(accounts),
                    "permissionArns": [permission],
                    "allowExternalPrincipals": policy.allow_external_principals,
                    "tags": batch_share_tags(owner, permission, next_index),
                    "clientToken": batch_client_token(
                        owner, permission, next_index, policy.allow_external_principals, generation, first
                    ),
                },
                cards=tuple(first),
                principals=tuple(accounts),
            )
        )
        for chunk in chunks[1:]:
            arns = tuple(p.card.arn for p in chunk)
            item.calls.append(WriteCall("associate_resource_share", {"resourceArns": list(arns)}, cards=arns))
        for plan in taken:
            plan.share = name
            plan.detail = _joined(f"added to new batched share {name}", plan.detail)
        work[f"new:{name}"] = item
        next_index += 1


def _joined(first: str, rest: str) -> str:
    """``first``, then what the plan already says (``rest``) unless it was the placeholder."""
    return first if not rest or rest == "not shared for this stage" else f"{first}; {rest}"


def _fill_existing(item: ShareWork, taken: list[CardPlan], per_call: int) -> None:
    """Add ``taken`` to an existing share; its missing principals ride on the first call."""
    fix = next((c for c in item.calls if c.operation == "associate_resource_share" and c.principals), None)
    if fix is None and item.missing_principals and taken:
        fix = WriteCall(
            "associate_resource_share",
            {"resourceShareArn": item.arn, "principals": list(item.missing_principals)},
            principals=item.missing_principals,
        )
        item.calls.append(fix)
    for start in range(0, len(taken), per_call):
        arns = tuple(p.card.arn for p in taken[start : start + per_call])
        if start == 0 and fix is not None:
            fix.params["resourceArns"] = list(arns)
            fix.cards = arns
        else:
            item.calls.append(
                WriteCall(
                    "associate_resource_share", {"resourceShareArn": item.arn, "resourceArns": list(arns)}, cards=arns
                )
            )
    for plan in taken:
        plan.share, plan.share_arn = item.name, item.arn
        plan.detail = _joined(f"added to batched share {item.name}", plan.detail)
