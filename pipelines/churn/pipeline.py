"""Churn example pipeline: [preprocess] -> train (XGBoost) -> evaluate -> register -> governance steps.

Same entry point as the SageMaker Projects seed code (``get_pipeline(region, role, default_bucket, ...)``);
renders offline: pass ``sagemaker_session`` or let it build a ``PipelineSession`` that never calls AWS.
Until real values are passed, Lambda ARNs, role and queue are placeholders in account 000000000000,
which ``run-pipeline`` refuses to upsert.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcgov.pipelines.governance import (
    GovernanceLambdas,
    governance_steps,
    placeholder_lambdas,
)
from mcgov.pipelines.session import pipeline_session, resolve_region

if TYPE_CHECKING:
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.pipeline_context import PipelineSession

BASE_DIR = Path(__file__).resolve().parent
PLACEHOLDER_ACCOUNT = "000000000000"
PLACEHOLDER_ROLE = f"arn:aws:iam::{PLACEHOLDER_ACCOUNT}:role/mcgov-placeholder-pipeline-role"
XGBOOST_VERSION = "1.7-1"
CODE_FILES = ("preprocess.py", "evaluate.py")


def code_uris(bucket: str, base_job_prefix: str) -> dict[str, str]:
    """Content-addressed S3 URIs of the processing scripts (so the definition needs no upload)."""
    digest = hashlib.sha256(b"".join((BASE_DIR / f).read_bytes() for f in CODE_FILES)).hexdigest()[:16]
    return {f: f"s3://{bucket}/{base_job_prefix}/code/{digest}/{f}" for f in CODE_FILES}


def upload_pipeline_code(s3_client: Any, bucket: str, base_job_prefix: str = "churn") -> dict[str, str]:
    """Upload the processing scripts to the URIs of ``code_uris`` (``run-pipeline`` calls it before upsert)."""
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
    ``sagemaker_project_name``/``sagemaker_project_arn`` are accepted so seed-code ``--kwargs`` work unchanged.
    """
    from sagemaker import image_uris
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
    from sagemaker.workflow.functions import Join
    from sagemaker.workflow.parameters import ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.step_collections import RegisterModel
    from sagemaker.workflow.steps import ProcessingStep, TrainingStep

    region = resolve_region(region)
    session = sagemaker_session or pipeline_session(region, default_bucket)
    bucket = default_bucket or session.default_bucket()
    role = role or PLACEHOLDER_ROLE
    lambdas = _lambdas(region, lambda_arns, lambda_arn_prefix)
    code = code_uris(bucket, base_job_prefix)

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

    image_uri = image_uris.retrieve(
        framework="xgboost", region=region, version=XGBOOST_VERSION, py_version="py3", instance_type="ml.m5.xlarge"
    )
    steps: list[Any] = []

    if include_preprocessing:
        preprocessor = ScriptProcessor(
            image_uri=image_uri,
            command=["python3"],
            instance_type=processing_instance_type,
            instance_count=1,
            base_job_name=f"{base_job_prefix}/preprocess",
            sagemaker_session=session,
            role=role,
        )
        step_process = ProcessingStep(
            name="PreprocessChurnData",
            step_args=preprocessor.run(
                code=code["preprocess.py"],
                inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input")],
                outputs=[
                    ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}")
                    for n in ("train", "validation", "test")
                ],
            ),
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

    estimator = Estimator(
        image_uri=image_uri,
        instance_type=training_instance_type,
        instance_count=1,
        output_path=f"s3://{bucket}/{base_job_prefix}/ChurnTrain",
        base_job_name=f"{base_job_prefix}/train",
        sagemaker_session=session,
        role=role,
    )
    estimator.set_hyperparameters(
        objective="binary:logistic", num_round=100, max_depth=5, eta=0.2, gamma=4, min_child_weight=6, subsample=0.8
    )
    step_train = TrainingStep(
        name="TrainChurnModel",
        step_args=estimator.fit(
            inputs={
                "train": TrainingInput(s3_data=train_uri, content_type="text/csv"),
                "validation": TrainingInput(s3_data=validation_uri, content_type="text/csv"),
            }
        ),
    )
    steps.append(step_train)

    evaluator = ScriptProcessor(
        image_uri=image_uri,
        command=["python3"],
        instance_type=processing_instance_type,
        instance_count=1,
        base_job_name=f"{base_job_prefix}/evaluate",
        sagemaker_session=session,
        role=role,
    )
    step_eval = ProcessingStep(
        name="EvaluateChurnModel",
        step_args=evaluator.run(
            code=code["evaluate.py"],
            inputs=[
                ProcessingInput(
                    source=step_train.properties.ModelArtifacts.S3ModelArtifacts, destination="/opt/ml/processing/model"
                ),
                ProcessingInput(source=test_uri, destination="/opt/ml/processing/test"),
            ],
            outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        ),
    )
    steps.append(step_eval)
    evaluation_uri = Join(
        on="/",
        values=[step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "evaluation.json"],
    )

    step_register = RegisterModel(
        name="RegisterChurnModel",
        estimator=estimator,
        model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts,
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.t2.medium", "ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name=model_package_group_name,
        approval_status=model_approval_status,
        model_metrics=ModelMetrics(
            model_statistics=MetricsSource(s3_uri=evaluation_uri, content_type="application/json")
        ),
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
        sagemaker_session=session,
    )
    return Pipeline(name=pipeline_name, parameters=parameters, steps=steps, sagemaker_session=session)


def get_pipeline_custom_tags(
    new_tags: list[dict[str, str]], region: str, sagemaker_project_arn: str | None = None
) -> list[dict[str, str]]:
    """Seed-code hook: tags added to the pipeline on upsert (here: none beyond ``new_tags``)."""
    return list(new_tags)
