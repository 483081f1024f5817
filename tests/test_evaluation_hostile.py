"""Report inputs that used to slip through: text where a number belongs, negative or ragged confusion matrices,
reports with nothing usable, and very wide confusion matrices (reduced from the cells given, never densified)."""

from __future__ import annotations

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.card.evaluation.api import parse_report


@pytest.mark.parametrize(
    "family, metric",
    [
        ("binary_classification_metrics", "accuracy"),
        ("multiclass_classification_metrics", "f1_macro"),
        ("regression_metrics", "rmse"),
        ("regression_metrics", "r2"),
    ],
)
def test_text_where_a_well_known_number_belongs_is_bad_input(family, metric):
    with pytest.raises(BadInputError) as exc:
        parse_report({family: {metric: {"value": "high"}}}, source="evaluation.json")
    assert str(exc.value) == (
        f'evaluation.json: {family}.{metric}.value: {metric} must be a number, got the text "high"'
    )


def test_text_under_an_unknown_name_stays_a_string_metric():
    parsed = parse_report({"binary_classification_metrics": {"threshold_policy": {"value": "high"}}}, source="e.json")
    assert parsed.metric_groups[0]["metric_data"][0] == {"name": "threshold_policy", "value": "high", "type": "string"}


@pytest.mark.parametrize("matrix", [[[5, -1], [2, 7]], {"a": {"a": 5, "b": -1}, "b": {"a": 2, "b": 7}}])
def test_negative_confusion_counts_are_bad_input(matrix):
    with pytest.raises(BadInputError, match="no cell may be negative"):
        parse_report({"multiclass_classification_metrics": {"confusion_matrix": matrix}}, source="e.json")


def test_ragged_confusion_matrices_are_bad_input():
    with pytest.raises(
        BadInputError, match="e.json: multiclass_classification_metrics.confusion_matrix: .*rectangular"
    ):
        parse_report({"multiclass_classification_metrics": {"confusion_matrix": [[1, 2], [3]]}}, source="e.json")


def test_a_report_with_only_non_finite_values_is_reported_by_its_own_name():
    report = {"binary_classification_metrics": {"accuracy": {"value": float("nan")}, "auc": {"value": float("inf")}}}
    with pytest.raises(BadInputError) as exc:
        parse_report(report, source="s3://bucket/eval/evaluation.json")
    assert str(exc.value).startswith("s3://bucket/eval/evaluation.json: no usable metric")


def test_a_10000_class_sparse_matrix_becomes_exact_per_class_totals():
    classes = [f"c{i}" for i in range(10_000)]
    matrix = {a: {a: 9, classes[(i + 1) % len(classes)]: 1} for i, a in enumerate(classes)}
    parsed = parse_report({"multiclass_classification_metrics": {"confusion_matrix": matrix}}, source="e.json")
    metrics = {m["name"].split(" - ")[1]: m for m in parsed.metric_groups[0]["metric_data"]}
    assert metrics["support (row total)"]["value"][:3] == [10, 10, 10]
    assert metrics["predicted (column total)"]["value"][:3] == [10, 10, 10]
    assert metrics["correct (diagonal)"]["value"][:2] == [9, 9] and metrics["recall"]["value"][0] == 0.9
    assert metrics["support (row total)"]["x_axis_name"][:2] == ["c0", "c1"]
    assert len(metrics["precision"]["value"]) == 10_000
    assert any("10000x10000" in r for r in parsed.reductions)


def test_dense_and_sparse_reductions_agree():
    size = 25
    dense = [[(i * 7 + j * 3) % 5 for j in range(size)] for i in range(size)]
    labels = [str(i) for i in range(size)]
    sparse = {labels[i]: {labels[j]: dense[i][j] for j in range(size)} for i in range(size)}
    as_list = parse_report({"multiclass_classification_metrics": {"confusion_matrix": dense}}, source="e.json")
    as_dict = parse_report({"multiclass_classification_metrics": {"confusion_matrix": sparse}}, source="e.json")
    values = [[m["value"] for m in p.metric_groups[0]["metric_data"]] for p in (as_list, as_dict)]
    assert values[0] == values[1]
