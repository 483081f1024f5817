"""``mcgov workflow definition``: print the Step Functions (ASL) definition of the governance or hub workflow.

It prints the shipped ASL (``mcgov.steps.workflow``, package data): no SDK is needed.
"""

from __future__ import annotations

import argparse

from mcgov.steps.cli.exceptions import FlagCombinationError
from mcgov.steps.workflow.definition import definition_json, governance_definition, hub_definition


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    workflow = sub.add_parser("workflow", help="Step Functions definition of the governance workflow")
    commands = workflow.add_subparsers(dest="command", required=True, parser_class=type(workflow))
    definition = commands.add_parser(
        "definition", help="print the ASL JSON (Lambda ARNs default to ${Name} substitutions)"
    )
    definition.add_argument("--populate-arn", help="populate-card Lambda ARN")
    definition.add_argument("--share-arn", help="share-card Lambda ARN")
    definition.add_argument("--gate-arn", help="check-gate Lambda ARN")
    definition.add_argument(
        "--hub", action="store_true", help="the hub-sync state machine (Map over the spokes) instead"
    )
    definition.set_defaults(func=_definition)


def _definition(args: argparse.Namespace) -> int:
    arns = {"populate": args.populate_arn, "share": args.share_arn, "gate": args.gate_arn}
    given = {k: v for k, v in arns.items() if v}
    if args.hub:
        if given:
            raise FlagCombinationError(
                "--hub prints the hub workflow; leave out --populate-arn, --share-arn and --gate-arn"
            )
        print(definition_json(hub_definition()))
        return 0
    if given and len(given) != len(arns):
        raise FlagCombinationError("give all three of --populate-arn, --share-arn and --gate-arn, or none")
    print(definition_json(governance_definition(given or None)))
    return 0
