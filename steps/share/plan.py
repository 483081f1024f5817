"""Pure planning: from what RAM reports (typed records) to the calls that make it match the policy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mcgov.steps.share.naming import TAG_CARD_ARN, TAG_PERMISSION
from mcgov.steps.share.ram_rows import Association, AssociationStatus, ResourceShare, epoch

Candidate = tuple[ResourceShare, Sequence[Association], Sequence[Association]]
"""A share that may grant a card, with its PRINCIPAL rows and the card's RESOURCE rows."""


@dataclass(frozen=True)
class ShareSelection:
    """Which of the (card, stage) shares to keep, which are duplicates or carry a stale permission."""

    active: ResourceShare | None
    duplicates: tuple[ResourceShare, ...]
    stale_permission: tuple[ResourceShare, ...]
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


def select_share(shares: Sequence[ResourceShare], permission_arn: str) -> ShareSelection:
    """Pick the oldest live share carrying ``permission_arn``; the other live ones are duplicates.

    Shares that are not live (DELETED, FAILED, DELETING) count towards ``generation``, which keeps the
    next CreateResourceShare clientToken fresh.
    """
    live = sorted((s for s in shares if s.live), key=share_order)
    matching = [s for s in live if s.tag(TAG_PERMISSION) == permission_arn]
    stale = tuple(s for s in live if s.tag(TAG_PERMISSION) != permission_arn)
    generation = sum(1 for s in shares if not s.live)
    return ShareSelection(
        active=matching[0] if matching else None,
        duplicates=tuple(matching[1:]),
        stale_permission=stale,
        generation=generation,
    )


def plan_associations(
    accounts: Iterable[str],
    card_arn: str,
    principal_associations: Iterable[Association],
    resource_associations: Iterable[Association],
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


def share_order(share: ResourceShare) -> tuple[float, str]:
    """Oldest first, then by ARN: the order in which shares of the same role are preferred."""
    return (epoch(share.creation_time), share.arn)


def latest_by_entity(associations: Iterable[Association]) -> dict[str, Association]:
    """The most recent association row of each associated entity (account or resource ARN)."""
    latest: dict[str, Association] = {}
    for association in associations:
        entity = association.entity
        if entity and (
            entity not in latest or epoch(association.last_updated_time) >= epoch(latest[entity].last_updated_time)
        ):
            latest[entity] = association
    return latest


def live_entities(associations: Iterable[Association]) -> list[str]:
    """Entities whose latest association is ASSOCIATING or ASSOCIATED."""
    return [e for e, a in latest_by_entity(associations).items() if a.live]


@dataclass
class StageShareResult:
    """What ``ensure_share`` found and did for one stage.

    ``adopted``: the share in use was made before ownership tags and grants exactly the stage's accounts (used as it
    is). ``legacy_drift``: such shares of the card that grant accounts the stage does not name (share ARN -> those
    accounts); ``legacy_shares``: the other ones, superseded. ``other_policies``: live shares of the card and stage
    that another policy owns (share ARN -> its policy id), never touched.
    """

    stage: str
    share_name: str
    permission_arn: str
    policy_id: str = ""
    share_arn: str | None = None
    created: bool = False
    adopted: bool = False
    added_principals: list[str] = field(default_factory=list)
    added_resources: list[str] = field(default_factory=list)
    drift_principals: list[str] = field(default_factory=list)
    drift_resources: list[str] = field(default_factory=list)
    removed_principals: list[str] = field(default_factory=list)
    removed_resources: list[str] = field(default_factory=list)
    duplicate_shares: list[str] = field(default_factory=list)
    deleted_shares: list[str] = field(default_factory=list)
    legacy_drift: dict[str, list[str]] = field(default_factory=dict)
    legacy_shares: list[str] = field(default_factory=list)
    other_policies: dict[str, str] = field(default_factory=dict)
    allow_external_updated: bool = False

    @property
    def drift(self) -> bool:
        """True when a share of this policy's still grants something the stage does not name (not pruned)."""
        return bool(
            set(self.drift_principals) - set(self.removed_principals)
            or set(self.drift_resources) - set(self.removed_resources)
            or set(self.duplicate_shares) - set(self.deleted_shares)
            or set(self.legacy_drift) - set(self.deleted_shares)
        )

    def kept_drift(self) -> list[str]:
        """One line per drift left in place (not pruned), naming the share and the accounts."""
        lines = []
        kept = sorted(set(self.drift_principals) - set(self.removed_principals))
        if kept:
            lines.append(f"share {self.share_arn} grants {', '.join(kept)}")
        for arn, accounts in sorted(self.legacy_drift.items()):
            if arn not in self.deleted_shares:
                lines.append(f"share {arn} (made before ownership tags) grants {', '.join(accounts)}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "drift": self.drift}


@dataclass
class ShareResult:
    """Result of ``ensure_share`` over the requested stages."""

    card_arn: str
    stages: list[StageShareResult]
    package_group_arn: str | None = None
    package_group_stages: list[StageShareResult] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        """True when something the policy does not name is still on a share (not pruned)."""
        return any(s.drift for s in (*self.stages, *self.package_group_stages))

    def to_dict(self) -> dict[str, Any]:
        out = {"card_arn": self.card_arn, "drift": self.drift, "stages": [s.to_dict() for s in self.stages]}
        if self.package_group_arn:
            out["package_group"] = {
                "arn": self.package_group_arn,
                "stages": [s.to_dict() for s in self.package_group_stages],
            }
        return out


def share_problems(
    accounts: Iterable[str],
    card_arn: str,
    principal_associations: Iterable[Association],
    resource_associations: Iterable[Association],
) -> tuple[int, int]:
    """(problems waiting cannot fix, problems waiting fixes) keeping a share from granting ``card_arn`` to
    exactly ``accounts``: missing/failed/extra associations vs. ones still ASSOCIATING."""
    wanted = list(dict.fromkeys(accounts))
    principals = {e: a.status for e, a in latest_by_entity(principal_associations).items()}
    resources = {e: a.status for e, a in latest_by_entity(resource_associations).items()}
    statuses = [principals.get(a) for a in wanted] + [resources.get(card_arn)]
    extra = sum(1 for p, s in principals.items() if p not in wanted and s.live)
    waiting = sum(1 for s in statuses if s is AssociationStatus.ASSOCIATING)
    terminal = sum(1 for s in statuses if s is None or not s.live) + extra
    return terminal, waiting


def best_share(candidates: Sequence[Candidate], accounts: Iterable[str], card_arn: str) -> Candidate | None:
    """The (share, principal rows, resource rows) with the fewest lasting, then waiting, problems; per-card shares,
    then older ones, win ties."""
    wanted = list(accounts)

    def key(candidate: Candidate) -> tuple[int, int, int, float, str]:
        share, principals, resources = candidate
        batched = 1 if share.tag(TAG_CARD_ARN) is None else 0
        terminal, waiting = share_problems(wanted, card_arn, principals, resources)
        return (terminal, waiting, batched, *share_order(share))

    return min(candidates, key=key) if candidates else None
