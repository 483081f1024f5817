"""mcgov pipeline run: the upsert path against the project emulator (moto SageMaker Pipelines and S3)."""

from __future__ import annotations

import json

import boto3
import pytest

PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:mcgov-"


def test_upsert_uploads_code_tags_and_starts_and_refuses_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    from mcgov.emulator import Emulator
    from mcgov.pipelines.churn.pipeline import code_uris
    from mcgov.pipelines.exceptions import PlaceholderInDefinitionError
    from mcgov.pipelines.session import SDK_CONFIG
    from mcgov.pipelines.upsert import upsert_and_start

    with Emulator():
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }  # SDK v3 checks the pipeline role (its trust of SageMaker) before it upserts
        role = boto3.client("iam").create_role(RoleName="pipeline", AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="artifacts")
        kwargs = {"region": "us-east-1", "default_bucket": "artifacts", "pipeline_name": "Churn"}
        with pytest.raises(PlaceholderInDefinitionError, match="lambda_arn_prefix"):
            upsert_and_start("mcgov.pipelines.churn.pipeline", role, dict(kwargs), [], sagemaker_config=SDK_CONFIG)
        sm = boto3.client("sagemaker", region_name="us-east-1")
        assert sm.list_pipelines()["PipelineSummaries"] == [], "nothing upserted with placeholders"

        result = upsert_and_start(
            "mcgov.pipelines.churn.pipeline",
            role,
            {**kwargs, "lambda_arn_prefix": PREFIX},
            [{"Key": "team", "Value": "ml"}],
            sagemaker_config=SDK_CONFIG,
        )
        [summary] = sm.list_pipelines()["PipelineSummaries"]
        assert summary["PipelineName"] == "Churn" and summary["RoleArn"] == role
        assert result["execution_arn"].startswith(summary["PipelineArn"])
        tags = sm.list_tags(ResourceArn=summary["PipelineArn"])["Tags"]
        assert {"Key": "team", "Value": "ml"} in tags
        keys = {o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket="artifacts")["Contents"]}
        assert keys == {uri.split("/", 3)[3] for uri in code_uris("artifacts", "churn").values()}
        definition = sm.describe_pipeline(PipelineName="Churn")["PipelineDefinition"]
        assert PREFIX + "check-gate" in definition
    assert "Execution started with PipelineExecutionArn" in capsys.readouterr().out
