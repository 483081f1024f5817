"""Churn example pipeline: [preprocess] -> train (XGBoost) -> evaluate -> register -> governance steps.

Same entry point as the SageMaker Projects seed code (``get_pipeline(region, role, default_bucket, ...)``);
renders offline: pass ``sagemaker_session`` or let it build a ``PipelineSession`` that never calls AWS.
Written for the SageMaker Python SDK v3 and v2 alike: the job steps come from ``jobs_v3`` or ``jobs_v2`` and render
the same definition. Until real values are passed, Lambda ARNs, role and queue are placeholders in account
000000000000, which ``mcgov pipeline run`` refuses to upsert.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcgov.pipelines import sdk
from mcgov.pipelines.churn import jobs
from mcgov.pipelines.churn.jobs import DataIn, DataOut
from mcgov.pipelines.governance import (
    GovernanceLambdas,
    governance_steps,
    placeholder_lambdas,
)
from mcgov.pipelines.session import pipeline_session, resolve_region

if TYPE_CHECKING:
    Pipeline = Any  # the installed SDK's Pipeline
    PipelineSession = Any  # the installed SDK's PipelineSession

BASE_DIR = Path(__file__).resolve().parent
PLACEHOLDER_ACCOUNT = "000000000000"
PLACEHOLDER_ROLE = f"arn:aws:iam::{PLACEHOLDER_ACCOUNT}:role/mcgov-placeholder-pipeline-role"
XGBOOST_VERSION = "1.7-1"
CODE_FILES = ("preprocess.py", "evaluate.py")
HYPERPARAMETERS = {
    "objective": "binary:logistic",
    "num_round": "100",
    "max_depth": "5",
    "eta": "0.2",
    "gamma": "4",
    "min_child_weight": "6",
    "subsample": "0.8",
}


def code_uris(bucket: str, base_job_prefix: str) -> dict[str, str]:
    """Content-addressed S3 URIs of the processing scripts (so the definition needs no upload)."""
    digest = hashlib.sha256(b"".join((BASE_DIR / f).read_bytes() for f in CODE_FILES)).hexdigest()[:16]
    return {f: f"s3://{bucket}/{base_job_prefix}/code/{digest}/{f}" for f in CODE_FILES}


def upload_pipeline_code(s3_client: Any, bucket: str, base_job_prefix: str = "churn") -> dict[str, str]:
    """Upload the processing scripts to the URIs of ``code_uris`` (``mcgov pipeline run`` calls it before upsert)."""
    uris = code_uris(bucket, base_job_prefix)
    for name, uri in uris.items():
        s3_client.upload_file(str(BASE_DIR / name), bucket, uri.split("/", 3)[3])
    return uris


def placeholder_queue_url(region: str) -> str:
    """Offline stand-in for the gate-watcher SQS queue URL."""
    return f"https://sqs.{region}.amazonaws.com/{PLACEHOLDER_ACCOUNT}/mcgov-gate-callback"


def _card_name(pipeline_name: str) -> str:
    name = re.sub(r"[^a-zA-Z0-9]+", "-", pipeline_name).strip("-").lower()
    return f"{name}-card"[:63]


def _lambdas(
    region: str, lambda_arns: GovernanceLambdas | Mapping[str, str] | None, lambda_arn_prefix: str | None
) -> GovernanceLambdas:
    if isinstance(lambda_arns, GovernanceLambdas):
        return lambda_arns
    if lambda_arns:
        return GovernanceLambdas(**dict(lambda_arns))
    prefix = lambda_arn_prefix or os.environ.get("MCGOV_LAMBDA_ARN_PREFIX")
    if prefix:
        return GovernanceLambdas.from_prefix(prefix)
    return placeholder_lambdas(region)


def get_pipeline(
    region: str | None = None,
    role: str | None = None,
    default_bucket: str | None = None,
    model_package_group_name: str = "ChurnPackageGroup",
    pipeline_name: str = "ChurnGovernedPipeline",
    base_job_prefix: str = "churn",
    sagemaker_session: PipelineSession | None = None,
    *,
    lambda_arns: GovernanceLambdas | Mapping[str, str] | None = None,
    lambda_arn_prefix: str | None = None,
    gate_mode: str = "lambda",
    gate_wait_seconds: int = 300,
    callback_queue_url: str | None = None,
    include_preprocessing: bool = False,
    approve_package: bool = False,
    evaluation_format: str | None = None,
    card_template_uri: str | None = None,
    sagemaker_project_name: str | None = None,
    sagemaker_project_arn: str | None = None,
) -> Pipeline:
    """Build the governed churn pipeline (no AWS call).

    ``lambda_arns`` (``GovernanceLambdas`` or a mapping with populate/share/gate[/approve]) or
    ``lambda_arn_prefix`` (``arn:aws:lambda:<region>:<account>:function:<stack>-``, also read from
    ``MCGOV_LAMBDA_ARN_PREFIX``) name the deployed governance Lambdas. ``gate_mode="callback"`` uses a
    CallbackStep answered by the gate watcher (``callback_queue_url`` = the stack's GateCallbackQueueUrl).
    The model package is registered with ``ModelApprovalStatus`` (PendingManualApproval) and left for the
    registry flow to approve; ``approve_package=True`` opts in to approving it once the gate allowed.
    ``sagemaker_project_name``/``sagemaker_project_arn`` are accepted so seed-code ``--kwargs`` work unchanged.
    """
    kit = sdk.load()
    job = jobs.for_sdk(kit.major)
    region = resolve_region(region)
    session = sagemaker_session or pipeline_session(region, default_bucket)
    bucket = default_bucket or session.default_bucket()
    role = role or PLACEHOLDER_ROLE
    lambdas = _lambdas(region, lambda_arns, lambda_arn_prefix)
    code = code_uris(bucket, base_job_prefix)
    ParameterString = kit.ParameterString

    processing_instance_type = ParameterString(name="ProcessingInstanceType", default_value="ml.m5.xlarge")
    training_instance_type = ParameterString(name="TrainingInstanceType", default_value="ml.m5.xlarge")
    model_approval_status = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")
    input_data = ParameterString(name="InputDataUrl", default_value=f"s3://{bucket}/{base_job_prefix}/data/churn.csv")
    card_name = ParameterString(name="ModelCardName", default_value=_card_name(pipeline_name))
    stage = ParameterString(name="GovernanceStage", default_value="staging")
    parameters: list[Any] = [
        processing_instance_type,
        training_instance_type,
        model_approval_status,
        input_data,
        card_name,
        stage,
    ]

    image_uri = kit.image_uris.retrieve(framework="xgboost", region=region, version=XGBOOST_VERSION)

    def output_uri(step_name: str, output_name: str) -> Any:
        """``s3://<bucket>/<pipeline>/<execution id>/<step>/output/<name>``: a fresh folder per execution."""
        execution_id = kit.ExecutionVariables.PIPELINE_EXECUTION_ID
        return kit.Join(on="/", values=["s3:/", bucket, pipeline_name, execution_id, step_name, "output", output_name])

    processing = {
        "session": session,
        "role": role,
        "image_uri": image_uri,
        "instance_type": processing_instance_type,
    }
    steps: list[Any] = []

    if include_preprocessing:
        step_process = job.processing_step(
            "PreprocessChurnData",
            **processing,
            base_job_name=f"{base_job_prefix}/preprocess",
            script="preprocess.py",
            code_uri=code["preprocess.py"],
            inputs=[DataIn("data", input_data, "/opt/ml/processing/input")],
            outputs=[
                DataOut(n, f"/opt/ml/processing/{n}", output_uri("PreprocessChurnData", n))
                for n in ("train", "validation", "test")
            ],
        )
        steps.append(step_process)
        outputs = step_process.properties.ProcessingOutputConfig.Outputs
        train_uri, validation_uri, test_uri = (outputs[n].S3Output.S3Uri for n in ("train", "validation", "test"))
    else:
        data = f"s3://{bucket}/{base_job_prefix}/data"
        train_uri = ParameterString(name="TrainDataUrl", default_value=f"{data}/train")
        validation_uri = ParameterString(name="ValidationDataUrl", default_value=f"{data}/validation")
        test_uri = ParameterString(name="TestDataUrl", default_value=f"{data}/test")
        parameters += [train_uri, validation_uri, test_uri]

    step_train = job.training_step(
        "TrainChurnModel",
        session=session,
        role=role,
        image_uri=image_uri,
        instance_type=training_instance_type,
        base_job_name=f"{base_job_prefix}/train",
        output_path=f"s3://{bucket}/{base_job_prefix}/ChurnTrain",
        hyperparameters=HYPERPARAMETERS,
        channels={"train": train_uri, "validation": validation_uri},
        content_type="text/csv",
    )
    steps.append(step_train)
    model_data = step_train.properties.ModelArtifacts.S3ModelArtifacts

    step_eval = job.processing_step(
        "EvaluateChurnModel",
        **processing,
        base_job_name=f"{base_job_prefix}/evaluate",
        script="evaluate.py",
        code_uri=code["evaluate.py"],
        inputs=[
            DataIn("model", model_data, "/opt/ml/processing/model"),
            DataIn("test", test_uri, "/opt/ml/processing/test"),
        ],
        outputs=[
            DataOut("evaluation", "/opt/ml/processing/evaluation", output_uri("EvaluateChurnModel", "evaluation"))
        ],
    )
    steps.append(step_eval)
    evaluation_uri = kit.Join(
        on="/",
        values=[step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "evaluation.json"],
    )

    step_register = job.register_step(
        "RegisterChurnModel",
        session=session,
        role=role,
        image_uri=image_uri,
        model_data=model_data,
        model_package_group_name=model_package_group_name,
        approval_status=model_approval_status,
        metrics_uri=evaluation_uri,
        content_type="text/csv",
        inference_instances=["ml.t2.medium", "ml.m5.large"],
        transform_instances=["ml.m5.large"],
    )
    steps.append(step_register)

    steps += governance_steps(
        card_name=card_name,
        training_step=step_train,
        evaluation_s3_uris=[evaluation_uri],
        register_step=step_register,
        stage=stage,
        lambda_arns=lambdas,
        evaluation_step=step_eval,
        evaluation_format=evaluation_format,
        template_uri=card_template_uri,
        gate_mode=gate_mode,
        gate_wait_seconds=gate_wait_seconds,
        callback_queue_url=callback_queue_url or placeholder_queue_url(region),
        approve_package=approve_package,
        sagemaker_session=session,
    )
    return kit.Pipeline(name=pipeline_name, parameters=parameters, steps=steps, sagemaker_session=session)


def get_pipeline_custom_tags(
    new_tags: list[dict[str, str]], region: str, sagemaker_project_arn: str | None = None
) -> list[dict[str, str]]:
    """Seed-code hook: tags added to the pipeline on upsert (here: none beyond ``new_tags``)."""
    return list(new_tags)
