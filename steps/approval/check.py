"""Is a card's approval the one that was given with ``mcgov card approve`` for what it holds now? (pure)"""

from __future__ import annotations

from mcgov.steps.approval.tags import ApprovalRecord


def review_hint(card_name: str, since: int | None) -> str:
    diff = f"`mcgov card diff {card_name} --from {since}`, " if since else ""
    return (
        f"review the card ({diff}`mcgov card show {card_name}`), then run `mcgov card approve {card_name} --policy ...`"
    )


def approval_problem(
    name: str, status: str | None, version: int | None, content_sha256: str | None, record: ApprovalRecord | None
) -> str | None:
    """Why an Approved status cannot be trusted, or None when it can.

    The status must be Approved and the approval record must name the card's current version and content hash:
    a status set by a consumer or in the console, content edited after the approval, or a new publish all fail.
    """
    if status != "Approved":
        return None if status is None else f"card {name} is {status}, not Approved; {review_hint(name, None)}"
    if record is None:
        return (
            f"card {name} is Approved but carries no approval record from `mcgov card approve` "
            f"(approved in the console or by another account?); {review_hint(name, None)}"
        )
    changes = []
    if record.version != version:
        changes.append(f"version {record.version} was approved, the card is at version {version}")
    if record.content_sha256 != content_sha256:
        changes.append("its content changed since the approval")
    if changes:
        return (
            f"card {name} changed since {record.approver or 'its approver'} approved it at {record.approved_at}: "
            f"{'; '.join(changes)}; {review_hint(name, record.version)}"
        )
    return None
