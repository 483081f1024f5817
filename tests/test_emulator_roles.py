"""The services acting with a role in the emulator: Lambda (the execution role, logs, asynchronous destinations,
SQS event source polls), Step Functions (Lambda tasks, Distributed Map runs, the ResultWriter), SageMaker's export
writing with the caller's role, and CallbackStep tokens. Each is checked both ways: allowed, and refused when the
role lacks the grant (with the decision in ``Emulator.authorizations``)."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator

CARD = "111111111111"
REGION = "us-east-1"
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
STATES_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def allow(actions: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def service_role(session: boto3.Session, name: str, trust: dict[str, Any], *statements: dict[str, Any]) -> str:
    iam = session.client("iam")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if statements:
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(document))
    return arn


def code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def function(
    emulator: Emulator, session: boto3.Session, name: str, role: str, handler: Callable[..., Any], **extra: Any
) -> str:
    arn: str = session.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler", Code={"ZipFile": code()}, **extra
    )["FunctionArn"]
    emulator.register_lambda_handler(arn, handler)
    return arn


def describe_and_update(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Builds its client from the default session, as a handler does."""
    import os

    sagemaker = boto3.client("sagemaker")
    found = sagemaker.describe_model_card(ModelCardName="churn")["ModelCardName"]
    try:
        sagemaker.update_model_card(ModelCardName="churn", ModelCardStatus="PendingReview")
        updated = "updated"
    except ClientError as exc:
        updated = exc.response["Error"]["Code"]
    return {"found": found, "update": updated, "policy": os.environ.get("MCGOV_POLICY_URI")}


@pytest.fixture
def card(card_session: boto3.Session) -> str:
    content = json.dumps({"model_overview": {"model_description": "churn"}})
    return card_session.client("sagemaker").create_model_card(
        ModelCardName="churn", Content=content, ModelCardStatus="Draft"
    )["ModelCardArn"]


def _decisions(emulator: Emulator, role: str) -> list[tuple[str, bool]]:
    return [(d.action, d.allowed) for d in emulator.authorizations if d.role_arn == role]


def test_a_handler_runs_under_its_functions_role_with_its_environment(
    emulator: Emulator, card_session: boto3.Session, card: str
) -> None:
    role = service_role(
        card_session,
        "reader",
        LAMBDA_TRUST,
        allow("sagemaker:DescribeModelCard", f"arn:aws:sagemaker:{REGION}:{CARD}:model-card/*"),
        allow(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            f"arn:aws:logs:{REGION}:{CARD}:log-group:/aws/lambda/reader:*",
        ),
    )
    card_session.client("logs").create_log_group(logGroupName="/aws/lambda/reader")
    arn = function(
        emulator,
        card_session,
        "reader",
        role,
        describe_and_update,
        Environment={"Variables": {"MCGOV_POLICY_URI": "p"}},
    )
    out = json.loads(card_session.client("lambda").invoke(FunctionName=arn, Payload=b"{}")["Payload"].read())
    assert out == {"found": "churn", "update": "AccessDeniedException", "policy": "p"}
    assert ("sagemaker:UpdateModelCard", False) in _decisions(emulator, role)
    streams = card_session.client("logs").describe_log_streams(logGroupName="/aws/lambda/reader")["logStreams"]
    events = card_session.client("logs").get_log_events(
        logGroupName="/aws/lambda/reader", logStreamName=streams[0]["logStreamName"]
    )["events"]
    assert [e["message"].split(" ")[0] for e in events] == ["START", "END", "REPORT"]
    assert "MCGOV_POLICY_URI" not in __import__("os").environ, "the function's environment is restored"


def test_logs_are_lost_when_the_role_may_not_write_them(
    emulator: Emulator, card_session: boto3.Session, card: str
) -> None:
    role = service_role(card_session, "quiet", LAMBDA_TRUST, allow("sagemaker:DescribeModelCard"))
    card_session.client("logs").create_log_group(logGroupName="/aws/lambda/quiet")
    arn = function(emulator, card_session, "quiet", role, describe_and_update)
    assert "FunctionError" not in card_session.client("lambda").invoke(FunctionName=arn, Payload=b"{}")
    assert ("logs:CreateLogStream", False) in _decisions(emulator, role)
    assert card_session.client("logs").describe_log_streams(logGroupName="/aws/lambda/quiet")["logStreams"] == []


def test_a_role_that_does_not_trust_lambda_keeps_the_callers_access(
    emulator: Emulator, card_session: boto3.Session, card: str
) -> None:
    """A test's placeholder role (empty trust policy): the handler runs with the default credentials (full access)."""
    emulator.act_as("card")
    role = service_role(card_session, "placeholder", {"Version": "2012-10-17", "Statement": []})
    arn = function(emulator, card_session, "placeholder", role, describe_and_update)
    out = json.loads(card_session.client("lambda").invoke(FunctionName=arn, Payload=b"{}")["Payload"].read())
    assert out["update"] == "updated" and _decisions(emulator, role) == []


def test_a_failed_asynchronous_invocation_goes_to_its_destination_with_the_role(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    sqs = card_session.client("sqs")
    url = sqs.create_queue(QueueName="failures")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    calls: list[Any] = []

    def fails(event: Any, context: Any) -> Any:
        calls.append(event)
        raise RuntimeError("guard failed")

    for name, statements in (("sender", [allow("sqs:SendMessage", queue)]), ("mute", [])):
        role = service_role(card_session, name, LAMBDA_TRUST, *statements)
        arn = function(emulator, card_session, name, role, fails)
        card_session.client("lambda").put_function_event_invoke_config(
            FunctionName=arn, MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": queue}}
        )
        calls.clear()
        card_session.client("lambda").invoke(FunctionName=arn, InvocationType="Event", Payload=b'{"n": 1}')
        assert calls == [{"n": 1}, {"n": 1}]  # the invocation and one retry
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if name == "sender":
            [message] = messages
            record = json.loads(message["Body"])
            assert record["requestContext"]["condition"] == "RetriesExhausted"
            assert record["requestContext"]["approximateInvokeCount"] == 2 and record["requestPayload"] == {"n": 1}
            assert record["responseContext"]["functionError"] == "Unhandled"
            assert record["responsePayload"]["errorMessage"] == "guard failed"
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        else:
            assert messages == [] and ("sqs:SendMessage", False) in _decisions(emulator, role)


def test_an_sqs_event_source_poll_deletes_what_the_batch_did_not_report(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    sqs = card_session.client("sqs")
    url = sqs.create_queue(QueueName="callbacks")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    role = service_role(
        card_session,
        "poller",
        LAMBDA_TRUST,
        allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], queue),
    )

    def watcher(event: dict[str, Any], context: Any) -> dict[str, Any]:
        pending = [r["messageId"] for r in event["Records"] if json.loads(r["body"]) == "pending"]
        assert all(r["eventSourceARN"] == queue for r in event["Records"])
        return {"batchItemFailures": [{"itemIdentifier": m} for m in pending]}

    function(emulator, card_session, "watcher", role, watcher)
    for body in ("done", "pending", "done"):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
    result = emulator.poll_event_source("watcher", url)
    assert (result.received, len(result.deleted), len(result.kept), result.error) == (3, 2, 1, None)
    assert {a for a, allowed in _decisions(emulator, role) if allowed} == {
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
    }
    refused = service_role(card_session, "no-poll", LAMBDA_TRUST)
    function(emulator, card_session, "refused", refused, watcher)
    assert "sqs:GetQueueAttributes" in (emulator.poll_event_source("refused", url).error or "")


def _run(session: boto3.Session, definition: dict[str, Any], role: str) -> dict[str, Any]:
    sfn = session.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=f"m-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=role
    )
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input="{}")["executionArn"]
    deadline = time.monotonic() + 60
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return described


def _task(arn: str) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": arn, "Payload.$": "$"},
        "End": True,
    }


def test_a_state_machine_invokes_lambda_with_its_role(emulator: Emulator, card_session: boto3.Session) -> None:
    placeholder = service_role(card_session, "fn", {"Version": "2012-10-17", "Statement": []})
    arn = function(emulator, card_session, "echo", placeholder, lambda event, context: {"ok": True})
    definition = {"StartAt": "Call", "States": {"Call": _task(arn)}}
    allowed = service_role(card_session, "sm-ok", STATES_TRUST, allow("lambda:InvokeFunction", arn))
    assert _run(card_session, definition, allowed)["status"] == "SUCCEEDED"
    refused = service_role(card_session, "sm-no", STATES_TRUST)
    assert _run(card_session, definition, refused)["status"] == "FAILED"
    assert ("lambda:InvokeFunction", False) in _decisions(emulator, refused)


def _map(arn: str, bucket: str) -> dict[str, Any]:
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"n.$": "$$.Map.Item.Value"},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Call",
                    "States": {"Call": {**_task(arn), "ResultSelector": {"result.$": "$.Payload"}}},
                },
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": bucket, "Prefix": "runs"},
                },
                "End": True,
            }
        },
    }


def test_the_result_writer_writes_the_result_files_and_the_map_returns_a_summary(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    from mcgov.steps.workflow.results import map_run_results

    placeholder = service_role(card_session, "fn", {"Version": "2012-10-17", "Statement": []})
    arn = function(emulator, card_session, "double", placeholder, lambda event, context: {"twice": event["n"] * 2})
    card_session.client("s3").create_bucket(Bucket="results")
    definition = _map(arn, "results")
    definition["StartAt"] = "Items"
    definition["States"]["Items"] = {"Type": "Pass", "Result": {"items": [1, 2, 3]}, "Next": "Each"}
    role = service_role(
        card_session,
        "sm",
        STATES_TRUST,
        allow("lambda:InvokeFunction", arn),
        allow(["states:StartExecution", "states:DescribeExecution", "states:StopExecution"]),
        allow(
            ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
            "arn:aws:s3:::results/runs/*",
        ),
    )
    described = _run(card_session, definition, role)
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert set(output) == {"MapRunArn", "ResultWriterDetails"}
    details = output["ResultWriterDetails"]
    assert (
        details["Bucket"] == "results"
        and details["Key"].startswith("runs/")
        and details["Key"].endswith("/manifest.json")
    )
    manifest = json.loads(card_session.client("s3").get_object(Bucket="results", Key=details["Key"])["Body"].read())
    assert manifest["MapRunArn"] == output["MapRunArn"] and manifest["DestinationBucket"] == "results"
    [entry] = manifest["ResultFiles"]["SUCCEEDED"]
    assert entry["Key"].endswith("/SUCCEEDED_0.json") and manifest["ResultFiles"]["FAILED"] == []
    children = map_run_results(card_session.client("s3"), details)
    assert [(c.status, c.input, c.output["result"]) for c in children] == [
        ("SUCCEEDED", {"n": n}, {"twice": 2 * n}) for n in (1, 2, 3)
    ]
    raw = json.loads(card_session.client("s3").get_object(Bucket="results", Key=entry["Key"])["Body"].read())
    assert set(raw[0]) >= {
        "ExecutionArn",
        "Input",
        "Name",
        "Output",
        "StartDate",
        "StopDate",
        "StateMachineArn",
        "Status",
    }
    assert ":execution:" in raw[0]["ExecutionArn"]


@pytest.mark.parametrize(
    ("missing", "error"),
    [("states:StartExecution", "States.Runtime"), ("s3:GetObject", "States.ResultWriterFailed")],
)
def test_a_map_run_needs_the_grants_the_step_functions_guide_lists(
    emulator: Emulator, card_session: boto3.Session, missing: str, error: str
) -> None:
    placeholder = service_role(card_session, "fn", {"Version": "2012-10-17", "Statement": []})
    arn = function(emulator, card_session, "one", placeholder, lambda event, context: {})
    card_session.client("s3").create_bucket(Bucket="results")
    definition = _map(arn, "results")
    definition["StartAt"] = "Items"
    definition["States"]["Items"] = {"Type": "Pass", "Result": {"items": [1]}, "Next": "Each"}
    actions = ["states:StartExecution", "states:DescribeExecution", "states:StopExecution"]
    actions += ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]
    role = service_role(
        card_session,
        "sm",
        STATES_TRUST,
        allow("lambda:InvokeFunction", arn),
        allow([a for a in actions if a != missing]),
    )
    described = _run(card_session, definition, role)
    assert described["status"] == "FAILED" and described.get("error") == error, described
    assert (missing, False) in _decisions(emulator, role)


def test_the_result_writer_refuses_a_bucket_of_another_account(emulator: Emulator, card_session: boto3.Session) -> None:
    placeholder = service_role(card_session, "fn", {"Version": "2012-10-17", "Statement": []})
    arn = function(emulator, card_session, "one", placeholder, lambda event, context: {})
    emulator.session("staging").client("s3").create_bucket(Bucket="elsewhere")
    definition = _map(arn, "elsewhere")
    definition["StartAt"] = "Items"
    definition["States"]["Items"] = {"Type": "Pass", "Result": {"items": [1]}, "Next": "Each"}
    described = _run(card_session, definition, placeholder)
    assert described["status"] == "FAILED" and described.get("error") == "States.ResultWriterFailed"


def test_an_export_writes_with_the_callers_role(emulator: Emulator, card_session: boto3.Session, card: str) -> None:
    """SageMaker writes the PDF with the caller's credentials: the caller's role needs s3:PutObject."""
    card_session.client("s3").create_bucket(Bucket="exports")
    export = allow(
        ["sagemaker:CreateModelCardExportJob", "sagemaker:DescribeModelCardExportJob", "sagemaker:DescribeModelCard"]
    )
    for name, statements, status in (
        ("writer", [export, allow("s3:PutObject", "arn:aws:s3:::exports/*")], "Completed"),
        ("no-put", [export], "Failed"),
    ):
        role = emulator.create_role(name, {"inline": {"Version": "2012-10-17", "Statement": statements}})
        sagemaker = emulator.session_for_role(role).client("sagemaker")
        job = sagemaker.create_model_card_export_job(
            ModelCardName="churn", ModelCardExportJobName=name, OutputConfig={"S3OutputPath": "s3://exports/cards/"}
        )["ModelCardExportJobArn"]
        while (described := sagemaker.describe_model_card_export_job(ModelCardExportJobArn=job))[
            "Status"
        ] == "InProgress":
            pass
        assert described["Status"] == status, described
        if status == "Failed":
            assert "s3:PutObject" in described["FailureReason"]


def test_a_callback_token_is_authorized_on_the_pipeline_execution_that_issued_it(emulator: Emulator) -> None:
    execution = f"arn:aws:sagemaker:{REGION}:{CARD}:pipeline/churn/execution/run1"
    token = emulator.issue_callback_token(execution)
    other = emulator.issue_callback_token(f"arn:aws:sagemaker:{REGION}:{CARD}:pipeline/fraud/execution/run1")
    assert len(token) == 10 and token.isalnum()
    scoped = allow(
        ["sagemaker:SendPipelineExecutionStepSuccess", "sagemaker:SendPipelineExecutionStepFailure"],
        f"arn:aws:sagemaker:{REGION}:{CARD}:pipeline/churn/*",
    )
    role = emulator.create_role("watcher", {"inline": {"Version": "2012-10-17", "Statement": [scoped]}})
    sagemaker = emulator.session_for_role(role).client("sagemaker")
    assert sagemaker.send_pipeline_execution_step_success(CallbackToken=token)["PipelineExecutionArn"] == execution
    with pytest.raises(ClientError, match="pipeline/fraud/execution/run1"):
        sagemaker.send_pipeline_execution_step_failure(CallbackToken=other, FailureReason="no")
    with pytest.raises(ClientError, match="cannot determine"):  # a token no step issued: fail closed
        sagemaker.send_pipeline_execution_step_success(CallbackToken="Unknown123")
