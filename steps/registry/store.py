"""Thin adapter over the SageMaker model-package API (an injected boto3 ``sagemaker`` client).

Every botocore error leaves as a ``RegistryError`` classified by ``mcgov.steps.common.aws``.
"""

from __future__ import annotations

from typing import Any

from mcgov.steps.common.aws import AwsErrorKind, AwsFailure, aws_errors
from mcgov.steps.registry.exceptions import ModelPackageNotFoundError, RegistryError
from mcgov.steps.registry.models import ApprovalStatus, LifeCycle, ModelPackage

APPROVAL_DESCRIPTION_MAX = 1024
STAGE_DESCRIPTION_MAX = 1024


class ModelPackageStore:
    """Model packages in one account and region."""

    def __init__(self, sagemaker_client: Any) -> None:
        self._sm = sagemaker_client

    def describe(self, arn: str) -> ModelPackage:
        """DescribeModelPackage."""
        with aws_errors("sagemaker", "DescribeModelPackage", lambda f: _error(f, arn)):
            response = self._sm.describe_model_package(ModelPackageName=arn)
        return ModelPackage.from_response(response)

    def set_approval(self, arn: str, status: ApprovalStatus, description: str) -> None:
        """UpdateModelPackage: set the approval status, with ``description`` cut to the API's 1,024 characters."""
        with aws_errors("sagemaker", "UpdateModelPackage", lambda f: _error(f, arn)):
            self._sm.update_model_package(
                ModelPackageArn=arn,
                ModelApprovalStatus=ApprovalStatus(status).value,
                ApprovalDescription=description[:APPROVAL_DESCRIPTION_MAX],
            )

    def set_model_card(self, arn: str, content_text: str, status: str) -> None:
        """UpdateModelPackage ``ModelCard``: the package card's content and status in one structure."""
        with aws_errors("sagemaker", "UpdateModelPackage", lambda f: _error(f, arn)):
            self._sm.update_model_package(
                ModelPackageArn=arn, ModelCard={"ModelCardContent": content_text, "ModelCardStatus": status}
            )

    def set_lifecycle(self, arn: str, lifecycle: LifeCycle) -> None:
        """UpdateModelPackage ``ModelLifeCycle`` (the description cut to the API's 1,024 characters)."""
        wire = lifecycle.to_wire()
        if "StageDescription" in wire:
            wire["StageDescription"] = wire["StageDescription"][:STAGE_DESCRIPTION_MAX]
        with aws_errors("sagemaker", "UpdateModelPackage", lambda f: _error(f, arn)):
            self._sm.update_model_package(ModelPackageArn=arn, ModelLifeCycle=wire)

    def add_tags(self, arn: str, tags: dict[str, str]) -> None:
        """AddTags on the package (an existing key gets the new value)."""
        with aws_errors("sagemaker", "AddTags", lambda f: _error(f, arn)):
            self._sm.add_tags(ResourceArn=arn, Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())])

    def describe_group(self, name_or_arn: str) -> dict[str, Any]:
        """DescribeModelPackageGroup (another account's group by ARN while it is shared with this one)."""
        with aws_errors("sagemaker", "DescribeModelPackageGroup", lambda f: _error(f, name_or_arn)):
            group: dict[str, Any] = self._sm.describe_model_package_group(ModelPackageGroupName=name_or_arn)
            return group

    def list_versions(self, group_name_or_arn: str) -> list[dict[str, Any]]:
        """ListModelPackages of a group, every page (another account's group by ARN while shared)."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"ModelPackageGroupName": group_name_or_arn}
        while True:
            with aws_errors("sagemaker", "ListModelPackages", lambda f: _error(f, group_name_or_arn)):
                page = self._sm.list_model_packages(**kwargs)
            items.extend(page.get("ModelPackageSummaryList", []))
            if not page.get("NextToken"):
                return items
            kwargs["NextToken"] = page["NextToken"]

    def tags(self, arn: str) -> dict[str, str]:
        """ListTags of the package, every page."""
        tags: dict[str, str] = {}
        kwargs: dict[str, Any] = {"ResourceArn": arn}
        while True:
            with aws_errors("sagemaker", "ListTags", lambda f: _error(f, arn)):
                page = self._sm.list_tags(**kwargs)
            tags.update({t["Key"]: t.get("Value", "") for t in page.get("Tags", [])})
            if not page.get("NextToken"):
                return tags
            kwargs["NextToken"] = page["NextToken"]


def _error(failure: AwsFailure, arn: str) -> RegistryError:
    """The ``RegistryError`` for one classified failure, with the fix in its message."""
    call = f"{failure.operation} {arn}"
    if failure.kind is AwsErrorKind.NOT_FOUND:
        return ModelPackageNotFoundError(
            f"{call}: model package not found in this account and region ({failure.text}); check the ARN",
            failure=failure,
        )
    if failure.kind is AwsErrorKind.ACCESS_DENIED:
        return RegistryError(
            f"{call}: access denied ({failure.text}); grant the role "
            f"sagemaker:{failure.operation} on the model package",
            failure=failure,
        )
    if failure.retryable:
        return RegistryError(
            f"{call}: {failure.text}; SageMaker is throttling or unavailable, retry later", failure=failure
        )
    return RegistryError(f"{call}: refused ({failure.text}); check the request", failure=failure)
