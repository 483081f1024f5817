"""``mcgov pipeline definition`` and ``mcgov pipeline run``: a seed-code pipeline module, rendered or upserted.

The module is any importable module with a seed-code ``get_pipeline(...)`` (``mcgov.pipelines.churn.pipeline``, or
the project's own ``pipelines.<name>.pipeline``). This is authoring: the commands need the ``pipelines`` extra (the
SageMaker Python SDK) and import ``mcgov.pipelines`` inside the command functions only.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mcgov.errors import GovernanceError
from mcgov.steps.common.aws import make_session
from mcgov.steps.common.files import write_atomic


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pipeline = sub.add_parser("pipeline", help="SageMaker pipeline of a seed-code module: definition or run")
    commands = pipeline.add_subparsers(dest="command", required=True, parser_class=type(pipeline))

    definition = commands.add_parser("definition", help="print the pipeline definition JSON (offline, no credentials)")
    _module_flags(definition)
    definition.add_argument("-f", "--file-name", help="also write the definition JSON to this file")
    definition.add_argument(
        "--default-bucket", help="artifact bucket (default: MCGOV_PIPELINE_BUCKET, else an offline placeholder)"
    )
    definition.set_defaults(func=_definition)

    run = commands.add_parser("run", help="upsert the pipeline and start an execution")
    _module_flags(run)
    run.add_argument("--role-arn", required=True, help="pipeline execution role ARN")
    run.add_argument("--description", help="pipeline description")
    run.add_argument("--tags", help='JSON list of {"Key": ..., "Value": ...}')
    run.add_argument("--wait", action="store_true", help="wait for the execution to finish and print its steps")
    run.set_defaults(func=_run)


def _module_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-n", "--module-name", required=True, help="module with get_pipeline(...), e.g. mcgov.pipelines.churn.pipeline"
    )
    parser.add_argument("--kwargs", help="JSON object of get_pipeline keyword arguments")


def _region(args: argparse.Namespace) -> str:
    """The command's region; a process with none gets it as AWS_DEFAULT_REGION.

    SDK v3 builds a boto3 client while its workflow package loads, which needs a region even offline.
    """
    from mcgov.pipelines.session import resolve_region  # the optional `pipelines` extra: loaded on use only

    region = getattr(args, "region", None) or make_session(args.profile).region_name
    chosen = resolve_region(region)
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        os.environ["AWS_DEFAULT_REGION"] = chosen
    return chosen


def _definition(args: argparse.Namespace) -> int:
    # The optional `pipelines` extra: mcgov.pipelines loads inside the command only.
    from mcgov.pipelines.definition import render_definition
    from mcgov.pipelines.pipeline_module import parse_kwargs

    kwargs = parse_kwargs(args.kwargs)
    content = render_definition(args.module_name, kwargs, _region(args), args.default_bucket)
    if args.file_name:
        write_atomic(args.file_name, content + "\n", flag="--file-name")
    print(content)
    return 0


def _run(args: argparse.Namespace) -> int:
    # The optional `pipelines` extra: mcgov.pipelines loads inside the command only.
    from mcgov.pipelines.pipeline_module import parse_kwargs, parse_tags
    from mcgov.pipelines.upsert import upsert_and_start

    kwargs: dict[str, Any] = {"region": _region(args), **parse_kwargs(args.kwargs)}
    tags = parse_tags(args.tags)
    try:
        upsert_and_start(args.module_name, args.role_arn, kwargs, tags, args.description, args.wait)
    except (GovernanceError, BotoCoreError, ClientError):
        raise
    except Exception as exc:  # an SDK failure while building or upserting: reported, exit 1 (as the seed code)
        raise GovernanceError(f"the SageMaker SDK failed: {type(exc).__name__}: {exc}") from exc
    return 0
