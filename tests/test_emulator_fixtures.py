"""Seed data lives in the emulator package (works from a wheel) and equals the user-facing examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcgov.emulator.fixtures import CARD_TEMPLATE, EVALUATION, TRAINING_JOB, data_bytes, seed_pipeline_outputs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "churn"


@pytest.mark.parametrize("name", [TRAINING_JOB, EVALUATION, CARD_TEMPLATE])
def test_packaged_seed_data_equals_the_examples(name: str) -> None:
    assert data_bytes(name) == (EXAMPLES / name).read_bytes()


def test_seed_creates_the_finished_job_and_uploads_report_and_template(emulator, card_session) -> None:
    where = seed_pipeline_outputs(card_session, bucket="mcgov-seed")
    s3 = card_session.client("s3")
    assert s3.get_object(Bucket="mcgov-seed", Key=where["evaluation"].split("/", 3)[3])["Body"].read() == data_bytes(
        EVALUATION
    )
    assert s3.get_object(Bucket="mcgov-seed", Key=where["template"].split("/", 3)[3])["Body"].read() == data_bytes(
        CARD_TEMPLATE
    )
    job = card_session.client("sagemaker").describe_training_job(TrainingJobName=where["training_job_name"])
    expected = json.loads(data_bytes(TRAINING_JOB))["FinalMetricDataList"]
    assert [(m["MetricName"], m["Value"]) for m in job["FinalMetricDataList"]] == [
        (m["MetricName"], m["Value"]) for m in expected
    ]
