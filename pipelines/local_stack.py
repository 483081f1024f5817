"""Deploy the governance stack template (``mcgov stack template``) on an emulator the caller runs.

``deploy_stack(emu, session, ...)`` creates the stack through the emulator's CloudFormation, then makes each of its
Lambda functions run this project's handler in-process (``emu.register_lambda_handler``) the way Lambda runs it:
with the function's environment variables (``MCGOV_POLICY_URI``, ``MCGOV_GATE_TABLE`` ...) and the credentials of a
session of the function's execution role, so the emulator's IAM checks every call against the stack's grants.
The caller owns the emulator: the demo, the tests and the benchmarks.

An in-process invocation swaps the process environment while it runs; run one invocation at a time (the emulator
delivers events one at a time, in the thread that pumps).
"""

from __future__ import annotations

import importlib
import io
import os
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from mcgov.steps.stack.template import TEMPLATE

Handler = Callable[[Any, Any], Any]
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


@dataclass(frozen=True)
class LocalStack:
    """A deployed stack: its outputs, and its functions and their roles by logical id."""

    name: str
    outputs: dict[str, str]
    functions: dict[str, str]
    roles: dict[str, str]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def deploy_stack(
    emu: Any,
    session: Any,
    *,
    name: str = "mcgov",
    policy_uri: str,
    parameters: Mapping[str, str] | None = None,
    handlers: Mapping[str, Handler] | None = None,
) -> LocalStack:
    """Create the stack in ``session``'s account and run its functions' handlers in-process, each as its role.

    ``policy_uri`` is the PolicyUri parameter (a path the handlers can read, or s3:// with ``PolicyBucket``);
    ``handlers`` replaces the handler of a function by its name (``mcgov-check-gate``) or logical id.
    """
    s3 = session.client("s3")
    bucket = f"{name}-code-{emu.account_id('card')}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="mcgov-lambda.zip", Body=_zip())
    values = {
        "CodeBucket": bucket,
        "CodeKey": "mcgov-lambda.zip",
        "PolicyUri": policy_uri,
        "ArtifactBucket": bucket,
        **(parameters or {}),
    }
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=TEMPLATE.read_text(encoding="utf-8"),
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
    )
    [stack] = cloudformation.describe_stacks(StackName=name)["Stacks"]
    resources = cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
    lam = session.client("lambda")
    functions: dict[str, str] = {}
    roles: dict[str, str] = {}
    for resource in resources:
        if resource["ResourceType"] != "AWS::Lambda::Function":
            continue
        config = lam.get_function_configuration(FunctionName=resource["PhysicalResourceId"])
        logical = resource["LogicalResourceId"]
        functions[logical], roles[logical] = config["FunctionArn"], config["Role"]
        chosen = (handlers or {}).get(config["FunctionName"]) or (handlers or {}).get(logical)
        handler = chosen or _project_handler(config["Handler"])
        environment = {k: str(v) for k, v in config.get("Environment", {}).get("Variables", {}).items()}
        emu.register_lambda_handler(config["FunctionArn"], as_function(emu, config["Role"], environment, handler))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return LocalStack(name=name, outputs=outputs, functions=functions, roles=roles)


def _project_handler(path: str) -> Handler:
    module, _, attribute = path.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module), attribute)
    return handler


def as_function(emu: Any, role_arn: str, environment: Mapping[str, str], handler: Handler) -> Handler:
    """``handler`` run with the function's environment variables and a session of its role."""

    def invoke(event: Any, context: Any) -> Any:
        with function_environment(emu, role_arn, environment):
            return handler(event, context)

    return invoke


@contextmanager
def function_environment(emu: Any, role_arn: str, environment: Mapping[str, str]) -> Iterator[None]:
    """The process environment of one invocation: the function's variables and its role's credentials."""
    keys = (*CREDENTIAL_VARIABLES, *environment)
    saved = {key: os.environ.get(key) for key in keys}
    os.environ.update(environment)
    emu.act_as(role_arn, "lambda")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        boto3.DEFAULT_SESSION = None
