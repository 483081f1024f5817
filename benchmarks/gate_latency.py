"""Gate detection latency: associations flip to ASSOCIATED at a known moment; how long after that is the gate
decided?

* Polling (``run_gate``, the schedule every poller follows: the Step Functions wait, the SQS redelivery): flips at
  known emulator-clock moments, latency in poll intervals (``median_overhead_vs_interval``, target <= 1.5).
* Event-driven (``event_driven``): the stack deployed on the emulator (``Emulator.deploy_stack``), a
  CallbackStep gate registered by gate-watcher; RAM's state-change event reaches the stack's rule and gate-events
  completes the step. Measured on real time, as seconds from the association's flip (its ``lastUpdatedTime``) to
  the completed step (``median_latency_s``, target <= 1.0); the emulator pumps every ``PUMP_SECONDS``, and delivers
  an event as soon as the change is due (EventBridge's own delivery delay on AWS is not modelled).

    python -m benchmarks.gate_latency [--json]
"""

from __future__ import annotations

import statistics
import sys
from typing import Any

from benchmarks._world import approve, bench_main, seeded_world
from mcgov.emulator.environment import environment

FLIP_AFTER_SECONDS = (3, 12, 37, 95, 300)
EVENT_FLIPS = 5
EVENT_FLIP_SECONDS = 2.0  # after the share: long enough for the gate to register before the flip
PUMP_SECONDS = 0.02


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
        "event_driven": event_driven(),
    }


def event_driven(flips: int = EVENT_FLIPS, stage: str = "staging") -> dict[str, Any]:
    """Seconds from each flip to the CallbackStep's completion by the event path, on real time (module docstring)."""
    quiet = {"MCGOV_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true"}  # handler logs: not on stdout
    with environment(quiet):
        return _event_driven(flips, stage)


def _event_driven(flips: int, stage: str) -> dict[str, Any]:
    import json
    import time

    from benchmarks._world import EXAMPLE_POLICY, REGION
    from mcgov.emulator import Emulator, EmulatorConfig
    from mcgov.steps.handlers import gate_events
    from mcgov.steps.policy import load_policy
    from mcgov.steps.share.client import ram_client
    from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
    from mcgov.steps.stack.template import TEMPLATE

    policy = load_policy(EXAMPLE_POLICY)
    completed: dict[str, float] = {}
    config = EmulatorConfig(region=REGION, card_account=policy.card_account, accounts={"staging": "222222222222"})
    rows: list[dict[str, Any]] = []
    with Emulator(config) as emu:  # real time: the watcher's own work counts
        session = emu.session("card")
        stack = emu.deploy_stack(
            TEMPLATE,
            stack_name="mcgov",
            parameters={
                "CodeBucket": "mcgov-code",
                "CodeKey": "mcgov-lambda.zip",
                "PolicyUri": str(EXAMPLE_POLICY),
                "ArtifactBucket": "mcgov-bench",
            },
        )

        def watcher(event: Any, context: Any) -> Any:  # gate-events, timed (still run under its role)
            out = gate_events.handler(event, context)
            for outcome in out["outcomes"]:
                if outcome["status"] == "ALLOWED":
                    completed.setdefault(outcome["card_arn"], emu.clock.now())
            return out

        emu.register_lambda_handler(stack.arns["GateEventsFunction"], watcher)
        queue = stack.refs["GateCallbackQueue"]
        ram, sagemaker, sqs = ram_client(session, REGION), session.client("sagemaker"), session.client("sqs")
        ensure_readonly_permission(ram)
        emu.set_association_delay(polls=None, seconds=EVENT_FLIP_SECONDS)
        execution = f"arn:aws:sagemaker:{REGION}:{policy.card_account}:pipeline/churn/execution/bench0001"
        for index in range(flips):
            name = f"event-{index}"
            card = sagemaker.create_model_card(
                ModelCardName=name, ModelCardStatus="PendingReview", Content=json.dumps({"model_overview": {}})
            )["ModelCardArn"]
            [shared] = ensure_share(ram, policy, card, stages=[policy.stage(stage)]).stages
            body = {"token": emu.issue_callback_token(execution), "arguments": {"card_arn": card, "stage": stage}}
            sent = sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))["MessageId"]
            polled = emu.poll_event_source(stack.arns["GateWatcherFunction"], queue)  # gate-watcher, as its role
            # (an earlier card's message may come again: redelivered at its gate's next poll, its step already done)
            [outcome] = [o for o in polled.response["outcomes"] if o["message_id"] == sent]
            if outcome["status"] != "PENDING" or not outcome["registration"]["registered"]:
                raise RuntimeError(f"the gate did not wait on the event path: {outcome}")
            deadline = time.monotonic() + 30
            while card not in completed and time.monotonic() < deadline:
                emu.events.pump()
                time.sleep(PUMP_SECONDS)
            if card not in completed:
                raise RuntimeError(f"the event path did not complete {name}")
            flipped = max(
                row.last_updated_time.timestamp()
                for kind in ("PRINCIPAL", "RESOURCE")
                for row in _associations(ram, shared.share_arn, kind)
            )
            rows.append({"card": name, "latency_s": round(completed[card] - flipped, 3)})
    latencies = [r["latency_s"] for r in rows]
    return {
        "stage": stage,
        "path": "CallbackStep gate on the deployed stack: RAM event -> rule -> gate-events (real time)",
        "rows": rows,
        "median_latency_s": statistics.median(latencies),
        "max_latency_s": max(latencies),
        "pump_interval_s": PUMP_SECONDS,
        "target_s": 1.0,
    }


def _associations(ram: Any, share_arn: str, kind: str) -> list[Any]:
    from mcgov.steps.share.client import get_associations
    from mcgov.steps.share.ram_rows import AssociationType

    return get_associations(ram, AssociationType(kind), resourceShareArns=[share_arn])


def render(result: dict[str, Any]) -> None:
    """Print the figures for a person."""
    print(f"{'flip at':>8} {'allowed at':>10} {'latency':>8} {'polls':>5}")
    for row in result["rows"]:
        print(f"{row['flip_s']:>7}s {row['allowed_at_s']:>9}s {row['latency_s']:>7}s {row['polls']:>5}")
    print(f"median latency {result['median_latency_s']}s = {result['median_overhead_vs_interval']}x the poll interval")
    events = result["event_driven"]
    print(f"event-driven: median {events['median_latency_s']}s, max {events['max_latency_s']}s from flip to decision")


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__ or "", run, render)


if __name__ == "__main__":
    sys.exit(main())
