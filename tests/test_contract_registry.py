"""Contract: the model package's ``ModelCard`` and ``ModelLifeCycle`` as SageMaker defines them (botocore shapes
``ModelPackageModelCard`` and ``ModelLifeCycle``; the model package model card schema).

Each test takes a card-account session from ``registry_session``: the emulator's by default. The shared
emulator-or-live backend fixture of the contract suite replaces it when it lands, so these same assertions run
with ``pytest -m live`` against a real account; until then they pin the emulator to the documented behaviour.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_registry_embedded import register_package

CARD = {"model_overview": {"model_creator": "risk team"}, "intended_uses": {"risk_rating": "Low"}}


@pytest.fixture
def registry_session(card_session: Any) -> Any:
    return card_session


def test_model_card_round_trips_on_create_update_and_describe(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(sm)
    sm.update_model_package(ModelPackageArn=package, ModelCard={"ModelCardContent": json.dumps(CARD),
                                                                "ModelCardStatus": "Draft"})
    card = sm.describe_model_package(ModelPackageName=package)["ModelCard"]
    assert json.loads(card["ModelCardContent"]) == CARD and card["ModelCardStatus"] == "Draft"
    sm.update_model_package(ModelPackageArn=package, ModelCard={"ModelCardContent": json.dumps(CARD),
                                                                "ModelCardStatus": "PendingReview"})
    assert sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardStatus"] == "PendingReview"


def test_model_card_schema_has_no_model_package_details(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(sm)
    with pytest.raises(sm.exceptions.ClientError):
        sm.update_model_package(ModelPackageArn=package, ModelCard={
            "ModelCardContent": json.dumps({"model_package_details": {"model_package_arn": package}}),
            "ModelCardStatus": "Draft"})


def test_archived_model_card_keeps_its_content(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(sm)
    sm.update_model_package(ModelPackageArn=package, ModelCard={"ModelCardContent": json.dumps(CARD),
                                                                "ModelCardStatus": "Archived"})
    with pytest.raises(sm.exceptions.ClientError):
        sm.update_model_package(ModelPackageArn=package, ModelCard={
            "ModelCardContent": json.dumps({"intended_uses": {"risk_rating": "High"}}), "ModelCardStatus": "Archived"})
    assert json.loads(sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardContent"]) == CARD


def test_lifecycle_is_stored_as_sent_and_checked(registry_session: Any) -> None:
    sm = registry_session.client("sagemaker")
    package = register_package(sm)
    lifecycle = {"Stage": "prod", "StageStatus": "Approved", "StageDescription": "all associations are ASSOCIATED"}
    sm.update_model_package(ModelPackageArn=package, ModelLifeCycle=lifecycle)
    assert sm.describe_model_package(ModelPackageName=package)["ModelLifeCycle"] == lifecycle
    with pytest.raises(sm.exceptions.ClientError):
        sm.update_model_package(ModelPackageArn=package, ModelLifeCycle={"Stage": "prod", "StageStatus": "-bad-"})
