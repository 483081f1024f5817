"""Run the Step Functions governance workflow on the project emulator (``run-pipeline --local SCENARIO``).

The emulator (moto + project patches) executes the ASL for real and runs the Lambda handlers in-process.
Scenarios shape the RAM association lifecycle of the stage's account:

* ``allowed``: associations become ASSOCIATED after one poll -> the execution SUCCEEDS;
* ``blocked``: the stage account's association FAILS -> ``GateBlocked``;
* ``pending``: associations never leave ASSOCIATING -> ``GateTimedOut`` after the bounded loop.
"""

from __future__ import annotations

import io
import json
import os
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mcgov.pipelines.exceptions import InvalidWorkflowSettingError, LocalRunUnavailableError
from mcgov.pipelines.workflow import WorkflowSettings, build_workflow_definition

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

SCENARIOS = ("allowed", "blocked", "pending")
FUNCTIONS = {"populate": "mcgov-populate-card", "share": "mcgov-share-card", "gate": "mcgov-check-gate"}
HANDLER_MODULES = {
    "populate": "mcgov.steps.handlers.populate_card",
    "share": "mcgov.steps.handlers.share_card",
    "gate": "mcgov.steps.handlers.check_gate",
}
LOCAL_SETTINGS = WorkflowSettings(
    initial_wait_seconds=0, max_wait_seconds=0, max_attempts=3, task_timeout_seconds=60, gate_task_timeout_seconds=60
)
DEFAULT_POLICY = Path(__file__).resolve().parents[1] / "share_policies" / "example.yaml"
EXECUTION_TIMEOUT_SECONDS = 120.0


def default_handlers() -> dict[str, Handler]:
    """The project's Lambda handlers (``mcgov.steps.handlers.*.handler``)."""
    import importlib

    handlers: dict[str, Handler] = {}
    for key, module_name in HANDLER_MODULES.items():
        try:
            handlers[key] = importlib.import_module(module_name).handler
        except ModuleNotFoundError as exc:
            raise LocalRunUnavailableError(
                f"{module_name}.handler is not available ({exc}); the local run needs the populate, share and "
                "gate handlers in steps/handlers/ (or pass handlers=... to run_local)."
            ) from exc
    return handlers


def default_card_event(scenario: str, stage: str, policy_path: Path) -> dict[str, Any]:
    """A populate event submitting the card with the status the stage requires, when a pipeline may set it."""
    from mcgov.steps.common.policy import load_policy

    event: dict[str, Any] = {"card_name": f"mcgov-local-{scenario}"}
    required = load_policy(str(policy_path)).stage(stage, source=str(policy_path)).required_card_status
    if required in ("Draft", "PendingReview"):  # what a pipeline may set; Approved is a reviewer's decision
        event["status"] = required
    return event


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _prepare_scenario(emu: Any, scenario: str, stage: str) -> None:
    account = emu.account_id(stage)
    if scenario == "allowed":
        emu.set_association_delay(polls=1)
    elif scenario == "blocked":
        emu.fail_association(principal=account, message=f"local scenario: association of {account} refused")
    else:
        emu.set_association_delay(polls=10**6)


def create_readonly_permission(session: Any) -> str:
    """What the CloudFormation stack creates once per card account: the prod stage's read-only permission."""
    from mcgov.steps.share.converge import ensure_readonly_permission

    return ensure_readonly_permission(session.client("ram"))


def _visited_states(sfn: Any, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


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
    try:
        from mcgov.emulator import Emulator, EmulatorConfig
    except ImportError as exc:
        raise LocalRunUnavailableError(
            f"the project emulator is not importable ({exc}); install '.[emulator]'."
        ) from exc
    chosen = dict(handlers) if handlers is not None else default_handlers()
    missing = set(FUNCTIONS) - set(chosen)
    if missing:
        raise InvalidWorkflowSettingError(f"handlers miss {sorted(missing)}; pass populate, share and gate.")
    cfg = settings or LOCAL_SETTINGS
    policy = policy_uri or str(DEFAULT_POLICY)
    event = dict(card_event) if card_event is not None else default_card_event(scenario, stage, Path(policy))
    return _run(scenario, chosen, cfg, event, stage, policy, Emulator, EmulatorConfig)


@dataclass(frozen=True)
class LocalWorkflow:
    """The governance workflow deployed on a running emulator: start executions and wait for them."""

    sfn: Any
    state_machine_arn: str
    lambda_arns: dict[str, str]

    def execute(
        self, workflow_input: Mapping[str, Any], timeout: float = EXECUTION_TIMEOUT_SECONDS, name: str | None = None
    ) -> dict[str, Any]:
        """Start one execution, wait for it to finish; ``{"status", "error", "cause", "output", "states"}``."""
        execution_arn = self.sfn.start_execution(
            stateMachineArn=self.state_machine_arn,
            input=json.dumps(workflow_input),
            name=name or f"mcgov-{uuid.uuid4().hex[:12]}",
        )["executionArn"]
        deadline = time.monotonic() + timeout
        while True:
            described = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        return {
            "status": described["status"],
            "error": described.get("error"),
            "cause": described.get("cause"),
            "output": json.loads(described["output"]) if described.get("output") else None,
            "states": _visited_states(self.sfn, execution_arn),
        }


def deploy_workflow(
    emu: Any, session: Any, handlers: Mapping[str, Handler] | None = None, settings: WorkflowSettings | None = None
) -> LocalWorkflow:
    """Create the three Lambdas (running ``handlers`` in-process) and the state machine in ``session``'s account."""
    chosen = dict(handlers) if handlers is not None else default_handlers()
    missing = set(FUNCTIONS) - set(chosen)
    if missing:
        raise InvalidWorkflowSettingError(f"handlers miss {sorted(missing)}; pass populate, share and gate.")
    iam = session.client("iam")
    role_arn = iam.create_role(
        RoleName="mcgov-local", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )["Role"]["Arn"]
    lam = session.client("lambda")
    arns = {}
    for key, name in FUNCTIONS.items():
        arns[key] = lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="index.handler", Code={"ZipFile": _zip()}
        )["FunctionArn"]
        emu.register_lambda_handler(arns[key], chosen[key])
    sfn = session.client("stepfunctions")
    definition = json.dumps(build_workflow_definition(arns, settings or LOCAL_SETTINGS))
    machine = sfn.create_state_machine(name="mcgov-governance", definition=definition, roleArn=role_arn)
    return LocalWorkflow(sfn, machine["stateMachineArn"], arns)


def _run(
    scenario: str,
    chosen: Mapping[str, Handler],
    cfg: WorkflowSettings,
    event: dict[str, Any],
    stage: str,
    policy: str,
    emulator_cls: Any,
    config_cls: Any,
) -> dict[str, Any]:
    with _environment({"MCGOV_POLICY_URI": policy}), emulator_cls(config_cls()) as emu:
        session = emu.act_as("card")
        create_readonly_permission(session)
        workflow = deploy_workflow(emu, session, chosen, cfg)
        _prepare_scenario(emu, scenario, stage)
        return {"scenario": scenario, **workflow.execute({"card": event, "stage": stage})}


def with_settings(**changes: int) -> WorkflowSettings:
    """``LOCAL_SETTINGS`` with some fields changed (validated)."""
    return replace(LOCAL_SETTINGS, **changes)
