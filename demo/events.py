"""Demo scene 10: an event-driven gate. The governance stack is deployed on the emulator's CloudFormation
(``mcgov.pipelines.local_stack``: each function runs its handler in-process, as its role); a pipeline's CallbackStep
gate waits on a share that settles 2 s later; RAM's "Resource Sharing State Change" event reaches the stack's rule,
and gate-events completes the step at the flip instead of at the next poll.
"""

from __future__ import annotations

import json
import time
from typing import Any

CARD = "churn-events"
STACK = "gov"
FLIP_SECONDS = 2.0
PUMP_SECONDS = 0.02  # the emulator's clock moves on real time; the demo pumps it (due flips, deliveries)


def event_driven_scene(emu: Any, policy_uri: str) -> None:
    """Scene 10: register a waiting CallbackStep gate; the RAM event completes it; print what happened when."""
    from mcgov.pipelines.local_stack import deploy_stack, function_environment
    from mcgov.steps.handlers import gate_events, gate_watcher
    from mcgov.steps.policy import load_policy
    from mcgov.steps.share.client import ram_client
    from mcgov.steps.share.converge import ensure_share

    print("\n== 10. An event-driven gate: RAM's state-change event completes the waiting pipeline step")
    session = emu.session("card")
    completed: dict[str, Any] = {}

    def watcher(event: Any, context: Any) -> Any:
        out = gate_events.handler(event, context)
        for outcome in out["outcomes"]:
            if outcome["status"] in ("ALLOWED", "BLOCKED"):
                completed[outcome["card_arn"]] = (emu.clock.now(), outcome, event)
        return out

    stack = deploy_stack(emu, session, name=STACK, policy_uri=policy_uri, handlers={"GateEventsFunction": watcher})
    table = stack.outputs["GateRegistrationsTableName"]
    rules = [r for r in session.client("events").list_rules()["Rules"] if r["Name"].startswith(STACK + "-RamState")]
    print(f"   stack {STACK}: rule {rules[0]['Name']} (aws.ram, Resource Sharing State Change) -> {STACK}-gate-events;")
    print(f"   re-check schedule rate(1 minute); registrations table {table} (TTL expires_at)")
    policy = load_policy(policy_uri)
    stage = policy.stage("staging")
    sagemaker = session.client("sagemaker")
    card = sagemaker.create_model_card(
        ModelCardName=CARD,
        ModelCardStatus="PendingReview",
        Content=json.dumps({"model_overview": {"model_description": "churn, event-driven gate"}}),
    )["ModelCardArn"]
    delay = emu.config.associate_after_polls, emu.config.associate_after_seconds
    emu.set_association_delay(polls=None, seconds=FLIP_SECONDS)
    try:
        [shared] = ensure_share(ram_client(session, policy.region), policy, card, stages=[stage]).stages
        started = emu.clock.now()
        print(f"   {CARD} shared with staging ({shared.share_arn}); RAM settles in {FLIP_SECONDS:g} s")
        body = {"token": "demoevent1", "arguments": {"card_arn": card, "stage": stage.name}}
        environment = {"MCGOV_POLICY_URI": policy_uri, "MCGOV_GATE_TABLE": table}
        with function_environment(emu, stack.roles["GateWatcherFunction"], environment):
            out = gate_watcher.handler({"Records": [{"messageId": "demo-1", "body": json.dumps(body)}]})
        [waiting] = out["outcomes"]
        print(
            f"   CallbackStep message -> gate-watcher: {waiting['status']}, registered "
            f"{waiting['registration']['registered']}; without an event SQS delivers it again in "
            f"{waiting['next_check_seconds']} s (the gate's poll schedule)"
        )
        deadline = time.monotonic() + 30
        while card not in completed and time.monotonic() < deadline:
            emu.events.pump()
            time.sleep(PUMP_SECONDS)
    finally:
        emu.set_association_delay(polls=delay[0], seconds=delay[1])
    if card not in completed:
        raise RuntimeError("the event path did not complete the demo's gate")
    at, outcome, event = completed[card]
    step = emu.pipeline_callbacks("card")["demoevent1"]
    detail = event["detail"]
    print(
        f"   +{at - started:.2f} s after sharing: RAM event ({detail.get('associationType')} {detail['status']}) "
        f"-> gate-events re-checked the gate: {outcome['status']} -> pipeline step {step['outcome']}"
    )
    left = session.client("dynamodb").scan(TableName=table)["Count"]
    print(f"   registrations left: {left} (the completed gate removed itself)")
