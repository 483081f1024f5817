"""Pure planning: from what RAM reports to the calls that make it match the policy."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from mcgov.steps.share.naming import TAG_CARD_ARN, TAG_PERMISSION, tags_of

LIVE_SHARE_STATUSES = frozenset({"ACTIVE", "PENDING"})
LIVE_ASSOCIATION_STATUSES = frozenset({"ASSOCIATING", "ASSOCIATED"})


@dataclass(frozen=True)
class ShareSelection:
    """Which of the (card, stage) shares to keep, which are duplicates or carry a stale permission."""

    active: dict | None
    duplicates: tuple[dict, ...]
    stale_permission: tuple[dict, ...]
    generation: int


@dataclass(frozen=True)
class AssociationPlan:
    """Principals/resources to add, drift found, and what to remove (only when pruning)."""

    add_principals: tuple[str, ...] = ()
    add_resources: tuple[str, ...] = ()
    drift_principals: tuple[str, ...] = ()
    drift_resources: tuple[str, ...] = ()
    remove_principals: tuple[str, ...] = ()
    remove_resources: tuple[str, ...] = ()


def select_share(shares: Sequence[dict], permission_arn: str) -> ShareSelection:
    """Pick the oldest live share carrying ``permission_arn``; the other live ones are duplicates.

    Shares that are not live (DELETED, FAILED, DELETING) count towards ``generation``, which keeps the
    next CreateResourceShare clientToken fresh.
    """
    live = sorted(
        (s for s in shares if s.get("status") in LIVE_SHARE_STATUSES),
        key=lambda s: (epoch(s.get("creationTime")), s.get("resourceShareArn", "")),
    )
    matching = [s for s in live if tags_of(s).get(TAG_PERMISSION) == permission_arn]
    stale = tuple(s for s in live if tags_of(s).get(TAG_PERMISSION) != permission_arn)
    generation = sum(1 for s in shares if s.get("status") not in LIVE_SHARE_STATUSES)
    return ShareSelection(
        active=matching[0] if matching else None,
        duplicates=tuple(matching[1:]),
        stale_permission=stale,
        generation=generation,
    )


def plan_associations(
    accounts: Iterable[str],
    card_arn: str,
    principal_associations: Iterable[dict],
    resource_associations: Iterable[dict],
    *,
    prune: bool,
) -> AssociationPlan:
    """Diff the policy's accounts and the card against the share's live associations."""
    wanted = list(dict.fromkeys(accounts))
    live_principals = live_entities(principal_associations)
    live_resources = live_entities(resource_associations)
    drift_principals = tuple(p for p in live_principals if p not in wanted)
    drift_resources = tuple(r for r in live_resources if r != card_arn)
    return AssociationPlan(
        add_principals=tuple(a for a in wanted if a not in live_principals),
        add_resources=() if card_arn in live_resources else (card_arn,),
        drift_principals=drift_principals,
        drift_resources=drift_resources,
        remove_principals=drift_principals if prune else (),
        remove_resources=drift_resources if prune else (),
    )


def as_datetime(value: Any) -> datetime | None:
    """A RAM timestamp (datetime from boto3, epoch number from JSON) as an aware datetime; None if absent."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError):
        return None


def epoch(value: Any) -> float:
    """A RAM timestamp in epoch seconds (0 when absent), for ordering."""
    parsed = as_datetime(value)
    return parsed.timestamp() if parsed else 0.0


def latest_by_entity(associations: Iterable[dict]) -> dict[str, dict]:
    """The most recent association row of each associated entity (account or resource ARN)."""
    latest: dict[str, dict] = {}
    for association in associations:
        entity = association.get("associatedEntity")
        if entity and (entity not in latest
                       or epoch(association.get("lastUpdatedTime")) >= epoch(latest[entity].get("lastUpdatedTime"))):
            latest[entity] = association
    return latest


def live_entities(associations: Iterable[dict]) -> list[str]:
    """Entities whose latest association is ASSOCIATING or ASSOCIATED."""
    return [e for e, a in latest_by_entity(associations).items() if a.get("status") in LIVE_ASSOCIATION_STATUSES]


@dataclass
class StageShareResult:
    """What ``ensure_share`` found and did for one stage."""

    stage: str
    share_name: str
    permission_arn: str
    share_arn: str | None = None
    created: bool = False
    added_principals: list[str] = field(default_factory=list)
    added_resources: list[str] = field(default_factory=list)
    drift_principals: list[str] = field(default_factory=list)
    drift_resources: list[str] = field(default_factory=list)
    removed_principals: list[str] = field(default_factory=list)
    removed_resources: list[str] = field(default_factory=list)
    duplicate_shares: list[str] = field(default_factory=list)
    deleted_shares: list[str] = field(default_factory=list)
    allow_external_updated: bool = False

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ShareResult:
    """Result of ``ensure_share`` over the requested stages."""

    card_arn: str
    stages: list[StageShareResult]

    @property
    def drift(self) -> bool:
        """True when something the policy does not name is still on a share (not pruned)."""
        return any(
            set(s.drift_principals) - set(s.removed_principals)
            or set(s.drift_resources) - set(s.removed_resources)
            or set(s.duplicate_shares) - set(s.deleted_shares)
            for s in self.stages
        )

    def to_dict(self) -> dict:
        return {"card_arn": self.card_arn, "drift": self.drift, "stages": [s.to_dict() for s in self.stages]}


def share_problems(accounts: Iterable[str], card_arn: str, principal_associations: Iterable[dict],
                   resource_associations: Iterable[dict]) -> tuple[int, int]:
    """(problems waiting cannot fix, problems waiting fixes) keeping a share from granting ``card_arn`` to
    exactly ``accounts``: missing/failed/extra associations vs. ones still ASSOCIATING."""
    wanted = list(dict.fromkeys(accounts))
    principals = {e: str(a.get("status")) for e, a in latest_by_entity(principal_associations).items()}
    resources = {e: str(a.get("status")) for e, a in latest_by_entity(resource_associations).items()}
    statuses = [principals.get(a) for a in wanted] + [resources.get(card_arn)]
    extra = sum(1 for p, s in principals.items() if p not in wanted and s in LIVE_ASSOCIATION_STATUSES)
    waiting = sum(1 for s in statuses if s == "ASSOCIATING")
    terminal = sum(1 for s in statuses if s not in ("ASSOCIATED", "ASSOCIATING")) + extra
    return terminal, waiting


def best_share(candidates: Sequence[tuple[dict, Sequence[dict], Sequence[dict]]], accounts: Iterable[str],
               card_arn: str) -> tuple[dict, Sequence[dict], Sequence[dict]] | None:
    """The (share, principal rows, resource rows) with the fewest lasting, then waiting, problems; per-card shares,
    then older ones, win ties."""
    wanted = list(accounts)

    def key(candidate: tuple[dict, Sequence[dict], Sequence[dict]]) -> tuple[int, int, int, float, str]:
        share, principals, resources = candidate
        batched = 1 if TAG_CARD_ARN not in tags_of(share) else 0
        terminal, waiting = share_problems(wanted, card_arn, principals, resources)
        return (terminal, waiting, batched, epoch(share.get("creationTime")), share.get("resourceShareArn", ""))

    return min(candidates, key=key) if candidates else None

