"""Authoring of the governance workflow's ASL with the stepfunctions SDK (2.3.0, importable under sagemaker v2 only).

What ships is the ASL this module builds (``make asl`` writes ``mcgov/steps/workflow/governance.asl.json``; the
loader ``mcgov.steps.workflow.definition.governance_definition`` reads it, so deploying needs no SDK).

populate (Lambda) -> share (Lambda) -> check gate (Lambda) -> Choice on ``$.gate.status``:
ALLOWED -> Succeed; BLOCKED -> Fail with the gate's reason; otherwise WaitForGateEvent: the gate Lambda, invoked
with ``.waitForTaskToken``, registers the execution's task token for the event path (``mcgov.steps.gate.wakeup``:
RAM's state-change event completes it with the decision, or fails it with ``GateBlocked``); the task times out at
the gate's next poll (``TimeoutSecondsPath``: the check's ``next_check_seconds``, jittered and lined up with the
first association time, capped at ``max_wait_seconds``), and a timeout checks again. If the token wait itself
fails (the Lambda could not run), a plain Wait of the same length takes its place: polling stays the fallback.
After ``max_attempts`` checks the execution fails with ``GateTimedOut``. Every Task retries Lambda service errors
(and the handlers' ``RetryableHandlerFailure``: throttling, 5xx) with backoff and catches everything else
(``HandlerFailure`` and any other error) into a Fail state carrying the error cause.

No path a state reads can be missing, because a missing path in a Choice, Pass or Fail state is a
``States.Runtime`` error no Catch takes: each Task keeps its whole ``Payload`` (always present), a Choice
checks with ``IsPresent`` that every key later states read is there (else a Fail state naming the task),
and a Pass state then selects those keys to ``$.<task>``. The execution input is checked the same way.

Execution input: ``{"card": <populate_card event>, "stage": "<stage>"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcgov.pipelines._sfn_compat import load_stepfunctions
from mcgov.steps.handlers.runtime import RETRYABLE_ERROR_NAMES
from mcgov.steps.workflow.definition import (
    LAMBDA_SERVICE_ERROR,
    TASK_OUTPUTS,
    WorkflowLambdas,
    WorkflowSettings,
    timed_out_comment,
)

RETRYABLE_LAMBDA_ERRORS = [
    LAMBDA_SERVICE_ERROR,
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
]
RETRYABLE_HANDLER_ERRORS = [*RETRYABLE_ERROR_NAMES, "States.Timeout"]
"""The handlers' retryable error (``RetryableHandlerFailure``: throttling, 5xx, network) and a task timeout."""


def _lambda_task_classes() -> tuple[type, type]:
    """stepfunctions 2.3.0 lacks ResultSelector and Fail.CausePath: thin subclasses add them to the ASL."""
    load_stepfunctions()
    from stepfunctions.steps import Fail, LambdaStep

    class LambdaInvoke(LambdaStep):
        def __init__(self, state_id: str, result_selector: dict[str, str], **kwargs: Any) -> None:
            super().__init__(state_id, **kwargs)
            self.result_selector = result_selector

        def to_dict(self) -> dict[str, Any]:
            result = super().to_dict()
            result["ResultSelector"] = self.result_selector
            return result

    class FailWithCausePath(Fail):
        def __init__(self, state_id: str, cause_path: str, **kwargs: Any) -> None:
            super().__init__(state_id, **kwargs)
            self.cause_path = cause_path

        def to_dict(self) -> dict[str, Any]:
            result = super().to_dict()
            result["CausePath"] = self.cause_path
            return result

    return LambdaInvoke, FailWithCausePath


def build_workflow_definition(
    lambda_arns: WorkflowLambdas | Mapping[str, str] | None = None,
    settings: WorkflowSettings | None = None,
    comment: str = "Model-card governance: populate, share, gate on RAM association",
) -> dict[str, Any]:
    """Amazon States Language definition of the governance workflow (no AWS call).

    ``lambda_arns`` None gives ``${PopulateFunctionArn}``/``${ShareFunctionArn}``/``${GateFunctionArn}``
    substitution variables for CloudFormation.
    """
    load_stepfunctions()
    from stepfunctions.steps import Catch, Choice, ChoiceRule, Fail, Pass, Retry, Succeed, Wait
    from stepfunctions.steps.choice_rule import NotRule, Rule
    from stepfunctions.steps.states import Graph

    arns = WorkflowLambdas.coerce(lambda_arns)
    cfg = settings or WorkflowSettings()
    lambda_interval, handler_interval = cfg.retry_intervals()
    LambdaInvoke, FailWithCausePath = _lambda_task_classes()

    task_failed = FailWithCausePath(
        "TaskFailed",
        cause_path="$.error.Cause",
        error="GovernanceTaskFailed",
        comment="A Lambda task failed after its retries.",
    )

    def missing(path: str) -> Any:
        return NotRule(Rule(path, "IsPresent", True))

    def task(state_id: str, function_arn: str, payload: dict[str, Any], timeout: int) -> tuple[Any, Any]:
        """The Task, and the Pass state after it that holds its checked output at ``$.<key>``."""
        key, fields = TASK_OUTPUTS[state_id]
        step = LambdaInvoke(
            state_id,
            result_selector={"Payload.$": "$.Payload"},
            parameters={"FunctionName": function_arn, "Payload": payload}
            if "Payload.$" not in payload
            else {"FunctionName": function_arn, **payload},
            result_path=f"$.{key}",
            timeout_seconds=timeout,
        )
        step.add_retry(
            Retry(
                error_equals=RETRYABLE_LAMBDA_ERRORS, interval_seconds=lambda_interval, max_attempts=6, backoff_rate=2.0
            )
        )
        step.add_retry(
            Retry(
                error_equals=RETRYABLE_HANDLER_ERRORS,
                interval_seconds=handler_interval,
                max_attempts=4,
                backoff_rate=2.0,
            )
        )
        step.add_catch(Catch(error_equals=["States.ALL"], next_step=task_failed, result_path="$.error"))
        gap = Fail(
            f"{state_id}OutputMissing",
            error="HandlerOutputMissing",
            cause=f"{state_id} returned an output without one of: {', '.join(fields)}.",
        )
        check = Choice(f"Has{state_id}Output", comment="Every key later states read is present.")
        for field in fields:
            check.add_choice(missing(f"$.{key}.Payload.{field}"), gap)
        select = Pass(
            f"Keep{state_id}Output",
            parameters={f"{f}.$": f"$.{key}.Payload.{f}" for f in fields},
            result_path=f"$.{key}",
        )
        check.default_choice(select)
        step.next(check)
        return step, select

    invalid_input = Fail(
        "InvalidExecutionInput",
        error="InvalidExecutionInput",
        cause="The execution input needs card (the populate_card event) and stage.",
    )
    check_input = Choice("CheckInput", comment="The execution input has card and stage.")
    check_input.add_choice(missing("$.card"), invalid_input)
    check_input.add_choice(missing("$.stage"), invalid_input)
    prepare = Pass(
        "Prepare",
        comment="Keep the card event and stage; start the check counter.",
        parameters={"card.$": "$.card", "stage.$": "$.stage", "poll": {"attempt": 1}},
    )
    check_input.default_choice(prepare)
    populate, populated = task("PopulateCard", arns.populate, {"Payload.$": "$.card"}, cfg.task_timeout_seconds)
    share, shared = task("ShareCard", arns.share, {"card_arn.$": "$.populate.card_arn"}, cfg.task_timeout_seconds)
    check, checked = task(
        "CheckGate",
        arns.gate,
        {
            "card_arn.$": "$.share.card_arn",
            "stage.$": "$.stage",
            "wait_seconds": 0,
            "max_wait_seconds": cfg.max_wait_seconds,
        },
        cfg.gate_task_timeout_seconds,
    )
    prepare.next(populate)
    populated.next(share)
    shared.next(check)

    allowed = Succeed("GateAllowed", comment="Every association of the stage is ASSOCIATED.")
    blocked = FailWithCausePath(
        "GateBlocked", cause_path="$.gate.reason", error="GateBlocked", comment="Terminal share failure."
    )
    blocked_by_event = FailWithCausePath(
        "GateBlockedOnEvent",
        cause_path="$.error.Cause",
        error="GateBlocked",
        comment="The event path re-checked the gate: blocked (SendTaskFailure GateBlocked with the reasons).",
    )
    timed_out = FailWithCausePath(
        "GateTimedOut",
        cause_path="$.gate.reason",
        error="GateTimedOut",
        comment=timed_out_comment(cfg.max_attempts),
    )
    next_check = Pass(
        "NextCheck",
        comment="Count the check; check again.",
        parameters={"attempt.$": "States.MathAdd($.poll.attempt, 1)"},
        result_path="$.poll",
    )
    next_check.next(check)
    wait = Wait(
        "WaitForAssociation",
        seconds_path="$.gate.next_check_seconds",
        comment="The token wait could not run: wait until the gate's next poll.",
    )
    wait.next(next_check)
    event_wait = LambdaInvoke(
        "WaitForGateEvent",
        result_selector={"Payload.$": "$"},
        wait_for_callback=True,
        parameters={
            "FunctionName": arns.gate,
            "Payload": {
                "card_arn.$": "$.share.card_arn",
                "stage.$": "$.stage",
                "task_token.$": "$$.Task.Token",
                "execution_arn.$": "$$.Execution.Id",
                "shares.$": "$.gate.shares",
                "waiting_since.$": "$.gate.waiting_since",
                "token_timeout_seconds.$": "$.gate.next_check_seconds",
            },
        },
        result_path="$.gate",
        timeout_seconds_path="$.gate.next_check_seconds",
        comment="Register for the event path; RAM's event completes the token, or it times out at the next poll.",
    )
    event_wait.add_retry(
        Retry(error_equals=RETRYABLE_LAMBDA_ERRORS, interval_seconds=lambda_interval, max_attempts=6, backoff_rate=2.0)
    )
    event_wait.add_retry(
        Retry(
            error_equals=list(RETRYABLE_ERROR_NAMES),
            interval_seconds=handler_interval,
            max_attempts=4,
            backoff_rate=2.0,
        )
    )
    event_wait.add_catch(Catch(error_equals=["States.Timeout"], next_step=next_check, result_path="$.error"))
    event_wait.add_catch(Catch(error_equals=["GateBlocked"], next_step=blocked_by_event, result_path="$.error"))
    event_wait.add_catch(Catch(error_equals=["States.ALL"], next_step=wait, result_path="$.error"))
    event_wait.next(check.next_step)  # the token's output is checked like CheckGate's (HasCheckGateOutput)

    decide = Choice("GateDecision")
    # ALLOWED only for this execution's card and stage: a task token completed with another gate's decision
    # (a forged or misrouted completion) never opens this one; it waits for its own check instead.
    own_allowed = ChoiceRule.And(
        rules=[
            ChoiceRule.StringEquals(variable="$.gate.status", value="ALLOWED"),
            ChoiceRule.StringEqualsPath(variable="$.gate.card_arn", value="$.share.card_arn"),
            ChoiceRule.StringEqualsPath(variable="$.gate.stage", value="$.stage"),
        ]
    )
    decide.add_choice(own_allowed, allowed)
    decide.add_choice(ChoiceRule.StringEquals(variable="$.gate.status", value="BLOCKED"), blocked)
    decide.add_choice(ChoiceRule.NumericGreaterThanEquals(variable="$.poll.attempt", value=cfg.max_attempts), timed_out)
    decide.default_choice(event_wait)
    checked.next(decide)

    graph = Graph(check_input, comment=comment)
    return graph.to_dict()
