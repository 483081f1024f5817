"""Lambda for the CallbackStep variant: complete a pipeline's gate step once the gate decides.

The pipeline's CallbackStep sends ``{"token": ..., "arguments": {"card_arn": ..., "stage": ...}}`` to an SQS
queue that triggers this Lambda. Per message: ALLOWED -> SendPipelineExecutionStepSuccess with the outputs the
CallbackStep declares (``mcgov.steps.gate.callback.CALLBACK_OUTPUTS``, one list for both); BLOCKED ->
SendPipelineExecutionStepFailure with the reason; PENDING -> the gate registers itself for the event path
(``mcgov.steps.gate.wakeup``: a RAM event finishes it at once) and the message is reported as a batch item failure,
its visibility set to the gate's next poll (``mcgov.steps.gate.schedule``: jittered, lined up with the first
association time), so SQS delivers it again then, until the message's retention or the queue's maxReceiveCount
ends it. A message the pipeline would refuse (arguments it cannot have sent, outputs it does not declare, a success
SageMaker rejects) is REFUSED: the step fails with the reason, it is never dropped. A completion call that is
throttled or meets an unavailable service is RETRY (a batch item failure too). Only a message with no usable
token, or whose token SageMaker no longer accepts (used, by the event path for instance, or expired), is DROPPED:
there is no step left to complete.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from mcgov import clock
from mcgov.errors import BadInputError
from mcgov.steps.common.aws import aws_failure, make_session
from mcgov.steps.gate.completion import complete_pipeline_step, fail_pipeline_step
from mcgov.steps.gate.registrations import Handle, HandleKind, RegistrationStore
from mcgov.steps.gate.service import check, decision_output
from mcgov.steps.gate.wakeup import next_check_seconds, register_pending
from mcgov.steps.handlers.config import load_runtime_policy, registration_table
from mcgov.steps.handlers.runtime import lambda_entry, logger, notify, parse_event, record_gate
from mcgov.steps.notify.entries import FINAL_STATUSES, gate_decision

REDELIVER = ("PENDING", "RETRY")  # outcomes reported as batch item failures, so SQS delivers them again
MAX_VISIBILITY_SECONDS = 43_200  # SQS ChangeMessageVisibility: at most 12 hours


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
    outcomes: list[dict[str, Any]] = []
    for record in records:
        outcome = process(record, session, sagemaker)
        outcomes.append(outcome)
        if outcome["status"] in REDELIVER:
            failures.append({"itemIdentifier": outcome["message_id"]})
        if outcome["status"] == "DROPPED":
            logger.warning("dropped a callback message", extra={"message_id": outcome["message_id"]})
        elif outcome["status"] == "RETRY":
            logger.warning("could not complete the pipeline step yet; SQS delivers the message again")
    return {"batchItemFailures": failures, "outcomes": outcomes}


def process(record: dict[str, Any], session: Any, sagemaker: Any) -> dict[str, Any]:
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
            return {"message_id": message_id, "status": "DROPPED", "reason": str(exc)}
        refused = {"message_id": message_id, "status": "REFUSED", "reason": f"callback message refused: {exc}"}
        return fail_pipeline_step(sagemaker, token, refused)
    args = message.arguments
    policy = load_runtime_policy()  # the message's stage and card are resolved here, once, naming its fields
    stage = policy.stage(args.stage, source="event.stage")
    card_arn = policy.card_arn(args.card_arn, source="event", field="card_arn")
    waits = clock.for_clients(sagemaker)
    gate = check(policy, card_arn, stage, 0, session=session)
    decision = decision_output(gate)
    outcome: dict[str, Any] = {"message_id": message_id, "status": decision["status"], "reason": decision["reason"]}
    record_gate(decision["status"])
    if decision["status"] in FINAL_STATUSES:
        notify(session, [gate_decision(policy, decision)])
        return complete_pipeline_step(sagemaker, message.token, outcome, decision)
    table = registration_table()
    store = RegistrationStore(session.client("dynamodb", region_name=policy.region), table) if table else None
    handle = Handle(HandleKind.PIPELINE_CALLBACK, message.token, message.token)
    outcome["registration"] = register_pending(store, policy, card_arn, stage, gate, handle, waits.now())
    sent = _sent_at(record)
    delay = next_check_seconds(
        policy, card_arn, stage.name, gate, sent if sent is not None else waits.now(), waits.now()
    )
    redelivery = min(delay, MAX_VISIBILITY_SECONDS)
    outcome["next_check_seconds"] = redelivery
    outcome["visibility_set"] = _redeliver_after(session, record, redelivery)
    return outcome


def _sent_at(record: dict[str, Any]) -> float | None:
    """When SQS received the message (``attributes.SentTimestamp``, epoch milliseconds), in epoch seconds."""
    attributes = record.get("attributes")
    sent = attributes.get("SentTimestamp") if isinstance(attributes, dict) else None
    return int(sent) / 1000.0 if isinstance(sent, str) and sent.isascii() and sent.isdigit() else None


def _redeliver_after(session: Any, record: dict[str, Any], seconds: int) -> bool:
    """ChangeMessageVisibility of the record to ``seconds``; False (the queue's VisibilityTimeout applies) when the
    record names no queue and receipt, or the call fails. The queue's URL is the documented form of its ARN's parts
    (https://sqs.<region>.amazonaws.com/<account>/<name>)."""
    queue_arn, receipt = record.get("eventSourceARN"), record.get("receiptHandle")
    if not (isinstance(queue_arn, str) and queue_arn.count(":") == 5 and isinstance(receipt, str) and receipt):
        return False
    _, _, _, region, account, name = queue_arn.split(":")
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    try:
        session.client("sqs", region_name=region).change_message_visibility(
            QueueUrl=f"https://sqs.{region}.{suffix}/{account}/{name}", ReceiptHandle=receipt, VisibilityTimeout=seconds
        )
    except (ClientError, BotoCoreError) as exc:
        failure = aws_failure(exc, "sqs", "ChangeMessageVisibility")
        logger.warning("kept the queue's visibility timeout", extra={"error": failure.text if failure else ""})
        return False
    return True


def _usable_token(body: Any) -> str | None:
    """The message's token when it has the shape a CallbackStep sends, else None."""
    token = body.get("token") if isinstance(body, dict) else None
    try:
        return parse_event(TokenOnly, {"token": token}).token
    except BadInputError:
        return None
