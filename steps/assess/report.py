"""An assessment as JSON (``mcgov card assess --json``) or as a text table, and the list of frameworks."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mcgov.steps.assess.assessment import Assessment, RequirementResult, Status

if TYPE_CHECKING:
    from mcgov.steps.assess.framework import Framework

_STATUS_TEXT = {
    Status.COVERED: "covered",
    Status.PARTIAL: "partial",
    Status.MISSING: "missing",
    Status.NOT_EVIDENCED: "not evidenced",
}
_HEADERS = ("REQUIREMENT", "TITLE", "STATUS", "EVIDENCE", "MISSING")
_WRAP = (24, 40, 13, 46, 46)  # wrap widths; a path longer than its column is kept whole and widens it


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    """``framework``, ``score`` and one entry per requirement (``reason`` is set on rows a card cannot evidence)."""
    framework = assessment.framework
    return {
        "framework": framework.name,
        "title": framework.title,
        "version": framework.version,
        "url": framework.url,
        "score": round(assessment.score, 4),
        "counted": len(assessment.counted),
        "summary": {status.value: assessment.count(status) for status in Status},
        "requirements": [_result_json(result) for result in assessment.results],
    }


def _result_json(result: RequirementResult) -> dict[str, Any]:
    requirement = result.requirement
    return {
        "id": requirement.id,
        "title": requirement.title,
        "source": requirement.source,
        "status": result.status.value,
        "evidence": list(result.evidence),
        "missing": list(result.missing),
        "reason": requirement.reason,
    }


def score_line(assessment: Assessment) -> str:
    """``score 0.66: 14 covered, 5 partial, 6 missing of 25 counted; 16 not evidenced by a card (not counted)``."""
    return f"score {assessment.score_text}: {counts_line(assessment)}"


def counts_line(assessment: Assessment) -> str:
    """``14 covered, 5 partial, 6 missing of 25 counted; 16 not evidenced by a card (not counted)``."""
    return (
        f"{assessment.count(Status.COVERED)} covered, {assessment.count(Status.PARTIAL)} partial, "
        f"{assessment.count(Status.MISSING)} missing of {len(assessment.counted)} counted; "
        f"{assessment.count(Status.NOT_EVIDENCED)} not evidenced by a card (not counted)"
    )


def assessment_table(assessment: Assessment) -> str:
    """The framework, one table row per requirement (cells wrapped; for a requirement a card cannot evidence,
    MISSING says why), and the score line."""
    framework = assessment.framework
    cells = [
        [
            [result.requirement.id],
            [result.requirement.title],
            [_STATUS_TEXT[result.status]],
            list(result.evidence),
            list(result.missing) if result.requirement.countable else [result.requirement.reason or ""],
        ]
        for result in assessment.results
    ]
    head = f"{framework.title} ({framework.name}; {framework.version})\n{framework.url}\n\n"
    return head + _table(cells) + "\n" + score_line(assessment) + "\n"


def frameworks_table(frameworks: Sequence[Framework]) -> str:
    """``mcgov card assess --list-frameworks``: name, requirements (counted), title."""
    lines = [("FRAMEWORK", "REQUIREMENTS", "TITLE")] + [
        (f.name, f"{len(f.requirements)} ({len(f.countable)} counted)", f.title) for f in frameworks
    ]
    first = max(len(line[0]) for line in lines)
    second = max(len(line[1]) for line in lines)
    return "".join(f"{a:<{first}}  {b:<{second}}  {c}".rstrip() + "\n" for a, b, c in lines)


def frameworks_json(frameworks: Sequence[Framework]) -> list[dict[str, Any]]:
    return [
        {
            "framework": f.name,
            "title": f.title,
            "version": f.version,
            "url": f.url,
            "scope": f.scope,
            "requirements": len(f.requirements),
            "counted": len(f.countable),
        }
        for f in frameworks
    ]


def _wrap(items: list[str], width: int) -> list[str]:
    lines: list[str] = []
    for item in items:
        lines += textwrap.wrap(item, width, break_long_words=False, break_on_hyphens=False) or [""]
    return lines


def _table(rows: list[list[list[str]]]) -> str:
    wrapped = [[_wrap(cell, width) for cell, width in zip(row, _WRAP, strict=True)] for row in rows]
    widths = [
        max([len(header)] + [len(line) for row in wrapped for line in row[column]])
        for column, header in enumerate(_HEADERS)
    ]
    out = [_line(list(_HEADERS), widths)]
    for row in wrapped:
        for index in range(max(len(cell) for cell in row)):
            out.append(_line([cell[index] if index < len(cell) else "" for cell in row], widths))
    return "\n".join(out) + "\n"


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True)).rstrip()
