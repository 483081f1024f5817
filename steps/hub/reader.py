"""Adapters of the hub side: the cards spokes share with the hub (RAM) and the hub's copies (SageMaker)."""

from __future__ import annotations

import json
from typing import Any

from mcgov.identifiers import name_contains_for_prefix, parse_card_arn
from mcgov.parsing import parse_json
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.aws import AwsFailure, aws_errors
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.hub.exceptions import SpokeSyncError
from mcgov.steps.hub.naming import spoke_prefix
from mcgov.steps.hub.plan import HubCopy, SourceCard
from mcgov.steps.share.client import paginate
from mcgov.steps.share.exceptions import ShareError
from mcgov.steps.share.quotas import MAX_RESULTS, MODEL_CARDS_PAGE_SIZE

MODEL_CARD_TYPE = "sagemaker:ModelCard"


def _spoke_error(failure: AwsFailure) -> SpokeSyncError:
    return SpokeSyncError(
        f"{failure.service} {failure.operation} failed: {failure.text}; check the hub's "
        "ram:ListResources and sagemaker:ListModelCards rights, then re-run",
        failure=failure,
    )


def shared_cards(ram: Any, spoke: str, region: str) -> list[str]:
    """ARNs of the model cards ``spoke`` shares with this account (RAM ListResources, OTHER-ACCOUNTS).

    ListResources reports ASSOCIATED resources of shares that reach this account; the owner is read from each
    ARN (the filter RAM's ``principal`` parameter would give is not relied on).
    """
    try:
        rows = paginate(
            ram,
            "list_resources",
            "resources",
            page_size=MAX_RESULTS,
            resourceOwner="OTHER-ACCOUNTS",
            resourceType=MODEL_CARD_TYPE,
        )
    except ShareError as exc:
        raise SpokeSyncError(
            f"spoke {spoke}: {exc}; check the hub's ram:ListResources right, then re-run", failure=exc.failure
        ) from None
    arns = set()
    for row in rows:
        match = parse_card_arn(row.get("arn"))
        if match and match["account"] == spoke and match["region"] == region:
            arns.add(row["arn"])
    return sorted(arns)


def read_source(store: CardStore, arn: str) -> SourceCard:
    """The source card's latest version, read by ARN (``CardError``/``CardNotFoundError`` on failure; content that
    is not strict JSON is ``BadInputError`` naming the source)."""
    card = store.describe(arn)
    text = card.get("Content") or "{}"
    match = parse_card_arn(arn)
    return SourceCard(
        arn=arn,
        name=card.get("ModelCardName") or (match["name"] if match else arn),
        account=match["account"] if match else "",
        version=int(card["ModelCardVersion"]),
        status=card["ModelCardStatus"],
        content=parse_json(text, f"{arn} Content"),
        content_sha256=content_sha256(text),
    )


def copy_names(sagemaker: Any, spoke: str) -> dict[str, str]:
    """Hub cards whose names start with the spoke's prefix, name -> status (ListModelCards, paged)."""
    prefix = spoke_prefix(spoke)
    with aws_errors("sagemaker", "ListModelCards", _spoke_error):
        pages = sagemaker.get_paginator("list_model_cards").paginate(
            NameContains=name_contains_for_prefix(prefix), PaginationConfig={"PageSize": MODEL_CARDS_PAGE_SIZE}
        )
        summaries = [s for page in pages for s in page.get("ModelCardSummaries", [])]
    return {
        s["ModelCardName"]: s.get("ModelCardStatus", "") for s in summaries if s["ModelCardName"].startswith(prefix)
    }


def read_copy(store: CardStore, name: str) -> HubCopy:
    card = store.describe(name)
    try:
        content = json.loads(card.get("Content") or "{}")
    except json.JSONDecodeError:
        content = {}
    return HubCopy(
        name=name,
        arn=card["ModelCardArn"],
        version=int(card["ModelCardVersion"]),
        status=card["ModelCardStatus"],
        content=content if isinstance(content, dict) else {},
    )
