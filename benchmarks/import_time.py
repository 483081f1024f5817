"""Cold-import time of the Lambda handler modules as a ratio to ``import boto3`` in the same run.

Each sample is a fresh interpreter (``python -c``) so nothing is cached in-process; samples alternate
between the two imports and the median is reported. Target: ratio <= 1.5 (``import sagemaker`` is ~11x).

    python -m benchmarks.import_time [--samples 7] [--with-sagemaker]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

HANDLER_MODULES = (
    "steps.handlers.populate_card",
    "steps.handlers.share_card",
    "steps.handlers.check_gate",
    "steps.handlers.approval_guard",
    "steps.handlers.gate_watcher",
)

_PROBE = (
    "import importlib.util, time, sys\n"
    "mods = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is not None]\n"
    "t = time.perf_counter()\n"
    "for m in mods: __import__(m)\n"
    "print(time.perf_counter() - t)\n"
)


def cold_import_seconds(modules: tuple[str, ...]) -> float:
    out = subprocess.run([sys.executable, "-c", _PROBE, *modules], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def present(modules: tuple[str, ...]) -> list[str]:
    import importlib.util

    return [m for m in modules if importlib.util.find_spec(m) is not None]


def measure(samples: int = 7, with_sagemaker: bool = False) -> dict[str, object]:
    boto3_times, handler_times, sagemaker_times = [], [], []
    for _ in range(samples):
        boto3_times.append(cold_import_seconds(("boto3",)))
        handler_times.append(cold_import_seconds(HANDLER_MODULES))
        if with_sagemaker:
            sagemaker_times.append(cold_import_seconds(("sagemaker",)))
    boto3_s = statistics.median(boto3_times)
    handlers_s = statistics.median(handler_times)
    result: dict[str, object] = {
        "samples": samples,
        "handler_modules": present(HANDLER_MODULES),
        "import_boto3_s": round(boto3_s, 4),
        "import_handlers_s": round(handlers_s, 4),
        "ratio": round(handlers_s / boto3_s, 2),
        "target_ratio": 1.5,
    }
    if with_sagemaker:
        result["import_sagemaker_ratio"] = round(statistics.median(sagemaker_times) / boto3_s, 2)
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
