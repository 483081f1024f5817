"""Typed handler errors against the ASL's Retry/Catch lists, and no output gap that could end in States.Runtime."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mcgov.steps.handlers.runtime import (
    CAUGHT_ERROR_NAMES,
    HANDLER_ERRORS,
    RETRYABLE_ERROR_NAMES,
    HandlerFailure,
    RetryableHandlerFailure,
    lambda_entry,
)

CARD_ARN = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn"
EXECUTION_INPUT = ("$.card", "$.stage")
_PATH = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


@pytest.fixture(scope="module")
def asl() -> dict[str, Any]:
    from mcgov.steps.workflow.definition import governance_definition

    return governance_definition()


def _subclasses(cls: type) -> set[type]:
    out = {cls}
    for sub in cls.__subclasses__():
        out |= _subclasses(sub)
    return out


def test_every_error_a_handler_raises_is_retried_or_caught_by_name(asl: dict[str, Any]) -> None:
    import mcgov.steps.handlers.hub_sync  # noqa: F401 - its errors subclass the handler errors too

    raised = {cls.__name__ for cls in _subclasses(HandlerFailure)}
    assert raised == set(CAUGHT_ERROR_NAMES) | {c.__name__ for c in _subclasses(RetryableHandlerFailure)}
    assert set(RETRYABLE_ERROR_NAMES) == {"RetryableHandlerFailure"}
    for name, state in asl["States"].items():
        if state["Type"] != "Task":
            continue
        retried = {e for r in state["Retry"] for e in r["ErrorEquals"]}
        caught = {e for c in state["Catch"] for e in c["ErrorEquals"]}
        assert set(RETRYABLE_ERROR_NAMES) <= retried, name
        assert not {"ThrottlingException", "TooManyRequestsException"} & retried, (
            f"{name} retries names no handler raises"
        )
        # the token wait also catches its timeout (the next poll) and the event path's GateBlocked, by name
        assert caught == (
            {"States.Timeout", "GateBlocked", "States.ALL"} if name == "WaitForGateEvent" else {"States.ALL"}
        )
        assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name  # States.ALL must come last
        for error in raised:
            assert error in retried or "States.ALL" in caught, (name, error)


def test_lambda_entry_turns_every_exception_into_a_handler_error() -> None:
    from mcgov.errors import GovernanceError

    class Transient(GovernanceError):
        retryable = True

    def raising(exc: Exception) -> Any:
        @lambda_entry("test")
        def handler(event: Any, context: Any = None) -> dict[str, Any]:
            raise exc

        return handler

    for exc, expected in (
        (KeyError("card_arn"), HandlerFailure),
        (GovernanceError("bad"), HandlerFailure),
        (Transient("throttled"), RetryableHandlerFailure),
    ):
        with pytest.raises(HANDLER_ERRORS) as info:
            raising(exc)({})
        assert type(info.value) is expected, exc


def _reads(state: dict[str, Any]) -> list[str]:
    """JSONPaths a state reads from its input (Parameters, Choice variables outside IsPresent, paths of Wait/Fail)."""
    paths: list[str] = []

    def walk_parameters(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key.endswith(".$") and isinstance(item, str) and not item.startswith("$$."):  # $$: the context
                    paths.extend(_PATH.findall(item))
                else:
                    walk_parameters(item)

    if state["Type"] != "Task" or "Payload.$" not in state.get("Parameters", {}):
        walk_parameters(state.get("Parameters", {}))
    else:
        paths.append(state["Parameters"]["Payload.$"])
    if state["Type"] == "Task":
        walk_parameters(state.get("Parameters", {}).get("Payload", {}))

    def walk_rule(rule: dict[str, Any]) -> None:
        if "Not" in rule:
            walk_rule(rule["Not"])
        elif "Variable" in rule and "IsPresent" not in rule:
            paths.append(rule["Variable"])
        for key in ("And", "Or"):
            for sub in rule.get(key, []):
                walk_rule(sub)

    for rule in state.get("Choices", []):
        walk_rule(rule)
    paths += [
        state[k] for k in ("SecondsPath", "TimeoutSecondsPath", "CausePath", "ErrorPath", "InputPath") if k in state
    ]
    return paths


def _written(state: dict[str, Any]) -> set[str]:
    """Paths a state guarantees in its output (Pass/Task with ResultPath, constant Parameters, Task's whole Payload)."""
    base = state.get("ResultPath", "$")
    if state["Type"] == "Pass":
        out: set[str] = set()

        def flatten(prefix: str, value: Any) -> None:
            if isinstance(value, dict):
                for key, item in value.items():
                    name = key[:-2] if key.endswith(".$") else key
                    out.add(f"{prefix}.{name}")
                    if not key.endswith(".$"):
                        flatten(f"{prefix}.{name}", item)

        flatten(base, state.get("Parameters", {}))
        return out
    if state["Type"] == "Task":  # a Lambda's Payload, or the whole output a task token was completed with
        selected = state.get("ResultSelector", {}).items()
        return {f"{base}.{key[:-2]}" for key, value in selected if value in ("$.Payload", "$")}
    return set()


def _guaranteed(asl: dict[str, Any]) -> dict[str, set[str]]:
    """For each state, the paths present on every route into it (a fixed point over the state graph)."""
    states = asl["States"]
    entry: dict[str, set[str] | None] = {name: None for name in states}
    entry[asl["StartAt"]] = set()
    changed = True
    while changed:
        changed = False
        for name, state in states.items():
            facts = entry[name]
            if facts is None:
                continue
            outgoing: list[tuple[str, set[str]]] = []
            if state["Type"] == "Choice":
                known = set(facts)
                for rule in state["Choices"]:
                    outgoing.append((rule["Next"], set(known)))
                    inner = rule.get("Not", {})
                    if inner.get("IsPresent") is True:
                        known.add(inner["Variable"])
                if "Default" in state:
                    outgoing.append((state["Default"], known))
            else:
                replaced = state["Type"] == "Pass" and state.get("ResultPath", "$") == "$"
                after = _written(state) | (
                    set() if replaced else {p for p in facts if not _under(p, state.get("ResultPath"))}
                )
                if "Next" in state:
                    outgoing.append((state["Next"], after))
                for catch in state.get("Catch", []):
                    kept = {p for p in facts if not _under(p, catch["ResultPath"])}
                    outgoing.append(
                        (catch["Next"], kept | {f"{catch['ResultPath']}.Error", f"{catch['ResultPath']}.Cause"})
                    )
            for target, known in outgoing:
                current = entry[target]
                merged = set(known) if current is None else current & known
                if merged != current:
                    entry[target], changed = merged, True
    return {name: facts or set() for name, facts in entry.items()}


def _under(path: str, base: str | None) -> bool:
    return base is not None and (path == base or path.startswith(base + "."))


def _gaps(asl: dict[str, Any], execution_input: tuple[str, ...] = ()) -> list[str]:
    guaranteed = _guaranteed(asl)
    gaps = []
    for name, state in asl["States"].items():
        for path in _reads(state):
            if path not in guaranteed[name] and not (name == "CheckInput" and path in execution_input):
                gaps.append(f"{name} reads {path}")
        if state["Type"] == "Task":
            token = state["Resource"].endswith(".waitForTaskToken")
            assert state["ResultSelector"] == {"Payload.$": "$" if token else "$.Payload"}, name
    return gaps


def test_no_state_reads_a_path_that_may_be_missing(asl: dict[str, Any]) -> None:
    assert _gaps(asl) == []
    start = asl["States"][asl["StartAt"]]
    assert [r["Not"]["Variable"] for r in start["Choices"]] == list(EXECUTION_INPUT)


def test_the_gap_check_finds_a_gap(asl: dict[str, Any]) -> None:
    import copy

    broken = copy.deepcopy(asl)
    broken["States"]["HasCheckGateOutput"]["Choices"] = [
        r for r in broken["States"]["HasCheckGateOutput"]["Choices"] if r["Not"]["Variable"] != "$.gate.Payload.reason"
    ]
    assert _gaps(broken) == ["KeepCheckGateOutput reads $.gate.Payload.reason"]


def _local_handlers(gate_outputs: list[Any], calls: list[str]) -> dict[str, Any]:
    outputs = iter(gate_outputs)

    def populate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"card_arn": CARD_ARN, "card_version": 3, "content_sha256": "abc", "result": "updated"}

    def share(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"card_arn": event["card_arn"], "shares": [], "drift": []}

    def gate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        calls.append("gate")
        out = next(outputs)
        if isinstance(out, Exception):
            raise out
        return out

    return {"populate": populate, "share": share, "gate": gate}


def test_a_missing_output_key_fails_the_execution_by_name_not_with_states_runtime() -> None:
    from mcgov.demo.local_run import run_local

    calls: list[str] = []
    result = run_local("allowed", handlers=_local_handlers([{"allowed": True, "reason": "ok", "reasons": []}], calls))
    assert (result["status"], result["error"]) == ("FAILED", "HandlerOutputMissing")
    assert "status" in result["cause"] and result["states"][-1] == "CheckGateOutputMissing"


def test_a_retryable_handler_failure_is_retried_and_a_handler_failure_is_caught() -> None:
    from mcgov.demo.local_run import run_local

    allowed = {
        "allowed": True,
        "status": "ALLOWED",
        "reason": "ok",
        "reasons": [],
        "next_check_seconds": 1,
        "shares": [],
        "waiting_since": None,
        "card_arn": CARD_ARN,
        "stage": "staging",
    }
    calls: list[str] = []
    retried = run_local("allowed", handlers=_local_handlers([RetryableHandlerFailure("throttled"), allowed], calls))
    assert retried["status"] == "SUCCEEDED" and calls == ["gate", "gate"]
    calls.clear()
    caught = run_local("allowed", handlers=_local_handlers([HandlerFailure("bad event")], calls))
    assert (caught["status"], caught["error"]) == ("FAILED", "GovernanceTaskFailed") and calls == ["gate"]
    assert "HandlerFailure" in caught["cause"] and "bad event" in caught["cause"]
