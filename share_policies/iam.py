"""Pure renderers of the documents a share needs outside RAM.

* consumer-account IAM identity policy per stage (what principals in the target account may call), with the
  KMS statement the consumer needs when the card is encrypted with a customer key;
* KMS key-policy statement letting a stage's accounts use that key for this card, through SageMaker and S3;
* the customer-managed read-only RAM permission (CloudFormation ``AWS::RAM::Permission``).

The KMS documents follow "Set up cross-account support for Amazon SageMaker Model Cards"
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-cards-xaccount.html): the key policy grants
``kms:GenerateDataKey`` and ``kms:Decrypt`` with ``kms:ViaService`` SageMaker and S3 and the encryption context
``aws:sagemaker:model-card-arn``; the consumer's IAM policy grants the same two actions on the key. The page's
``kms:GrantIsForAWSResource`` condition is left out: KMS sets that key only for CreateGrant, ListGrants and
RevokeGrant (https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html), so on
Decrypt/GenerateDataKey it would never match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from mcgov import identifiers as ids
from mcgov.errors import BadInputError
from mcgov.share_policies.models import (
    AWS_MANAGED_EXPORT_PERMISSION,
    AWS_MANAGED_PERMISSION,
    PolicyStage,
    SharePolicy,
)

READ_ACTIONS: tuple[str, ...] = ("sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions")
UPDATE_ACTION = "sagemaker:UpdateModelCard"
EXPORT_ACTIONS: tuple[str, ...] = ("sagemaker:CreateModelCardExportJob", "sagemaker:DescribeModelCardExportJob")
MANAGED_PERMISSION_ACTIONS: dict[str, tuple[str, ...]] = {
    AWS_MANAGED_PERMISSION: (*READ_ACTIONS, UPDATE_ACTION),
    AWS_MANAGED_EXPORT_PERMISSION: (*READ_ACTIONS, UPDATE_ACTION, *EXPORT_ACTIONS),
}
READ_ONLY_PERMISSION_NAME = "ModelCardReadOnly"
KMS_ACTIONS: tuple[str, ...] = ("kms:GenerateDataKey", "kms:Decrypt")
CARD_ARN_CONTEXT_KEY = "kms:EncryptionContext:aws:sagemaker:model-card-arn"
KMS_KEY_FLAG = "--kms-key-arn"


def permission_actions(permission_arn: str) -> tuple[str, ...]:
    """Actions a RAM permission grants on a model card.

    AWS-managed permissions are known; any customer-managed permission is assumed to be the read-only one
    rendered by ``readonly_permission_template`` (Describe + ListVersions).
    """
    return MANAGED_PERMISSION_ACTIONS.get(permission_arn, READ_ACTIONS)


def check_kms_key_arn(policy: SharePolicy, key_arn: str) -> str:
    """Return ``key_arn`` if it is a KMS key ARN in the policy's partition and region, else raise."""
    match = ids.KMS_KEY_ARN.fullmatch(key_arn) if isinstance(key_arn, str) and len(key_arn) <= 2048 else None
    if not match:
        raise BadInputError(
            "not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; not an alias)",
            field=KMS_KEY_FLAG,
        )
    if match["region"] != policy.region or match["partition"] != ids.partition_of(policy.region):
        raise BadInputError(
            f"key {key_arn} is not in the policy's region {policy.region}; a card is encrypted with a key of its "
            "region",
            field=KMS_KEY_FLAG,
        )
    return key_arn


def consumer_iam_policy(
    policy: SharePolicy, card_arn: str, stage: PolicyStage, kms_key_arn: str | None = None
) -> dict[str, Any]:
    """IAM identity policy for principals of ``stage``'s accounts: least privilege on this one card.

    With ``kms_key_arn`` (the card is encrypted with that customer key) it also grants ``kms:GenerateDataKey``
    and ``kms:Decrypt`` on the key, as AWS's cross-account model-card page asks of the shared account.
    """
    policy.card_arn(card_arn)
    granted = permission_actions(stage.permission)
    card_actions = [a for a in (*READ_ACTIONS, UPDATE_ACTION) if a in granted]
    statements: list[dict[str, Any]] = [
        {"Sid": "ReadSharedModelCard", "Effect": "Allow", "Action": card_actions, "Resource": [card_arn]}
    ]
    if policy.export is not None and all(a in granted for a in EXPORT_ACTIONS):
        statements.append(
            {
                "Sid": "ExportSharedModelCard",
                "Effect": "Allow",
                "Action": list(EXPORT_ACTIONS),
                "Resource": [card_arn, f"{card_arn}/export-job/*"],
            }
        )
        bucket_and_key = policy.export.s3_output_prefix.removeprefix("s3://")
        statements.append(
            {
                "Sid": "WriteModelCardExports",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": [f"arn:aws:s3:::{bucket_and_key}*"],
            }
        )
    if kms_key_arn is not None:
        statements.append(
            {
                "Sid": "UseModelCardKey",
                "Effect": "Allow",
                "Action": list(KMS_ACTIONS),
                "Resource": [check_kms_key_arn(policy, kms_key_arn)],
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def kms_key_policy_statement(
    policy: SharePolicy, stage: PolicyStage, card_arn: str, kms_key_arn: str | None = None
) -> dict[str, Any]:
    """Key-policy statement letting ``stage``'s accounts use the card's key for this card only.

    ``kms:GenerateDataKey`` (updates and PDF exports) and ``kms:Decrypt`` (reads), only when SageMaker or S3
    calls KMS for them and only with the card's ARN as encryption context. ``Resource`` is the key ARN when
    given, else ``"*"`` (in a key policy: this key).
    """
    policy.card_arn(card_arn)
    partition = ids.partition_of(policy.region)
    return {
        "Sid": f"McgovModelCardKey{_pascal(stage.name)}",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:{partition}:iam::{account}:root" for account in stage.accounts]},
        "Action": list(KMS_ACTIONS),
        "Resource": check_kms_key_arn(policy, kms_key_arn) if kms_key_arn is not None else "*",
        "Condition": {
            "StringEquals": {
                "kms:ViaService": [f"sagemaker.{policy.region}.amazonaws.com", f"s3.{policy.region}.amazonaws.com"],
                CARD_ARN_CONTEXT_KEY: card_arn,
            }
        },
    }


def readonly_permission_template(name: str = READ_ONLY_PERMISSION_NAME) -> dict[str, Any]:
    """CloudFormation template creating the customer-managed read-only model-card RAM permission."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Customer-managed RAM permission: read-only access to shared SageMaker model cards.",
        "Resources": {
            "ModelCardReadOnlyPermission": {
                "Type": "AWS::RAM::Permission",
                "Properties": {
                    "Name": name,
                    "ResourceType": "sagemaker:ModelCard",
                    "PolicyTemplate": {"Effect": "Allow", "Action": list(READ_ACTIONS)},
                },
            }
        },
        "Outputs": {"PermissionArn": {"Value": {"Ref": "ModelCardReadOnlyPermission"}}},
    }


def render_all(
    policy: SharePolicy, card_arn: str, stages: Sequence[PolicyStage] | None = None, kms_key_arn: str | None = None
) -> dict[str, Any]:
    """Every generated document for ``stages`` (default: every stage of the policy), keyed by stage name."""
    if kms_key_arn is not None:
        check_kms_key_arn(policy, kms_key_arn)
    return {
        "card_arn": card_arn,
        "kms_key_arn": kms_key_arn,
        "stages": {
            stage.name: {
                "permission_arn": stage.permission,
                "consumer_iam_policy": consumer_iam_policy(policy, card_arn, stage, kms_key_arn),
                "kms_key_policy_statement": kms_key_policy_statement(policy, stage, card_arn, kms_key_arn),
            }
            for stage in (policy.stages_named() if stages is None else stages)
        },
        "readonly_permission_template": readonly_permission_template(),
    }


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]", name) if part)
