"""The model-registry options of ``mcgov card publish --embed``, ``mcgov share ensure --model-package`` and
``mcgov gate check --model-package``; the logic is in ``mcgov.steps.registry`` (``embedded``, ``lifecycle``),
``mcgov.steps.share.groups`` and ``mcgov.steps.gate.package``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mcgov import identifiers as ids
from mcgov.errors import BadInputError, exit_code
from mcgov.identifiers import matches
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli._shared import check_card_account, notify, print_json, read_policy
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.service import decision_output
from mcgov.steps.gate.verify import role_arn
from mcgov.steps.notify.entries import gate_decision
from mcgov.steps.registry.embedded import embed_card
from mcgov.steps.registry.lifecycle import gate_package
from mcgov.steps.share.groups import check_package_arn, group_arn_of_package


def check_embed(args: argparse.Namespace) -> None:
    """Before anything is written: ``--embed`` needs ``--model-package`` as a versioned model package ARN of a group
    the policy (``--policy``) names for one of its stages (``model_package_group``), in the card account."""
    package = getattr(args, "model_package", None)
    if not getattr(args, "embed", False):
        return
    if not (package and matches(ids.MODEL_PACKAGE_ARN, package)):
        raise BadInputError(
            "--embed needs --model-package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)",
            field="--embed",
        )
    if not getattr(args, "policy", None):
        raise BadInputError(
            "--embed needs --policy PATH: the card is embedded only in a package of the group the policy names "
            "(model_package_group)",
            field="--embed",
        )
    policy = read_policy(args, args.policy)
    card_arn = policy.card_arn(args.name, field="--name")
    check_package_arn(policy, package)
    group = group_arn_of_package(package).rsplit("/", 1)[-1]
    groups = {stage.package_group_name(card_arn) for stage in policy.stages_named()} - {None}
    if group not in groups:
        named = ", ".join(sorted(g for g in groups if g)) or "none"
        raise BadInputError(
            f"the package's group is not a group the policy names for this card (model_package_group: {named}); "
            "embed the card in a package of that group, or name the group in the policy",
            field="--model-package",
        )


def embed_published(args: argparse.Namespace, sagemaker: Any, published: dict[str, Any]) -> dict[str, Any]:
    """After ``mcgov card publish``: with ``--embed``, write the card into ``--model-package`` (an ARN)."""
    if not getattr(args, "embed", False):
        return published
    check_embed(args)
    package = args.model_package
    result = embed_card(sagemaker, package, CardStore(sagemaker).describe(published["arn"]))
    if result.dropped:
        print(f"mcgov: note: {result.to_dict()['note']}", file=sys.stderr)
    return {**published, "embedded": result.to_dict()}


def cmd_check_package(args: argparse.Namespace) -> int:
    """``mcgov gate check --model-package ARN``: the package gate of one stage, recorded on the package."""
    policy = read_policy(args, args.policy)
    if args.stage is None and len(policy.stages) != 1:
        raise BadInputError(
            f"--stage: the policy has stages {', '.join(policy.stages)}; with --model-package name one with --stage"
        )
    stage = policy.stages_named([args.stage] if args.stage else None, source=args.policy)[0]
    card_arn = policy.card_arn(args.card)
    session = make_session(args.profile, policy.region)
    check_card_account(session, policy, args.policy)
    roles = {a: role_arn(a, args.verify_role, args.role_pattern) for a in stage.accounts} if args.verify_role else None
    decision, package = gate_package(
        session,
        policy,
        stage,
        card_arn,
        args.model_package,
        wait=args.wait,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
        verify_roles=roles,
    )
    notify(session, [gate_decision(policy, {**decision_output(decision), "model_package": package})])
    print_json({**decision.to_dict(), "model_package": package})
    return exit_code(failed=not decision.allowed)
