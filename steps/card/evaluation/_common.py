"""Shared building blocks: numbers, names, notes, metric builders and the final output check.

Everything here is pure: plain data in, plain data out. Whatever is reduced (shortened, resampled,
skipped) is written to a :class:`Recorder` and, when a metric survives, to that metric's ``notes``.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from steps.card import limits
from steps.card.exceptions import ReportFormatError

MAX_GRAPH_POINTS = 100  # linear_graph points kept; longer curves are resampled (both end points kept)
MAX_NESTING = 64  # deeper JSON is rejected before parsing (no report format nests that deep)
NAME_HASH_CHARS = 6
NAN_STRINGS = frozenset(
    {"", "nan", "-nan", "na", "n/a", "none", "null", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
)
METRIC_TYPES = ("number", "string", "boolean", "linear_graph", "bar_chart", "matrix")
METRIC_KEYS = ("name", "type", "value", "notes", "x_axis_name", "y_axis_name")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class Recorder:
    """Ordered, human-readable record of every reduction made while parsing one report."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, text: str) -> None:
        """Record one reduction."""
        self.items.append(text)


def fail(message: str, source: str, field: str | None = None) -> ReportFormatError:
    """Build the one exception type every parser raises."""
    return ReportFormatError(message, source=source, field=field)


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


def is_finite_number(value: Any) -> bool:
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


def fit(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters: a prefix, "~" and 6 hex of sha256 of the full text."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HASH_CHARS]
    return text[: limit - NAME_HASH_CHARS - 1] + "~" + digest


def clean_name(text: str) -> str:
    """Replace line breaks and control characters (which ``.`` in the schema pattern rejects) by spaces."""
    return _UNPRINTABLE.sub(" ", text)


def add_note(metric: dict[str, Any], text: str, rec: Recorder) -> None:
    """Append ``text`` to the metric's notes, keeping notes within ``limits.NOTES_MAX``."""
    notes = f"{metric['notes']}; {text}" if metric.get("notes") else text
    if len(notes) > limits.NOTES_MAX:
        rec.add(f"notes of metric {metric.get('name')!r} cut from {len(notes):,} to {limits.NOTES_MAX:,} characters")
        notes = notes[: limits.NOTES_MAX - 1] + "…"
    metric["notes"] = notes


def finish_metric(metric: dict[str, Any], rec: Recorder, where: str) -> dict[str, Any]:
    """Make names, axis names and string values fit their limits, noting every change on the metric."""
    name = metric["name"]
    cleaned = clean_name(name) if name else "(unnamed)"
    short = fit(cleaned, limits.METRIC_NAME_MAX)
    if short != name:
        metric["name"] = short
        add_note(metric, f"full name: {name}", rec)
        rec.add(f"{where}: metric name shortened to {short!r} (full name in notes)")
    for axis in ("x_axis_name", "y_axis_name"):
        if axis not in metric:
            continue
        value = metric[axis]
        if isinstance(value, str):
            short_axis = fit(value, limits.AXIS_NAME_MAX)
            if short_axis != value:
                metric[axis] = short_axis
                add_note(metric, f"{axis} full text: {value}", rec)
                rec.add(f"{where}: {axis} of {metric['name']!r} shortened to {short_axis!r}")
        elif isinstance(value, list):
            shortened = [fit(v, limits.AXIS_NAME_MAX) for v in value]
            changed = [v for v, s in zip(value, shortened) if v != s]
            if changed:
                metric[axis] = shortened
                add_note(metric, f"{axis} labels shortened: {', '.join(changed)}", rec)
                rec.add(f"{where}: {len(changed)} {axis} label(s) of {metric['name']!r} shortened")
    if metric.get("type") == "string" and isinstance(metric.get("value"), str):
        value = metric["value"]
        short_value = fit(value, limits.STRING_METRIC_VALUE_MAX)
        if short_value != value:
            metric["value"] = short_value
            add_note(metric, f"full value: {value}", rec)
            rec.add(f"{where}: string value of {metric['name']!r} shortened to {short_value!r}")
    notes = metric.get("notes")
    if isinstance(notes, str) and len(notes) > limits.NOTES_MAX:
        rec.add(f"{where}: notes of {metric['name']!r} cut from {len(notes):,} to {limits.NOTES_MAX:,} characters")
        metric["notes"] = notes[: limits.NOTES_MAX - 1] + "…"
    return {key: metric[key] for key in METRIC_KEYS if key in metric}


def finish_group(name: str, metrics: list[dict[str, Any]], rec: Recorder) -> dict[str, Any]:
    """Build a group: fit its name (full name noted on the first metric) and make metric names unique."""
    cleaned = clean_name(name) if name else "(unnamed group)"
    short = fit(cleaned, limits.GROUP_NAME_MAX)
    if short != name:
        if metrics:
            add_note(metrics[0], f"full group name: {name}", rec)
        rec.add(f"group name {name!r} shortened to {short!r}")
    seen: set[str] = set()
    for metric in metrics:
        base = metric["name"]
        if base in seen:
            counter = 2
            while True:
                suffix = f" ({counter})"
                candidate = fit(base, limits.METRIC_NAME_MAX - len(suffix)) + suffix
                if candidate not in seen:
                    break
                counter += 1
            metric["name"] = candidate
            add_note(metric, f"renamed from duplicate name {base}", rec)
            rec.add(f"group {short!r}: duplicate metric name {base!r} renamed to {candidate!r}")
        seen.add(metric["name"])
    return {"name": short, "metric_data": metrics}


def number_metric(name: str, value: int | float) -> dict[str, Any]:
    """A ``number`` metric in v2 key order."""
    return {"name": name, "value": value, "type": "number"}


def scalar_metric(name: str, value: Any, rec: Recorder, where: str) -> dict[str, Any] | None:
    """A number/boolean/string metric for a scalar, or None (recorded) when it is not a usable value."""
    if isinstance(value, bool):
        return {"name": name, "value": value, "type": "boolean"}
    if is_finite_number(value):
        return number_metric(name, value)
    if is_nan_like(value):
        rec.add(f"{where}: metric {name!r} skipped, value {short_json(value)} is not a finite number")
        return None
    if isinstance(value, str):
        return {"name": name, "value": value, "type": "string"}
    rec.add(f"{where}: metric {name!r} skipped, unsupported value {short_json(value)}")
    return None


def resample_indices(count: int, keep: int) -> list[int]:
    """``keep`` evenly spread, strictly increasing indices into ``count`` items, first and last included."""
    if count <= keep:
        return list(range(count))
    if keep == 1:
        return [0]
    return [round(i * (count - 1) / (keep - 1)) for i in range(keep)]


def graph_metric(
    name: str, xs: list[Any], ys: list[Any], x_axis: str, y_axis: str, rec: Recorder, where: str
) -> dict[str, Any] | None:
    """A ``linear_graph`` from two parallel lists: zip, drop non-finite points, resample; all noted."""
    notes: list[str] = []
    if len(xs) != len(ys):
        notes.append(f"{x_axis} ({len(xs):,}) and {y_axis} ({len(ys):,}) differ in length; kept {min(len(xs), len(ys)):,} pairs")
    pairs = list(zip(xs, ys))
    points = [[x, y] for x, y in pairs if is_finite_number(x) and is_finite_number(y)]
    if len(points) != len(pairs):
        notes.append(f"dropped {len(pairs) - len(points):,} point(s) that were not finite numbers")
    if not points:
        rec.add(f"{where}: metric {name!r} skipped, no finite points")
        return None
    if len(points) > MAX_GRAPH_POINTS:
        notes.append(f"resampled from {len(points):,} to {MAX_GRAPH_POINTS} points")
        points = [points[i] for i in resample_indices(len(points), MAX_GRAPH_POINTS)]
    metric: dict[str, Any] = {"name": name, "type": "linear_graph", "value": points, "x_axis_name": x_axis, "y_axis_name": y_axis}
    for note in notes:
        add_note(metric, note, rec)
        rec.add(f"{where}: {name}: {note}")
    return metric


def bar_metric(
    name: str, values: list[Any], labels: list[str] | None, y_axis: str | None, rec: Recorder, where: str
) -> dict[str, Any] | None:
    """A ``bar_chart``; bars whose value is not a finite number are dropped with their label, noted."""
    notes: list[str] = []
    if labels is not None and len(labels) != len(values):
        notes.append(f"{len(labels):,} labels but {len(values):,} values; kept {min(len(labels), len(values)):,} bars")
        keep = min(len(labels), len(values))
        labels, values = labels[:keep], values[:keep]
    kept = [i for i, v in enumerate(values) if is_finite_number(v)]
    if len(kept) != len(values):
        kept_set = set(kept)
        dropped = [labels[i] if labels is not None else str(i) for i in range(len(values)) if i not in kept_set]
        notes.append(f"dropped bar(s) without a finite number: {', '.join(dropped)}")
    if not kept:
        rec.add(f"{where}: metric {name!r} skipped, no finite values")
        return None
    metric: dict[str, Any] = {"name": name, "type": "bar_chart", "value": [values[i] for i in kept]}
    if labels is not None:
        metric["x_axis_name"] = [labels[i] for i in kept]
    if y_axis is not None:
        metric["y_axis_name"] = y_axis
    for note in notes:
        add_note(metric, note, rec)
        rec.add(f"{where}: {name}: {note}")
    return metric


def matrix_metrics(
    name: str, rows: list[str], cols: list[str], cells: list[list[Any]], rec: Recorder, where: str
) -> list[dict[str, Any]]:
    """A ``matrix`` metric, or, beyond 20x20, per-class bar charts (totals, diagonal, recall, precision)."""
    if not rows or not cols:
        rec.add(f"{where}: matrix {name!r} skipped, it is empty")
        return []
    if not all(is_finite_number(v) for row in cells for v in row):
        rec.add(f"{where}: matrix {name!r} skipped, a cell is not a finite number")
        return []
    side = limits.MATRIX_MAX_SIDE
    if len(rows) <= side and len(cols) <= side:
        return [{"name": name, "type": "matrix", "x_axis_name": rows, "y_axis_name": cols, "value": cells}]
    row_set = set(rows)
    classes = list(rows) + [c for c in cols if c not in row_set]
    row_of = {label: i for i, label in enumerate(rows)}
    col_of = {label: j for j, label in enumerate(cols)}
    support = [sum(cells[row_of[c]]) if c in row_of else 0 for c in classes]
    predicted = [sum(row[col_of[c]] for row in cells) if c in col_of else 0 for c in classes]
    correct = [cells[row_of[c]][col_of[c]] if c in row_of and c in col_of else 0 for c in classes]
    recall = [(k / s) if s else 0.0 for k, s in zip(correct, support)]
    precision = [(k / p) if p else 0.0 for k, p in zip(correct, predicted)]
    note = (
        f"{name} is {len(rows)}x{len(cols)}, over the card limit of {side}x{side}; replaced by per-class "
        "bar charts: support (row total), predicted (column total), correct (diagonal), recall, precision "
        "(0 where the class has no rows or no predictions)"
    )
    rec.add(f"{where}: {note}")
    out: list[dict[str, Any]] = []
    for suffix, values in (
        ("support (row total)", support),
        ("predicted (column total)", predicted),
        ("correct (diagonal)", correct),
        ("recall", recall),
        ("precision", precision),
    ):
        metric = {"name": f"{name} - {suffix}", "type": "bar_chart", "value": values, "x_axis_name": list(classes), "y_axis_name": suffix}
        out.append(metric)
    add_note(out[0], note, rec)
    return out


def check_json_shape(data: Any, source: str) -> None:
    """Reject non-JSON values (non-string keys, sets, objects) and nesting deeper than ``MAX_NESTING``."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "$")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_NESTING:
            raise fail(f"nested deeper than {MAX_NESTING} levels; no evaluation report format nests that deep", source, path)
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise fail(f"object key {key!r} is not a string; write the report as JSON", source, path)
                stack.append((item, depth + 1, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, f"{path}[{i}]") for i, item in enumerate(value))
        elif not (value is None or isinstance(value, (str, int, float, bool))):
            raise fail(f"value of type {type(value).__name__} is not JSON; write the report as JSON", source, path)


def _check_axis(metric: dict[str, Any], key: str, kind: str) -> str | None:
    if key not in metric:
        return None
    value = metric[key]
    if kind == "string":
        ok = isinstance(value, str) and len(value) <= limits.AXIS_NAME_MAX
    else:
        ok = isinstance(value, list) and all(isinstance(v, str) and len(v) <= limits.AXIS_NAME_MAX for v in value)
    return None if ok else f"{key} must be a {kind} of at most {limits.AXIS_NAME_MAX} characters each"


def metric_problem(metric: Any) -> str | None:
    """Why ``metric`` is not a valid card metric (schema plus anchored limits), or None when it is."""
    if not isinstance(metric, dict):
        return "a metric must be an object"
    unknown = [k for k in metric if k not in METRIC_KEYS]
    if unknown:
        return f"unknown key(s) {unknown}; allowed: {list(METRIC_KEYS)}"
    name, kind, value = metric.get("name"), metric.get("type"), metric.get("value")
    if not isinstance(name, str) or not re.fullmatch(r".{1,%d}" % limits.METRIC_NAME_MAX, name):
        return f"name must be 1-{limits.METRIC_NAME_MAX} characters without line breaks"
    if "notes" in metric and not (isinstance(metric["notes"], str) and len(metric["notes"]) <= limits.NOTES_MAX):
        return f"notes must be a string of at most {limits.NOTES_MAX} characters"
    if kind not in METRIC_TYPES:
        return f"type must be one of {list(METRIC_TYPES)}"
    if "value" not in metric:
        return "value is required"
    if kind == "number":
        ok = is_finite_number(value)
    elif kind == "string":
        ok = isinstance(value, str) and len(value) <= limits.STRING_METRIC_VALUE_MAX
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "linear_graph":
        ok = (
            isinstance(value, list) and 1 <= len(value) <= MAX_GRAPH_POINTS
            and all(isinstance(p, list) and len(p) == 2 and all(is_finite_number(v) for v in p) for p in value)
        )
    elif kind == "bar_chart":
        ok = isinstance(value, list) and len(value) >= 1 and all(is_finite_number(v) for v in value)
    else:
        side = limits.MATRIX_MAX_SIDE
        ok = (
            isinstance(value, list) and 1 <= len(value) <= side
            and all(isinstance(r, list) and 1 <= len(r) <= side and all(is_finite_number(v) for v in r) for r in value)
        )
    if not ok:
        return f"value does not fit metric type {kind!r}"
    axes = {"linear_graph": ("string", "string"), "bar_chart": ("array", "string"), "matrix": ("array", "array")}
    x_kind, y_kind = axes.get(kind, ("string", "string"))
    return _check_axis(metric, "x_axis_name", x_kind) or _check_axis(metric, "y_axis_name", y_kind)


def check_metric_groups(groups: Any, source: str) -> None:
    """Raise ReportFormatError unless ``groups`` is valid card ``metric_groups`` within all anchored limits."""
    if not isinstance(groups, list):
        raise fail("metric_groups must be a list", source, "metric_groups")
    for i, group in enumerate(groups):
        where = f"metric_groups[{i}]"
        if not isinstance(group, dict) or set(group) != {"name", "metric_data"}:
            raise fail("a group must be an object with exactly 'name' and 'metric_data'", source, where)
        if not isinstance(group["name"], str) or not re.fullmatch(r".{1,%d}" % limits.GROUP_NAME_MAX, group["name"]):
            raise fail(f"group name must be 1-{limits.GROUP_NAME_MAX} characters without line breaks", source, f"{where}.name")
        if not isinstance(group["metric_data"], list):
            raise fail("metric_data must be a list", source, f"{where}.metric_data")
        names = [m.get("name") for m in group["metric_data"] if isinstance(m, dict)]
        if len(names) != len(set(map(str, names))):
            raise fail("metric names inside a group must be unique", source, f"{where}.metric_data")
        for j, metric in enumerate(group["metric_data"]):
            problem = metric_problem(metric)
            if problem:
                raise fail(problem, source, f"{where}.metric_data[{j}]")
