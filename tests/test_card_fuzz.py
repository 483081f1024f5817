"""Builders given arbitrary JSON raise only the project's typed errors, and any success validates."""
from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcgov.steps.card.build import BuildInputs, ReportInput, build_content
from mcgov.steps.card.exceptions import CardInputError
from mcgov.steps.card.model_package import model_package_details
from mcgov.steps.card.template import parse_template
from mcgov.steps.card.training import training_facts
from mcgov.steps.card.validation import validate_content

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=300)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner, max_size=5), max_leaves=30)

job_like = st.fixed_dictionaries(
    {"TrainingJobArn": st.text(min_size=1, max_size=50)},
    optional={
        "HyperParameters": st.dictionaries(st.text(min_size=1, max_size=300), scalars, max_size=120) | json_values,
        "FinalMetricDataList": st.lists(st.fixed_dictionaries({"MetricName": st.text(max_size=300), "Value": scalars}), max_size=60) | json_values,
        "InputDataConfig": st.lists(st.fixed_dictionaries({"DataSource": st.fixed_dictionaries({"S3DataSource": st.fixed_dictionaries({"S3Uri": st.text(max_size=1100)})})}), max_size=20) | json_values,
        "AlgorithmSpecification": st.fixed_dictionaries({}, optional={"TrainingImage": st.text(max_size=1100), "AlgorithmName": scalars}) | json_values,
        "ResourceConfig": json_values,
    },
)

package_like = st.fixed_dictionaries(
    {"ModelPackageArn": st.text(min_size=1, max_size=60)},
    optional={"ModelPackageVersion": scalars, "ModelApprovalStatus": st.sampled_from(["Approved", "Rejected", "PendingManualApproval"]) | scalars,
              "InferenceSpecification": json_values | st.fixed_dictionaries({"Containers": st.lists(st.fixed_dictionaries({"Image": st.text(max_size=300)}), max_size=17)}),
              "ModelPackageGroupName": st.text(max_size=80), "CreatedBy": json_values},
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _typed_only(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except CardInputError:
        return None


@FAST
@given(json_values | job_like)
def test_training_builder_raises_only_typed_errors(data):
    facts = _typed_only(training_facts, data, source="job.json")
    if facts is not None:
        validate_content({"training_details": {"training_job_details": facts.training_job_details},
                          "additional_information": {"custom_details": facts.custom_details}})


@FAST
@given(json_values | package_like)
def test_model_package_builder_raises_only_typed_errors(data):
    details = _typed_only(model_package_details, data, source="package.json")
    if details is not None:
        _typed_only(validate_content, {"model_package_details": details})


@FAST
@given(json_values)
def test_template_raises_only_typed_errors(data):
    _typed_only(parse_template, data, source="template.yaml")


@FAST
@given(job=json_values | job_like, report=json_values, template=json_values, existing=json_values)
def test_whole_build_raises_only_typed_errors(job, report, template, existing):
    inputs = BuildInputs(training_job=job, reports=(ReportInput("r.json", report, "0" * 64),),
                         template=template if isinstance(template, dict) else None,
                         existing=existing if isinstance(existing, dict) else None)
    content = _typed_only(build_content, inputs)
    if content is not None:
        assert validate_content(content) == content


def test_floats_in_training_metrics_must_be_finite():
    facts = training_facts({"TrainingJobArn": "a", "FinalMetricDataList": [{"MetricName": "m", "Value": math.inf}]})
    assert "training_metrics" not in facts.training_job_details
