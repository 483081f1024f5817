"""``mcgov reconcile``: share every selected card as the policy says; exit 0 converged, 1 a card failed, 2 bad input."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mcgov.steps.cli._shared import print_json, read_policy, report_output
from mcgov.steps.common.aws import make_session
from mcgov.steps.reconcile.plan import parse_selection
from mcgov.steps.reconcile.report import render_table
from mcgov.steps.reconcile.run import reconcile
from mcgov.steps.share.client import client_config, ram_client

RECONCILE_MAX_ATTEMPTS = 10


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reconcile", help="share every selected model card as the policy says, through batched RAM shares"
    )
    parser.add_argument("--policy", required=True, help="share-policy YAML file")
    parser.add_argument(
        "--select",
        action="append",
        metavar="KEY=VALUE",
        help="status=<Draft|PendingReview|Approved|Archived> or name-prefix=<prefix> (repeatable, AND)",
    )
    parser.add_argument("--stage", help="only this stage (default: every stage of the policy)")
    parser.add_argument(
        "--prune",
        action="store_true",
        help="remove what the policy does not name: extra principals of its shares, and the selected cards from "
        "shares made before ownership tags that are not the policy's",
    )
    parser.add_argument("--dry-run", action="store_true", help="plan and report only; make no write call")
    parser.add_argument("--json", action="store_true", help="print the report as JSON (as --output json)")
    parser.set_defaults(func=cmd_reconcile)


def cmd_reconcile(args: argparse.Namespace) -> int:
    policy = read_policy(args, args.policy)
    selection = parse_selection(args.select)
    stages = policy.stages_named([args.stage], source=args.policy) if args.stage else None
    session = make_session(getattr(args, "profile", None), policy.region)
    report = reconcile(
        ram_client(session, policy.region, RECONCILE_MAX_ATTEMPTS),
        session.client("sagemaker", region_name=policy.region, config=client_config(RECONCILE_MAX_ATTEMPTS)),
        policy,
        selection=selection,
        stages=stages,
        dry_run=args.dry_run,
        prune=args.prune,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    if (form := report_output(args)) != "table":
        print_json(report.to_dict(), output=form)
    else:
        sys.stdout.write(render_table(report))
    if report.drift:
        print(
            "mcgov: warning: some shares grant accounts the policy does not name (outcome 'drift'); "
            "the gate blocks those cards until the accounts are removed (re-run with --prune)",
            file=sys.stderr,
        )
    return report.exit_code
