"""The emulator checks card content with its own copy of the published schema and its own validator."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import botocore.session
import jsonschema
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator.sagemaker import validation
from mcgov.emulator.sagemaker.exceptions import SchemaError
from mcgov.emulator.sagemaker.schema_check import Validator

REPO = Path(__file__).resolve().parents[1]
SHARED_SCHEMA = REPO.parent / "shared" / "reference" / "model-card-schema" / "model_card_schema.merged.json"
SCHEMA = json.loads(validation.schema_text())

VALID: dict[str, Any] = {
    "model_overview": {
        "model_description": "churn",
        "model_owner": "team",
        "problem_type": "Binary",
        "model_id": "m-1",
        "model_name": "churn",
        "model_version": 2,
        "model_artifact": ["s3://b/model.tar.gz"],
        "inference_environment": {"container_image": ["123.dkr.ecr/xgb:1"]},
    },
    "intended_uses": {"purpose_of_model": "retention", "risk_rating": "Low"},
    "business_details": {"business_problem": "churn", "line_of_business": "telco"},
    "training_details": {
        "objective_function": {"function": {"function": "Minimize", "facet": "loss"}, "notes": "logloss"},
        "training_observations": "fine",
        "training_job_details": {
            "training_arn": "arn:aws:sagemaker:us-east-1:111111111111:training-job/churn",
            "training_datasets": ["s3://b/train.csv"],
            "training_metrics": [{"name": "auc", "value": 0.9, "notes": "validation"}],
            "hyper_parameters": [{"name": "eta", "value": "0.2"}],
        },
    },
    "evaluation_details": [
        {
            "name": "holdout",
            "evaluation_observation": "ok",
            "datasets": ["s3://b/test.csv"],
            "metadata": {"source": "pipeline"},
            "metric_groups": [
                {
                    "name": "binary",
                    "metric_data": [
                        {"name": "auc", "type": "number", "value": 0.91},
                        {"name": "label", "type": "string", "value": "churned"},
                        {"name": "ok", "type": "boolean", "value": True},
                        {
                            "name": "roc",
                            "type": "linear_graph",
                            "value": [[0, 0], [1, 1]],
                            "x_axis_name": "fpr",
                            "y_axis_name": "tpr",
                        },
                        {
                            "name": "hist",
                            "type": "bar_chart",
                            "value": [1, 2],
                            "x_axis_name": ["a", "b"],
                            "y_axis_name": "n",
                        },
                        {
                            "name": "cm",
                            "type": "matrix",
                            "value": [[5, 1], [2, 7]],
                            "x_axis_name": ["0", "1"],
                            "y_axis_name": ["0", "1"],
                        },
                    ],
                }
            ],
        }
    ],
    "additional_information": {"caveats_and_recommendations": "none", "custom_details": {"k": "v"}},
    "model_package_details": {
        "model_package_arn": "arn:aws:sagemaker:us-east-1:111111111111:model-package/churn/1",
        "model_package_group_name": "churn",
        "model_package_version": 1,
        "model_approval_status": "Approved",
        "inference_specification": {"containers": [{"image": "123.dkr.ecr/xgb:1"}]},
    },
}
WRONG_VALUES: list[Any] = [None, True, 7, 2.5, -1, "", "x" * 3000, [], [1], {}, {"unexpected": 1}]


def test_packaged_schema_is_the_reference_schema() -> None:
    if not SHARED_SCHEMA.exists():
        pytest.skip(f"{SHARED_SCHEMA} is not on this machine; the packaged copy cannot be compared")
    assert validation.schema_text() == SHARED_SCHEMA.read_text(encoding="utf-8")


def test_api_limits_match_botocore_service_model() -> None:
    model = botocore.session.get_session().get_service_model("sagemaker")
    content = model.shape_for("ModelCardContent").metadata
    name = model.shape_for("EntityName").metadata
    assert validation.MAX_CONTENT_CHARS == content["max"]
    assert validation.CARD_NAME.pattern == f"^{name['pattern']}$"
    assert list(validation.CARD_STATUSES) == model.shape_for("ModelCardStatus").enum


def mutations(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, replacement) pairs: every node replaced by every wrong value; objects gain a stray key and lose each
    key."""
    out = [(path, value) for value in WRONG_VALUES] if path else []
    if isinstance(node, dict):
        out.append((path, {**node, "stray": 1}))
        out.extend((path, {k: v for k, v in node.items() if k != key}) for key in node)
        for key, value in node.items():
            out.extend(mutations(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(mutations(value, (*path, index)))
    return out


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(document)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def test_validator_agrees_with_jsonschema_on_every_mutation() -> None:
    ours, reference = Validator(SCHEMA), jsonschema.Draft7Validator(SCHEMA)
    assert not list(ours.violations(VALID)) and reference.is_valid(VALID)
    cases = [replaced(VALID, path, value) for path, value in mutations(VALID)]
    verdicts = [(not list(ours.violations(case)), reference.is_valid(case)) for case in cases]
    disagreements = [
        (case, mine, theirs) for case, (mine, theirs) in zip(cases, verdicts, strict=True) if mine != theirs
    ]
    assert not disagreements, disagreements[:3]
    assert sum(not mine for mine, _ in verdicts) > len(cases) // 2  # most mutations are invalid


def test_validator_refuses_schemas_using_keywords_it_does_not_implement() -> None:
    with pytest.raises(SchemaError, match="oneOf"):
        Validator({"properties": {"a": {"oneOf": [{"type": "string"}]}}})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"model_overview": {"model_description": "x" * 1025}}, "longer than 1024"),
        ({"intended_uses": {"risk_rating": "Catastrophic"}}, "is not one of"),
        ({"evaluation_details": [{"metric_groups": []}]}, "'name' is a required property"),
        (
            {"training_details": {"training_job_details": {"training_metrics": [{"name": "auc", "value": "high"}]}}},
            "not of type number",
        ),
    ],
    ids=["too-long", "enum", "required", "type"],
)
def test_service_refuses_content_outside_the_schema(card_session, content: dict[str, Any], expected: str) -> None:
    sm = card_session.client("sagemaker")
    with pytest.raises(ClientError) as exc:
        sm.create_model_card(ModelCardName="bad", Content=json.dumps(content), ModelCardStatus="Draft")
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert expected in exc.value.response["Error"]["Message"]
    assert sm.list_model_cards()["ModelCardSummaries"] == []


def test_service_accepts_every_section_of_the_published_schema(card_session) -> None:
    sm = card_session.client("sagemaker")
    sm.create_model_card(ModelCardName="full", Content=json.dumps(VALID), ModelCardStatus="Draft")
    assert json.loads(sm.describe_model_card(ModelCardName="full")["Content"]) == VALID


@pytest.mark.parametrize("name", ["-churn", "churn_model", "a" * 64, "churn-"])
def test_service_refuses_card_names_outside_entity_name(card_session, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        card_session.client("sagemaker").create_model_card(ModelCardName=name, Content="{}", ModelCardStatus="Draft")
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert "modelCardName" in exc.value.response["Error"]["Message"]


def test_emulator_does_not_import_the_product() -> None:
    sources = (REPO / "emulator").rglob("*.py")
    offenders = [str(p) for p in sources if "mcgov.steps" in p.read_text() or "mcgov.share_policies" in p.read_text()]
    assert offenders == []
