"""Lambda (pipeline step after an allowed gate): set the model package to Approved.

The approval guard re-checks the gate on the resulting approval event, so an approval that somehow
bypassed the gate is still reverted.
"""
from __future__ import annotations

from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict, Field

from mcgov.steps.handlers.runtime import lambda_entry, parse_event


class ApproveEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_package_arn: str = Field(pattern=r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]+:\d{12}:model-package/.+$")
    card_arn: str | None = None
    stage: str | None = None


@lambda_entry("approve_model_package")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(ApproveEvent, event)
    sagemaker = boto3.client("sagemaker")
    sagemaker.update_model_package(
        ModelPackageArn=request.model_package_arn, ModelApprovalStatus="Approved",
        ApprovalDescription=f"Share gate allowed for stage {request.stage} ({request.card_arn})"[:1024],
    )
    status = sagemaker.describe_model_package(ModelPackageName=request.model_package_arn)["ModelApprovalStatus"]
    return {"model_package_arn": request.model_package_arn, "approval_status": status}
