"""Canonical JSON: one serialization so that equal content gives byte-identical text and hash."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any


def canonical_json(data: Any) -> str:
    """Serialize with sorted keys, no spaces and no NaN, so equal data gives equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_sha256(content: str | dict[str, Any]) -> str:
    """Hash of card content's canonical JSON, stable across re-serialization by the service."""
    data = json.loads(content) if isinstance(content, str) else content
    return sha256_text(canonical_json(data))


def json_safe(data: Any) -> Any:
    """Convert datetimes (as returned by boto3) to ISO strings, recursively, for JSON output."""
    if isinstance(data, dict):
        return {k: json_safe(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [json_safe(v) for v in data]
    if isinstance(data, (datetime, date)):
        return data.isoformat()
    return data
