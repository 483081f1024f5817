"""The approval record and its encoding as card tags (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

TAG_PREFIX = "mcgov:approval:"
TAG_VERSION = TAG_PREFIX + "version"
TAG_SHA256 = TAG_PREFIX + "content-sha256"
TAG_APPROVER = TAG_PREFIX + "approver"
TAG_AT = TAG_PREFIX + "approved-at"
TAG_NOTE = TAG_PREFIX + "note"
TAG_KEYS = (TAG_VERSION, TAG_SHA256, TAG_APPROVER, TAG_AT, TAG_NOTE)
TAG_VALUE_MAX = 256
# SageMaker tag values: letters, digits, white space and _ . : / = + - @ (botocore ``TagValue``).
_NOT_ALLOWED = re.compile(r"[^\w\s.:/=+\-@]")
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)


def tag_value(text: str) -> str:
    """``text`` as a valid SageMaker tag value: characters outside the allowed set become ``_``, at most 256."""
    return _NOT_ALLOWED.sub("_", " ".join(text.split()))[:TAG_VALUE_MAX]


@dataclass(frozen=True)
class ApprovalRecord:
    """Who approved which version of a card, with the sha256 of that version's content."""

    version: int
    content_sha256: str
    approver: str
    approved_at: str
    note: str = ""

    def to_tags(self) -> dict[str, str]:
        return {
            TAG_VERSION: str(self.version),
            TAG_SHA256: self.content_sha256,
            TAG_APPROVER: tag_value(self.approver),
            TAG_AT: tag_value(self.approved_at),
            TAG_NOTE: tag_value(self.note),
        }

    @classmethod
    def from_tags(cls, tags: dict[str, str]) -> ApprovalRecord | None:
        """The record in a card's tags; None when there is none or it is malformed (a forged or partial record)."""
        version, digest = tags.get(TAG_VERSION, ""), tags.get(TAG_SHA256, "")
        if not (version.isascii() and version.isdigit() and 0 < len(version) <= 10) or not _SHA256.fullmatch(digest):
            return None
        return cls(int(version), digest, tags.get(TAG_APPROVER, ""), tags.get(TAG_AT, ""), tags.get(TAG_NOTE, ""))

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "content_sha256": self.content_sha256,
            "approver": self.approver,
            "approved_at": self.approved_at,
            "note": self.note,
        }
