"""Lambda handlers on the emulator: share, gate (PENDING/ALLOWED/BLOCKED), approval guard, gate watcher."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import ANY, Stubber

from mcgov.steps.common.aws import aws_failure
from mcgov.steps.handlers import approval_guard, check_gate, gate_watcher, share_card
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.handlers.exceptions import HandlerFailure, RetryableHandlerFailure
from mcgov.steps.handlers.runtime import lambda_entry
from mcgov.steps.registry.exceptions import RegistryError
from mcgov.steps.registry.store import ModelPackageStore
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"


@pytest.fixture
def world(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    clear_policy_cache()
    monkeypatch.setenv("MCGOV_POLICY_URI", str(REPO / "share_policies" / "example.yaml"))
    sm = card_session.client("sagemaker")
    sm.create_model_card(
        ModelCardName="churn-model",
        ModelCardStatus="PendingReview",
        Content=json.dumps({"model_overview": {"model_owner": "team"}}),
    )
    ensure_readonly_permission(card_session.client("ram"))
    emulator.act_as("card")
    yield emulator
    clear_policy_cache()


def test_share_then_gate_goes_pending_then_allowed(world):
    world.set_association_delay(polls=3)
    shared = share_card.handler({"card_arn": CARD})
    assert {s["stage"] for s in shared["shares"]} == {"staging", "prod"} and shared["drift"] is False
    assert share_card.handler({"card_arn": CARD})["shares"] == [{**s, "created": False} for s in shared["shares"]]
    first = check_gate.handler({"card_arn": CARD, "stage": "staging"})
    assert first["status"] == "PENDING" and first["allowed"] is False
    statuses = [check_gate.handler({"card_arn": CARD, "stage": "staging"}) for _ in range(4)]
    second = statuses[-1]
    assert [s["status"] for s in statuses].count("PENDING") < 4
    assert second["status"] == "ALLOWED" and second["schema_version"] == 1
    assert second["principals"]["222222222222"]["status"] == "ASSOCIATED"
    json.dumps(second)


def test_gate_blocks_on_failed_principal_with_reason(world):
    world.fail_association(principal="222222222222", message="Account is suspended")
    share_card.handler({"card_arn": "churn-model"})
    out = check_gate.handler({"card_arn": "churn-model", "stage": "staging"})
    assert out["status"] == "BLOCKED" and "222222222222" in out["reason"] and "suspended" in out["reason"]


def test_gate_blocks_when_card_status_is_below_the_stage_requirement(world):
    share_card.handler({"card_arn": CARD})
    for _ in range(3):
        out = check_gate.handler({"card_arn": CARD, "stage": "prod"})
    assert out["status"] == "BLOCKED" and "Approved" in out["reason"]


def test_gate_with_bounded_wait_inside_the_lambda(world, monkeypatch):
    share_card.handler({"card_arn": CARD})
    real_sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", real_sleeps.append)
    before = world.clock.now()

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 60_000

    out = check_gate.handler({"card_arn": CARD, "stage": "staging", "wait_seconds": 30}, Context())
    assert out["status"] == "ALLOWED"
    assert real_sleeps == [] and world.clock.now() - before >= 5  # one poll interval, on the emulator's clock


@pytest.mark.parametrize(
    "event, field",
    [
        ({"card_arn": CARD, "principals": ["999999999999"]}, "principals"),
        ({"card_arn": CARD, "accounts": ["999999999999"]}, "accounts"),
        ({"card_arn": CARD, "policy": "s3://evil/policy.yaml"}, "policy"),
        ({}, "card_arn"),
    ],
)
def test_share_event_cannot_add_principals_or_policies(world, event, field):
    with pytest.raises(HandlerFailure, match=f"BadInputError: event: {field}: "):
        share_card.handler(event)
    assert world.session("111111111111").client("ram").get_resource_shares(resourceOwner="SELF")["resourceShares"] == []


def test_unknown_stage_and_missing_policy_are_clear_failures(world, monkeypatch):
    with pytest.raises(HandlerFailure, match="stages.qa: no such stage"):
        check_gate.handler({"card_arn": CARD, "stage": "qa"})
    monkeypatch.delenv("MCGOV_POLICY_URI")
    clear_policy_cache()
    with pytest.raises(HandlerFailure, match="MCGOV_POLICY_URI is not set"):
        share_card.handler({"card_arn": CARD})


def _package(session: Any) -> str:
    sm = session.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName="churn-packages")
    return sm.create_model_package(
        ModelPackageGroupName="churn-packages",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "123.dkr.ecr.us-east-1.amazonaws.com/xgb:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]


def _approve(session: Any, arn: str) -> dict[str, Any]:
    session.client("sagemaker").update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    return {
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "detail": {
            "ModelPackageArn": arn,
            "ModelApprovalStatus": "Approved",
            "ModelPackageGroupName": "churn-packages",
        },
    }


def test_stale_event_for_a_package_no_longer_approved_is_ignored(world, card_session):
    arn = _package(card_session)
    event = _approve(card_session, arn)
    card_session.client("sagemaker").update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Rejected")
    assert approval_guard.handler(event)["action"] == "ignored"
    assert (
        approval_guard.handler({**event, "detail": {**event["detail"], "ModelApprovalStatus": "Rejected"}})["action"]
        == "ignored"
    )


def test_package_without_an_embedded_card_is_reverted_with_instructions(world, card_session):
    arn = _package(card_session)
    card_session.client("sagemaker").add_tags(ResourceArn=arn, Tags=[{"Key": "mcgov:model-card", "Value": CARD}])
    out = approval_guard.handler(_approve(card_session, arn))  # a tag naming the card is not evidence
    assert out["action"] == "reverted" and "carries no card embedded" in out["reason"] and "card" not in out
    assert "mcgov card publish --embed" in out["reason"]
    package = card_session.client("sagemaker").describe_model_package(ModelPackageName=arn)
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    assert package["ApprovalDescription"] == f"Reverted by model-card governance: {out['reason']}"[:1024]


def test_a_throttled_guard_fails_retryably_and_leaves_the_package_approved(world, card_session, monkeypatch):
    arn = _package(card_session)
    event = _approve(card_session, arn)

    def throttled(*_: Any, **__: Any) -> dict[str, str]:
        raise RegistryError("DescribeModelPackage: Throttling; retry later", failure=_throttle_failure())

    monkeypatch.setattr(ModelPackageStore, "describe", throttled)
    with pytest.raises(RetryableHandlerFailure, match="RegistryError: DescribeModelPackage: Throttling"):
        approval_guard.handler(event)
    monkeypatch.undo()
    package = card_session.client("sagemaker").describe_model_package(ModelPackageName=arn)
    assert package["ModelApprovalStatus"] == "Approved"


def _throttle_failure() -> Any:
    error = ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeModelPackage")
    return aws_failure(error, "sagemaker", "DescribeModelPackage")


@pytest.mark.parametrize(
    "error, failure_type, words",
    [
        (
            ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetResourceShares"),
            RetryableHandlerFailure,
            "GetResourceShares failed: ThrottlingException: Rate exceeded; throttled: retry later",
        ),
        (
            EndpointConnectionError(endpoint_url="https://ram.us-east-1.amazonaws.com"),
            RetryableHandlerFailure,
            "unavailable or unreachable: retry later",
        ),
        (
            ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetResourceShares"),
            HandlerFailure,
            "grant the caller's role permission for GetResourceShares",
        ),
    ],
)
def test_a_botocore_error_never_leaves_a_handler_raw(error, failure_type, words):
    @lambda_entry("test")
    def handler(event: Any, context: Any = None) -> dict[str, Any]:
        raise error

    with pytest.raises(HandlerFailure) as info:
        handler({})
    assert type(info.value) is failure_type and words in str(info.value)
    assert str(info.value).startswith("AwsCallError: ")
    assert info.value.retryable is (failure_type is RetryableHandlerFailure)


def _record(message_id: str, body: Any) -> dict[str, Any]:
    return {"messageId": message_id, "body": body if isinstance(body, str) else json.dumps(body)}


def test_gate_watcher_completes_callback_steps(world, card_session):
    share_card.handler({"card_arn": CARD})
    message = {"token": "token00001", "arguments": {"card_arn": CARD, "stage": "staging"}}
    first = gate_watcher.handler({"Records": [_record("m1", message)]})
    assert first["batchItemFailures"] == [{"itemIdentifier": "m1"}]
    assert gate_watcher.handler({"Records": [_record("m1", message)]})["batchItemFailures"] == []
    completed = world.pipeline_callbacks("111111111111")["token00001"]
    assert completed["outcome"] == "success"
    assert {"Name": "gate_allowed", "Value": "true"} in completed["outputs"]


def test_gate_watcher_fails_blocked_steps_and_drops_malformed_messages(world, card_session):
    world.fail_association(principal="222222222222", message="denied by SCP")
    share_card.handler({"card_arn": CARD})
    sagemaker = card_session.client("sagemaker")
    with Stubber(sagemaker) as stub:
        stub.add_response(
            "send_pipeline_execution_step_failure",
            {"PipelineExecutionArn": "arn:p"},
            {"CallbackToken": "token00002", "FailureReason": ANY},
        )
        out = gate_watcher.process(
            _record("m2", {"token": "token00002", "arguments": {"card_arn": CARD, "stage": "staging"}}),
            card_session,
            sagemaker,
        )
        assert out["status"] == "BLOCKED" and "222222222222" in out["reason"] and "denied by SCP" in out["reason"]
    bad = gate_watcher.process(
        _record("m3", {"token": "t", "arguments": {"card_arn": CARD, "stage": "staging", "accounts": ["1"]}}),
        card_session,
        sagemaker,
    )
    assert bad["status"] == "DROPPED"
    assert gate_watcher.process(_record("m4", "not json"), card_session, sagemaker)["status"] == "DROPPED"


def test_gate_watcher_retries_a_throttled_completion_and_drops_a_refused_one(world, card_session):
    world.fail_association(principal="222222222222", message="denied by SCP")
    share_card.handler({"card_arn": CARD})
    sagemaker = card_session.client("sagemaker")
    record = _record("m5", {"token": "token00005", "arguments": {"card_arn": CARD, "stage": "staging"}})
    with Stubber(sagemaker) as stub:
        stub.add_client_error(
            "send_pipeline_execution_step_failure",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
        )
        stub.add_client_error(
            "send_pipeline_execution_step_failure",
            service_error_code="ValidationException",
            service_message="Callback token expired",
            http_status_code=400,
        )
        retried = gate_watcher.process(record, card_session, sagemaker)
        dropped = gate_watcher.process(record, card_session, sagemaker)
    assert (
        retried["status"] == "RETRY"
        and "ThrottlingException" in retried["reason"]
        and "retry later" in retried["reason"]
    )
    assert dropped["status"] == "DROPPED" and "Callback token expired" in dropped["reason"]


def test_gate_watcher_drops_a_message_whose_token_was_already_used(world, card_session):
    world.set_association_delay(polls=0)
    share_card.handler({"card_arn": CARD})
    message = {"token": "token00009", "arguments": {"card_arn": CARD, "stage": "staging"}}
    assert gate_watcher.handler({"Records": [_record("m1", message)]})["outcomes"][0]["status"] == "ALLOWED"
    again = gate_watcher.handler({"Records": [_record("m1", message)]})
    assert again["outcomes"][0]["status"] == "DROPPED" and again["batchItemFailures"] == []


def test_gate_watcher_reports_pending_messages_as_batch_failures(world):
    share_card.handler({"card_arn": CARD})
    out = gate_watcher.handler(
        {"Records": [_record("m1", {"token": "token00001", "arguments": {"card_arn": CARD, "stage": "staging"}})]}
    )
    assert out["batchItemFailures"] == [{"itemIdentifier": "m1"}]
    with pytest.raises(HandlerFailure, match="Records"):
        gate_watcher.handler({"nope": 1})


def test_logs_are_one_json_object_per_line(world, capsys):
    share_card.handler({"card_arn": CARD})
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert records and all({"level", "message", "timestamp"} <= set(r) for r in records)


def test_approve_model_package_handler(world, card_session):
    from mcgov.steps.handlers import approve_model_package

    arn = _package(card_session)
    out = approve_model_package.handler({"model_package_arn": arn, "card_arn": CARD, "stage": "staging"})
    assert out == {"model_package_arn": arn, "approval_status": "Approved"}
    with pytest.raises(HandlerFailure, match="model_package_arn"):
        approve_model_package.handler({"model_package_arn": "not-an-arn"})


def test_the_policy_is_read_once_per_container(world, monkeypatch):
    import mcgov.steps.policy as policy_loader

    reads = []
    original = policy_loader.read_policy_text
    monkeypatch.setattr(policy_loader, "read_policy_text", lambda *a, **k: reads.append(a) or original(*a, **k))
    share_card.handler({"card_arn": CARD})
    check_gate.handler({"card_arn": CARD, "stage": "staging"})
    check_gate.handler({"card_arn": CARD, "stage": "staging"})
    assert len(reads) == 1


def test_the_policy_is_read_from_s3_and_a_missing_object_names_the_uri(world, card_session, monkeypatch):
    s3 = card_session.client("s3")
    s3.create_bucket(Bucket="mcgov-config")
    s3.put_object(
        Bucket="mcgov-config", Key="policy.yaml", Body=(REPO / "share_policies" / "example.yaml").read_bytes()
    )
    monkeypatch.setenv("MCGOV_POLICY_URI", "s3://mcgov-config/policy.yaml")
    clear_policy_cache()
    assert {s["stage"] for s in share_card.handler({"card_arn": CARD})["shares"]} == {"staging", "prod"}
    monkeypatch.setenv("MCGOV_POLICY_URI", "s3://mcgov-config/missing.yaml")
    with pytest.raises(
        HandlerFailure, match="BadInputError: s3://mcgov-config/missing.yaml: cannot read the policy object"
    ) as info:
        share_card.handler({"card_arn": CARD})
    assert not info.value.retryable


def test_share_card_refuses_a_card_that_does_not_exist_before_creating_anything(world, card_session):
    missing = "arn:aws:sagemaker:us-east-1:111111111111:model-card/no-such-card"
    with pytest.raises(HandlerFailure, match="no-such-card") as exc:
        share_card.handler({"card_arn": missing})
    assert "not found" in str(exc.value)
    assert card_session.client("ram").get_resource_shares(resourceOwner="SELF")["resourceShares"] == []


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sagemaker:us-east-1:111111111111:model-package/g/1\n",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package/g/\u0661",
        "arn:aws:sagemaker:us-east-1:\u0661" * 1 + "1" * 11 + ":model-package/g/1",
    ],
)
def test_check_gate_refuses_a_package_arn_with_a_newline_or_unicode_digits(arn: str) -> None:
    with pytest.raises(HandlerFailure, match="model_package_arn"):
        check_gate.handler({"card_arn": CARD, "stage": "prod", "model_package_arn": arn})
