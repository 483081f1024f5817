"""Helpers for the event tests: Lambda functions with in-process handlers, rules with their permission, queues."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import boto3

from mcgov.emulator import Emulator

CARD = "111111111111"
STAGING = "222222222222"
PROD = "333333333333"
REGION = "us-east-1"
RAM_PATTERN = {"source": ["aws.ram"], "detail-type": ["Resource Sharing State Change"]}


def card_arn(name: str = "churn") -> str:
    return f"arn:aws:sagemaker:{REGION}:{CARD}:model-card/{name}"


def _zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


class Recorder:
    """An in-process Lambda handler that keeps every event it receives, with the emulator-clock time."""

    def __init__(self, emulator: Emulator, fail_times: int = 0) -> None:
        self.emulator = emulator
        self.events: list[Any] = []
        self.times: list[float] = []
        self.fail_times = fail_times

    def __call__(self, event: Any, context: Any) -> dict[str, str]:
        self.events.append(event)
        self.times.append(self.emulator.clock.now())
        if len(self.events) <= self.fail_times:
            raise RuntimeError("the watcher failed")
        return {"ok": "yes"}


def function(emulator: Emulator, session: boto3.Session, name: str, handler: Callable[[Any, Any], Any]) -> str:
    """Create a Lambda function whose invocations run ``handler``; return its ARN."""
    iam = session.client("iam")
    role_name = f"{name}-role"
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"}))
    arn: str = session.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": _zipped()},
    )["FunctionArn"]
    emulator.register_lambda_handler(arn, handler)
    return arn


def rule_to_lambda(
    session: boto3.Session,
    name: str,
    pattern: dict[str, Any],
    function_arn: str,
    *,
    bus: str = "default",
    permit: bool = True,
    **target: Any,
) -> str:
    """A rule on ``bus`` whose target is the function (with the permission EventBridge needs); return its ARN."""
    events = session.client("events")
    rule_arn: str = events.put_rule(Name=name, EventPattern=json.dumps(pattern), EventBusName=bus)["RuleArn"]
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "fn", "Arn": function_arn, **target}])
    if permit:
        session.client("lambda").add_permission(
            FunctionName=function_arn,
            StatementId=f"events-{name}",
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            SourceArn=rule_arn,
        )
    return rule_arn


def queue(session: boto3.Session, name: str, **attributes: str) -> tuple[str, str]:
    """(URL, ARN) of a new SQS queue."""
    sqs = session.client("sqs")
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def messages(session: boto3.Session, url: str) -> list[str]:
    """The bodies of the messages waiting in a queue."""
    out = session.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [m["Body"] for m in out.get("Messages", [])]
