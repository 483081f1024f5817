"""Render the figures of one ``make bench`` run into the docs (pure functions, plus the file writer).

Every measured figure of docs/performance.md and docs/reliability.md sits between marker comments::

    <!-- bench:start NAME -->
    ...generated...
    <!-- bench:end -->

``render_blocks(results)`` gives the text of every block from a results dict (``python -m benchmarks --json``,
recorded in ``benchmarks/results.json`` by ``--write-docs``); ``replace_blocks`` puts them into a document.
``tests/test_benchmarks_docs.py`` checks that the committed docs are exactly what the recorded results render.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results.json"
DOCS = {"performance": REPO / "docs" / "performance.md", "reliability": REPO / "docs" / "reliability.md"}
BLOCK = re.compile(r"<!-- bench:start (?P<name>[a-z0-9-]+) -->\n(?P<body>.*?)<!-- bench:end -->", re.S)

Row = tuple[str, str, str, str]


class MissingBlockError(ValueError):
    """A document lacks a block the renderer makes, or has a block it does not make."""


def _verdict(value: float, target: float, unit: str = "") -> str:
    return f"<= {target:g}{unit} {'ok' if value <= target else 'OVER'}"


def summary_rows(results: dict[str, Any]) -> list[Row]:
    """(benchmark, case, figure, target) rows of the summary table, for the console and docs/performance.md."""
    rows: list[Row] = []
    imp = results["import_time"]
    if "artefact_zipped_bytes" in imp:
        rows.append(
            (
                "Lambda artefact",
                f"`make package` for {imp['runtime']}",
                f"{imp['artefact_zipped_bytes'] / 2**20:.1f} MiB zipped, "
                f"{imp['artefact_unpacked_bytes'] / 2**20:.1f} MiB "
                f"unpacked, {imp['artefact_files']} files",
                "<= 250 MiB unpacked (Lambda's limit)",
            )
        )
    rows.append(("import time", f"timed from: {imp.get('source', 'the editable install')}", "-", "-"))
    rows.append(
        (
            "import time",
            "slowest handler / `import boto3`",
            f"{imp['ratio']}x (boto3 {imp['import_boto3_s']} s; all handlers together {imp['all_handlers_ratio']}x)",
            _verdict(imp["ratio"], imp["target_ratio"], "x"),
        )
    )
    ratios = dict(sorted(imp["handler_ratios"].items()))  # results.json stores keys sorted: render in that order
    rows.append(("import time", " / ".join(ratios), " / ".join(f"{r}x" for r in ratios.values()), "-"))
    rows.append(("import time", "floor: `import boto3` + pydantic's model API", f"{imp['floor_ratio']}x", "-"))
    if "import_sagemaker_ratio" in imp:
        rows.append(("import time", "`import sagemaker` (never at run time)", f"{imp['import_sagemaker_ratio']}x", "-"))
    api = results["api_calls"]
    for label, title in (("first_run", "first run"), ("steady_state", "associations done")):
        steady = label == "steady_state"
        steps = api[label]["steps"]
        rows.append(
            (
                "AWS calls, 2 accounts",
                f"{title}: {' / '.join(steps)} ({api['gate_stage']})",
                " / ".join(str(s["total"]) for s in steps.values()),
                f"<= {api['target_per_step']} per step, "
                f"{'ok' if all(s['total'] <= api['target_per_step'] for s in steps.values()) else 'OVER'}"
                if steady
                else "-",
            )
        )
        rows.append(
            (
                "AWS calls, 2 accounts",
                f"{title}: share + gate",
                str(api[label]["share_plus_gate"]),
                _verdict(api[label]["share_plus_gate"], api["target_per_step"]) if steady else "-",
            )
        )
        rows.append(
            (
                "AWS calls, 2 accounts",
                f"{title}: populate + share + gate",
                str(api[label]["total"]),
                _verdict(api[label]["total"], api["target_total"]) if steady else "-",
            )
        )
    rec = results["reconcile"]
    first, second = rec["first_run"], rec["second_run"]
    rows.append(
        (
            "reconcile",
            f"{rec['cards']} cards x {rec['stages']} stages, first run",
            f"{first['aws_calls']} AWS calls ({first['ram_writes']} RAM writes), {first['wall_seconds']} s, "
            f"peak {first['peak_memory_mib']} MiB",
            "RAM writes = stages x cards/100",
        )
    )
    rows.append(
        (
            "reconcile",
            f"{rec['cards']} cards x {rec['stages']} stages, second run",
            f"{second['aws_calls']} AWS calls, {second['ram_writes']} RAM writes, {second['wall_seconds']} s",
            "reads only " + ("ok" if second["reads_only"] else "OVER"),
        )
    )
    hub = results["hub"]
    size = f"{hub['spokes']} spokes x {hub['cards_per_spoke']} cards"
    first, second = hub["first_run"], hub["second_run"]
    rows.append(
        (
            "hub sync",
            f"{size}, first run",
            f"{first['calls_per_spoke']} hub calls per spoke, {first['card_writes']} card writes, "
            f"{first['wall_seconds']} s",
            "-",
        )
    )
    rows.append(
        (
            "hub sync",
            f"{size}, re-run",
            f"{second['calls_per_spoke']} hub calls per spoke, {second['card_writes']} card writes, "
            f"{second['wall_seconds']} s",
            "0 writes " + ("ok" if second["card_writes"] == 0 else "OVER"),
        )
    )
    inv = results["inventory"]
    rows.append(
        (
            "inventory",
            f"{inv['cards']} cards x {inv['stages']} stages, {inv['shares']} shares",
            f"{inv['calls']} AWS calls, {inv['wall_seconds']} s",
            f"2 x cards/100 + shares/500 + rows/500 + 1 = {inv['formula_calls']} "
            + ("ok" if inv["matches_formula"] else "OVER"),
        )
    )
    group = api["with_package_group"]
    for label, title in (("first_run", "first run"), ("steady_state", "associations done")):
        rows.append(
            (
                "AWS calls, 2 accounts",
                f"{title}, prod also shares the model package group: share / gate",
                f"{group[label]['share']} / {group[label]['gate']}",
                "-",
            )
        )
    gate = results["gate_latency"]
    flips = gate["rows"]
    rows.append(
        (
            "gate latency",
            f"associations flip at {' / '.join(str(r['flip_s']) for r in flips)} s",
            f"allowed at {' / '.join(str(r['allowed_at_s']) for r in flips)} s "
            f"(+{' / +'.join(str(r['latency_s']) for r in flips)} s)",
            "-",
        )
    )
    rows.append(
        (
            "gate latency",
            "polling: median / max detection delay",
            f"{gate['median_latency_s']} s / {gate['max_latency_s']} s = {gate['median_overhead_vs_interval']}x "
            f"the {flips[0]['poll_interval_s']} s poll interval",
            _verdict(gate["median_overhead_vs_interval"], 1.5, "x"),
        )
    )
    events = gate["event_driven"]
    rows.append(
        (
            "gate latency",
            f"event-driven: flip -> decision, median / max of {len(events['rows'])} (deployed stack, real time)",
            f"{events['median_latency_s']} s / {events['max_latency_s']} s",
            _verdict(events["median_latency_s"], events["target_s"], " s"),
        )
    )
    if "user_test" in results:  # recorded since virtual time (issue 19)
        user = results["user_test"]
        rows.append(
            (
                "user's emulator test",
                "`mcgov` publish -> share -> gate on the `emulator` fixture, default 5 s polls",
                f"{user['test_s']} s (the gate waited {user['emulator_clock_waited_s']} s of emulator time)",
                _verdict(user["test_s"], user["target_s"], " s"),
            )
        )
    for key, data in results["report_build"].items():
        name = "largest real report" if key == "largest_real" else data["report"]
        if key.startswith("confusion_"):
            rows.append(
                (
                    "report parse",
                    f"{name}, {data['cells_given']:,} cells given",
                    f"{data['parse_ms']} ms, peak {data['peak_mib']} MiB",
                    "linear in the cells",
                )
            )
            continue
        if "absent" in data:
            rows.append(("report build", name, f"not measured: {data['absent']}", "-"))
            continue
        if key == "largest_real":
            name = f"largest real report (`{data['report']}`)"
        rows.append(
            (
                "report build",
                f"{name}, {data['input_bytes']:,} B",
                f"{data['build_ms']} ms, {data['content_chars']:,} chars",
                f"<= {data['limit_chars']:,} {'ok' if data['fits'] else 'OVER'}",
            )
        )
    return rows


def _markdown(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _environment(results: dict[str, Any], what: str) -> str:
    env = results["environment"]
    return (
        f"{what}: one `make bench` run (`python -m benchmarks --write-docs`, recorded in `benchmarks/results.json`) "
        f"on {env['cpus']} cores, Python {env['python']}, moto {env['moto']}, {env['date']}.\n"
    )


def _import_budget(imp: dict[str, Any]) -> str:
    boto3_ms = imp["import_boto3_s"] * 1000
    headroom = (imp["target_ratio"] - imp["floor_ratio"]) * boto3_ms
    own = (imp["ratio"] - imp["floor_ratio"]) * boto3_ms
    room = (
        f"leaves {headroom:.0f} ms for the project's own modules under the {imp['target_ratio']}x target"
        if headroom > 0
        else f"is already {-headroom:.0f} ms over the {imp['target_ratio']}x target"
    )
    return (
        f"`import boto3` plus pydantic's model API alone is {imp['floor_ratio']}x `import boto3` "
        f"({boto3_ms:.0f} ms); the runtime rule (boto3 + pydantic) {room}, and the slowest handler's own "
        f"modules take {own:.0f} ms.\n"
    )


def _import_modules(imp: dict[str, Any]) -> str:
    modules = imp["modules"]
    largest = sorted(modules["own_ms_by_package"].items(), key=lambda item: (-item[1], item[0]))[:20]
    rows = [(package, f"{ms}") for package, ms in largest]
    return (
        f"`python -X importtime` of `{modules['handler']}` (the slowest handler) after `import boto3`: each "
        "module's own time, summed per package (the project's per sub-package), the 20 largest:\n\n"
        + _markdown(("package", "ms"), rows)
    )


def _api_calls(api: dict[str, Any]) -> str:
    rows = [
        (step, str(data["total"]), ", ".join(f"{op} {n}" for op, n in data["operations"].items()))
        for step, data in api["steady_state"]["steps"].items()
    ]
    return _markdown(("step (associations done)", "calls", "operations"), rows)


def _reconcile(rec: dict[str, Any]) -> str:
    rows = []
    for label in ("first_run", "second_run"):
        data = rec[label]
        memory = f"{data['peak_memory_mib']} MiB" if "peak_memory_mib" in data else "-"
        rows.append(
            (
                label.replace("_run", ""),
                ", ".join(f"{op} {n}" for op, n in data["ram_calls"].items()),
                str(data["ram_writes"]),
                str(data["aws_calls"]),
                f"{data['wall_seconds']} s",
                memory,
            )
        )
    return f"{rec['cards']} cards x {rec['stages']} stages:\n\n" + _markdown(
        ("run", "RAM calls", "RAM writes", "AWS calls (RAM + ListModelCards)", "wall", "peak memory (tracemalloc)"),
        rows,
    )


def _hub(hub: dict[str, Any]) -> str:
    rows = [
        (
            label.replace("_run", "").replace("second", "re-run"),
            str(data["calls"]),
            str(data["calls_per_spoke"]),
            ", ".join(f"{op} {n}" for op, n in data["operations"].items()),
            str(data["card_writes"]),
            f"{data['wall_seconds']} s",
        )
        for label, data in (("first_run", hub["first_run"]), ("second_run", hub["second_run"]))
    ]
    return (
        f"{hub['spokes']} spokes x {hub['cards_per_spoke']} cards, published in {hub['publish_wall_seconds']} s:\n\n"
        + _markdown(("run", "hub calls", "per spoke", "operations", "card writes", "wall"), rows)
    )


def _inventory(inv: dict[str, Any]) -> str:
    rows = [(op, str(n)) for op, n in inv["operations"].items()]
    return (
        f"{inv['cards']} cards x {inv['stages']} stages ({inv['shares']} batched shares, {inv['resource_rows']} "
        f"resource associations), {inv['calls']} calls in {inv['wall_seconds']} s:\n\n"
        + _markdown(("operation", "calls"), rows)
    )


FAULT_ROWS = (
    ("throttle", "400 `ThrottlingException` (S3: 503 `SlowDown`), once", "every index"),
    ("internal", "500 `InternalFailure`, once", "sample (every 4th + every write)"),
    ("read_timeout", "`ReadTimeoutError` before the request, once", "same sample"),
    ("connection_reset", "`ConnectionClosedError` (connection reset), once", "same sample"),
    ("lost_response", "response lost after the emulator executed the write, once", "same sample"),
    ("throttle_every_attempt", "throttling on every attempt (retries exhausted)", "every 3rd + every write"),
    ("denied_every_attempt", "400 `AccessDeniedException` (not retryable)", "same"),
)


def _faults(reliability: dict[str, Any]) -> str:
    faults = reliability["faults"]
    rows = []
    for key, fault, indexes in FAULT_ROWS:
        data = faults[key]
        absorbed = str(data["absorbed"]) if "absorbed" in data else "-"
        outcome = "recovered by a re-run" if key.endswith("_every_attempt") else "converged"
        rows.append((fault, indexes, f"{data['survived']}/{data['injected']} {outcome}", absorbed))
    total = sum(faults[key]["injected"] for key, _, _ in FAULT_ROWS)
    survived = sum(faults[key]["survived"] for key, _, _ in FAULT_ROWS)
    return (
        f"A clean run makes {faults['clean_run']['calls']} AWS calls (indexes "
        f"0..{faults['clean_run']['calls'] - 1}).\n\n"
        + _markdown(("fault (botocore sees it as in AWS)", "call indexes", "survived", "absorbed by retries"), rows)
        + f"\nTotal: {total} injected faults, {survived} survived (the re-run converged).\n"
    )


def _concurrency(reliability: dict[str, Any]) -> str:
    data = reliability["concurrency"]["first_populate"]
    return (
        f"{data['threads']} threads running `populate_card` + `ensure_share` for the same new card and policy, "
        f"with {data['colliding_creates']} CreateModelCard calls held at a barrier until all collide: "
        f"{data['errors']} errors, one card version and one share per stage.\n"
    )


FUZZ_LABELS = {
    "training-job": "`card build --training-job`",
    "evaluation": "`card build --evaluation` (+ mutated real reports)",
    "template": "`card build --template`",
    "model-package": "`card build --model-package`",
    "content (validate)": "`card validate` content file",
    "content (publish)": "`card publish --content` (emulator)",
    "share policy (validate)": "`policy validate` share policy",
    "share policy (share ensure)": "`share ensure --policy` (emulator)",
}


def _fuzz(reliability: dict[str, Any]) -> str:
    fuzz = reliability["fuzz"]
    inputs = fuzz["inputs"]
    rows = [(FUZZ_LABELS[name], str(inputs[name]["tried"]), str(inputs[name]["refused"])) for name in FUZZ_LABELS]
    events = {name: data for name, data in inputs.items() if name.startswith("event ")}
    rows.append(
        (
            f"handler events: {', '.join(name.removeprefix('event ') for name in events)}",
            str(sum(d["tried"] for d in events.values())),
            f"{sum(d['refused'] for d in events.values())} refused with `HandlerFailure`, no write",
        )
    )
    total = sum(d["tried"] for d in inputs.values())
    return (
        f"Hypothesis (derandomized, {fuzz['examples_per_input']} examples per input).\n\n"
        + _markdown(("input", "tried", "refused (exit 2)"), rows)
        + f"\nTotal: {total} inputs tried.\n"
    )


def _suites(reliability: dict[str, Any], results: dict[str, Any]) -> str:
    env = results["environment"]
    return (
        "Counts below: one `make bench` run (`python -m benchmarks --write-docs`, recorded in "
        "`benchmarks/results.json`) "
        f"on {env['cpus']} cores, Python {env['python']}, moto {env['moto']}, {env['date']}: "
        f"{reliability['tests']} tests in {len(reliability['suites'])} files, {reliability['wall_seconds']} s.\n"
    )


def render_blocks(results: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Document key -> block name -> generated text (each ends with a newline)."""
    reliability = results["reliability"]
    return {
        "performance": {
            "environment": _environment(results, "Figures below"),
            "summary": _markdown(("benchmark", "case", "figure", "target"), summary_rows(results)),
            "import-budget": _import_budget(results["import_time"]),
            "import-modules": _import_modules(results["import_time"]),
            "api-calls": _api_calls(results["api_calls"]),
            "reconcile": _reconcile(results["reconcile"]),
            "hub": _hub(results["hub"]),
            "inventory": _inventory(results["inventory"]),
        },
        "reliability": {
            "environment": _suites(reliability, results),
            "faults": _faults(reliability),
            "concurrency": _concurrency(reliability),
            "fuzz": _fuzz(reliability),
        },
    }


def replace_blocks(text: str, blocks: dict[str, str], *, source: str = "<document>") -> str:
    """``text`` with the body of every marked block replaced; every block must be present exactly once."""
    found = [m.group("name") for m in BLOCK.finditer(text)]
    missing = sorted(set(blocks) - set(found))
    unknown = sorted(set(found) - set(blocks))
    repeated = sorted({name for name in found if found.count(name) > 1})
    if missing or unknown or repeated:
        raise MissingBlockError(f"{source}: blocks missing {missing}, unknown {unknown}, repeated {repeated}")
    return BLOCK.sub(
        lambda m: f"<!-- bench:start {m.group('name')} -->\n{blocks[m.group('name')]}<!-- bench:end -->", text
    )


def write_docs(results: dict[str, Any]) -> list[Path]:
    """Regenerate every block of the docs from ``results``; return the files changed."""
    changed = []
    for key, blocks in render_blocks(results).items():
        path = DOCS[key]
        text = path.read_text(encoding="utf-8")
        new = replace_blocks(text, blocks, source=str(path))
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
