"""``mcgov card approve``: an approver of the policy approves the version they reviewed; the approval is recorded.

Refused, with nothing written, when: the caller is not one of the policy's ``approvers`` (STS GetCallerIdentity),
or not in the card account; the card is not at the version the reviewer named (``--version``) or its content is not
the one named (``--sha256``); or content was written since the last approval (every version, for a first one) by
another account or by an unidentified writer the reviewer did not accept by name (``--accept-edits-from``): a
consumer's edit is never approved silently. Then the card is set Approved and its tags record the approved version,
content sha256, approver, time and note, signed with kms:Sign when the policy names ``approval_signing_key_arn``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mcgov.errors import BadInputError
from mcgov.share_policies.approvers import ARN_MAX, find_approver
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.approval.exceptions import ApprovalError
from mcgov.steps.approval.history import UNIDENTIFIED, ContentWrite, content_writes
from mcgov.steps.approval.signing import sign_record
from mcgov.steps.approval.store import ApprovalStore, caller_arn
from mcgov.steps.approval.tags import TAG_PREFIX, ApprovalRecord, tag_value
from mcgov.steps.card.store import CardStore
from mcgov.steps.card.written import WRITTEN_TAG, parse_written
from mcgov.steps.common.jsonutil import content_sha256


@dataclass(frozen=True)
class ApprovalResult:
    """What ``approve_card`` recorded; ``card`` is the card as approved (DescribeModelCard), ``writes`` the content
    writes since the last approval (every one, for a first approval) with their writers, ``embedded`` what the
    CLI's approval of the card embedded in its model package did (``mcgov.steps.cli.approve``)."""

    card_arn: str
    record: ApprovalRecord
    previous: ApprovalRecord | None
    status_changed: bool
    reviewed_version: int
    writes: tuple[ContentWrite, ...] = ()
    card: dict[str, Any] = field(default_factory=dict, repr=False)
    embedded: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "card_arn": self.card_arn,
            "reviewed_version": self.reviewed_version,
            "approval": self.record.to_dict(),
            "status_changed": self.status_changed,
            "previous_approval": self.previous.to_dict() if self.previous else None,
            "content_writes": [w.to_dict() for w in self.writes],
            **({"embedded": self.embedded} if self.embedded is not None else {}),
        }


def check_accept(values: Iterable[str]) -> frozenset[str]:
    """``--accept-edits-from`` values: 12-digit account ids or ``unidentified``; ``BadInputError`` otherwise."""
    out = set()
    for value in values:
        if not (value == UNIDENTIFIED or (len(value) == 12 and value.isascii() and value.isdigit())):
            raise BadInputError(
                f"not a 12-digit account id nor {UNIDENTIFIED}: name the account whose edits you reviewed and accept",
                field="--accept-edits-from",
            )
        out.add(value)
    return frozenset(out)


def approver_of(policy: SharePolicy, sts: Any) -> str:
    """The caller's ARN when it is one of the policy's approvers in the card account; ``BadInputError`` otherwise."""
    approver = caller_arn(sts)
    account = approver.split(":")[4] if approver.count(":") >= 5 else ""
    if account != policy.card_account:
        raise BadInputError(
            f"approving needs credentials of the card account {policy.card_account}; these are "
            f"{approver}: a consumer account can never approve a shared card"
        )
    if not policy.approvers:
        raise BadInputError(
            "the policy names no approvers: add approvers: [<IAM role ARNs of the card account's reviewers>]",
            field="approvers",
        )
    if find_approver(policy.approver_patterns, approver) is None:
        raise BadInputError(
            f"{approver} is not one of the policy's approvers; ask an approver to review and approve the card, "
            "or add this role to approvers: in the policy",
            field="approvers",
        )
    if len(approver) > ARN_MAX or tag_value(approver) != approver:
        raise BadInputError(
            "this approver's ARN cannot be recorded unchanged in a SageMaker tag (a comma, or over 256 "
            "characters); approve from a role session whose name has letters, digits and _ . = + - @ only",
            field="approvers",
        )
    return approver


def approve_card(
    sagemaker: Any,
    sts: Any,
    policy: SharePolicy,
    name_or_arn: str,
    *,
    version: int,
    sha256: str | None = None,
    note: str = "",
    accept_edits_from: Iterable[str] = (),
    kms: Any = None,
    now: datetime | None = None,
) -> ApprovalResult:
    """Approve ``version`` of the card, the version the reviewer read; run with an approver's credentials.

    Sets ModelCardStatus to Approved (a call of its own: SageMaker refuses status and content together), checks that
    nobody wrote in between, then tags the card with the approved version, its content sha256, the approver, the
    time and the note (signed with ``kms`` when the policy names a signing key). The gate allows only while the card
    still matches that record. The card embedded in its model package, if any, is approved by the caller
    (``mcgov card approve`` does both).
    """
    arn = policy.card_arn(name_or_arn)
    accepted = check_accept(accept_edits_from)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadInputError("the reviewed version is a positive integer", field="--version")
    approver = approver_of(policy, sts)
    key = policy.approval_signing_key_arn
    if key and kms is None:
        raise BadInputError("the policy requires signed approvals: approve with a KMS client (the mcgov CLI does)")
    cards = CardStore(sagemaker)
    card = cards.describe(arn)
    name = str(card.get("ModelCardName") or arn)
    if card.get("ModelCardStatus") == "Archived":
        raise BadInputError(f"card {name} is Archived: an archived card cannot be approved; publish a new card instead")
    current, sha = int(card["ModelCardVersion"]), content_sha256(card.get("Content") or "{}")
    if current != version:
        diff = f", `mcgov card diff {name} --from {version}`" if version < current else ""
        raise BadInputError(
            f"card {name} is at version {current}, not the reviewed version: it changed since the review, or another "
            f"version was named; review version {current} (`mcgov card render {name}`{diff}), then approve it with "
            f"--version {current}",
            field="--version",
        )
    if sha256 is not None and sha256 != sha:
        raise BadInputError(
            f"the content of card {name} version {current} is not the content named: review the card again "
            "(`mcgov card render` prints its sha256) and approve the sha256 it shows",
            field="--sha256",
        )
    tags = cards.tags(arn)
    previous = ApprovalRecord.from_tags({k: v for k, v in tags.items() if k.startswith(TAG_PREFIX)})
    since = previous.version if previous is not None and previous.version <= current else None
    baseline = cards.describe(arn, since) if since else None
    versions = [cards.describe(arn, v) for v in range((since or 0) + 1, current)] + [card]
    writes = content_writes(versions, parse_written(tags.get(WRITTEN_TAG)), policy.card_account, baseline=baseline)
    _check_writers(name, writes, policy.card_account, accepted)
    changed = card.get("ModelCardStatus") != "Approved"
    if changed:
        cards.update_status(arn, "Approved")
        card = cards.describe(arn)
        if int(card["ModelCardVersion"]) != current + 1 or content_sha256(card.get("Content") or "{}") != sha:
            raise ApprovalError(
                f"card {name} changed while it was being approved (another writer updated it after version "
                f"{current}); no approval was recorded: review its new version and approve that"
            )
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = ApprovalRecord(int(card["ModelCardVersion"]), sha, approver, when, note).as_stored()
    if key:
        record = sign_record(kms, key, arn, record)
    ApprovalStore(sagemaker).write(arn, record)
    return ApprovalResult(
        card_arn=arn,
        record=record,
        previous=previous,
        status_changed=changed,
        reviewed_version=version,
        writes=tuple(writes),
        card=card,
    )


def _check_writers(name: str, writes: list[ContentWrite], card_account: str, accepted: frozenset[str]) -> None:
    """Refuse content written by another account or an unidentified writer unless the reviewer accepted it."""
    foreign = [w for w in writes if w.writer != card_account and w.writer not in accepted]
    if not foreign:
        return
    needed = sorted({w.writer for w in foreign})
    lines = "; ".join(w.line(card_account) for w in foreign)
    raise BadInputError(
        f"card {name} holds content the card account did not write: {lines}. Review those versions "
        f"(`mcgov card diff {name} --from N --to M`); to approve them anyway, add "
        f"{' '.join('--accept-edits-from ' + writer for writer in needed)}",
        field="--accept-edits-from",
    )
