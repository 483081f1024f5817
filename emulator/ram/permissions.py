"""RAM permissions: the AWS-managed SageMaker model-card and model-package-group permissions and customer-managed ones.

Sources: the AWS-managed permissions for the ``sagemaker:ModelCard`` resource type are listed at
https://docs.aws.amazon.com/ram/latest/userguide/shareable.html (``AWSRAMPermissionSageMakerModelCards``
and ``...AllowExport``); customer-managed permissions follow
https://docs.aws.amazon.com/ram/latest/APIReference/API_CreatePermission.html (name: letters, digits,
hyphens, periods and underscores, at most 36 characters; the actions come from ``policyTemplate``).
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field

from mcgov.emulator.ram.exceptions import MalformedPolicyTemplateException

MODEL_CARD_TYPE = "sagemaker:ModelCard"
MODEL_CARD_PERMISSION = "AWSRAMPermissionSageMakerModelCards"
MODEL_CARD_EXPORT_PERMISSION = "AWSRAMPermissionSageMakerModelCardsAllowExport"
MODEL_CARD_ACTIONS = [
    "sagemaker:DescribeModelCard",
    "sagemaker:ListModelCardVersions",
    "sagemaker:UpdateModelCard",
]
MODEL_CARD_EXPORT_ACTIONS = MODEL_CARD_ACTIONS + [
    "sagemaker:CreateModelCardExportJob",
    "sagemaker:DescribeModelCardExportJob",
]
MODEL_PACKAGE_GROUP_TYPE = "sagemaker:ModelPackageGroup"
MODEL_PACKAGE_GROUP_PERMISSION = "AWSRAMDefaultPermissionSageMakerModelPackageGroup"
MODEL_PACKAGE_GROUP_ACTIONS = [
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:DescribeModelPackage",
    "sagemaker:ListModelPackages",
]
PERMISSION_NAME = re.compile(r"^[\w.-]{1,36}$", re.ASCII)  # fullmatch: no trailing newline, ASCII letters
PERMISSION_TYPES = ("ALL", "AWS_MANAGED", "CUSTOMER_MANAGED")  # botocore PermissionTypeFilter


@dataclass
class Permission:
    """An AWS-managed or customer-managed RAM permission."""

    arn: str
    name: str
    resource_type: str
    permission_type: str
    actions: list[str]
    creation_time: float
    policy_template: str | None = None
    is_default: bool = False
    tags: list[dict[str, str]] = field(default_factory=list)

    @property
    def policy(self) -> str:
        """The effective policy text (the template, or one Allow statement of the actions)."""
        return self.policy_template or json.dumps({"Effect": "Allow", "Action": self.actions})

    def same_type(self, resource_type: str) -> bool:
        """True when this permission is for ``resource_type`` (RAM compares types case-insensitively)."""
        return self.resource_type.lower() == resource_type.lower()


def managed_model_card_permissions(now: float) -> list[Permission]:
    """The AWS-managed SageMaker permissions the emulator adds to moto's: the two model-card permissions and
    the default read permission of model package groups (what a consumer needs to describe and list the
    group's versions by ARN)."""

    def managed(name: str, resource_type: str, actions: list[str], is_default: bool = False) -> Permission:
        return Permission(
            arn=f"arn:aws:ram::aws:permission/{name}",
            name=name,
            resource_type=resource_type,
            permission_type="AWS_MANAGED",
            actions=actions,
            creation_time=now,
            is_default=is_default,
        )

    return [
        managed(MODEL_CARD_PERMISSION, MODEL_CARD_TYPE, MODEL_CARD_ACTIONS, is_default=True),
        managed(MODEL_CARD_EXPORT_PERMISSION, MODEL_CARD_TYPE, MODEL_CARD_EXPORT_ACTIONS),
        managed(MODEL_PACKAGE_GROUP_PERMISSION, MODEL_PACKAGE_GROUP_TYPE, MODEL_PACKAGE_GROUP_ACTIONS, is_default=True),
    ]


def policy_actions(policy_template: str) -> list[str]:
    """Actions listed by a customer-managed permission's policy template."""
    try:
        policy = json.loads(policy_template)
    except (TypeError, ValueError) as exc:
        raise MalformedPolicyTemplateException(
            f"The policy template is not valid JSON ({exc}); pass a statement such as "
            '{"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"]}.'
        ) from exc
    statements = policy.get("Statement", [policy]) if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not statements:
        raise MalformedPolicyTemplateException("The policy template must be a JSON object with Effect and Action.")
    actions: list[str] = []
    for statement in statements:
        action = statement.get("Action") if isinstance(statement, dict) else None
        if not action or statement.get("Effect", "Allow") != "Allow":
            raise MalformedPolicyTemplateException(
                'Each policy template statement needs "Effect": "Allow" and a non-empty Action.'
            )
        actions.extend([action] if isinstance(action, str) else list(action))
    return actions


def action_allowed(actions: list[str], action: str) -> bool:
    """True when ``action`` (for example sagemaker:UpdateModelCard) matches one of ``actions``."""
    return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in actions)
