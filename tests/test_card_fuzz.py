"""Builders given arbitrary JSON either raise their own typed bad-input error naming the input, or return content
that validates unchanged. Nothing is caught here except the one error type each builder documents, and a
success is always validated (a validation failure fails the test)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mcgov.errors import BadInputError
from mcgov.steps.card.build import BuildInputs, ReportInput, build_content
from mcgov.steps.card.model_package import model_package_details
from mcgov.steps.card.template import parse_template
from mcgov.steps.card.training import training_facts
from mcgov.steps.card.validation import validate_content

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=300)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner, max_size=5),
    max_leaves=30,
)

job_like = st.fixed_dictionaries(
    {"TrainingJobArn": st.text(min_size=1, max_size=50)},
    optional={
        "HyperParameters": st.dictionaries(st.text(min_size=1, max_size=300), scalars, max_size=120) | json_values,
        "FinalMetricDataList": st.lists(
            st.fixed_dictionaries({"MetricName": st.text(max_size=300), "Value": scalars}), max_size=60
        )
        | json_values,
        "InputDataConfig": st.lists(
            st.fixed_dictionaries(
                {
                    "DataSource": st.fixed_dictionaries(
                        {"S3DataSource": st.fixed_dictionaries({"S3Uri": st.text(max_size=1100)})}
                    )
                }
            ),
            max_size=20,
        )
        | json_values,
        "AlgorithmSpecification": st.fixed_dictionaries(
            {}, optional={"TrainingImage": st.text(max_size=1100), "AlgorithmName": scalars}
        )
        | json_values,
        "ResourceConfig": json_values,
    },
)

package_like = st.fixed_dictionaries(
    {"ModelPackageArn": st.text(min_size=1, max_size=60)},
    optional={
        "ModelPackageVersion": scalars,
        "ModelApprovalStatus": st.sampled_from(["Approved", "Rejected", "PendingManualApproval"]) | scalars,
        "ModelPackageStatus": st.sampled_from(["Pending", "InProgress", "Completed", "Failed", "Deleting"]) | scalars,
        "InferenceSpecification": json_values
        | st.fixed_dictionaries(
            {
                "Containers": st.lists(
                    st.fixed_dictionaries(
                        {"Image": st.text(max_size=300)},
                        optional={"ModelDataUrl": st.text(max_size=1100), "NearestModelName": scalars},
                    ),
                    max_size=17,
                )
            }
        ),
        "SourceAlgorithmSpecification": json_values
        | st.fixed_dictionaries(
            {
                "SourceAlgorithms": st.lists(
                    st.fixed_dictionaries(
                        {"AlgorithmName": st.text(max_size=200)}, optional={"ModelDataUrl": st.text(max_size=1100)}
                    ),
                    max_size=2,
                )
            }
        ),
        "ModelPackageName": st.text(max_size=80),
        "ModelPackageGroupName": st.text(max_size=80),
        "ModelPackageDescription": st.text(max_size=1100),
        "ApprovalDescription": st.text(max_size=1100),
        "Domain": scalars,
        "Task": scalars,
        "CreatedBy": json_values | st.fixed_dictionaries({"UserProfileName": st.text(max_size=80)}),
    },
)

# Human-written content as a template or an existing card holds it: valid card content (the store validates it).
short_text = st.text(max_size=40)
human_content = st.fixed_dictionaries(
    {},
    optional={
        "model_overview": st.fixed_dictionaries(
            {}, optional={"model_description": short_text, "model_owner": short_text}
        ),
        "intended_uses": st.fixed_dictionaries(
            {},
            optional={
                "risk_rating": st.sampled_from(["High", "Medium", "Low", "Unknown"]),
                "intended_uses": short_text,
            },
        ),
        "additional_information": st.fixed_dictionaries(
            {},
            optional={
                "caveats_and_recommendations": short_text,
                "custom_details": st.dictionaries(st.sampled_from(["team", "ticket"]), short_text),
            },
        ),
    },
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_names_input(exc: BadInputError, source: str, data: object) -> None:
    """A typed error names the input file, and the field whenever the input is a JSON object."""
    assert exc.source == source and str(exc).startswith(f"{source}: ")
    if isinstance(data, dict):
        assert exc.field, f"{exc} names no field"


@FAST
@given(json_values | job_like)
def test_training_builder_raises_only_typed_errors(data):
    try:
        facts = training_facts(data, source="job.json")
    except BadInputError as exc:
        _assert_names_input(exc, "job.json", data)
        return
    content = {
        "training_details": {"training_job_details": facts.training_job_details},
        "additional_information": {"custom_details": facts.custom_details},
    }
    assert validate_content(content) == content


@FAST
@given(json_values | package_like)
@example({"ModelPackageArn": "0", "ModelApprovalStatus": ""})
@example({"ModelPackageArn": "0", "ModelPackageStatus": "Done"})
@example({"ModelPackageArn": "0", "ModelPackageName": ""})
@example({"ModelPackageArn": "0", "ModelPackageGroupName": "a\nb"})
def test_model_package_builder_raises_only_typed_errors(data):
    try:
        details = model_package_details(data, source="package.json")
    except BadInputError as exc:
        _assert_names_input(exc, "package.json", data)
        return
    assert validate_content({"model_package_details": details}) == {"model_package_details": details}


@FAST
@given(json_values | human_content)
def test_template_raises_only_typed_errors(data):
    try:
        template = parse_template(data, source="template.yaml")
    except BadInputError as exc:
        assert exc.source == "template.yaml" and str(exc).startswith("template.yaml: ")
        return
    assert validate_content(template) == template


@FAST
@given(
    job=json_values | job_like,
    report=json_values,
    package=st.none() | package_like,
    template=st.none() | human_content,
    existing=st.none() | human_content,
)
def test_whole_build_raises_only_typed_errors(job, report, package, template, existing):
    """Bad input is refused by the parser of that input (named), never by the final validation of the card."""
    inputs = BuildInputs(
        training_job=job,
        training_job_source="job.json",
        reports=(ReportInput("r.json", report, "0" * 64),),
        model_package=package,
        model_package_source="package.json",
        template=template,
        existing=existing,
    )
    try:
        content = build_content(inputs)
    except BadInputError as exc:
        assert exc.source in ("job.json", "r.json", "package.json"), f"refused by final validation: {exc}"
        return
    assert validate_content(content) == content


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ModelApprovalStatus", ""),
        ("ModelApprovalStatus", "approved"),
        ("ModelPackageStatus", "Done"),
    ],
)
def test_model_package_enum_fields_are_refused_by_name(field, value):
    with pytest.raises(BadInputError) as caught:
        model_package_details({"ModelPackageArn": "0", field: value}, source="package.json")
    assert caught.value.field == field
    assert str(caught.value).startswith(f"package.json: {field}: ")


def test_floats_in_training_metrics_must_be_finite():
    facts = training_facts({"TrainingJobArn": "a", "FinalMetricDataList": [{"MetricName": "m", "Value": math.inf}]})
    assert "training_metrics" not in facts.training_job_details
