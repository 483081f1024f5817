"""The gate's conditions on the card's content (pure): the stage's ``require_assessment`` and the policy's
``required_fields_by_risk_rating``.

They read the ``Content`` of the DescribeModelCard response the gate already holds (no other call), through the
assessment's path table, so the gate Lambda loads no card content model. Content that is not a JSON object
fails both conditions (fail closed): an unreadable card must not pass a stage that asks what it says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcgov.errors import BadInputError
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.assess.checks import assessment_problem, required_fields_problem


def content_problems(policy: SharePolicy, stage: PolicyStage, card: Mapping[str, Any]) -> list[str]:
    """The reasons ``card`` (a DescribeModelCard response) falls short of what ``policy`` asks of its content for
    ``stage``; empty when it meets them or nothing is asked (the content is then not parsed)."""
    need = stage.require_assessment
    if need is None and not policy.required_fields_by_risk_rating:
        return []
    name = str(card.get("ModelCardName") or card.get("ModelCardArn") or "NAME")
    content = _content(card)
    if content is None:
        return [
            f"Stage {stage.name} checks the card's content (require_assessment or required_fields_by_risk_rating) "
            "and the card's Content is not a JSON object; publish the card again with `mcgov card publish`."
        ]
    problems: list[str] = []
    if need is not None:
        try:
            problem = assessment_problem(content, need, card=name)
        except BadInputError as exc:  # a policy that skipped the steps' loader: block, naming the fix
            problem = f"the assessment cannot run ({exc}); fix the policy and check it with `mcgov policy validate`"
        if problem:
            problems.append(f"Stage {stage.name} requires an assessment: {problem}.")
    problem = required_fields_problem(content, policy)
    if problem:
        problems.append(f"Policy required_fields_by_risk_rating: {problem}.")
    return problems


def _content(card: Mapping[str, Any]) -> dict[str, Any] | None:
    text = card.get("Content")
    if not isinstance(text, str):
        return None
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        return None
    return content if isinstance(content, dict) else None
