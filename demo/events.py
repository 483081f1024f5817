"""Demo scene 10: an event-driven gate on the demo's stack (``steps/stack/governance.yaml`` deployed on the
emulator, each function under its role). A pipeline's CallbackStep gate waits on a share that settles 2 s later;
RAM's "Resource Sharing State Change" event reaches the stack's rule, and gate-events completes the step at the flip
instead of at the next poll.
"""

from __future__ import annotations

import json
import time
from typing import Any

CARD = "churn-events"
EXECUTION = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/churn/execution/demoevents"
FLIP_SECONDS = 2.0
HOLD_SECONDS = 3600.0  # associations wait until the gate has registered
PUMP_SECONDS = 0.02  # the emulator's clock moves on real time; the demo pumps it (due flips, deliveries)


def event_driven_scene(emu: Any, stack: Any) -> None:
    """Scene 10: a CallbackStep message makes gate-watcher register the waiting gate; the RAM event completes it."""
    from mcgov.steps.handlers import gate_events

    print("\n== 10. An event-driven gate: RAM's state-change event completes the waiting pipeline step")
    session = emu.session("card")
    completed: dict[str, Any] = {}

    def watcher(event: Any, context: Any) -> Any:  # gate-events, timed (the runtime still runs it as its role)
        out = gate_events.handler(event, context)
        for outcome in out["outcomes"]:
            if outcome["status"] in ("ALLOWED", "BLOCKED"):
                completed[outcome["card_arn"]] = (emu.clock.now(), outcome, event)
        return out

    emu.register_lambda_handler(stack.arns["GateEventsFunction"], watcher)
    table = stack.refs["GateRegistrationsTable"]
    print(
        f"   stack rule {stack.refs['RamStateChangeRule']} (aws.ram, Resource Sharing State Change) -> gate-events "
        f"(role {stack.function_roles['GateEventsFunction'].rsplit('/', 1)[-1]});"
    )
    print(f"   re-check schedule {stack.resolver.parameters['GateRecheckRate']}; registrations table {table}")
    card = session.client("sagemaker").create_model_card(
        ModelCardName=CARD,
        ModelCardStatus="PendingReview",
        Content=json.dumps({"model_overview": {"model_description": "churn, event-driven gate"}}),
    )["ModelCardArn"]
    delay = emu.config.associate_after_polls, emu.config.associate_after_seconds
    emu.set_association_delay(polls=None, seconds=HOLD_SECONDS)  # RAM settles once the gate waits (below)
    try:
        session.client("lambda").invoke(
            FunctionName=stack.arns["ShareCardFunction"], Payload=json.dumps({"card_arn": card}).encode()
        )
        started = emu.clock.now()
        print(f"   {CARD} shared (share-card, as its role); RAM settles {FLIP_SECONDS:g} s after the gate waits")
        token = emu.issue_callback_token(EXECUTION)
        queue = stack.refs["GateCallbackQueue"]
        body = {"token": token, "arguments": {"card_arn": card, "stage": "staging"}}
        session.client("sqs").send_message(QueueUrl=queue, MessageBody=json.dumps(body))
        polled = emu.poll_event_source(stack.arns["GateWatcherFunction"], queue)
        [waiting] = polled.response["outcomes"]
        print(
            f"   CallbackStep message -> gate-watcher: {waiting['status']}, registered "
            f"{waiting['registration']['registered']}; without an event SQS delivers it again in "
            f"{waiting['next_check_seconds']} s (the gate's poll schedule)"
        )
        # Settle FLIP_SECONDS from now, whatever time the share and the registration took on a loaded machine
        emu.set_association_delay(polls=None, seconds=emu.clock.now() - started + FLIP_SECONDS)
        deadline = time.monotonic() + 30
        while card not in completed and time.monotonic() < deadline:
            emu.events.pump()
            time.sleep(PUMP_SECONDS)
    finally:
        emu.set_association_delay(polls=delay[0], seconds=delay[1])
    if card not in completed:
        raise RuntimeError("the event path did not complete the demo's gate")
    at, outcome, event = completed[card]
    step = emu.pipeline_callbacks("card")[token]
    detail = event["detail"]
    print(
        f"   +{at - started:.2f} s after sharing: RAM event ({detail.get('associationType')} {detail['status']}) "
        f"-> gate-events re-checked the gate: {outcome['status']} -> pipeline step {step['outcome']}"
    )
    left = session.client("dynamodb").scan(
        TableName=table,
        FilterExpression="expires_at > :now",  # expired items wait for DynamoDB's TTL deletion
        ExpressionAttributeValues={":now": {"N": str(int(emu.clock.now()))}},
    )["Count"]
    print(f"   waiting gates left: {left} (the completed gate removed itself)")
