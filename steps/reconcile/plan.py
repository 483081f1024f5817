"""Pure planning of a reconcile run: from the cards and what RAM reports to the write calls, per stage.

A card of a stage is *shared* by a live share (ACTIVE/PENDING) that carries the stage's permission and has the
card as a live (ASSOCIATING/ASSOCIATED) resource: its per-card share ``mcgov-<card>-<stage>`` or a batched
share ``mcgov-batch-<stage>-<permission-hash>-<n>``. Cards shared nowhere (or only by a per-card share that
misses an account) are placed into batched shares, filling existing ones up to ``capacity`` in index order,
then new ones, ``RESOURCES_PER_CALL`` cards per call; batched shares missing a policy account get it in the
same (or one extra) AssociateResourceShare call. Principals only ever come from the policy.
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
    batch_client_token,
    batch_index,
    batch_share_name,
    batch_share_tags,
    is_batch_share,
)
from mcgov.steps.share.plan import live_entities, share_order
from mcgov.steps.share.quotas import (
    BATCH_SHARE_CAPACITY,
    RESOURCE_ASSOCIATIONS_PER_SHARE,
    RESOURCES_PER_CALL,
)
from mcgov.steps.share.ram_rows import Association, ResourceShare


class Outcome(StrEnum):
    """What a run found or did for one (card, stage); the plan uses ALREADY, WOULD_SHARE, DRIFT and SKIPPED."""

    ALREADY = "already shared"
    SHARED = "shared now"
    WOULD_SHARE = "would share"
    DRIFT = "drift"
    FAILED = "failed"
    SKIPPED = "skipped (status)"


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
    """What RAM reports for one stage: every mcgov share of the stage and the rows of the live ones."""

    stage: str
    shares: tuple[ResourceShare, ...]
    resource_rows: Mapping[str, tuple[Association, ...]]
    principal_rows: Mapping[str, tuple[Association, ...]]


@dataclass
class WriteCall:
    """One RAM write call; ``params`` lacks ``resourceShareArn`` while the share is yet to be created."""

    operation: str
    params: dict[str, Any]
    cards: tuple[str, ...] = ()
    principals: tuple[str, ...] = ()


@dataclass
class ShareWork:
    """A batched share of a stage: existing or to create, the calls it needs and what is wrong with it."""

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


@dataclass
class CardPlan:
    """What the plan found/does for one (card, stage).

    ``WOULD_SHARE`` with a ``share_arn`` fixes that batched share's principals; without one, the card is placed.
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


def plan_stage(
    policy: SharePolicy,
    stage: PolicyStage,
    cards: Sequence[Card],
    inventory: StageInventory,
    *,
    capacity: int = BATCH_SHARE_CAPACITY,
    per_call: int = RESOURCES_PER_CALL,
) -> StagePlan:
    """Plan one stage: classify every card, fill batched shares, and list the write calls in order."""
    check_capacity(capacity)
    name, permission, accounts = stage.name, stage.permission, list(stage.accounts)
    live_shares = sorted((s for s in inventory.shares if s.live), key=share_order)
    matching = [s for s in live_shares if s.tag(TAG_PERMISSION) == permission]
    other: list[dict[str, Any]] = [
        {
            "arn": s.arn,
            "name": s.name,
            "note": f"carries permission "
            f"{s.tag(TAG_PERMISSION)} instead of {permission}; its cards are shared again through batched shares",
        }
        for s in live_shares
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

    work: dict[str, ShareWork] = {}
    for share in batches:
        arn = share.arn
        principals = live_entities(inventory.principal_rows.get(arn, ()))
        work[arn] = ShareWork(
            stage=name,
            name=share.name,
            index=batch_index(share) or 0,
            arn=arn,
            missing_principals=tuple(a for a in accounts if a not in principals),
            drift_principals=tuple(sorted(p for p in principals if p not in accounts)),
            live_resources=len(live_entities(inventory.resource_rows.get(arn, ()))),
        )
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
        candidates = [s for s in batches if card.arn in resources_by_share.get(s.arn, ())]
        own = per_card.get(card.arn)
        if own is not None and card.arn in resources_by_share.get(own.arn, ()):
            candidates.insert(0, own)
        plan = _classify(card, name, candidates, work, inventory, accounts)
        if plan.outcome is Outcome.WOULD_SHARE and plan.share_arn:
            to_fix.add(plan.share_arn)
        elif plan.outcome is Outcome.WOULD_SHARE:
            to_place.append(plan)
        plans.append(plan)

    for arn in to_fix:
        item = work[arn]
        item.calls.append(
            WriteCall(
                "associate_resource_share",
                {"resourceShareArn": arn, "principals": list(item.missing_principals)},
                principals=item.missing_principals,
            )
        )
    _place(policy, name, permission, accounts, to_place, canonical, work, inventory, capacity, per_call)
    ordered = sorted(work.values(), key=lambda w: (w.index, w.arn or ""))
    return StagePlan(
        stage=name,
        permission_arn=permission,
        cards=plans,
        shares=[w for w in ordered if w.calls or w.drift_principals or w.create],
        other_shares=other,
    )


def _classify(
    card: Card,
    stage: str,
    candidates: list[ResourceShare],
    work: Mapping[str, ShareWork],
    inventory: StageInventory,
    accounts: list[str],
) -> CardPlan:
    """already / drift / would share: fix its batched share (misses an account) or place it (shared nowhere usable)."""
    best: tuple[int, int, int] | None = None
    chosen: ResourceShare | None = None
    for position, share in enumerate(candidates):
        principals = live_entities(inventory.principal_rows.get(share.arn, ()))
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
        extras = sorted(p for p in live_entities(inventory.principal_rows.get(arn, ())) if p not in accounts)
        fix = (
            f"run `mcgov share ensure --card {card.name} --stage {stage} --prune`"
            if arn not in work
            else f"remove them with `aws ram disassociate-resource-share --resource-share-arn {arn} "
            f"--principals {' '.join(extras)}`"
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
    stage: str,
    permission: str,
    accounts: list[str],
    to_place: list[CardPlan],
    canonical: Mapping[int, ResourceShare],
    work: dict[str, ShareWork],
    inventory: StageInventory,
    capacity: int,
    per_call: int,
) -> None:
    """Fill canonical batched shares in index order, then new ones; ``per_call`` cards per call."""
    queue = list(to_place)
    for index in sorted(canonical):
        if not queue:
            break
        item = work[canonical[index].arn]
        if item.drift_principals:
            continue
        free = capacity - item.live_resources
        taken, queue = queue[: max(free, 0)], queue[max(free, 0) :]
        _fill_existing(item, taken, per_call)
    next_index = max(canonical, default=0) + 1
    while queue:
        taken, queue = queue[:capacity], queue[capacity:]
        name = batch_share_name(stage, permission, next_index)
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
                    "tags": batch_share_tags(stage, permission, next_index),
                    "clientToken": batch_client_token(
                        stage,
                        permission,
                        next_index,
                        policy.allow_external_principals,
                        generation,
                        first,
                        list(accounts),
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
            plan.share, plan.detail = name, f"added to new batched share {name}"
        work[f"new:{name}"] = item
        next_index += 1


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
        plan.detail = f"added to batched share {item.name}"
