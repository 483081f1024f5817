"""Who wrote the content a reviewer is about to approve (pure): the content writes among a card's versions, each
with the account that wrote it, or unidentified.

A content write is a version whose content differs from the version before it (version 1 always is); the versions
after it with the same content are status changes of that content. Its writer is, in this order:

1. the account SageMaker reports in the version's ``LastModifiedBy`` (``IamIdentity.Arn`` or ``UserProfileArn``:
   a Studio user profile is reported, an IAM caller of a model card is not; see ``mcgov.steps.card.written``);
2. the card account, when a version of that content is in the card's ``mcgov:written-versions`` tag (a content
   write ``mcgov card publish`` or the populate step made and read back; only the card account can tag the card);
3. otherwise unidentified: a consumer account through RAM, or an edit made outside mcgov.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcgov.steps.common.jsonutil import content_sha256

UNIDENTIFIED = "unidentified"


@dataclass(frozen=True)
class ContentWrite:
    """One content write: its version, content sha256, who wrote it and how that is known."""

    version: int
    content_sha256: str
    writer: str  # a 12-digit account id, or UNIDENTIFIED
    evidence: str  # "sagemaker LastModifiedBy", "mcgov:written-versions", or why it is unidentified
    modified_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "content_sha256": self.content_sha256,
            "writer": self.writer,
            "evidence": self.evidence,
            "modified_at": self.modified_at,
        }

    def line(self, card_account: str) -> str:
        who = (
            "the card account"
            if self.writer == card_account
            else ("an unidentified writer" if self.writer == UNIDENTIFIED else f"account {self.writer}")
        )
        when = f" at {self.modified_at}" if self.modified_at else ""
        return f"version {self.version}{when}: content written by {who} ({self.evidence})"


def reported_account(user_context: Any) -> str | None:
    """The account of the writer SageMaker reports in a ``UserContext`` (None when it reports none)."""
    if not isinstance(user_context, Mapping):
        return None
    identity = user_context.get("IamIdentity")
    for arn in (identity.get("Arn") if isinstance(identity, Mapping) else None, user_context.get("UserProfileArn")):
        parts = arn.split(":") if isinstance(arn, str) else []
        if len(parts) >= 6 and parts[0] == "arn" and len(parts[4]) == 12 and parts[4].isascii() and parts[4].isdigit():
            return parts[4]
    return None


def content_writes(
    versions: Sequence[Mapping[str, Any]],
    written: Iterable[int],
    card_account: str,
    *,
    baseline: Mapping[str, Any] | None = None,
) -> list[ContentWrite]:
    """The content writes among ``versions`` (DescribeModelCard responses, oldest first), after ``baseline`` (the
    last approved version's response; None for a first approval, when every version counts). ``written`` are the
    versions of the card's ``mcgov:written-versions`` tag."""
    recorded = set(written)
    previous = _sha(baseline) if baseline is not None else None
    runs: list[list[Mapping[str, Any]]] = []
    for card in versions:
        sha = _sha(card)
        if not runs or sha != previous:
            runs.append([card])
        else:
            runs[-1].append(card)
        previous = sha
    if baseline is not None and runs and _sha(runs[0][0]) == _sha(baseline):
        runs = runs[1:]  # the approved content, only re-stated (status changes): not a new write
    out = []
    for run in runs:
        first = run[0]
        version = int(first.get("ModelCardVersion") or 0)
        modified: Any = first.get("LastModifiedTime")
        when = modified.isoformat() if hasattr(modified, "isoformat") else (str(modified) if modified else None)
        account = reported_account(first.get("LastModifiedBy"))
        if account is not None:
            writer, evidence = account, "SageMaker LastModifiedBy"
        elif any(int(card.get("ModelCardVersion") or 0) in recorded for card in run):
            writer, evidence = card_account, "recorded in mcgov:written-versions by mcgov publish"
        else:
            writer, evidence = (
                UNIDENTIFIED,
                "not recorded by mcgov publish: a consumer account, or an edit outside mcgov",
            )
        out.append(ContentWrite(version, _sha(first), writer, evidence, when))
    return out


def _sha(card: Mapping[str, Any] | None) -> str:
    content = card.get("Content") if card is not None else None
    return content_sha256(content if isinstance(content, str) else "{}")
