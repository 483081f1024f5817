"""The emulator refuses what AWS refuses: identifiers with a trailing newline or non-ASCII digits, ARNs naming a
region that does not exist; and its SageMaker read-check-writes hold the state lock (the server is threaded)."""

from __future__ import annotations

import json
import threading

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator

CONTENT = json.dumps({"model_overview": {"model_description": "churn model"}})
CARD_ARN = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn"
READ_TEMPLATE = json.dumps({"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"]})


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


@pytest.mark.parametrize("name", ["churn\n", "churn\n\n", "chürn", "churn-"])
def test_card_name_must_match_entity_name_as_a_whole(card_session: boto3.Session, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        card_session.client("sagemaker").create_model_card(ModelCardName=name, Content=CONTENT, ModelCardStatus="Draft")
    assert code(exc) == "ValidationException"


def test_lifecycle_stage_with_trailing_newline_is_refused(card_session: boto3.Session) -> None:
    sm = card_session.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName="g")
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(
            ModelPackageGroupName="g",
            ModelLifeCycle={"Stage": "dev\n", "StageStatus": "ok"},
            InferenceSpecification={
                "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"}],
                "SupportedContentTypes": ["a"],
                "SupportedResponseMIMETypes": ["a"],
            },
        )
    assert code(exc) == "ValidationException" and "modelLifeCycle.stage" in exc.value.response["Error"]["Message"]


def test_export_job_name_with_trailing_newline_is_refused(card_session: boto3.Session) -> None:
    sm = card_session.client("sagemaker")
    sm.create_model_card(ModelCardName="churn", Content=CONTENT, ModelCardStatus="Draft")
    with pytest.raises(ClientError) as exc:
        sm.create_model_card_export_job(
            ModelCardName="churn", ModelCardExportJobName="job\n", OutputConfig={"S3OutputPath": "s3://bucket/out"}
        )
    assert code(exc) == "ValidationException"


@pytest.mark.parametrize(
    "ref",
    [
        CARD_ARN.replace("us-east-1", "xx-nowhere-9"),
        "arn:aws:sagemaker:xx-nowhere-9:111111111111:model-package-group/g",
    ],
)
def test_arn_naming_an_unknown_region_is_a_validation_error_not_a_crash(
    card_session: boto3.Session, staging_session: boto3.Session, ref: str
) -> None:
    card_session.client("sagemaker").create_model_card(ModelCardName="churn", Content=CONTENT, ModelCardStatus="Draft")
    sm = staging_session.client("sagemaker")
    with pytest.raises(ClientError) as exc:
        if ":model-card/" in ref:
            sm.describe_model_card(ModelCardName=ref)
        else:
            sm.describe_model_package_group(ModelPackageGroupName=ref)
    assert code(exc) == "ValidationException"


@pytest.mark.parametrize(
    "resources,principals,error",
    [
        ([CARD_ARN + "\n"], ["222222222222"], "MalformedArnException"),
        ([CARD_ARN], ["222222222222\n"], "InvalidParameterException"),
        ([CARD_ARN], ["\u0662" * 12], "InvalidParameterException"),  # ARABIC-INDIC DIGIT TWO: \d without re.ASCII
        ([CARD_ARN], ["arn:aws:iam::222222222222:root\n"], "InvalidParameterException"),
    ],
)
def test_ram_refuses_trailing_newlines_and_unicode_digits(
    card_session: boto3.Session, resources: list[str], principals: list[str], error: str
) -> None:
    with pytest.raises(ClientError) as exc:
        card_session.client("ram").create_resource_share(name="s", resourceArns=resources, principals=principals)
    assert code(exc) == error


@pytest.mark.parametrize("name", ["read\n", "r\u00e9ad", "read\u0661"])
def test_permission_name_is_ascii_and_whole(card_session: boto3.Session, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        card_session.client("ram").create_permission(
            name=name, resourceType="sagemaker:ModelCard", policyTemplate=READ_TEMPLATE
        )
    assert code(exc) == "ValidationException"  # the model's PermissionName pattern, checked before RAM's own rules


def test_card_update_waits_for_the_state_lock(emulator: Emulator, card_session: boto3.Session) -> None:
    """The backend method itself takes the lock (calling it directly: a request would already wait in the call log)."""
    from moto.sagemaker.models import sagemaker_backends

    sm = card_session.client("sagemaker")
    sm.create_model_card(ModelCardName="churn", Content=CONTENT, ModelCardStatus="Draft")
    backend = sagemaker_backends["111111111111"]["us-east-1"]
    done = threading.Event()

    def update() -> None:
        backend.update_model_card("churn", None, "PendingReview")
        done.set()

    with emulator.state.lock:
        worker = threading.Thread(target=update)
        worker.start()
        assert not done.wait(0.3), "update_model_card ran while another thread held the state lock"
    worker.join(10)
    assert done.is_set() and sm.describe_model_card(ModelCardName="churn")["ModelCardVersion"] == 2
