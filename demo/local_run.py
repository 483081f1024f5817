"""Run the governance workflow on a fresh project emulator: ``python -m mcgov.demo.local_run SCENARIO``.

The emulator (moto + project patches) deploys the governance stack from ``steps/stack/governance.yaml`` and
executes the shipped ASL for real, each Lambda handler in-process under its own role (``mcgov.demo.stack``).
Scenarios shape the RAM association lifecycle of the stage's account:

* ``allowed``: associations become ASSOCIATED after one poll -> the execution SUCCEEDS;
* ``blocked``: the stage account's association FAILS -> ``GateBlocked``;
* ``pending``: associations never leave ASSOCIATING -> ``GateTimedOut`` after the bounded loop.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mcgov.demo.stack import deploy_governance
from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.emulator.environment import environment
from mcgov.pipelines.local_run import (
    FUNCTIONS,
    LOCAL_SETTINGS,
    Handler,
    create_readonly_permission,
    default_handlers,
)
from mcgov.steps.policy import load_policy
from mcgov.steps.workflow.definition import WorkflowSettings
from mcgov.steps.workflow.exceptions import InvalidWorkflowSettingError

SCENARIOS = ("allowed", "blocked", "pending")
DEFAULT_POLICY = Path(__file__).resolve().parents[1] / "share_policies" / "example.yaml"


def default_card_event(scenario: str, stage: str, policy_path: Path) -> dict[str, Any]:
    """A populate event submitting the card with the status the stage requires, when a pipeline may set it."""
    event: dict[str, Any] = {"card_name": f"mcgov-local-{scenario}"}
    required = load_policy(str(policy_path)).stage(stage, source=str(policy_path)).required_card_status
    if required in ("Draft", "PendingReview"):  # what a pipeline may set; Approved is a reviewer's decision
        event["status"] = required
    return event


def _prepare_scenario(emu: Emulator, scenario: str, stage: str) -> None:
    account = emu.account_id(stage)
    if scenario == "allowed":
        emu.set_association_delay(polls=1)
    elif scenario == "blocked":
        emu.fail_association(principal=account, message=f"local scenario: association of {account} refused")
    else:
        emu.set_association_delay(polls=10**6)


def run_local(
    scenario: str,
    *,
    handlers: Mapping[str, Handler] | None = None,
    settings: WorkflowSettings | None = None,
    card_event: Mapping[str, Any] | None = None,
    stage: str = "staging",
    policy_uri: str | None = None,
) -> dict[str, Any]:
    """Deploy the workflow on a fresh emulator, run one execution and return its outcome.

    Returns ``{"scenario", "status", "error", "cause", "output", "states"}`` where ``states`` lists the
    visited state names in order. ``handlers`` (keys populate/share/gate) default to the project's.
    """
    if scenario not in SCENARIOS:
        raise InvalidWorkflowSettingError(f"unknown local scenario {scenario!r}; use one of {', '.join(SCENARIOS)}.")
    chosen = dict(handlers) if handlers is not None else default_handlers()
    missing = set(FUNCTIONS) - set(chosen)
    if missing:
        raise InvalidWorkflowSettingError(f"handlers miss {sorted(missing)}; pass populate, share and gate.")
    policy = policy_uri or str(DEFAULT_POLICY)
    event = dict(card_event) if card_event is not None else default_card_event(scenario, stage, Path(policy))
    with environment({"MCGOV_POLICY_URI": policy}), Emulator(EmulatorConfig()) as emu:
        session = emu.act_as("card")
        create_readonly_permission(session)
        _stack, workflow = deploy_governance(
            emu,
            policy_uri=str(Path(policy).resolve()),
            artifact_bucket="mcgov-local-artifacts",
            settings=settings or LOCAL_SETTINGS,
            handlers=chosen,
        )
        _prepare_scenario(emu, scenario, stage)
        return {"scenario": scenario, **workflow.execute({"card": event, "stage": stage})}


def main(argv: Sequence[str] | None = None) -> int:
    """Print the outcome of one local run as JSON; exit 0 when it ran (whatever the outcome), 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m mcgov.demo.local_run", description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=SCENARIOS)
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(sys.stderr):
        result = run_local(args.scenario)
    print(json.dumps(result, indent=2, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
