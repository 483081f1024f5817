"""Lambda: the event-driven gate's watcher. A RAM "Resource Sharing State Change" event (the stack's EventBridge
rule on ``aws.ram``) or the scheduled re-check (EventBridge Scheduler, input ``{"recheck": "all"}``) wakes the
waiting gates registered in the registrations table (``MCGOV_GATE_TABLE``).

An event naming shares re-checks the gates waiting on them; an event naming none (AWS documents only
``detail.event`` and ``detail.status``) and the schedule re-check every waiting gate. The event is a hint: each
gate is decided by the normal gate check, then completed through its handle (``mcgov.steps.gate.wakeup``); with
the policy's ``notifications``, each allowed or blocked decision is put on its bus (``Gate Decision``). A failure to
read the table fails the invocation (EventBridge and Lambda retry it); the polling paths still decide.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mcgov import clock
from mcgov.errors import BadInputError
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.decision import Decision
from mcgov.steps.gate.poller import check_once
from mcgov.steps.gate.registrations import RegistrationStore
from mcgov.steps.gate.service import decision_output, kms_client
from mcgov.steps.gate.wakeup import shares_named, wake
from mcgov.steps.handlers.config import TABLE_ENV, load_runtime_policy, registration_table
from mcgov.steps.handlers.runtime import lambda_entry, logger, notify, parse_event, record_gate
from mcgov.steps.notify.entries import gate_decision
from mcgov.steps.share.client import ram_client

RAM_SOURCE = "aws.ram"
RAM_DETAIL_TYPE = "Resource Sharing State Change"


class RamEvent(BaseModel):
    """The EventBridge envelope of a RAM state change (its other fields are not read)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    source: Literal["aws.ram"]
    detail_type: Literal["Resource Sharing State Change"] = Field(alias="detail-type")
    resources: list[str] = Field(default_factory=list, max_length=100)
    detail: dict[str, Any] = Field(default_factory=dict)


class Recheck(BaseModel):
    """The schedule's input."""

    model_config = ConfigDict(extra="forbid")

    recheck: Literal["all"]


@lambda_entry("gate_events")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    if isinstance(event, dict) and "recheck" in event:
        parse_event(Recheck, event)
        trigger, shares = "schedule", None
    else:
        ram = parse_event(RamEvent, event)
        trigger, shares = "event", shares_named(ram.model_dump(by_alias=True))
    table = registration_table()
    if not table:
        raise BadInputError(f"{TABLE_ENV} is not set: name the stack's gate registrations table")
    session = make_session()
    policy = load_runtime_policy()
    ram_reader = ram_client(session, policy.region)
    sagemaker = session.client("sagemaker", region_name=policy.region)
    kms = kms_client(session, policy)
    waits = clock.for_clients(ram_reader, sagemaker)

    def check(policy: SharePolicy, card_arn: str, stage: PolicyStage) -> Decision:
        return check_once(ram_reader, sagemaker, policy, stage, card_arn, datetime.fromtimestamp(waits.now(), UTC), kms)

    decisions: list[dict[str, Any]] = []
    result = wake(
        RegistrationStore(session.client("dynamodb", region_name=policy.region), table),
        policy,
        shares,
        waits.now(),
        check=check,
        output=decision_output,
        sagemaker=sagemaker,
        sfn=session.client("stepfunctions", region_name=policy.region),
        decided=decisions.append,
    )
    if decisions:
        notify(session, [gate_decision(policy, decision) for decision in decisions])
    for outcome in result["outcomes"]:
        record_gate(outcome["status"])
    if result["unreadable"]:
        logger.warning("skipped unreadable gate registrations", extra={"count": len(result["unreadable"])})
    return {"trigger": trigger, **result}
