"""Check an operation's input value against its botocore input shape, as AWS's server-side validation does.

Constraints checked (botocore model traits): ``required``, the shape's type, ``enum``, ``min``/``max`` (length of a
string in code points, of a blob in bytes, of a list or map in entries; value of a number) and ``pattern``
(Java regex, whole-value match: ``mcgov.emulator.inputs.javaregex``). Messages follow AWS's
"1 validation error detected: Value 'x' at 'nameContains' failed to satisfy constraint: Member must ..." with
the member path in AWS's form: ``outputConfig.s3OutputPath``, ``tags.1.member.key`` (lists count from 1).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape

from mcgov.emulator.inputs.javaregex import compile_java


@dataclass(frozen=True)
class Violation:
    """One failed constraint: ``serialization`` is True for a value of the wrong type (not a constraint)."""

    path: str
    value: Any
    constraint: str
    serialization: bool = False

    def sentence(self) -> str:
        """AWS's sentence for this violation."""
        if self.serialization:
            return self.constraint
        return f"Value {render(self.value)} at '{self.path}' failed to satisfy constraint: {self.constraint}"


@dataclass(frozen=True)
class WrongType:
    """A request value that could not be read as its shape's type (put in place of the value by the parsers)."""

    raw: Any
    expected: str


def render(value: Any) -> str:
    """A value as AWS's messages show it: ``null``, or quoted Java ``toString`` form."""
    if value is None:
        return "null"
    return f"'{_java_string(value)}'"


def _java_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_java_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_java_string(k)}={_java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bytes):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    return str(value)


def message(violations: list[Violation]) -> str:
    """AWS's ValidationException message for constraint violations."""
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(v.sentence() for v in violations)


def _member_path(parent: str, member: str) -> str:
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


_JSON_TYPE_NAMES = {str: "STRING_VALUE", bool: "BOOLEAN_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE"}
_SHAPE_TYPE_NAMES = {
    "string": "String",
    "integer": "Integer",
    "long": "Long",
    "float": "Float",
    "double": "Double",
    "boolean": "Boolean",
    "blob": "ByteBuffer",
    "timestamp": "Date",
}


def _type_problem(shape: Shape, value: Any, path: str) -> Violation | None:
    """A serialization violation when ``value`` is not of ``shape``'s type, else None."""
    kind = shape.type_name
    if isinstance(value, WrongType):
        return Violation(path, value.raw, f"Cannot read value at '{path}' as {value.expected}", serialization=True)
    ok = {
        "structure": isinstance(value, dict),
        "list": isinstance(value, list),
        "map": isinstance(value, dict),
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "long": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "double": isinstance(value, int | float) and not isinstance(value, bool),
        "blob": isinstance(value, str | bytes),
        "timestamp": isinstance(value, int | float | str) and not isinstance(value, bool),
    }.get(kind, True)
    if ok:
        return None
    if isinstance(value, dict):
        text = "Start of structure or map found where not expected."
    elif isinstance(value, list):
        text = "Start of list found where not expected"
    elif value is None:
        return None
    else:
        found = _JSON_TYPE_NAMES.get(type(value), "VALUE")
        text = f"{found} cannot be converted to {_SHAPE_TYPE_NAMES.get(kind, kind)}"
    return Violation(path, value, text, serialization=True)


def check(shape: Shape | None, value: Any) -> list[Violation]:
    """Every violation of ``value`` (the operation input, a dict) against the input ``shape``."""
    if shape is None:
        return []
    return list(_check(shape, value, ""))


def _check(shape: Shape, value: Any, path: str) -> Iterator[Violation]:
    problem = _type_problem(shape, value, path)
    if problem is not None:
        yield problem
        return
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("document"):
            return
        required = set(shape.required_members)
        for name, member in shape.members.items():
            member_path = _member_path(path, name)
            member_value = value.get(name)
            if member_value is None and "name" in member.serialization:  # JSON bodies use the wire name
                member_value = value.get(member.serialization["name"])
            if member_value is None:
                if name in required:
                    yield Violation(member_path, None, "Member must not be null")
                continue
            yield from _check(member, member_value, member_path)
        return
    yield from _constraints(shape, value, path)
    if kind == "list":
        for index, item in enumerate(value, start=1):
            if item is not None:
                yield from _check(shape.member, item, f"{path}.{index}.member")
    elif kind == "map":
        for key, item in value.items():
            for found in _check(shape.key, key, path):
                yield Violation(path, value, f"Map keys must satisfy constraint: [{found.constraint}]")
            if item is None:
                continue
            if shape.value.type_name in ("structure", "list", "map"):
                yield from _check(shape.value, item, f"{path}.{key}")
            else:
                for found in _check(shape.value, item, path):
                    yield Violation(path, value, f"Map value must satisfy constraint: [{found.constraint}]")


def _size(shape: Shape, value: Any) -> int | None:
    """What ``min``/``max`` bound for this shape: a length, or None for numbers."""
    kind = shape.type_name
    if kind == "string":
        return len(value)
    if kind == "blob":
        if isinstance(value, bytes):
            return len(value)
        try:
            return len(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            return None
    if kind in ("list", "map"):
        return len(value)
    return None


def _constraints(shape: Shape, value: Any, path: str) -> Iterator[Violation]:
    metadata = shape.metadata
    kind = shape.type_name
    enum = getattr(shape, "enum", None) if kind == "string" else None
    if enum and value not in enum:
        yield Violation(path, value, "Member must satisfy enum value set: [" + ", ".join(enum) + "]")
    low, high = metadata.get("min"), metadata.get("max")
    if kind in ("integer", "long", "float", "double"):
        if isinstance(value, float) and math.isnan(value):
            return
        if low is not None and value < low:
            yield Violation(path, value, f"Member must have value greater than or equal to {_number(low)}")
        if high is not None and value > high:
            yield Violation(path, value, f"Member must have value less than or equal to {_number(high)}")
        return
    size = _size(shape, value)
    if size is not None:
        if low is not None and size < low:
            yield Violation(path, value, f"Member must have length greater than or equal to {_number(low)}")
        if high is not None and size > high:
            yield Violation(path, value, f"Member must have length less than or equal to {_number(high)}")
    pattern = metadata.get("pattern")
    if kind == "string" and pattern is not None and not compile_java(pattern).fullmatch(value):
        yield Violation(path, value, f"Member must satisfy regular expression pattern: {pattern}")


def _number(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)
