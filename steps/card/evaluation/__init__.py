"""Evaluation-report parsers: Clarify, Model Monitor, pipeline evaluation.json and ready-made metric groups.

Pure functions: decoded JSON in, card ``metric_groups`` out, valid against the strict card schema and the
limits it forgets (``steps.card.limits``). Every failure is a ``ReportFormatError``.
"""

from __future__ import annotations

from mcgov.steps.card.evaluation._common import MAX_GRAPH_POINTS, check_metric_groups
from mcgov.steps.card.evaluation.api import (
    FORMAT_ALIASES,
    FORMATS,
    V2_ENUM_VALUES,
    ParsedReport,
    detect_format,
    detect_formats,
    load_report_json,
    parse_report,
    resolve_format,
)
from mcgov.steps.card.evaluation.clarify import (
    bias_group_name,
    top_shap_text_group_name,
)
from mcgov.steps.card.evaluation.differences import INTENTIONAL_DIFFERENCES

__all__ = [
    "FORMATS",
    "FORMAT_ALIASES",
    "INTENTIONAL_DIFFERENCES",
    "MAX_GRAPH_POINTS",
    "ParsedReport",
    "V2_ENUM_VALUES",
    "bias_group_name",
    "check_metric_groups",
    "detect_format",
    "detect_formats",
    "load_report_json",
    "parse_report",
    "resolve_format",
    "top_shap_text_group_name",
]
