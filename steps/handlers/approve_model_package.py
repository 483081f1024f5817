"""Lambda (pipeline step after an allowed gate): set the model package to Approved.

The approval guard re-checks the gate on the resulting approval event, so an approval that somehow
bypassed the gate is still reverted.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from mcgov import identifiers as ids
from mcgov.steps.common.aws import make_session
from mcgov.steps.handlers.runtime import lambda_entry, parse_event
from mcgov.steps.registry.models import ApprovalStatus
from mcgov.steps.registry.store import ModelPackageStore


class ApproveEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_package_arn: str
    card_arn: str | None = None
    stage: str | None = None

    @field_validator("model_package_arn")
    @classmethod
    def _package_arn(cls, value: str) -> str:
        # the shared ASCII fullmatch pattern: a pydantic ``pattern`` lets Unicode digits (``\d``) through
        if not ids.matches(ids.MODEL_PACKAGE_ARN, value, 2048):
            raise ValueError(
                "not a versioned model package ARN (arn:aws:sagemaker:<region>:<account>:"
                "model-package/<group>/<version>)"
            )
        return value


@lambda_entry("approve_model_package")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(ApproveEvent, event)
    packages = ModelPackageStore(make_session().client("sagemaker"))
    packages.set_approval(
        request.model_package_arn,
        ApprovalStatus.APPROVED,
        f"Share gate allowed for stage {request.stage} ({request.card_arn})",
    )
    status = packages.describe(request.model_package_arn).approval_status
    return {"model_package_arn": request.model_package_arn, "approval_status": status.value if status else None}
