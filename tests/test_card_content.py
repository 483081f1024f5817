"""Content model and validation: every limit the published schema forgets is enforced."""

from __future__ import annotations

import json

import jsonschema
import pytest

from mcgov.errors import BadInputError
from mcgov.steps.card.identifiers import validate_card_name, validate_card_status
from mcgov.steps.card.validation import serialize_content, validate_content, validate_content_text
from mcgov.steps.common.jsonutil import content_sha256
from tests.conftest import CASES, require_shared


def _metric(**kw):
    return {"evaluation_details": [{"name": "e", "metric_groups": [{"name": "g", "metric_data": [kw]}]}]}


@pytest.mark.parametrize(
    "content, field",
    [
        ({"evaluation_details": [{"name": "x" * 64}]}, "evaluation_details[0].name"),
        (
            {"evaluation_details": [{"name": "e", "metric_groups": [{"name": "g" * 64, "metric_data": []}]}]},
            "evaluation_details[0].metric_groups[0].name",
        ),
        (_metric(name="m" * 256, type="number", value=1), "metric_data[0].name"),
        (_metric(name="m", type="number", value=True), "metric_data[0]"),
        (_metric(name="m", type="number", value="1"), "metric_data[0]"),
        (_metric(name="m", type="string", value="s" * 64), "metric_data[0]"),
        (_metric(name="m", type="matrix", value=[[1] * 21]), "metric_data[0].value[0]"),
        (_metric(name="m", type="matrix", value=[[1]] * 21), "metric_data[0].value"),
        (_metric(name="m", type="linear_graph", value=[[1, 2, 3]]), "metric_data[0].value[0]"),
        (_metric(name="m", type="linear_graph", value=[]), "metric_data[0].value"),
        (_metric(name="m", type="bar_chart", value=[1], x_axis_name="not-a-list"), "metric_data[0].x_axis_name"),
        (_metric(name="m", type="pie", value=1), "metric_data[0]"),
        (_metric(name="m", type="number", value=1, extra=1), "metric_data[0].extra"),
        ({"model_overview": {"model_artifact": ["s3://a"] * 16}}, "model_overview.model_artifact"),
        ({"evaluation_details": [{"name": "e", "datasets": ["s3://a"] * 11}]}, "evaluation_details[0].datasets"),
        (
            {"training_details": {"training_job_details": {"training_metrics": [{"name": "m", "value": 1}] * 51}}},
            "training_details.training_job_details.training_metrics",
        ),
        (
            {"training_details": {"training_job_details": {"hyper_parameters": [{"name": "p", "value": "1"}] * 101}}},
            "training_details.training_job_details.hyper_parameters",
        ),
        (
            {"training_details": {"training_job_details": {"hyper_parameters": [{"name": "p", "value": 1}]}}},
            "hyper_parameters[0].value",
        ),
        (
            {"training_details": {"training_job_details": {"hyper_parameters": [{"name": "p", "value": "v" * 256}]}}},
            "hyper_parameters[0].value",
        ),
        ({"training_details": {"objective_function": "Cross-entropy loss"}}, "training_details.objective_function"),
        ({"intended_uses": {"risk_rating": "Severe"}}, "intended_uses.risk_rating"),
        ({"intended_uses": {"purpose_of_model": "p" * 2049}}, "intended_uses.purpose_of_model"),
        ({"additional_information": {"custom_details": {"k": "v" * 1025}}}, "custom_details.k"),
        ({"model_package_details": {"model_approval_status": "Maybe"}}, "model_package_details.model_approval_status"),
        ({"model_package_details": {"source_algorithms": [{"algorithm_name": "a"}] * 2}}, "source_algorithms"),
        ({"unknown_section": {}}, "unknown_section"),
    ],
)
def test_limits_the_published_schema_forgets_are_refused(content, field):
    with pytest.raises(BadInputError) as err:
        validate_content(content, source="card.json")
    assert field in str(err.value)
    assert str(err.value).startswith("card.json: ")


def test_nan_and_infinity_are_not_numbers():
    for bad in (float("nan"), float("inf")):
        with pytest.raises(BadInputError, match=r"^<content>: evaluation_details\[0\]\.metric_groups\[0\]") as err:
            validate_content(_metric(name="m", type="number", value=bad))
        assert err.value.source == "<content>" and err.value.field.startswith("evaluation_details[0]")


def test_valid_metric_shapes_pass_and_keep_ints():
    content = {
        "evaluation_details": [
            {
                "name": "e",
                "metric_groups": [
                    {
                        "name": "g",
                        "metric_data": [
                            {"name": "n", "type": "number", "value": 3},
                            {"name": "b", "type": "boolean", "value": False},
                            {"name": "s", "type": "string", "value": "ok"},
                            {
                                "name": "l",
                                "type": "linear_graph",
                                "value": [[0, 0.5], [1, 1]],
                                "x_axis_name": "x",
                                "y_axis_name": "y",
                            },
                            {
                                "name": "c",
                                "type": "bar_chart",
                                "value": [1, 2],
                                "x_axis_name": ["a", "b"],
                                "y_axis_name": "y",
                            },
                            {
                                "name": "m",
                                "type": "matrix",
                                "value": [[1, 2], [3, 4]],
                                "x_axis_name": ["0", "1"],
                                "y_axis_name": ["0", "1"],
                            },
                        ],
                    }
                ],
            }
        ]
    }
    out = validate_content(content)
    assert out == content
    assert out["evaluation_details"][0]["metric_groups"][0]["metric_data"][0]["value"] == 3
    assert isinstance(out["evaluation_details"][0]["metric_groups"][0]["metric_data"][0]["value"], int)


def test_content_over_100000_characters_is_refused_with_the_largest_sections():
    big = {"additional_information": {"custom_details": {f"k{i}": "v" * 1000 for i in range(101)}}}
    with pytest.raises(BadInputError, match="100,000 limit.*additional_information"):
        validate_content(big)


def test_content_text_checks_json_and_size():
    with pytest.raises(BadInputError, match="^<content>: invalid JSON"):
        validate_content_text("{nope")
    with pytest.raises(BadInputError, match="^<content>: content is 100,001 characters, over the 100,000 limit"):
        validate_content_text(" " * 100_001)
    assert validate_content_text('{"model_overview": {"model_owner": "me"}}') == {
        "model_overview": {"model_owner": "me"}
    }


def test_serialization_is_deterministic_and_in_service_order():
    a = validate_content({"intended_uses": {"risk_rating": "Low"}, "model_overview": {"model_owner": "o"}})
    b = validate_content({"model_overview": {"model_owner": "o"}, "intended_uses": {"risk_rating": "Low"}})
    assert serialize_content(a) == serialize_content(b)
    assert list(a) == ["model_overview", "intended_uses"]
    assert content_sha256(serialize_content(a)) == content_sha256(json.dumps(b, indent=4))


@pytest.mark.parametrize(
    "name, ok",
    [
        ("churn-model", True),
        ("a", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("-a", False),
        ("a-", False),
        ("a_b", False),
        ("a--b", True),
        ("", False),
    ],
)
def test_card_names(name, ok):
    if ok:
        assert validate_card_name(name) == name
    else:
        with pytest.raises(BadInputError, match="not a model card name"):
            validate_card_name(name)


def test_card_statuses():
    assert validate_card_status("Archived") == "Archived"
    with pytest.raises(BadInputError, match="Draft, PendingReview, Approved, Archived"):
        validate_card_status("Published")


def test_real_card_contents_accepted_by_the_api_validate(strict_schema):
    folder = require_shared(CASES)
    files = sorted(folder.glob("terraform-model-card-contents/*.json")) + sorted(
        folder.glob("sdk-model-card-content-with-model-package/*.json")
    )
    assert files
    for path in files:
        content = validate_content(json.loads(path.read_text()), source=str(path))
        jsonschema.validate(content, strict_schema)


@pytest.mark.parametrize(
    "text, needle",
    [
        ("[" * 5000 + "]" * 5000, "nested deeper"),
        ('{"a": 1, "a": 2}', "duplicate key"),
        ('{"n": ' + "9" * 5000 + "}", "invalid JSON"),
    ],
)
def test_content_text_is_parsed_strictly(text, needle):
    with pytest.raises(BadInputError, match=needle):
        validate_content_text(text)
