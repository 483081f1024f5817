"""Deploy the shipped governance workflow (ASL) and its three Lambdas on an emulator the caller runs.

``deploy_workflow(emu, session, ...)`` creates the functions (running handlers in-process through
``emu.register_lambda_handler``) and the state machine in ``session``'s account; ``LocalWorkflow.execute`` runs
one execution for real (moto's Step Functions interpreter). The caller owns the emulator: the demo, the tests,
and ``python -m mcgov.demo.local_run SCENARIO``.
"""

from __future__ import annotations

import importlib
import io
import json
import time
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mcgov.steps.share.converge import ensure_readonly_permission
from mcgov.steps.workflow.definition import WorkflowSettings, governance_definition
from mcgov.steps.workflow.exceptions import InvalidWorkflowSettingError

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

FUNCTIONS = {"populate": "mcgov-populate-card", "share": "mcgov-share-card", "gate": "mcgov-check-gate"}
HANDLER_MODULES = {
    "populate": "mcgov.steps.handlers.populate_card",
    "share": "mcgov.steps.handlers.share_card",
    "gate": "mcgov.steps.handlers.check_gate",
}
LOCAL_SETTINGS = WorkflowSettings(
    max_wait_seconds=0,  # each wait 1 s (moto waits out a task's timeout in real time)
    max_attempts=3,
    task_timeout_seconds=60,
    gate_task_timeout_seconds=60,
    retry_interval_seconds=1,  # moto waits out Retry intervals in real time
)
EXECUTION_TIMEOUT_SECONDS = 120.0


def default_handlers() -> dict[str, Handler]:
    """The project's Lambda handlers (``mcgov.steps.handlers.*.handler``)."""
    return {key: importlib.import_module(module_name).handler for key, module_name in HANDLER_MODULES.items()}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def create_readonly_permission(session: Any) -> str:
    """What the CloudFormation stack creates once per card account: the prod stage's read-only permission."""
    return ensure_readonly_permission(session.client("ram"))


def _visited_states(sfn: Any, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


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
    definition = json.dumps(governance_definition(arns, settings or LOCAL_SETTINGS))
    machine = sfn.create_state_machine(name="mcgov-governance", definition=definition, roleArn=role_arn)
    return LocalWorkflow(sfn, machine["stateMachineArn"], arns)


def with_settings(**changes: int) -> WorkflowSettings:
    """``LOCAL_SETTINGS`` with some fields changed (validated)."""
    return replace(LOCAL_SETTINGS, **changes)
