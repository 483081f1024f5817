"""Entry point of the ``mcgov`` console script.

Each command group lives in its own module exposing ``register(subparsers)``; a command's handler
receives the parsed ``argparse.Namespace`` and returns the process exit code.
Exit codes: 0 success (gate allowed), 1 gate blocked (or a card, spoke or build failed), 2 bad input, 3 an AWS,
credentials or permission error with a hint, through the one mapping ``mcgov.errors.exit_code`` (``BadInputError``
-> 2, an error carrying an AWS failure -> 3, any other ``GovernanceError`` -> 1); a botocore error no adapter mapped
goes through the one AWS error mapper (``mcgov.steps.common.aws.unmapped_aws_error``); missing credentials, region
or profile are AWS settings errors there (exit 3, with the hint). ``--profile``, ``--region`` and ``--output`` are
accepted before or after any subcommand (the AWS CLI's habit); ``--version`` prints the version. Authoring modules
(``mcgov.pipelines``, the optional ``pipelines`` extra) load only inside the ``pipeline`` commands.
Everything the commands write to stdout and stderr passes the one output sanitizer (``mcgov.text.visible``): a
control, bidi or invisible character from a card, a file or AWS is shown escaped, never raw on the terminal.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from mcgov.errors import ExitCode, GovernanceError, exit_code
from mcgov.steps.cli.output import FORMATS, use_output
from mcgov.steps.common.aws import unmapped_aws_error
from mcgov.text import visible

COMMAND_MODULES = (
    "card",
    "review",
    "approve",
    "assess",
    "share",
    "gate",
    "policy",
    "workflow",
    "pipeline",
    "reconcile",
    "inventory",
    "hub",
    "stack",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep it to one line, without the values
        self.exit(2, f"{self.prog}: error: {_redacted(_without_values(message))}\n")


def _global_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """``--profile``, ``--region`` and ``--output``, as the AWS CLI takes them: before or after any subcommand."""
    parser.add_argument("--profile", default=default, help="AWS profile (default: the standard AWS settings)")
    parser.add_argument(
        "--region", default=default, help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)"
    )
    parser.add_argument(
        "--output",
        choices=FORMATS,
        default=default,
        help="json (default), text (one 'path<TAB>value' line per value) or table; reports default to a table",
    )


class _CommandParser(_Parser):
    """The parser of a command group or command: the global options again, with SUPPRESS defaults, so a value given
    before the subcommand is not overwritten when none is given after it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _global_options(self, argparse.SUPPRESS)


_ARGPARSE_VALUE = re.compile(r"(invalid choice|invalid [\w.]+ value): (?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\S+)")


def _without_values(message: str) -> str:
    """argparse's message without the values it quotes (a token pasted into the wrong flag stays off the
    terminal and the CI log): ``invalid choice: 'x' (choose from ...)`` -> ``invalid choice (choose from ...)``,
    ``unrecognized arguments: --flag value`` -> ``unrecognized arguments: --flag (and 1 more)``."""
    message = _ARGPARSE_VALUE.sub(r"\1", message)
    head, found, rest = message.partition("unrecognized arguments: ")
    if found:
        words = rest.split()
        flags = [w.partition("=")[0] for w in words if w.startswith("-") and w[1:2].isalpha() or w.startswith("--")]
        more = len(words) - len(flags)
        message = head + "unrecognized arguments: " + " ".join(flags) + (f" (and {more} more)" if more else "")
    return message


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mcgov", description="Model-card governance: build, publish, share and gate SageMaker model cards."
    )
    parser.add_argument("--version", action="version", version=_version())
    _global_options(parser, None)
    sub = parser.add_subparsers(dest="group", required=True, parser_class=_CommandParser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"mcgov.steps.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"mcgov.steps.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


class _Visible:
    """A text stream that shows hidden characters escaped before they reach the terminal (line breaks and tabs
    aside); everything else is the wrapped stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text, keep="\n\t"))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _version() -> str:
    """``mcgov/<version> Python/<version> botocore/<version>``, as ``aws --version`` reports itself."""
    import botocore

    from mcgov.steps.version import __version__

    return f"mcgov/{__version__} Python/{platform.python_version()} botocore/{botocore.__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Visible(sys.stdout), _Visible(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = streams
        use_output(None)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (one line, exit 2), --help or --version (exit 0)
        return exc.code if isinstance(exc.code, int) else 2
    use_output(args.output)
    try:
        return int(args.func(args))
    except GovernanceError as exc:
        code = exit_code(exc)
        text, hint = _one_line(exc), str(getattr(exc.failure, "hint", ""))
        if code is ExitCode.AWS and hint and hint not in text:  # every AWS error ends with what to do
            text += f"; {hint}"
        print(f"mcgov: {'error' if code is ExitCode.BAD_INPUT else 'failed'}: {text}", file=sys.stderr)
        return code
    except (BotoCoreError, ClientError) as exc:
        print(f"mcgov: failed: {_one_line(unmapped_aws_error(exc))}", file=sys.stderr)
        return exit_code(unmapped_aws_error(exc))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.FAILED


def _one_line(exc: BaseException) -> str:
    return _redacted(" ".join(str(exc).split()))


def _redacted(message: str) -> str:
    """``message`` with any token shape or secret pair it quotes redacted: the CLI's last guard."""
    from mcgov.steps.card.secrets import redact_text  # loads on the error path only

    return redact_text(message)


if __name__ == "__main__":
    sys.exit(main())
