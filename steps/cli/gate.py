"""``mcgov gate check``: print the decision JSON; exit 0 allowed, 1 blocked, 2 bad input. With the policy's
``notifications``, each stage's decision is also put on its event bus (``Gate Decision``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mcgov.errors import exit_code
from mcgov.steps.cli._shared import check_card_account, notify, print_json, read_policy, seconds
from mcgov.steps.cli.registry import cmd_check_package
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.decision import combined
from mcgov.steps.gate.poller import run_stages
from mcgov.steps.gate.service import decision_output, kms_client
from mcgov.steps.gate.verify import role_arn, verify_consumers
from mcgov.steps.notify.entries import gate_decision
from mcgov.steps.share.client import ram_client


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gate", help="gate promotion on the card's RAM share being ASSOCIATED")
    sub = parser.add_subparsers(dest="gate_command", required=True)
    check = sub.add_parser("check", help="evaluate (and optionally wait for) the gate of one stage, or of every stage")
    check.add_argument("--card", required=True, help="model-card name or ARN")
    check.add_argument("--policy", required=True, help="share-policy YAML file")
    check.add_argument("--stage", help="stage to gate (default: every stage of the policy; allowed only when all are)")
    check.add_argument(
        "--wait",
        type=seconds,
        help="seconds to wait for associations, at most 86400 (default: gate.timeout_seconds; 0: check once)",
    )
    check.add_argument("--verify-role", help="role name assumed in every stage account to describe the card by ARN")
    check.add_argument(
        "--role-pattern", default="arn:aws:iam::{account}:role/{name}", help="role ARN pattern for --verify-role"
    )
    check.add_argument(
        "--model-package",
        metavar="ARN",
        help="also gate the package's model package group share (stages "
        "with model_package_group) and record the outcome as the package's ModelLifeCycle",
    )
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    if getattr(args, "model_package", None):
        return cmd_check_package(args)
    policy = read_policy(args, args.policy)
    stages = policy.stages_named(None if args.stage is None else [args.stage], source=args.policy)
    card_arn = policy.card_arn(args.card)
    session = make_session(args.profile, policy.region)
    check_card_account(session, policy, args.policy)
    decisions = run_stages(
        ram_client(session, policy.region),
        session.client("sagemaker", region_name=policy.region),
        policy,
        stages,
        card_arn,
        timeout=args.wait,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
        kms=kms_client(session, policy),
    )
    if args.verify_role:
        decisions = [
            verify_consumers(
                d,
                {a: role_arn(a, args.verify_role, args.role_pattern) for a in stage.accounts},
                base_session=session,
                region=policy.region,
            )
            if d.allowed
            else d
            for stage, d in zip(stages, decisions, strict=True)
        ]
    notify(session, [gate_decision(policy, decision_output(d)) for d in decisions])
    if args.stage is not None:
        print_json(decisions[0].to_dict())
        return exit_code(failed=not decisions[0].allowed)
    record = combined(decisions)
    print_json(record)
    return exit_code(failed=not record["allowed"])
