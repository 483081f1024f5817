"""What a report's values are, for the parsers: numbers (finite or not), NaN-like values, and short text
renderings for messages and notes (pure)."""

from __future__ import annotations

import json
import math
from typing import Any, TypeGuard

NAN_STRINGS = frozenset(
    {"", "nan", "-nan", "na", "n/a", "none", "null", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
)


def short_json(value: Any, limit: int = 80) -> str:
    """A short, deterministic text rendering of a JSON value for messages and notes."""
    try:
        text = json.dumps(value, sort_keys=True, allow_nan=True, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_text(value: Any) -> str:
    """Render a label, facet value or class key as text (strings unchanged, others as JSON)."""
    return value if isinstance(value, str) else short_json(value, limit=1_000)


def is_number(value: Any) -> bool:
    """True for int/float that is not bool (finite or not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite_number(value: Any) -> TypeGuard[int | float]:
    """True for an int/float (not bool) that a JSON document and the card API can carry."""
    if not is_number(value):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def is_nan_like(value: Any) -> bool:
    """None, a non-finite float, or a string such as "NaN", "NA" or "Infinity"."""
    if value is None:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return not is_finite_number(value)
    return isinstance(value, str) and value.strip().lower() in NAN_STRINGS
