"""In-process Lambda handlers, invoked directly and from a Step Functions execution."""

from __future__ import annotations

import io
import json
import time
import zipfile

import boto3
import pytest

import mcgov.emulator as emulator_pkg
from mcgov.emulator import Emulator, EmulatorNotStartedError, HandlerRegistrationError

ROLE = "arn:aws:iam::111111111111:role/lambda-role"


def zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def create_function(session: boto3.Session, name: str) -> str:
    iam = session.client("iam")
    iam.create_role(
        RoleName="lambda-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )
    return session.client("lambda").create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="handler.handler", Code={"ZipFile": zipped()}
    )["FunctionArn"]


def populate(event: dict, context: object) -> dict:
    if event.get("explode"):
        raise ValueError("card content missing training details")
    return {"ok": event["score"] > 0.5, "card": f"card-{event['score']}"}


def test_invoke_runs_registered_handler(emulator: Emulator, card_session: boto3.Session) -> None:
    arn = create_function(card_session, "populate-card")
    emulator.register_lambda_handler(arn, populate)
    lam = card_session.client("lambda")
    out = lam.invoke(FunctionName="populate-card", Payload=json.dumps({"score": 0.9}))
    assert "FunctionError" not in out
    assert json.loads(out["Payload"].read()) == {"ok": True, "card": "card-0.9"}
    err = lam.invoke(FunctionName=arn, Payload=json.dumps({"explode": True}))
    assert err["FunctionError"] == "Unhandled"
    body = json.loads(err["Payload"].read())
    assert body["errorType"] == "ValueError" and "training details" in body["errorMessage"]


def test_unregistered_function_keeps_moto_behaviour(emulator: Emulator, card_session: boto3.Session) -> None:
    create_function(card_session, "echo")
    out = card_session.client("lambda").invoke(FunctionName="echo", Payload=b'{"a": 1}')
    assert json.loads(out["Payload"].read()) == {"a": 1}


def test_registration_errors() -> None:
    with pytest.raises(EmulatorNotStartedError):
        emulator_pkg.register_lambda_handler("x", populate)
    with Emulator() as emu:
        with pytest.raises(HandlerRegistrationError):
            emu.register_lambda_handler("x", "not callable")  # type: ignore[arg-type]
        assert emulator_pkg.register_lambda_handler("arn:aws:lambda:us-east-1:1:function:y:live", populate) == "y"


def run_execution(session: boto3.Session, function_arn: str, payload: dict) -> dict:
    sfn = session.client("stepfunctions")
    definition = {
        "StartAt": "Populate",
        "States": {
            "Populate": {"Type": "Task", "Resource": function_arn, "Next": "Check"},
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Done"}],
                "Default": "Reject",
            },
            "Done": {"Type": "Succeed"},
            "Reject": {"Type": "Fail", "Error": "CardRejected", "Cause": "score too low"},
        },
    }
    machine = sfn.create_state_machine(
        name=f"gate-{time.monotonic_ns()}",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::111111111111:role/sfn-role",
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(payload))["executionArn"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError("execution did not finish within 20 s")


def test_step_functions_task_runs_handler(emulator: Emulator, card_session: boto3.Session) -> None:
    arn = create_function(card_session, "populate-card")
    emulator.register_lambda_handler("populate-card", populate)
    done = run_execution(card_session, arn, {"score": 0.8})
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"ok": True, "card": "card-0.8"}
    rejected = run_execution(card_session, arn, {"score": 0.1})
    assert rejected["status"] == "FAILED" and rejected.get("error") == "CardRejected"
    crashed = run_execution(card_session, arn, {"explode": True})
    assert crashed["status"] == "FAILED"
