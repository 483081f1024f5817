"""The churn evaluation script's metrics and the preprocessing split (pure functions)."""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import CASES, require_shared


def test_metrics_on_a_small_known_example() -> None:
    from mcgov.pipelines.churn.evaluate import compute_metrics

    labels = [1, 0, 1, 0, 1]
    scores = [0.9, 0.8, 0.4, 0.1, 0.7]
    metrics = compute_metrics(labels, scores)["binary_classification_metrics"]
    assert metrics["confusion_matrix"] == {"0": {"0": 1, "1": 1}, "1": {"0": 1, "1": 2}}
    assert metrics["accuracy"]["value"] == pytest.approx(0.6)
    assert metrics["accuracy"]["standard_deviation"] == pytest.approx(math.sqrt(0.6 * 0.4 / 5))
    assert metrics["precision"]["value"] == pytest.approx(2 / 3)
    assert metrics["recall"]["value"] == pytest.approx(2 / 3)
    assert metrics["f1"]["value"] == pytest.approx(2 / 3)
    assert metrics["auc"]["value"] == pytest.approx(4 / 6)


def test_auc_handles_ties_and_single_class() -> None:
    from mcgov.pipelines.churn.evaluate import compute_metrics

    assert compute_metrics([0, 1], [0.5, 0.5])["binary_classification_metrics"]["auc"]["value"] == pytest.approx(0.5)
    assert compute_metrics([1, 1], [0.2, 0.9])["binary_classification_metrics"]["auc"]["value"] == 0.0
    with pytest.raises(ValueError, match="as many scores"):
        compute_metrics([1], [])


def test_output_has_the_model_monitor_binary_shape_of_a_real_report() -> None:
    from mcgov.pipelines.churn.evaluate import compute_metrics

    real = json.loads(require_shared(CASES / "sdk-mm-binary-classification" / "input.json").read_text())
    ours = compute_metrics([1, 0], [0.9, 0.2])
    assert set(ours) == set(real) == {"binary_classification_metrics"}
    real_metrics = real["binary_classification_metrics"]
    for name, metric in ours["binary_classification_metrics"].items():
        assert name in real_metrics, f"{name} is not a Model Monitor binary metric"
        if name != "confusion_matrix":
            assert set(metric) == set(real_metrics[name]) == {"value", "standard_deviation"}
    assert json.loads(json.dumps(ours)) == ours


def test_preprocess_moves_the_label_first_and_splits_deterministically() -> None:
    from mcgov.pipelines.churn.preprocess import split, to_rows

    header = ["State", "Day Mins", "Churn?", "Calls"]
    records = [["KS", "10.5", "False.", "3"], ["OH", "20", "True.", "4"]]
    assert to_rows(header, records) == [["0", "10.5", "3"], ["1", "20", "4"]]
    rows = [[str(i)] for i in range(100)]
    train, validation, test = split(rows)
    assert (len(train), len(validation), len(test)) == (70, 20, 10)
    assert split(rows) == (train, validation, test)
    assert sorted(train + validation + test) == sorted(rows)
