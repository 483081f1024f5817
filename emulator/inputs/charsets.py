"""Sets of code points as sorted, merged ``(low, high)`` ranges: the character classes of Java regexes.

Java's predefined classes (``\\d``, ``\\w``, ``\\s``) and POSIX classes (``\\p{Alnum}``...) are US-ASCII by default;
``\\p{L}``-style general categories are Unicode (taken from Python's ``unicodedata``).
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

MAX_CODE_POINT = sys.maxunicode
Ranges = tuple[tuple[int, int], ...]


def merge(ranges: list[tuple[int, int]]) -> Ranges:
    """Sort and merge overlapping or adjacent ranges."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def of(spec: str) -> Ranges:
    """Ranges from a compact spec: ``"az AZ __"`` pairs of first/last characters, separated by spaces."""
    return merge([(ord(pair[0]), ord(pair[-1])) for pair in spec.split(" ") if pair])


def union(*sets: Ranges) -> Ranges:
    """Code points in any of ``sets``."""
    return merge([r for s in sets for r in s])


def complement(ranges: Ranges) -> Ranges:
    """Code points not in ``ranges``."""
    out, start = [], 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return tuple(out)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    """Code points in both."""
    return complement(union(complement(a), complement(b)))


def chars(*code_points: int) -> Ranges:
    """The given code points."""
    return merge([(c, c) for c in code_points])


DIGIT = of("09")
WORD = of("az AZ 09 __")
SPACE = union(of("\t\r"), chars(0x20))  # [ \t\n\x0B\f\r]
HORIZONTAL_SPACE = merge(
    [(0x20, 0x20), (0x09, 0x09), (0xA0, 0xA0), (0x1680, 0x1680), (0x180E, 0x180E), (0x2000, 0x200A)]
    + [(0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)]
)
VERTICAL_SPACE = union(of("\n\r"), chars(0x85, 0x2028, 0x2029))
LINE_TERMINATORS = chars(0x0A, 0x0D, 0x85, 0x2028, 0x2029)

_PUNCT = of("!/ :@ [` {~")
_ALNUM = of("az AZ 09")
POSIX: dict[str, Ranges] = {
    "Lower": of("az"),
    "Upper": of("AZ"),
    "ASCII": merge([(0, 0x7F)]),
    "Alpha": of("az AZ"),
    "Digit": DIGIT,
    "Alnum": _ALNUM,
    "Punct": _PUNCT,
    "Graph": union(_ALNUM, _PUNCT),
    "Print": union(_ALNUM, _PUNCT, chars(0x20)),
    "Blank": chars(0x20, 0x09),
    "Cntrl": union(merge([(0, 0x1F)]), chars(0x7F)),
    "XDigit": of("09 af AF"),
    "Space": SPACE,
}


@cache
def _categories() -> dict[str, Ranges]:
    """Two-letter general category -> ranges, over every code point (built once, on first use)."""
    found: dict[str, list[tuple[int, int]]] = {}
    start, current = 0, unicodedata.category("\x00")
    for cp in range(1, MAX_CODE_POINT + 2):
        category = unicodedata.category(chr(cp)) if cp <= MAX_CODE_POINT else ""
        if category != current:
            found.setdefault(current, []).append((start, cp - 1))
            start, current = cp, category
    return {name: merge(ranges) for name, ranges in found.items()}


@cache
def general_category(name: str) -> Ranges | None:
    """Ranges of a one- or two-letter general category (``L``, ``Lu``, ``LC``), or None if there is no such."""
    table = _categories()
    if name == "LC":
        return union(table.get("Lu", ()), table.get("Ll", ()), table.get("Lt", ()))
    if len(name) == 1:
        parts = [ranges for category, ranges in table.items() if category[0] == name]
        return union(*parts) if parts else None
    return table.get(name) if len(name) == 2 else None


def letter_or_digit() -> Ranges:
    """Java's ``Character.isLetterOrDigit`` plus ``_``: the word characters of Java 17's ``\\b``."""
    return union(general_category("L") or (), general_category("Nd") or (), chars(ord("_")))


def case_variants(ranges: Ranges) -> Ranges:
    """``ranges`` plus the other case of each ASCII letter in it (Java's default ``(?i)`` folds ASCII only)."""
    extra: list[tuple[int, int]] = []
    for low, high in ranges:
        for lo, hi, delta in ((0x41, 0x5A, 32), (0x61, 0x7A, -32)):
            a, b = max(low, lo), min(high, hi)
            if a <= b:
                extra.append((a + delta, b + delta))
    return union(ranges, merge(extra))
