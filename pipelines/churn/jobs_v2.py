"""The churn example's job steps (processing, training, model registration) with the SageMaker Python SDK v2.

Same functions, same arguments and the same definition as ``jobs_v3``; the settings that v3 writes by default and
v2 does not (or the reverse) are set explicitly on both sides, so the rendered definitions match (what still
differs, and why it is equivalent: ``normalise`` in ``tests/test_pipeline_sdk.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mcgov.pipelines.churn.jobs import CODE_DIR, MAX_RUNTIME_SECONDS, VOLUME_SIZE_GB, DataIn, DataOut


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
    # The optional `pipelines-v2` extra: SDK imports stay inside the function.
    from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
    from sagemaker.workflow.steps import ProcessingStep

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
        inputs=[ProcessingInput(input_name=i.name, source=i.source, destination=i.local_path) for i in inputs]
        + [ProcessingInput(input_name="code", source=code_uri, destination=CODE_DIR)],
        outputs=[ProcessingOutput(output_name=o.name, source=o.local_path, destination=o.uri) for o in outputs],
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
    """A TrainingStep of a built-in algorithm image (no debugger hook, no profiler)."""
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.workflow.steps import TrainingStep

    estimator = Estimator(
        image_uri=image_uri,
        instance_type=instance_type,
        instance_count=1,
        volume_size=VOLUME_SIZE_GB,
        max_run=MAX_RUNTIME_SECONDS,
        output_path=output_path,
        base_job_name=base_job_name,
        sagemaker_session=session,
        role=role,
        debugger_hook_config=False,
        disable_profiler=True,
        hyperparameters=dict(hyperparameters),
    )
    step_args = estimator.fit(
        inputs={
            channel: TrainingInput(s3_data=uri, content_type=content_type, input_mode="File")
            for channel, uri in channels.items()
        }
    )
    return TrainingStep(name=name, step_args=step_args)


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
    """The step registering the trained model in ``model_package_group_name`` (step name ``<name>-RegisterModel``)."""
    from sagemaker.model import Model
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.workflow.model_step import ModelStep

    model = Model(image_uri=image_uri, model_data=model_data, role=role, sagemaker_session=session)
    step_args = model.register(
        content_types=[content_type],
        response_types=[content_type],
        inference_instances=list(inference_instances),
        transform_instances=list(transform_instances),
        model_package_group_name=model_package_group_name,
        approval_status=approval_status,
        model_metrics=ModelMetrics(model_statistics=MetricsSource(s3_uri=metrics_uri, content_type="application/json")),
    )
    return ModelStep(name=name, step_args=step_args)
