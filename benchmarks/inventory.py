"""Benchmark ``mcgov inventory`` on the emulator: ``python -m benchmarks.inventory [--cards 5000] [--json]``.

Cards are created straight in the emulator's SageMaker backend, half Approved with a valid approval record in their
tags, half PendingReview; ``mcgov reconcile`` shares them (staging: every card, prod: the Approved ones) and the
associations settle; neither is measured. Measured: one ``read_fleet`` through boto3 (what ``mcgov inventory`` reads,
STS aside), its calls per operation and its wall time, against the formula of docs/inventory.md.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from benchmarks.reconcile import OWNER, POLICY, READONLY_TEMPLATE, REGION

APPROVER = f"arn:aws:sts::{OWNER}:assumed-role/CardReviewer/bench"


def _create_cards(count: int) -> None:
    from moto.sagemaker.models import sagemaker_backends

    from mcgov.steps.approval.tags import ApprovalRecord
    from mcgov.steps.common.jsonutil import content_sha256

    backend = sagemaker_backends[OWNER][REGION]
    content = json.dumps({"model_overview": {"model_description": "benchmark"}})
    record = ApprovalRecord(1, content_sha256(content), APPROVER, "2026-12-01T00:00:00Z").as_stored()
    tags = [{"Key": k, "Value": v} for k, v in record.to_tags().items()]
    for i in range(count):
        approved = i % 2 == 0
        backend.create_model_card(
            model_card_name=f"bench-{i:05d}",
            security_config=None,
            content=content,
            model_card_status="Approved" if approved else "PendingReview",
            tags=list(tags) if approved else None,
        )


def run(cards: int = 5000) -> dict[str, Any]:
    """Inventory ``cards`` cards x 2 stages on a fresh emulator; return the measured figures."""
    from mcgov.emulator import Emulator
    from mcgov.steps.inventory.read import read_fleet
    from mcgov.steps.policy import load_policy
    from mcgov.steps.reconcile.run import reconcile
    from mcgov.steps.share.client import ram_client

    with Emulator() as emu:
        emu.set_association_delay(polls=None, seconds=None)
        session = emu.session(OWNER)
        ram = ram_client(session, REGION)
        ram.create_permission(
            name="ModelCardReadOnly", resourceType="sagemaker:ModelCard", policyTemplate=READONLY_TEMPLATE
        )
        sagemaker = session.client("sagemaker", region_name=REGION)
        policy = load_policy(POLICY)
        _create_cards(cards)
        reconcile(ram, sagemaker, policy)
        shares = [
            s
            for page in ram.get_paginator("get_resource_shares").paginate(resourceOwner="SELF")
            for s in page["resourceShares"]
            if s["status"] == "ACTIVE"
        ]
        start = len(emu.api_calls)
        began = time.perf_counter()
        inventory = read_fleet(sagemaker, ram, policy, datetime.now(UTC))
        wall = time.perf_counter() - began
        calls = Counter(f"{service}.{op}" for _, service, op in emu.api_calls[start:])
    summary = inventory.summary()
    resource_rows = sum(summary["stages"][s].get("associated", 0) for s in summary["stages"])
    formula = 2 * math.ceil(cards / 100) + math.ceil(len(shares) / 500) + math.ceil(resource_rows / 500) + 1
    return {
        "cards": cards,
        "stages": len(summary["stages"]),
        "shares": len(shares),
        "resource_rows": resource_rows,
        "calls": sum(calls.values()),
        "operations": dict(sorted(calls.items())),
        "formula_calls": formula,
        "matches_formula": sum(calls.values()) == formula,
        "wall_seconds": round(wall, 2),
        "summary": {"approval": summary["approval"], "stages": summary["stages"]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inventory", description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.cards < 1:
        parser.error("--cards must be >= 1")
    result = run(args.cards)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"inventory benchmark: {result['cards']} cards x {result['stages']} stages, {result['shares']} shares: "
            f"{result['calls']} AWS calls (formula {result['formula_calls']}), {result['wall_seconds']} s"
        )
        print(", ".join(f"{op} {n}" for op, n in result["operations"].items()))
    return 0 if result["matches_formula"] else 1


if __name__ == "__main__":
    sys.exit(main())
