"""pytest plugin for ``benchmarks.reliability``: after the session, write the suites' counts to
``$MCGOV_BENCH_FIGURES``."""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def _module(name: str) -> Any:
    module = sys.modules.get(name)
    if module is None:
        raise RuntimeError(f"{name} did not run; benchmarks.reliability needs it")
    return module


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    path = os.environ.get("MCGOV_BENCH_FIGURES")
    if not path or exitstatus != 0:
        return
    faults = _module("tests.test_reliability_faults")
    concurrency = _module("tests.test_reliability_concurrency")
    fuzz = _module("tests.test_fuzz_cli")
    figures = {
        "tests": session.testscollected,
        "faults": dict(faults.FIGURES),
        "concurrency": dict(concurrency.FIGURES),
        "fuzz": {
            "examples_per_input": fuzz.FUZZ.max_examples,
            "inputs": {
                name: {"tried": fuzz.TRIED[name], "refused": fuzz.REJECTED[name]} for name in sorted(fuzz.TRIED)
            },
        },
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(figures, out, indent=2, sort_keys=True)
