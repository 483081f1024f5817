"""``mcgov card assess``: how far a card is from what a framework asks (EU AI Act Annex IV, NIST AI RMF, ISO/IEC
42001), requirement by requirement, with the card fields that evidence each and what is missing.

Registered into the ``card`` group. Reads a card by name or ARN (another account's card by ARN when shared), or a
content JSON file offline. Prints a table and the score, or JSON with ``--json``; exit 0 whatever the score
(the gate is what blocks), 2 for bad input.
"""

from __future__ import annotations

import argparse

from mcgov.errors import BadInputError
from mcgov.parsing import CONTENT, parse_json
from mcgov.steps.assess.assessment import assess
from mcgov.steps.assess.catalog import framework_names
from mcgov.steps.assess.framework import load_framework
from mcgov.steps.assess.report import assessment_json, assessment_table, frameworks_json, frameworks_table
from mcgov.steps.card.io import load_json
from mcgov.steps.card.store import CardStore
from mcgov.steps.card.validation import validate_content
from mcgov.steps.cli._shared import print_json, report_output, session
from mcgov.steps.cli.exceptions import FlagCombinationError
from mcgov.steps.cli.review import card_commands


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = card_commands(sub).add_parser(
        "assess", help="score a card against a framework (EU AI Act Annex IV, NIST AI RMF, ISO/IEC 42001)"
    )
    parser.add_argument("card", metavar="NAME_OR_ARN", nargs="?", help="a card in SageMaker")
    parser.add_argument("--content", metavar="PATH", help="a content JSON file instead of a card in SageMaker")
    parser.add_argument("--version", type=int, metavar="N", help="card version (default: latest)")
    parser.add_argument("--framework", metavar="NAME", help="one of --list-frameworks")
    parser.add_argument("--json", action="store_true", help="print JSON (as --output json)")
    parser.add_argument("--list-frameworks", action="store_true", help="list the frameworks and exit")
    parser.set_defaults(func=_assess)


def _assess(args: argparse.Namespace) -> int:
    if args.list_frameworks:
        if args.card or args.content or args.version is not None or args.framework:
            raise FlagCombinationError("--list-frameworks: takes no card, --content, --version or --framework")
        frameworks = [load_framework(name) for name in framework_names()]
        if (form := report_output(args)) != "table":
            print_json(frameworks_json(frameworks), output=form)
        else:
            print(frameworks_table(frameworks), end="")
        return 0
    if bool(args.card) == bool(args.content):
        raise FlagCombinationError("NAME_OR_ARN or --content: give exactly one (the card to assess)")
    if args.content and args.version is not None:
        raise FlagCombinationError("--version: reads a card in SageMaker; leave it out with --content")
    if not args.framework:
        raise FlagCombinationError(f"--framework: required; use one of {', '.join(framework_names())}")
    framework = load_framework(args.framework)
    content = _content_file(args.content) if args.content else _card_content(args)
    assessment = assess(content, framework)
    if (form := report_output(args)) != "table":
        print_json(assessment_json(assessment), output=form)
    else:
        print(assessment_table(assessment), end="")
    return 0


def _content_file(path: str) -> dict[str, object]:
    return validate_content(load_json(path, limit=CONTENT).data, source=path)


def _card_content(args: argparse.Namespace) -> dict[str, object]:
    described = CardStore(session(args).client("sagemaker")).describe(args.card, args.version)
    where = f"{args.card} version {described.get('ModelCardVersion', args.version or 'latest')}"
    content = described.get("Content") or "{}"
    data = parse_json(content, where) if isinstance(content, str) else content
    if not isinstance(data, dict):
        raise BadInputError("the card content is not a JSON object", source=where)
    return data
