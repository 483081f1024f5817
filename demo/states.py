"""What the governance workflow's states mean to a reader of the demo: ``PopulateCard -> HasPopulateCardOutput ->
KeepPopulateCardOutput -> ... -> GateAllowed`` reads as ``populate card -> share -> gate: waiting ×2 -> gate: allowed``.

The state names are those of ``mcgov.pipelines.workflow``; a state this table does not know is shown as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

STEP_NAMES = {
    "PopulateCard": "populate card",
    "ShareCard": "share",
    "WaitForGateEvent": "gate: waiting",
    "WaitForAssociation": "gate: waiting",
    "GateAllowed": "gate: allowed",
    "GateBlocked": "gate: blocked",
    "GateBlockedOnEvent": "gate: blocked",
    "GateTimedOut": "gate: timed out",
    "TaskFailed": "a task failed",
    "InvalidExecutionInput": "invalid input",
}
# Bookkeeping between the steps: input checks, output checks, the gate's decision and its check counter.
PLUMBING = frozenset({"CheckInput", "Prepare", "CheckGate", "GateDecision", "NextCheck"})


def step_name(state: str) -> str | None:
    """The step a state stands for, or ``None`` for bookkeeping a reader need not see."""
    if state in STEP_NAMES:
        return STEP_NAMES[state]
    if state in PLUMBING or (state.startswith(("Has", "Keep")) and state.endswith("Output")):
        return None
    if state.endswith("OutputMissing"):
        return f"{step_name(state.removesuffix('OutputMissing')) or state}: output incomplete"
    return state


def steps_text(states: Sequence[str]) -> str:
    """The visited ``states`` as steps, a repeated step counted once (``gate: waiting ×2``)."""
    steps: list[tuple[str, int]] = []
    for name in filter(None, map(step_name, states)):
        if steps and steps[-1][0] == name:
            steps[-1] = (name, steps[-1][1] + 1)
        else:
            steps.append((name, 1))
    return " -> ".join(name if count == 1 else f"{name} ×{count}" for name, count in steps)
