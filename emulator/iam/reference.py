"""The IAM reference data kept as package data: each action's resource types and their ARN formats.

``data/iam-reference.json`` (see ``data/SOURCE.md``; regenerate with ``tools/iam_reference.py``). A resource type
``""`` is the reference's "no resource type": such an action is granted only by ``Resource: "*"``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "iam-reference.json"

# API operation -> IAM action, where the reference names them differently (boto3 service name -> {op: actions}).
ACTION_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "lambda": {"Invoke": ("InvokeFunction",), "InvokeAsync": ("InvokeAsync",)},
    "s3": {
        "ListObjects": ("ListBucket",),
        "ListObjectsV2": ("ListBucket",),
        "HeadObject": ("GetObject",),
        "HeadBucket": ("ListBucket",),
        "CopyObject": ("GetObject", "PutObject"),
        "DeleteObjects": ("DeleteObject",),
        "GetBucketLocation": ("GetBucketLocation",),
    },
}
# boto3 service name -> IAM service prefix, where they differ.
PREFIXES = {"stepfunctions": "states"}
# Actions AWS never denies by policy (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html:
# "No permissions are required to perform this operation").
ALWAYS_ALLOWED = frozenset({"sts:GetCallerIdentity"})


@cache
def _data() -> dict[str, Any]:
    return json.loads(DATA.read_text())["services"]


def prefix_of(service: str) -> str:
    return PREFIXES.get(service, service)


def actions_for(service: str, operation: str) -> tuple[str, ...]:
    """The IAM actions (``prefix:Action``) an API operation is authorized as."""
    names = ACTION_ALIASES.get(service, {}).get(operation, (operation,))
    return tuple(f"{prefix_of(service)}:{name}" for name in names)


def resource_types(action: str) -> list[str] | None:
    """Resource types of ``prefix:Action`` (``""`` = none), or None when the reference does not list the action."""
    prefix, name = action.split(":", 1)
    service = _data().get(prefix)
    if service is None or name not in service["actions"]:
        return None
    return list(service["actions"][name])


def arn_format(action: str, resource_type: str) -> str | None:
    prefix = action.split(":", 1)[0]
    return _data().get(prefix, {}).get("resources", {}).get(resource_type)


@cache
def arn_regex(arn_format_text: str) -> re.Pattern[str]:
    """An ARN format (``arn:${Partition}:sagemaker:${Region}:${Account}:model-card/${ModelCardName}``) as a regex."""
    parts = re.split(r"(\$\{[^}]+\})", arn_format_text)
    pattern = "".join(
        (".+" if i == len(parts) - 2 else "[^:/]*" if "Partition" in p or "Region" in p or "Account" in p else ".+")
        if p.startswith("${")
        else re.escape(p)
        for i, p in enumerate(parts)
    )
    return re.compile(pattern)


def variables(arn_format_text: str) -> list[str]:
    return re.findall(r"\$\{([^}]+)\}", arn_format_text)
