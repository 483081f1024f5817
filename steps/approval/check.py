"""Is a card's approval the one that was given with ``mcgov card approve`` for what it holds now? (pure)"""

from __future__ import annotations

from collections.abc import Sequence

from mcgov.share_policies.approvers import ApproverPattern, find_approver
from mcgov.steps.approval.tags import ApprovalRecord


def approve_command(card: str, version: int, content_sha256: str, policy: str | None = None) -> str:
    """The exact ``mcgov card approve`` command for one reviewed version (``render`` and ``diff`` print it)."""
    return f"mcgov card approve {card} --policy {policy or 'POLICY.yaml'} --version {version} --sha256 {content_sha256}"


def review_hint(card_name: str, since: int | None) -> str:
    diff = f"`mcgov card diff {card_name} --from {since}`, " if since else ""
    return (
        f"review the card ({diff}`mcgov card render {card_name}` prints its version and sha256), then run "
        f"`mcgov card approve {card_name} --policy ... --version N --sha256 H` as one of the policy's approvers"
    )


def approval_problem(
    name: str,
    status: str | None,
    version: int | None,
    content_sha256: str | None,
    record: ApprovalRecord | None,
    approvers: Sequence[ApproverPattern] | None = None,
    signature_problem: str | None = None,
) -> str | None:
    """Why an Approved status cannot be trusted, or None when it can.

    The status must be Approved and the approval record must name the card's current version and content hash:
    a status set by a consumer or in the console, content edited after the approval, or a new publish all fail.
    With ``approvers`` (the policy's), the recorded approver must be one of them; ``signature_problem`` is what the
    signature check found (``mcgov.steps.approval.signing``; None when the policy requires no signature or it
    verified).
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
    if approvers is not None and find_approver(approvers, record.approver) is None:
        return (
            f"card {name}'s approval record names {record.approver or 'no approver'}, not one of the policy's "
            "approvers (a record written without `mcgov card approve`, or an approver since removed); "
            f"{review_hint(name, None)}"
        )
    if signature_problem:
        return f"card {name}'s approval cannot be trusted: {signature_problem}; {review_hint(name, None)}"
    return None
