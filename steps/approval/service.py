"""``mcgov card approve``: set the card Approved and record who approved which version and content."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mcgov.errors import BadInputError
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.approval.store import ApprovalStore, caller_arn
from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.jsonutil import content_sha256


@dataclass(frozen=True)
class ApprovalResult:
    """What ``approve_card`` recorded; ``card`` is the card as approved (DescribeModelCard), ``embedded`` what the
    CLI's approval of the card embedded in its model package did (``mcgov.steps.cli.approve``)."""

    card_arn: str
    record: ApprovalRecord
    previous: ApprovalRecord | None
    status_changed: bool
    card: dict[str, Any] = field(default_factory=dict, repr=False)
    embedded: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "card_arn": self.card_arn,
            "approval": self.record.to_dict(),
            "status_changed": self.status_changed,
            "previous_approval": self.previous.to_dict() if self.previous else None,
            **({"embedded": self.embedded} if self.embedded is not None else {}),
        }


def approve_card(
    sagemaker: Any, sts: Any, policy: SharePolicy, name_or_arn: str, *, note: str = "", now: datetime | None = None
) -> ApprovalResult:
    """Approve the card's latest version as it is now; run with card-account credentials.

    Sets ModelCardStatus to Approved (a call of its own: SageMaker refuses status and content together), then
    tags the card with the approved version, its content sha256, the caller's ARN and the time. The prod gate
    allows only while the card still matches that record. The card embedded in its model package, if any, is
    approved by the caller (``mcgov card approve`` does both).
    """
    arn = policy.card_arn(name_or_arn)
    approver = caller_arn(sts)
    account = approver.split(":")[4] if approver.count(":") >= 5 else ""
    if account != policy.card_account:
        raise BadInputError(
            f"approving needs credentials of the card account {policy.card_account}; these are "
            f"{approver}: a consumer account can never approve a shared card"
        )
    cards, approvals = CardStore(sagemaker), ApprovalStore(sagemaker)
    card = cards.describe(arn)
    if card.get("ModelCardStatus") == "Archived":
        raise BadInputError(
            f"card {card.get('ModelCardName')} is Archived: an archived card cannot be approved; "
            "publish a new card instead"
        )
    previous = approvals.read(arn)
    changed = card.get("ModelCardStatus") != "Approved"
    if changed:
        cards.update_status(arn, "Approved")
        card = cards.describe(arn)
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = ApprovalRecord(
        version=int(card["ModelCardVersion"]),
        content_sha256=content_sha256(card.get("Content") or "{}"),
        approver=approver,
        approved_at=when,
        note=note,
    )
    approvals.write(arn, record)
    return ApprovalResult(card_arn=arn, record=record, previous=previous, status_changed=changed, card=card)
