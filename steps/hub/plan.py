"""Pure planning of a hub sync: from a spoke's shared cards and the hub's copies to one action per card.

Rules: a missing copy is created; an unchanged source (same ARN, version, content sha256 and status as the copy's
provenance) writes nothing; a changed source gives a new copy version; a copy edited in the hub (content or status)
is drift and is never overwritten; a copy whose source RAM no longer lists is gone (archived with ``prune``): a
source RAM still lists but that could not be read (throttled, denied) is FAILED, and its copy stays.
The hub never approves: an Approved source gives a PendingReview copy (see ``mirror_status``).

Spoke content is input: the copy (the source's content, its ``mcgov.*`` keys replaced by the hub's provenance:
``mcgov.steps.hub.provenance``) passes the validation of a published card (``mcgov.steps.card.validation``,
hidden characters included) before it is written; refused content is FAILED naming the field, never the value, and
the copy is left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypedDict

from mcgov.errors import BadInputError
from mcgov.steps.card.limits import CONTENT_MAX_CHARS
from mcgov.steps.card.validation import validate_content
from mcgov.steps.hub.naming import hub_card_name
from mcgov.steps.hub.provenance import Provenance, build_copy, copy_sha256, read_provenance, recorded_copy_sha256


class Outcome(StrEnum):
    """What a sync found or did for one card of a spoke."""

    SYNCED = "synced"
    WOULD_SYNC = "would sync"
    UNCHANGED = "unchanged"
    DRIFT = "drift"
    GONE = "gone"
    FAILED = "failed"


@dataclass(frozen=True)
class SourceCard:
    """A spoke's card as the hub reads it by ARN (DescribeModelCard through the RAM share)."""

    arn: str
    name: str
    account: str
    version: int
    status: str
    content: Mapping[str, Any]
    content_sha256: str


@dataclass(frozen=True)
class HubCopy:
    """A card of the hub account that is (or claims the name of) a hub copy."""

    name: str
    arn: str
    version: int
    status: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class CardAction:
    """One card's outcome; ``content`` and ``status`` are what to write (SYNCED), ``archive`` for a pruned copy."""

    spoke: str
    hub_name: str
    outcome: Outcome
    detail: str
    source_arn: str | None = None
    source_version: int | None = None
    content: str | None = None
    status: str | None = None
    create: bool = False
    archive: bool = False


class _ActionBase(TypedDict):
    """The fields every ``CardAction`` of one source card shares."""

    spoke: str
    hub_name: str
    source_arn: str
    source_version: int


def mirror_status(source_status: str) -> str:
    """The hub copy's status for a source status: the same, except Approved -> PendingReview.

    An approval is a reviewer's decision about one account's card (recorded there by ``mcgov card approve``); the
    hub copy says ``mcgov.hub.source_status: Approved`` and stays PendingReview until a hub reviewer approves it.
    """
    return "PendingReview" if source_status == "Approved" else source_status


def _status_edited(copy: HubCopy, provenance: Provenance) -> bool:
    expected = mirror_status(provenance.source_status)
    hub_approved = copy.status == "Approved" and provenance.source_status == "Approved"
    return copy.status != expected and not hub_approved


def plan_card(spoke: str, source: SourceCard, copy: HubCopy | None, now: str) -> CardAction:
    """The action for one shared source card and its hub copy (None: there is none yet)."""
    name = hub_card_name(spoke, source.name)
    base: _ActionBase = {"spoke": spoke, "hub_name": name, "source_arn": source.arn, "source_version": source.version}
    provenance = read_provenance(dict(copy.content)) if copy is not None else None
    if copy is not None and provenance is None:
        return CardAction(
            **base,
            outcome=Outcome.DRIFT,
            detail=(
                f"hub card {name} exists but is not a hub copy (no mcgov.hub provenance); rename or delete it, "
                "then re-run"
            ),
        )
    if copy is not None and provenance is not None:
        if provenance.source_arn != source.arn:
            return CardAction(
                **base,
                outcome=Outcome.DRIFT,
                detail=(
                    f"hub card {name} is the copy of {provenance.source_arn}, not {source.arn}; delete it, then re-run"
                ),
            )
        if recorded_copy_sha256(dict(copy.content)) != copy_sha256(dict(copy.content)):
            return CardAction(
                **base,
                outcome=Outcome.DRIFT,
                detail=(
                    f"hub copy {name} was edited in the hub after the sync of {provenance.synced_at}; not overwritten: "
                    "move the edit to the spoke's card, then delete the hub copy so the next sync recreates it"
                ),
            )
        if _status_edited(copy, provenance):
            return CardAction(
                **base,
                outcome=Outcome.DRIFT,
                detail=(
                    f"hub copy {name} was set to {copy.status} in the hub (sync set "
                    f"{mirror_status(provenance.source_status)}); "
                    f"not overwritten: set it back with `mcgov card publish` or delete it, then re-run"
                ),
            )
        same = (provenance.source_version, provenance.source_sha256, provenance.source_status) == (
            source.version,
            source.content_sha256,
            source.status,
        )
        if same:
            return CardAction(**base, outcome=Outcome.UNCHANGED, detail=f"holds version {source.version}")
        if copy.status == "Archived":
            return CardAction(
                **base,
                outcome=Outcome.FAILED,
                detail=(
                    f"hub copy {name} is Archived and SageMaker refuses updates to archived cards; delete it "
                    f"(`mcgov card delete {name}`) so the next sync recreates it at version {source.version}"
                ),
            )
    refused = _refused(spoke, source, now)
    if refused:
        return CardAction(**base, outcome=Outcome.FAILED, detail=refused)
    provenance = Provenance(source.arn, source.version, source.content_sha256, source.status, now)
    text = json.dumps(build_copy(dict(source.content), provenance), separators=(",", ":"), ensure_ascii=False)
    if len(text) > CONTENT_MAX_CHARS:
        return CardAction(
            **base,
            outcome=Outcome.FAILED,
            detail=(
                f"the copy would be {len(text):,} characters with its provenance, over SageMaker's "
                f"{CONTENT_MAX_CHARS:,}; "
                "shorten the spoke's card"
            ),
        )
    detail = (
        f"new copy of version {source.version}"
        if copy is None
        else (f"version {provenance_version(copy)} -> {source.version}")
    )
    return CardAction(
        **base,
        outcome=Outcome.SYNCED,
        detail=detail,
        content=text,
        status=mirror_status(source.status),
        create=copy is None,
    )


def _refused(spoke: str, source: SourceCard, now: str) -> str | None:
    """Why the copy of ``source`` may not be written (the validation of a published card, on the copy as it would
    be written), naming the field and never the value; None when it may."""
    if not isinstance(source.content, Mapping):
        return f"the source's content is not a JSON object; fix the card in spoke {spoke}, then re-run"
    provenance = Provenance(source.arn, source.version, source.content_sha256, source.status, now)
    try:
        validate_content(build_copy(dict(source.content), provenance), source="content")
    except BadInputError as exc:
        field = f"{exc.field}: " if exc.field else ""
        return (
            f"the source's content is refused ({field}{exc.detail}); the hub copy is left as it is: fix the card "
            f"in spoke {spoke}, then re-run"
        )
    return None


def provenance_version(copy: HubCopy) -> int | None:
    found = read_provenance(dict(copy.content))
    return found.source_version if found else None


def plan_gone(spoke: str, copies: Sequence[HubCopy], shared_arns: set[str], prune: bool) -> list[CardAction]:
    """Copies of ``spoke``'s cards whose source is no longer shared (archived copies are done with)."""
    actions = []
    for copy in sorted(copies, key=lambda c: c.name):
        provenance = read_provenance(dict(copy.content))
        if copy.status == "Archived" or provenance is None or provenance.source_arn in shared_arns:
            continue
        if provenance.source_arn.split(":")[4:5] != [spoke]:
            continue
        detail = (
            "source no longer shared with the hub; archived"
            if prune
            else "source no longer shared with the hub; run with --prune to archive the copy"
        )
        actions.append(
            CardAction(
                spoke=spoke,
                hub_name=copy.name,
                outcome=Outcome.GONE,
                detail=detail,
                source_arn=provenance.source_arn,
                source_version=provenance.source_version,
                archive=prune,
            )
        )
    return actions


def plan_spoke(
    spoke: str,
    sources: Sequence[SourceCard],
    copies: Mapping[str, HubCopy],
    now: str,
    *,
    prune: bool = False,
    listed: Iterable[str] = (),
) -> list[CardAction]:
    """Every action of one spoke: one per source card read, then the gone copies (``copies`` by hub name).

    ``listed``: every source ARN RAM lists as shared, read or not; a copy is gone only when its source is not
    among them (a source that could not be read is still shared: its copy stays)."""
    actions = [
        plan_card(spoke, s, copies.get(hub_card_name(spoke, s.name)), now) for s in sorted(sources, key=lambda s: s.arn)
    ]
    expected = {a.hub_name for a in actions}
    leftovers = [c for name, c in copies.items() if name not in expected]
    return actions + plan_gone(spoke, leftovers, {s.arn for s in sources} | set(listed), prune)
