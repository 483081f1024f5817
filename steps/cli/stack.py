"""``mcgov stack template|package``: the governance stack from the installed package, no clone needed.

``template`` prints the CloudFormation template (package data, ``mcgov.steps.stack.template``); ``--hub`` prints it
with ``DeployHub`` defaulting to ``"true"``. ``package`` builds the Lambda zip for the template's runtime
(``mcgov.steps.stack.lambda_package``). The README's "Deploy" section gives the steps around them.
"""

from __future__ import annotations

import argparse
import sys

from mcgov.steps.stack import lambda_package
from mcgov.steps.stack.template import template_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stack = sub.add_parser("stack", help="the CloudFormation template and the Lambda package of the governance stack")
    commands = stack.add_subparsers(dest="command", required=True, parser_class=type(stack))
    template = commands.add_parser("template", help="print the CloudFormation template (YAML)")
    template.add_argument(
        "--hub", action="store_true", help="the hub account's stack: DeployHub defaults to true (hub-and-spoke)"
    )
    template.set_defaults(func=_template)
    package = commands.add_parser("package", help="build mcgov-lambda.zip for the stack's Lambda runtime")
    lambda_package.add_arguments(package)
    package.set_defaults(func=_package)


def _template(args: argparse.Namespace) -> int:
    sys.stdout.write(template_text(hub=args.hub))
    return 0


def _package(args: argparse.Namespace) -> int:
    lambda_package.run(args, log=lambda line: print(line, file=sys.stderr))
    print(args.out / lambda_package.ARTEFACT_NAME)
    return 0
