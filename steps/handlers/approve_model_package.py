"""Lambda (pipeline step after an allowed gate): set the model package to Approved.

The approval guard re-checks the gate on the resulting approval event, so an approval that somehow
bypassed the gate is still reverted.
"""
from __future__ import annotations

from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict, Field

from mcgov.steps.handlers.runtime import lambda_entry, parse_event
from mcgov.steps.registry import ApprovalStatus, ModelPackageStore


class ApproveEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_package_arn: str = Field(pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]+:\d{12}:model-package/.+$")
    card_arn: str | None = None
    stage: str | None = None


@lambda_entry("approve_model_package")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(ApproveEvent, event)
    packages = ModelPackageStore(boto3.client("sagemaker"))
    packages.set_approval(request.model_package_arn, ApprovalStatus.APPROVED,
                          f"Share gate allowed for stage {request.stage} ({request.card_arn})")
    status = packages.describe(request.model_package_arn).approval_status
    return {"model_package_arn": request.model_package_arn, "approval_status": status.value if status else None}
