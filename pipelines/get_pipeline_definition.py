"""``get-pipeline-definition``: print (and optionally write) a pipeline's definition JSON, offline.

Region and bucket come from ``--region``/``--default-bucket``, else ``AWS_REGION``/``AWS_DEFAULT_REGION``
and ``MCGOV_PIPELINE_BUCKET``, else offline defaults; no credentials are needed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from mcgov.errors import GovernanceError
from mcgov.pipelines._utils import accepted_kwargs, import_pipeline_module, parse_kwargs
from mcgov.steps.cli._shared import write_atomic


def build_parser() -> argparse.ArgumentParser:
    """Argument parser (seed-code flags plus ``--region``/``--default-bucket``)."""
    parser = argparse.ArgumentParser(
        prog="get-pipeline-definition", description="Gets the pipeline definition for the pipeline script."
    )
    parser.add_argument(
        "-n",
        "--module-name",
        dest="module_name",
        required=True,
        help="Module of the pipeline, e.g. mcgov.pipelines.churn.pipeline",
    )
    parser.add_argument(
        "-f", "--file-name", dest="file_name", default=None, help="Also write the definition JSON to this file"
    )
    parser.add_argument(
        "-kwargs", "--kwargs", dest="kwargs", default=None, help="JSON object of get_pipeline keyword arguments"
    )
    parser.add_argument(
        "--region", default=None, help="Region (default: AWS_REGION/AWS_DEFAULT_REGION, else us-east-1)"
    )
    parser.add_argument(
        "--default-bucket", default=None, help="Artifact bucket (default: MCGOV_PIPELINE_BUCKET, else a placeholder)"
    )
    return parser


def render_definition(
    module_name: str, kwargs: dict, region: str | None = None, default_bucket: str | None = None
) -> str:
    """Definition JSON of ``module_name.get_pipeline(**kwargs)``, pretty-printed with sorted keys."""
    module = import_pipeline_module(module_name)
    defaults = {
        "region": region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        "default_bucket": default_bucket or os.environ.get("MCGOV_PIPELINE_BUCKET"),
    }
    pipeline = module.get_pipeline(**accepted_kwargs(module.get_pipeline, kwargs, defaults))
    return json.dumps(json.loads(pipeline.definition()), indent=2, sort_keys=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; exit 0 on success, 2 on bad input, 1 on any other failure."""
    args = build_parser().parse_args(argv)
    try:
        content = render_definition(args.module_name, parse_kwargs(args.kwargs), args.region, args.default_bucket)
        if args.file_name:
            write_atomic(args.file_name, content + "\n", flag="--file-name")
    except GovernanceError as exc:
        print(f"get-pipeline-definition: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
