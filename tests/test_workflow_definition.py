"""The shipped Step Functions ASL (``mcgov.steps.workflow``): structure, error handling and the bounded gate loop.

These run on the package data, what deploys; that it equals what the stepfunctions SDK authors is checked under
SDK v2 (``tests/sdk_v2``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

ARNS = {
    "populate": "arn:aws:lambda:us-east-1:123456789012:function:gov-populate-card",
    "share": "arn:aws:lambda:us-east-1:123456789012:function:gov-share-card",
    "gate": "arn:aws:lambda:us-east-1:123456789012:function:gov-check-gate",
}


@pytest.fixture(scope="module")
def asl() -> dict[str, Any]:
    from mcgov.steps.workflow.definition import governance_definition

    return governance_definition(ARNS)


def _targets(state: dict[str, Any]) -> list[str]:
    targets = [state[k] for k in ("Next", "Default") if k in state]
    targets += [c["Next"] for c in state.get("Choices", [])]
    targets += [c["Next"] for c in state.get("Catch", [])]
    return targets


def test_every_transition_exists_and_every_state_is_reachable(asl: dict[str, Any]) -> None:
    states = asl["States"]
    assert asl["StartAt"] in states
    for name, state in states.items():
        for target in _targets(state):
            assert target in states, f"{name} -> {target} does not exist"
        if state["Type"] not in ("Choice", "Succeed", "Fail"):
            assert "Next" in state or state.get("End") is True, name
    seen, todo = set(), [asl["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_targets(states[name]))
    assert seen == set(states), f"unreachable: {set(states) - seen}"


def test_every_task_retries_lambda_errors_and_catches_to_a_fail_state(asl: dict[str, Any]) -> None:
    tasks = {n: s for n, s in asl["States"].items() if s["Type"] == "Task"}
    assert set(tasks) == {"PopulateCard", "ShareCard", "CheckGate", "WaitForGateEvent"}
    for name, task in tasks.items():
        retried = {e for r in task["Retry"] for e in r["ErrorEquals"]}
        assert {"Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.AWSLambdaException"} <= retried, (
            name
        )
        assert all(r["MaxAttempts"] >= 1 and r["BackoffRate"] >= 1 for r in task["Retry"])
        if name == "WaitForGateEvent":
            continue  # its timeout is the next poll (below)
        [catch] = task["Catch"]
        assert catch["ErrorEquals"] == ["States.ALL"]
        assert asl["States"][catch["Next"]]["Type"] == "Fail"
        assert task["Resource"] == "arn:aws:states:::lambda:invoke"
        assert task["TimeoutSeconds"] <= 900


def test_the_token_wait_registers_times_out_at_the_next_poll_and_falls_back_to_a_wait(asl: dict[str, Any]) -> None:
    states = asl["States"]
    wait = states["WaitForGateEvent"]
    assert wait["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert wait["Parameters"] == {
        "FunctionName": ARNS["gate"],
        "Payload": {
            "card_arn.$": "$.share.card_arn",
            "stage.$": "$.stage",
            "task_token.$": "$$.Task.Token",
            "execution_arn.$": "$$.Execution.Id",
            "shares.$": "$.gate.shares",
            "waiting_since.$": "$.gate.waiting_since",
            "token_timeout_seconds.$": "$.gate.next_check_seconds",
        },
    }
    assert wait["TimeoutSecondsPath"] == "$.gate.next_check_seconds" and "TimeoutSeconds" not in wait
    assert not any("States.Timeout" in r["ErrorEquals"] for r in wait["Retry"]), "a timeout is the next poll"
    assert wait["Next"] == "HasCheckGateOutput" and wait["ResultSelector"] == {"Payload.$": "$"}
    catches = {tuple(c["ErrorEquals"]): c["Next"] for c in wait["Catch"]}
    assert list(catches) == [("States.Timeout",), ("GateBlocked",), ("States.ALL",)]
    assert states[catches[("States.Timeout",)]]["Next"] == "CheckGate"
    assert states[catches[("GateBlocked",)]] == {
        "Type": "Fail",
        "Error": "GateBlocked",
        "CausePath": "$.error.Cause",
        "Comment": "The event path re-checked the gate: blocked (SendTaskFailure GateBlocked with the reasons).",
    }
    fallback = states[catches[("States.ALL",)]]
    assert fallback["Type"] == "Wait" and fallback["SecondsPath"] == "$.gate.next_check_seconds"
    assert fallback["Next"] == catches[("States.Timeout",)]
    count = states[fallback["Next"]]
    assert count["Parameters"] == {"attempt.$": "States.MathAdd($.poll.attempt, 1)"} and count["ResultPath"] == "$.poll"


def test_tasks_call_the_given_functions_with_the_contract_events(asl: dict[str, Any]) -> None:
    states = asl["States"]
    assert states["PopulateCard"]["Parameters"] == {"FunctionName": ARNS["populate"], "Payload.$": "$.card"}
    assert states["ShareCard"]["Parameters"] == {
        "FunctionName": ARNS["share"],
        "Payload": {"card_arn.$": "$.populate.card_arn"},
    }
    assert states["CheckGate"]["Parameters"] == {
        "FunctionName": ARNS["gate"],
        "Payload": {"card_arn.$": "$.share.card_arn", "stage.$": "$.stage", "wait_seconds": 0, "max_wait_seconds": 300},
    }
    assert states["CheckGate"]["ResultPath"] == "$.gate"
    assert states["CheckGate"]["ResultSelector"] == {"Payload.$": "$.Payload"}
    assert states["KeepCheckGateOutput"]["Parameters"]["status.$"] == "$.gate.Payload.status"
    assert states["KeepCheckGateOutput"]["ResultPath"] == "$.gate"


def test_gate_choice_branches_on_status_and_bounds_the_loop(asl: dict[str, Any]) -> None:
    states = asl["States"]
    decision = states[states[states[states["CheckGate"]["Next"]]["Default"]]["Next"]]
    assert decision["Type"] == "Choice"

    def rules(choice: dict[str, Any]) -> list[dict[str, Any]]:
        return choice.get("And", [choice])

    by_value = {
        rule.get("StringEquals"): states[c["Next"]]
        for c in decision["Choices"]
        for rule in rules(c)
        if rule.get("Variable") == "$.gate.status"
    }
    assert by_value["ALLOWED"]["Type"] == "Succeed"
    [allowed] = [c for c in decision["Choices"] if states[c["Next"]]["Type"] == "Succeed"]
    # allowed only on a decision about this execution's own card and stage (a completion for another gate waits)
    assert {(r["Variable"], r["StringEqualsPath"]) for r in rules(allowed) if "StringEqualsPath" in r} == {
        ("$.gate.card_arn", "$.share.card_arn"),
        ("$.gate.stage", "$.stage"),
    }
    assert by_value["BLOCKED"] == {
        "Type": "Fail",
        "Error": "GateBlocked",
        "CausePath": "$.gate.reason",
        "Comment": "Terminal share failure.",
    }
    [limit] = [c for c in decision["Choices"] if c.get("Variable") == "$.poll.attempt"]
    assert limit["NumericGreaterThanEquals"] == 40
    assert states[limit["Next"]]["Error"] == "GateTimedOut"
    assert decision["Default"] == "WaitForGateEvent"


def test_the_wait_cap_and_the_attempts_are_settings() -> None:
    from mcgov.steps.workflow.definition import WorkflowSettings, governance_definition

    asl = governance_definition(ARNS, WorkflowSettings(max_wait_seconds=100, max_attempts=8))
    assert asl["States"]["CheckGate"]["Parameters"]["Payload"]["max_wait_seconds"] == 100
    [limit] = [c for c in asl["States"]["GateDecision"]["Choices"] if c.get("Variable") == "$.poll.attempt"]
    assert limit["NumericGreaterThanEquals"] == 8


def test_the_retry_interval_is_a_setting_whose_default_is_2_and_5_seconds() -> None:
    from mcgov.steps.workflow.definition import WorkflowSettings, governance_definition

    def intervals(asl: dict[str, Any]) -> set[tuple[str, int]]:
        tasks = [s for s in asl["States"].values() if s["Type"] == "Task"]
        return {(r["ErrorEquals"][0], r["IntervalSeconds"]) for t in tasks for r in t["Retry"]}

    assert intervals(governance_definition(ARNS)) == {("Lambda.ServiceException", 2), ("RetryableHandlerFailure", 5)}
    fast = governance_definition(ARNS, WorkflowSettings(retry_interval_seconds=1))
    assert intervals(fast) == {("Lambda.ServiceException", 1), ("RetryableHandlerFailure", 1)}


def test_default_arns_are_cloudformation_substitutions() -> None:
    from mcgov.steps.workflow.definition import definition_json, governance_definition

    text = definition_json(governance_definition())
    assert json.loads(text)["States"]["PopulateCard"]["Parameters"]["FunctionName"] == "${PopulateFunctionArn}"
    assert "${GateFunctionArn}" in text and "${ShareFunctionArn}" in text


@pytest.mark.parametrize(
    ("settings", "hint"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_wait_seconds": -1}, "max_wait_seconds"),
        ({"task_timeout_seconds": 901}, "task_timeout_seconds"),
        ({"retry_interval_seconds": 0}, "retry_interval_seconds"),
    ],
)
def test_bad_settings_raise(settings: dict[str, int], hint: str) -> None:
    from mcgov.steps.workflow.definition import WorkflowSettings
    from mcgov.steps.workflow.exceptions import InvalidWorkflowSettingError

    with pytest.raises(InvalidWorkflowSettingError, match=hint):
        WorkflowSettings(**settings)


def test_bad_arns_raise() -> None:
    from mcgov.steps.workflow.definition import governance_definition
    from mcgov.steps.workflow.exceptions import InvalidLambdaArnError

    with pytest.raises(InvalidLambdaArnError, match="share"):
        governance_definition({**ARNS, "share": "share-card"})
    with pytest.raises(InvalidLambdaArnError, match="gate"):
        governance_definition({"populate": ARNS["populate"], "share": ARNS["share"]})


def test_the_cli_prints_the_shipped_definition_without_importing_an_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom mcgov.steps.cli.main import main\n"
        "code = main(['workflow', 'definition', '--populate-arn', sys.argv[1], '--share-arn', sys.argv[2], "
        "'--gate-arn', sys.argv[3]])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sagemaker', 'stepfunctions') "
        "or m.startswith('mcgov.pipelines'))\n"
        "print(loaded, file=sys.stderr)\nsys.exit(code)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, ARNS["populate"], ARNS["share"], ARNS["gate"]], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"
    from mcgov.steps.workflow.definition import governance_definition

    assert json.loads(proc.stdout) == governance_definition(ARNS)
