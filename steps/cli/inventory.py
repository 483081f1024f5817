"""``mcgov inventory``: every card of the policy's card account (or every hub copy) with its approval, its share
state per stage, its last gate decision and, for hub copies, provenance and staleness; exit 0, 2 bad input."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from mcgov.steps.cli._shared import check_card_account, print_json, read_policy, report_output
from mcgov.steps.common.aws import make_session
from mcgov.steps.common.files import check_writable, write_atomic
from mcgov.steps.inventory.read import read_fleet
from mcgov.steps.inventory.render import render_html, render_table
from mcgov.steps.share.client import client_config, ram_client

INVENTORY_MAX_ATTEMPTS = 10


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "inventory", help="every card with its approval, share state per stage, last gate decision and hub state"
    )
    parser.add_argument("--policy", required=True, help="share-policy YAML file (a hub policy: every hub copy)")
    parser.add_argument("--json", action="store_true", help="print the inventory as JSON (as --output json)")
    parser.add_argument(
        "--html", metavar="PATH", help="also write the inventory as one self-contained, sortable HTML page"
    )
    parser.set_defaults(func=cmd_inventory)


def cmd_inventory(args: argparse.Namespace) -> int:
    policy = read_policy(args, args.policy)
    if args.html is not None:
        check_writable(args.html, "--html")  # before any AWS call: a bad path is exit 2, not a wasted fleet read
    session = make_session(getattr(args, "profile", None), policy.region)
    check_card_account(session, policy, args.policy)
    config = client_config(INVENTORY_MAX_ATTEMPTS)
    inventory = read_fleet(
        session.client("sagemaker", region_name=policy.region, config=config),
        ram_client(session, policy.region, INVENTORY_MAX_ATTEMPTS),
        policy,
        datetime.now(UTC),
    )
    if args.html is not None:
        write_atomic(args.html, render_html(inventory), flag="--html")
        print(f"mcgov: wrote {args.html}", file=sys.stderr)
    if (form := report_output(args)) != "table":
        print_json(inventory.to_dict(), output=form)
    else:
        sys.stdout.write(render_table(inventory))
    return 0
