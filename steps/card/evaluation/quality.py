"""Model Monitor ``statistics.json`` and pipeline ``evaluation.json`` (model-quality sections)."""

from __future__ import annotations

from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.card import limits
from mcgov.steps.card.evaluation.metrics import (
    Recorder,
    add_note,
    bar_metric,
    finish_group,
    finish_metric,
    graph_metric,
    matrix_metrics,
    number_metric,
    per_class_metrics,
    scalar_metric,
)
from mcgov.steps.card.evaluation.values import is_finite_number, is_nan_like, short_json

QUALITY_SECTIONS = ("regression_metrics", "binary_classification_metrics", "multiclass_classification_metrics")
# Metrics these families always report as numbers (SageMaker Model Monitor / Autopilot / evaluation.json):
# a non-number is a broken report, not a string metric.
NUMERIC_METRICS = frozenset(
    {
        "accuracy",
        "balanced_accuracy",
        "auc",
        "roc_auc",
        "pr_auc",
        "precision",
        "recall",
        "f1",
        "f0_5",
        "f2",
        "f1_binary",
        "precision_binary",
        "recall_binary",
        "f1_macro",
        "f1_micro",
        "f1_weighted",
        "precision_macro",
        "precision_micro",
        "precision_weighted",
        "recall_macro",
        "recall_micro",
        "recall_weighted",
        "mse",
        "rmse",
        "mae",
        "mape",
        "r2",
        "log_loss",
        "logloss",
        "true_positive_rate",
        "true_negative_rate",
        "false_positive_rate",
        "false_negative_rate",
        "specificity",
        "sensitivity",
        "explained_variance",
        "mean_absolute_error",
        "mean_squared_error",
        "root_mean_squared_error",
        "average_precision",
    }
)
MONITOR_KEYS = ("version", "dataset")
ROC = "receiver_operating_characteristic_curve"
PR = "precision_recall_curve"


def parse_quality(
    data: dict[str, Any], rec: Recorder, *, sections: tuple[str, ...] = QUALITY_SECTIONS
) -> list[dict[str, Any]]:
    """One group per model-quality section present (all of them, in file order)."""
    present = [key for key in data if key in sections]
    if not present:
        raise BadInputError(
            f"no model-quality section found; expected a top-level object {' or '.join(sections)} "
            f"(top-level keys seen: {short_json(list(data))})",
            source=rec.source,
        )
    for key in data:
        if key not in present and key not in MONITOR_KEYS:
            rec.add(f"top-level key {key!r} ignored (not one of {', '.join(sections)})")
    groups = []
    for key in present:
        section = data[key]
        if not isinstance(section, dict):
            raise BadInputError(
                'must be an object of metric name -> {"value": number, "standard_deviation": number}',
                source=rec.source,
                field=key,
            )
        metrics: list[dict[str, Any]] = []
        for name, entry in section.items():
            metrics.extend(_entry(name, entry, rec, f"{key}.{name}"))
        if not metrics:
            rec.add(f"{key}: section has no usable metric")
        groups.append(finish_group(key, [finish_metric(m, rec, key) for m in metrics], rec))
    return groups


def _entry(name: str, value: Any, rec: Recorder, where: str) -> list[dict[str, Any]]:
    """The metrics for one section entry; unusable entries are recorded and yield nothing."""
    if isinstance(value, str) and not is_nan_like(value) and name.strip().lower() in NUMERIC_METRICS:
        raise BadInputError(
            f"{name} must be a number, got the text {short_json(value)}", source=rec.source, field=where
        )
    if isinstance(value, dict):
        return _dict_entry(name, value, rec, where)
    if isinstance(value, list):
        return _list_entry(name, value, rec, where)
    metric = scalar_metric(name, value, rec, where)
    return [metric] if metric else []


def _dict_entry(name: str, value: dict[str, Any], rec: Recorder, where: str) -> list[dict[str, Any]]:
    if not value:
        rec.add(f"{where}: metric {name!r} skipped, empty object")
        return []
    if "value" in value:
        return _basic(name, value, rec, where)
    if "confusion_matrix" in name.lower() and all(isinstance(row, dict) for row in value.values()):
        return _confusion_from_dict(name, value, rec, where)
    curve = _curve_axes(name, value)
    if curve:
        x_key, y_key = curve
        metric = graph_metric(name, value[x_key], value[y_key], x_key, y_key, rec, where)
        extra = [k for k in value if k not in curve]
        if extra:
            rec.add(f"{where}: key(s) {extra} of the curve ignored")
        return [metric] if metric else []
    out: list[dict[str, Any]] = []
    for key, sub in value.items():
        out.extend(_entry(f"{name} - {key}", sub, rec, f"{where}.{key}"))
    return out


def _curve_axes(name: str, value: dict[str, Any]) -> tuple[str, str] | None:
    """(x key, y key) when ``value`` is a ROC or precision-recall curve given as two lists."""
    for suffix, x_key, y_key in ((ROC, "false_positive_rates", "true_positive_rates"), (PR, "recalls", "precisions")):
        if name.endswith(suffix) and isinstance(value.get(x_key), list) and isinstance(value.get(y_key), list):
            return x_key, y_key
    return None


def _basic(name: str, entry: dict[str, Any], rec: Recorder, where: str) -> list[dict[str, Any]]:
    """``{"value": X, "standard_deviation": S}`` -> NAME, then NAME - standard_deviation when S is finite."""
    main = _entry(name, entry["value"], rec, f"{where}.value")
    out = list(main)
    if "standard_deviation" in entry:
        std = entry["standard_deviation"]
        if is_finite_number(std) and main:
            out.append(number_metric(f"{name} - standard_deviation", std))
        elif is_finite_number(std):
            rec.add(f"{where}: standard_deviation {std} not emitted because the value itself was skipped")
        else:
            rec.add(f"{where}: standard_deviation {short_json(std)} is not a finite number; not emitted")
    for key, sub in entry.items():
        if key not in ("value", "standard_deviation"):
            out.extend(_entry(f"{name} - {key}", sub, rec, f"{where}.{key}"))
    return out


def _confusion_from_dict(
    name: str, value: dict[str, dict[str, Any]], rec: Recorder, where: str
) -> list[dict[str, Any]]:
    rows = list(value)
    cols: list[str] = list(dict.fromkeys(c for row in value.values() for c in row))
    if len(rows) > limits.MATRIX_MAX_SIDE or len(cols) > limits.MATRIX_MAX_SIDE:
        return _sparse_per_class(name, value, rows, cols, rec, where)
    missing = sum(1 for row in value.values() for c in cols if c not in row)
    cells = [[row.get(c, 0) for c in cols] for row in value.values()]
    metrics = matrix_metrics(name, rows, cols, cells, rec, where)
    if missing and metrics:
        note = f"{missing} cell(s) absent from the input were filled with 0"
        rec.add(f"{where}: {note}")
        add_note(metrics[0], note, rec)
    return metrics


def _sparse_per_class(
    name: str, value: dict[str, dict[str, Any]], rows: list[str], cols: list[str], rec: Recorder, where: str
) -> list[dict[str, Any]]:
    """Per-class totals straight from a {actual: {predicted: count}} mapping: linear in the cells given, and no
    dense N x N copy (a 10,000-class matrix with few non-zero cells stays small)."""
    support: dict[str, Any] = {}
    predicted: dict[str, Any] = {}
    for actual, row in value.items():
        for label, count in row.items():
            if not is_finite_number(count):
                rec.add(f"{where}: matrix {name!r} skipped, a cell is not a finite number")
                return []
            if count < 0:
                raise BadInputError(
                    "a confusion matrix holds counts: no cell may be negative", source=rec.source, field=where
                )
            support[actual] = support.get(actual, 0) + count
            predicted[label] = predicted.get(label, 0) + count
    correct = {actual: row.get(actual, 0) for actual, row in value.items()}
    return per_class_metrics(
        name, rows, cols, support=support, predicted=predicted, correct=correct, rec=rec, where=where
    )


def _list_entry(name: str, value: list[Any], rec: Recorder, where: str) -> list[dict[str, Any]]:
    if not value:
        rec.add(f"{where}: metric {name!r} skipped, empty list")
        return []
    if all(isinstance(row, list) for row in value):
        if "confusion_matrix" in name.lower() and len({len(row) for row in value}) != 1:
            raise BadInputError(
                "a confusion matrix must be rectangular: every row the same length", source=rec.source, field=where
            )
        if "confusion_matrix" in name.lower():
            labels = [str(i) for i in range(max(len(value), len(value[0])))]
            return matrix_metrics(name, labels[: len(value)], labels[: len(value[0])], value, rec, where)
        if all(len(row) == 2 for row in value):
            metric = graph_metric(name, [r[0] for r in value], [r[1] for r in value], "x", "y", rec, where)
            return [metric] if metric else []
    elif not any(isinstance(v, (list, dict)) for v in value):
        metric = bar_metric(name, value, None, None, rec, where)
        return [metric] if metric else []
    rec.add(f"{where}: metric {name!r} skipped, unsupported list shape {short_json(value)}")
    return []
