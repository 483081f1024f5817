"""The card inside the model package: conversion, schema, one content sha256, status rules, approval, CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli.approve import approve
from mcgov.steps.cli.main import main
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.policy import load_policy
from mcgov.steps.registry.embedded import DROPPED_NOTE, embed_card, to_package_card
from mcgov.steps.registry.exceptions import RegistryError
from mcgov.steps.registry.provenance import PROVENANCE_CARD_ARN, PROVENANCE_SHA256, provenance
from mcgov.steps.registry.store import ModelPackageStore
from tests.conftest import REPO, reviewer_role

CARD_ARN = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
CONTENT = {
    "model_overview": {
        "model_description": "churn classifier",
        "model_creator": "risk team",
        "model_artifact": ["s3://bucket/model.tar.gz"],
        "algorithm_type": "xgboost",
    },
    "intended_uses": {"risk_rating": "Low", "purpose_of_model": "retention offers"},
    "evaluation_details": [
        {
            "name": "holdout",
            "metric_groups": [{"name": "binary", "metric_data": [{"name": "auc", "type": "number", "value": 0.91}]}],
        }
    ],
}


def register_package(sagemaker: Any, group: str = "churn-packages") -> str:
    try:
        sagemaker.create_model_package_group(ModelPackageGroupName=group)
    except sagemaker.exceptions.ClientError:
        pass
    return sagemaker.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "123.dkr.ecr.us-east-1.amazonaws.com/xgb:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]


def publish(sagemaker: Any, content: dict[str, Any], package_arn: str, status: str = "Draft") -> dict[str, Any]:
    body = {**content, "model_package_details": {"model_package_arn": package_arn}}
    CardStore(sagemaker).publish("churn-model", json.dumps(body), status=None if status == "Approved" else status)
    if status == "Approved":  # publishing never approves: the card is approved as `mcgov card approve` would
        CardStore(sagemaker).update_status("churn-model", "Approved")
    return CardStore(sagemaker).describe("churn-model")


def updates(emulator: Any) -> int:
    return sum(1 for _, service, op in emulator.api_calls if service == "sagemaker" and op == "UpdateModelPackage")


def test_conversion_drops_what_the_package_schema_lacks_and_says_so() -> None:
    content = {**CONTENT, "model_package_details": {"model_package_arn": "arn:x"}}
    conversion = to_package_card(content, card_arn=CARD_ARN, card_sha256="a" * 64)
    assert conversion.content["model_overview"] == {
        "model_creator": "risk team",
        "model_artifact": ["s3://bucket/model.tar.gz"],
    }
    assert "model_package_details" not in conversion.content
    assert conversion.dropped == (
        "model_package_details",
        "model_overview.model_description",
        "model_overview.algorithm_type",
    )
    custom = conversion.content["additional_information"]["custom_details"]
    assert custom[PROVENANCE_CARD_ARN] == CARD_ARN and custom[PROVENANCE_SHA256] == "a" * 64
    assert "model_overview.algorithm_type" in custom[DROPPED_NOTE]
    assert conversion.content["evaluation_details"] == CONTENT["evaluation_details"]


def test_conversion_validates_before_any_write() -> None:
    bad = {"intended_uses": {"risk_rating": "Severe"}}
    with pytest.raises(BadInputError, match="intended_uses.risk_rating"):
        to_package_card(bad, card_arn=CARD_ARN, card_sha256="a" * 64)


def test_converted_content_passes_the_published_package_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from mcgov.emulator.sagemaker.packages import package_schema_text

    schema = json.loads(package_schema_text())
    conversion = to_package_card(CONTENT, card_arn=CARD_ARN, card_sha256="b" * 64)
    jsonschema.validate(conversion.content, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"model_overview": {"model_description": "x"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"model_package_details": {}}, schema)


def test_embed_records_the_same_sha256_and_rerun_writes_nothing(emulator: Any, card_session: Any) -> None:
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    card = publish(sm, CONTENT, package)
    first = embed_card(sm, package, card)
    assert first.result == "created" and first.status == "Draft"
    described = sm.describe_model_package(ModelPackageName=package)["ModelCard"]
    assert provenance(ModelPackageStore(sm).describe(package).model_card)[PROVENANCE_SHA256] == content_sha256(
        card["Content"]
    )
    assert json.loads(described["ModelCardContent"])["model_overview"] == {
        "model_creator": "risk team",
        "model_artifact": ["s3://bucket/model.tar.gz"],
    }
    before = updates(emulator)
    again = embed_card(sm, package, CardStore(sm).describe("churn-model"))
    assert again.result == "unchanged" and updates(emulator) == before


def test_pipeline_never_approves_and_changed_content_goes_back_to_pending_review(
    emulator: Any, card_session: Any
) -> None:
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    card = publish(sm, CONTENT, package, status="Approved")
    assert embed_card(sm, package, card).status == "PendingReview"
    sm.update_model_package(
        ModelPackageArn=package,
        ModelCard={
            "ModelCardContent": sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardContent"],
            "ModelCardStatus": "Approved",
        },
    )
    assert embed_card(sm, package, card).result == "unchanged"  # an unchanged Approved card stays Approved
    changed = publish(sm, {**CONTENT, "intended_uses": {"risk_rating": "High"}}, package, status="Approved")
    result = embed_card(sm, package, changed)
    assert (result.result, result.status) == ("updated", "PendingReview")


def test_archived_embedded_card_refuses_content_updates(emulator: Any, card_session: Any) -> None:
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    card = publish(sm, CONTENT, package)
    embed_card(sm, package, card)
    text = sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardContent"]
    sm.update_model_package(
        ModelPackageArn=package, ModelCard={"ModelCardContent": text, "ModelCardStatus": "Archived"}
    )
    with pytest.raises(sm.exceptions.ClientError, match="Archived"):
        sm.update_model_package(ModelPackageArn=package, ModelCard={"ModelCardContent": "{}"})
    with pytest.raises(RegistryError, match="is Archived: SageMaker refuses content updates"):
        embed_card(sm, package, publish(sm, {**CONTENT, "intended_uses": {"risk_rating": "High"}}, package))


def test_emulator_refuses_content_outside_the_package_schema(emulator: Any, card_session: Any) -> None:
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    with pytest.raises(sm.exceptions.ClientError, match="model package model card schema"):
        sm.update_model_package(
            ModelPackageArn=package,
            ModelCard={
                "ModelCardContent": json.dumps({"model_overview": {"model_description": "x"}}),
                "ModelCardStatus": "Draft",
            },
        )
    assert "ModelCard" not in sm.describe_model_package(ModelPackageName=package)


def test_card_approve_approves_both_and_writes_no_package_tags(emulator: Any, card_session: Any) -> None:
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    card = publish(sm, CONTENT, package, status="PendingReview")
    embed_card(sm, package, card)
    policy = load_policy(REPO / "share_policies" / "example.yaml")
    reviewer = emulator.session_for_role(reviewer_role(emulator), "jane")
    result = approve(
        reviewer.client("sagemaker"),
        reviewer.client("sts"),
        policy,
        policy.card_arn("churn-model"),
        version=card["ModelCardVersion"],
    )
    assert result.embedded == {"model_package_arn": package, "approved": True, "status_changed": True}
    store = ModelPackageStore(sm)
    assert store.describe(package).model_card.status == "Approved"
    assert not [k for k in store.tags(package) if k.startswith("mcgov:")]  # package tags are never evidence


def embed_policy(tmp_path: Any, group: str = "churn-packages") -> str:
    """The example policy whose prod stage promotes packages of ``group``."""
    import yaml

    data = yaml.safe_load((REPO / "share_policies" / "example.yaml").read_text())
    data["stages"]["prod"]["model_package_group"] = group
    path = tmp_path / "policy.yaml"
    path.write_text(json.dumps(data))
    return str(path)


def test_cli_publish_embed(emulator: Any, card_session: Any, tmp_path: Any, capsys: Any) -> None:
    emulator.act_as("card")
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    other = register_package(sm, group="another-group")
    path = tmp_path / "content.json"
    path.write_text(json.dumps({**CONTENT, "model_package_details": {"model_package_arn": package}}))
    policy = embed_policy(tmp_path)
    publish = ["card", "publish", "--name", "churn-model", "--content", str(path), "--embed", "--policy", policy]
    assert main([*publish, "--model-package", package]) == 0
    out = capsys.readouterr()
    printed = json.loads(out.out)
    assert printed["embedded"]["content_sha256"] == printed["content_sha256"]
    assert "model_overview.model_description" in out.err
    assert main(["card", "publish", "--name", "other-card", "--content", str(path), "--embed"]) == 2
    assert "--embed" in capsys.readouterr().err
    assert CardStore(sm).find("other-card") is None
    versions = CardStore(sm).describe("churn-model")["ModelCardVersion"]
    assert main([*publish, "--model-package", other]) == 2  # a package of a group the policy does not name
    err = capsys.readouterr().err
    assert err.startswith("mcgov: error: --model-package: the package's group is not a group the policy names")
    assert "ModelCard" not in sm.describe_model_package(ModelPackageName=other)
    assert CardStore(sm).describe("churn-model")["ModelCardVersion"] == versions  # nothing written
    no_policy = ["card", "publish", "--name", "churn-model", "--content", str(path), "--embed"]
    assert main([*no_policy, "--model-package", package]) == 2 and "--policy" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000 + "]" * 100_000,  # deeper than the parser's recursion limit
        '{"a": ' + "1" * 5000 + "}",  # an integer over Python's digit limit (ValueError, not JSONDecodeError)
        '{"additional_information": [1]}',
        '{"additional_information": {"custom_details": "x"}}',
        '{"model_package_details": []}',
    ],
)
def test_hostile_embedded_content_has_no_provenance_instead_of_crashing_the_guard(content: str) -> None:
    from mcgov.steps.registry.models import EmbeddedCard
    from mcgov.steps.registry.provenance import package_arn_from_card, provenance

    assert provenance(EmbeddedCard(content, "Approved")) == {}
    assert package_arn_from_card({"Content": content}) is None
