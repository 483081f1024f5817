"""Score card content against a framework: pure, on a content dict (``Content`` as ``mcgov card show`` prints it).

Each countable requirement is ``covered`` (every piece of evidence present), ``partial`` (some) or ``missing``
(none); a requirement a card cannot evidence is ``not_evidenced_by_card``, listed and never counted. The score
is the average over countable requirements of covered = 1, partial = 0.5, missing = 0. It measures whether
the card has the fields where the evidence belongs, not whether what they say is adequate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: assessing and reporting load no pydantic (the card renderer uses them)
    from mcgov.steps.assess.framework import Framework, Requirement


class Status(Enum):
    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_EVIDENCED = "not_evidenced_by_card"


_HALF_POINTS = {Status.COVERED: 2, Status.PARTIAL: 1, Status.MISSING: 0}


@dataclass(frozen=True)
class RequirementResult:
    """``evidence``: the paths found present; ``missing``: each absent piece (alternatives joined by "or")."""

    requirement: Requirement
    status: Status
    evidence: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    framework: Framework
    results: tuple[RequirementResult, ...]

    @property
    def counted(self) -> tuple[RequirementResult, ...]:
        return tuple(r for r in self.results if r.status is not Status.NOT_EVIDENCED)

    @property
    def points(self) -> float:
        """Covered = 1, partial = 0.5, summed over the counted requirements."""
        return sum(_HALF_POINTS[r.status] for r in self.counted) / 2

    @property
    def score(self) -> float:
        """``points`` over the number of counted requirements (a framework always has one; see ``framework``)."""
        return self.points / len(self.counted)

    @property
    def score_text(self) -> str:
        """The score to two decimals, rounded down in integer arithmetic (29/50 is 0.58, where ``floor(0.58 * 100)``
        gives 57), so a score below a minimum never prints as the minimum."""
        hundredths = sum(_HALF_POINTS[r.status] for r in self.counted) * 100 // (2 * len(self.counted))
        return f"{hundredths // 100}.{hundredths % 100:02d}"

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    def shortfalls(self) -> tuple[RequirementResult, ...]:
        """The counted requirements not covered, in framework order."""
        return tuple(r for r in self.counted if r.status is not Status.COVERED)


def assess_requirement(content: Mapping[str, Any], requirement: Requirement) -> RequirementResult:
    if not requirement.countable:
        return RequirementResult(requirement, Status.NOT_EVIDENCED, (), ())
    evidence: list[str] = []
    missing: list[str] = []
    for piece in requirement.evidence:
        found = [path.text for path in piece.alternatives if path.present(content)]
        if found:
            evidence.extend(found)
        else:
            missing.append(piece.label)
    if not missing:
        status = Status.COVERED
    elif len(missing) < len(requirement.evidence):
        status = Status.PARTIAL
    else:
        status = Status.MISSING
    return RequirementResult(requirement, status, tuple(evidence), tuple(missing))


def assess(content: Mapping[str, Any], framework: Framework) -> Assessment:
    """Every requirement of ``framework`` judged on ``content`` (any mapping: odd shapes count as absent)."""
    return Assessment(framework, tuple(assess_requirement(content, r) for r in framework.requirements))
