"""Lambda: the promotion gate for one stage, with a wait bounded by the Lambda's remaining time.

``status`` is ALLOWED, PENDING (associations still in progress: call again later, as the Step Functions
loop does) or BLOCKED (a reason waiting cannot fix, or the wait ran out); ``reason`` joins the reasons for a
FailStep or a Fail state; ``next_check_seconds`` is when to look again (``mcgov.steps.gate.schedule``: jittered,
lined up with the first association time ``waiting_since``; capped at the event's ``max_wait_seconds``, at least
1), the Step Functions loop's wait. With the policy's ``notifications``, an ALLOWED or BLOCKED decision is also put
on its event bus (``Gate Decision``); PENDING, which the loop asks again, is not.

With ``task_token`` (the state machine's ``WaitForGateEvent``, a ``.waitForTaskToken`` state passing
``$$.Task.Token``, ``$$.Execution.Id``, the last check's ``shares`` and ``waiting_since``, and the task's timeout
``token_timeout_seconds``, after which the token is dead) the Lambda registers the waiting gate for the event path
(``mcgov.steps.gate.wakeup``) until that timeout and returns: RAM's event (or the re-check
schedule) completes the token once the gate is decided, and the task's timeout, the next poll, checks again.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mcgov import clock
from mcgov import identifiers as ids
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.decision import Decision
from mcgov.steps.gate.registrations import MAX_SHARES, TTL_SECONDS, Handle, HandleKind, RegistrationStore
from mcgov.steps.gate.service import check as check_gate
from mcgov.steps.gate.service import decision_output
from mcgov.steps.gate.wakeup import next_check_seconds, register
from mcgov.steps.handlers.config import GATE_MARGIN_SECONDS, load_runtime_policy, registration_table
from mcgov.steps.handlers.runtime import lambda_entry, notify, parse_event, record_gate, remaining_seconds
from mcgov.steps.notify.entries import FINAL_STATUSES, gate_decision
from mcgov.steps.registry.lifecycle import gate_package


class CheckGateEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_arn: str
    stage: str
    wait_seconds: int = Field(default=0, ge=0, le=900)
    model_package_arn: str | None = None
    max_wait_seconds: int | None = Field(default=None, ge=0, le=86400)
    task_token: str | None = Field(default=None, min_length=1, max_length=2048)
    execution_arn: str | None = Field(default=None, max_length=2048)
    shares: list[str] | None = Field(default=None, max_length=MAX_SHARES)
    waiting_since: float | None = None
    token_timeout_seconds: int = Field(default=TTL_SECONDS, ge=1, le=TTL_SECONDS)

    @model_validator(mode="after")
    def _token_wait(self) -> CheckGateEvent:
        if self.task_token is not None and (
            self.execution_arn is None or self.shares is None or self.model_package_arn or self.wait_seconds
        ):
            raise ValueError(
                "task_token comes with execution_arn and shares, without model_package_arn and wait_seconds"
            )
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
        return wait_for_event(request, waits.now())
    else:
        policy = load_runtime_policy()
        decision = check(request.card_arn, request.stage, budget)
        output = decision_output(decision)
        card_arn = policy.card_arn(request.card_arn, source="event", field="card_arn")
        output["card_arn"] = card_arn  # the card this check was asked about, described or not
        delay = next_check_seconds(policy, card_arn, decision.stage, decision, started, waits.now())
        cap = request.max_wait_seconds
        output["next_check_seconds"] = delay if cap is None else max(1, min(delay, cap))
        since = decision.waiting_since()
        output["waiting_since"] = since.timestamp() if since is not None else None
    record_gate(str(output["status"]), waits.now() - started if budget > 0 else None)
    if output["status"] in FINAL_STATUSES:
        notify(make_session(), [gate_decision(load_runtime_policy(), output)])
    return output


def wait_for_event(request: CheckGateEvent, now: float, session: Any = None) -> dict[str, Any]:
    """The token wait: register the waiting gate (its task token, the shares the last check named) and return."""
    assert request.task_token is not None and request.execution_arn is not None and request.shares is not None
    policy = load_runtime_policy()
    stage = policy.stage(request.stage, source="event.stage")
    card_arn = policy.card_arn(request.card_arn, source="event", field="card_arn")
    table = registration_table()
    store = None
    if table:
        session = session or make_session()
        store = RegistrationStore(session.client("dynamodb", region_name=policy.region), table)
    handle = Handle(HandleKind.TASK_TOKEN, request.task_token, request.execution_arn)
    registration = register(
        store,
        policy,
        card_arn,
        stage,
        request.shares,
        request.waiting_since,
        handle,
        now,
        request.token_timeout_seconds,
    )
    return {"card_arn": card_arn, "stage": stage.name, "registration": registration}


def check_package(
    card_arn: str, stage: str, package_arn: str, wait_seconds: float, session: Any = None
) -> dict[str, Any]:
    """The package gate (the group share for ``model_package_group`` stages) with ``ModelLifeCycle`` recorded."""
    policy = load_runtime_policy()
    resolved = policy.stage(stage, source="event.stage")
    card = policy.card_arn(card_arn, source="event", field="card_arn")
    decision, package = gate_package(session or make_session(), policy, resolved, card, package_arn, wait=wait_seconds)
    return {**decision_output(decision), "model_package": package}
