"""``mcgov policy``: validate a share policy and render the IAM/KMS/RAM documents it implies."""

from __future__ import annotations

import argparse
from typing import Any

from mcgov.share_policies.iam import render_all
from mcgov.share_policies.models import HubSpokePolicy, SharePolicy, Spoke, Stage
from mcgov.steps.cli._shared import print_json, read_policy
from mcgov.steps.cli.output import chosen_output


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("policy", help="validate share policies and render IAM/KMS documents")
    sub = parser.add_subparsers(dest="policy_command", required=True)
    validate = sub.add_parser("validate", help="validate a share-policy YAML file")
    validate.add_argument("path", help="share-policy YAML file")
    validate.set_defaults(func=cmd_validate)
    render = sub.add_parser(
        "render-iam", help="print consumer IAM policies, KMS statements and the read-only RAM permission"
    )
    render.add_argument("--policy", required=True, help="share-policy YAML file")
    render.add_argument("--card", required=True, help="model-card ARN or name (in the policy's account/region)")
    render.add_argument("--stage", help="only this stage (default: every stage)")
    render.add_argument("--kms-key-arn", help="key ARN of the customer KMS key the card is encrypted with")
    render.set_defaults(func=cmd_render_iam)


def cmd_validate(args: argparse.Namespace) -> int:
    """One line saying what the policy does (the default, ``--output text``), or its summary as data."""
    policy = read_policy(args, args.path)
    form = chosen_output("text")
    if form != "text":
        print_json(_summary(args.path, policy), output=form)
        return 0
    stages = ", ".join(
        f"{n} ({len(s.accounts)} account(s), {s.required_card_status}{_assessment(s)})"
        for n, s in policy.stages.items()
    )
    stages += _required_fields(policy)
    if isinstance(policy, HubSpokePolicy):
        print(
            f"{args.path}: valid: policy {policy.policy_id}, hub-and-spoke, hub {policy.hub_account}, {policy.region}; "
            f"{len(policy.spokes)} spoke(s): {', '.join(_spoke(s) for s in policy.spokes)}; "
            f"share back to spokes: {'yes' if policy.share_back_to_spokes else 'no'}; stages: {stages or 'none'}"
        )
        return 0
    print(
        f"{args.path}: valid: policy {policy.policy_id}, card account {policy.card_account}, {policy.region}; "
        f"stages: {stages}"
    )
    return 0


def _summary(path: str, policy: SharePolicy) -> dict[str, Any]:
    """The validated policy as data: its accounts, region and stages (account ids are not secrets)."""
    stages = {
        name: {
            "accounts": list(stage.accounts),
            "required_card_status": stage.required_card_status,
            "require_assessment": stage.require_assessment.model_dump() if stage.require_assessment else None,
        }
        for name, stage in policy.stages.items()
    }
    summary: dict[str, Any] = {"path": path, "valid": True, "region": policy.region, "stages": stages}
    if isinstance(policy, HubSpokePolicy):
        spokes = [s.account for s in policy.spokes]
        return {**summary, "topology": "hub-and-spoke", "hub_account": policy.hub_account, "spokes": spokes}
    return {**summary, "topology": "centralized", "card_account": policy.card_account}


def _assessment(stage: Stage) -> str:
    """``, assessment eu-ai-act-annex-iv >= 0.8`` or nothing."""
    need = stage.require_assessment
    return f", assessment {need.framework} >= {need.min_score:g}" if need else ""


def _required_fields(policy: SharePolicy) -> str:
    """``; required fields for High (3), Medium (1)`` or nothing."""
    table = policy.required_fields_by_risk_rating
    return f"; required fields for {', '.join(f'{r} ({len(p)})' for r, p in table.items())}" if table else ""


def _spoke(spoke: Spoke) -> str:
    """``444444444444`` or ``555555555555 (status Approved, name-prefix fraud-)``."""
    select = [f"status {spoke.select.status}"] if spoke.select.status else []
    select += [f"name-prefix {spoke.select.name_prefix}"] if spoke.select.name_prefix else []
    return f"{spoke.account} ({', '.join(select)})" if select else spoke.account


def cmd_render_iam(args: argparse.Namespace) -> int:
    policy = read_policy(args, args.policy)
    card_arn = policy.card_arn(args.card)
    stages = policy.stages_named([args.stage], source=args.policy) if args.stage else None
    print_json(render_all(policy, card_arn, stages, args.kms_key_arn))
    return 0
