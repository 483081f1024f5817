"""Card build time and content size for the largest real report in ../shared/real-world/cases/ and for a
synthetic 1,000-feature Clarify explainability report, against SageMaker's 100,000-character content limit.

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
    values = {f"feature_{i:04d}_{rng.choice(['amount', 'count', 'ratio', 'flag'])}": rng.random() / 100 for i in range(features)}
    return {"version": "1.0", "explanations": {"kernel_shap": {"label0": {"global_shap_values": values,
                                                                        "expected_value": 0.21}}}}


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
    return {"report": str(path), "input_bytes": path.stat().st_size, "build_ms": round(statistics.median(times) * 1000, 1),
            "content_chars": size, "limit_chars": CONTENT_LIMIT, "fits": size <= CONTENT_LIMIT}


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
    return rows


def render(result: dict[str, Any]) -> None:
    """Print the figures for a person."""
    for case, figures in result.items():
        print(f"{case}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__ or "", run, render)


if __name__ == "__main__":
    sys.exit(main())
