"""AWS calls per populate + share + gate for two accounts (staging, prod), counted with botocore hooks.

Two passes on the emulator: the first run (card created, shares created, associations settling) and a
re-run with associations done (the steady state of every later pipeline run). The gate step checks one
stage (prod), as a pipeline's gate step does. Targets for the steady state: each step <= 10 (issue 3) and
populate + share + gate <= 8 (issue 20; populate reads the template too).

    python -m benchmarks.api_calls [--json]
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from benchmarks._world import CallCounter, approve, bench_main, seeded_world

TARGET_PER_STEP = 10
TARGET_TOTAL = 8
GATE_STAGE = "prod"


def _flow(world: dict[str, Any], counter: CallCounter) -> dict[str, Counter[str]]:
    from mcgov.steps.card.service import populate_card
    from mcgov.steps.gate.poller import run_gate
    from mcgov.steps.share.converge import ensure_share

    emu, policy = world["emu"], world["policy"]
    steps: dict[str, Counter[str]] = {}
    card = populate_card(
        "churn-model", world["sources"], sagemaker=world["sagemaker"], s3=world["s3"], status="PendingReview"
    )
    steps["populate"] = counter.take()
    if world["sagemaker"].describe_model_card(ModelCardName=card.arn)["ModelCardStatus"] != "Approved":
        approve(world, card.arn)  # a reviewer's step, not counted
    counter.take()
    ensure_share(world["ram"], policy, card.arn)
    steps["share"] = counter.take()
    decision = run_gate(
        world["ram"],
        world["sagemaker"],
        policy,
        policy.stage(GATE_STAGE),
        card.arn,
        timeout=600,
        sleep=emu.clock.advance,
        clock=emu.clock.now,
    )
    if not decision.allowed:
        raise RuntimeError(f"gate {GATE_STAGE} blocked: {decision.reasons}")
    steps["gate"] = counter.take()
    return steps


def _group_flow(
    world: dict[str, Any], counter: CallCounter, policy: Any, card_arn: str, package_arn: str
) -> dict[str, int]:
    """share + gate of a prod stage that also needs the model package group (two shares per stage: the card's
    and the group's ``mcgov-<card>-<stage>-mpg``)."""
    from mcgov.steps.gate.package import run_package_gate
    from mcgov.steps.share.converge import ensure_share
    from mcgov.steps.share.groups import group_arn_of_package

    emu = world["emu"]
    counter.take()
    ensure_share(world["ram"], policy, card_arn, package_group_arn=group_arn_of_package(package_arn))
    share = sum(counter.take().values())
    decision = run_package_gate(
        world["ram"],
        world["sagemaker"],
        policy,
        policy.stage(GATE_STAGE),
        card_arn,
        package_arn,
        timeout=600,
        sleep=emu.clock.advance,
        clock=emu.clock.now,
    )
    if not decision.allowed:
        raise RuntimeError(f"package gate {GATE_STAGE} blocked: {decision.reasons}")
    return {"share": share, "gate": sum(counter.take().values())}


def run_with_package_group() -> dict[str, Any]:
    """Calls of share + gate when prod also shares the model package group, first run and steady state."""
    import json

    from mcgov.share_policies.loader import parse_policy
    from mcgov.steps.card.store import CardStore

    with seeded_world() as world:
        sm = world["sagemaker"]
        data = json.loads(json.dumps(world["policy"].model_dump()))
        data["stages"][GATE_STAGE]["model_package_group"] = True
        policy = parse_policy(data, source="benchmark")
        sm.create_model_package_group(ModelPackageGroupName="churn-model")
        package = sm.create_model_package(
            ModelPackageGroupName="churn-model",
            ModelApprovalStatus="PendingManualApproval",
            InferenceSpecification={
                "Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgb:1"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
        )["ModelPackageArn"]
        content = {"model_package_details": {"model_package_arn": package}}
        card = CardStore(sm).publish("churn-model", json.dumps(content), status="PendingReview").arn
        approve(world, card)
        counter = CallCounter()
        counter.attach(sm, world["s3"], world["ram"])
        first = _group_flow(world, counter, policy, card, package)
        steady = _group_flow(world, counter, policy, card, package)
    return {"first_run": first, "steady_state": steady, "shares_per_stage": 2}


def run() -> dict[str, Any]:
    """Per-operation call counts of the first run and of the steady-state re-run."""
    with seeded_world() as world:
        counter = CallCounter()
        counter.attach(world["sagemaker"], world["s3"], world["ram"])
        first = _flow(world, counter)
        steady = _flow(world, counter)

    def summary(steps: dict[str, Counter[str]]) -> dict[str, Any]:
        totals = {name: sum(c.values()) for name, c in steps.items()}
        return {
            "steps": {
                name: {"total": totals[name], "operations": dict(sorted(c.items()))} for name, c in steps.items()
            },
            "share_plus_gate": totals["share"] + totals["gate"],
            "total": sum(totals.values()),
            # the gate verifies each share's permission once per process (steps/share/permissions.py)
            "gate_permission_checks": steps["gate"].get("ram.ListResourceSharePermissions", 0),
        }

    return {
        "first_run": summary(first),
        "steady_state": summary(steady),
        "target_per_step": TARGET_PER_STEP,
        "target_total": TARGET_TOTAL,
        "accounts": 2,
        "gate_stage": GATE_STAGE,
        "with_package_group": run_with_package_group(),
    }


def render(result: dict[str, Any]) -> None:
    """Print the figures for a person."""
    for label in ("first_run", "steady_state"):
        print(
            f"{label}: {result[label]['total']} calls (share + gate {result[label]['share_plus_gate']}, "
            f"gate ListResourceSharePermissions {result[label]['gate_permission_checks']})"
        )
        for step, data in result[label]["steps"].items():
            ok = "ok" if data["total"] <= TARGET_PER_STEP else f"over target {TARGET_PER_STEP}"
            print(f"  {step:9} {data['total']:3}  ({ok})")
            for operation, count in data["operations"].items():
                print(f"      {operation:45} {count}")
    group = result["with_package_group"]
    for label in ("first_run", "steady_state"):
        print(f"with the model package group, {label}: share {group[label]['share']}, gate {group[label]['gate']}")


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__ or "", run, render)


if __name__ == "__main__":
    sys.exit(main())
