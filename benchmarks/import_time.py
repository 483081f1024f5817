"""Cold-import time of the Lambda handlers, from the deployment artefact, as a ratio to ``import boto3``.

The artefact is built (``make package``), unpacked as Lambda unpacks it into ``/var/task``, and imported by a
fresh interpreter of the runtime's Python (``lambda-runtime.txt``) that sees only the artefact (which bundles the
SDK of ``steps/stack/lambda-sdk.txt``; ``import boto3`` is timed from it too), as in Lambda: each sample is a new
process, samples alternate and the fastest one (least disturbed by other load) is kept. The time is the
interpreter's CPU time for the imports (``time.process_time``): what a cold start spends, without the wall-clock
time other processes on a shared machine take (which made the ratios swing by 0.5).
A Lambda imports one handler, so the figure that matters is each handler's own ratio; ``ratio`` is the
largest (target <= 1.5). ``floor_ratio`` is ``import boto3`` plus pydantic's model API, what the runtime rule
(boto3 + pydantic) costs before any project module. Without an interpreter of the runtime's version the
editable install is timed instead, and ``source`` says so. ``--with-sagemaker`` adds ``import sagemaker`` (the
authoring layer, timed in this interpreter) for comparison. A module that cannot be imported fails the run.
``modules`` says where the slowest handler's import time goes: ``python -X importtime`` of it (after ``import
boto3``, which is the denominator), each module's own time summed per package (the project's per sub-package),
the fastest of ``samples`` runs per package.

    python -m benchmarks.import_time [--samples 7] [--with-sagemaker]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mcgov.steps.stack import lambda_package as pkg

_PROBE = (
    "import sys, time\n"
    "sys.path[:0] = {path!r}\n"
    "t = time.process_time()\n"
    "for m in {modules!r}: __import__(m)\n"
    "{extra}"
    "print('import-seconds', time.process_time() - t)\n"
)
_FLOOR = "from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator\n"
# What each Powertools for AWS Lambda utility adds to the floor (in the artefact only): the handlers use the first
# three; BatchProcessor and the parser's envelopes cost more than they give (docs/deploy.md), the X-Ray SDK loads
# only with the stack's Tracing=true.
POWERTOOLS = {
    "logger": ("aws_lambda_powertools.logging.logger",),
    "metrics": ("aws_lambda_powertools.metrics.metrics",),
    "parameters": ("aws_lambda_powertools.utilities.parameters.base",),
    "batch_processor": ("aws_lambda_powertools.utilities.batch",),
    "parser_envelopes": ("aws_lambda_powertools.utilities.parser", "aws_lambda_powertools.utilities.parser.envelopes"),
    "tracer_xray": ("aws_lambda_powertools.tracing.tracer", "aws_xray_sdk.core"),
}


@dataclass(frozen=True)
class Interpreter:
    """How to start a cold interpreter: the executable, its flags and the folders it may import from."""

    executable: str
    flags: tuple[str, ...]
    path: tuple[str, ...]

    def seconds(self, modules: tuple[str, ...], extra: str = "") -> float:
        """Seconds a fresh interpreter takes to import ``modules`` (then run ``extra``); fails when an import fails."""
        probe = _PROBE.format(path=list(self.path), modules=list(modules), extra=extra)
        out = subprocess.run(
            [self.executable, *self.flags, "-c", probe],
            capture_output=True,
            text=True,
            env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"},
        )
        if out.returncode != 0:
            raise RuntimeError(f"importing {', '.join(modules)} failed: {out.stderr.strip().splitlines()[-1:]}")
        # Some packages (sagemaker) log to stdout on import: the figure is the probe's own marked line.
        line = next(line for line in reversed(out.stdout.splitlines()) if line.startswith("import-seconds "))
        return float(line.split()[1])


def import_breakdown(interpreter: Interpreter, module: str, samples: int) -> dict[str, float]:
    """Milliseconds of own import time per package (``mcgov.steps.<x>`` for the project) when ``module`` is
    imported after boto3: ``python -X importtime``, the fastest of ``samples`` runs per package, largest first."""
    probe = f"import sys\nsys.path[:0] = {list(interpreter.path)!r}\nimport boto3\nimport {module}\n"
    best: dict[str, float] = {}
    for _ in range(samples):
        out = subprocess.run(
            [interpreter.executable, *interpreter.flags, "-X", "importtime", "-c", probe],
            capture_output=True,
            text=True,
            env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"},
        )
        if out.returncode != 0:
            raise RuntimeError(f"importing {module} failed: {out.stderr.strip().splitlines()[-1:]}")
        lines = [line for line in out.stderr.splitlines() if line.startswith("import time:") and "self" not in line]
        after_boto3 = False
        totals: dict[str, float] = {}
        for line in lines:
            own, _, name = line.removeprefix("import time:").split("|")
            name = name.strip()
            if after_boto3:
                parts = name.split(".")
                key = ".".join(parts[:3]) if parts[0] == "mcgov" and len(parts) > 2 else parts[0]
                totals[key] = totals.get(key, 0.0) + int(own) / 1000
            after_boto3 = after_boto3 or name == "boto3"
        for key, value in totals.items():
            best[key] = min(best.get(key, value), value)
    return {key: round(value, 1) for key, value in sorted(best.items(), key=lambda kv: -kv[1])}


def _best(interpreter: Interpreter, samples: int, runs: dict[str, tuple[tuple[str, ...], str]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(samples):
        for name, (modules, extra) in runs.items():
            times[name].append(interpreter.seconds(modules, extra))
    return {name: min(values) for name, values in times.items()}


def measure(samples: int = 7, with_sagemaker: bool = False) -> dict[str, object]:
    runtime = pkg.default_runtime()
    python = pkg.runtime_python(pkg.python_version(runtime))
    handlers = pkg.HANDLERS
    runs = {
        "boto3": (("boto3",), ""),
        "floor": (("boto3",), _FLOOR),
        "all": (handlers, ""),
        **{m: ((m,), "") for m in handlers},
    }
    if python is not None:
        runs.update({f"powertools:{name}": (("boto3", *modules), _FLOOR) for name, modules in POWERTOOLS.items()})
    with tempfile.TemporaryDirectory(prefix="mcgov-bench-") as tmp:
        result: dict[str, object] = {"runtime": runtime}
        if python is not None:
            artefact = pkg.build(Path(tmp) / "dist", log=lambda line: None)
            size = pkg.artefact_size(artefact)
            task = pkg.unpack(artefact, Path(tmp) / "task")
            interpreter = Interpreter(str(python), ("-I", "-S"), (str(task),))
            result.update(
                source=f"unpacked {pkg.ARTEFACT_NAME} under {python}",
                artefact_zipped_bytes=size.zipped_bytes,
                artefact_unpacked_bytes=size.unpacked_bytes,
                artefact_files=size.files,
            )
        else:
            interpreter = Interpreter(sys.executable, (), ())
            result["source"] = f"editable install under {sys.executable} (no Python {pkg.python_version(runtime)} here)"
        best = _best(interpreter, samples, runs)
        slowest = max(handlers, key=lambda m: best[m])  # where its time goes, while the artefact is unpacked
        modules = {
            "handler": slowest.rsplit(".", 1)[1],
            "own_ms_by_package": import_breakdown(interpreter, slowest, samples),
        }
    boto3_s = best["boto3"]
    per_handler = {m.rsplit(".", 1)[1]: round(best[m] / boto3_s, 2) for m in handlers}
    result.update(
        samples=samples,
        import_boto3_s=round(boto3_s, 4),
        handler_ratios=per_handler,
        ratio=max(per_handler.values()),
        all_handlers_ratio=round(best["all"] / boto3_s, 2),
        floor_ratio=round(best["floor"] / boto3_s, 2),
        target_ratio=1.5,
        modules=modules,
    )
    if python is not None:  # milliseconds each utility adds to the floor (boto3 + pydantic)
        result["powertools_over_floor_ms"] = {
            name: round((best[f"powertools:{name}"] - best["floor"]) * 1000, 1) for name in POWERTOOLS
        }
    if with_sagemaker:
        here = Interpreter(sys.executable, (), ())
        local = _best(here, samples, {"boto3": (("boto3",), ""), "sagemaker": (("sagemaker",), "")})
        result["import_sagemaker_ratio"] = round(local["sagemaker"] / local["boto3"], 2)
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
