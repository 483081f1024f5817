"""``mcgov workflow definition``: print the Step Functions (ASL) definition of the governance workflow.

This is authoring, not runtime: it imports ``pipelines.workflow`` (the ``pipelines`` extra) on use only.
"""

from __future__ import annotations

import argparse

from mcgov.steps.cli.exceptions import AuthoringExtraMissing, FlagCombinationError


def register(sub: argparse._SubParsersAction) -> None:
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
    if args.hub:
        from mcgov.pipelines.hub_workflow import hub_definition_json

        print(hub_definition_json())
        return 0
    try:
        from mcgov.pipelines.workflow import workflow_definition_json
    except ModuleNotFoundError as exc:
        raise AuthoringExtraMissing(
            f"{exc.name} is not installed: pip install 'model-card-governance[pipelines]'"
        ) from None
    arns = {"populate": args.populate_arn, "share": args.share_arn, "gate": args.gate_arn}
    given = {k: v for k, v in arns.items() if v}
    if given and len(given) != len(arns):
        raise FlagCombinationError("give all three of --populate-arn, --share-arn and --gate-arn, or none")
    print(workflow_definition_json(given or None))
    return 0
