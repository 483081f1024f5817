"""Entry points: detect a report's format and parse it into model-card ``metric_groups``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.card.evaluation.card_metrics import parse_card_metrics
from mcgov.steps.card.evaluation.checks import check_json_shape, check_metric_groups
from mcgov.steps.card.evaluation.clarify import (
    BIAS_SECTIONS,
    parse_bias,
    parse_explainability,
)
from mcgov.steps.card.evaluation.metrics import Recorder
from mcgov.steps.card.evaluation.quality import MONITOR_KEYS, QUALITY_SECTIONS, parse_quality
from mcgov.steps.card.evaluation.values import short_json

FORMATS = ("model-card-metrics", "clarify-bias", "clarify-explainability", "model-monitor", "evaluation-json")

_REGRESSION = ("regression_metrics",)
_BINARY = ("binary_classification_metrics",)
_MULTICLASS = ("multiclass_classification_metrics",)

# normalized alias -> (format, model-quality sections it restricts to, or None for all)
FORMAT_ALIASES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    **{name.replace("-", " "): (name, None) for name in FORMATS},
    "model card metric schema": ("model-card-metrics", None),
    "model monitor model quality": ("model-monitor", None),
    "model monitor model quality regression": ("model-monitor", _REGRESSION),
    "model monitor model quality binary classification": ("model-monitor", _BINARY),
    "model monitor model quality multiclass classification": ("model-monitor", _MULTICLASS),
    "regression": ("model-monitor", _REGRESSION),
    "binary classification": ("model-monitor", _BINARY),
    "multiclass classification": ("model-monitor", _MULTICLASS),
}
V2_ENUM_VALUES = (
    "Model Card Metric Schema",
    "Clarify Bias",
    "Clarify Explainability",
    "Model Monitor Model Quality",
    "Model Monitor Model Quality Regression",
    "Model Monitor Model Quality Binary Classification",
    "Model Monitor Model Quality Multiclass Classification",
)


@dataclass(frozen=True)
class ParsedReport:
    """Parser output: ``metric_groups`` ready for a card and the record of everything reduced."""

    format: str
    metric_groups: list[dict[str, Any]]
    reductions: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"metric_groups": [...]}``, the shape SDK v2 parsers returned."""
        return {"metric_groups": json.loads(json.dumps(self.metric_groups))}


def _normalize(name: str) -> str:
    text = name.strip().lower()
    text = text.removeprefix("evaluationmetrictypeenum.")
    return re.sub(r"[\s_\-]+", " ", text).strip()


def resolve_format(fmt: str, *, source: str = "<report>") -> tuple[str, tuple[str, ...] | None]:
    """Map a format name or SDK v2 enum value/member name (any case) to (format, sections or None)."""
    if isinstance(fmt, str):
        hit = FORMAT_ALIASES.get(_normalize(fmt))
        if hit:
            return hit
    raise BadInputError(
        f"unknown report format {short_json(fmt)}; use one of {', '.join(FORMATS)} "
        f"or an SDK v2 EvaluationMetricTypeEnum value ({', '.join(V2_ENUM_VALUES)})",
        source=source,
        field="fmt",
    )


def detect_formats(data: object) -> tuple[str, ...]:
    """Every format whose sections ``data`` holds, in ``FORMATS`` order (bias + explanations -> both)."""
    if not isinstance(data, dict):
        return ()
    if "metric_groups" in data:
        return ("model-card-metrics",)
    found = []
    if any(key in data for key in BIAS_SECTIONS):
        found.append("clarify-bias")
    if "explanations" in data:
        found.append("clarify-explainability")
    if any(key in data for key in QUALITY_SECTIONS):
        found.append("model-monitor" if any(key in data for key in MONITOR_KEYS) else "evaluation-json")
    return tuple(found)


def detect_format(data: object, *, source: str) -> str:
    """The (first) format of ``data``; BadInputError saying what was expected when nothing fits."""
    found = detect_formats(data)
    if found:
        return found[0]
    if not isinstance(data, dict):
        raise BadInputError(f"an evaluation report must be a JSON object, got {type(data).__name__}", source=source)
    if not data:
        raise BadInputError(
            "the report is empty ({}); check that the job wrote it and that the right file/S3 object was read",
            source=source,
        )
    raise BadInputError(
        f"unrecognised evaluation report (top-level keys {short_json(list(data))}); expected metric_groups, "
        f"{', '.join(BIAS_SECTIONS)}, explanations or {', '.join(QUALITY_SECTIONS)}; or pass fmt= one of "
        f"{', '.join(FORMATS)}",
        source=source,
    )


def load_report_json(text: str | bytes | bytearray, *, source: str = "<report>") -> object:
    """Decode JSON text; BadInputError (with line and column) when it is not valid JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInputError(
            f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); fix the file", source=source
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise BadInputError(
            f"not valid JSON ({exc.__class__.__name__}); write the report as UTF-8 JSON", source=source
        ) from exc


def _parse_quality(data: dict[str, Any], rec: Recorder, sections: tuple[str, ...] | None) -> list[dict[str, Any]]:
    return parse_quality(data, rec, sections=sections or QUALITY_SECTIONS)


_PARSERS: dict[str, Callable[[dict[str, Any], Recorder, tuple[str, ...] | None], list[dict[str, Any]]]] = {
    "model-card-metrics": lambda data, rec, _: parse_card_metrics(data, rec),
    "clarify-bias": lambda data, rec, _: parse_bias(data, rec),
    "clarify-explainability": lambda data, rec, _: parse_explainability(data, rec),
    "model-monitor": _parse_quality,
    "evaluation-json": _parse_quality,
}


def parse_report(data: object, *, fmt: str | None = None, source: str = "<report>") -> ParsedReport:
    """Parse a report (decoded JSON, or JSON text) into card metric groups; auto-detects unless ``fmt`` is given.

    Raises BadInputError, and only that, for anything that is not a usable report.
    """
    if isinstance(data, (str, bytes, bytearray)):
        data = load_report_json(data, source=source)
    sections: tuple[str, ...] | None = None
    if fmt is None:
        detect_format(data, source=source)
        formats = detect_formats(data)
    else:
        chosen, sections = resolve_format(fmt, source=source)
        formats = (chosen,)
    check_json_shape(data, source)
    if not isinstance(data, dict):
        raise BadInputError(f"an evaluation report must be a JSON object, got {type(data).__name__}", source=source)
    rec = Recorder(source)
    if fmt is not None and formats[0] == "clarify-bias" and "explanations" in data:
        rec.add("explanations ignored because fmt='clarify-bias' was given; omit fmt to parse bias and explanations")
    groups: list[dict[str, Any]] = []
    for name in formats:
        groups.extend(_PARSERS[name](data, rec, sections))
    empty = [g["name"] for g in groups if not g.get("metric_data")]
    groups = [g for g in groups if g.get("metric_data")]
    if not groups:
        details = "; ".join(rec.items[-3:])
        raise BadInputError(
            "no usable metric: every value is missing or not a finite number"
            + (f" ({details})" if details else "")
            + "; fix the report or leave it out",
            source=source,
        )
    for name in empty:
        rec.add(f"group {name!r} left out: it has no usable metric")
    try:
        groups = json.loads(json.dumps(groups, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise BadInputError(f"internal: output is not JSON ({exc})", source=source) from exc
    check_metric_groups(groups, source)
    return ParsedReport(format=formats[0], metric_groups=groups, reductions=list(rec.items), formats=formats)
