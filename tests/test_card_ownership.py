"""Ownership rule: the step replaces what it owns; people's fields are kept; the template fills only empties."""

from __future__ import annotations

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.card.ownership import merge_content
from mcgov.steps.card.template import parse_template

GENERATED = {
    "training_details": {
        "training_job_details": {"training_arn": "arn:new", "training_metrics": [{"name": "auc", "value": 0.9}]}
    },
    "evaluation_details": [{"name": "evaluation.json", "metadata": {"mcgov.generated": "true"}, "metric_groups": []}],
    "additional_information": {"custom_details": {"mcgov.tool_version": "0.1.0"}},
}


def test_first_run_takes_template_then_defaults():
    out = merge_content(
        existing=None,
        template={"model_overview": {"model_owner": "team"}, "intended_uses": {"risk_rating": "Low"}},
        defaults={"model_overview": {"model_owner": "ignored", "model_artifact": ["s3://m"]}},
        generated=GENERATED,
    )
    assert out["model_overview"] == {"model_owner": "team", "model_artifact": ["s3://m"]}
    assert out["intended_uses"] == {"risk_rating": "Low"}
    assert out["training_details"]["training_job_details"]["training_arn"] == "arn:new"


def test_rerun_keeps_human_edits_and_replaces_step_owned_parts():
    existing = {
        "model_overview": {"model_owner": "edited-by-a-person"},
        "training_details": {
            "training_observations": "human notes",
            "training_job_details": {
                "training_arn": "arn:old",
                "training_metrics": [{"name": "old", "value": 1}],
                "user_provided_training_metrics": [{"name": "manual", "value": 2}],
            },
        },
        "evaluation_details": [
            {"name": "old-generated", "metadata": {"mcgov.generated": "true"}},
            {"name": "human review", "evaluation_observation": "looked fine"},
        ],
        "additional_information": {"custom_details": {"mcgov.tool_version": "0.0.1", "team": "churn"}},
        "model_package_details": {"model_package_arn": "arn:pkg"},
    }
    out = merge_content(
        existing=existing,
        template={"model_overview": {"model_owner": "template-owner"}},
        defaults=None,
        generated=GENERATED,
    )
    assert out["model_overview"]["model_owner"] == "edited-by-a-person"
    job = out["training_details"]["training_job_details"]
    assert job["training_arn"] == "arn:new" and job["training_metrics"] == [{"name": "auc", "value": 0.9}]
    assert job["user_provided_training_metrics"] == [{"name": "manual", "value": 2}]
    assert out["training_details"]["training_observations"] == "human notes"
    assert [e["name"] for e in out["evaluation_details"]] == ["human review", "evaluation.json"]
    assert out["additional_information"]["custom_details"] == {"team": "churn", "mcgov.tool_version": "0.1.0"}
    assert out["model_package_details"] == {"model_package_arn": "arn:pkg"}  # kept: no package given this run


def test_merge_is_idempotent():
    once = merge_content(
        existing=None, template={"model_overview": {"model_owner": "t"}}, defaults=None, generated=GENERATED
    )
    twice = merge_content(
        existing=once, template={"model_overview": {"model_owner": "t"}}, defaults=None, generated=GENERATED
    )
    assert once == twice


@pytest.mark.parametrize(
    "template, field",
    [
        ({"training_details": {"training_job_details": {"training_arn": "x"}}}, "training_job_details.training_arn"),
        ({"model_package_details": {"model_package_arn": "x"}}, "model_package_details"),
        (
            {"additional_information": {"custom_details": {"mcgov.tool_version": "x"}}},
            "custom_details.mcgov.tool_version",
        ),
        ({"intended_uses": {"risk_rating": "Huge"}}, "intended_uses.risk_rating"),
        ({"model_overview": "text"}, "model_overview"),
    ],
)
def test_template_refuses_step_owned_and_invalid_fields(template, field):
    with pytest.raises(BadInputError) as err:
        parse_template(template, source="card-template.yaml")
    assert field in str(err.value) and str(err.value).startswith("card-template.yaml: ")


def test_template_allows_user_provided_training_metrics_and_empty_file():
    assert parse_template(None, source="t.yaml") == {}
    data = {
        "training_details": {"training_job_details": {"user_provided_training_metrics": [{"name": "m", "value": 1}]}}
    }
    assert parse_template(data, source="t.yaml") == data
    with pytest.raises(BadInputError, match="mapping of content sections"):
        parse_template(["x"], source="t.yaml")
