"""Finish a waiting gate through its completion handle (adapter): a SageMaker pipeline CallbackStep or a Step
Functions task token.

Each function takes an *outcome* (a dict with at least ``status``, ALLOWED or BLOCKED, and ``reason``) and returns
it, updated when the completion did not go through:

* ``REFUSED``: the pipeline would refuse the success (outputs it does not declare, a value over its limits, or
  SageMaker refused it); the step is failed with the reason instead, never left waiting.
* ``RETRY``: the completion call was throttled or met an unavailable service; the same gate may complete later.
* ``DROPPED``: the handle is no longer accepted (a used or expired token, a finished execution): there is nothing
  left to complete.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mcgov.steps.common.aws import AwsFailure, aws_failure
from mcgov.steps.gate.callback import failure_reason, output_problem, success_parameters
from mcgov.steps.gate.registrations import Handle, HandleKind

TASK_OUTPUT = {
    "allowed": False,
    "status": "",
    "reason": "",
    "reasons": [],
    "next_check_seconds": 0,
    "shares": [],
    "waiting_since": None,
    "stage": "",
    "card_arn": "",
    "checked_at": None,
}
"""What SendTaskSuccess sends: the keys the state machine reads after the gate (HasCheckGateOutput, the check's
output), each from the decision or this default, and context."""
MAX_TASK_CAUSE = 32_768
GATE_BLOCKED_ERROR = "GateBlocked"


def complete(
    handle: Handle, outcome: dict[str, Any], decision: dict[str, Any], *, sagemaker: Any, sfn: Any
) -> dict[str, Any]:
    """Complete ``handle`` with ``decision`` (a ``decision_output`` record, ALLOWED or BLOCKED)."""
    if handle.kind is HandleKind.PIPELINE_CALLBACK:
        return complete_pipeline_step(sagemaker, handle.token, outcome, decision)
    return complete_task(sfn, handle.token, outcome, decision)


def complete_pipeline_step(
    sagemaker: Any, token: str, outcome: dict[str, Any], decision: dict[str, Any]
) -> dict[str, Any]:
    """ALLOWED: SendPipelineExecutionStepSuccess with the CallbackStep's declared outputs; BLOCKED (or refused):
    SendPipelineExecutionStepFailure with the reason."""
    if outcome["status"] != "ALLOWED":
        return fail_pipeline_step(sagemaker, token, outcome)
    parameters = success_parameters(decision)
    problem = output_problem(parameters)
    if problem:
        refused = {**outcome, "status": "REFUSED", "reason": f"gate allowed, but {problem}"}
        return fail_pipeline_step(sagemaker, token, refused)
    operation = "SendPipelineExecutionStepSuccess"
    try:
        sagemaker.send_pipeline_execution_step_success(CallbackToken=token, OutputParameters=parameters)
    except (ClientError, BotoCoreError) as exc:
        failure = _failure(exc, "sagemaker", operation)
        if failure.retryable:
            return _retry(outcome, operation, failure)
        refused = {**outcome, "status": "REFUSED", "reason": f"{operation} refused: {failure.text}"}
        return fail_pipeline_step(sagemaker, token, refused)
    return outcome


def fail_pipeline_step(sagemaker: Any, token: str, outcome: dict[str, Any]) -> dict[str, Any]:
    """SendPipelineExecutionStepFailure with the outcome's reason; RETRY when throttled, DROPPED when the token is
    no longer accepted."""
    operation = "SendPipelineExecutionStepFailure"
    try:
        sagemaker.send_pipeline_execution_step_failure(
            CallbackToken=token, FailureReason=failure_reason(outcome["reason"])
        )
    except (ClientError, BotoCoreError) as exc:
        failure = _failure(exc, "sagemaker", operation)
        if failure.retryable:
            return _retry(outcome, operation, failure)
        return {
            **outcome,
            "status": "DROPPED",
            "reason": f"callback refused: {operation}: {failure.text}; {failure.hint} (a used or expired token "
            f"cannot be completed); the step's reason was: {outcome['reason']}",
        }
    return outcome


def complete_task(sfn: Any, token: str, outcome: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """ALLOWED: SendTaskSuccess with the gate's output (``TASK_OUTPUT_KEYS``); BLOCKED: SendTaskFailure with error
    ``GateBlocked`` and the reasons as the cause. A token Step Functions no longer knows (TaskTimedOut,
    TaskDoesNotExist, InvalidToken) is DROPPED."""
    try:
        if outcome["status"] == "ALLOWED":
            operation = "SendTaskSuccess"
            output = {key: decision.get(key, default) for key, default in TASK_OUTPUT.items()}
            sfn.send_task_success(taskToken=token, output=json.dumps(output))
        else:
            operation = "SendTaskFailure"
            sfn.send_task_failure(
                taskToken=token, error=GATE_BLOCKED_ERROR, cause=str(outcome["reason"])[:MAX_TASK_CAUSE]
            )
    except (ClientError, BotoCoreError) as exc:
        failure = _failure(exc, "states", operation)
        if failure.retryable:
            return _retry(outcome, operation, failure)
        return {
            **outcome,
            "status": "DROPPED",
            "reason": f"{operation}: {failure.text} (the execution no longer waits on this token); the gate's "
            f"reason was: {outcome['reason']}",
        }
    return outcome


def _failure(exc: Exception, service: str, operation: str) -> AwsFailure:
    failure = aws_failure(exc, service, operation)
    assert failure is not None
    return failure


def _retry(outcome: dict[str, Any], operation: str, failure: AwsFailure) -> dict[str, Any]:
    return {**outcome, "status": "RETRY", "reason": f"{operation}: {failure.text}; {failure.hint}"}
