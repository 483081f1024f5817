"""The parsers' two checks: a decoded report is plain JSON of bounded depth (in), and what a parser returns is valid
card ``metric_groups`` plus the parsers' own promises (out)."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter, ValidationError

from mcgov.errors import BadInputError, describe_validation_error
from mcgov.steps.card.content import MetricGroup
from mcgov.steps.card.evaluation.metrics import MAX_GRAPH_POINTS

MAX_NESTING = 64  # deeper JSON is rejected before parsing (no report format nests that deep)


def check_json_shape(data: Any, source: str) -> None:
    """Reject non-JSON values (non-string keys, sets, objects) and nesting deeper than ``MAX_NESTING``."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "$")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_NESTING:
            raise BadInputError(
                f"nested deeper than {MAX_NESTING} levels; no evaluation report format nests that deep",
                source=source,
                field=path,
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise BadInputError(
                        f"object key {key!r} is not a string; write the report as JSON", source=source, field=path
                    )
                stack.append((item, depth + 1, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, f"{path}[{i}]") for i, item in enumerate(value))
        elif not (value is None or isinstance(value, (str, int, float, bool))):
            raise BadInputError(
                f"value of type {type(value).__name__} is not JSON; write the report as JSON", source=source, field=path
            )


@functools.cache
def _groups_model() -> Any:
    """The content model's metric groups (built on first use, like the content models themselves)."""

    return TypeAdapter(list[MetricGroup])


def check_metric_groups(groups: Any, source: str) -> None:
    """Raise BadInputError unless ``groups`` is valid card ``metric_groups``.

    The card's content model judges the schema and its anchored limits; on top, the parsers' own promises:
    metric names unique inside a group, curves of at most ``MAX_GRAPH_POINTS`` points.
    """

    try:
        _groups_model().validate_python(groups, strict=True)
    except ValidationError as exc:
        field, message = describe_validation_error(exc.errors(include_url=False), root="metric_groups")
        raise BadInputError(message, source=source, field=field) from None
    for i, group in enumerate(groups):
        names = [m["name"] for m in group["metric_data"]]
        if len(names) != len(set(names)):
            raise BadInputError(
                "metric names inside a group must be unique", source=source, field=f"metric_groups[{i}].metric_data"
            )
        for j, metric in enumerate(group["metric_data"]):
            if metric["type"] == "linear_graph" and len(metric["value"]) > MAX_GRAPH_POINTS:
                raise BadInputError(
                    f"a curve has at most {MAX_GRAPH_POINTS} points",
                    source=source,
                    field=f"metric_groups[{i}].metric_data[{j}]",
                )
