"""``run-pipeline``: upsert and start a SageMaker pipeline (seed-code convention), or ``--local`` on the emulator.

``--role-arn`` is the pipeline execution role; it is also passed as ``role`` to ``get_pipeline`` when the
kwargs do not set it. The module may expose ``upload_pipeline_code(s3_client, bucket, base_job_prefix)``
(called before upsert) and ``get_pipeline_custom_tags(tags, region, project_arn)``.
A definition that still holds offline placeholders (account 000000000000) is refused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from mcgov.errors import BadInputError, GovernanceError
from mcgov.pipelines._utils import (
    PLACEHOLDER_MARK,
    accepted_kwargs,
    get_pipeline_custom_tags,
    import_pipeline_module,
    parameter_default,
    parse_kwargs,
    parse_tags,
)
from mcgov.pipelines.exceptions import PlaceholderInDefinitionError


def build_parser() -> argparse.ArgumentParser:
    """Argument parser (seed-code flags plus ``--local`` and ``--wait``)."""
    parser = argparse.ArgumentParser(
        prog="run-pipeline", description="Creates or updates and runs the pipeline for the pipeline script."
    )
    parser.add_argument(
        "-n", "--module-name", dest="module_name", help="Module of the pipeline, e.g. mcgov.pipelines.churn.pipeline"
    )
    parser.add_argument(
        "-kwargs", "--kwargs", dest="kwargs", default=None, help="JSON object of get_pipeline keyword arguments"
    )
    parser.add_argument("-role-arn", "--role-arn", dest="role_arn", help="Pipeline execution role ARN")
    parser.add_argument("-description", "--description", dest="description", default=None)
    parser.add_argument("-tags", "--tags", dest="tags", default=None, help='JSON list of {"Key": ..., "Value": ...}')
    parser.add_argument("--wait", action="store_true", help="Wait for the execution to finish and print its steps")
    parser.add_argument(
        "--local",
        metavar="SCENARIO",
        default=None,
        help="Run the Step Functions workflow on the project emulator instead",
    )
    return parser


def check_no_placeholders(definition: str) -> None:
    """Refuse a definition rendered with offline placeholders."""
    if PLACEHOLDER_MARK in definition:
        raise PlaceholderInDefinitionError(
            "the pipeline definition still uses placeholder ARNs in account 000000000000; pass the governance stack's "
            'Lambda ARNs in --kwargs (e.g. \'{"lambda_arn_prefix": "arn:aws:lambda:<region>:<account>:function:<stack>-"}\') '
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
    import boto3
    from sagemaker.workflow.pipeline_context import PipelineSession

    module = import_pipeline_module(module_name)
    boto_session = boto3.Session(region_name=kwargs.get("region"))
    session = PipelineSession(
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


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; exit 0 on success, 2 on bad input, 1 on any other failure."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.local is not None:
            from mcgov.pipelines.local_run import run_local

            with contextlib.redirect_stdout(sys.stderr):
                result = run_local(args.local)
            print(json.dumps(result, indent=2, sort_keys=True, default=str))
            return 0
        if not args.module_name or not args.role_arn:
            parser.print_help(sys.stderr)
            return 2
        upsert_and_start(
            args.module_name,
            args.role_arn,
            parse_kwargs(args.kwargs),
            parse_tags(args.tags),
            args.description,
            args.wait,
        )
    except BadInputError as exc:
        print(f"run-pipeline: error: {exc}", file=sys.stderr)
        return 2
    except GovernanceError as exc:
        print(f"run-pipeline: failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the seed code reports any SDK/AWS failure and exits 1
        print(f"run-pipeline: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
