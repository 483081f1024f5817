"""SageMaker Clarify ``analysis.json``: bias sections and ``explanations`` (kernel_shap, pdp)."""

from __future__ import annotations

from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.card.evaluation.metrics import (
    Recorder,
    bar_metric,
    finish_group,
    finish_metric,
    graph_metric,
    number_metric,
    scalar_metric,
)
from mcgov.steps.card.evaluation.values import as_text, is_finite_number, short_json

BIAS_SECTIONS = ("pre_training_bias_metrics", "post_training_bias_metrics")
EXPLAINABILITY_KINDS = ("kernel_shap", "pdp")
PDP_GROUP = "explanations - pdp"


def bias_group_name(section: str, label: str | None, label_value: str | None, facet: str, value: str) -> str:
    """Compact group name, e.g. ``post_training_bias · Target=1 · Gender=0`` (v2's names exceed 63 chars)."""
    parts = [section.removesuffix("_metrics")]
    if label is not None:
        parts.append(f"{label}={label_value}" if label_value is not None else label)
    parts.append(f"{facet}={value}")
    return " · ".join(parts)


def top_shap_text_group_name(label: str, feature: str) -> str:
    """Compact name of a ``global_top_shap_text`` group (v2's form is 75+ characters)."""
    return f"top_shap_text · label={label} · feature={feature}"


def parse_bias(data: dict[str, Any], rec: Recorder) -> list[dict[str, Any]]:
    """One group per (section, facet, value_or_threshold); null metrics are skipped and recorded."""
    present = [key for key in data if key in BIAS_SECTIONS]
    if not present:
        raise BadInputError(
            "no bias section found; a Clarify bias report has a top-level pre_training_bias_metrics "
            f"and/or post_training_bias_metrics object (top-level keys seen: {short_json(list(data))})",
            source=rec.source,
        )
    for key in data:
        if key not in present and key not in ("version", "explanations"):
            rec.add(f"top-level key {key!r} ignored by the clarify-bias parser")
    groups: list[dict[str, Any]] = []
    for section_key in present:
        groups.extend(_bias_section(section_key, data[section_key], rec))
    return groups


def _bias_section(key: str, section: Any, rec: Recorder) -> list[dict[str, Any]]:
    if not isinstance(section, dict) or not isinstance(section.get("facets"), dict):
        raise BadInputError(
            'must be an object with "facets": {FACET: [{"value_or_threshold", "metrics"}]}',
            source=rec.source,
            field=key,
        )
    label = as_text(section["label"]) if "label" in section else None
    label_value = as_text(section["label_value_or_threshold"]) if "label_value_or_threshold" in section else None
    if label is None or label_value is None:
        rec.add(f"{key}: label or label_value_or_threshold missing; group names leave it out")
    merged: dict[str, list[dict[str, Any]]] = {}
    for facet, items in section["facets"].items():
        where = f"{key}.facets.{facet}"
        if not isinstance(items, list):
            raise BadInputError(
                "must be a list of {value_or_threshold, metrics} objects", source=rec.source, field=where
            )
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("metrics"), list):
                raise BadInputError(
                    'must be an object with a "metrics" list', source=rec.source, field=f"{where}[{index}]"
                )
            value = as_text(item.get("value_or_threshold", f"#{index}"))
            name = bias_group_name(key, label, label_value, facet, value)
            metrics = merged.setdefault(name, [])
            metrics.extend(_bias_metrics(item["metrics"], rec, f"{where}[{index}]"))
    groups = []
    for name, metrics in merged.items():
        if not metrics:
            rec.add(f"group {name!r} has no metric with a value (kept, as SDK v2 does)")
        groups.append(finish_group(name, [finish_metric(m, rec, name) for m in metrics], rec))
    return groups


def _bias_metrics(items: list[Any], rec: Recorder, where: str) -> list[dict[str, Any]]:
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            rec.add(f"{where}.metrics[{index}]: skipped, not an object with a string name: {short_json(item)}")
            continue
        value = item.get("value")
        if is_finite_number(value):
            out.append(number_metric(item["name"], value))
            continue
        reason = f"error: {as_text(item['error'])}" if "error" in item else "no error given"
        rec.add(
            f"{where}: metric {item['name']!r} skipped, value {short_json(value)} is not a finite number ({reason})"
        )
    return out


def parse_explainability(data: dict[str, Any], rec: Recorder) -> list[dict[str, Any]]:
    """kernel_shap groups in label order (shap values, then top text per feature), then one pdp group."""
    explanations = data.get("explanations")
    if not data or explanations is None or explanations == {}:
        raise BadInputError(
            'the explainability report is empty (no "explanations"); check that the Clarify job finished and that '
            "the right S3 object (analysis.json, ContentType application/json) was read",
            source=rec.source,
            field="explanations",
        )
    if not isinstance(explanations, dict):
        raise BadInputError(
            'must be an object with "kernel_shap" and/or "pdp"', source=rec.source, field="explanations"
        )
    if not any(kind in explanations for kind in EXPLAINABILITY_KINDS):
        raise BadInputError(
            f"has neither kernel_shap nor pdp (keys seen: {short_json(list(explanations))})",
            source=rec.source,
            field="explanations",
        )
    for key in explanations:
        if key not in EXPLAINABILITY_KINDS:
            rec.add(f"explanations.{key} ignored (only kernel_shap and pdp are mapped)")
    groups: list[dict[str, Any]] = []
    labels: list[str] = []
    if "kernel_shap" in explanations:
        kernel_shap = explanations["kernel_shap"]
        if not isinstance(kernel_shap, dict):
            raise BadInputError(
                "must be an object of label -> {global_shap_values, ...}",
                source=rec.source,
                field="explanations.kernel_shap",
            )
        labels = list(kernel_shap)
        for label, body in kernel_shap.items():
            groups.extend(_shap_label(label, body, rec))
    if "pdp" in explanations:
        pdp = explanations["pdp"]
        if not isinstance(pdp, list):
            raise BadInputError("must be a list of per-feature objects", source=rec.source, field="explanations.pdp")
        metrics = _pdp(pdp, labels, rec)
        if metrics:
            groups.append(finish_group(PDP_GROUP, [finish_metric(m, rec, PDP_GROUP) for m in metrics], rec))
        else:
            rec.add("explanations.pdp: no plottable entry; no pdp group")
    return groups


def _shap_label(label: str, body: Any, rec: Recorder) -> list[dict[str, Any]]:
    where = f"explanations.kernel_shap.{label}"
    if not isinstance(body, dict):
        raise BadInputError("must be an object with global_shap_values", source=rec.source, field=where)
    for key in body:
        if key not in ("global_shap_values", "global_top_shap_text"):
            rec.add(f"{where}.{key} ignored")
    groups = []
    if "global_shap_values" in body:
        values = body["global_shap_values"]
        if not isinstance(values, dict):
            raise BadInputError(
                "must be an object of feature -> SHAP value", source=rec.source, field=f"{where}.global_shap_values"
            )
        name = f"explanations - global_shap_values, label={label}"
        groups.extend(_shap_group(name, values, rec, f"{where}.global_shap_values"))
    if "global_top_shap_text" in body:
        texts = body["global_top_shap_text"]
        if not isinstance(texts, dict):
            raise BadInputError(
                "must be an object of feature -> {token: value}",
                source=rec.source,
                field=f"{where}.global_top_shap_text",
            )
        for feature, tokens in texts.items():
            sub = f"{where}.global_top_shap_text.{feature}"
            if not isinstance(tokens, dict):
                raise BadInputError("must be an object of token -> SHAP value", source=rec.source, field=sub)
            groups.extend(_shap_group(top_shap_text_group_name(label, feature), tokens, rec, sub))
    return groups


def _shap_group(name: str, values: dict[str, Any], rec: Recorder, where: str) -> list[dict[str, Any]]:
    metrics = []
    for feature, value in values.items():
        if isinstance(value, list):
            outputs = [f"output_{i}" for i in range(len(value))]
            metric = bar_metric(feature, value, outputs, "SHAP value", rec, where) if value else None
            if metric:
                rec.add(f"{where}: multi-output SHAP values of {feature!r} written as a bar chart over outputs")
            elif not value:
                rec.add(f"{where}: metric {feature!r} skipped, empty list")
        else:
            metric = scalar_metric(feature, value, rec, where)
        if metric:
            metrics.append(metric)
    if not metrics:
        rec.add(f"{where}: no usable value; group {name!r} not emitted")
        return []
    return [finish_group(name, [finish_metric(m, rec, name) for m in metrics], rec)]


def _pdp_headers(entry: dict[str, Any], rows: int, labels: list[str], rec: Recorder, where: str) -> list[str]:
    headers = entry.get("label_headers")
    if isinstance(headers, list) and len(headers) == rows:
        return [as_text(h) for h in headers]
    fallback = list(labels) if rows == 1 and len(labels) == 1 else [f"label_{i}" for i in range(rows)]
    rec.add(f"{where}: label_headers missing or not one per prediction row; using {fallback}")
    return fallback


def _pdp(entries: list[Any], labels: list[str], rec: Recorder) -> list[dict[str, Any]]:
    metrics: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        where = f"explanations.pdp[{index}]"
        if not isinstance(entry, dict):
            rec.add(f"{where}: skipped, not an object")
            continue
        feature = as_text(entry.get("feature_name", f"feature_{index}"))
        data_type = entry.get("data_type")
        if data_type not in ("numerical", "categorical"):
            error = f" (error: {as_text(entry['error'])})" if "error" in entry else ""
            rec.add(f"{where}: feature {feature!r} skipped, data_type {short_json(data_type)}{error}")
            continue
        x_values = entry.get("feature_values")
        if not isinstance(x_values, list):
            rec.add(f"{where}: feature {feature!r} skipped, feature_values is not a list")
            continue
        series: list[tuple[str, str, Any]] = []
        if "data_distribution" in entry:
            series.append((f"data_distribution - feature={feature}", "Data distribution", entry["data_distribution"]))
        predictions = entry.get("model_predictions")
        if isinstance(predictions, list):
            headers = _pdp_headers(entry, len(predictions), labels, rec, where)
            series.extend(
                (f"model_predictions - feature={feature}, label={header}", header, row)
                for header, row in zip(headers, predictions, strict=True)
            )
        elif predictions is not None:
            rec.add(f"{where}: model_predictions of {feature!r} ignored, not a list")
        for name, y_axis, y_values in series:
            if not isinstance(y_values, list):
                rec.add(f"{where}: {name!r} skipped, values are not a list")
                continue
            if data_type == "numerical":
                metric = graph_metric(name, x_values, y_values, feature, y_axis, rec, where)
            else:
                metric = bar_metric(name, y_values, [as_text(v) for v in x_values], y_axis, rec, where)
            if metric:
                metrics.append(metric)
    return metrics
