"""The gate's CallbackStep contract: the outputs the pipeline declares are the outputs the gate watcher sends.

``CALLBACK_OUTPUTS`` is the one list: ``mcgov.pipelines.governance`` declares it on the CallbackStep and
``mcgov.steps.handlers.gate_watcher`` completes the step with ``success_parameters``. SageMaker's limits are
botocore's ``SendPipelineExecutionStepSuccess``/``Failure`` shapes: at most 50 ``OutputParameters``, names
up to 256 characters, values up to 1024, ``FailureReason`` up to 256.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_OUTPUT_PARAMETERS = 50
MAX_OUTPUT_NAME = 256
MAX_OUTPUT_VALUE = 1024
MAX_FAILURE_REASON = 256


@dataclass(frozen=True)
class CallbackOutput:
    """One declared output of the gate's CallbackStep (``output_type``: SageMaker's CallbackOutputTypeEnum)."""

    name: str
    output_type: str
    description: str


CALLBACK_OUTPUTS: tuple[CallbackOutput, ...] = (
    CallbackOutput("gate_allowed", "Boolean", "true: every association of the stage is ASSOCIATED"),
    CallbackOutput("gate_status", "String", "ALLOWED (the step succeeds only then)"),
    CallbackOutput("gate_reason", "String", "the gate's reasons joined, at most 1024 characters"),
)


def success_parameters(decision: Mapping[str, Any]) -> list[dict[str, str]]:
    """``OutputParameters`` for SendPipelineExecutionStepSuccess from a ``decision_output`` record."""
    values = {
        "gate_allowed": "true" if decision.get("allowed") else "false",
        "gate_status": str(decision.get("status", "")),
        "gate_reason": str(decision.get("reason", ""))[:MAX_OUTPUT_VALUE],
    }
    return [{"Name": output.name, "Value": values[output.name]} for output in CALLBACK_OUTPUTS]


def output_problem(parameters: Sequence[Mapping[str, Any]]) -> str | None:
    """Why the pipeline would refuse ``parameters`` (names other than the declared outputs, a value over
    SageMaker's limits or not of its declared type), or None when they are acceptable."""
    declared = {output.name: output.output_type for output in CALLBACK_OUTPUTS}
    names = [str(p.get("Name")) for p in parameters]
    if len(parameters) > MAX_OUTPUT_PARAMETERS:
        return f"{len(parameters)} output parameters, SageMaker accepts at most {MAX_OUTPUT_PARAMETERS}"
    if sorted(names) != sorted(declared):
        return f"output parameters {sorted(names)} are not the CallbackStep's declared outputs {sorted(declared)}"
    for parameter in parameters:
        name, value = str(parameter.get("Name")), parameter.get("Value")
        if not isinstance(value, str) or len(value) > MAX_OUTPUT_VALUE or len(name) > MAX_OUTPUT_NAME:
            return f"output {name} must be a string of at most {MAX_OUTPUT_VALUE} characters"
        if declared[name] == "Boolean" and value not in ("true", "false"):
            return f"output {name} is declared Boolean but the value is neither true nor false"
    return None


def failure_reason(text: str) -> str:
    """``text`` on one line, cut to SageMaker's FailureReason limit."""
    return " ".join(text.split())[:MAX_FAILURE_REASON]
