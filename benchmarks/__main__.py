"""``make bench``: run every benchmark and print one table (figures recorded in docs/performance.md).

    python -m benchmarks [--import-samples 5] [--reconcile-cards 1000]
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

Row = tuple[str, str, str, str]


def _import_time(samples: int) -> list[Row]:
    from benchmarks.import_time import measure

    result = measure(samples=samples)
    target = float(result.get("target_ratio", 1.5))
    ok = "ok" if float(result["ratio"]) <= target else "OVER"
    details = [f"import boto3 {result.get('import_boto3_s')}s"]
    if "all_handlers_ratio" in result:
        details.append(f"all handlers together {result['all_handlers_ratio']}x")
    rows: list[Row] = [("import time", "slowest handler / import boto3", f"{result['ratio']}x ({', '.join(details)})",
                        f"<= {target}x {ok}")]
    for name, ratio in dict(result.get("handler_ratios") or {}).items():
        rows.append(("import time", f"handler {name}", f"{ratio}x", "-"))
    return rows


def _api_calls() -> list[Row]:
    from benchmarks.api_calls import TARGET_PER_STEP, TARGET_TOTAL, run

    result = run()
    rows: list[Row] = []

    def verdict(value: int, target: int) -> str:
        return f"<= {target} {'ok' if value <= target else 'OVER'}"

    for label in ("first_run", "steady_state"):
        steady = label == "steady_state"
        for step, data in result[label]["steps"].items():
            target = verdict(data["total"], TARGET_PER_STEP) if steady else "-"
            rows.append(("AWS calls (2 accounts)", f"{label.replace('_', ' ')}: {step}", str(data["total"]), target))
        pair = result[label]["share_plus_gate"]
        rows.append(("AWS calls (2 accounts)", f"{label.replace('_', ' ')}: share + gate", str(pair),
                     verdict(pair, TARGET_TOTAL) if steady else "-"))
        total = result[label]["total"]
        rows.append(("AWS calls (2 accounts)", f"{label.replace('_', ' ')}: populate + share + gate", str(total),
                     verdict(total, TARGET_TOTAL) if steady else "-"))
    return rows


def _reconcile(cards: int) -> list[Row]:
    try:
        module = importlib.import_module("benchmarks.reconcile")
        run = getattr(module, "run")
    except (ImportError, AttributeError):
        return [("reconcile", f"{cards} cards", "n/a", "-")]
    result = run(cards)
    rows: list[Row] = []
    for label in ("first_run", "second_run"):
        data = result.get(label, {})
        figures = {k: v for k, v in data.items() if k not in ("counts",) and not isinstance(v, dict)}
        rows.append(("reconcile", f"{result.get('cards', cards)} cards x {result.get('stages', '?')} stages, {label.replace('_', ' ')}",
                     ", ".join(f"{k}={v}" for k, v in figures.items()), "-"))
    return rows


def _gate_latency() -> list[Row]:
    from benchmarks.gate_latency import run

    result = run()
    rows: list[Row] = [("gate latency", f"flip at {r['flip_s']}s", f"allowed at {r['allowed_at_s']}s: +{r['latency_s']}s, "
                        f"{r['polls']} polls", "-") for r in result["rows"]]
    rows.append(("gate latency", "median / max detection delay",
                 f"{result['median_latency_s']}s / {result['max_latency_s']}s "
                 f"({result['median_overhead_vs_interval']}x the {result['rows'][0]['poll_interval_s']}s poll interval)", "-"))
    return rows


def _report_build() -> list[Row]:
    from benchmarks.report_build import CONTENT_LIMIT, run

    rows: list[Row] = []
    for label, data in run().items():
        name = data.get("report", label).rsplit("/shared/real-world/cases/", 1)[-1]
        if "error" in data:
            rows.append(("report build", name, data["error"], "-"))
            continue
        rows.append(("report build", name, f"{data['build_ms']} ms, {data['content_chars']:,} chars "
                     f"(input {data['input_bytes']:,} B)", f"<= {CONTENT_LIMIT:,} {'ok' if data['fits'] else 'OVER'}"))
    return rows


def table(rows: list[Row]) -> str:
    header: Row = ("benchmark", "case", "figure", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    out = [line, "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |", line]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join([*out, line])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark and print one table.")
    parser.add_argument("--import-samples", type=int, default=5)
    parser.add_argument("--reconcile-cards", type=int, default=1000)
    args = parser.parse_args(argv)
    sections: list[tuple[str, Callable[[], list[Row]]]] = [
        ("import time", lambda: _import_time(args.import_samples)),
        ("AWS calls", _api_calls),
        ("reconcile", lambda: _reconcile(args.reconcile_cards)),
        ("gate latency", _gate_latency),
        ("report build", _report_build),
    ]
    rows: list[Row] = []
    for name, section in sections:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows += section()
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the others
            rows.append((name, "error", f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}", "-"))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
