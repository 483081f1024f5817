"""Records of the model registry passed between modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mcgov.steps.registry.exceptions import RegistryError


class ApprovalStatus(StrEnum):
    """``ModelApprovalStatus`` of a model package."""

    APPROVED = "Approved"
    REJECTED = "Rejected"
    PENDING_MANUAL_APPROVAL = "PendingManualApproval"


CARD_STATUSES = ("Draft", "PendingReview", "Approved", "Archived")


@dataclass(frozen=True)
class EmbeddedCard:
    """``ModelCard`` of a model package (botocore shape ``ModelPackageModelCard``): content text and status."""

    content: str | None
    status: str | None

    @classmethod
    def from_wire(cls, value: Any) -> EmbeddedCard | None:
        if not isinstance(value, Mapping):
            return None
        status = value.get("ModelCardStatus")
        if status is not None and status not in CARD_STATUSES:
            raise RegistryError(
                f"unknown embedded ModelCardStatus {status!r}; expected one of "
                f"{', '.join(CARD_STATUSES)} (upgrade model-card-governance)"
            )
        content = value.get("ModelCardContent")
        return cls(content=content if isinstance(content, str) else None, status=status)


@dataclass(frozen=True)
class LifeCycle:
    """``ModelLifeCycle`` of a model package: ``Stage`` and ``StageStatus`` (botocore ``EntityName``, 1-63
    characters), ``StageDescription`` (at most 1,024)."""

    stage: str
    stage_status: str
    stage_description: str | None = None

    @classmethod
    def from_wire(cls, value: Any) -> LifeCycle | None:
        if not isinstance(value, Mapping) or not value.get("Stage"):
            return None
        return cls(
            stage=str(value["Stage"]),
            stage_status=str(value.get("StageStatus") or ""),
            stage_description=value.get("StageDescription"),
        )

    def to_wire(self) -> dict[str, str]:
        out = {"Stage": self.stage, "StageStatus": self.stage_status}
        if self.stage_description is not None:
            out["StageDescription"] = self.stage_description
        return out


@dataclass(frozen=True)
class ModelPackage:
    """What governance reads of a DescribeModelPackage response."""

    arn: str
    group_name: str | None
    version: int | None
    approval_status: ApprovalStatus | None
    approval_description: str | None
    model_card: EmbeddedCard | None = None
    lifecycle: LifeCycle | None = None

    @property
    def group_arn(self) -> str | None:
        """``arn:...:model-package-group/<group>`` of a versioned package (None for an unversioned one)."""
        head, sep, rest = self.arn.partition(":model-package/")
        group = rest.split("/")[0] if sep and "/" in rest else None
        return f"{head}:model-package-group/{group}" if group else None

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> ModelPackage:
        status = response.get("ModelApprovalStatus")
        try:
            approval = ApprovalStatus(status) if status else None
        except ValueError:
            raise RegistryError(
                f"model package {response.get('ModelPackageArn')}: unknown ModelApprovalStatus {status!r}; "
                f"expected one of {', '.join(s.value for s in ApprovalStatus)} (upgrade model-card-governance)"
            ) from None
        version = response.get("ModelPackageVersion")
        return cls(
            arn=str(response["ModelPackageArn"]),
            group_name=response.get("ModelPackageGroupName"),
            version=int(version) if version is not None else None,
            approval_status=approval,
            approval_description=response.get("ApprovalDescription"),
            model_card=EmbeddedCard.from_wire(response.get("ModelCard")),
            lifecycle=LifeCycle.from_wire(response.get("ModelLifeCycle")),
        )
