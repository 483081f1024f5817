"""Seed the emulator with what a finished churn pipeline leaves behind: a training job and reports in S3."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "churn"
TRAINING_JOB = json.loads((EXAMPLES / "describe_training_job.json").read_text())


def seed_pipeline_outputs(session: Any, bucket: str) -> dict[str, str]:
    """Create the bucket, upload the report and template, create the finished training job. Returns locations."""
    region = session.region_name
    s3 = session.client("s3")
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    s3.upload_file(str(EXAMPLES / "evaluation.json"), bucket, "churn/evaluation/evaluation.json")
    s3.upload_file(str(EXAMPLES / "card-template.yaml"), bucket, "churn/card-template.yaml")
    job = TRAINING_JOB
    session.client("sagemaker").create_training_job(
        TrainingJobName=job["TrainingJobName"], HyperParameters=job["HyperParameters"],
        AlgorithmSpecification=job["AlgorithmSpecification"], RoleArn=job["RoleArn"],
        InputDataConfig=job["InputDataConfig"], OutputDataConfig=job["OutputDataConfig"],
        ResourceConfig=job["ResourceConfig"], StoppingCondition=job["StoppingCondition"],
        Environment=job["Environment"],
    )
    _set_final_metrics(session, job["TrainingJobName"], job["FinalMetricDataList"])
    return {
        "training_job_name": job["TrainingJobName"],
        "evaluation": f"s3://{bucket}/churn/evaluation/evaluation.json",
        "template": f"s3://{bucket}/churn/card-template.yaml",
    }


def _set_final_metrics(session: Any, job_name: str, metrics: list[dict[str, Any]]) -> None:
    """moto reports a fixed ``train:progress`` metric; give the emulated job the churn job's real metrics."""
    from moto.sagemaker.models import sagemaker_backends

    account = session.client("sts").get_caller_identity()["Account"]
    job = sagemaker_backends[account][session.region_name].training_jobs[job_name]
    job.final_metric_data_list = [{"MetricName": m["MetricName"], "Value": m["Value"], "Timestamp": job.creation_time}
                                  for m in metrics]
