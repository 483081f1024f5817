"""How values read on a card: numbers, labels, short JSON text, and text escaped for Markdown or HTML (pure).

Every card text a render shows passes through ``md_text``/``md_code`` or ``html_text``, which show hidden
characters escaped (``mcgov.text.visible``): ESC and bidi overrides never reach a reader raw.
"""

from __future__ import annotations

import json
import math
import re
from html import escape
from typing import Any, TypeGuard

from mcgov.text import defuse_autolinks, visible, visible_json

_ACRONYMS = {"arn": "ARN", "id": "ID", "uri": "URI", "gb": "GB", "kms": "KMS", "auc": "AUC", "sha256": "SHA-256"}


def is_number(value: Any) -> TypeGuard[int | float]:
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
    """The value as JSON text, exactly as the card holds it (for ``data-value`` and JSON output); hidden
    characters are JSON escapes, so the text means the same and shows none raw."""
    return visible_json(json.dumps(value, ensure_ascii=False, allow_nan=True, sort_keys=True))


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


def html_text(text: Any) -> str:
    """Text for HTML (element content or a quoted attribute): hidden characters escaped, then ``&<>"'``."""
    return escape(visible(str(text), keep="\n\t"), quote=True)


def md_text(text: str) -> str:
    """Text that Markdown shows literally, on one line: characters that open emphasis, code, links, images,
    HTML, entities or table cells are backslash-escaped, and so is a leading list or heading marker; line breaks
    become ``<br>``; hidden characters are shown escaped and GFM autolinks are defused (``mcgov.text``). Card
    text can therefore start no block, inject no tag and open no link in a PR comment."""
    lines = [" ".join(line.split()) for line in visible(str(text), keep="\n\t").split("\n")]
    escaped = ["".join("\\" + ch if ch in _MD_INLINE else ch for ch in line) for line in lines]
    escaped[0] = _BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], escaped[0])
    return defuse_autolinks("<br>".join(escaped))


def md_code(text: str) -> str:
    """An inline code span that holds ``text`` whatever backticks it contains (``|`` escaped for tables; hidden
    characters shown escaped). A code span is never autolinked."""
    text = " ".join(visible(str(text)).split())
    longest = current = 0
    for ch in text:
        current = current + 1 if ch == "`" else 0
        longest = max(longest, current)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"
