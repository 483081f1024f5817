"""Card build time and content size for the largest real report in ../shared/real-world/cases/ and for a
synthetic 1,000-feature Clarify explainability report, against SageMaker's 100,000-character content limit;
and the parse of 1,000- and 10,000-class confusion matrices (time and peak memory grow with the cells given).

    python -m benchmarks.report_build [--json]
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._world import REPO, bench_main

CASES = REPO.parent / "shared" / "real-world" / "cases"
TRAINING_JOB = REPO / "examples" / "churn" / "describe_training_job.json"
CONTENT_LIMIT = 100_000


def synthetic_explainability(features: int = 1000, seed: int = 7) -> dict[str, Any]:
    """A Clarify ``analysis.json`` with ``features`` global SHAP values (kernel_shap, one label)."""
    rng = random.Random(seed)
    values = {
        f"feature_{i:04d}_{rng.choice(['amount', 'count', 'ratio', 'flag'])}": rng.random() / 100
        for i in range(features)
    }
    return {
        "version": "1.0",
        "explanations": {"kernel_shap": {"label0": {"global_shap_values": values, "expected_value": 0.21}}},
    }


def largest_real_report() -> Path | None:
    reports = [p for p in CASES.glob("*/input.json")] if CASES.exists() else []
    return max(reports, key=lambda p: p.stat().st_size) if reports else None


def measure(path: Path, repeats: int = 5) -> dict[str, Any]:
    """Median build time (training job + this report) and the content's size in characters."""
    from mcgov.steps.card.service import CardSources, build_card

    sources = CardSources(training_job_path=str(TRAINING_JOB), evaluations=(str(path),))
    times, content = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        content = build_card(sources)
        times.append(time.perf_counter() - started)
    size = len(json.dumps(content, separators=(",", ":"), ensure_ascii=False))
    return {
        "report": str(path),
        "input_bytes": path.stat().st_size,
        "build_ms": round(statistics.median(times) * 1000, 1),
        "content_chars": size,
        "limit_chars": CONTENT_LIMIT,
        "fits": size <= CONTENT_LIMIT,
    }


def confusion_report(classes: int) -> dict[str, Any]:
    """An evaluation.json whose confusion matrix has ``classes`` classes and two non-zero cells per row."""
    labels = [f"class-{i}" for i in range(classes)]
    matrix = {a: {a: 50, labels[(i + 1) % classes]: 3} for i, a in enumerate(labels)}
    return {"multiclass_classification_metrics": {"confusion_matrix": matrix}}


def measure_matrix(classes: int) -> dict[str, Any]:
    """Parse time and peak traced memory of one confusion-matrix report (parse only: it cannot fit a card)."""
    import tracemalloc

    from mcgov.steps.card.evaluation.api import parse_report

    parse_report(confusion_report(30), source="warm-up.json")  # builds the lazy content models first
    report = confusion_report(classes)
    tracemalloc.start()
    started = time.perf_counter()
    parsed = parse_report(report, source=f"confusion-{classes}.json")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "report": f"{classes:,}-class confusion matrix (per-class bars)",
        "cells_given": 2 * classes,
        "parse_ms": round(elapsed * 1000, 1),
        "peak_mib": round(peak / 2**20, 1),
        "metrics": sum(len(g["metric_data"]) for g in parsed.metric_groups),
    }


def run() -> dict[str, Any]:
    rows: dict[str, Any] = {}
    real = largest_real_report()
    if real:
        rows["largest_real"] = {**measure(real), "report": real.relative_to(CASES).as_posix()}
    else:
        rows["largest_real"] = {"report": "largest real report", "absent": "../shared/real-world/cases is absent"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic-1000-features.json"
        path.write_text(json.dumps(synthetic_explainability()))
        rows["synthetic_1000_features"] = {**measure(path), "report": "synthetic 1,000-feature explainability"}
    for classes in (1_000, 10_000):
        rows[f"confusion_{classes}"] = measure_matrix(classes)
    return rows


def render(result: dict[str, Any]) -> None:
    """Print the figures for a person."""
    for case, figures in result.items():
        print(f"{case}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__ or "", run, render)


if __name__ == "__main__":
    sys.exit(main())
