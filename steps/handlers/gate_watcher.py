"""Lambda for the CallbackStep variant: complete a pipeline's gate step once the gate decides.

The pipeline's CallbackStep sends ``{"token": ..., "arguments": {"card_arn": ..., "stage": ...}}`` to an SQS
queue that triggers this Lambda. Per message: ALLOWED -> SendPipelineExecutionStepSuccess with the outputs the
CallbackStep declares (``mcgov.steps.gate.callback.CALLBACK_OUTPUTS``, one list for both); BLOCKED ->
SendPipelineExecutionStepFailure with the reason; PENDING -> reported as a batch item failure, so SQS delivers
it again after the visibility timeout (the polling interval), until the message's retention or the queue's
maxReceiveCount ends it. A message the pipeline would refuse (arguments it cannot have sent, outputs it does not
declare, a success SageMaker rejects) is REFUSED: the step fails with the reason, it is never dropped. A
completion call that is throttled or meets an unavailable service is RETRY (a batch item failure too). Only a
message with no usable token, or whose token SageMaker no longer accepts (used or expired), is DROPPED: there
is no step left to complete.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from mcgov.errors import BadInputError
from mcgov.steps.common.aws import AwsFailure, aws_failure, make_session
from mcgov.steps.gate.callback import failure_reason, output_problem, success_parameters
from mcgov.steps.gate.service import check, decision_output
from mcgov.steps.handlers.config import load_runtime_policy
from mcgov.steps.handlers.runtime import lambda_entry, logger, notify, parse_event, record_gate
from mcgov.steps.notify.entries import FINAL_STATUSES, gate_decision

REDELIVER = ("PENDING", "RETRY")  # outcomes reported as batch item failures, so SQS delivers them again


class GateArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_arn: str
    stage: str


class TokenOnly(BaseModel):
    model_config = ConfigDict(extra="ignore")

    token: str = Field(min_length=10, max_length=10000)


class CallbackMessage(TokenOnly):
    arguments: GateArguments


@lambda_entry("gate_watcher")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise BadInputError("expected the SQS records of the gate queue", source="event", field="Records")
    session = make_session()
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
    """Decide one callback message and complete its pipeline step (see the module docstring)."""
    if not isinstance(record, dict):
        return {"message_id": "", "status": "DROPPED", "reason": "an SQS record must be an object"}
    message_id = str(record.get("messageId", ""))
    try:
        body = json.loads(record.get("body") or "")
    except (json.JSONDecodeError, TypeError):
        body = None
    try:
        message = parse_event(CallbackMessage, body)
    except BadInputError as exc:
        token = _usable_token(body)
        if token is None:
            logger.warning(
                "dropped a callback message without a usable token", extra={"message_id": message_id, "error": str(exc)}
            )
            return {"message_id": message_id, "status": "DROPPED", "reason": str(exc)}
        outcome = {"message_id": message_id, "status": "REFUSED", "reason": f"callback message refused: {exc}"}
        return _fail_step(sagemaker, token, outcome)
    args = message.arguments
    policy = load_runtime_policy()  # the message's stage and card are resolved here, once, naming its fields
    stage = policy.stage(args.stage, source="event.stage")
    card_arn = policy.card_arn(args.card_arn, source="event", field="card_arn")
    decision = decision_output(check(policy, card_arn, stage, 0, session=session))
    outcome = {"message_id": message_id, "status": decision["status"], "reason": decision["reason"]}
    record_gate(decision["status"])
    if decision["status"] in FINAL_STATUSES:
        notify(session, [gate_decision(policy, decision)])
    if decision["status"] == "BLOCKED":
        return _fail_step(sagemaker, message.token, outcome)
    if decision["status"] != "ALLOWED":
        return outcome
    parameters = success_parameters(decision)
    problem = output_problem(parameters)
    if problem:
        return _fail_step(
            sagemaker, message.token, {**outcome, "status": "REFUSED", "reason": f"gate allowed, but {problem}"}
        )
    operation = "SendPipelineExecutionStepSuccess"
    try:
        sagemaker.send_pipeline_execution_step_success(CallbackToken=message.token, OutputParameters=parameters)
    except (ClientError, BotoCoreError) as exc:
        failure = _failure(exc, operation)
        if failure.retryable:
            return _retry(outcome, operation, failure)
        refused = {**outcome, "status": "REFUSED", "reason": f"{operation} refused: {failure.text}"}
        return _fail_step(sagemaker, message.token, refused)
    return outcome


def _usable_token(body: Any) -> str | None:
    """The message's token when it has the shape a CallbackStep sends, else None."""
    token = body.get("token") if isinstance(body, dict) else None
    try:
        return parse_event(TokenOnly, {"token": token}).token
    except BadInputError:
        return None


def _fail_step(sagemaker: Any, token: str, outcome: dict[str, str]) -> dict[str, str]:
    """SendPipelineExecutionStepFailure with the outcome's reason; RETRY when throttled, DROPPED when the token
    is no longer accepted."""
    operation = "SendPipelineExecutionStepFailure"
    try:
        sagemaker.send_pipeline_execution_step_failure(
            CallbackToken=token, FailureReason=failure_reason(outcome["reason"])
        )
    except (ClientError, BotoCoreError) as exc:
        failure = _failure(exc, operation)
        if failure.retryable:
            return _retry(outcome, operation, failure)
        logger.error(
            "could not fail the pipeline step; dropping the message",
            extra={"message_id": outcome["message_id"], "error": failure.text},
        )
        return {
            **outcome,
            "status": "DROPPED",
            "reason": f"callback refused: {operation}: {failure.text}; {failure.hint} (a used or expired token "
            f"cannot be completed); the step's reason was: {outcome['reason']}",
        }
    return outcome


def _failure(exc: Exception, operation: str) -> AwsFailure:
    failure = aws_failure(exc, "sagemaker", operation)
    assert failure is not None
    return failure


def _retry(outcome: dict[str, str], operation: str, failure: AwsFailure) -> dict[str, str]:
    logger.warning(
        "could not complete the pipeline step yet; SQS delivers the message again",
        extra={"message_id": outcome["message_id"], "error": failure.text},
    )
    return {
        **outcome,
        "status": "RETRY",
        "reason": f"{operation}: {failure.text}; {failure.hint} (SQS delivers it again)",
    }
