"""Thin adapter over the SageMaker model-package API (an injected boto3 ``sagemaker`` client).

Every botocore error leaves as a ``RegistryError`` classified by ``mcgov.steps.common.aws``.
"""
from __future__ import annotations

from typing import Any

from mcgov.steps.common.aws import AwsErrorKind, AwsFailure, aws_errors
from mcgov.steps.registry.exceptions import (
    ModelPackageNotFoundError,
    RegistryAccessDeniedError,
    RegistryError,
    RegistryRequestError,
    RegistryUnavailableError,
)
from mcgov.steps.registry.models import ApprovalStatus, ModelPackage

APPROVAL_DESCRIPTION_MAX = 1024


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
            self._sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=ApprovalStatus(status).value,
                                          ApprovalDescription=description[:APPROVAL_DESCRIPTION_MAX])

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
        return ModelPackageNotFoundError(f"{call}: model package not found in this account and region ({failure.text}); "
                                         "check the ARN", failure=failure)
    if failure.kind is AwsErrorKind.ACCESS_DENIED:
        return RegistryAccessDeniedError(f"{call}: access denied ({failure.text}); grant the role "
                                         f"sagemaker:{failure.operation} on the model package", failure=failure)
    if failure.retryable:
        return RegistryUnavailableError(f"{call}: {failure.text}; SageMaker is throttling or unavailable, retry later",
                                        failure=failure)
    return RegistryRequestError(f"{call}: refused ({failure.text}); check the request", failure=failure)
