"""Entry point of the ``mcgov`` console script.

Each command group lives in its own module exposing ``register(subparsers)``; a command's handler
receives the parsed ``argparse.Namespace`` and returns the process exit code.
Exit codes: 0 success (gate allowed), 1 gate blocked or AWS failure, 2 bad input, through the one mapping
``mcgov.errors.exit_code`` (``BadInputError`` -> 2, any other ``GovernanceError`` -> 1); a botocore error no adapter
mapped goes through the one AWS error mapper (``mcgov.steps.common.aws.unmapped_aws_error``). Authoring modules
(``mcgov.pipelines``) load only inside the ``workflow`` command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)

from mcgov.errors import ExitCode, GovernanceError, exit_code
from mcgov.steps.common.aws import unmapped_aws_error

COMMAND_MODULES = ("card", "review", "approve", "share", "gate", "policy", "workflow", "reconcile", "hub")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep it to one line
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mcgov", description="Model-card governance: build, publish, share and gate SageMaker model cards."
    )
    parser.add_argument("--profile", help="AWS profile (default: the standard AWS settings)")
    parser.add_argument("--region", help="AWS region (default: the standard AWS settings)")
    sub = parser.add_subparsers(dest="group", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"mcgov.steps.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"mcgov.steps.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (one line, exit 2) or --help (exit 0)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return int(args.func(args))
    except GovernanceError as exc:
        code = exit_code(exc)
        print(f"mcgov: {'error' if code is ExitCode.BAD_INPUT else 'failed'}: {_one_line(exc)}", file=sys.stderr)
        return code
    except (NoRegionError, NoCredentialsError, ProfileNotFound) as exc:
        print(
            f"mcgov: error: AWS settings: {_one_line(exc)} (set --profile/--region or AWS_PROFILE/AWS_REGION)",
            file=sys.stderr,
        )
        return ExitCode.BAD_INPUT
    except (BotoCoreError, ClientError) as exc:
        print(f"mcgov: failed: {_one_line(unmapped_aws_error(exc))}", file=sys.stderr)
        return exit_code(unmapped_aws_error(exc))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.FAILED


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":
    sys.exit(main())
