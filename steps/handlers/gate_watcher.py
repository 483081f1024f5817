"""Lambda for the CallbackStep variant: complete a pipeline's gate step once the gate decides.

The pipeline's CallbackStep sends ``{"token": ..., "arguments": {"card_arn": ..., "stage": ...}}`` to an SQS
queue that triggers this Lambda. Per message: ALLOWED -> SendPipelineExecutionStepSuccess (outputs
``gate_allowed``/``gate_reason``); BLOCKED -> SendPipelineExecutionStepFailure with the reason; PENDING ->
reported as a batch item failure, so SQS delivers it again after the visibility timeout (the polling
interval), until the message's retention or the queue's maxReceiveCount ends it. A completion call that is
throttled or meets an unavailable service is RETRY (a batch item failure too); one SageMaker refuses (a used
or expired token) drops the message.
"""
from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from mcgov.steps.common.aws import aws_failure
from mcgov.steps.gate import decision_output
from mcgov.steps.handlers.check_gate import check
from mcgov.steps.handlers.runtime import (
    EventError,
    get_logger,
    lambda_entry,
    log,
    parse_event,
)

logger = get_logger("mcgov.gate_watcher")
REDELIVER = ("PENDING", "RETRY")  # outcomes reported as batch item failures, so SQS delivers them again
COMPLETIONS = {"ALLOWED": "SendPipelineExecutionStepSuccess", "BLOCKED": "SendPipelineExecutionStepFailure"}


class GateArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_arn: str
    stage: str


class CallbackMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    token: str = Field(min_length=10, max_length=10000)
    arguments: GateArguments


@lambda_entry("gate_watcher")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise EventError("event field Records: expected the SQS records of the gate queue")
    session = boto3.Session()
    sagemaker = session.client("sagemaker")
    failures: list[dict[str, str]] = []
    outcomes: list[dict[str, str]] = []
    for record in records:
        outcome = process(record, session, sagemaker)
        outcomes.append(outcome)
        if outcome["status"] in REDELIVER:
            failures.append({"itemIdentifier": outcome["message_id"]})
    return {"batchItemFailures": failures, "outcomes": outcomes}


def process(record: dict[str, Any], session: Any, sagemaker: Any) -> dict[str, str]:
    """Decide one callback message; a malformed message is dropped (logged), never retried forever."""
    if not isinstance(record, dict):
        return {"message_id": "", "status": "DROPPED", "reason": "an SQS record must be an object"}
    message_id = str(record.get("messageId", ""))
    try:
        body = json.loads(record.get("body") or "")
    except (json.JSONDecodeError, TypeError):
        body = None
    try:
        message = parse_event(CallbackMessage, body)
    except EventError as exc:
        log(logger, "dropped malformed callback message", message_id=message_id, error=str(exc))
        return {"message_id": message_id, "status": "DROPPED", "reason": str(exc)}
    args = message.arguments
    decision = decision_output(check(args.card_arn, args.stage, 0, session=session))
    outcome = {"message_id": message_id, "status": decision["status"], "reason": decision["reason"]}
    if decision["status"] not in COMPLETIONS:
        return outcome
    operation = COMPLETIONS[decision["status"]]
    try:
        if decision["status"] == "ALLOWED":
            sagemaker.send_pipeline_execution_step_success(
                CallbackToken=message.token,
                OutputParameters=[{"Name": "gate_allowed", "Value": "true"}, {"Name": "gate_reason", "Value": decision["reason"][:256]}],
            )
        else:
            sagemaker.send_pipeline_execution_step_failure(CallbackToken=message.token, FailureReason=decision["reason"][:256])
    except (ClientError, BotoCoreError) as exc:
        failure = aws_failure(exc, "sagemaker", operation)
        assert failure is not None
        if failure.retryable:
            log(logger, "could not complete the pipeline step yet; SQS delivers the message again", message_id=message_id,
                error=failure.text)
            return {**outcome, "status": "RETRY", "reason": f"{operation}: {failure.text}; {failure.hint} (SQS delivers it again)"}
        log(logger, "could not complete the pipeline step; dropping the message", message_id=message_id, error=failure.text)
        return {**outcome, "status": "DROPPED",
                "reason": f"callback refused: {operation}: {failure.text}; {failure.hint} (a used or expired token cannot be completed)"}
    return outcome
