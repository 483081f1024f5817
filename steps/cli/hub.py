"""``mcgov hub publish|sync``: hub-and-spoke; exit 0 converged, 1 a spoke or card failed, 2 bad input."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.cli._shared import print_json, read_policy, report_output
from mcgov.steps.common.aws import make_session
from mcgov.steps.hub.hub_side import hub_policy, sync
from mcgov.steps.hub.report import render_table
from mcgov.steps.hub.spoke_side import caller_account, publish
from mcgov.steps.reconcile.report import render_table as render_reconcile
from mcgov.steps.share.client import client_config, ram_client

HUB_MAX_ATTEMPTS = 10


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("hub", help="hub-and-spoke: spokes publish their cards, the hub keeps copies")
    sub = parser.add_subparsers(dest="hub_command", required=True)
    pub = sub.add_parser("publish", help="in a spoke: share its selected cards with the hub, read-only")
    pub.add_argument("--policy", required=True, help="hub-and-spoke policy YAML file")
    pub.add_argument("--dry-run", action="store_true", help="plan and report only; make no write call")
    pub.add_argument("--json", action="store_true", help="print the report as JSON (as --output json)")
    pub.set_defaults(func=cmd_publish)
    syn = sub.add_parser("sync", help="in the hub: copy every spoke's shared cards, with provenance")
    syn.add_argument("--policy", required=True, help="hub-and-spoke policy YAML file")
    syn.add_argument("--spoke", action="append", metavar="ACCOUNT", help="only this spoke (repeatable)")
    syn.add_argument("--prune", action="store_true", help="archive hub copies whose source is no longer shared")
    syn.add_argument("--dry-run", action="store_true", help="plan and report only; make no write call")
    syn.add_argument("--json", action="store_true", help="print the report as JSON (as --output json)")
    syn.set_defaults(func=cmd_sync)


def _clients(args: argparse.Namespace, region: str) -> tuple[Any, Any, Any]:
    session = make_session(getattr(args, "profile", None), region)
    return (
        ram_client(session, region, HUB_MAX_ATTEMPTS),
        session.client("sagemaker", region_name=region, config=client_config(HUB_MAX_ATTEMPTS)),
        session.client("sts", region_name=region),
    )


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cmd_publish(args: argparse.Namespace) -> int:
    policy = hub_policy(read_policy(args, args.policy), args.policy)
    ram, sagemaker, sts = _clients(args, policy.region)
    report = publish(ram, sagemaker, sts, policy, dry_run=args.dry_run, progress=_progress)
    if (form := report_output(args)) != "table":
        print_json(report.to_dict(), output=form)
    else:
        sys.stdout.write(render_reconcile(report))
    return report.exit_code


def cmd_sync(args: argparse.Namespace) -> int:
    policy = hub_policy(read_policy(args, args.policy), args.policy)
    for spoke in args.spoke or ():  # an unknown --spoke is refused before any AWS session
        policy.spoke(spoke, source="--spoke")
    ram, sagemaker, sts = _clients(args, policy.region)
    account = caller_account(sts)
    if account != policy.hub_account:
        raise BadInputError(
            f"{args.policy}: hub_account is {policy.hub_account} but the credentials are of "
            f"{account}; run hub sync with the hub account's credentials"
        )
    report = sync(ram, sagemaker, policy, spokes=args.spoke, prune=args.prune, dry_run=args.dry_run, progress=_progress)
    if (form := report_output(args)) != "table":
        print_json(report.to_dict(), output=form)
    else:
        sys.stdout.write(render_table(report))
    if report.drift:
        print(
            "mcgov: warning: some hub copies were edited in the hub (outcome 'drift'); they were not overwritten",
            file=sys.stderr,
        )
    return report.exit_code
