"""``make bench``: run every benchmark once and print one table; a benchmark that raises fails the run.

    python -m benchmarks [--import-samples 5] [--reconcile-cards 1000] [--hub-spokes 50 --hub-cards 20]
                         [--inventory-cards 5000] [--json | --write-docs]

``--json`` prints the results instead of the table. ``--write-docs`` records them in ``benchmarks/results.json``
and regenerates the figure blocks of docs/performance.md and docs/reliability.md (``benchmarks.docs``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import traceback
from collections.abc import Callable
from importlib import metadata
from typing import Any

from benchmarks.docs import RESULTS, summary_rows, write_docs


def table(rows: list[tuple[str, ...]]) -> str:
    header = ("benchmark", "case", "figure", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    out = [line, "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    return "\n".join([*out, line])


def environment() -> dict[str, Any]:
    return {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "moto": metadata.version("moto"),
        "cpus": os.cpu_count(),
    }


def sections(args: argparse.Namespace) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    from benchmarks import (
        api_calls,
        gate_latency,
        hub,
        import_time,
        inventory,
        reconcile,
        reliability,
        report_build,
        user_test,
    )

    return [
        ("import_time", lambda: import_time.measure(samples=args.import_samples, with_sagemaker=True)),
        ("api_calls", api_calls.run),
        ("reconcile", lambda: reconcile.run(args.reconcile_cards)),
        ("hub", lambda: hub.run(args.hub_spokes, args.hub_cards)),
        ("inventory", lambda: inventory.run(args.inventory_cards)),
        ("gate_latency", gate_latency.run),
        ("user_test", user_test.run),
        ("report_build", report_build.run),
        ("reliability", reliability.run),
    ]


def run_all(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """Every benchmark's result; the names of those that raised (their tracebacks go to stderr)."""
    results: dict[str, Any] = {"environment": environment()}
    failed: list[str] = []
    for name, section in sections(args):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            results[name] = section()
        except Exception:  # noqa: BLE001 - reported, the others still run, and the run exits 1
            traceback.print_exc()
            failed.append(name)
    return results, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Run every benchmark and print one table."
    )
    parser.add_argument("--import-samples", type=int, default=5)
    parser.add_argument("--reconcile-cards", type=int, default=1000)
    parser.add_argument("--hub-spokes", type=int, default=50)
    parser.add_argument("--hub-cards", type=int, default=20)
    parser.add_argument("--inventory-cards", type=int, default=5000)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the results as JSON instead of the table")
    output.add_argument(
        "--write-docs",
        action="store_true",
        help="record the results in benchmarks/results.json and regenerate the docs' figure blocks",
    )
    args = parser.parse_args(argv)
    results, failed = run_all(args)
    if args.write_docs and not failed:
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        results = json.loads(RESULTS.read_text(encoding="utf-8"))  # the docs render what the test re-reads
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    elif not failed:
        print(table(summary_rows(results)))
    if failed:
        print(
            f"benchmarks failed: {', '.join(failed)}" + ("; docs not written" if args.write_docs else ""),
            file=sys.stderr,
        )
        return 1
    if args.write_docs:
        changed = write_docs(results)
        print(f"wrote {RESULTS.name}; docs changed: {', '.join(p.name for p in changed) or 'none'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
