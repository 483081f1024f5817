"""Card metrics built from report values: names, axes and values made to fit the card's limits, curves resampled,
large matrices replaced by per-class bar charts, and every reduction recorded (pure).

Whatever is reduced (shortened, resampled, skipped) is written to a :class:`Recorder` and, when a metric survives,
to that metric's ``notes``.
"""

from __future__ import annotations

from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.card import limits
from mcgov.steps.card.evaluation.values import is_finite_number, is_nan_like, short_json
from mcgov.steps.card.naming import shorten, single_line

MAX_GRAPH_POINTS = 100  # linear_graph points kept; longer curves are resampled (both end points kept)
METRIC_TYPES = ("number", "string", "boolean", "linear_graph", "bar_chart", "matrix")
METRIC_KEYS = ("name", "type", "value", "notes", "x_axis_name", "y_axis_name")


class Recorder:
    """Ordered, human-readable record of every reduction made while parsing one report."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, text: str) -> None:
        """Record one reduction."""
        self.items.append(text)


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
    cleaned = single_line(name) if name else "(unnamed)"
    short = shorten(cleaned, limits.METRIC_NAME_MAX)
    if short != name:
        metric["name"] = short
        add_note(metric, f"full name: {name}", rec)
        rec.add(f"{where}: metric name shortened to {short!r} (full name in notes)")
    for axis in ("x_axis_name", "y_axis_name"):
        if axis not in metric:
            continue
        value = metric[axis]
        if isinstance(value, str):
            short_axis = shorten(value, limits.AXIS_NAME_MAX)
            if short_axis != value:
                metric[axis] = short_axis
                add_note(metric, f"{axis} full text: {value}", rec)
                rec.add(f"{where}: {axis} of {metric['name']!r} shortened to {short_axis!r}")
        elif isinstance(value, list):
            shortened = [shorten(v, limits.AXIS_NAME_MAX) for v in value]
            changed = [v for v, s in zip(value, shortened, strict=True) if v != s]
            if changed:
                metric[axis] = shortened
                add_note(metric, f"{axis} labels shortened: {', '.join(changed)}", rec)
                rec.add(f"{where}: {len(changed)} {axis} label(s) of {metric['name']!r} shortened")
    if metric.get("type") == "string" and isinstance(metric.get("value"), str):
        value = metric["value"]
        short_value = shorten(value, limits.STRING_METRIC_VALUE_MAX)
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
    cleaned = single_line(name) if name else "(unnamed group)"
    short = shorten(cleaned, limits.GROUP_NAME_MAX)
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
                candidate = shorten(base, limits.METRIC_NAME_MAX - len(suffix)) + suffix
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
        notes.append(
            f"{x_axis} ({len(xs):,}) and {y_axis} ({len(ys):,}) differ in length; kept {min(len(xs), len(ys)):,} pairs"
        )
    pairs = list(zip(xs, ys, strict=False))  # lengths may differ: noted above
    points = [[x, y] for x, y in pairs if is_finite_number(x) and is_finite_number(y)]
    if len(points) != len(pairs):
        notes.append(f"dropped {len(pairs) - len(points):,} point(s) that were not finite numbers")
    if not points:
        rec.add(f"{where}: metric {name!r} skipped, no finite points")
        return None
    if len(points) > MAX_GRAPH_POINTS:
        notes.append(f"resampled from {len(points):,} to {MAX_GRAPH_POINTS} points")
        points = [points[i] for i in resample_indices(len(points), MAX_GRAPH_POINTS)]
    metric: dict[str, Any] = {
        "name": name,
        "type": "linear_graph",
        "value": points,
        "x_axis_name": x_axis,
        "y_axis_name": y_axis,
    }
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
    if "confusion" in name.lower() and any(v < 0 for row in cells for v in row):
        raise BadInputError("a confusion matrix holds counts: no cell may be negative", source=rec.source, field=where)
    side = limits.MATRIX_MAX_SIDE
    if len(rows) <= side and len(cols) <= side:
        return [{"name": name, "type": "matrix", "x_axis_name": rows, "y_axis_name": cols, "value": cells}]
    column_totals = [0] * len(cols)
    for row in cells:  # one pass over the cells: linear in the input, not quadratic per class
        for j, value in enumerate(row):
            column_totals[j] += value
    row_of = {label: i for i, label in enumerate(rows)}
    col_of = {label: j for j, label in enumerate(cols)}
    return per_class_metrics(
        name,
        rows,
        cols,
        support={r: sum(cells[i]) for r, i in row_of.items()},
        predicted={c: column_totals[j] for c, j in col_of.items()},
        correct={r: cells[i][col_of[r]] for r, i in row_of.items() if r in col_of},
        rec=rec,
        where=where,
    )


def per_class_metrics(
    name: str,
    rows: list[str],
    cols: list[str],
    *,
    support: dict[str, Any],
    predicted: dict[str, Any],
    correct: dict[str, Any],
    rec: Recorder,
    where: str,
) -> list[dict[str, Any]]:
    """A matrix over 20x20 as per-class bar charts (totals, diagonal, recall, precision), from class totals."""
    side = limits.MATRIX_MAX_SIDE
    row_set = set(rows)
    classes = list(rows) + [c for c in cols if c not in row_set]
    supports = [support.get(c, 0) for c in classes]
    predictions = [predicted.get(c, 0) for c in classes]
    corrects = [correct.get(c, 0) for c in classes]
    recall = [(k / s) if s else 0.0 for k, s in zip(corrects, supports, strict=True)]
    precision = [(k / p) if p else 0.0 for k, p in zip(corrects, predictions, strict=True)]
    note = (
        f"{name} is {len(rows)}x{len(cols)}, over the card limit of {side}x{side}; replaced by per-class "
        "bar charts: support (row total), predicted (column total), correct (diagonal), recall, precision "
        "(0 where the class has no rows or no predictions)"
    )
    rec.add(f"{where}: {note}")
    out: list[dict[str, Any]] = []
    for suffix, values in (
        ("support (row total)", supports),
        ("predicted (column total)", predictions),
        ("correct (diagonal)", corrects),
        ("recall", recall),
        ("precision", precision),
    ):
        out.append(
            {
                "name": f"{name} - {suffix}",
                "type": "bar_chart",
                "value": values,
                "x_axis_name": list(classes),
                "y_axis_name": suffix,
            }
        )
    add_note(out[0], note, rec)
    return out
