"""``mcgov card render|diff|export``: a card as a page a reviewer reads, what changed between two versions, and
the card as a PDF exported by SageMaker.

Registered into the existing ``card`` group (``steps/cli/card.py``), so these read as ``mcgov card render``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from mcgov.errors import BadInputError
from mcgov.parsing import CONTENT
from mcgov.steps.approval.check import approve_command
from mcgov.steps.approval.exceptions import ApprovalError
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.assess.assessment import assess
from mcgov.steps.assess.framework import load_framework
from mcgov.steps.card.io import load_json
from mcgov.steps.card.store import CardStore
from mcgov.steps.card.validation import validate_content
from mcgov.steps.cli._shared import print_json, session
from mcgov.steps.common.aws import AwsFailure
from mcgov.steps.common.files import write_atomic
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.review.diff import diff_cards
from mcgov.steps.review.diff_render import diff_to_dict, render_diff_markdown, render_diff_text
from mcgov.steps.review.export import (
    CardExporter,
    ExportJob,
    ExportStatus,
    card_name_of,
    check_s3_output,
    check_version,
    check_wait,
    export_job_name,
    job_failed,
)
from mcgov.steps.review.html import render_html
from mcgov.steps.review.markdown import render_markdown
from mcgov.steps.review.view import CardInfo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands = card_commands(sub)

    render = commands.add_parser("render", help="render a card as one self-contained HTML page or GitHub Markdown")
    source = render.add_mutually_exclusive_group(required=True)
    source.add_argument("card", metavar="NAME_OR_ARN", nargs="?", help="a card in SageMaker")
    source.add_argument("--content", metavar="PATH", help="a content JSON file instead of a card in SageMaker")
    render.add_argument("--version", type=int, help="card version (default: latest)")
    render.add_argument("--format", choices=("html", "markdown"), default="html")
    render.add_argument("--out", metavar="PATH", help="write here instead of stdout")
    render.add_argument(
        "--policy", metavar="PATH", help="the share policy to name in the approve command the page shows"
    )
    render.add_argument(
        "--diff-from",
        metavar="VERSION_OR_PATH",
        help="add the changes since this version of the card (or this content JSON file)",
    )
    render.add_argument(
        "--framework",
        metavar="NAME",
        help="add a coverage section: the card assessed against this framework (`mcgov card assess --list-frameworks`)",
    )
    render.set_defaults(func=_render)

    diff = commands.add_parser("diff", help="what changed between two card versions or two content files")
    diff.add_argument(
        "cards",
        metavar="OLD NEW | NAME_OR_ARN",
        nargs="+",
        help="two content JSON files, or one card name/ARN with --from",
    )
    diff.add_argument("--from", dest="from_version", type=int, metavar="N", help="old version of the card")
    diff.add_argument("--to", dest="to_version", type=int, metavar="M", help="new version (default: latest)")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    diff.add_argument("--out", metavar="PATH", help="write here instead of stdout")
    diff.add_argument("--policy", metavar="PATH", help="the share policy to name in the approve command printed")
    diff.set_defaults(func=_diff)

    export = commands.add_parser(
        "export", help="export a card to PDF in S3 through SageMaker (CreateModelCardExportJob)"
    )
    export.add_argument("card", metavar="NAME_OR_ARN", help="a card of this account, or another account's card by ARN")
    export.add_argument("--s3-output", required=True, metavar="S3_URI", help="where SageMaker writes the PDF")
    export.add_argument("--version", type=int, help="card version (default: latest)")
    export.add_argument(
        "--wait",
        default="600",
        metavar="SECONDS",
        help="wait up to this long for the PDF (0: start the job and print it; at most 3600)",
    )
    export.set_defaults(func=_export)


def card_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The sub-command list of the ``card`` group, created when no other module registered it."""
    card = sub.choices.get("card") or sub.add_parser("card", help="model cards")
    for action in card._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return card.add_subparsers(dest="command", required=True, parser_class=type(card))


class _Cards:
    """Reads cards from SageMaker, creating the client on first use (a content file needs no credentials)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._client: Any = None

    def _sagemaker(self) -> Any:
        if self._client is None:
            self._client = session(self._args).client("sagemaker")
        return self._client

    def read(self, name_or_arn: str, version: int | None) -> tuple[dict[str, Any], Any]:

        described = CardStore(self._sagemaker()).describe(name_or_arn, version)
        where = f"{name_or_arn} version {described.get('ModelCardVersion', version or 'latest')}"
        content = described.get("Content")
        try:
            content = json.loads(content) if isinstance(content, str) else content
        except json.JSONDecodeError as exc:
            raise BadInputError(f"card content is not JSON: {exc.msg}", source=where) from None
        if not isinstance(content, dict):
            raise BadInputError("card content is not a JSON object", source=where)
        modified: Any = described.get("LastModifiedTime")
        info = CardInfo(
            name=described.get("ModelCardName"),
            arn=described.get("ModelCardArn"),
            version=described.get("ModelCardVersion"),
            status=described.get("ModelCardStatus"),
            last_modified=modified.isoformat() if hasattr(modified, "isoformat") else modified,
        )
        return content, info

    def with_approval(self, info: Any) -> Any:
        """``info`` with the card's approval record (its tags), or why it could not be read: a consumer account
        may not list another account's tags, and the page then says the approval is unknown."""
        try:
            return replace(info, approval=ApprovalStore(self._sagemaker()).read(info.arn))
        except ApprovalError as exc:  # the code only: an AWS message may echo the caller's input
            failure = exc.failure
            code = failure.code if isinstance(failure, AwsFailure) else "an error"
            return replace(info, approval_error=f"sagemaker ListTags failed with {code}")


def _content_file(path: str) -> dict[str, Any]:

    return validate_content(load_json(path, limit=CONTENT).data, source=path)


def _label(info: Any) -> str:
    return f"{info.name or info.arn} v{info.version}" if info.version is not None else str(info.name or info.arn)


def _render(args: argparse.Namespace) -> int:

    framework = load_framework(args.framework) if args.framework else None  # a bad name fails before any read
    cards = _Cards(args)
    if args.content:
        if args.version is not None:
            raise BadInputError("--version applies to a card in SageMaker, not to --content")
        content, info, label = _content_file(args.content), CardInfo(), args.content
    else:
        content, info = cards.read(args.card, args.version)
        label = _label(info)
    diff = None
    if args.diff_from:
        if args.diff_from.isdigit():
            if args.content:
                raise BadInputError("--diff-from VERSION needs a card name or ARN; with --content give a content file")
            old, old_info = cards.read(args.card, int(args.diff_from))
            old_label = _label(old_info)
        else:
            old, old_label = _content_file(args.diff_from), args.diff_from
        diff = diff_cards(old, content, old_label=old_label, new_label=label)
    if not args.content:
        info = replace(cards.with_approval(info), policy=args.policy)
    renderer = render_html if args.format == "html" else render_markdown
    assessment = assess(content, framework) if framework is not None else None
    _emit(args.out, renderer(content, info=info, diff=diff, generated_at=datetime.now(UTC), assessment=assessment))
    return 0


def _diff(args: argparse.Namespace) -> int:

    approve: dict[str, Any] | None = None
    if len(args.cards) == 2:
        if args.from_version is not None or args.to_version is not None:
            raise BadInputError("--from/--to apply to one card name or ARN, not to two content files")
        (old_path, new_path) = args.cards
        diff = diff_cards(_content_file(old_path), _content_file(new_path), old_label=old_path, new_label=new_path)
    elif len(args.cards) == 1:
        if args.from_version is None:
            raise BadInputError("give two content files, or one card name or ARN with --from N")
        cards = _Cards(args)
        old, old_info = cards.read(args.cards[0], args.from_version)
        new, new_info = cards.read(args.cards[0], args.to_version)
        diff = diff_cards(old, new, old_label=_label(old_info), new_label=_label(new_info))
        approve = _approve_hint(new_info, content_sha256(new), args.policy)
    else:
        raise BadInputError("give two content files, or one card name or ARN with --from N")
    if args.format == "json":
        data = {**diff_to_dict(diff), **({"approve": approve} if approve else {})}
        if args.out:
            write_atomic(args.out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            print_json(data)
        return 0
    text = render_diff_text(diff) if args.format == "text" else render_diff_markdown(diff)
    if approve:
        line = f"To approve {approve['card']} version {approve['version']} (content sha256 {approve['content_sha256']})"
        command = approve["command"]
        text += f"\n{line} after review:\n  {command}\n" if args.format == "text" else f"\n{line}:\n\n    {command}\n"
    _emit(args.out, text)
    return 0


def _approve_hint(info: CardInfo, sha256: str, policy: str | None) -> dict[str, Any] | None:
    """The version and content a reviewer of this diff would approve, and the exact command."""
    card = info.name or info.arn
    if card is None or info.version is None:
        return None
    return {
        "card": card,
        "version": info.version,
        "content_sha256": sha256,
        "command": approve_command(card, info.version, sha256, policy),
    }


def _emit(output: str | None, text: str) -> None:
    if output:
        write_atomic(output, text)
    else:
        print(text, end="")


def _export(args: argparse.Namespace) -> int:

    wait = check_wait(args.wait)
    s3_output = check_s3_output(args.s3_output)
    version = check_version(args.version)
    name = card_name_of(args.card)
    exporter = CardExporter(session(args).client("sagemaker"))
    version = exporter.resolve_version(args.card, version)
    job_name = export_job_name(name, version, salt=datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f"))
    arn = exporter.start(args.card, s3_output, version=version, job_name=job_name)
    print(f"mcgov: export job {job_name} started", file=sys.stderr)

    def progress(job: ExportJob, elapsed: float) -> None:
        print(f"mcgov: export job {job.name}: {job.status.value} after {elapsed:.0f} s", file=sys.stderr)

    if wait == 0:
        job = exporter.describe(arn)
        if job.status is ExportStatus.FAILED:
            raise job_failed(job)
    else:
        job = exporter.wait(arn, wait, progress=progress)
    print_json(job.to_dict())
    return 0
