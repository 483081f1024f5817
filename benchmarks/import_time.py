"""Cold-import time of the Lambda handler modules as a ratio to ``import boto3`` in the same run.

Each sample is a fresh interpreter (``python -c``) so nothing is cached in-process; samples alternate
between the imports and the fastest sample (least disturbed by other load) is reported. A Lambda imports one handler, so the figure that matters is
each handler's own ratio; ``ratio`` is the largest of them (target <= 1.5). ``all_handlers_ratio`` imports
all five in one interpreter; ``floor_ratio`` is ``import boto3`` plus pydantic's model API, what the runtime rule
(boto3 + pydantic) costs before any project module; ``--with-sagemaker`` adds ``import sagemaker`` for comparison.
A module that cannot be imported fails the benchmark.

    python -m benchmarks.import_time [--samples 7] [--with-sagemaker]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

HANDLER_MODULES = (
    "mcgov.steps.handlers.populate_card",
    "mcgov.steps.handlers.share_card",
    "mcgov.steps.handlers.check_gate",
    "mcgov.steps.handlers.approval_guard",
    "mcgov.steps.handlers.gate_watcher",
)

_PROBE = (
    "import time, sys\n"
    "t = time.perf_counter()\n"
    "for m in sys.argv[1:]: __import__(m)\n"
    "{extra}"
    "print('import-seconds', time.perf_counter() - t)\n"
)
_FLOOR = "from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator\n"


def cold_import_seconds(modules: tuple[str, ...], extra: str = "") -> float:
    """Seconds a fresh interpreter takes to import ``modules`` (then run ``extra``); fails when an import fails."""
    out = subprocess.run([sys.executable, "-c", _PROBE.format(extra=extra), *modules], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"importing {', '.join(modules)} failed: {out.stderr.strip().splitlines()[-1:]}")
    # Some packages (sagemaker) log to stdout on import: the figure is the probe's own marked line.
    line = next(line for line in reversed(out.stdout.splitlines()) if line.startswith("import-seconds "))
    return float(line.split()[1])


def measure(samples: int = 7, with_sagemaker: bool = False) -> dict[str, object]:
    modules = HANDLER_MODULES
    times: dict[str, list[float]] = {"boto3": [], "floor": [], "all": [], "sagemaker": [], **{m: [] for m in modules}}
    for _ in range(samples):
        times["boto3"].append(cold_import_seconds(("boto3",)))
        times["floor"].append(cold_import_seconds(("boto3",), extra=_FLOOR))
        for module in modules:
            times[module].append(cold_import_seconds((module,)))
        times["all"].append(cold_import_seconds(tuple(modules)))
        if with_sagemaker:
            times["sagemaker"].append(cold_import_seconds(("sagemaker",)))
    boto3_s = min(times["boto3"])
    per_handler = {m.rsplit(".", 1)[1]: round(min(times[m]) / boto3_s, 2) for m in modules}
    result: dict[str, object] = {
        "samples": samples,
        "import_boto3_s": round(boto3_s, 4),
        "handler_ratios": per_handler,
        "ratio": max(per_handler.values()),
        "all_handlers_ratio": round(min(times["all"]) / boto3_s, 2),
        "floor_ratio": round(min(times["floor"]) / boto3_s, 2),
        "target_ratio": 1.5,
    }
    if with_sagemaker:
        result["import_sagemaker_ratio"] = round(min(times["sagemaker"]) / boto3_s, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--with-sagemaker", action="store_true", help="also time `import sagemaker` for comparison")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.samples, args.with_sagemaker), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
