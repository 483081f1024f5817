"""The RAM client: its retry config, the one error mapping (``ram_error``), paging and the list reads.

Every call goes through ``call`` or ``paginate``, so whatever botocore raises once its retries are spent
becomes a ``ShareError`` naming the call (through ``mcgov.steps.common.aws.aws_errors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from botocore.config import Config

from mcgov.steps.common.aws import AwsFailure, aws_errors
from mcgov.steps.share.exceptions import ShareError
from mcgov.steps.share.naming import TAG_CARD_ARN, is_card_share, share_name
from mcgov.steps.share.quotas import SHARE_ARNS_PER_READ
from mcgov.steps.share.ram_rows import Association, AssociationType, ResourceShare

DEFAULT_MAX_ATTEMPTS = 6


def client_config(max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Config:
    """botocore config with standard-mode retries (throttling, 5xx, transient network errors)."""
    return Config(retries={"mode": "standard", "total_max_attempts": max_attempts})


def ram_client(session: Any, region: str, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Any:
    """A RAM client for ``region`` with ``client_config``."""
    return session.client("ram", region_name=region, config=client_config(max_attempts))


def ram_error(failure: AwsFailure) -> ShareError:
    """The ``ShareError`` of a RAM call that failed after botocore's retries; the message names the call."""
    return ShareError(
        f"RAM {failure.operation} failed: {failure.text}; check the caller's ram:* permissions and the "
        "resource state, then re-run (the command is idempotent)",
        failure=failure,
    )


def _api_errors(operation: str) -> AbstractContextManager[None]:
    """Turn what botocore raises once its retries are spent into ``ShareError`` naming the call."""
    return aws_errors("ram", operation, ram_error)


def call(client: Any, operation: str, **kwargs: Any) -> dict[str, Any]:
    """Call ``operation`` (snake_case); failures become ``ShareError``."""
    with _api_errors(operation):
        response: dict[str, Any] = getattr(client, operation)(**kwargs)
        return response


def paginate(
    client: Any, operation: str, result_key: str, *, page_size: int | None = None, **kwargs: Any
) -> list[dict[str, Any]]:
    """All items of a paginated list call (``page_size`` items per request when given)."""
    if page_size is not None:
        kwargs["PaginationConfig"] = {"PageSize": page_size}
    items: list[dict[str, Any]] = []
    with _api_errors(operation):
        for page in client.get_paginator(operation).paginate(**kwargs):
            items.extend(page.get(result_key, []))
    return items


def get_shares(ram: Any, *, page_size: int | None = None, **kwargs: Any) -> list[ResourceShare]:
    """GetResourceShares (all pages), each row parsed into a ``ResourceShare``."""
    rows = paginate(ram, "get_resource_shares", "resourceShares", page_size=page_size, **kwargs)
    return [ResourceShare.from_wire(row) for row in rows]


def get_associations(
    ram: Any, association_type: AssociationType, *, page_size: int | None = None, **kwargs: Any
) -> list[Association]:
    """GetResourceShareAssociations of ``association_type`` (all pages), each row parsed into an ``Association``."""
    rows = paginate(
        ram,
        "get_resource_share_associations",
        "resourceShareAssociations",
        page_size=page_size,
        associationType=association_type.value,
        **kwargs,
    )
    return [Association.from_wire(row) for row in rows]


def list_stage_shares(ram: Any, card_arn: str, stage: str) -> list[ResourceShare]:
    """Every share of this (card, stage), in any status and of any owner, recognised by name and tags."""
    shares = get_shares(
        ram,
        resourceOwner="SELF",
        name=share_name(card_arn, stage),
        tagFilters=[{"tagKey": TAG_CARD_ARN, "tagValues": [card_arn]}],
    )
    return [s for s in shares if is_card_share(s, card_arn, stage)]


def list_associations(ram: Any, share_arn: str, association_type: AssociationType) -> list[Association]:
    """All associations of ``association_type`` of one share."""
    return list(association_rows(ram, [share_arn], association_type).get(share_arn, ()))


def association_rows(
    ram: Any, share_arns: Sequence[str], association_type: AssociationType, page_size: int | None = None
) -> dict[str, tuple[Association, ...]]:
    """Associations of ``association_type`` of every share in ``share_arns``, by share ARN (batched reads)."""
    rows: dict[str, list[Association]] = {arn: [] for arn in share_arns}
    for start in range(0, len(share_arns), SHARE_ARNS_PER_READ):
        for row in get_associations(
            ram,
            association_type,
            page_size=page_size,
            resourceShareArns=list(share_arns[start : start + SHARE_ARNS_PER_READ]),
        ):
            rows.setdefault(row.share_arn, []).append(row)
    return {arn: tuple(items) for arn, items in rows.items()}


def list_card_shares(ram: Any, card_arn: str) -> list[ResourceShare]:
    """Every share this account owns that carries the card's tag (per-card and model package group shares), in
    any status, in one listing; callers keep the ones they name (``ShareSpec.matches``, ``is_card_share``)."""
    return get_shares(ram, resourceOwner="SELF", tagFilters=[{"tagKey": TAG_CARD_ARN, "tagValues": [card_arn]}])


def require_live(response: dict[str, Any], context: str) -> ResourceShare:
    """The share of a CreateResourceShare response; ``ShareError`` when RAM did not make it live."""
    share = ResourceShare.from_wire(response["resourceShare"])
    if not share.live:
        raise ShareError(
            f"{context}: RAM returned share {share.arn} in status {share.status.value} "
            f"({share.status_message or 'no message'}); delete it with `mcgov share delete` and re-run"
        )
    return share


def delete_shares(ram: Any, shares: Iterable[ResourceShare]) -> list[str]:
    """Delete ``shares`` (a prune's stale-permission and duplicate shares); return their ARNs."""
    deleted: list[str] = []
    for share in shares:
        call(ram, "delete_resource_share", resourceShareArn=share.arn)
        deleted.append(share.arn)
    return deleted
