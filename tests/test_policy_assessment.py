"""Share-policy fields for assessment: ``stages.<name>.require_assessment`` and ``required_fields_by_risk_rating``.

Their shape is checked by ``mcgov.share_policies``; that the framework is packaged and each path is a card content
path is checked by the steps' loader (``mcgov.steps.policy.load_policy``: the CLI's and the handlers'),
so ``mcgov policy validate`` checks both."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy
from mcgov.share_policies.models import RiskRating
from mcgov.steps.card import content
from mcgov.steps.cli.main import main
from mcgov.steps.policy import load_policy

BASE: dict[str, Any] = {
    "version": 1,
    "card_account": "111111111111",
    "region": "us-east-1",
    "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
    "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "Approved"}},
}


def _policy(require: Any = None, required_fields: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {**BASE, "stages": {"prod": dict(BASE["stages"]["prod"])}}
    if require is not None:
        data["stages"]["prod"]["require_assessment"] = require
    if required_fields is not None:
        data["required_fields_by_risk_rating"] = required_fields
    return data


def test_both_fields_load_typed():
    policy = parse_policy(
        _policy(
            {"framework": "nist-ai-rmf", "min_score": 1},
            {"High": ["evaluation_details[].datasets", "additional_information.custom_details[data_owner]"], "Low": []},
        )
    )
    need = policy.stages["prod"].require_assessment
    assert need is not None and need.framework == "nist-ai-rmf" and need.min_score == 1.0
    assert policy.required_fields_by_risk_rating == {
        "High": ["evaluation_details[].datasets", "additional_information.custom_details[data_owner]"],
        "Low": [],
    }
    assert parse_policy(BASE).stages["prod"].require_assessment is None
    assert parse_policy(BASE).required_fields_by_risk_rating is None


def test_the_policy_risk_ratings_are_the_cards():
    assert typing.get_args(RiskRating) == typing.get_args(content.RiskRating)


@pytest.mark.parametrize(
    "require, field, words",
    [
        ({"framework": "iso-42001", "min_score": 1.5}, "min_score", "less than or equal to 1"),
        ({"framework": "iso-42001", "min_score": -0.1}, "min_score", "greater than or equal to 0"),
        ({"framework": "iso-42001", "min_score": "0.8"}, "min_score", "valid number"),
        ({"framework": "iso-42001", "min_score": True}, "min_score", "valid number"),
        ({"framework": "iso-42001", "min_score": float("nan")}, "min_score", "finite number"),
        ({"framework": "iso-42001"}, "min_score", "required key is missing"),
        ({"framework": "ISO 42001", "min_score": 0.5}, "framework", "should match pattern"),
        ({"framework": "iso-42001", "min_score": 0.5, "max": 1}, "max", "unknown key"),
    ],
)
def test_a_badly_shaped_require_assessment_is_refused_naming_the_field(require, field, words):
    with pytest.raises(BadInputError) as caught:
        parse_policy(_policy(require), source="p.yaml")
    assert str(caught.value).startswith(f"p.yaml: stages.prod.require_assessment.{field}: ")
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "table, field, words",
    [
        ({"Critical": ["model_overview.model_owner"]}, "required_fields_by_risk_rating", "not a card risk rating"),
        ({"high": ["model_overview.model_owner"]}, "required_fields_by_risk_rating", "High, Medium, Low or Unknown"),
        ({"Medium": ["model_overview.model_owner", 3]}, "required_fields_by_risk_rating.Medium[1]", "valid string"),
        ({"Medium": [""]}, "required_fields_by_risk_rating.Medium[0]", "at least 1 character"),
        ({"High": "model_overview.model_owner"}, "required_fields_by_risk_rating.High", "valid list"),
        (["model_overview.model_owner"], "required_fields_by_risk_rating", "valid dictionary"),
    ],
)
def test_badly_shaped_required_fields_are_refused_naming_the_field(table, field, words):
    with pytest.raises(BadInputError) as caught:
        parse_policy(_policy(required_fields=table), source="p.yaml")
    assert str(caught.value).startswith(f"p.yaml: {field}: "), str(caught.value)
    assert words in str(caught.value)


def _load(tmp_path: Path, data: dict[str, Any]) -> Any:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_policy(str(path))


@pytest.mark.parametrize(
    "data, field, words",
    [
        (
            _policy({"framework": "eu-ai-act", "min_score": 0.5}),
            "stages.prod.require_assessment.framework",
            "not a known framework; use one of eu-ai-act-annex-iv, iso-42001, nist-ai-rmf",
        ),
        (
            _policy(required_fields={"High": ["model_overview.nope"]}),
            "required_fields_by_risk_rating.High[0]",
            "model_overview has no field by that name; use one of model_description",
        ),
        (
            _policy(required_fields={"Low": ["model_overview.model_owner", "evaluation_details.datasets"]}),
            "required_fields_by_risk_rating.Low[1]",
            "evaluation_details is a list; write evaluation_details[] to read a field of each item",
        ),
    ],
)
def test_the_steps_loader_refuses_an_unknown_framework_and_a_path_that_is_not_in_a_card(tmp_path, data, field, words):
    parse_policy(data)  # well formed: the shape is share_policies', the meaning the steps'
    with pytest.raises(BadInputError) as caught:
        _load(tmp_path, data)
    assert str(caught.value).startswith(f"{tmp_path / 'policy.yaml'}: {field}: {words}")


def test_the_steps_loader_accepts_the_fields_when_they_are_right(tmp_path):
    policy = _load(tmp_path, _policy({"framework": "iso-42001", "min_score": 0.5}, {"High": ["business_details"]}))
    assert policy.required_fields_by_risk_rating == {"High": ["business_details"]}


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: dict[str, Any]) -> tuple[int, str, str]:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    code = main(["policy", "validate", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_policy_validate_reports_the_assessment_and_the_required_fields(tmp_path, capsys):
    data = _policy(
        {"framework": "eu-ai-act-annex-iv", "min_score": 0.8},
        {"High": ["model_overview.model_description", "evaluation_details[].datasets"], "Medium": ["business_details"]},
    )
    code, out, err = _validate(tmp_path, capsys, data)
    assert code == 0, err
    assert "prod (1 account(s), Approved, assessment eu-ai-act-annex-iv >= 0.8)" in out
    assert out.rstrip().endswith("; required fields for High (2), Medium (1)")


@pytest.mark.parametrize(
    "data, words",
    [
        (_policy({"framework": "soc2", "min_score": 0.5}), "stages.prod.require_assessment.framework: not a known"),
        (_policy({"framework": "SOC 2", "min_score": 0.5}), "stages.prod.require_assessment.framework: String"),
        (_policy({"framework": "iso-42001", "min_score": 2}), "stages.prod.require_assessment.min_score: "),
        (_policy(required_fields={"High": ["model_card.x"]}), "required_fields_by_risk_rating.High[0]: the card"),
        (_policy(required_fields={"Severe": []}), "required_fields_by_risk_rating: a key is not a card risk rating"),
    ],
)
def test_policy_validate_refuses_them_with_one_line_and_exit_2(tmp_path, capsys, data, words):
    code, out, err = _validate(tmp_path, capsys, data)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert words in err
    assert "soc2" not in err and "SOC 2" not in err and "model_card" not in err and "Severe" not in err  # not echoed
