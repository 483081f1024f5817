"""Lambda: the promotion gate for one stage, with a wait bounded by the Lambda's remaining time.

``status`` is ALLOWED, PENDING (associations still in progress: call again later, as the Step Functions
loop does) or BLOCKED (a reason waiting cannot fix, or the wait ran out); ``reason`` joins the reasons for a
FailStep or a Fail state; ``next_check_seconds`` is when to look again (``mcgov.steps.gate.schedule``: jittered,
lined up with the first association time), the Step Functions loop's wait.

With ``task_token`` (a ``.waitForTaskToken`` state passing ``$$.Task.Token`` and ``$$.Execution.Id``) the gate
checks once and completes the token itself when it is decided (SendTaskSuccess with the output, SendTaskFailure
``GateBlocked``); a PENDING gate registers itself for the event path (``mcgov.steps.gate.wakeup``), so the RAM
event's watcher completes the token as soon as RAM settles.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mcgov import clock
from mcgov import identifiers as ids
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.completion import complete_task
from mcgov.steps.gate.decision import Decision
from mcgov.steps.gate.registrations import Handle, HandleKind, RegistrationStore
from mcgov.steps.gate.service import check as check_gate
from mcgov.steps.gate.service import decision_output
from mcgov.steps.gate.wakeup import next_check_seconds, register_pending
from mcgov.steps.handlers.config import GATE_MARGIN_SECONDS, load_runtime_policy, registration_table
from mcgov.steps.handlers.runtime import lambda_entry, parse_event, record_gate, remaining_seconds
from mcgov.steps.registry.lifecycle import gate_package


class CheckGateEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_arn: str
    stage: str
    wait_seconds: int = Field(default=0, ge=0, le=900)
    model_package_arn: str | None = None
    task_token: str | None = Field(default=None, min_length=1, max_length=2048)
    execution_arn: str | None = Field(default=None, max_length=2048)

    @model_validator(mode="after")
    def _token_wait(self) -> CheckGateEvent:
        if self.task_token is not None and (self.execution_arn is None or self.model_package_arn or self.wait_seconds):
            raise ValueError("task_token comes with execution_arn, without model_package_arn and wait_seconds")
        return self

    @field_validator("model_package_arn")
    @classmethod
    def _package_arn(cls, value: str | None) -> str | None:
        # the shared ASCII fullmatch pattern: a pydantic ``pattern`` lets Unicode digits (``\d``) through
        if value is not None and not ids.matches(ids.MODEL_PACKAGE_ARN, value, 2048):
            raise ValueError(
                "not a versioned model package ARN (arn:aws:sagemaker:<region>:<account>:"
                "model-package/<group>/<version>)"
            )
        return value


def check(card_arn: str, stage: str, wait_seconds: float, session: Any = None) -> Decision:
    """The gate with the deploy-time policy (``MCGOV_POLICY_URI``); the event's stage and card are resolved here,
    once, and bad ones name the event field."""
    policy = load_runtime_policy()
    resolved = policy.stage(stage, source="event.stage")
    return check_gate(
        policy, policy.card_arn(card_arn, source="event", field="card_arn"), resolved, wait_seconds, session
    )


@lambda_entry("check_gate")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(CheckGateEvent, event)
    budget = max(0.0, min(float(request.wait_seconds), remaining_seconds(context, default=900.0) - GATE_MARGIN_SECONDS))
    waits = clock.for_clients()  # the clock the gate's waits read (virtual time under the emulator)
    started = waits.now()
    if request.model_package_arn:
        output = check_package(request.card_arn, request.stage, request.model_package_arn, budget)
    elif request.task_token is not None:
        output = wait_for_event(request, started)
    else:
        policy = load_runtime_policy()
        decision = check(request.card_arn, request.stage, budget)
        output = decision_output(decision)
        card_arn = policy.card_arn(request.card_arn, source="event", field="card_arn")
        output["next_check_seconds"] = next_check_seconds(
            policy, card_arn, decision.stage, decision, started, waits.now()
        )
    record_gate(str(output["status"]), waits.now() - started if budget > 0 else None)
    return output


def wait_for_event(request: CheckGateEvent, started: float, session: Any = None) -> dict[str, Any]:
    """The token wait: check once; decided -> complete the task token; PENDING -> register for the event path."""
    assert request.task_token is not None and request.execution_arn is not None
    session = session or make_session()
    policy = load_runtime_policy()
    stage = policy.stage(request.stage, source="event.stage")
    card_arn = policy.card_arn(request.card_arn, source="event", field="card_arn")
    decision = check_gate(policy, card_arn, stage, 0, session)
    output = decision_output(decision)
    now = clock.for_clients().now()
    output["next_check_seconds"] = next_check_seconds(policy, card_arn, stage.name, decision, started, now)
    if output["status"] in ("ALLOWED", "BLOCKED"):
        sfn = session.client("stepfunctions", region_name=policy.region)
        outcome = {"status": output["status"], "reason": output["reason"]}
        output["completion"] = complete_task(sfn, request.task_token, outcome, output)["status"]
        return output
    table = registration_table()
    store = RegistrationStore(session.client("dynamodb", region_name=policy.region), table) if table else None
    handle = Handle(HandleKind.TASK_TOKEN, request.task_token, request.execution_arn)
    output["registration"] = register_pending(store, policy, card_arn, stage, decision, handle, now)
    return output


def check_package(
    card_arn: str, stage: str, package_arn: str, wait_seconds: float, session: Any = None
) -> dict[str, Any]:
    """The package gate (the group share for ``model_package_group`` stages) with ``ModelLifeCycle`` recorded."""
    policy = load_runtime_policy()
    resolved = policy.stage(stage, source="event.stage")
    card = policy.card_arn(card_arn, source="event", field="card_arn")
    decision, package = gate_package(session or make_session(), policy, resolved, card, package_arn, wait=wait_seconds)
    return {**decision_output(decision), "model_package": package}
