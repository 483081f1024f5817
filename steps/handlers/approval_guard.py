"""Lambda on EventBridge "SageMaker Model Package State Change": revert approvals the gate does not allow.

When a model package becomes Approved, the handler finds the package's card, checks the gate for
``MCGOV_APPROVAL_STAGE`` (default ``staging``) and, if the card is not shared and associated there, sets the
package back to PendingManualApproval with the gate's reason in ApprovalDescription. It re-reads the package
first, so duplicate or stale events are harmless.

The package's card, in this order of precedence (``find_card``):

1. the card named by the package tag ``mcgov:model-card`` (an explicit choice wins);
2. the standalone card the package's embedded card was made from (its ``mcgov.card.arn``);
3. a standalone card named like the package group;
4. the embedded card alone (no standalone card): kept only when its status meets the stage's requirement (an
   Approved one with the approval record ``mcgov card approve`` leaves on the package) and the stage does not
   need a shared model package group (group shares are made per standalone card).

Either way an unsafe approval is reverted: with a standalone card, an embedded card beside it must hold that
card's current content (``mcgov.card.content_sha256``) and, when Approved, carry a matching approval record.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mcgov.share_policies.models import PolicyStage, status_meets
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.aws import make_session
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.gate.service import check, decision_output
from mcgov.steps.handlers.config import APPROVAL_STAGE_ENV, load_runtime_policy
from mcgov.steps.handlers.runtime import lambda_entry, parse_event, record_guard_revert
from mcgov.steps.registry.exceptions import ModelPackageNotFoundError
from mcgov.steps.registry.models import ApprovalStatus, ModelPackage
from mcgov.steps.registry.provenance import (
    PROVENANCE_CARD_ARN,
    PROVENANCE_SHA256,
    embedded_approval_problem,
    provenance,
)
from mcgov.steps.registry.store import ModelPackageStore

CARD_TAG = "mcgov:model-card"
DETAIL_TYPE = "SageMaker Model Package State Change"


class PackageDetail(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ModelPackageArn: str
    ModelApprovalStatus: str | None = None
    ModelPackageGroupName: str | None = None


class PackageStateChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    detail_type: str = Field(alias="detail-type")
    detail: PackageDetail


@lambda_entry("approval_guard")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    change = parse_event(PackageStateChange, event)
    if change.detail_type != DETAIL_TYPE or change.detail.ModelApprovalStatus != ApprovalStatus.APPROVED.value:
        return {"action": "ignored", "reason": "not an approval", "model_package_arn": change.detail.ModelPackageArn}
    return guard(make_session(), change.detail.ModelPackageArn, os.environ.get(APPROVAL_STAGE_ENV, "staging"))


def guard(session: Any, package_arn: str, stage: str) -> dict[str, Any]:
    """Keep the approval if the gate allows ``stage``; otherwise revert it with the gate's reason."""
    sagemaker = session.client("sagemaker")
    packages = ModelPackageStore(sagemaker)
    package = packages.describe(package_arn)
    out = {"model_package_arn": package_arn, "stage": stage}
    if package.approval_status is not ApprovalStatus.APPROVED:
        status = package.approval_status.value if package.approval_status else None
        return {**out, "action": "ignored", "reason": f"package is {status} now (duplicate or stale event)"}
    card = find_card(packages, CardStore(sagemaker), package)
    if card is None and package.model_card is not None:
        resolved = load_runtime_policy().stage(stage, source=APPROVAL_STAGE_ENV)
        allowed, decision_reason = _embedded_only(packages, package, resolved)
        out["card"] = "embedded"
    elif card is None:
        decision_reason = (
            f"no model card found for {package_arn}: tag the package with {CARD_TAG}=<card name or ARN>, "
            "embed the card (`mcgov card publish --embed`) or name the card like the model package group"
        )
        allowed = False
    else:
        policy = load_runtime_policy()
        resolved = policy.stage(stage, source=APPROVAL_STAGE_ENV)
        card_arn = policy.card_arn(card, source=package_arn, field="card")
        decision = decision_output(check(policy, card_arn, resolved, 0, session=session))
        allowed, decision_reason = decision["allowed"], decision["reason"]
        problem = _embedded_problem(packages, package, CardStore(sagemaker).describe(card)) if allowed else None
        if problem:
            allowed, decision_reason = False, problem
        out["card"] = card
    if allowed:
        return {**out, "action": "kept", "reason": "gate allowed"}
    packages.set_approval(
        package_arn, ApprovalStatus.PENDING_MANUAL_APPROVAL, f"Reverted by model-card governance: {decision_reason}"
    )
    record_guard_revert()
    return {**out, "action": "reverted", "reason": decision_reason}


def find_card(packages: ModelPackageStore, cards: CardStore, package: ModelPackage) -> str | None:
    """The standalone card for a package: its ``mcgov:model-card`` tag, else the card its embedded card was made
    from, else a card named like its group (the module docstring gives the whole precedence).

    Only "not found" means no card; throttling and other failures propagate as typed (retryable) errors.
    """
    try:
        tags = packages.tags(package.arn)
    except ModelPackageNotFoundError:
        tags = {}
    if tags.get(CARD_TAG):
        return tags[CARD_TAG]
    embedded_from = provenance(package.model_card).get(PROVENANCE_CARD_ARN)
    if embedded_from and cards.find(embedded_from) is not None:
        return embedded_from
    if package.group_name and cards.find(package.group_name) is not None:
        return package.group_name
    return None


def _embedded_problem(packages: ModelPackageStore, package: ModelPackage, card: dict[str, Any]) -> str | None:
    """Why the card embedded beside the standalone ``card`` makes the approval unsafe (None when it does not)."""
    if package.model_card is None:
        return None
    recorded = provenance(package.model_card)
    current = content_sha256(card.get("Content") or "{}")
    if recorded.get(PROVENANCE_SHA256) != current:
        return (
            f"the card embedded in {package.arn} does not hold the current content of {card.get('ModelCardArn')} "
            "(re-run `mcgov card publish --embed`)"
        )
    return embedded_approval_problem(package, packages.tags(package.arn))


def _embedded_only(packages: ModelPackageStore, package: ModelPackage, stage: PolicyStage) -> tuple[bool, str]:
    """The guard's verdict on a package whose only card is the embedded one."""
    status = package.model_card.status if package.model_card else None
    if stage.model_package_group:
        return False, (
            f"stage {stage.name} needs the model package group shared beside a standalone card, and {package.arn} "
            "has only an embedded card; publish the card and run `mcgov share ensure --model-package ...`"
        )
    if not status_meets(str(status), stage.required_card_status):
        return (
            False,
            f"the card embedded in {package.arn} is {status}, below {stage.required_card_status} for {stage.name}",
        )
    problem = embedded_approval_problem(package, packages.tags(package.arn))
    return (False, problem) if problem else (True, "gate allowed (embedded card)")
