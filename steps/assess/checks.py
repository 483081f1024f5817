"""The policy conditions on card content, as the gate asks them (pure): each returns why the card falls short
with the fix, or None.

* ``assessment_problem``: a stage's ``require_assessment`` (the card scores at least ``min_score``);
* ``required_fields_problem``: the policy's ``required_fields_by_risk_rating`` for the card's risk rating.

A card without a risk rating fails a policy that makes fields mandatory by risk rating (fail closed: leaving
the rating out must not skip the fields a High card needs).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from mcgov.share_policies.models import AssessmentRequirement, RiskRating, SharePolicy
from mcgov.steps.assess.assessment import assess
from mcgov.steps.assess.framework import load_framework
from mcgov.steps.assess.paths import parse_content_path

FIRST_MISSING = 3


def assessment_problem(
    content: Mapping[str, Any], requirement: AssessmentRequirement, card: str = "NAME"
) -> str | None:
    """Why the card scores below ``requirement.min_score`` against its framework (the first missing items and
    the fix), or None; ``card`` names the card in the command the fix gives."""
    framework = load_framework(requirement.framework, field="require_assessment.framework")
    assessment = assess(content, framework)
    if assessment.score >= requirement.min_score:
        return None
    shortfalls = assessment.shortfalls()
    items = "; ".join(
        f"{r.requirement.id} ({r.status.value}: {', '.join(r.missing)})" for r in shortfalls[:FIRST_MISSING]
    )
    more = len(shortfalls) - FIRST_MISSING
    return (
        f"the card scores {assessment.score_text} against {framework.name} ({assessment.points:g} of "
        f"{len(assessment.counted)} requirements), below the {requirement.min_score:g} this stage requires; "
        f"first missing: {items}{f' and {more} more' if more > 0 else ''}; fill these fields in the card template "
        f"(or the card) and publish again; `mcgov card assess {card} --framework {framework.name}` lists them all"
    )


def _present(path: str, content: Mapping[str, Any]) -> bool:
    """Whether ``path`` is present; a path that is not a content path (a policy that skipped the steps' loader)
    counts as absent, so the card is blocked, not let through."""
    try:
        return parse_content_path(path).present(content)
    except ValueError:
        return False


def required_fields_problem(content: Mapping[str, Any], policy: SharePolicy) -> str | None:
    """Why the card lacks a field the policy makes mandatory for its risk rating, or None."""
    table = policy.required_fields_by_risk_rating
    if not table:
        return None
    uses = content.get("intended_uses")
    rating = uses.get("risk_rating") if isinstance(uses, Mapping) else None
    ratings = typing.get_args(RiskRating)
    if rating not in ratings:
        state = "has no" if rating is None else "has an unknown value in"
        return (
            f"the policy makes card fields mandatory by risk rating and the card {state} intended_uses.risk_rating; "
            f"set it to {', '.join(ratings)} in the card template (or the card) and publish again"
        )
    required = next((paths for key, paths in table.items() if key == rating), [])
    missing = [path for path in required if not _present(path, content)]
    if not missing:
        return None
    return (
        f"the card's risk rating is {rating} and the policy requires for it {', '.join(missing)}, which the card "
        "leaves empty; fill them in the card template (or the card) and publish again"
    )
