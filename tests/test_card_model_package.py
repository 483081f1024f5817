"""model_package_details from DescribeModelPackage: the SDK's content as oracle, and the ARN path on the emulator."""

from __future__ import annotations

import json

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.card.model_package import model_package_details
from mcgov.steps.card.service import CardSources, build_card, populate_card
from tests.conftest import load_case

DESCRIBE = {
    "ModelPackageArn": "arn:aws:sagemaker:us-west-2:001234567890:model-package/testmodelgroup/1",
    "ModelPackageName": "model_package_name",
    "ModelPackageGroupName": "testmodelgroup",
    "ModelPackageVersion": 1,
    "ModelPackageDescription": "this is test model package",
    "InferenceSpecification": {
        "Containers": [
            {"Image": "test model container image", "ModelDataUrl": "s3://test", "NearestModelName": "test-model"}
        ],
        "SupportedContentTypes": ["text/csv"],
    },
    "ModelPackageStatus": "Pending",
    "ModelApprovalStatus": "PendingManualApproval",
    "ApprovalDescription": "approval_description",
    "CreatedBy": {"UserProfileName": "test-user"},
    "Domain": "domain",
    "Task": "task",
    "SourceAlgorithmSpecification": {
        "SourceAlgorithms": [{"AlgorithmName": "test-algorithm-arn", "ModelDataUrl": "s3://test"}]
    },
    "ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": "s3://x"}}},
}


def test_matches_the_sdk_v2_content():
    expected = load_case("sdk-model-card-content-with-model-package/content.json")["model_package_details"]
    assert model_package_details(DESCRIBE) == expected


@pytest.mark.parametrize(
    "bad, field",
    [
        ({}, "ModelPackageArn"),
        ({"ModelPackageArn": "a", "ModelPackageVersion": 0}, "ModelPackageVersion"),
        ({"ModelPackageArn": "a", "ModelPackageVersion": True}, "ModelPackageVersion"),
        (
            {"ModelPackageArn": "a", "InferenceSpecification": {"Containers": [{"ModelDataUrl": "s3://x"}]}},
            "Containers[0]",
        ),
        ({"ModelPackageArn": "a", "SourceAlgorithmSpecification": {"SourceAlgorithms": [{}]}}, "AlgorithmName"),
        ({"ModelPackageArn": "a", "ModelApprovalStatus": 3}, "ModelApprovalStatus"),
    ],
)
def test_bad_descriptions_name_the_field(bad, field):
    with pytest.raises(BadInputError) as err:
        model_package_details(bad, source="package.json")
    assert field in str(err.value) and "package.json" in str(err.value)


def test_package_file_fills_details_and_suggests_the_inference_image(tmp_path):
    path = tmp_path / "package.json"
    path.write_text(json.dumps(DESCRIBE))
    content = build_card(CardSources(model_package=str(path)))
    assert content["model_package_details"]["model_package_group_name"] == "testmodelgroup"
    assert content["model_overview"]["inference_environment"]["container_image"] == ["test model container image"]
    assert content["additional_information"]["custom_details"]["mcgov.model_package_arn"] == DESCRIBE["ModelPackageArn"]


def test_package_arn_is_described_on_the_emulator(card_session):
    sm = card_session.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName="churn")
    arn = sm.create_model_package(
        ModelPackageGroupName="churn",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "123.dkr.ecr.us-east-1.amazonaws.com/xgb:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    result = populate_card("churn-model", CardSources(model_package=arn), sagemaker=sm)
    content = json.loads(sm.describe_model_card(ModelCardName=result.arn)["Content"])
    details = content["model_package_details"]
    assert details["model_package_arn"] == arn and details["model_package_version"] == 1
    assert details["model_approval_status"] == "PendingManualApproval"
