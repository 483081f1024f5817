"""Contract: the model package's ``ModelCard`` and ``ModelLifeCycle`` as SageMaker defines them (botocore shapes
``ModelPackageModelCard`` and ``ModelLifeCycle``; the model package model card schema).

One suite for two backends, like ``tests/test_contract_aws.py`` (``tests/contract.py``): ``make test`` runs it on
the emulator, ``pytest -m live`` against a real account (each test registers its own package group and deletes
it afterwards).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from tests.contract import Backend

CARD = {"model_overview": {"model_creator": "risk team"}, "intended_uses": {"risk_rating": "Low"}}
XGBOOST_VERSION = "1.7-1"


def xgboost_image(region: str) -> str:
    """SageMaker's XGBoost inference image in ``region``, from the image table the installed SageMaker Python SDK
    ships (``image_uri_config/xgboost.json``; read as a file: importing the SDK takes seconds). The algorithm images
    live in a different account in each region, and a model package's image must be in its region."""
    spec = importlib.util.find_spec("sagemaker")
    folders = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    tables = [f / sub / "image_uri_config" / "xgboost.json" for f in folders for sub in ("core", ".")]
    table = next((t for t in tables if t.is_file()), None)
    if table is None:
        pytest.skip("the SageMaker Python SDK (extra `pipelines`) names the XGBoost image of each region")
    config = json.loads(table.read_text())["inference"]["versions"][XGBOOST_VERSION]
    if region not in config["registries"]:
        pytest.skip(f"SageMaker's XGBoost {XGBOOST_VERSION} image is not in {region}")
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{config['registries'][region]}.dkr.ecr.{region}.{suffix}/{config['repository']}:{XGBOOST_VERSION}"


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
            "Containers": [{"Image": xgboost_image(backend.region)}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    backend.cleanups.append(lambda: sm.delete_model_package(ModelPackageName=arn))
    return arn


def test_the_image_is_the_one_of_the_region_under_test() -> None:
    assert xgboost_image("us-east-1") == "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    assert xgboost_image("eu-west-1") == "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"


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
