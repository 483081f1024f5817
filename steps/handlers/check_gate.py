"""Lambda: the promotion gate for one stage, with a wait bounded by the Lambda's remaining time.

``status`` is ALLOWED, PENDING (associations still in progress: call again later, as the Step Functions
loop does) or BLOCKED (a reason waiting cannot fix, or the wait ran out); ``reason`` joins the reasons for a
FailStep or a Fail state.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict, Field

from mcgov.steps.gate import Decision, check_once, run_gate
from mcgov.steps.handlers.config import GATE_MARGIN_SECONDS, load_runtime_policy
from mcgov.steps.handlers.runtime import lambda_entry, parse_event, remaining_seconds
from mcgov.steps.share import ram_client, resolve_card_arn


class CheckGateEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_arn: str
    stage: str
    wait_seconds: int = Field(default=0, ge=0, le=900)


def decision_output(decision: Decision) -> dict[str, Any]:
    record = decision.to_dict()
    status = "ALLOWED" if decision.allowed else ("PENDING" if decision.pending else "BLOCKED")
    return {**record, "status": status, "reason": " ".join(decision.reasons) or "all associations are ASSOCIATED"}


def check(card_arn: str, stage: str, wait_seconds: float, session: Any = None) -> Decision:
    """Run the gate for ``stage`` within ``wait_seconds`` using the deploy-time policy."""
    session = session or boto3.Session()
    policy = load_runtime_policy()
    policy.stage(stage, source="event.stage")
    arn = resolve_card_arn(policy, card_arn)
    ram = ram_client(session, policy.region)
    sagemaker = session.client("sagemaker", region_name=policy.region)
    if wait_seconds <= 0:
        return check_once(ram, sagemaker, policy, stage, arn, datetime.now(timezone.utc))
    return run_gate(ram, sagemaker, policy, stage, arn, timeout=wait_seconds)


@lambda_entry("check_gate")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(CheckGateEvent, event)
    budget = max(0.0, min(float(request.wait_seconds), remaining_seconds(context, default=900.0) - GATE_MARGIN_SECONDS))
    return decision_output(check(request.card_arn, request.stage, budget))
