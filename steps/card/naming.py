"""Deterministic shortening of names that exceed a limit: a prefix plus a stable hash suffix."""
from __future__ import annotations

import hashlib


def shorten(name: str, max_length: int) -> str:
    """Return ``name`` unchanged if it fits, else its first characters + ``~`` + 6 hex chars of its sha256."""
    if len(name) <= max_length:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
    return f"{name[: max_length - 7]}~{digest}"


def truncate_text(text: str, max_length: int, marker: str = " [truncated]") -> str:
    """Cut ``text`` to ``max_length`` characters, ending with ``marker`` when it was cut."""
    if len(text) <= max_length:
        return text
    return text[: max_length - len(marker)] + marker


def single_line(text: str) -> str:
    """Names in card content are single lines: fold line breaks into spaces."""
    return " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text
