"""The churn example's job steps (processing, training, model registration) with the SageMaker Python SDK v3.

Same functions, same arguments and the same definition as ``jobs_v2``: ``Processor`` with the shapes of
``sagemaker.core``, ``ModelTrainer`` (``sagemaker.train``) and ``ModelBuilder.register`` in a ``ModelStep``
(``sagemaker.mlops.workflow``). What still differs from v2, and why it is equivalent: ``normalise`` in
``tests/test_pipeline_sdk.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mcgov.pipelines.churn.jobs import CODE_DIR, MAX_RUNTIME_SECONDS, VOLUME_SIZE_GB, DataIn, DataOut
from mcgov.pipelines.sdk import role_validation_off


def _input(name: str, source: Any, local_path: str) -> Any:
    from sagemaker.core.shapes import ProcessingInput, ProcessingS3Input

    return ProcessingInput(
        input_name=name,
        app_managed=False,
        s3_input=ProcessingS3Input(
            s3_uri=source,
            local_path=local_path,
            s3_data_type="S3Prefix",
            s3_input_mode="File",
            s3_data_distribution_type="FullyReplicated",
            s3_compression_type="None",
        ),
    )


def processing_step(
    name: str,
    *,
    session: Any,
    role: str,
    image_uri: str,
    instance_type: Any,
    base_job_name: str,
    script: str,
    code_uri: str,
    inputs: Sequence[DataIn],
    outputs: Sequence[DataOut],
) -> Any:
    """A ProcessingStep running ``python3 <script>`` (fetched from ``code_uri``) on ``image_uri``."""
    # The optional `pipelines` extra: SDK imports stay inside the function.
    from sagemaker.core.processing import Processor
    from sagemaker.core.shapes import ProcessingOutput, ProcessingS3Output
    from sagemaker.mlops.workflow.steps import ProcessingStep

    processor = Processor(
        role=role,
        image_uri=image_uri,
        instance_count=1,
        instance_type=instance_type,
        entrypoint=["python3", f"{CODE_DIR}/{script}"],
        volume_size_in_gb=VOLUME_SIZE_GB,
        base_job_name=base_job_name,
        sagemaker_session=session,
    )
    step_args = processor.run(
        inputs=[_input(i.name, i.source, i.local_path) for i in inputs] + [_input("code", code_uri, CODE_DIR)],
        outputs=[
            ProcessingOutput(
                output_name=o.name,
                app_managed=False,
                s3_output=ProcessingS3Output(s3_uri=o.uri, local_path=o.local_path, s3_upload_mode="EndOfJob"),
            )
            for o in outputs
        ],
    )
    return ProcessingStep(name=name, step_args=step_args)


def training_step(
    name: str,
    *,
    session: Any,
    role: str,
    image_uri: str,
    instance_type: Any,
    base_job_name: str,
    output_path: str,
    hyperparameters: Mapping[str, Any],
    channels: Mapping[str, Any],
    content_type: str,
) -> Any:
    """A TrainingStep of a built-in algorithm image (ModelTrainer writes no debugger hook and no profiler)."""
    from sagemaker.mlops.workflow.steps import TrainingStep
    from sagemaker.train.configs import Compute, InputData, OutputDataConfig, StoppingCondition
    from sagemaker.train.model_trainer import ModelTrainer

    with role_validation_off():
        trainer = ModelTrainer(
            training_image=image_uri,
            compute=Compute(instance_type=instance_type, instance_count=1, volume_size_in_gb=VOLUME_SIZE_GB),
            stopping_condition=StoppingCondition(max_runtime_in_seconds=MAX_RUNTIME_SECONDS),
            output_data_config=OutputDataConfig(s3_output_path=output_path),
            base_job_name=base_job_name,
            sagemaker_session=session,
            role=role,
            hyperparameters=dict(hyperparameters),
            input_data_config=[
                InputData(channel_name=channel, data_source=uri, content_type=content_type)
                for channel, uri in channels.items()
            ],
        )
    return TrainingStep(name=name, step_args=trainer.train())


def register_step(
    name: str,
    *,
    session: Any,
    role: str,
    image_uri: str,
    model_data: Any,
    model_package_group_name: str,
    approval_status: Any,
    metrics_uri: Any,
    content_type: str,
    inference_instances: Sequence[str],
    transform_instances: Sequence[str],
) -> Any:
    """The step that registers the trained model in ``model_package_group_name``.

    Named ``<name>-RegisterModel``, the name v2's ModelStep gives its registration step, so the step (and every
    ``Steps.<name>`` reference to it) keeps its name whichever SDK renders the pipeline.
    """
    from sagemaker.core.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.mlops.workflow.model_step import ModelStep
    from sagemaker.serve.model_builder import ModelBuilder

    builder = ModelBuilder(
        s3_model_data_url=model_data,
        image_uri=image_uri,
        sagemaker_session=session,
        role_arn=role,
        dependencies={},  # a built-in algorithm image: no inference code to upload, no script-mode environment
    )
    step_args = builder.register(
        content_types=[content_type],
        response_types=[content_type],
        inference_instances=list(inference_instances),
        transform_instances=list(transform_instances),
        model_package_group_name=model_package_group_name,
        approval_status=approval_status,
        model_metrics=ModelMetrics(model_statistics=MetricsSource(s3_uri=metrics_uri, content_type="application/json")),
    )
    return ModelStep(name=f"{name}-RegisterModel", step_args=step_args)
