"""Benchmark ``mcgov reconcile`` on the emulator: ``python -m benchmarks.reconcile [--cards 1000] [--json]``.

Cards are created straight in the emulator's SageMaker backend (the API path is not what is measured);
reconcile itself goes through boto3. Two accounts (staging + prod, example policy); a second run must be reads only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "share_policies" / "example.yaml"
OWNER = "111111111111"
REGION = "us-east-1"
READONLY_TEMPLATE = json.dumps({"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"]})
RAM_WRITES = frozenset(
    {
        "CreateResourceShare",
        "AssociateResourceShare",
        "DisassociateResourceShare",
        "UpdateResourceShare",
        "DeleteResourceShare",
    }
)


def _create_cards(count: int) -> None:
    from moto.sagemaker.models import sagemaker_backends

    backend = sagemaker_backends[OWNER][REGION]
    content = json.dumps({"model_overview": {"model_description": "benchmark"}})
    for i in range(count):
        backend.create_model_card(
            model_card_name=f"bench-{i:05d}",
            security_config=None,
            content=content,
            model_card_status="Approved",
            tags=None,
        )


def _calls(emu: Any, start: int) -> dict[str, Any]:
    calls = emu.api_calls[start:]
    ram = Counter(op for _, service, op in calls if service == "ram")
    return {
        "ram_calls": dict(sorted(ram.items())),
        "ram_writes": sum(n for op, n in ram.items() if op in RAM_WRITES),
        "aws_calls": len(calls),
    }


def _plain(counts: dict[Any, int]) -> dict[str, int]:
    return {str(getattr(outcome, "value", outcome)): n for outcome, n in counts.items()}


@contextmanager
def _world(cards: int) -> Iterator[tuple[Any, Any, Any, Any]]:
    """A fresh emulator with ``cards`` Approved cards and the read-only permission:
    (emulator, ram, sagemaker, policy)."""
    from mcgov.emulator import Emulator
    from mcgov.steps.policy import load_policy
    from mcgov.steps.share.client import ram_client

    with Emulator() as emu:
        session = emu.session(OWNER)
        ram = ram_client(session, REGION)
        ram.create_permission(
            name="ModelCardReadOnly", resourceType="sagemaker:ModelCard", policyTemplate=READONLY_TEMPLATE
        )
        _create_cards(cards)
        yield emu, ram, session.client("sagemaker", region_name=REGION), load_policy(POLICY)


def run(cards: int = 1000) -> dict[str, Any]:
    """Reconcile ``cards`` cards x 2 stages on a fresh emulator; return the measured figures.

    Wall times are measured without tracemalloc; the first run's peak memory comes from a second fresh
    emulator running the same first reconcile under tracemalloc (its overhead would distort the time).
    """
    from mcgov.steps.reconcile.run import reconcile

    with _world(cards) as (emu, ram, sagemaker, policy):
        start = len(emu.api_calls)
        began = time.perf_counter()
        report = reconcile(ram, sagemaker, policy)
        wall = time.perf_counter() - began
        first = _calls(emu, start)
        start = len(emu.api_calls)
        began = time.perf_counter()
        again = reconcile(ram, sagemaker, policy)
        second_wall = time.perf_counter() - began
        second = _calls(emu, start)
    with _world(cards) as (_, ram, sagemaker, policy):
        tracemalloc.start()
        try:
            reconcile(ram, sagemaker, policy)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return {
        "cards": cards,
        "stages": 2,
        "first_run": {
            **first,
            "wall_seconds": round(wall, 2),
            "peak_memory_mib": round(peak / 2**20, 1),
            "counts": _plain(report.counts),
        },
        "second_run": {
            **second,
            "wall_seconds": round(second_wall, 2),
            "reads_only": second["ram_writes"] == 0,
            "counts": _plain(again.counts),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reconcile", description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.cards < 1:
        parser.error("--cards must be >= 1")
    result = run(args.cards)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        first, second = result["first_run"], result["second_run"]
        print(f"reconcile benchmark: {result['cards']} cards x {result['stages']} stages")
        print(
            f"first run : RAM {first['ram_calls']} (writes {first['ram_writes']}), AWS calls {first['aws_calls']}, "
            f"{first['wall_seconds']}s, peak {first['peak_memory_mib']} MiB"
        )
        print(
            f"second run: RAM {second['ram_calls']} (writes {second['ram_writes']}), AWS calls {second['aws_calls']}, "
            f"{second['wall_seconds']}s"
        )
    return 0 if result["second_run"]["reads_only"] else 1


if __name__ == "__main__":
    sys.exit(main())
