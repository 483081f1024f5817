"""``mcgov gate check``: print the decision JSON; exit 0 allowed, 1 blocked, 2 bad input."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from mcgov.steps.cli._shared import print_json, read_policy
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.exceptions import StageRequiredError
from mcgov.steps.gate.poller import run_gate
from mcgov.steps.gate.verify import role_arn, verify_consumers
from mcgov.steps.share import ram_client, resolve_card_arn, stage_names


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gate", help="gate promotion on the card's RAM share being ASSOCIATED")
    sub = parser.add_subparsers(dest="gate_command", required=True)
    check = sub.add_parser("check", help="evaluate (and optionally wait for) the gate of one stage")
    check.add_argument("--card", required=True, help="model-card name or ARN")
    check.add_argument("--policy", required=True, help="share-policy YAML file")
    check.add_argument("--stage", help="stage to gate (required when the policy has several)")
    check.add_argument("--wait", type=_seconds, help="seconds to wait for associations (default: gate.timeout_seconds; 0: check once)")
    check.add_argument("--verify-role", help="role name assumed in every stage account to describe the card by ARN")
    check.add_argument("--role-pattern", default="arn:aws:iam::{account}:role/{name}", help="role ARN pattern for --verify-role")
    check.set_defaults(func=cmd_check)


def _seconds(text: str) -> float:
    """argparse type of ``--wait``: a number of seconds >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds >= 0")
    return value


def cmd_check(args: argparse.Namespace) -> int:
    policy = read_policy(args, args.policy)
    if args.stage is None:
        if len(policy.stages) != 1:
            raise StageRequiredError(f"--stage: the policy has stages {', '.join(policy.stages)}; name one with --stage")
        stage = next(iter(policy.stages))
    else:
        stage = stage_names(policy, [args.stage], source=args.policy)[0]
    card_arn = resolve_card_arn(policy, args.card)
    session = make_session(args.profile, policy.region)
    decision = run_gate(
        ram_client(session, policy.region),
        session.client("sagemaker", region_name=policy.region),
        policy,
        stage,
        card_arn,
        timeout=args.wait,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    if args.verify_role and decision.allowed:
        roles = {a: role_arn(a, args.verify_role, args.role_pattern) for a in policy.stage(stage).accounts}
        decision = verify_consumers(decision, roles, base_session=session, region=policy.region)
    print_json(decision.to_dict())
    return 0 if decision.allowed else 1
