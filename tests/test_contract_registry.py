"""Contract: the model package's ``ModelCard`` and ``ModelLifeCycle`` as SageMaker defines them (botocore shapes
``ModelPackageModelCard`` and ``ModelLifeCycle``; the model package model card schema).

One suite for two backends, like ``tests/test_contract_aws.py`` (``tests/contract.py``): ``make test`` runs it on
the emulator, ``pytest -m live`` against a real account (each test registers its own package group and deletes
it afterwards).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.contract import Backend

CARD = {"model_overview": {"model_creator": "risk team"}, "intended_uses": {"risk_rating": "Low"}}


@pytest.fixture
def registry_session(backend: Backend) -> Any:
    return backend


def register_package(backend: Backend) -> str:
    """A new versioned package in a new group of the owner account, deleted after the test."""
    sm = backend.client("sagemaker")
    group = backend.unique("mcgov-contract-mpg")
    sm.create_model_package_group(ModelPackageGroupName=group)
    backend.cleanups.append(lambda: sm.delete_model_package_group(ModelPackageGroupName=group))
    arn = sm.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    backend.cleanups.append(lambda: sm.delete_model_package(ModelPackageName=arn))
    return arn


def test_model_card_round_trips_on_create_update_and_describe(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(registry_session)
    sm.update_model_package(
        ModelPackageArn=package, ModelCard={"ModelCardContent": json.dumps(CARD), "ModelCardStatus": "Draft"}
    )
    card = sm.describe_model_package(ModelPackageName=package)["ModelCard"]
    assert json.loads(card["ModelCardContent"]) == CARD and card["ModelCardStatus"] == "Draft"
    sm.update_model_package(
        ModelPackageArn=package, ModelCard={"ModelCardContent": json.dumps(CARD), "ModelCardStatus": "PendingReview"}
    )
    assert sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardStatus"] == "PendingReview"


def test_model_card_schema_has_no_model_package_details(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(registry_session)
    with pytest.raises(sm.exceptions.ClientError):
        sm.update_model_package(
            ModelPackageArn=package,
            ModelCard={
                "ModelCardContent": json.dumps({"model_package_details": {"model_package_arn": package}}),
                "ModelCardStatus": "Draft",
            },
        )


def test_archived_model_card_keeps_its_content(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(registry_session)
    sm.update_model_package(
        ModelPackageArn=package, ModelCard={"ModelCardContent": json.dumps(CARD), "ModelCardStatus": "Archived"}
    )
    with pytest.raises(sm.exceptions.ClientError):
        sm.update_model_package(
            ModelPackageArn=package,
            ModelCard={
                "ModelCardContent": json.dumps({"intended_uses": {"risk_rating": "High"}}),
                "ModelCardStatus": "Archived",
            },
        )
    assert json.loads(sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardContent"]) == CARD


def test_lifecycle_is_stored_as_sent_and_checked(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(registry_session)
    lifecycle = {"Stage": "prod", "StageStatus": "Approved", "StageDescription": "all associations are ASSOCIATED"}
    sm.update_model_package(ModelPackageArn=package, ModelLifeCycle=lifecycle)
    assert sm.describe_model_package(ModelPackageName=package)["ModelLifeCycle"] == lifecycle
    with pytest.raises(sm.exceptions.ClientError):
        sm.update_model_package(ModelPackageArn=package, ModelLifeCycle={"Stage": "prod", "StageStatus": "-bad-"})
