"""Upsert and start a seed-code pipeline module's pipeline (``mcgov pipeline run``).

``--role-arn`` is the pipeline execution role; it is also passed as ``role`` to ``get_pipeline`` when the
kwargs do not set it. The module may expose ``upload_pipeline_code(s3_client, bucket, base_job_prefix)``
(called before upsert) and ``get_pipeline_custom_tags(tags, region, project_arn)``.
A definition that still holds offline placeholders (account 000000000000) is refused.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from mcgov.pipelines import sdk
from mcgov.pipelines.exceptions import PlaceholderInDefinitionError
from mcgov.pipelines.pipeline_module import (
    PLACEHOLDER_MARK,
    accepted_kwargs,
    get_pipeline_custom_tags,
    import_pipeline_module,
    parameter_default,
)


def check_no_placeholders(definition: str) -> None:
    """Refuse a definition rendered with offline placeholders."""
    if PLACEHOLDER_MARK in definition:
        raise PlaceholderInDefinitionError(
            "the pipeline definition still uses placeholder ARNs in account 000000000000; pass the governance stack's "
            "Lambda ARNs in --kwargs (e.g. "
            '\'{"lambda_arn_prefix": "arn:aws:lambda:<region>:<account>:function:<stack>-"}\') '
            "and, for gate_mode=callback, callback_queue_url."
        )


def upsert_and_start(
    module_name: str,
    role_arn: str,
    kwargs: dict[str, Any],
    tags: list[dict[str, str]],
    description: str | None = None,
    wait: bool = False,
    sagemaker_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the pipeline with a real session, upload its code, upsert it and start an execution.

    ``sagemaker_config`` overrides the SDK defaults files (None: the SDK reads them as usual).
    """
    module = import_pipeline_module(module_name)
    boto_session = boto3.Session(region_name=kwargs.get("region"))
    session = sdk.load().PipelineSession(
        boto_session=boto_session, default_bucket=kwargs.get("default_bucket"), sagemaker_config=sagemaker_config
    )
    kwargs = accepted_kwargs(
        module.get_pipeline,
        kwargs,
        {"role": role_arn, "region": boto_session.region_name, "sagemaker_session": session},
    )
    upload = getattr(module, "upload_pipeline_code", None)
    if upload is not None:
        prefix = kwargs.get("base_job_prefix") or parameter_default(module.get_pipeline, "base_job_prefix")
        upload(boto_session.client("s3"), kwargs.get("default_bucket") or session.default_bucket(), prefix)
    pipeline = module.get_pipeline(**kwargs)
    definition = pipeline.definition()
    check_no_placeholders(definition)
    print("###### Creating/updating a SageMaker Pipeline with the following definition:")
    print(json.dumps(json.loads(definition), indent=2, sort_keys=True))
    response = pipeline.upsert(
        role_arn=role_arn, description=description, tags=get_pipeline_custom_tags(module, kwargs, tags)
    )
    print("\n###### Created/Updated SageMaker Pipeline: Response received:")
    print(response)
    execution = pipeline.start()
    print(f"\n###### Execution started with PipelineExecutionArn: {execution.arn}")
    result: dict[str, Any] = {"pipeline_arn": response.get("PipelineArn"), "execution_arn": execution.arn}
    if wait:
        execution.wait()
        result["steps"] = execution.list_steps()
        print("\n##### Execution completed. Execution step details:")
        print(result["steps"])
    return result
