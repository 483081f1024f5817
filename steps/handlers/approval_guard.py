"""Lambda on EventBridge "SageMaker Model Package State Change": revert approvals the gate does not allow.

When a model package becomes Approved, the handler finds its card (the package tag ``mcgov:model-card``,
else a card named like the package group), checks the gate for ``MCGOV_APPROVAL_STAGE`` (default
``staging``) and, if the card is not shared and associated there, sets the package back to
PendingManualApproval with the gate's reason in ApprovalDescription. It re-reads the package first, so
duplicate or stale events are harmless.
"""
from __future__ import annotations

import os
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict, Field

from mcgov.steps.card.store import CardStore
from mcgov.steps.gate import decision_output
from mcgov.steps.handlers.check_gate import check
from mcgov.steps.handlers.config import APPROVAL_STAGE_ENV
from mcgov.steps.handlers.runtime import lambda_entry, parse_event
from mcgov.steps.registry import ApprovalStatus, ModelPackage, ModelPackageNotFoundError, ModelPackageStore

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
    return guard(boto3.Session(), change.detail.ModelPackageArn, os.environ.get(APPROVAL_STAGE_ENV, "staging"))


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
    if card is None:
        decision_reason = (f"no model card found for {package_arn}: tag the package with {CARD_TAG}=<card name or ARN> "
                           "or name the card like the model package group")
        allowed = False
    else:
        decision = decision_output(check(card, stage, 0, session=session))
        allowed, decision_reason = decision["allowed"], decision["reason"]
        out["card"] = card
    if allowed:
        return {**out, "action": "kept", "reason": "gate allowed"}
    packages.set_approval(package_arn, ApprovalStatus.PENDING_MANUAL_APPROVAL,
                          f"Reverted by model-card governance: {decision_reason}")
    return {**out, "action": "reverted", "reason": decision_reason}


def find_card(packages: ModelPackageStore, cards: CardStore, package: ModelPackage) -> str | None:
    """The card for a package: its ``mcgov:model-card`` tag, else a card named like its group.

    Only "not found" means no card; throttling and other failures propagate as typed (retryable) errors.
    """
    try:
        tags = packages.tags(package.arn)
    except ModelPackageNotFoundError:
        tags = {}
    if tags.get(CARD_TAG):
        return tags[CARD_TAG]
    if package.group_name and cards.find(package.group_name) is not None:
        return package.group_name
    return None
