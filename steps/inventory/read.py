"""The inventory's reads (adapter): every card of the account and the policy's shares, in calls that grow with
cards/100 plus shares, never with cards x stages.

* **Cards**: ListModelCards (pages of 100: the authoritative list, each card's status and LastModifiedTime) and
  SageMaker Search (``Resource=ModelCard``, pages of 100: each card's latest version, Content and Tags, so the
  approval record needs no ListTags per card). Search is served from an index that can lag a write; a card it
  misses, or reports with another status or LastModifiedTime than ListModelCards, and an Approved card whose
  approval looks invalid (the tags may lag too), is read directly: DescribeModelCard + ListTags, two calls for each
  such card only.
* **Shares**: ``mcgov reconcile``'s read (``read_inventory``): one paged GetResourceShares (tag ``mcgov:managed-by``),
  then GetResourceShareAssociations RESOURCE and PRINCIPAL rows batched by 100 shares, pages of 500 rows.
* **Hub copies** (hub-and-spoke policy): one paged RAM ListResources (the cards spokes share with the hub), then the
  source of each copy by ARN (DescribeModelCard through the share): no call reads another account's cards in bulk,
  so staleness costs one call per copy.
* **Last gate decisions**: from the ``DecisionSource`` given, if any (the gate writes no decision tag).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mcgov.errors import GovernanceError
from mcgov.identifiers import parse_card_arn
from mcgov.share_policies.models import HubSpokePolicy, SharePolicy
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.card.exceptions import CardNotFoundError
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.aws import AwsFailure, aws_errors
from mcgov.steps.common.exceptions import AwsCallError
from mcgov.steps.hub.provenance import Provenance, read_provenance
from mcgov.steps.hub.reader import MODEL_CARD_TYPE, read_source
from mcgov.steps.inventory.rows import (
    ApprovalState,
    CardRecord,
    DecisionSource,
    Inventory,
    SourceRead,
    approval_view,
    build_inventory,
)
from mcgov.steps.reconcile.plan import Card
from mcgov.steps.reconcile.run import read_inventory
from mcgov.steps.share.client import paginate
from mcgov.steps.share.quotas import MAX_RESULTS, MODEL_CARDS_PAGE_SIZE

SEARCH_PAGE_SIZE = 100
"""Largest MaxResults of SageMaker Search (botocore ``SearchRequest.MaxResults``)."""


def _error(failure: AwsFailure) -> AwsCallError:
    return AwsCallError(
        f"sagemaker {failure.operation} failed: {failure.text}; the inventory needs sagemaker:ListModelCards, "
        "sagemaker:Search, sagemaker:DescribeModelCard and sagemaker:ListTags in the card account, then re-run",
        failure=failure,
    )


def list_summaries(sagemaker: Any) -> dict[str, dict[str, Any]]:
    """ARN -> ListModelCards summary of every card of the account (pages of 100)."""
    with aws_errors("sagemaker", "ListModelCards", _error):
        pages = sagemaker.get_paginator("list_model_cards").paginate(
            SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": MODEL_CARDS_PAGE_SIZE}
        )
        return {s["ModelCardArn"]: s for page in pages for s in page.get("ModelCardSummaries", [])}


def search_cards(sagemaker: Any) -> dict[str, CardRecord]:
    """ARN -> the latest version of every card Search returns (pages of 100; should Search return one record per
    version, the highest version is kept)."""
    found: dict[str, CardRecord] = {}
    with aws_errors("sagemaker", "Search", _error):
        pages = sagemaker.get_paginator("search").paginate(
            Resource="ModelCard", PaginationConfig={"PageSize": SEARCH_PAGE_SIZE}
        )
        for page in pages:
            for result in page.get("Results", []):
                card = result.get("ModelCard")
                if not isinstance(card, dict) or "ModelCardArn" not in card:
                    continue
                record = _record(card, {t["Key"]: t["Value"] for t in card.get("Tags") or []}, "search")
                known = found.get(record.arn)
                if known is None or (record.version or 0) > (known.version or 0):
                    found[record.arn] = record
    return found


def _record(card: dict[str, Any], tags: dict[str, str], read: str) -> CardRecord:
    version = card.get("ModelCardVersion")
    return CardRecord(
        arn=str(card["ModelCardArn"]),
        name=str(card.get("ModelCardName") or str(card["ModelCardArn"]).rsplit("/", 1)[-1]),
        status=str(card.get("ModelCardStatus") or ""),
        version=int(version) if isinstance(version, int) else None,
        content=card.get("Content") if isinstance(card.get("Content"), str) else None,
        tags=tags,
        last_modified=card.get("LastModifiedTime"),
        read=read,
    )


def read_direct(sagemaker: Any, arn: str) -> CardRecord | None:
    """DescribeModelCard + ListTags of one card; None when it was deleted meanwhile."""
    try:
        card = CardStore(sagemaker).describe(arn)
    except CardNotFoundError:
        return None
    return _record(card, ApprovalStore(sagemaker).tags(arn), "direct")


def read_cards(sagemaker: Any, policy: SharePolicy) -> list[CardRecord]:
    """Every card of the account: ListModelCards and Search pages, and direct reads where Search lagged or an
    Approved card's approval looks invalid (the module docstring)."""
    summaries = list_summaries(sagemaker)
    searched = search_cards(sagemaker)
    cards: dict[str, CardRecord] = {}
    for arn, summary in summaries.items():
        record = searched.get(arn)
        fresh = (
            record is not None
            and record.status == summary.get("ModelCardStatus")
            and _same_time(record.last_modified, summary.get("LastModifiedTime"))
        )
        if fresh and record is not None and not _looks_wrong(policy, record):
            cards[arn] = record
            continue
        direct = read_direct(sagemaker, arn)
        if direct is not None:
            cards[arn] = direct
    return sorted(cards.values(), key=lambda c: (c.name, c.arn))


def _same_time(first: Any, second: Any) -> bool:
    """Two LastModifiedTime values of one card agree (within a second: the two APIs need not share a precision)."""
    if not isinstance(first, datetime) or not isinstance(second, datetime):
        return bool(first == second)
    return abs((first - second).total_seconds()) < 1


def _looks_wrong(policy: SharePolicy, card: CardRecord) -> bool:
    """An Approved card whose approval is not valid in the Search record (its tags may lag the status)."""
    return card.status == "Approved" and approval_view(policy, card).state is not ApprovalState.VALID


def shared_sources(ram: Any) -> set[str]:
    """ARNs of the model cards other accounts share with this one (RAM ListResources, OTHER-ACCOUNTS, paged)."""
    rows = paginate(
        ram,
        "list_resources",
        "resources",
        page_size=MAX_RESULTS,
        resourceOwner="OTHER-ACCOUNTS",
        resourceType=MODEL_CARD_TYPE,
    )
    return {str(row["arn"]) for row in rows if parse_card_arn(row.get("arn"))}


def read_hub_sources(sagemaker: Any, ram: Any, cards: Sequence[CardRecord]) -> dict[str, tuple[Provenance, SourceRead]]:
    """Copy ARN -> (its provenance, what was read of its source), for the cards that are hub copies."""
    copies = {c.arn: p for c in cards if (p := read_provenance(c.content_object())) is not None}
    if not copies:
        return {}
    listed = shared_sources(ram)
    store = CardStore(sagemaker)
    out: dict[str, tuple[Provenance, SourceRead]] = {}
    for arn, provenance in copies.items():
        if provenance.source_arn not in listed:
            out[arn] = (provenance, SourceRead(listed=False))
            continue
        try:
            out[arn] = (provenance, SourceRead(listed=True, card=read_source(store, provenance.source_arn)))
        except GovernanceError as exc:
            out[arn] = (provenance, SourceRead(listed=True, error=" ".join(str(exc).split())))
    return out


def read_fleet(
    sagemaker: Any,
    ram: Any,
    policy: SharePolicy,
    now: datetime,
    *,
    decisions: DecisionSource | None = None,
) -> Inventory:
    """Read every card, the policy's shares and (hub policy) the copies' sources; build the inventory."""
    cards = read_cards(sagemaker, policy)
    stages = policy.stages_named()
    listed = [Card(c.arn, c.name, c.status) for c in cards]
    inventories = read_inventory(ram, policy, stages, listed, claims=True) if stages else {}
    hub = read_hub_sources(sagemaker, ram, cards) if isinstance(policy, HubSpokePolicy) else None
    known = decisions.last_decisions([c.arn for c in cards]) if decisions is not None else None
    notes = []
    if policy.approval_signing_key_arn:
        notes.append("approval signatures are not verified here (kms:Verify is the gate's); 'signed' says one is there")
    return build_inventory(
        policy,
        cards,
        inventories,
        now,
        decisions=known,
        decision_source=decisions.name if decisions is not None else None,
        hub_sources=hub,
        notes=notes,
    )
