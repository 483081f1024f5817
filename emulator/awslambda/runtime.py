"""What the Lambda service does around a registered handler, with the function's execution role.

* The handler runs with the role's credentials as its default credentials and the function's environment
  variables set (``sessions.acting_as``), when the role exists in the emulator's IAM and trusts
  ``lambda.amazonaws.com`` (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html). A
  function whose role does not exist or does not trust Lambda (a test's placeholder role) runs with the caller's
  credentials, as before.
* Lambda writes the invocation's log lines (START, END, REPORT) to ``/aws/lambda/<function>`` with the role:
  ``logs:CreateLogStream`` and ``logs:PutLogEvents`` (and ``logs:CreateLogGroup`` when the group is missing); a
  denied call only loses the logs, as in AWS
  (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
* An asynchronous invocation (``InvocationType=Event``) is retried ``MaximumRetryAttempts`` times (default 2); an
  invocation that still fails is sent, as an invocation record, to the ``OnFailure`` SQS destination of the
  function's event invoke configuration, with the role (``sqs:SendMessage``)
  (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
* ``poll_sqs``: one poll of an SQS event source mapping, with the role: ``sqs:GetQueueAttributes``,
  ``sqs:ReceiveMessage``, the invocation, and ``sqs:DeleteMessage`` for each record not reported in
  ``batchItemFailures`` (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html: the execution
  role needs ReceiveMessage, DeleteMessage and GetQueueAttributes;
  https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html: partial batch responses).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from mcgov.emulator.awslambda.models import function_key, run_handler
from mcgov.emulator.iam.enforce import trusts_service
from mcgov.emulator.iam.sessions import Credentials, acting_as, assume_role
from mcgov.emulator.state import LambdaHandler

LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
DEFAULT_ASYNC_RETRIES = 2


@dataclass(frozen=True)
class Function:
    """What the runtime needs of a function's configuration."""

    name: str
    arn: str
    region: str
    role: str
    variables: dict[str, str]
    invoke_config: dict[str, Any]


def function_config(function_name_or_arn: str, account: str, region: str) -> Function | None:
    """The configuration of a function moto knows (the ARN's account wins over ``account``), or None."""
    from moto.awslambda.utils import get_backend

    parts = function_name_or_arn.split(":")
    if function_name_or_arn.startswith("arn:") and len(parts) >= 7:
        account, region = parts[4], parts[3]
    try:
        function = get_backend(account, region).get_function(function_key(function_name_or_arn))
    except Exception:  # noqa: BLE001 - a function moto does not know runs as before
        return None
    config = function.event_invoke_config[0].config if function.event_invoke_config else {}
    return Function(
        name=function.function_name,
        arn=function.function_arn,
        region=region,
        role=function.role,
        variables={str(k): str(v) for k, v in (function.environment_vars or {}).items()},
        invoke_config=dict(config),
    )


def role_credentials(function: Function | None) -> Credentials | None:
    """A new session of the function's execution role, when Lambda would assume it (see the module docstring)."""
    if function is None or not trusts_service(function.role, LAMBDA_PRINCIPAL):
        return None
    return assume_role(function.role, function.region, function.name)


def run_function(
    handler: LambdaHandler, function: Function | None, name: str, body: bytes | str | None
) -> tuple[bytes, bool]:
    """One synchronous invocation as Lambda runs it: under the role, then the log lines written with it."""
    credentials = role_credentials(function)
    variables = {"AWS_LAMBDA_FUNCTION_NAME": name}
    if function is not None:
        variables.update(function.variables)
    request_id = str(uuid.uuid4())
    started = time.monotonic()
    with acting_as(credentials, variables):
        payload, failed = run_handler(handler, name, body)
    if credentials is not None and function is not None:
        elapsed = (time.monotonic() - started) * 1000
        write_logs(
            credentials,
            function,
            [
                f"START RequestId: {request_id} Version: $LATEST",
                f"END RequestId: {request_id}",
                f"REPORT RequestId: {request_id}\tDuration: {elapsed:.2f} ms",
            ],
        )
    return payload, failed


def write_logs(credentials: Credentials, function: Function, lines: list[str]) -> bool:
    """Write ``lines`` to the function's log group with its role; False when the role may not (logs are lost)."""
    logs = credentials.session(function.region).client("logs")
    group = f"/aws/lambda/{function.name}"
    stream = f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
    try:
        try:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            logs.create_log_group(logGroupName=group)
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        now = int(time.time() * 1000)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": now, "message": line} for line in lines],
        )
    except ClientError:
        return False
    return True


def run_async(handler: LambdaHandler, function: Function | None, name: str, body: bytes | str | None) -> dict[str, Any]:
    """An asynchronous invocation: retries, then the OnFailure (or OnSuccess) destination; what happened."""
    config = function.invoke_config if function is not None else {}
    attempts = 1 + int(config.get("MaximumRetryAttempts", DEFAULT_ASYNC_RETRIES))
    payload, failed, count = b"", False, 0
    for count in range(1, attempts + 1):  # noqa: B007 - the last count is the record's approximateInvokeCount
        payload, failed = run_function(handler, function, name, body)
        if not failed:
            break
    outcome: dict[str, Any] = {"failed": failed, "attempts": count, "destination": None, "delivered": False}
    destination = ((config.get("DestinationConfig") or {}).get("OnFailure" if failed else "OnSuccess") or {}).get(
        "Destination"
    )
    if function is None or not destination:
        return outcome
    record = invocation_record(function, body, payload, failed, count)
    outcome["destination"] = destination
    outcome["delivered"] = send_to_destination(function, destination, record)
    return outcome


def invocation_record(
    function: Function, body: bytes | str | None, payload: bytes, failed: bool, count: int
) -> dict[str, Any]:
    """The invocation record Lambda sends to a destination (AWS's "Invocation record" example)."""
    raw = body.decode() if isinstance(body, bytes) else (body or "")
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if failed:
        response_context["functionError"] = "Unhandled"
    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"{function.arn}:$LATEST",
            "condition": "RetriesExhausted" if failed else "Success",
            "approximateInvokeCount": count,
        },
        "requestPayload": json.loads(raw) if raw.strip() else {},
        "responseContext": response_context,
        "responsePayload": json.loads(payload.decode() or "null"),
    }


def send_to_destination(function: Function, destination: str, record: dict[str, Any]) -> bool:
    """Send ``record`` to an SQS destination with the function's role; False when refused or not SQS."""
    credentials = role_credentials(function)
    parts = destination.split(":")
    if credentials is None or len(parts) != 6 or parts[2] != "sqs":
        return False
    sqs = credentials.session(function.region).client("sqs")
    url = f"https://sqs.{parts[3]}.amazonaws.com/{parts[4]}/{parts[5]}"  # Lambda sends by ARN: no GetQueueUrl
    try:
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record))
    except ClientError:
        return False
    return True


@dataclass
class PollResult:
    """One poll of an SQS event source: what was received, deleted, kept for redelivery, or refused."""

    received: int = 0
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    response: Any = None
    error: str | None = None


def poll_sqs(
    handler: LambdaHandler,
    function: Function,
    queue_url: str,
    *,
    batch_size: int = 10,
    report_batch_item_failures: bool = True,
) -> PollResult:
    """One poll of an SQS event source mapping as Lambda runs it, with the function's role."""
    result = PollResult()
    credentials = role_credentials(function)
    session = credentials.session(function.region) if credentials else None
    if session is None:
        import boto3

        session = boto3.Session(region_name=function.region)
    sqs = session.client("sqs")
    try:
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=batch_size, AttributeNames=["All"]).get(
            "Messages", []
        )
    except ClientError as exc:
        result.error = str(exc)
        return result
    result.received = len(messages)
    if not messages:
        return result
    event = {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody"),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": function.region,
            }
            for m in messages
        ]
    }
    payload, failed = run_function(handler, function, function.name, json.dumps(event))
    result.response = json.loads(payload.decode() or "null")
    if failed:
        result.kept = [m["MessageId"] for m in messages]
        return result
    reported = (result.response or {}).get("batchItemFailures", []) if report_batch_item_failures else []
    keep = {str(item.get("itemIdentifier")) for item in reported if isinstance(item, dict)}
    for message in messages:
        if message["MessageId"] in keep:
            result.kept.append(message["MessageId"])
            continue
        try:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        except ClientError as exc:
            result.error = str(exc)
            result.kept.append(message["MessageId"])
        else:
            result.deleted.append(message["MessageId"])
    return result
