"""Adapter: the approval record as tags on the card (SageMaker AddTags / ListTags / DeleteTags), and STS."""

from __future__ import annotations

from typing import Any

from mcgov.steps.approval.exceptions import ApprovalError
from mcgov.steps.approval.tags import TAG_KEYS, TAG_PREFIX, ApprovalRecord
from mcgov.steps.common.aws import AwsFailure, aws_errors


def _error(failure: AwsFailure) -> ApprovalError:
    return ApprovalError(
        f"{failure.service} {failure.operation} failed: {failure.text}; check the caller's "
        "sagemaker:AddTags/ListTags/DeleteTags rights in the card account, then re-run",
        failure=failure,
    )


class ApprovalStore:
    """Approval records of cards in one account (``sagemaker`` client of the card account)."""

    def __init__(self, sagemaker_client: Any) -> None:
        self._sm = sagemaker_client

    def tags(self, card_arn: str) -> dict[str, str]:
        tags: dict[str, str] = {}
        kwargs: dict[str, Any] = {"ResourceArn": card_arn}
        while True:
            with aws_errors("sagemaker", "ListTags", _error):
                page = self._sm.list_tags(**kwargs)
            tags.update({t["Key"]: t["Value"] for t in page.get("Tags", [])})
            if not page.get("NextToken"):
                return tags
            kwargs["NextToken"] = page["NextToken"]

    def read(self, card_arn: str) -> ApprovalRecord | None:
        return ApprovalRecord.from_tags({k: v for k, v in self.tags(card_arn).items() if k.startswith(TAG_PREFIX)})

    def write(self, card_arn: str, record: ApprovalRecord) -> None:
        with aws_errors("sagemaker", "AddTags", _error):
            self._sm.add_tags(ResourceArn=card_arn, Tags=[{"Key": k, "Value": v} for k, v in record.to_tags().items()])

    def clear(self, card_arn: str) -> None:
        with aws_errors("sagemaker", "DeleteTags", _error):
            self._sm.delete_tags(ResourceArn=card_arn, TagKeys=list(TAG_KEYS))


def caller_arn(sts_client: Any) -> str:
    """The ARN of the credentials in use (the approver)."""
    with aws_errors("sts", "GetCallerIdentity", _error):
        return str(sts_client.get_caller_identity()["Arn"])
