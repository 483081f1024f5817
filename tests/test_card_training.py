"""Training details from DescribeTrainingJob: the SDK oracle plus what v2 left out."""

from __future__ import annotations

import copy

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.card.secrets import REDACTED, is_secret_name
from mcgov.steps.card.training import training_facts
from mcgov.steps.card.validation import validate_content
from tests.conftest import load_case

FULL_JOB = {
    "TrainingJobName": "churn-xgb-1",
    "TrainingJobArn": "arn:aws:sagemaker:us-east-1:111111111111:training-job/churn-xgb-1",
    "TrainingJobStatus": "Completed",
    "AlgorithmSpecification": {
        "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        "TrainingInputMode": "File",
    },
    "HyperParameters": {"max_depth": "5", "db_password": "hunter2", "api_key": "abc", "eta": "0.2", "keyword": "x"},
    "InputDataConfig": [
        {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3Uri": "s3://bucket/churn/train/"}}},
        {"ChannelName": "validation", "DataSource": {"S3DataSource": {"S3Uri": "s3://bucket/churn/validation/"}}},
    ],
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
    "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
    "BillableTimeInSeconds": 97,
    "FinalMetricDataList": [
        {"MetricName": "validation:auc", "Value": 0.91},
        {"MetricName": "train:nan", "Value": float("nan")},
    ],
    "Environment": {"SECRET_TOKEN": "do-not-copy"},
    "ModelArtifacts": {"S3ModelArtifacts": "s3://bucket/churn/model.tar.gz"},
}


def test_sdk_oracle_fields_match():
    job = load_case("sdk-describe-training-job/describe_training_job.json")
    expected = load_case("sdk-describe-training-job/expected_training_details.derived.json")["training_job_details"]
    details = training_facts(job).training_job_details
    # v2 emitted empty lists for the never-set lists; we omit empty lists (the service treats both alike).
    assert details == {k: v for k, v in expected.items() if v != []}


def test_autopilot_job_without_metrics():
    job = load_case("sdk-describe-training-job/describe_training_job_autopilot_no_metrics.json")
    expected = load_case("sdk-describe-training-job/expected_training_details_autopilot.derived.json")[
        "training_job_details"
    ]
    assert training_facts(job).training_job_details == {k: v for k, v in expected.items() if v != []}


def test_full_job_maps_datasets_facts_and_redacts_secrets():
    facts = training_facts(FULL_JOB)
    details = facts.training_job_details
    assert details["training_datasets"] == ["s3://bucket/churn/train/", "s3://bucket/churn/validation/"]
    params = {p["name"]: p["value"] for p in details["hyper_parameters"]}
    assert params["db_password"] == REDACTED and params["api_key"] == REDACTED
    assert params["max_depth"] == "5" and params["keyword"] == "x"
    assert "db_password" in facts.custom_details["mcgov.training.redacted_hyperparameters"]
    assert facts.custom_details["mcgov.training.instance_type"] == "ml.m5.xlarge"
    assert facts.custom_details["mcgov.training.billable_time_seconds"] == "97"
    assert facts.custom_details["mcgov.training.max_runtime_seconds"] == "86400"
    assert details["training_metrics"] == [{"name": "validation:auc", "value": 0.91}]
    assert "train:nan" in facts.custom_details["mcgov.training.notes"]
    text = repr(facts)
    assert "do-not-copy" not in text and "hunter2" not in text and "SECRET_TOKEN" not in text
    validate_content(
        {
            "training_details": {"training_job_details": details},
            "additional_information": {"custom_details": facts.custom_details},
        }
    )


@pytest.mark.parametrize(
    "name, secret",
    [
        ("password", True),
        ("DB_PASSWORD", True),
        ("client_secret", True),
        ("hf_token", True),
        ("aws_access_key_id", True),
        ("key", True),
        ("ssh-key", True),
        ("credentials_file", True),
        ("auth", True),
        ("max_depth", False),
        ("keyword", False),
        ("monkey", False),
        ("author", False),
        ("eval_metric", False),
        ("_tuning_objective_metric", False),
    ],
)
def test_secret_names(name, secret):
    assert is_secret_name(name) is secret


def test_limits_are_reduced_and_recorded_not_dropped_silently():
    job = copy.deepcopy(FULL_JOB)
    job["HyperParameters"] = {f"p{i:03d}": "v" * (300 if i == 0 else 1) for i in range(105)}
    job["FinalMetricDataList"] = [{"MetricName": f"m{i}", "Value": i} for i in range(55)]
    facts = training_facts(job)
    details = facts.training_job_details
    assert len(details["hyper_parameters"]) == 100 and len(details["training_metrics"]) == 50
    assert len(details["hyper_parameters"][0]["value"]) == 255
    notes = facts.custom_details["mcgov.training.notes"]
    assert "p100" in notes and "m54" in notes and "truncated" in notes
    validate_content(
        {
            "training_details": {"training_job_details": details},
            "additional_information": {"custom_details": facts.custom_details},
        }
    )


@pytest.mark.parametrize(
    "bad, field",
    [
        ({}, "TrainingJobArn"),
        ({"TrainingJobArn": "a", "HyperParameters": []}, "HyperParameters"),
        ({"TrainingJobArn": "a", "FinalMetricDataList": [{"MetricName": 3}]}, "FinalMetricDataList[0].MetricName"),
        ({"TrainingJobArn": "a", "InputDataConfig": [{"DataSource": {"S3DataSource": {"S3Uri": 5}}}]}, "S3Uri"),
        ({"TrainingJobArn": "a", "AlgorithmSpecification": "xgboost"}, "AlgorithmSpecification"),
    ],
)
def test_bad_descriptions_raise_a_typed_error_naming_the_field(bad, field):
    with pytest.raises(BadInputError) as err:
        training_facts(bad, source="job.json")
    assert field in str(err.value) and "job.json" in str(err.value)


def test_not_a_dict():
    with pytest.raises(BadInputError, match="^<training job>: a DescribeTrainingJob response must be a JSON object"):
        training_facts([1, 2])
