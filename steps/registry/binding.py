"""Is this model package the card's, for this stage? The binding ``gate check --model-package`` and the approval guard
require before a package can pass, checked on what SageMaker says, never on the package's tags.

A package passes only when (pure checks first, then the card's gate):

1. its group (DescribeModelPackage ``ModelPackageGroupName``) is the group the policy names for the stage:
   ``model_package_group: <name>``, or ``true`` for the group named like the card (``PolicyStage.package_group_name``);
   a stage naming no group promotes no package;
2. its embedded card (``ModelCard``) was made from this card: ``mcgov.card.arn`` is the card's ARN;
3. the embedded card holds the card's approved content: its ``mcgov.card.content_sha256`` is the approval record's
   sha256 for a stage requiring Approved, else the card's current content sha256;
4. the card's gate allows the stage, with the group share for the stage (``mcgov.steps.gate.package``).

Package tags, ``mcgov:approval:*`` included, are never read: anyone who may tag a package could write them. A package
failing (1) or (2) is not this card's: the gate writes nothing to it (no ``ModelLifeCycle``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.gate.decision import Decision
from mcgov.steps.gate.package import add_problems, check_package_once
from mcgov.steps.registry.models import ModelPackage
from mcgov.steps.registry.provenance import PROVENANCE_CARD_ARN, PROVENANCE_SHA256, provenance


def identity_problem(stage: PolicyStage, card_arn: str, package: ModelPackage) -> str | None:
    """Why ``package`` is not the card's package for ``stage`` (group, embedded card's source), or None (pure)."""
    card_name = card_arn.rsplit("/", 1)[-1]
    group = stage.package_group_name(card_arn)
    if group is None:
        return (
            f"Stage {stage.name} names no model package group, so it promotes no model package; set "
            f"model_package_group: true (the group named {card_name}) or the group's name on the stage."
        )
    if package.group_name != group:
        return (
            f"Model package {package.arn} is in group {package.group_name or 'none'}, not {group}, the group the "
            f"policy names for stage {stage.name}; promote a package of {group}."
        )
    recorded = provenance(package.model_card).get(PROVENANCE_CARD_ARN)
    if recorded is None:
        return (
            f"Model package {package.arn} carries no card embedded from {card_arn}; run `mcgov card publish --name "
            f"{card_name} --embed --model-package {package.arn} --policy ...`."
        )
    if recorded != card_arn:
        return (
            f"The card embedded in model package {package.arn} was made from another card, not {card_arn}; "
            "embed this card in it (`mcgov card publish --embed`) or promote the other card's package."
        )
    return None


def content_problem(stage: PolicyStage, decision: Decision, package: ModelPackage) -> str | None:
    """Why the embedded card does not hold the content the gate checked (approved content for an Approved stage)."""
    approved = (decision.approval or {}).get("content_sha256") if stage.required_card_status == "Approved" else None
    expected = approved or decision.card.get("content_sha256")
    embedded = provenance(package.model_card).get(PROVENANCE_SHA256)
    if expected and embedded == expected:
        return None
    what = "approved" if approved else "current"
    return (
        f"The card embedded in model package {package.arn} does not hold the card's {what} content (sha256 "
        f"{expected or 'unknown'}); re-run `mcgov card publish --embed` for this package, or promote a package "
        "built from the reviewed card."
    )


def check_bound_package_once(
    ram: Any,
    sagemaker: Any,
    policy: SharePolicy,
    stage: PolicyStage,
    card_arn: str,
    package: ModelPackage,
    now: datetime,
    kms: Any = None,
) -> Decision:
    """One evaluation of the package gate with the binding: identity, the card's gate and group share, content."""
    decision = check_package_once(ram, sagemaker, policy, stage, card_arn, package.arn, now, kms)
    problem = identity_problem(stage, card_arn, package) or content_problem(stage, decision, package)
    return add_problems(decision, [problem] if problem else [], [])
