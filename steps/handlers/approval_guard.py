"""Lambda on EventBridge "SageMaker Model Package State Change": revert approvals the gate does not allow.

When a model package becomes Approved, the handler checks the package gate of ``MCGOV_APPROVAL_STAGE`` (default
``staging``) for it and, unless it allows, sets the package back to PendingManualApproval with the reason in
ApprovalDescription. It re-reads the package first, so duplicate or stale events are harmless.

The package's card is the one its embedded card was made from (``mcgov.card.arn``, written by ``mcgov card publish
--embed``), in the policy's card account. The package is kept only when it is bound to that card for the stage
(``mcgov.steps.registry.binding``): in the group the policy names for the stage, its embedded card holding the
card's approved (or, below Approved, current) content, and the card shared and ASSOCIATED for the stage, with a
reviewed approval where the stage requires one. Everything else is reverted: a package with no embedded card, one
in another group, an embedded card alone (shared nowhere). Package tags are never evidence. A revert is put on the
policy's ``notifications`` bus as ``Package Approval Reverted``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mcgov.errors import BadInputError
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.service import kms_client
from mcgov.steps.handlers.config import APPROVAL_STAGE_ENV, load_runtime_policy
from mcgov.steps.handlers.runtime import lambda_entry, notify, parse_event, record_guard_revert
from mcgov.steps.notify.entries import package_reverted
from mcgov.steps.registry.binding import check_bound_package_once
from mcgov.steps.registry.models import ApprovalStatus, ModelPackage
from mcgov.steps.registry.provenance import PROVENANCE_CARD_ARN, provenance
from mcgov.steps.registry.store import ModelPackageStore
from mcgov.steps.share.client import ram_client

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
    """Keep the approval if the package gate allows ``stage``; otherwise revert it with the gate's reason."""
    sagemaker = session.client("sagemaker")
    packages = ModelPackageStore(sagemaker)
    package = packages.describe(package_arn)
    out: dict[str, Any] = {"model_package_arn": package_arn, "stage": stage}
    if package.approval_status is not ApprovalStatus.APPROVED:
        status = package.approval_status.value if package.approval_status else None
        return {**out, "action": "ignored", "reason": f"package is {status} now (duplicate or stale event)"}
    policy = load_runtime_policy()
    resolved = policy.stage(stage, source=APPROVAL_STAGE_ENV)
    card_arn = bound_card(policy, package)
    if card_arn is None:
        allowed, reason = (
            False,
            (
                f"{package_arn} carries no card embedded from a model card of the policy's card account "
                f"{policy.card_account}: embed the reviewed card (`mcgov card publish --embed --model-package ... "
                "--policy ...`) and approve the package again"
            ),
        )
    else:
        out["card"] = card_arn
        decision = check_bound_package_once(
            ram_client(session, policy.region),
            sagemaker,
            policy,
            resolved,
            card_arn,
            package,
            datetime.now(UTC),
            kms_client(session, policy),
        )
        allowed, reason = decision.allowed, " ".join(decision.reasons)
    if allowed:
        return {**out, "action": "kept", "reason": "gate allowed"}
    packages.set_approval(
        package_arn, ApprovalStatus.PENDING_MANUAL_APPROVAL, f"Reverted by model-card governance: {reason}"
    )
    record_guard_revert()
    notify(session, [package_reverted(policy, package_arn, card_arn, stage, reason)])
    return {**out, "action": "reverted", "reason": reason}


def bound_card(policy: SharePolicy, package: ModelPackage) -> str | None:
    """The card the package's embedded card was made from, when it is a card of the policy's card account."""
    recorded = provenance(package.model_card).get(PROVENANCE_CARD_ARN)
    try:
        return policy.card_arn(recorded, source=package.arn, field=PROVENANCE_CARD_ARN) if recorded else None
    except BadInputError:
        return None
