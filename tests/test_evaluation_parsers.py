"""Focused tests of each report variant and output rule of steps.card.evaluation."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_evaluation_support import assert_card_valid  # noqa: E402

from mcgov.errors import BadInputError
from mcgov.steps.card.evaluation.api import FORMATS, ParsedReport, detect_format, parse_report
from mcgov.steps.card.evaluation.metrics import MAX_GRAPH_POINTS


def _metrics(report: ParsedReport, group: int = 0) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in report.metric_groups[group]["metric_data"]}


def _parse(data: Any, **kwargs: Any) -> ParsedReport:
    report = parse_report(data, **kwargs)
    assert_card_valid(report.metric_groups)
    return report


# ---------------------------------------------------------------- evaluation.json / statistics.json


@pytest.mark.parametrize(
    ("std", "emitted"),
    [
        (0.25, True),
        (0, True),
        ("NaN", False),
        ("NA", False),
        ("0", False),
        (float("nan"), False),
        (True, False),
        (None, False),
    ],
)
def test_standard_deviation_only_when_numeric_and_finite(std: Any, emitted: bool) -> None:
    report = _parse({"regression_metrics": {"mse": {"value": 4.9, "standard_deviation": std}}})
    names = list(_metrics(report))
    assert names == (["mse", "mse - standard_deviation"] if emitted else ["mse"])
    if not emitted:
        assert any("standard_deviation" in r and "not emitted" in r for r in report.reductions)


def test_missing_standard_deviation_is_fine() -> None:
    report = _parse({"binary_classification_metrics": {"accuracy": {"value": 0.9}}})
    assert report.metric_groups == [
        {"name": "binary_classification_metrics", "metric_data": [{"name": "accuracy", "type": "number", "value": 0.9}]}
    ]


def test_plain_numbers_instead_of_value_objects() -> None:
    report = _parse({"multiclass_classification_metrics": {"accuracy": 0.93, "weighted_f1": 0.9, "support": 120}})
    assert [(m["name"], m["value"]) for m in report.metric_groups[0]["metric_data"]] == [
        ("accuracy", 0.93),
        ("weighted_f1", 0.9),
        ("support", 120),
    ]


def test_nan_values_are_not_metrics_and_are_recorded() -> None:
    report = _parse(
        {"regression_metrics": {"r2": {"value": "NaN", "standard_deviation": 0.1}, "mae": float("inf"), "mse": 2}}
    )
    assert list(_metrics(report)) == ["mse"]
    assert any("'r2'" in r and "not a finite number" in r for r in report.reductions)
    assert any("'mae'" in r for r in report.reductions)


def test_bool_is_not_a_number() -> None:
    report = _parse({"regression_metrics": {"converged": {"value": True, "standard_deviation": False}}})
    assert _metrics(report)["converged"] == {"name": "converged", "type": "boolean", "value": True}
    assert "converged - standard_deviation" not in _metrics(report)


def test_nested_per_class_dicts() -> None:
    data = {
        "multiclass_classification_metrics": {
            "precision": {"cat": 0.9, "dog": {"value": 0.8, "standard_deviation": 0.01}},
            "per_class": {"bird": {"recall": 0.5, "f1": "NaN"}},
        }
    }
    names = list(_metrics(_parse(data)))
    assert names == [
        "precision - cat",
        "precision - dog",
        "precision - dog - standard_deviation",
        "per_class - bird - recall",
    ]


def test_confusion_matrix_keyed_by_class_names() -> None:
    matrix = {"cat": {"cat": 5, "dog": 1}, "dog": {"cat": 2, "dog": 7}}
    report = _parse({"multiclass_classification_metrics": {"confusion_matrix": matrix}})
    assert _metrics(report)["confusion_matrix"] == {
        "name": "confusion_matrix",
        "type": "matrix",
        "x_axis_name": ["cat", "dog"],
        "y_axis_name": ["cat", "dog"],
        "value": [[5, 1], [2, 7]],
    }


def test_ragged_confusion_matrix_is_filled_and_noted() -> None:
    matrix = {"a": {"a": 3}, "b": {"a": 1, "b": 4}}
    metric = _metrics(_parse({"multiclass_classification_metrics": {"confusion_matrix": matrix}}))["confusion_matrix"]
    assert metric["value"] == [[3, 0], [1, 4]]
    assert "1 cell(s) absent from the input were filled with 0" in metric["notes"]


def test_21_class_confusion_matrix_becomes_per_class_bar_charts() -> None:
    classes = [f"class_{i:02d}" for i in range(21)]
    matrix = {r: {c: (10 if r == c else 1) for c in classes} for r in classes}
    report = _parse({"multiclass_classification_metrics": {"confusion_matrix": matrix, "accuracy": 0.5}})
    metrics = _metrics(report)
    assert all(m["type"] != "matrix" for m in metrics.values())
    support = metrics["confusion_matrix - support (row total)"]
    assert support["type"] == "bar_chart" and support["x_axis_name"] == classes and support["value"] == [30] * 21
    assert metrics["confusion_matrix - recall"]["value"] == [pytest.approx(1 / 3)] * 21
    assert "21x21, over the card limit of 20x20" in support["notes"]
    assert any("20x20" in r for r in report.reductions)
    assert "accuracy" in metrics


def test_20_class_matrix_stays_a_matrix() -> None:
    classes = [str(i) for i in range(20)]
    matrix = {r: {c: 1 for c in classes} for r in classes}
    metric = _metrics(_parse({"multiclass_classification_metrics": {"confusion_matrix": matrix}}))["confusion_matrix"]
    assert metric["type"] == "matrix" and len(metric["value"]) == 20


def test_5000_point_roc_curve_is_resampled_keeping_end_points() -> None:
    n = 5000
    fpr = [i / (n - 1) for i in range(n)]
    tpr = [math.sqrt(x) for x in fpr]
    report = _parse(
        {
            "binary_classification_metrics": {
                "receiver_operating_characteristic_curve": {"false_positive_rates": fpr, "true_positive_rates": tpr},
            }
        }
    )
    metric = _metrics(report)["receiver_operating_characteristic_curve"]
    assert len(metric["value"]) == MAX_GRAPH_POINTS
    assert metric["value"][0] == [0.0, 0.0] and metric["value"][-1] == [1.0, 1.0]
    assert [p[0] for p in metric["value"]] == sorted(p[0] for p in metric["value"])
    assert metric["notes"] == f"resampled from 5,000 to {MAX_GRAPH_POINTS} points"
    assert (metric["x_axis_name"], metric["y_axis_name"]) == ("false_positive_rates", "true_positive_rates")


def test_precision_recall_curve_has_recall_on_x_and_unequal_lengths_noted() -> None:
    report = _parse(
        {
            "binary_classification_metrics": {
                "precision_recall_curve": {"precisions": [1, 0.5, 0.4], "recalls": [0, 0.5]},
            }
        }
    )
    metric = _metrics(report)["precision_recall_curve"]
    assert metric["value"] == [[0, 1], [0.5, 0.5]]
    assert "differ in length" in metric["notes"]


def test_metric_names_with_colons_are_kept() -> None:
    data = {
        "binary_classification_metrics": {
            "validation:auc": {"value": 0.91, "standard_deviation": 0.02},
            "train:auc": {"value": 0.97, "standard_deviation": 0.01},
        }
    }
    assert list(_metrics(_parse(data))) == [
        "validation:auc",
        "validation:auc - standard_deviation",
        "train:auc",
        "train:auc - standard_deviation",
    ]


def test_all_quality_sections_are_parsed_not_only_the_first() -> None:
    data = {
        "binary_classification_metrics": {"accuracy": {"value": 0.9, "standard_deviation": "NaN"}},
        "multiclass_classification_metrics": {"accuracy": {"value": 0.8, "standard_deviation": "NaN"}},
        "regression_metrics": {"mse": {"value": 1.0, "standard_deviation": "NaN"}},
    }
    report = _parse(data)
    assert [g["name"] for g in report.metric_groups] == list(data)


def test_model_monitor_vs_evaluation_json_detection() -> None:
    section = {"regression_metrics": {"mse": {"value": 1.0, "standard_deviation": 0.1}}}
    assert detect_format(section, source="x") == "evaluation-json"
    assert detect_format({"version": 0.0, **section}, source="x") == "model-monitor"
    assert (
        _parse(section).metric_groups == _parse({"version": 0.0, "dataset": {"item_count": 3}, **section}).metric_groups
    )


# ---------------------------------------------------------------- Clarify bias


def _bias_section(facet: str, value: str, metrics: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "label": "Target",
        "label_value_or_threshold": "1",
        "facets": {facet: [{"value_or_threshold": value, "metrics": metrics}]},
    }


def test_bias_compact_group_names_and_null_metrics_recorded() -> None:
    data = {
        "post_training_bias_metrics": _bias_section(
            "Gender",
            "0",
            [
                {"name": "AD", "description": "Accuracy Difference (AD)", "value": -0.11},
                {"name": "CDDPL", "value": None, "error": "Group variable is empty"},
            ],
        )
    }
    report = _parse(data)
    assert report.metric_groups == [
        {
            "name": "post_training_bias · Target=1 · Gender=0",
            "metric_data": [{"name": "AD", "type": "number", "value": -0.11}],
        }
    ]
    assert any("'CDDPL'" in r and "Group variable is empty" in r for r in report.reductions)


def test_80_char_group_names_are_shortened_with_a_stable_hash() -> None:
    facet = "f" * 80
    data = {"pre_training_bias_metrics": _bias_section(facet, "1", [{"name": "CI", "value": 0.3}])}
    group = _parse(data).metric_groups[0]
    full = f"pre_training_bias · Target=1 · {facet}=1"
    assert len(group["name"]) == 63 and group["name"].startswith(full[:56]) and group["name"][56] == "~"
    assert group["metric_data"][0]["notes"] == f"full group name: {full}"
    other = {"pre_training_bias_metrics": _bias_section(facet, "2", [{"name": "CI", "value": 0.3}])}
    assert _parse(other).metric_groups[0]["name"] != group["name"]
    assert _parse(data).metric_groups[0]["name"] == group["name"]


def test_pass_through_80_char_group_name() -> None:
    long_name = "evaluation of the candidate model on the hold-out set, region eu-west-1, run 42"
    assert len(long_name) == 79
    data = {"metric_groups": [{"name": long_name, "metric_data": [{"name": "auc", "type": "number", "value": 0.9}]}]}
    report = _parse(data)
    assert len(report.metric_groups[0]["name"]) == 63
    assert long_name in report.metric_groups[0]["metric_data"][0]["notes"]
    assert any("shortened" in r for r in report.reductions)


def _combined() -> dict[str, Any]:
    return {
        "version": "1.0",
        "post_training_bias_metrics": _bias_section("Gender", "0", [{"name": "AD", "value": -0.1}]),
        "explanations": {"kernel_shap": {"label0": {"global_shap_values": {"Age": 0.03, "Income": 0.02}}}},
    }


def test_combined_bias_and_explanations_yield_both() -> None:
    report = _parse(_combined())
    assert report.formats == ("clarify-bias", "clarify-explainability")
    assert report.format == "clarify-bias"
    assert [g["name"] for g in report.metric_groups] == [
        "post_training_bias · Target=1 · Gender=0",
        "explanations - global_shap_values, label=label0",
    ]


def test_combined_file_with_explicit_format_parses_only_that_part() -> None:
    bias = _parse(_combined(), fmt="clarify-bias")
    assert [g["name"] for g in bias.metric_groups] == ["post_training_bias · Target=1 · Gender=0"]
    assert any("explanations ignored" in r for r in bias.reductions)
    shap = _parse(_combined(), fmt="Clarify Explainability")
    assert [g["name"] for g in shap.metric_groups] == ["explanations - global_shap_values, label=label0"]


# ---------------------------------------------------------------- Clarify explainability


def test_multi_output_shap_lists_become_bar_charts() -> None:
    data = {
        "explanations": {"kernel_shap": {"label0": {"global_shap_values": {"Age": [0.1, 0.2, 0.3], "Income": 0.05}}}}
    }
    metrics = _metrics(_parse(data))
    assert metrics["Age"] == {
        "name": "Age",
        "type": "bar_chart",
        "value": [0.1, 0.2, 0.3],
        "x_axis_name": ["output_0", "output_1", "output_2"],
        "y_axis_name": "SHAP value",
    }
    assert metrics["Income"]["type"] == "number"


def test_pdp_without_label_headers_and_free_text_entries() -> None:
    data = {
        "explanations": {
            "pdp": [
                {
                    "feature_name": "Age",
                    "data_type": "numerical",
                    "feature_values": [20, 30],
                    "data_distribution": [0.4, 0.6],
                    "model_predictions": [[0.1, 0.2], [0.9, 0.8]],
                },
                {
                    "feature_name": "Pet",
                    "data_type": "categorical",
                    "feature_values": ["cat", "dog"],
                    "data_distribution": [0.5, 0.5],
                    "model_predictions": [[0.3, 0.7]],
                },
                {
                    "feature_name": "text",
                    "data_type": "free_text",
                    "error": "Detected data type is not supported for PDP.",
                },
            ]
        }
    }
    report = _parse(data)
    assert report.metric_groups[0]["name"] == "explanations - pdp"
    metrics = _metrics(report)
    assert list(metrics) == [
        "data_distribution - feature=Age",
        "model_predictions - feature=Age, label=label_0",
        "model_predictions - feature=Age, label=label_1",
        "data_distribution - feature=Pet",
        "model_predictions - feature=Pet, label=label_0",
    ]
    assert metrics["model_predictions - feature=Age, label=label_1"]["value"] == [[20, 0.9], [30, 0.8]]
    assert metrics["data_distribution - feature=Pet"]["x_axis_name"] == ["cat", "dog"]
    assert any("'text'" in r and "free_text" in r and "not supported for PDP" in r for r in report.reductions)


def test_pdp_uses_the_single_kernel_shap_label_when_headers_are_missing() -> None:
    data = {
        "explanations": {
            "kernel_shap": {"fraud": {"global_shap_values": {"Age": 0.1}}},
            "pdp": [
                {
                    "feature_name": "Age",
                    "data_type": "numerical",
                    "feature_values": [1, 2],
                    "data_distribution": [0.5, 0.5],
                    "model_predictions": [[0.2, 0.3]],
                }
            ],
        }
    }
    assert "model_predictions - feature=Age, label=fraud" in _metrics(_parse(data), group=1)


def test_empty_explanations_are_rejected() -> None:
    for data in ({}, {"explanations": {}}, {"version": "1.0", "explanations": None}):
        with pytest.raises(BadInputError, match="empty"):
            parse_report(data, fmt="clarify-explainability")


# ---------------------------------------------------------------- model-card metric schema (pass-through)


def test_pass_through_keeps_valid_content_unchanged() -> None:
    groups = [
        {
            "name": "g",
            "metric_data": [
                {"name": "auc", "type": "number", "value": 0.9, "notes": "hold-out"},
                {"name": "ok", "type": "boolean", "value": True},
                {
                    "name": "roc",
                    "type": "linear_graph",
                    "value": [[0, 0], [1, 1]],
                    "x_axis_name": "fpr",
                    "y_axis_name": "tpr",
                },
                {"name": "bars", "type": "bar_chart", "value": [1, 2], "x_axis_name": ["a", "b"], "y_axis_name": "n"},
                {
                    "name": "cm",
                    "type": "matrix",
                    "value": [[1, 2], [3, 4]],
                    "x_axis_name": ["a", "b"],
                    "y_axis_name": ["a", "b"],
                },
            ],
        }
    ]
    report = _parse({"metric_groups": groups})
    assert report.metric_groups == groups and report.reductions == []


@pytest.mark.parametrize(
    ("metric", "field"),
    [
        ({"name": "a", "type": "number", "value": True}, "value"),
        ({"name": "a", "type": "number", "value": "0.5"}, "value"),
        ({"name": "a", "type": "string", "value": 1}, "value"),
        ({"name": "a", "type": "gauge", "value": 1}, "type"),
        ({"name": "a", "type": "number", "value": 1, "unit": "s"}, "unknown key"),
        ({"name": "a", "type": "bar_chart", "value": [1], "x_axis_name": "a"}, "x_axis_name"),
        ({"name": "a", "type": "matrix", "value": [[1] * 21]}, "matrix"),
        ({"name": "a", "type": "linear_graph", "value": [[1, 2, 3]]}, "linear_graph"),
        ({"type": "number", "value": 1}, "'name' is required"),
    ],
)
def test_pass_through_rejects_invalid_metrics(metric: dict[str, Any], field: str) -> None:
    with pytest.raises(BadInputError, match=field):
        parse_report({"metric_groups": [{"name": "g", "metric_data": [metric]}]}, source="metrics.json")


def test_pass_through_skips_non_finite_numbers_and_records_them() -> None:
    data = {
        "metric_groups": [
            {
                "name": "g",
                "metric_data": [
                    {"name": "a", "type": "number", "value": float("nan")},
                    {"name": "b", "type": "number", "value": 1},
                ],
            }
        ]
    }
    report = _parse(data)
    assert [m["name"] for m in report.metric_groups[0]["metric_data"]] == ["b"]
    assert any("'a'" in r and "NaN" in r for r in report.reductions)


def test_duplicate_metric_names_are_made_unique() -> None:
    data = {
        "metric_groups": [
            {
                "name": "g",
                "metric_data": [
                    {"name": "auc", "type": "number", "value": 0.9},
                    {"name": "auc", "type": "number", "value": 0.8},
                    {"name": "auc", "type": "number", "value": 0.7},
                ],
            }
        ]
    }
    metrics = _parse(data).metric_groups[0]["metric_data"]
    assert [(m["name"], m["value"]) for m in metrics] == [("auc", 0.9), ("auc (2)", 0.8), ("auc (3)", 0.7)]
    assert metrics[1]["notes"] == "renamed from duplicate name auc"


def test_long_metric_names_axis_names_and_string_values_are_fitted() -> None:
    data = {
        "metric_groups": [
            {
                "name": "g",
                "metric_data": [
                    {"name": "m" * 300, "type": "string", "value": "v" * 100},
                    {
                        "name": "g2",
                        "type": "linear_graph",
                        "value": [[0, 1]],
                        "x_axis_name": "x" * 70,
                        "y_axis_name": "y",
                    },
                ],
            }
        ]
    }
    first, second = _parse(data).metric_groups[0]["metric_data"]
    assert len(first["name"]) == 255 and len(first["value"]) == 63
    assert "m" * 300 in first["notes"] and "v" * 100 in first["notes"]
    assert len(second["x_axis_name"]) == 63


def test_overlong_notes_are_cut_to_the_limit() -> None:
    data = {
        "metric_groups": [
            {"name": "g", "metric_data": [{"name": "a", "type": "number", "value": 1, "notes": "n" * 2000}]}
        ]
    }
    report = _parse(data)
    assert len(report.metric_groups[0]["metric_data"][0]["notes"]) == 1024
    assert any("cut from 2,000" in r for r in report.reductions)


# ---------------------------------------------------------------- format selection


@pytest.mark.parametrize(
    ("fmt", "groups"),
    [
        ("Model Monitor Model Quality", ["regression_metrics", "binary_classification_metrics"]),
        ("model monitor model quality REGRESSION", ["regression_metrics"]),
        ("Model Monitor Model Quality Binary Classification", ["binary_classification_metrics"]),
        ("BINARY_CLASSIFICATION", ["binary_classification_metrics"]),
        ("evaluation-json", ["regression_metrics", "binary_classification_metrics"]),
    ],
)
def test_explicit_override_and_v2_aliases(fmt: str, groups: list[str]) -> None:
    data = {"regression_metrics": {"mse": 1.0}, "binary_classification_metrics": {"auc": 0.9}}
    report = _parse(data, fmt=fmt)
    assert [g["name"] for g in report.metric_groups] == groups


def test_variant_alias_requires_its_section() -> None:
    with pytest.raises(BadInputError, match="multiclass_classification_metrics"):
        parse_report({"regression_metrics": {"mse": 1.0}}, fmt="Model Monitor Model Quality Multiclass Classification")


def test_override_forces_a_format_that_does_not_fit() -> None:
    with pytest.raises(BadInputError, match="no bias section"):
        parse_report({"regression_metrics": {"mse": 1.0}}, fmt="Clarify Bias")
    with pytest.raises(BadInputError, match="metric_groups"):
        parse_report({"regression_metrics": {"mse": 1.0}}, fmt="MODEL_CARD_METRIC_SCHEMA")


def test_unknown_format_name_lists_the_valid_ones() -> None:
    with pytest.raises(BadInputError) as info:
        parse_report({"regression_metrics": {}}, fmt="clarify-shap", source="r.json")
    for name in FORMATS:
        assert name in str(info.value)
    assert "Clarify Bias" in str(info.value) and info.value.field == "fmt"


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "empty"), ([1, 2], "must be a JSON object"), ({"accuracy": 0.9}, "unrecognised"), (None, "JSON object")],
)
def test_detection_failures(data: Any, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        detect_format(data, source="r.json")
    with pytest.raises(BadInputError, match=message):
        parse_report(data, source="r.json")


def test_json_text_is_accepted_and_invalid_json_rejected() -> None:
    text = json.dumps({"regression_metrics": {"mse": {"value": 1.5, "standard_deviation": "NaN"}}})
    assert _parse(text).metric_groups[0]["metric_data"] == [{"name": "mse", "type": "number", "value": 1.5}]
    with pytest.raises(BadInputError, match="line 1 column"):
        parse_report('{"regression_metrics": ', source="evaluation.json")


def test_non_json_python_values_are_rejected() -> None:
    with pytest.raises(BadInputError, match="not a string"):
        parse_report({"regression_metrics": {1: 2.0}})
    with pytest.raises(BadInputError, match="not JSON"):
        parse_report({"regression_metrics": {"mse": {1, 2}}})


def test_error_carries_source() -> None:
    with pytest.raises(BadInputError) as info:
        parse_report({"regression_metrics": []}, source="s3://bucket/evaluation.json")
    assert info.value.source == "s3://bucket/evaluation.json" and info.value.field == "regression_metrics"


def test_parsing_twice_gives_identical_output() -> None:
    data = _combined()
    first, second = parse_report(data), parse_report(data)
    assert json.dumps(first.metric_groups, sort_keys=True) == json.dumps(second.metric_groups, sort_keys=True)
    assert first.reductions == second.reductions


def test_output_does_not_alias_the_input() -> None:
    data = {"metric_groups": [{"name": "g", "metric_data": [{"name": "b", "type": "bar_chart", "value": [1, 2]}]}]}
    report = parse_report(data)
    report.metric_groups[0]["metric_data"][0]["value"].append(3)
    assert data["metric_groups"][0]["metric_data"][0]["value"] == [1, 2]
