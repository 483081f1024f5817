"""``mcgov share``: ensure, inspect and delete the RAM shares of a model card."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.card.store import describe_card
from mcgov.steps.cli._shared import check_card_account, print_json, read_policy
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.reader import share_status
from mcgov.steps.registry.provenance import package_arn_from_card
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import delete_share, ensure_share
from mcgov.steps.share.groups import group_arn_of_package, resolve_package


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("share", help="share a model card with the policy's accounts through AWS RAM")
    sub = parser.add_subparsers(dest="share_command", required=True)
    for name, func, help_text in (
        ("ensure", cmd_ensure, "create/repair the card's shares so they match the policy"),
        ("status", cmd_status, "print the card's shares and associations as JSON"),
        ("delete", cmd_delete, "delete the card's shares"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--card", required=True, help="model-card name or ARN")
        command.add_argument("--policy", required=True, help="share-policy YAML file")
        command.add_argument("--stage", action="append", help="only this stage (repeatable; default: every stage)")
        if name == "ensure":
            command.add_argument(
                "--prune", action="store_true", help="remove principals/shares the policy does not name"
            )
            command.add_argument(
                "--model-package",
                metavar="ARN",
                help="share this package's model package group with "
                "the stages that set model_package_group (default: the card's model_package_details)",
            )
        command.set_defaults(func=func)


def _context(args: argparse.Namespace) -> tuple[SharePolicy, str, Any, tuple[PolicyStage, ...]]:
    """The policy, the card and the stages (``--stage``, default every stage), resolved once, and the session."""
    policy = read_policy(args, args.policy)
    stages = policy.stages_named(args.stage, source=args.policy)
    card_arn = policy.card_arn(args.card)
    session = make_session(args.profile, policy.region)
    check_card_account(session, policy, args.policy)
    return policy, card_arn, session, stages


def cmd_ensure(args: argparse.Namespace) -> int:
    policy, card_arn, session, stages = _context(args)
    card = describe_card(session.client("sagemaker", region_name=policy.region), card_arn)
    named = args.model_package
    if named is None and any(stage.model_package_group for stage in stages):
        named = package_arn_from_card(card)
    package = resolve_package(policy, stages, named, card_arn)
    result = ensure_share(
        ram_client(session, policy.region),
        policy,
        card_arn,
        stages=stages,
        prune=args.prune,
        package_group_arn=group_arn_of_package(package) if package else None,
    )
    print_json(result.to_dict())
    for stage in (*result.stages, *result.package_group_stages):
        for line in stage.kept_drift():
            print(
                f"mcgov: warning: stage {stage.stage}: {line}, not named by the policy; re-run with --prune to remove",
                file=sys.stderr,
            )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    policy, card_arn, session, stages = _context(args)
    print_json(share_status(ram_client(session, policy.region), card_arn, stages, policy.policy_id))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    policy, card_arn, session, stages = _context(args)
    deleted = delete_share(ram_client(session, policy.region), policy, card_arn, stages)
    print_json({"card_arn": card_arn, "deleted": deleted})
    return 0
