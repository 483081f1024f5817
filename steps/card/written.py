"""Which card versions the card account wrote through mcgov: the ``mcgov:written-versions`` tag (pure codec).

SageMaker does not say which account wrote a card version: ``DescribeModelCard``'s ``LastModifiedBy`` is a
``UserContext`` whose ``IamIdentity`` the API reference documents for "model package groups, model packages and
project entities only" (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserContext.html), so an IAM
writer, a consumer account's included, is reported by nobody. ``mcgov card publish`` and the populate step therefore
record, after each content write whose result they read back, that version in a tag of the card. Only the card
account can tag its card (RAM's model-card permissions grant consumers no tagging), so a version in the tag was
written by the card account; ``mcgov card approve`` asks a reviewer to accept every other content write by name.

The value is version ranges, ``"1-3 5 8-9"`` (space-separated: a tag value holds no comma), at most 256 characters;
when full, the oldest ranges are dropped (their versions then count as unidentified writes: conservative).
"""

from __future__ import annotations

import re

WRITTEN_TAG = "mcgov:written-versions"
VALUE_MAX = 256
_RANGE = re.compile(r"([0-9]{1,10})(?:-([0-9]{1,10}))?", re.ASCII)
_SPAN_MAX = 100_000  # a range wider than any real card's history is a malformed value, not 100,000 versions


def parse_written(value: str | None) -> frozenset[int]:
    """The versions in a tag value; malformed parts are ignored (they attribute nothing)."""
    versions: set[int] = set()
    for part in (value or "").split():
        found = _RANGE.fullmatch(part)
        if not found:
            continue
        low = int(found[1])
        high = int(found[2]) if found[2] else low
        if 0 < low <= high and high - low <= _SPAN_MAX:
            versions.update(range(low, high + 1))
    return frozenset(versions)


def format_written(versions: frozenset[int] | set[int]) -> str:
    """``versions`` as ranges, newest kept when the value would pass 256 characters."""
    ranges: list[tuple[int, int]] = []
    for version in sorted(v for v in versions if v > 0):
        if ranges and version == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], version)
        else:
            ranges.append((version, version))
    parts = [str(low) if low == high else f"{low}-{high}" for low, high in ranges]
    while parts and len(" ".join(parts)) > VALUE_MAX:
        parts.pop(0)
    return " ".join(parts)
