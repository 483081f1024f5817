"""Gate detection latency: associations flip to ASSOCIATED at a known emulator-clock moment; how long after
that does ``run_gate`` report allowed, and how does the backoff compare with the poll interval?

    python -m benchmarks.gate_latency [--json]
"""

from __future__ import annotations

import statistics
import sys
from typing import Any

from benchmarks._world import approve, bench_main, seeded_world

FLIP_AFTER_SECONDS = (3, 12, 37, 95, 300)


def run(flips: tuple[float, ...] = FLIP_AFTER_SECONDS, stage: str = "prod") -> dict[str, Any]:
    """For each flip moment: seconds from flip to allowed, polls made, and the policy's poll interval."""
    from mcgov.steps.card.service import populate_card
    from mcgov.steps.gate.poller import run_gate
    from mcgov.steps.share.converge import ensure_share

    rows: list[dict[str, Any]] = []
    for index, flip in enumerate(flips):
        with seeded_world(associate_after_polls=None, associate_after_seconds=flip) as world:
            emu, policy = world["emu"], world["policy"]
            card = populate_card(
                f"latency-{index}",
                world["sources"],
                sagemaker=world["sagemaker"],
                s3=world["s3"],
                status="PendingReview",
            )
            approve(world, card.arn)
            ensure_share(world["ram"], policy, card.arn, stages=[policy.stage(stage)])
            start = emu.clock.now()
            polls: list[float] = []

            def progress(_: str, polls: list[float] = polls, clock: Any = emu.clock, start: float = start) -> None:
                polls.append(clock.now() - start)

            decision = run_gate(
                world["ram"],
                world["sagemaker"],
                policy,
                policy.stage(stage),
                card.arn,
                timeout=policy.gate.timeout_seconds,
                sleep=emu.clock.advance,
                clock=emu.clock.now,
                progress=progress,
            )
            if not decision.allowed:
                raise RuntimeError(f"gate blocked: {decision.reasons}")
            allowed_at = emu.clock.now() - start
            rows.append(
                {
                    "flip_s": flip,
                    "allowed_at_s": round(allowed_at, 1),
                    "latency_s": round(allowed_at - flip, 1),
                    "polls": len(polls),
                    "poll_interval_s": policy.gate.poll_interval_seconds,
                    "backoff_cap_s": policy.gate.backoff_cap_seconds,
                }
            )
    latencies = [r["latency_s"] for r in rows]
    interval = rows[0]["poll_interval_s"] if rows else 0
    return {
        "stage": stage,
        "rows": rows,
        "median_latency_s": statistics.median(latencies) if rows else None,
        "max_latency_s": max(latencies) if rows else None,
        "median_overhead_vs_interval": round(statistics.median(latencies) / interval, 2) if rows else None,
    }


def render(result: dict[str, Any]) -> None:
    """Print the figures for a person."""
    print(f"{'flip at':>8} {'allowed at':>10} {'latency':>8} {'polls':>5}")
    for row in result["rows"]:
        print(f"{row['flip_s']:>7}s {row['allowed_at_s']:>9}s {row['latency_s']:>7}s {row['polls']:>5}")
    print(f"median latency {result['median_latency_s']}s = {result['median_overhead_vs_interval']}x the poll interval")


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__ or "", run, render)


if __name__ == "__main__":
    sys.exit(main())
