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
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipelines.exceptions import InvalidWorkflowSettingError, LocalRunUnavailableError
from pipelines.workflow import WorkflowSettings, build_workflow_definition

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

SCENARIOS = ("allowed", "blocked", "pending")
FUNCTIONS = {"populate": "mcgov-populate-card", "share": "mcgov-share-card", "gate": "mcgov-check-gate"}
HANDLER_MODULES = {"populate": "steps.handlers.populate_card", "share": "steps.handlers.share_card", "gate": "steps.handlers.check_gate"}
LOCAL_SETTINGS = WorkflowSettings(initial_wait_seconds=0, max_wait_seconds=0, max_attempts=3, task_timeout_seconds=60, gate_task_timeout_seconds=60)
READ_ONLY_ACTIONS = ["sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions"]
"""Same actions as ProdReadOnlyModelCardPermission in cloudformation/governance.yaml."""
DEFAULT_POLICY = Path(__file__).resolve().parents[1] / "share_policies" / "example.yaml"
EXECUTION_TIMEOUT_SECONDS = 120.0
LOCAL_CARD_ACCOUNT = "123456789012"
"""moto's default account: in-process handlers use the default credentials, so they act as this account."""


def local_policy_text(template: Path = DEFAULT_POLICY, card_account: str = LOCAL_CARD_ACCOUNT) -> str:
    """The example share policy moved to ``card_account`` (its ``card_account`` and permission ARNs)."""
    import yaml

    policy = yaml.safe_load(template.read_text())
    original = str(policy["card_account"])
    return yaml.safe_dump(json.loads(json.dumps(policy).replace(original, card_account)), sort_keys=False)


def default_handlers() -> dict[str, Handler]:
    """The project's Lambda handlers (``steps.handlers.*.handler``)."""
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
    """A populate event whose card already has the status the stage requires (a reviewed card)."""
    import yaml

    event: dict[str, Any] = {"card_name": f"mcgov-local-{scenario}"}
    try:
        required = yaml.safe_load(policy_path.read_text())["stages"][stage].get("required_card_status")
    except (OSError, KeyError, TypeError, AttributeError):
        required = None
    if required:
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


def _create_permissions(session: Any) -> None:
    ram = session.client("ram")
    ram.create_permission(
        name="ModelCardReadOnly",
        resourceType="sagemaker:ModelCard",
        policyTemplate=json.dumps({"Effect": "Allow", "Action": READ_ONLY_ACTIONS}),
    )


def _visited_states(sfn: Any, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def run_local(
    scenario: str,
    *,
    handlers: Mapping[str, Handler] | None = None,
    settings: WorkflowSettings | None = None,
    card_event: Mapping[str, Any] | None = None,
    stage: str = "prod",
    policy_uri: str | None = None,
) -> dict[str, Any]:
    """Deploy the workflow on a fresh emulator, run one execution and return its outcome.

    Returns ``{"scenario", "status", "error", "cause", "output", "states"}`` where ``states`` lists the
    visited state names in order. ``handlers`` (keys populate/share/gate) default to the project's.
    """
    if scenario not in SCENARIOS:
        raise InvalidWorkflowSettingError(f"unknown local scenario {scenario!r}; use one of {', '.join(SCENARIOS)}.")
    try:
        from emulator import Emulator, EmulatorConfig
    except ImportError as exc:
        raise LocalRunUnavailableError(f"the project emulator is not importable ({exc}); install '.[emulator]'.") from exc
    chosen = dict(handlers) if handlers is not None else default_handlers()
    missing = set(FUNCTIONS) - set(chosen)
    if missing:
        raise InvalidWorkflowSettingError(f"handlers miss {sorted(missing)}; pass populate, share and gate.")
    cfg = settings or LOCAL_SETTINGS
    with tempfile.TemporaryDirectory(prefix="mcgov-local-") as tmp:
        policy = policy_uri
        if policy is None:
            policy = str(Path(tmp) / "policy.yaml")
            Path(policy).write_text(local_policy_text())
        event = dict(card_event) if card_event is not None else default_card_event(scenario, stage, Path(policy))
        return _run(scenario, chosen, cfg, event, stage, policy, Emulator, EmulatorConfig)


def _run(scenario: str, chosen: Mapping[str, Handler], cfg: WorkflowSettings, event: dict[str, Any], stage: str,
         policy: str, emulator_cls: Any, config_cls: Any) -> dict[str, Any]:
    with _environment({"MCGOV_POLICY_URI": policy}), emulator_cls(config_cls(card_account=LOCAL_CARD_ACCOUNT)) as emu:
        session = emu.session("card")
        _create_permissions(session)
        iam = session.client("iam")
        role_arn = iam.create_role(RoleName="mcgov-local", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
        lam = session.client("lambda")
        arns = {}
        for key, name in FUNCTIONS.items():
            arns[key] = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="index.handler", Code={"ZipFile": _zip()})["FunctionArn"]
            emu.register_lambda_handler(arns[key], chosen[key])
        _prepare_scenario(emu, scenario, stage)
        sfn = session.client("stepfunctions")
        machine = sfn.create_state_machine(name="mcgov-governance", definition=json.dumps(build_workflow_definition(arns, cfg)), roleArn=role_arn)
        execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps({"card": event, "stage": stage}))["executionArn"]
        deadline = time.monotonic() + EXECUTION_TIMEOUT_SECONDS
        while True:
            described = sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        return {
            "scenario": scenario,
            "status": described["status"],
            "error": described.get("error"),
            "cause": described.get("cause"),
            "output": json.loads(described["output"]) if described.get("output") else None,
            "states": _visited_states(sfn, execution_arn),
        }


def with_settings(**changes: int) -> WorkflowSettings:
    """``LOCAL_SETTINGS`` with some fields changed (validated)."""
    return replace(LOCAL_SETTINGS, **changes)
