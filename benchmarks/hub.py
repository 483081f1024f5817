"""Benchmark the hub sync on the emulator: ``python -m benchmarks.hub [--spokes 50] [--cards 20] [--json]``.

Each spoke's cards are created straight in the emulator's SageMaker backend (not what is measured); each spoke
publishes them to the hub (``mcgov hub publish``: batched RAM shares), then the hub syncs every spoke
(``mcgov hub sync``, the core the state machine's per-spoke Lambda runs) twice: the first run creates every copy,
the second must write nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any

HUB = "111111111111"
REGION = "us-east-1"
CARD_WRITES = frozenset({"CreateModelCard", "UpdateModelCard"})


def spoke_accounts(count: int) -> list[str]:
    return [f"{400000000000 + i:012d}" for i in range(count)]


def _create_cards(spoke: str, count: int) -> None:
    from moto.sagemaker.models import sagemaker_backends

    backend = sagemaker_backends[spoke][REGION]
    for i in range(count):
        content = json.dumps({"model_overview": {"model_description": f"model {i} of spoke {spoke}"}})
        backend.create_model_card(
            model_card_name=f"model-{i:03d}",
            security_config=None,
            content=content,
            model_card_status="Draft",
            tags=None,
        )


def _calls(emu: Any, start: int, account: str) -> dict[str, Any]:
    ops = Counter(f"{service}:{op}" for who, service, op in emu.api_calls[start:] if who == account)
    return {
        "operations": dict(sorted(ops.items())),
        "calls": sum(ops.values()),
        "card_writes": sum(n for op, n in ops.items() if op.split(":")[1] in CARD_WRITES),
    }


def _sync_run(emu: Any, ram: Any, sagemaker: Any, policy: Any, spokes: int) -> dict[str, Any]:
    from mcgov.steps.hub.hub_side import sync

    start = len(emu.api_calls)
    began = time.perf_counter()
    report = sync(ram, sagemaker, policy)
    wall = time.perf_counter() - began
    calls = _calls(emu, start, HUB)
    counts: Counter[str] = Counter()
    for spoke in report.spokes:
        assert spoke.error is None, f"spoke {spoke.spoke}: {spoke.error}"
        counts.update(spoke.counts(False))
    return {
        **calls,
        "calls_per_spoke": round(calls["calls"] / spokes, 1),
        "wall_seconds": round(wall, 2),
        "outcomes": {k: n for k, n in sorted(counts.items()) if n},
    }


def run(spokes: int = 50, cards: int = 20) -> dict[str, Any]:
    """Publish ``cards`` cards from each of ``spokes`` spokes, sync twice; the figures (the re-run writes nothing)."""
    from mcgov.emulator import Emulator, EmulatorConfig
    from mcgov.share_policies.loader import parse_policy
    from mcgov.steps.hub.spoke_side import publish
    from mcgov.steps.share.client import ram_client

    accounts = spoke_accounts(spokes)
    policy = parse_policy(
        {
            "version": 1,
            "topology": "hub-and-spoke",
            "hub_account": HUB,
            "region": REGION,
            "spokes": [{"account": a} for a in accounts],
        }
    )
    with Emulator(EmulatorConfig(any_account_in_organization=True)) as emu:
        emu.set_association_delay(polls=None, seconds=None)
        began = time.perf_counter()
        for account in accounts:
            _create_cards(account, cards)
            session = emu.session(account)
            report = publish(ram_client(session, REGION), session.client("sagemaker"), session.client("sts"), policy)
            assert not report.failed, report.to_dict()
        published = time.perf_counter() - began
        hub = emu.session(HUB)
        ram, sagemaker = ram_client(hub, REGION), hub.client("sagemaker")
        first = _sync_run(emu, ram, sagemaker, policy, spokes)
        second = _sync_run(emu, ram, sagemaker, policy, spokes)
    assert first["outcomes"] == {"synced": spokes * cards}, first["outcomes"]
    assert second["outcomes"] == {"unchanged": spokes * cards}, second["outcomes"]
    assert second["card_writes"] == 0, f"the re-run wrote {second['card_writes']} hub cards"
    return {
        "spokes": spokes,
        "cards_per_spoke": cards,
        "publish_wall_seconds": round(published, 2),
        "first_run": first,
        "second_run": second,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hub", description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, default=50)
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.spokes < 1 or args.cards < 1:
        parser.error("--spokes and --cards must be >= 1")
    result = run(args.spokes, args.cards)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"hub sync benchmark: {result['spokes']} spokes x {result['cards_per_spoke']} cards "
        f"(publish {result['publish_wall_seconds']} s)"
    )
    for label in ("first_run", "second_run"):
        data = result[label]
        print(
            f"{label.replace('_', ' ')}: {data['calls']} hub calls ({data['calls_per_spoke']} per spoke), "
            f"{data['card_writes']} card writes, {data['wall_seconds']} s; {data['outcomes']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
