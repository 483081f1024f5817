"""The reliability and security suites as a benchmark: run them once and collect what they counted.

Runs ``pytest`` on the fault, concurrency, fuzz and security suites in a fresh interpreter with the
``benchmarks._pytest_figures`` plugin, which writes the counts the suites keep (``FIGURES`` of the reliability
suites, ``TRIED``/``REJECTED`` of the fuzzer) to a JSON file. A failing suite fails the benchmark.

    python -m benchmarks.reliability [--json]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._world import REPO, bench_main

SUITES = (
    "tests/test_reliability_faults.py",
    "tests/test_reliability_concurrency.py",
    "tests/test_fuzz_cli.py",
    "tests/test_security_iam.py",
    "tests/test_security_principals.py",
    "tests/test_security_secrets.py",
)
FIGURES_ENV = "MCGOV_BENCH_FIGURES"


def run() -> dict[str, Any]:
    """Run the suites; their counts plus the number of tests and the wall time of the whole set."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figures.json"
        env = {**os.environ, FIGURES_ENV: str(path)}
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "benchmarks._pytest_figures",
            *SUITES,
        ]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            tail = "\n".join(done.stdout.splitlines()[-15:])
            raise RuntimeError(f"the reliability suites failed (pytest exit {done.returncode}):\n{tail}")
        figures = json.loads(path.read_text())
    return {**figures, "suites": list(SUITES), "wall_seconds": round(wall, 1)}


def render(result: dict[str, Any]) -> None:
    """Print the figures for a person."""
    print(json.dumps(result, indent=2))


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__ or "", run, render)


if __name__ == "__main__":
    sys.exit(main())
