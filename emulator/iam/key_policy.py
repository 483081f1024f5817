"""KMS key policies for checked role sessions: who may use a key is the key policy's first.

"Every KMS key must have exactly one key policy ... Unless the key policy explicitly allows it, you cannot use IAM
policies to allow access to a KMS key" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
So a request of a checked role session on an existing key is allowed only when no statement (key policy or identity
policy) denies it, and either a key policy statement names the caller directly (its role ARN or this session's ARN,
or ``*``), or one names the key account (``arn:aws:iam::<account>:root`` or the bare id), which delegates to IAM,
and the role's identity policies allow it (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html,
"Allows access to the AWS account and enables IAM policies"). Grants are not modelled.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcgov.emulator.iam.policy import Decision, RequestContext, Unsupported, evaluate


@dataclass(frozen=True)
class KeyVerdict:
    """What a key policy says for one caller and request: direct allow, allow through IAM, deny, or nothing."""

    decision: Decision
    through_iam: bool = False


def key_policy_text(arn: str) -> str | None:
    """The key policy of the KMS key ``arn`` (None when the key does not exist in the emulator)."""
    from moto.kms.models import kms_backends

    parts = arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("key/"):
        return None
    backend = kms_backends[parts[4]][parts[3]]
    key = backend.keys.get(parts[5][len("key/") :])
    return str(key.policy) if key is not None else None


def _principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if not isinstance(principal, Mapping) or set(principal) - {"AWS"}:
        raise Unsupported("a key policy Principal other than AWS principals")
    value = principal.get("AWS")
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def verdict(policy_text: str, key_account: str, role_arn: str, session_arn: str, context: RequestContext) -> KeyVerdict:
    """The key policy's verdict for a session of ``role_arn`` (``session_arn``) in one request context."""
    document = json.loads(policy_text)
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    if any("NotPrincipal" in st for st in statements):
        raise Unsupported("NotPrincipal in a key policy")
    partition = role_arn.split(":")[1] if role_arn.count(":") >= 5 else "aws"
    root = {key_account, f"arn:{partition}:iam::{key_account}:root"}
    direct = [st for st in statements if {"*", role_arn, session_arn} & set(_principals(st))]
    delegated = [st for st in statements if root & set(_principals(st))]
    strip = [{k: v for k, v in st.items() if k != "Principal"} for st in (direct + delegated)]
    if evaluate([{"Statement": strip}], context).decision is Decision.EXPLICIT_DENY:
        return KeyVerdict(Decision.EXPLICIT_DENY)
    plain = [{k: v for k, v in st.items() if k != "Principal"} for st in direct]
    if evaluate([{"Statement": plain}], context).decision is Decision.ALLOW:
        return KeyVerdict(Decision.ALLOW)
    via_root = [{k: v for k, v in st.items() if k != "Principal"} for st in delegated]
    if evaluate([{"Statement": via_root}], context).decision is Decision.ALLOW:
        return KeyVerdict(Decision.ALLOW, through_iam=True)
    return KeyVerdict(Decision.IMPLICIT_DENY)
