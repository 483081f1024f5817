"""Identity-policy evaluation: statements, action and resource matching, condition operators (pure functions).

Follows the IAM policy evaluation logic for one account's identity policies: an explicit Deny wins, otherwise an
Allow is needed, otherwise the request is implicitly denied
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). Condition operators
and set operators follow https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html.
What the emulator cannot evaluate (an operator or key it does not know, a policy variable) is not guessed:
``Unsupported`` is raised and the request is denied with the reason.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any


class Unsupported(ValueError):
    """A policy element the emulator does not evaluate; the request is denied and this says which."""


class Decision(Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True)
class RequestContext:
    """One authorization context: action, resource ARN (``*`` when the action has none) and condition keys.

    ``keys`` holds the keys present in the request; a multivalued key's value is a list. ``known`` names
    families the emulator populates even when absent from this request (``aws:RequestTag/`` ...): a key
    outside ``keys`` and outside ``known`` is unsupported.
    """

    action: str
    resource: str
    keys: Mapping[str, Any]
    known: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    statement: str | None = None  # Sid (or index) of the deciding statement


def statements(document: str | Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statements of a policy document (JSON text or parsed)."""
    parsed = json.loads(document) if isinstance(document, str) else document
    found = parsed.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@cache
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    if "${" in pattern:
        raise Unsupported(f"policy variable in {pattern!r}")
    return re.compile(fnmatch.translate(pattern), re.IGNORECASE if ignore_case else 0)


def _matches_any(patterns: Iterable[str], value: str, ignore_case: bool) -> bool:
    return any(_glob(p, ignore_case).match(value) for p in patterns)


def action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "Action" in statement:
        return _matches_any(_as_list(statement["Action"]), action, ignore_case=True)
    if "NotAction" in statement:
        return not _matches_any(_as_list(statement["NotAction"]), action, ignore_case=True)
    return False


def resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "Resource" in statement:
        return _matches_any(_as_list(statement["Resource"]), resource, ignore_case=False)
    if "NotResource" in statement:
        return not _matches_any(_as_list(statement["NotResource"]), resource, ignore_case=False)
    return False


def _arn_like(pattern: str, value: str) -> bool:
    """ArnLike: each of the six colon-separated parts matched on its own, wildcards within a part."""
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    return all(_glob(p, False).match(v) for p, v in zip(pattern_parts, value_parts, strict=True))


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_BASE_OPERATORS = {
    "StringEquals": lambda p, v: _string(v) == p,
    "StringNotEquals": lambda p, v: _string(v) == p,
    "StringEqualsIgnoreCase": lambda p, v: _string(v).lower() == p.lower(),
    "StringNotEqualsIgnoreCase": lambda p, v: _string(v).lower() == p.lower(),
    "StringLike": lambda p, v: bool(_glob(p, False).match(_string(v))),
    "StringNotLike": lambda p, v: bool(_glob(p, False).match(_string(v))),
    "ArnEquals": lambda p, v: _string(v) == p,
    "ArnNotEquals": lambda p, v: _string(v) == p,
    "ArnLike": lambda p, v: _arn_like(p, _string(v)),
    "ArnNotLike": lambda p, v: _arn_like(p, _string(v)),
    "Bool": lambda p, v: _string(v).lower() == p.lower(),
}
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


def _key_value(context: RequestContext, key: str) -> tuple[bool, Any]:
    """(present, value) of a condition key; Unsupported when the emulator does not populate it."""
    for name, value in context.keys.items():
        if name.lower() == key.lower():
            return True, value
    lowered = key.lower()
    if any(lowered == k.lower() or (k.endswith("/") and lowered.startswith(k.lower())) for k in context.known):
        return False, None
    raise Unsupported(f"condition key {key!r}")


def condition_holds(operator: str, key: str, patterns: Sequence[Any], context: RequestContext) -> bool:
    """One operator/key entry of a Condition block."""
    set_operator = None
    base = operator
    if ":" in operator:
        set_operator, base = operator.split(":", 1)
        if set_operator not in ("ForAnyValue", "ForAllValues"):
            raise Unsupported(f"condition operator {operator!r}")
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base[: -len("IfExists")]
    compare = _BASE_OPERATORS.get(base)
    if compare is None and base != "Null":
        raise Unsupported(f"condition operator {operator!r}")
    present, value = _key_value(context, key)
    values = [_string(p) for p in patterns]
    if compare is None:  # Null
        return any((p.lower() == "true") == (not present) for p in values)
    negated = base in _NEGATED
    if not present:
        if set_operator == "ForAllValues":
            return True
        if set_operator == "ForAnyValue":
            return False
        return if_exists or negated
    items = _as_list(value)
    if set_operator is None and isinstance(value, list):
        raise Unsupported(f"multivalued key {key!r} needs ForAnyValue or ForAllValues")
    if set_operator == "ForAllValues":
        result = all(any(compare(p, item) for p in values) for item in items)
    else:  # ForAnyValue, or a single-valued key
        result = any(any(compare(p, item) for p in values) for item in items)
    return not result if negated else result


def conditions_hold(statement: Mapping[str, Any], context: RequestContext) -> bool:
    """Every operator and key of the statement's Condition holds (AND); values of one key are OR-ed."""
    for operator, entries in statement.get("Condition", {}).items():
        for key, patterns in entries.items():
            if not condition_holds(operator, key, _as_list(patterns), context):
                return False
    return True


def evaluate(documents: Sequence[str | Mapping[str, Any]], context: RequestContext) -> Outcome:
    """The decision of a set of identity policies for one request context."""
    allowed: str | None = None
    for document in documents:
        for index, statement in enumerate(statements(document)):
            if statement.get("Principal") is not None or statement.get("NotPrincipal") is not None:
                raise Unsupported("Principal in an identity-based policy")
            if not action_matches(statement, context.action) or not resource_matches(statement, context.resource):
                continue
            if not conditions_hold(statement, context):
                continue
            sid = str(statement.get("Sid", index))
            effect = statement.get("Effect")
            if effect == "Deny":
                return Outcome(Decision.EXPLICIT_DENY, sid)
            if effect == "Allow":
                allowed = allowed or sid
            else:
                raise Unsupported(f"Effect {effect!r}")
    return Outcome(Decision.ALLOW, allowed) if allowed else Outcome(Decision.IMPLICIT_DENY)
