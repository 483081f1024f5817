"""How values read on a card: numbers, labels and short JSON text (pure functions)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

_ACRONYMS = {"arn": "ARN", "id": "ID", "uri": "URI", "gb": "GB", "kms": "KMS", "auc": "AUC", "sha256": "SHA-256"}


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(value: float | int, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits: ``0.95123 -> 0.9512``; integers stay whole."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return str(int(value))
    return f"{value:.{digits}g}"


def signed(value: float | int, digits: int = 4) -> str:
    """A delta with its sign: ``+0.0122``, ``-3``, ``0``."""
    text = number(value, digits)
    return text if text.startswith("-") or text == "0" else "+" + text


def exact(value: Any) -> str:
    """The value as JSON text, exactly as the card holds it (for ``data-value`` and JSON output)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=True, sort_keys=True)


def scalar_text(value: Any) -> str:
    """A field value as a reader sees it: strings as they are, numbers shortened, the rest as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number(value, 6)
    return exact(value)


def label(key: Any) -> str:
    """``model_package_arn -> Model package ARN``."""
    words = str(key).replace("_", " ").split()
    words = [_ACRONYMS.get(w.lower(), w) for w in words]
    if words and words[0] == words[0].lower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) or str(key)


def shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_MD_INLINE = set("\\`*_[]<>|~&#")
_BLOCK_START = re.compile(r"^([-+=>]|\d+[.)])")


def md_text(text: str) -> str:
    """Text that Markdown shows literally, on one line: characters that open emphasis, code, links, images,
    HTML, entities or table cells are backslash-escaped, and so is a leading list or heading marker; line breaks
    become ``<br>``. Card text can therefore start no block and inject no tag into a PR comment."""
    lines = [" ".join(line.split()) for line in str(text).splitlines()] or [""]
    escaped = ["".join("\\" + ch if ch in _MD_INLINE else ch for ch in line) for line in lines]
    escaped[0] = _BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], escaped[0])
    return "<br>".join(escaped)


def md_code(text: str) -> str:
    """An inline code span that holds ``text`` whatever backticks it contains (``|`` escaped for tables)."""
    text = " ".join(str(text).split())
    longest = current = 0
    for ch in text:
        current = current + 1 if ch == "`" else 0
        longest = max(longest, current)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"
