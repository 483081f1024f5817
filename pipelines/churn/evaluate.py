"""Evaluation script of the churn pipeline: writes ``evaluation.json`` in the Model Monitor binary format.

Runs inside the XGBoost container (``/opt/ml/processing/...``); ``compute_metrics`` is pure and tested.
Output shape: ``{"binary_classification_metrics": {"accuracy": {"value": v, "standard_deviation": s}, ...}}``.
"""

from __future__ import annotations

import csv
import json
import math
import pathlib
import tarfile
from collections.abc import Sequence
from typing import Any

MODEL_DIR = pathlib.Path("/opt/ml/processing/model")
TEST_DIR = pathlib.Path("/opt/ml/processing/test")
OUTPUT_DIR = pathlib.Path("/opt/ml/processing/evaluation")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve (Mann-Whitney U with tie averaging); 0.0 when one class is absent."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(1 for y in labels if y == 1)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return 0.0
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=False) if y == 1)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def compute_metrics(labels: Sequence[int], scores: Sequence[float], threshold: float = 0.5) -> dict[str, Any]:
    """Model Monitor binary-classification metrics for 0/1 ``labels`` and probability ``scores``."""
    if len(labels) != len(scores) or not labels:
        raise ValueError(
            f"need as many scores as labels and at least one row (got {len(labels)} labels, {len(scores)} scores)"
        )
    predicted = [1 if s >= threshold else 0 for s in scores]
    tp = sum(1 for y, p in zip(labels, predicted, strict=False) if y == 1 and p == 1)
    tn = sum(1 for y, p in zip(labels, predicted, strict=False) if y == 0 and p == 0)
    fp = sum(1 for y, p in zip(labels, predicted, strict=False) if y == 0 and p == 1)
    fn = sum(1 for y, p in zip(labels, predicted, strict=False) if y == 1 and p == 0)
    n = len(labels)
    accuracy = (tp + tn) / n
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall)
    accuracy_std = math.sqrt(accuracy * (1 - accuracy) / n)
    return {
        "binary_classification_metrics": {
            "accuracy": {"value": accuracy, "standard_deviation": accuracy_std},
            "precision": {"value": precision, "standard_deviation": "NaN"},
            "recall": {"value": recall, "standard_deviation": "NaN"},
            "f1": {"value": f1, "standard_deviation": "NaN"},
            "auc": {"value": _auc(labels, scores), "standard_deviation": "NaN"},
            "confusion_matrix": {"0": {"0": tn, "1": fp}, "1": {"0": fn, "1": tp}},
        }
    }


def _read_test_csv(path: pathlib.Path) -> tuple[list[int], list[list[float]]]:
    labels: list[int] = []
    rows: list[list[float]] = []
    with path.open(newline="") as handle:
        for record in csv.reader(handle):
            if record:
                labels.append(int(float(record[0])))
                rows.append([float(v) for v in record[1:]])
    return labels, rows


def main() -> None:
    """Load the trained booster, score the test CSV (label first, no header) and write evaluation.json."""
    import xgboost

    with tarfile.open(MODEL_DIR / "model.tar.gz") as archive:
        archive.extractall(path=".", filter="data")
    booster = xgboost.Booster()
    booster.load_model("xgboost-model")
    labels, rows = _read_test_csv(TEST_DIR / "test.csv")
    scores = [float(s) for s in booster.predict(xgboost.DMatrix(rows))]
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / "evaluation.json").write_text(json.dumps(compute_metrics(labels, scores)))


if __name__ == "__main__":
    main()
