"""``mcgov card build|validate|publish|show``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mcgov.parsing import CONTENT
from mcgov.steps.card import limits as L
from mcgov.steps.card.io import load_json
from mcgov.steps.card.service import CardSources, build_card, populate_card, publish_content
from mcgov.steps.card.store import CardStore
from mcgov.steps.card.validation import validate_content
from mcgov.steps.cli._shared import check_card_account, print_json, read_policy, session
from mcgov.steps.cli.registry import check_embed, embed_published
from mcgov.steps.common.files import write_atomic
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import delete_share
from mcgov.text import visible_json

PUBLISH_STATUSES = tuple(status for status in L.CARD_STATUSES if status != "Approved")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    card = sub.add_parser("card", help="build, validate, publish and show model cards")
    commands = card.add_subparsers(dest="command", required=True, parser_class=type(card))

    build = commands.add_parser("build", help="build validated card content offline from pipeline outputs")
    _add_source_options(build)
    build.add_argument("--out", help="write the content JSON here instead of stdout")
    build.set_defaults(func=_build)

    validate = commands.add_parser("validate", help="validate a content JSON file")
    validate.add_argument("path")
    validate.set_defaults(func=_validate)

    publish = commands.add_parser("publish", help="create or update a card (no new version when unchanged)")
    publish.add_argument("--name", required=True, help="model card name")
    publish.add_argument("--content", help="a content JSON file (instead of the build options)")
    publish.add_argument(
        "--status",
        type=_publish_status,
        metavar="{" + ",".join(PUBLISH_STATUSES) + "}",
        help="card status to set (a separate API call); approving is a reviewer's act: mcgov card approve",
    )
    publish.add_argument(
        "--policy",
        metavar="PATH",
        help="share policy: publish in its card account and region (the credentials' account is checked first); "
        "with --embed the package must be in a group it names (model_package_group)",
    )
    publish.add_argument("--kms-key-id", help="KMS key to encrypt a new card with (fixed at creation)")
    publish.add_argument(
        "--embed",
        action="store_true",
        help="also write the card into --model-package ARN's ModelCard "
        "(model package model card schema; what does not fit is dropped with a note); needs --policy",
    )
    _add_source_options(publish)
    publish.set_defaults(func=_publish)

    show = commands.add_parser("show", help="describe a card by name or ARN")
    show.add_argument("card", metavar="NAME_OR_ARN")
    show.add_argument("--version", type=int)
    show.set_defaults(func=_show)

    delete = commands.add_parser("delete", help="delete a card (its RAM shares first when --policy is given)")
    delete.add_argument("card", metavar="NAME_OR_ARN")
    delete.add_argument("--policy", metavar="PATH", help="share policy: delete the card's shares first")
    delete.set_defaults(func=_delete)


def _publish_status(text: str) -> str:
    """argparse type of ``publish --status``: a status a publisher may set (Approved is ``mcgov card approve``'s)."""
    if text == "Approved":
        raise argparse.ArgumentTypeError("a card is approved by a reviewer: run mcgov card approve")
    if text not in PUBLISH_STATUSES:
        raise argparse.ArgumentTypeError(f"use one of {', '.join(PUBLISH_STATUSES)}")
    return text


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    job = parser.add_mutually_exclusive_group()
    job.add_argument("--training-job", metavar="PATH", help="DescribeTrainingJob response JSON (path or s3://)")
    job.add_argument("--training-job-name", metavar="NAME", help="read DescribeTrainingJob from SageMaker")
    parser.add_argument(
        "--evaluation",
        metavar="PATH",
        action="append",
        default=[],
        help="evaluation report (path or s3://); repeat for several",
    )
    parser.add_argument("--evaluation-format", metavar="NAME", help="force the report format instead of detecting it")
    parser.add_argument(
        "--model-package", metavar="PATH_OR_ARN", help="DescribeModelPackage JSON or a model package ARN"
    )
    parser.add_argument("--template", metavar="PATH", help="human-written card template (YAML)")
    parser.add_argument("--pipeline-execution-arn", metavar="ARN", help="recorded as provenance")


def _sources(args: argparse.Namespace) -> CardSources:
    return CardSources(
        training_job_path=args.training_job,
        training_job_name=args.training_job_name,
        evaluations=tuple(args.evaluation),
        evaluation_format=args.evaluation_format,
        model_package=args.model_package,
        template=args.template,
        pipeline_execution_arn=args.pipeline_execution_arn,
    )


class _Clients:
    """AWS clients created on first use (their first call), so an offline build needs no credentials and the card
    service checks its inputs (the card name) before any AWS setting is read."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._session: Any = None
        self._clients: dict[str, Any] = {}

    def client(self, name: str) -> Any:
        return _LazyClient(self, name)

    def made(self, name: str) -> Any:
        if name not in self._clients:
            if self._session is None:
                self._session = session(self._args)
            self._clients[name] = self._session.client(name)
        return self._clients[name]


class _LazyClient:
    """A boto3 client made by ``_Clients`` when one of its attributes is first used."""

    def __init__(self, clients: _Clients, name: str) -> None:
        self._clients, self._name = clients, name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._clients.made(self._name), attribute)


def _needs(sources: CardSources, prefix: str) -> bool:
    paths = [sources.training_job_path, sources.template, sources.model_package, *sources.evaluations]
    return any(p and p.startswith(prefix) for p in paths)


def _build(args: argparse.Namespace) -> int:
    sources = _sources(args)
    clients = _Clients(args)
    s3 = clients.client("s3") if _needs(sources, "s3://") else None
    sagemaker = clients.client("sagemaker") if sources.training_job_name or _needs(sources, "arn:") else None
    content = build_card(sources, s3=s3, sagemaker=sagemaker)
    text = visible_json(json.dumps(content, indent=2, ensure_ascii=False)) + "\n"
    if args.out:
        write_atomic(args.out, text)
    else:
        print(text, end="")
    return 0


def _validate(args: argparse.Namespace) -> int:
    content = validate_content(load_json(args.path, limit=CONTENT).data, source=args.path)
    print_json({"valid": True, "path": args.path, "sections": list(content), "content_sha256": content_sha256(content)})
    return 0


def _publish(args: argparse.Namespace) -> int:
    check_embed(args)
    clients = _Clients(args)
    if args.policy:
        policy = read_policy(args, args.policy)
        policy.card_arn(args.name)  # a name the policy's account cannot hold: exit 2, no AWS call
        args.region = policy.region
        check_card_account(session(args), policy, args.policy)
    if args.content:
        content = validate_content(load_json(args.content, limit=CONTENT).data, source=args.content)
        result = publish_content(
            args.name, content, sagemaker=clients.client("sagemaker"), status=args.status, kms_key_id=args.kms_key_id
        )
    else:
        sources = _sources(args)
        s3 = clients.client("s3") if _needs(sources, "s3://") else None
        result = populate_card(
            args.name,
            sources,
            sagemaker=clients.client("sagemaker"),
            s3=s3,
            status=args.status,
            kms_key_id=args.kms_key_id,
        )
    print_json(embed_published(args, clients.client("sagemaker"), result.to_dict()))
    return 0


def _show(args: argparse.Namespace) -> int:
    card = CardStore(session(args).client("sagemaker")).describe(args.card, args.version)
    card.pop("ResponseMetadata", None)
    if isinstance(card.get("Content"), str):
        card["Content"] = json.loads(card["Content"])
    print_json(card)
    return 0


def _delete(args: argparse.Namespace) -> int:
    aws = session(args)
    store = CardStore(aws.client("sagemaker"))
    deleted_shares: list[str] = []
    if args.policy:
        policy = read_policy(args, args.policy)
        card_arn = policy.card_arn(args.card)
        deleted_shares = delete_share(ram_client(aws, policy.region), policy, card_arn)
    card = store.describe(args.card)
    store.delete(card["ModelCardName"])
    print_json({"deleted_card": card["ModelCardArn"], "deleted_shares": deleted_shares})
    return 0
