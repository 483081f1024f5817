"""Helpers shared by the evaluation-parser tests: paths to ../shared and an independent output check."""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

from mcgov.steps.card import limits
from mcgov.steps.card.evaluation.metrics import MAX_GRAPH_POINTS

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CASES = SHARED / "real-world" / "cases"
STRICT_SCHEMA = SHARED / "reference" / "model-card-schema" / "model_card_schema.merged-strict.json"


@functools.lru_cache(maxsize=1)
def strict_validator() -> Any:
    """Draft-07 validator for the merged-strict card schema, or None when ../shared is absent."""
    if not STRICT_SCHEMA.exists():
        return None
    import jsonschema

    return jsonschema.Draft7Validator(json.loads(STRICT_SCHEMA.read_text()))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def anchored_problems(groups: list[dict[str, Any]]) -> list[str]:
    """Limits the published schema does not enforce, checked here independently of the parser's own check."""
    problems = []
    for group in groups:
        if not re.fullmatch(rf".{{1,{limits.GROUP_NAME_MAX}}}", group["name"]):
            problems.append(f"group name {group['name']!r}")
        names = [m["name"] for m in group["metric_data"]]
        if len(names) != len(set(names)):
            problems.append(f"duplicate metric names in {group['name']!r}")
        for metric in group["metric_data"]:
            kind, value = metric["type"], metric["value"]
            if not re.fullmatch(rf".{{1,{limits.METRIC_NAME_MAX}}}", metric["name"]):
                problems.append(f"metric name {metric['name']!r}")
            if len(metric.get("notes", "")) > limits.NOTES_MAX:
                problems.append(f"notes of {metric['name']!r}")
            for axis in ("x_axis_name", "y_axis_name"):
                axis_value = metric.get(axis, [])
                for text in [axis_value] if isinstance(axis_value, str) else axis_value:
                    if len(text) > limits.AXIS_NAME_MAX:
                        problems.append(f"{axis} of {metric['name']!r}")
            ok = {
                "number": lambda v: _number(v),
                "string": lambda v: isinstance(v, str) and len(v) <= limits.STRING_METRIC_VALUE_MAX,
                "boolean": lambda v: isinstance(v, bool),
                "linear_graph": lambda v: (
                    1 <= len(v) <= MAX_GRAPH_POINTS and all(_number(a) and _number(b) for a, b in v)
                ),
                "bar_chart": lambda v: len(v) >= 1 and all(_number(a) for a in v),
                "matrix": lambda v: (
                    1 <= len(v) <= limits.MATRIX_MAX_SIDE
                    and all(1 <= len(r) <= limits.MATRIX_MAX_SIDE and all(_number(a) for a in r) for r in v)
                ),
            }[kind](value)
            if not ok:
                problems.append(f"value of {metric['name']!r} ({kind})")
    return problems


def assert_card_valid(groups: list[dict[str, Any]]) -> None:
    """Groups validate against merged-strict (when available) and the anchored limits, and are strict JSON."""
    json.dumps(groups, allow_nan=False)
    validator = strict_validator()
    if validator is not None:
        doc = {"evaluation_details": [{"name": "e", "metric_groups": groups}]}
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
        assert not errors, errors[:5]
    problems = anchored_problems(groups)
    assert not problems, problems[:5]
