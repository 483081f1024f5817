"""The approval record, its encoding as card tags, and the canonical text a signed approval signs (pure).

Tags (SageMaker: at most 50 per resource, keys <= 128 characters, values <= 256 characters of letters, digits, white
space and ``_ . : / = + - @``; botocore ``Tag``/``TagValue``): ``mcgov:approval:version``, ``...:content-sha256``,
``...:approver``, ``...:approved-at``, ``...:note`` and, for a signed approval, ``...:signature``. An ECDSA P-256
signature is a DER sequence of at most 72 bytes, 96 characters of base64 (``A-Z a-z 0-9 + / =``, all allowed in a
tag value): one tag holds it, so the record stays six tags whatever the note.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, replace

TAG_PREFIX = "mcgov:approval:"
TAG_VERSION = TAG_PREFIX + "version"
TAG_SHA256 = TAG_PREFIX + "content-sha256"
TAG_APPROVER = TAG_PREFIX + "approver"
TAG_AT = TAG_PREFIX + "approved-at"
TAG_NOTE = TAG_PREFIX + "note"
TAG_SIGNATURE = TAG_PREFIX + "signature"
TAG_KEYS = (TAG_VERSION, TAG_SHA256, TAG_APPROVER, TAG_AT, TAG_NOTE, TAG_SIGNATURE)
TAG_VALUE_MAX = 256
SIGNATURE_MAX_BYTES = 72  # DER of an ECDSA P-256 signature: SEQUENCE of two INTEGERs of at most 33 bytes
SIGNED_SCHEMA = "mcgov-approval-1"
# SageMaker tag values: letters, digits, white space and _ . : / = + - @ (botocore ``TagValue``).
_NOT_ALLOWED = re.compile(r"[^\w\s.:/=+\-@]")
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{4,96}={0,2}", re.ASCII)


def tag_value(text: str) -> str:
    """``text`` as a valid SageMaker tag value: characters outside the allowed set become ``_``, at most 256."""
    return _NOT_ALLOWED.sub("_", " ".join(text.split()))[:TAG_VALUE_MAX]


@dataclass(frozen=True)
class ApprovalRecord:
    """Who approved which version of a card, with the sha256 of that version's content; ``signature`` is the base64
    ECDSA signature of ``signed_text`` when the policy names a signing key ("" otherwise)."""

    version: int
    content_sha256: str
    approver: str
    approved_at: str
    note: str = ""
    signature: str = ""

    def to_tags(self) -> dict[str, str]:
        tags = {
            TAG_VERSION: str(self.version),
            TAG_SHA256: self.content_sha256,
            TAG_APPROVER: tag_value(self.approver),
            TAG_AT: tag_value(self.approved_at),
            TAG_NOTE: tag_value(self.note),
        }
        if self.signature:
            tags[TAG_SIGNATURE] = self.signature
        return tags

    def as_stored(self) -> ApprovalRecord:
        """The record as its tags hold it (approver, time and note in their tag form): what is signed and read."""
        return replace(
            self, approver=tag_value(self.approver), approved_at=tag_value(self.approved_at), note=tag_value(self.note)
        )

    @classmethod
    def from_tags(cls, tags: dict[str, str]) -> ApprovalRecord | None:
        """The record in a card's tags; None when there is none or it is malformed (a forged or partial record)."""
        version, digest = tags.get(TAG_VERSION, ""), tags.get(TAG_SHA256, "")
        if not (version.isascii() and version.isdigit() and 0 < len(version) <= 10) or not _SHA256.fullmatch(digest):
            return None
        return cls(
            int(version),
            digest,
            tags.get(TAG_APPROVER, ""),
            tags.get(TAG_AT, ""),
            tags.get(TAG_NOTE, ""),
            tags.get(TAG_SIGNATURE, ""),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "content_sha256": self.content_sha256,
            "approver": self.approver,
            "approved_at": self.approved_at,
            "note": self.note,
            "signed": bool(self.signature),
        }


def signed_text(card_arn: str, record: ApprovalRecord) -> bytes:
    """The canonical bytes a signed approval signs: card ARN, version, content sha256, approver, time and the
    sha256 of the note, as their tags hold them, in sorted-key compact ASCII JSON (at most a few hundred bytes,
    well under kms:Sign's 4,096 for a RAW message)."""
    stored = record.as_stored()
    body = {
        "schema": SIGNED_SCHEMA,
        "card_arn": card_arn,
        "version": stored.version,
        "content_sha256": stored.content_sha256,
        "approver": stored.approver,
        "approved_at": stored.approved_at,
        "note_sha256": hashlib.sha256(stored.note.encode("utf-8")).hexdigest(),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def signature_bytes(signature: str) -> bytes | None:
    """The DER signature in a ``signature`` tag value, or None when the value is not one (malformed, too long)."""
    if not _BASE64.fullmatch(signature or ""):
        return None
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if 8 <= len(raw) <= SIGNATURE_MAX_BYTES else None


def signature_text(raw: bytes) -> str:
    """A DER signature as the value of the ``signature`` tag."""
    return base64.b64encode(raw).decode("ascii")
