"""Deploy from the installed package: a fresh venv holding this project's wheel (not editable, no clone) prints the
template (``mcgov stack template [--hub]``) and builds the Lambda zip (``mcgov stack package``); the zip is uploaded
and the stack created on the emulator's CloudFormation (moto, with the emulator's models for the four types moto
lacks: ``mcgov.emulator.cloudformation``), as the README's "Deploy" section does it against AWS."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from mcgov.steps.stack.lambda_package import ARTEFACT_NAME, HANDLERS, bundled_sdk
from tests.wheel_install import WheelVenv, build_wheel, clean_env, install_in_venv

REGION = "us-east-1"
SPOKES = ("444444444444", "555555555555")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    work = tmp_path_factory.mktemp("wheel")
    return install_in_venv(build_wheel(work), work / "venv")


def _mcgov(venv: WheelVenv, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(venv.mcgov), *argv], capture_output=True, text=True, env=clean_env(cwd), cwd=cwd, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def built(installed: WheelVenv, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the wheel's commands produce, in a folder that is no checkout: both templates and the zip."""
    here = tmp_path_factory.mktemp("deploy")
    package = _mcgov(installed, "stack", "package", "--out", str(here / "dist"), cwd=here)
    return {
        "template": _mcgov(installed, "stack", "template", cwd=here).stdout,
        "hub_template": _mcgov(installed, "stack", "template", "--hub", cwd=here).stdout,
        "zip": Path(package.stdout.strip()),
        "log": package.stderr,
    }


def _deploy(session: Any, name: str, template: str, code: bytes, **extra: str) -> dict[str, Any]:
    s3 = session.client("s3")
    for bucket in ("mcgov-code", "mcgov-artifacts"):
        if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
            s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="mcgov-code", Key=f"{name}/{ARTEFACT_NAME}", Body=code)
    parameters = {
        "CodeBucket": "mcgov-code",
        "CodeKey": f"{name}/{ARTEFACT_NAME}",
        "PolicyUri": "s3://mcgov-artifacts/share-policy.yaml",
        "PolicyBucket": "mcgov-artifacts",
        "ArtifactBucket": "mcgov-artifacts",
        **extra,
    }
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=template,
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    )
    [stack] = cloudformation.describe_stacks(StackName=name)["Stacks"]
    return stack


def test_the_wheel_builds_the_package_from_its_own_files(installed: WheelVenv, built: dict[str, Any]) -> None:
    assert "source checkout" not in built["log"], built["log"]
    with zipfile.ZipFile(built["zip"]) as archive:
        names = set(archive.namelist())
    assert {f"{h.replace('.', '/')}.py" for h in HANDLERS} <= names
    assert not any(n.startswith(("mcgov/pipelines/", "mcgov/emulator/", "mcgov/demo/")) for n in names)
    pins = (installed.purelib / "mcgov" / "steps" / "stack" / "lambda-sdk.txt").read_text()
    for pin in bundled_sdk():  # the SDK the tests ran on, bundled from the wheel's own pins (package data)
        assert pin in pins and "{}-{}.dist-info/METADATA".format(*pin.split("==")) in names, pin
    installed_handler = installed.purelib / "mcgov" / "steps" / "handlers" / "check_gate.py"
    with zipfile.ZipFile(built["zip"]) as archive:
        assert archive.read("mcgov/steps/handlers/check_gate.py") == installed_handler.read_bytes()


def test_the_stack_deploys_from_the_wheels_template_and_zip(emulator: Any, card_session: Any, built: dict) -> None:
    code = built["zip"].read_bytes()
    stack = _deploy(card_session, "mcgov", built["template"], code)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    account = outputs["StateMachineArn"].split(":")[4]
    assert outputs["LambdaArnPrefix"] == f"arn:aws:lambda:{REGION}:{account}:function:mcgov-"
    functions = {f["FunctionName"]: f for f in card_session.client("lambda").list_functions()["Functions"]}
    expected = {
        "mcgov-populate-card": "mcgov.steps.handlers.populate_card.handler",
        "mcgov-share-card": "mcgov.steps.handlers.share_card.handler",
        "mcgov-check-gate": "mcgov.steps.handlers.check_gate.handler",
        "mcgov-approval-guard": "mcgov.steps.handlers.approval_guard.handler",
        "mcgov-gate-watcher": "mcgov.steps.handlers.gate_watcher.handler",
        "mcgov-approve-model-package": "mcgov.steps.handlers.approve_model_package.handler",
    }
    assert {name: functions[name]["Handler"] for name in expected} == expected
    assert {functions[name]["Runtime"] for name in expected} == {"python3.12"}
    assert {functions[name]["CodeSize"] for name in expected} == {len(code)}
    assert not any(name.startswith("mcgov-hub-") for name in functions), "DeployHub defaults to false"
    definition = card_session.client("stepfunctions").describe_state_machine(stateMachineArn=outputs["StateMachineArn"])
    states = json.loads(definition["definition"])["States"]
    assert states["PopulateCard"]["Parameters"]["FunctionName"] == outputs["PopulateFunctionArn"]
    # The types moto's CloudFormation lacks are created by the emulator's models, through their services' APIs.
    permission = card_session.client("ram").get_permission(permissionArn=outputs["ProdReadOnlyPermissionArn"])
    assert permission["permission"]["resourceType"] == "sagemaker:ModelCard"
    alarms = card_session.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert len(alarms) == 2 and {a["Namespace"] for a in alarms} == {"AWS/SQS"}
    invoke = card_session.client("lambda").get_function_event_invoke_config(FunctionName="mcgov-approval-guard")
    assert invoke["MaximumRetryAttempts"] == 2


def test_the_hub_template_deploys_the_hub_sync(emulator: Any, card_session: Any, built: dict) -> None:
    assert built["hub_template"] != built["template"]
    stack = _deploy(
        card_session, "hub", built["hub_template"], built["zip"].read_bytes(), HubSpokeAccounts=",".join(SPOKES)
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    functions = {f["FunctionName"]: f["Handler"] for f in card_session.client("lambda").list_functions()["Functions"]}
    assert functions["hub-hub-sync"] == "mcgov.steps.handlers.hub_sync.handler"
    assert functions["hub-hub-list-spokes"] == "mcgov.steps.handlers.hub_sync.list_spokes"
    assert outputs["HubStateMachineArn"].endswith(":stateMachine:hub-hub-sync")
