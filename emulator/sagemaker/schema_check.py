"""A JSON-Schema (draft-07) validator for the keywords the published model-card schema uses.

The emulator checks card content itself, without ``jsonschema`` (a dev-only dependency) and without
the product's validator. Implemented keywords: ``type``, ``enum``, ``properties``,
``patternProperties``, ``additionalProperties``, ``required``, ``items``, ``minItems``, ``maxItems``,
``minLength``, ``maxLength``, ``pattern`` (searched, unanchored, as draft-07 says), ``minimum``,
``maximum``, ``anyOf``, ``allOf`` and ``$ref`` to ``#/...`` pointers. Annotations and unknown words are
ignored as the specification says; that includes ``maxContains``/``minContains``, which have no effect
without ``contains``. A schema using any other draft-07 assertion keyword is refused when loaded, so an
updated schema cannot silently be under-checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from mcgov.emulator.sagemaker.exceptions import SchemaError

SUPPORTED = frozenset(
    {
        "type",
        "enum",
        "properties",
        "patternProperties",
        "additionalProperties",
        "required",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "anyOf",
        "allOf",
        "$ref",
    }
)
UNSUPPORTED = frozenset(
    {
        "const",
        "contains",
        "dependencies",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "uniqueItems",
        "additionalItems",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "format",
    }
)
SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions")
SUBSCHEMA_LISTS = ("anyOf", "allOf")
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "number": (int, float),
    "integer": (int,),
}


@dataclass(frozen=True)
class Violation:
    """One place where an instance breaks the schema."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check_supported(schema: Any, where: str = "#") -> None:
    """Raise SchemaError if ``schema`` (or a subschema) uses an assertion keyword not implemented here."""
    if not isinstance(schema, dict):
        return
    for keyword in sorted(UNSUPPORTED & set(schema)):
        raise SchemaError(f"{where} uses {keyword!r}, which this validator does not implement.")
    for keyword in SUBSCHEMA_MAPS:
        for name, sub in (schema.get(keyword) or {}).items():
            check_supported(sub, f"{where}/{keyword}/{name}")
    for keyword in SUBSCHEMA_LISTS:
        for index, sub in enumerate(schema.get(keyword) or []):
            check_supported(sub, f"{where}/{keyword}/{index}")
    for keyword in ("items", "additionalProperties"):
        check_supported(schema.get(keyword), f"{where}/{keyword}")


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name != "boolean":
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, TYPES[name])


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans differ from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class Validator:
    """Validates instances against one root schema (``$ref`` resolves inside it)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        check_supported(schema)
        self.schema = schema

    def resolve(self, ref: str) -> Any:
        """The subschema a local ``#/a/b`` reference names."""
        if not ref.startswith("#"):
            raise SchemaError(f"Only local references are supported, not {ref!r}.")
        node: Any = self.schema
        for part in [p for p in ref[1:].split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def violations(self, instance: Any, schema: Any = None, path: str = "$") -> Iterator[Violation]:
        """Every violation of ``schema`` (default: the root) by ``instance``."""
        schema = self.schema if schema is None else schema
        if schema is True or schema == {}:
            return
        if schema is False:
            yield Violation(path, "no value is allowed here")
            return
        if "$ref" in schema:  # draft-07: siblings of $ref are ignored
            yield from self.violations(instance, self.resolve(schema["$ref"]), path)
            return
        types = schema.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not any(_is_type(instance, name) for name in names):
                yield Violation(path, f"{_short(instance)} is not of type {' or '.join(names)}")
                return
        if "enum" in schema and not any(_equal(instance, option) for option in schema["enum"]):
            yield Violation(path, f"{_short(instance)} is not one of {schema['enum']}")
        if isinstance(instance, dict):
            yield from self._object(instance, schema, path)
        elif isinstance(instance, list):
            yield from self._array(instance, schema, path)
        elif isinstance(instance, str):
            yield from self._string(instance, schema, path)
        elif isinstance(instance, (int, float)) and not isinstance(instance, bool):
            yield from self._number(instance, schema, path)
        for sub in schema.get("allOf", []):
            yield from self.violations(instance, sub, path)
        if "anyOf" in schema and not any(
            not any(True for _ in self.violations(instance, sub, path)) for sub in schema["anyOf"]
        ):
            yield Violation(path, f"{_short(instance)} matches none of the allowed shapes")

    def _object(self, instance: dict[str, Any], schema: dict[str, Any], path: str) -> Iterator[Violation]:
        for name in schema.get("required", []):
            if name not in instance:
                yield Violation(path, f"{name!r} is a required property")
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extra = schema.get("additionalProperties", True)
        for name, value in instance.items():
            where = f"{path}.{name}"
            matched = name in properties
            if matched:
                yield from self.violations(value, properties[name], where)
            for pattern, sub in patterns.items():
                if _regex(pattern).search(name):
                    matched = True
                    yield from self.violations(value, sub, where)
            if not matched:
                if extra is False:
                    yield Violation(path, f"Additional properties are not allowed ({name!r} was unexpected)")
                else:
                    yield from self.violations(value, extra, where)

    def _array(self, instance: list[Any], schema: dict[str, Any], path: str) -> Iterator[Violation]:
        if "minItems" in schema and len(instance) < schema["minItems"]:
            yield Violation(path, f"has {len(instance)} items, fewer than {schema['minItems']}")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            yield Violation(path, f"has {len(instance)} items, more than {schema['maxItems']}")
        items = schema.get("items")
        if isinstance(items, list):
            for index, (value, sub) in enumerate(zip(instance, items, strict=False)):
                yield from self.violations(value, sub, f"{path}[{index}]")
        elif items is not None:
            for index, value in enumerate(instance):
                yield from self.violations(value, items, f"{path}[{index}]")

    def _string(self, instance: str, schema: dict[str, Any], path: str) -> Iterator[Violation]:
        if "minLength" in schema and len(instance) < schema["minLength"]:
            yield Violation(path, f"is shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            yield Violation(path, f"is longer than {schema['maxLength']} characters ({len(instance)})")
        if "pattern" in schema and not _regex(schema["pattern"]).search(instance):
            yield Violation(path, f"{_short(instance)} does not match {schema['pattern']!r}")

    def _number(self, instance: float, schema: dict[str, Any], path: str) -> Iterator[Violation]:
        if "minimum" in schema and instance < schema["minimum"]:
            yield Violation(path, f"{instance} is less than the minimum of {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            yield Violation(path, f"{instance} is greater than the maximum of {schema['maximum']}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
