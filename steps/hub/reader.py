"""Adapters of the hub side: the cards spokes share with the hub (RAM) and the hub's copies (SageMaker)."""

from __future__ import annotations

import json
from dataclasses import dataclass
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
        f"{failure.service}:{failure.operation} right, then re-run",
        failure=failure,
    )


@dataclass(frozen=True)
class SharedCards:
    """What a spoke shares with the hub: cards the hub can read now (AVAILABLE), and cards RAM lists but has not
    finished associating (PENDING)."""

    available: tuple[str, ...]
    pending: tuple[str, ...]


@dataclass(frozen=True)
class Invitation:
    """A resource-share invitation the hub has not answered."""

    arn: str
    sender: str
    share_name: str


def shared_cards(ram: Any, spoke: str, region: str) -> SharedCards:
    """The model cards ``spoke`` shares with this account (RAM ListResources, OTHER-ACCOUNTS), by status.

    The owner is read from each ARN (the filter RAM's ``principal`` parameter would give is not relied on). A row
    whose status is not AVAILABLE (botocore's ``ResourceStatus``: PENDING ...) cannot be read yet: pending.
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
    available: set[str] = set()
    pending: set[str] = set()
    for row in rows:
        match = parse_card_arn(row.get("arn"))
        if match and match["account"] == spoke and match["region"] == region:
            (available if row.get("status", "AVAILABLE") == "AVAILABLE" else pending).add(row["arn"])
    return SharedCards(tuple(sorted(available)), tuple(sorted(pending - available)))


def pending_invitations(ram: Any, spoke: str) -> list[Invitation]:
    """Invitations from ``spoke`` that this account has not answered (RAM sends one when the receiving account is
    outside the owner's organization)."""
    try:
        rows = paginate(ram, "get_resource_share_invitations", "resourceShareInvitations", page_size=MAX_RESULTS)
    except ShareError as exc:
        raise SpokeSyncError(
            f"spoke {spoke}: {exc}; check the hub's ram:GetResourceShareInvitations right, then re-run",
            failure=exc.failure,
        ) from None
    return [
        Invitation(
            arn=r["resourceShareInvitationArn"], sender=r["senderAccountId"], share_name=r.get("resourceShareName", "")
        )
        for r in rows
        if r.get("status") == "PENDING" and r.get("senderAccountId") == spoke
    ]


def invitation_resources(ram: Any, invitation: Invitation) -> list[tuple[str, str]]:
    """(ARN, resource type) of every resource an unanswered invitation shares (ListPendingInvitationResources)."""
    rows: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"resourceShareInvitationArn": invitation.arn, "maxResults": MAX_RESULTS}
    with aws_errors("ram", "ListPendingInvitationResources", _spoke_error):
        while True:  # no botocore paginator for this operation
            page = ram.list_pending_invitation_resources(**kwargs)
            rows += page.get("resources", [])
            if not page.get("nextToken"):
                break
            kwargs["nextToken"] = page["nextToken"]
    return [(str(r.get("arn")), str(r.get("type"))) for r in rows]


def accept_invitation(ram: Any, invitation: Invitation) -> None:
    """Accept one invitation (AcceptResourceShareInvitation, with a client token: a retry accepts it once)."""
    with aws_errors("ram", "AcceptResourceShareInvitation", _spoke_error):
        ram.accept_resource_share_invitation(
            resourceShareInvitationArn=invitation.arn, clientToken=invitation.arn.rsplit("/", 1)[-1][:64]
        )


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
