"""EventBridge event patterns: the check ``PutRule`` makes and the match a rule makes (pure functions).

Sources: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html (a pattern has the event's
structure; every field it names must match, any value of a field's array may match; values match character by
character), https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html (the comparison
operators; numeric operands between -5.0e9 and +5.0e9; exists works on leaf nodes only) and the open-source matcher
EventBridge uses, https://github.com/aws/event-ruler (README: an event array matches when any element matches; arrays of
objects are matched element by element; ``exists: false`` holds for an intermediate node; ``$or`` takes two or more
objects). What the emulator does not recognise is refused with InvalidEventPatternException, never matched loosely.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NUMERIC_LIMIT = 5.0e9
NUMERIC_OPERATORS = ("<", "<=", "=", ">=", ">")
STRING_OPERATORS = ("prefix", "suffix", "equals-ignore-case", "wildcard")
OPERATORS = (*STRING_OPERATORS, "anything-but", "numeric", "exists", "cidr")
ANYTHING_BUT_OPERAND = "Value of anything-but must be a string, a number, a list of those or one operator"


class PatternError(ValueError):
    """The pattern is not valid; the message is the reason EventBridge gives after "Event pattern is not valid."."""


@dataclass(frozen=True)
class EventPattern:
    """A checked event pattern (the parsed JSON object)."""

    tree: Mapping[str, Any]

    def matches(self, event: Mapping[str, Any]) -> bool:
        """True when ``event`` (the event as EventBridge delivers it) matches this pattern."""
        return _match_object(self.tree, event)


def compile_pattern(text: str) -> EventPattern:
    """Parse and check an ``EventPattern`` string; PatternError names what is wrong."""
    try:
        tree = json.loads(text)
    except ValueError as exc:
        raise PatternError("Filter is not valid JSON") from exc
    if not isinstance(tree, dict):
        raise PatternError("Filter is not an object")
    _check_object(tree, "")
    return EventPattern(tree)


def _bad(reason: str, where: str) -> PatternError:
    return PatternError(f'{reason} at "{where}"')


def _check_object(node: Mapping[str, Any], path: str) -> None:
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, dict) for v in value):
                raise PatternError(f'"{where}" must be an array of at least two objects')
            for option in value:
                _check_object(option, path)
        elif isinstance(value, dict):
            _check_object(value, where)
        elif isinstance(value, list):
            if not value:
                raise PatternError(f'Empty arrays are not allowed at "{where}"')
            for item in value:
                _check_matcher(item, where)
        else:
            raise PatternError(f'"{where}" must be an object or an array')


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_string_operand(name: str, operand: Any, where: str, *, ignore_case_allowed: bool) -> None:
    if isinstance(operand, str):
        if name == "wildcard":
            _check_wildcard(operand, where)
        return
    if (
        ignore_case_allowed
        and isinstance(operand, dict)
        and list(operand) == ["equals-ignore-case"]
        and isinstance(operand["equals-ignore-case"], str)
    ):
        return
    raise PatternError(f'{name} match pattern must be a string at "{where}"')


def _check_wildcard(operand: str, where: str) -> None:
    if "**" in operand:
        raise PatternError(f'Consecutive wildcard characters at "{where}"')
    escaped = False
    for char in operand:
        if escaped:
            if char not in "*\\":
                raise PatternError(f'Invalid escape character at "{where}"')
            escaped = False
        elif char == "\\":
            escaped = True
    if escaped:
        raise PatternError(f'Invalid escape character at "{where}"')


def _check_matcher(item: Any, where: str) -> None:
    if item is None or isinstance(item, str | bool) or _is_number(item):
        return
    if not isinstance(item, dict) or len(item) != 1:
        raise _bad("Match value must be a string, number, boolean, null or an object with one operator", where)
    name, operand = next(iter(item.items()))
    if name in ("prefix", "suffix"):
        _check_string_operand(name, operand, where, ignore_case_allowed=True)
    elif name in ("equals-ignore-case", "wildcard"):
        _check_string_operand(name, operand, where, ignore_case_allowed=False)
    elif name == "exists":
        if not isinstance(operand, bool):
            raise PatternError(f'exists match pattern must be either true or false at "{where}"')
    elif name == "cidr":
        _check_cidr(operand, where)
    elif name == "numeric":
        _check_numeric(operand, where)
    elif name == "anything-but":
        _check_anything_but(operand, where)
    else:
        raise PatternError(f'Unrecognized match type {name} at "{where}"')


def _check_cidr(operand: Any, where: str) -> None:
    try:
        if not isinstance(operand, str):
            raise TypeError(operand)
        ipaddress.ip_network(operand, strict=False)
    except (TypeError, ValueError) as exc:
        raise PatternError(f'Malformed CIDR at "{where}"') from exc


def _check_numeric(operand: Any, where: str) -> None:
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        raise PatternError(f'Value of numeric must be an array of one or two comparisons at "{where}"')
    pairs = list(zip(operand[::2], operand[1::2], strict=True))
    for op, value in pairs:
        if op not in NUMERIC_OPERATORS:
            raise PatternError(f'Unrecognized numeric range operator: {op} at "{where}"')
        if not _is_number(value):
            raise PatternError(f'Value of {op} must be numeric at "{where}"')
        if not -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
            raise PatternError(f'Value of {op} must be between -5.0e9 and 5.0e9 at "{where}"')
    ops = [op for op, _ in pairs]
    if len(pairs) == 2:
        if "=" in ops or not (ops[0] in (">", ">=") and ops[1] in ("<", "<=")):
            raise _bad("Bad numeric range: a lower bound (> or >=) then an upper bound (< or <=)", where)
        if pairs[0][1] >= pairs[1][1]:
            raise PatternError(f'Bottom must be less than top at "{where}"')


def _check_anything_but(operand: Any, where: str) -> None:
    if operand is None or isinstance(operand, bool):
        raise _bad(ANYTHING_BUT_OPERAND, where)
    if isinstance(operand, str) or _is_number(operand):
        return
    if isinstance(operand, list):
        if not operand or not (all(isinstance(v, str) for v in operand) or all(_is_number(v) for v in operand)):
            raise PatternError(f'Inside anything-but list, values must be all strings or all numbers at "{where}"')
        return
    if isinstance(operand, dict) and len(operand) == 1:
        name, inner = next(iter(operand.items()))
        if name in ("prefix", "suffix"):
            if isinstance(inner, str):
                return
        elif name in ("equals-ignore-case", "wildcard"):
            values = inner if isinstance(inner, list) else [inner]
            if values and all(isinstance(v, str) for v in values):
                if name == "wildcard":
                    for value in values:
                        _check_wildcard(value, where)
                return
        raise PatternError(f'Unsupported anything-but operand at "{where}"')
    raise _bad(ANYTHING_BUT_OPERAND, where)


# Matching


def _match_object(pattern: Mapping[str, Any], node: Any) -> bool:
    if isinstance(node, list):  # an array of objects: one element must match the whole sub-pattern
        return any(_match_object(pattern, element) for element in node if isinstance(element, dict | list))
    fields = node if isinstance(node, dict) else {}
    for key, sub in pattern.items():
        if key == "$or":
            if not any(_match_object(option, fields) for option in sub):
                return False
            continue
        present = key in fields
        value = fields.get(key)
        if isinstance(sub, dict):
            child = value if present and isinstance(value, dict | list) else {}
            if not _match_object(sub, child):
                return False
        elif not _match_leaf(sub, _leaf_values(value) if present else []):
            return False
    return True


def _leaf_values(value: Any) -> list[Any]:
    """The scalar values under a field: an object is an intermediate node (no leaf), arrays are flattened."""
    if isinstance(value, dict):
        return []
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            out.extend(_leaf_values(item))
        return out
    return [value]


def _match_leaf(matchers: list[Any], values: list[Any]) -> bool:
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            if bool(values) == matcher["exists"]:
                return True
        elif any(_match_value(matcher, value) for value in values):
            return True
    return False


def _equal(expected: Any, value: Any) -> bool:
    if expected is None or isinstance(expected, bool):
        return value is expected
    if isinstance(expected, str):
        return isinstance(value, str) and value == expected
    return _is_number(value) and float(value) == float(expected)


def _match_value(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        return _equal(matcher, value)
    name, operand = next(iter(matcher.items()))
    if name == "numeric":
        return _is_number(value) and _in_range(operand, float(value))
    if name == "cidr":
        return isinstance(value, str) and _in_network(operand, value)
    if name == "anything-but":
        return _anything_but(operand, value)
    return isinstance(value, str) and _string_match(name, operand, value)


def _string_match(name: str, operand: Any, value: str) -> bool:
    if isinstance(operand, dict):  # {"prefix": {"equals-ignore-case": ...}}
        target = operand["equals-ignore-case"].casefold()
        folded = value.casefold()
        return folded.startswith(target) if name == "prefix" else folded.endswith(target)
    if name == "prefix":
        return value.startswith(operand)
    if name == "suffix":
        return value.endswith(operand)
    if name == "equals-ignore-case":
        return value.casefold() == operand.casefold()
    return _wildcard(operand).fullmatch(value) is not None


def _wildcard(operand: str) -> re.Pattern[str]:
    parts, literal, escaped = [], [], False
    for char in operand:
        if escaped:
            literal.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            parts.append(re.escape("".join(literal)))
            parts.append(".*")
            literal = []
        else:
            literal.append(char)
    parts.append(re.escape("".join(literal)))
    return re.compile("".join(parts), re.DOTALL)


def _in_range(operand: list[Any], value: float) -> bool:
    checks = {"<": value.__lt__, "<=": value.__le__, "=": value.__eq__, ">=": value.__ge__, ">": value.__gt__}
    return all(checks[op](float(bound)) for op, bound in zip(operand[::2], operand[1::2], strict=True))


def _in_network(operand: str, value: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(operand, strict=False)
    except ValueError:
        return False


def _anything_but(operand: Any, value: Any) -> bool:
    if isinstance(operand, list):
        return not any(_equal(excluded, value) for excluded in operand)
    if isinstance(operand, dict):
        name, inner = next(iter(operand.items()))
        if not isinstance(value, str):
            return False
        excluded = inner if isinstance(inner, list) else [inner]
        return not any(_string_match(name, item, value) for item in excluded)
    return not _equal(operand, value)
