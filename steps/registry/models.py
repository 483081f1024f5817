"""Records of the model registry passed between modules."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mcgov.steps.registry.exceptions import UnexpectedResponseError


class ApprovalStatus(str, Enum):
    """``ModelApprovalStatus`` of a model package."""

    APPROVED = "Approved"
    REJECTED = "Rejected"
    PENDING_MANUAL_APPROVAL = "PendingManualApproval"


@dataclass(frozen=True)
class ModelPackage:
    """What governance reads of a DescribeModelPackage response."""

    arn: str
    group_name: str | None
    version: int | None
    approval_status: ApprovalStatus | None
    approval_description: str | None

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> ModelPackage:
        status = response.get("ModelApprovalStatus")
        try:
            approval = ApprovalStatus(status) if status else None
        except ValueError:
            raise UnexpectedResponseError(
                f"model package {response.get('ModelPackageArn')}: unknown ModelApprovalStatus {status!r}; "
                f"expected one of {', '.join(s.value for s in ApprovalStatus)} (upgrade model-card-governance)"
            ) from None
        version = response.get("ModelPackageVersion")
        return cls(arn=str(response["ModelPackageArn"]), group_name=response.get("ModelPackageGroupName"),
                   version=int(version) if version is not None else None, approval_status=approval,
                   approval_description=response.get("ApprovalDescription"))
