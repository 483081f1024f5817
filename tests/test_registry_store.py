"""The model-package store on the emulator: typed records, approval updates, tags, and typed failures."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from mcgov.steps.common.aws import AwsErrorKind
from mcgov.steps.registry.exceptions import ModelPackageNotFoundError, RegistryError
from mcgov.steps.registry.models import ApprovalStatus, ModelPackage
from mcgov.steps.registry.store import ModelPackageStore

MISSING = "arn:aws:sagemaker:us-east-1:111111111111:model-package/nowhere/1"


def _package(sagemaker: Any, tags: dict[str, str] | None = None) -> str:
    sagemaker.create_model_package_group(ModelPackageGroupName="churn-packages")
    arn = sagemaker.create_model_package(
        ModelPackageGroupName="churn-packages",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "123.dkr.ecr.us-east-1.amazonaws.com/xgb:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    if tags:
        sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    return arn


def test_describe_returns_a_frozen_record_with_an_enum_status(card_session):
    sagemaker = card_session.client("sagemaker")
    arn = _package(sagemaker)
    package = ModelPackageStore(sagemaker).describe(arn)
    assert package == ModelPackage(
        arn=arn,
        group_name="churn-packages",
        version=1,
        approval_status=ApprovalStatus.PENDING_MANUAL_APPROVAL,
        approval_description=None,
    )
    with pytest.raises(AttributeError):
        package.approval_status = ApprovalStatus.APPROVED  # type: ignore[misc]


def test_set_approval_writes_status_and_a_description_cut_to_the_api_limit(card_session):
    sagemaker = card_session.client("sagemaker")
    arn = _package(sagemaker)
    store = ModelPackageStore(sagemaker)
    store.set_approval(arn, ApprovalStatus.APPROVED, "x" * 2000)
    package = store.describe(arn)
    assert package.approval_status is ApprovalStatus.APPROVED and package.approval_description == "x" * 1024
    store.set_approval(arn, ApprovalStatus.REJECTED, "not good enough")
    assert sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Rejected"


def test_tags_are_read_as_a_mapping(card_session):
    sagemaker = card_session.client("sagemaker")
    arn = _package(sagemaker, {"mcgov:model-card": "churn-model", "team": "risk"})
    assert ModelPackageStore(sagemaker).tags(arn) == {"mcgov:model-card": "churn-model", "team": "risk"}


def test_a_missing_package_is_not_found_and_not_retryable(card_session):
    store = ModelPackageStore(card_session.client("sagemaker"))
    for call in (lambda: store.describe(MISSING), lambda: store.set_approval(MISSING, ApprovalStatus.APPROVED, "ok")):
        with pytest.raises(ModelPackageNotFoundError, match="model package not found .*; check the ARN") as info:
            call()
        assert info.value.failure.kind is AwsErrorKind.NOT_FOUND and not info.value.retryable


def _stubbed() -> Any:
    return boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")


def test_throttling_is_retryable_and_a_refused_request_is_not(aws_env):
    sagemaker = _stubbed()
    store = ModelPackageStore(sagemaker)
    with Stubber(sagemaker) as stub:
        stub.add_client_error(
            "describe_model_package",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
        )
        stub.add_client_error(
            "update_model_package",
            service_error_code="ConflictException",
            service_message="concurrent update",
            http_status_code=400,
        )
        with pytest.raises(RegistryError, match="retry later") as throttled:
            store.describe(MISSING)
        with pytest.raises(RegistryError, match="ConflictException: concurrent update") as refused:
            store.set_approval(MISSING, ApprovalStatus.APPROVED, "ok")
    assert throttled.value.retryable and throttled.value.__cause__ is None
    assert not refused.value.retryable


def test_tags_follow_every_page(aws_env):
    sagemaker = _stubbed()
    with Stubber(sagemaker) as stub:
        stub.add_response(
            "list_tags", {"Tags": [{"Key": "a", "Value": "1"}], "NextToken": "t"}, {"ResourceArn": MISSING}
        )
        stub.add_response(
            "list_tags", {"Tags": [{"Key": "b", "Value": "2"}]}, {"ResourceArn": MISSING, "NextToken": "t"}
        )
        assert ModelPackageStore(sagemaker).tags(MISSING) == {"a": "1", "b": "2"}


def test_an_unknown_approval_status_is_a_typed_error():
    with pytest.raises(RegistryError, match="unknown ModelApprovalStatus 'Frozen'"):
        ModelPackage.from_response({"ModelPackageArn": MISSING, "ModelApprovalStatus": "Frozen"})
