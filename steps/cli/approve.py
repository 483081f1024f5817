"""``mcgov card approve``: a reviewer approves the card's current version; the approval is recorded on the card.

Registered into the ``card`` group. Run with card-account credentials. Prints the approval record and, when
the card was approved before, what changed since that approved version (the diff the reviewer signed off).
The command composes the two approvals: the card's (``mcgov.steps.approval``) and the card embedded in its
model package, if any (``mcgov.steps.registry.embedded``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any

from mcgov.share_policies.models import SharePolicy
from mcgov.steps.approval.service import ApprovalResult, approve_card
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli._shared import print_json, read_policy, session
from mcgov.steps.cli.review import card_commands
from mcgov.steps.registry.embedded import approve_embedded_for_card
from mcgov.steps.review.diff import diff_cards
from mcgov.steps.review.diff_render import diff_to_dict, render_diff_text


def register(sub: argparse._SubParsersAction) -> None:
    approve = card_commands(sub).add_parser(
        "approve", help="approve the card's current version and record who approved which version and content"
    )
    approve.add_argument("card", metavar="NAME_OR_ARN")
    approve.add_argument("--policy", required=True, metavar="PATH", help="share policy (names the card account)")
    approve.add_argument("--note", default="", help="a note kept with the approval (e.g. the review ticket)")
    approve.set_defaults(func=_approve)


def approve(sagemaker: Any, sts: Any, policy: SharePolicy, card_arn: str, *, note: str = "") -> ApprovalResult:
    """Approve the card, then the card embedded in its model package (``model_package_details``), if any."""
    result = approve_card(sagemaker, sts, policy, card_arn, note=note)
    return replace(result, embedded=approve_embedded_for_card(sagemaker, result.card, result.record))


def _approve(args: argparse.Namespace) -> int:
    policy = read_policy(args, args.policy)
    card_arn = policy.card_arn(args.card)  # a bad name or another account's ARN: exit 2, no AWS call
    aws = session(args)
    sagemaker = aws.client("sagemaker", region_name=policy.region)
    result = approve(sagemaker, aws.client("sts", region_name=policy.region), policy, card_arn, note=args.note)
    output: dict[str, Any] = result.to_dict()
    if result.previous is not None and result.previous.version != result.record.version:
        store = CardStore(sagemaker)
        old = json.loads(store.describe(result.card_arn, result.previous.version).get("Content") or "{}")
        new = json.loads(store.describe(result.card_arn, result.record.version).get("Content") or "{}")
        diff = diff_cards(
            old, new, old_label=f"v{result.previous.version} (approved)", new_label=f"v{result.record.version}"
        )
        print(render_diff_text(diff), file=sys.stderr)
        output["changes_since_last_approval"] = diff_to_dict(diff)
    print_json(output)
    return 0
