"""``mcgov card approve``: an approver approves the version they reviewed; the approval is recorded on the card.

Registered into the ``card`` group. Run with the credentials of one of the policy's ``approvers`` in the card
account, naming the reviewed version (``--version``, and optionally its content ``--sha256``): ``mcgov card render``
and ``mcgov card diff`` print both and this command. It always shows the reviewer what changed: on stderr, who wrote
each content version since the last approval (every version, for a first approval) and the diff since the last
approved version; the same in the JSON on stdout. The command composes the two approvals: the card's
(``mcgov.steps.approval``) and the card embedded in its model package, if any (``mcgov.steps.registry.embedded``).
With the policy's ``notifications``, the approval is put on its event bus (``Card Approved``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import replace
from typing import Any

from mcgov.share_policies.models import SharePolicy
from mcgov.steps.approval.service import ApprovalResult, approve_card
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli._shared import notify, print_json, read_policy, session
from mcgov.steps.cli.review import card_commands
from mcgov.steps.notify.entries import Entry, card_approved
from mcgov.steps.registry.embedded import approve_embedded_for_card
from mcgov.steps.review.diff import diff_cards
from mcgov.steps.review.diff_render import diff_to_dict, render_diff_text

_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)


def _version(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 10 and int(text) > 0):
        raise argparse.ArgumentTypeError("not a card version (a positive integer)")
    return int(text)


def _sha256(text: str) -> str:
    if not _SHA256.fullmatch(text):
        raise argparse.ArgumentTypeError("not a sha256 (64 lowercase hexadecimal characters)")
    return text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    approve = card_commands(sub).add_parser(
        "approve", help="approve the reviewed version of a card and record who approved which version and content"
    )
    approve.add_argument("card", metavar="NAME_OR_ARN")
    approve.add_argument("--policy", required=True, metavar="PATH", help="share policy (card account, approvers)")
    approve.add_argument(
        "--version",
        required=True,
        type=_version,
        metavar="N",
        help="the card version you reviewed (`mcgov card render` prints it); refused when the card is at another",
    )
    approve.add_argument(
        "--sha256", type=_sha256, metavar="H", help="the content sha256 you reviewed; refused when it differs"
    )
    approve.add_argument("--note", default="", help="a note kept with the approval (e.g. the review ticket)")
    approve.add_argument(
        "--accept-edits-from",
        action="append",
        default=[],
        metavar="ACCOUNT",
        help="approve content written by this account (or `unidentified`) since the last approval, after reviewing "
        "it; repeat for several",
    )
    approve.set_defaults(func=_approve)


def approve(
    sagemaker: Any,
    sts: Any,
    policy: SharePolicy,
    card_arn: str,
    *,
    version: int,
    sha256: str | None = None,
    note: str = "",
    accept_edits_from: tuple[str, ...] = (),
    kms: Any = None,
) -> ApprovalResult:
    """Approve the card, then the card embedded in its model package (``model_package_details``), if any."""
    result = approve_card(
        sagemaker,
        sts,
        policy,
        card_arn,
        version=version,
        sha256=sha256,
        note=note,
        accept_edits_from=accept_edits_from,
        kms=kms,
    )
    return replace(result, embedded=approve_embedded_for_card(sagemaker, result.card, result.record))


def approval_event(policy: SharePolicy, result: ApprovalResult) -> Entry | None:
    """The ``Card Approved`` event of an approval (None when the policy sets no notifications)."""
    record = result.record
    return card_approved(
        policy,
        result.card_arn,
        version=record.version,
        content_sha256=record.content_sha256,
        approver=record.approver,
        approved_at=record.approved_at,
        signed=bool(record.signature),
    )


def _approve(args: argparse.Namespace) -> int:
    policy = read_policy(args, args.policy)
    card_arn = policy.card_arn(args.card)  # a bad name or another account's ARN: exit 2, no AWS call
    aws = session(args)
    sagemaker = aws.client("sagemaker", region_name=policy.region)
    result = approve(
        sagemaker,
        aws.client("sts", region_name=policy.region),
        policy,
        card_arn,
        version=args.version,
        sha256=args.sha256,
        note=args.note,
        accept_edits_from=tuple(args.accept_edits_from),
        kms=aws.client("kms", region_name=policy.region) if policy.approval_signing_key_arn else None,
    )
    notify(aws, [approval_event(policy, result)])
    output: dict[str, Any] = result.to_dict()
    since = f"since the approval of version {result.previous.version}" if result.previous else "(first approval)"
    print(f"Content writes {since}:", file=sys.stderr)
    for write in result.writes:
        print(f"  {write.line(policy.card_account)}", file=sys.stderr)
    if not result.writes:
        print("  none: the approved content is unchanged", file=sys.stderr)
    if result.previous is not None and result.previous.version != result.record.version:
        store = CardStore(sagemaker)
        old = json.loads(store.describe(result.card_arn, result.previous.version).get("Content") or "{}")
        new = json.loads(result.card.get("Content") or "{}")
        diff = diff_cards(
            old, new, old_label=f"v{result.previous.version} (approved)", new_label=f"v{result.record.version}"
        )
        print(render_diff_text(diff), file=sys.stderr)
        output["changes_since_last_approval"] = diff_to_dict(diff)
    print_json(output)
    return 0
