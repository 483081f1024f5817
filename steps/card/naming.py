"""Deterministic shortening of names that exceed a limit: a prefix plus a stable hash suffix."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from mcgov.text import strip_invisible

NAME_HASH_CHARS = 6
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def normalize_key(key: str) -> str:
    """How keys and names are compared: NFKC, hidden characters (``mcgov.text``) removed, trimmed, case-folded."""
    return strip_invisible(unicodedata.normalize("NFKC", key)).strip().casefold()


def shorten(name: str, max_length: int) -> str:
    """Return ``name`` unchanged if it fits, else its first characters + ``~`` + 6 hex chars of its sha256."""
    if len(name) <= max_length:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HASH_CHARS]
    return f"{name[: max_length - NAME_HASH_CHARS - 1]}~{digest}"


def truncate_text(text: str, max_length: int, marker: str = " [truncated]") -> str:
    """Cut ``text`` to ``max_length`` characters, ending with ``marker`` when it was cut."""
    if len(text) <= max_length:
        return text
    return text[: max_length - len(marker)] + marker


def single_line(text: str) -> str:
    """Names in card content are single lines: line breaks and control characters (which ``.`` in the
    schema's name patterns rejects) become spaces."""
    return _UNPRINTABLE.sub(" ", text)
