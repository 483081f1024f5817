"""``{"metric_groups": [...]}`` already in model-card form: checked strictly, then fitted to the limits."""

from __future__ import annotations

from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.card import limits
from mcgov.steps.card.evaluation.metrics import (
    MAX_GRAPH_POINTS,
    METRIC_KEYS,
    METRIC_TYPES,
    Recorder,
    add_note,
    finish_group,
    finish_metric,
    graph_metric,
)
from mcgov.steps.card.evaluation.values import is_finite_number, is_number, short_json

_AXIS_KIND = {"linear_graph": (str, str), "bar_chart": (list, str), "matrix": (list, list)}


def parse_card_metrics(data: dict[str, Any], rec: Recorder) -> list[dict[str, Any]]:
    """Validate each group and metric; raise on wrong structure, skip (and record) non-finite numbers."""
    if "metric_groups" not in data:
        raise BadInputError(
            'missing "metric_groups"; expected {"metric_groups": [{"name", "metric_data"}]}', source=rec.source
        )
    groups = data["metric_groups"]
    if not isinstance(groups, list):
        raise BadInputError(
            'must be a list: {"metric_groups": [{"name": ..., "metric_data": [...]}]}',
            source=rec.source,
            field="metric_groups",
        )
    for key in data:
        if key != "metric_groups":
            rec.add(f"top-level key {key!r} ignored")
    out = []
    for i, group in enumerate(groups):
        where = f"metric_groups[{i}]"
        if not isinstance(group, dict):
            raise BadInputError('must be an object {"name": str, "metric_data": [...]}', source=rec.source, field=where)
        extra = [k for k in group if k not in ("name", "metric_data")]
        if extra:
            raise BadInputError(
                f"unknown key(s) {extra}; a group has only name and metric_data", source=rec.source, field=where
            )
        if not isinstance(group.get("name"), str) or not group["name"]:
            raise BadInputError("name must be a non-empty string", source=rec.source, field=f"{where}.name")
        if not isinstance(group.get("metric_data"), list):
            raise BadInputError(
                "metric_data must be a list of metrics", source=rec.source, field=f"{where}.metric_data"
            )
        metrics = []
        for j, metric in enumerate(group["metric_data"]):
            checked = _metric(metric, rec, f"{where}.metric_data[{j}]")
            if checked is not None:
                metrics.append(finish_metric(checked, rec, where))
        out.append(finish_group(group["name"], metrics, rec))
    return out


def _metric(metric: Any, rec: Recorder, where: str) -> dict[str, Any] | None:
    if not isinstance(metric, dict):
        raise BadInputError("a metric must be an object with name, type and value", source=rec.source, field=where)
    unknown = [k for k in metric if k not in METRIC_KEYS]
    if unknown:
        raise BadInputError(f"unknown key(s) {unknown}; allowed: {list(METRIC_KEYS)}", source=rec.source, field=where)
    for key in ("name", "type", "value"):
        if key not in metric:
            raise BadInputError(f"{key!r} is required", source=rec.source, field=where)
    name, kind, value = metric["name"], metric["type"], metric["value"]
    if not isinstance(name, str) or not name:
        raise BadInputError("name must be a non-empty string", source=rec.source, field=f"{where}.name")
    if kind not in METRIC_TYPES:
        raise BadInputError(
            f"type {short_json(kind)} is not one of {list(METRIC_TYPES)}", source=rec.source, field=f"{where}.type"
        )
    if "notes" in metric and not isinstance(metric["notes"], str):
        raise BadInputError("notes must be a string", source=rec.source, field=f"{where}.notes")
    x_kind, y_kind = _AXIS_KIND.get(kind, (str, str))
    for axis, expected in (("x_axis_name", x_kind), ("y_axis_name", y_kind)):
        if axis in metric:
            axis_value = metric[axis]
            ok = (
                isinstance(axis_value, str)
                if expected is str
                else (isinstance(axis_value, list) and all(isinstance(v, str) for v in axis_value))
            )
            if not ok:
                wanted = "a string" if expected is str else "a list of strings"
                raise BadInputError(
                    f"{axis} of a {kind} metric must be {wanted}", source=rec.source, field=f"{where}.{axis}"
                )
    out = dict(metric)
    if kind in ("number", "string", "boolean"):
        return _simple(out, rec, where)
    if not isinstance(value, list) or not value:
        raise BadInputError(
            f"value of a {kind} metric must be a non-empty list", source=rec.source, field=f"{where}.value"
        )
    if kind == "linear_graph":
        return _graph(out, rec, where)
    rows = value if kind == "matrix" else [value]
    if kind == "matrix":
        side = limits.MATRIX_MAX_SIDE
        if len(value) > side or not all(isinstance(r, list) and 1 <= len(r) <= side for r in value):
            raise BadInputError(
                f"a matrix must be 1-{side} rows of 1-{side} numbers; split it or write per-class metrics",
                source=rec.source,
                field=f"{where}.value",
            )
    for row in rows:
        if not all(is_number(v) for v in row):
            raise BadInputError(
                f"value of a {kind} metric must contain only numbers", source=rec.source, field=f"{where}.value"
            )
    if not all(is_finite_number(v) for row in rows for v in row):
        rec.add(f"{where}: metric {name!r} skipped, its value holds a non-finite number (NaN/Infinity)")
        return None
    return out


def _simple(metric: dict[str, Any], rec: Recorder, where: str) -> dict[str, Any] | None:
    kind, value = metric["type"], metric["value"]
    if kind == "number":
        if not is_number(value):
            raise BadInputError(
                f"value of a number metric must be a number, got {short_json(value)}",
                source=rec.source,
                field=f"{where}.value",
            )
        if not is_finite_number(value):
            rec.add(f"{where}: metric {metric['name']!r} skipped, value {short_json(value)} is not a finite number")
            return None
    elif kind == "string" and not isinstance(value, str):
        raise BadInputError(
            f"value of a string metric must be a string, got {short_json(value)}",
            source=rec.source,
            field=f"{where}.value",
        )
    elif kind == "boolean" and not isinstance(value, bool):
        raise BadInputError(
            f"value of a boolean metric must be true/false, got {short_json(value)}",
            source=rec.source,
            field=f"{where}.value",
        )
    return metric


def _graph(metric: dict[str, Any], rec: Recorder, where: str) -> dict[str, Any] | None:
    points = metric["value"]
    if not all(isinstance(p, list) and len(p) == 2 and all(is_number(v) for v in p) for p in points):
        raise BadInputError(
            "value of a linear_graph metric must be [[x, y], ...] numbers", source=rec.source, field=f"{where}.value"
        )
    if len(points) <= MAX_GRAPH_POINTS and all(is_finite_number(v) for p in points for v in p):
        return metric
    rebuilt = graph_metric(
        metric["name"],
        [p[0] for p in points],
        [p[1] for p in points],
        metric.get("x_axis_name", "x"),
        metric.get("y_axis_name", "y"),
        rec,
        where,
    )
    if rebuilt is None:
        return None
    for axis in ("x_axis_name", "y_axis_name"):
        if axis not in metric:
            del rebuilt[axis]
    if metric.get("notes"):
        notes = rebuilt.pop("notes", "")
        rebuilt["notes"] = metric["notes"]
        if notes:
            add_note(rebuilt, notes, rec)
    return rebuilt
