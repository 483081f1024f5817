"""Card content paths: parsed and checked against the content model's path table, and read from a content dict.

The table (``content_tree.json``, package data) is generated from the pydantic content model by
``tools/content_tree.py`` and checked current by a test, so checking a path or assessing a card loads no content
model (the gate Lambda evaluates policies with this module).

A path names card content the way ``mcgov card show`` prints it (snake_case)::

    model_overview.model_description                 a field
    business_details                                 a whole section (present when any field in it is)
    evaluation_details[].metric_groups               a field of every item of a list of objects
    additional_information.custom_details[cost_center]   one key of a string map (ends the path)

A value is *present* when it is non-empty after stripping: a string with more than white space, a number or
boolean, a list with a present item, a mapping with a present value. A ``[]`` path is present when any item
has the field present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

TREE_FILE = "content_tree.json"
_SEGMENT = re.compile(r"(?P<name>[a-z][a-z_]*)(?:\[(?P<key>[^\[\]]*)\])?")
KEY_MAX = 256


@dataclass(frozen=True)
class Segment:
    """One step of a path: a field, every item of a list of objects (``each``), or one key of a map (``key``)."""

    name: str
    each: bool = False
    key: str | None = None


@dataclass(frozen=True)
class ContentPath:
    """A checked content path; ``text`` is how it is written."""

    text: str
    segments: tuple[Segment, ...]

    def values(self, content: Mapping[str, Any]) -> list[Any]:
        """The values the path reaches in ``content`` (several through ``[]``); wrong shapes reach nothing."""
        nodes: list[Any] = [content]
        for segment in self.segments:
            reached: list[Any] = []
            for node in nodes:
                value = node.get(segment.name) if isinstance(node, Mapping) else None
                if segment.each:
                    reached.extend(value if isinstance(value, list) else [])
                elif segment.key is not None:
                    reached.append(value.get(segment.key) if isinstance(value, Mapping) else None)
                else:
                    reached.append(value)
            nodes = reached
        return nodes

    def present(self, content: Mapping[str, Any]) -> bool:
        return any(is_present(value) for value in self.values(content))


def is_present(value: Any) -> bool:
    """Non-empty after stripping (see the module docstring); iterative, so no nesting depth can make it raise."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.strip():
                return True
        elif isinstance(item, bool | int | float):
            return True
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
    return False


@dataclass(frozen=True)
class _Shape:
    """What a field holds: fields of its own (``object``), a list of objects (``list``), a string map, or a leaf."""

    kind: str  # object | list | map | leaf
    fields: Mapping[str, Any] | None = None


def _shape(entry: Any) -> _Shape:
    if isinstance(entry, dict):
        ((kind, fields),) = entry.items()
        return _Shape(kind, fields)
    return _Shape(entry)


@cache
def _root() -> Mapping[str, Any]:
    """The content path table (package data generated from the content model by ``tools/content_tree.py``)."""
    root: Mapping[str, Any] = json.loads(resources.files(__package__).joinpath(TREE_FILE).read_text(encoding="utf-8"))
    return root


def _fields(fields: Mapping[str, Any]) -> dict[str, _Shape]:
    return {name: _shape(entry) for name, entry in fields.items()}


_SYNTAX = (
    "not a card content path; write dotted snake_case field names such as model_overview.model_description, "
    "evaluation_details[].metric_groups for each item of a list, or additional_information.custom_details[KEY] "
    "for one key of a map"
)


@lru_cache(maxsize=1024)
def parse_content_path(text: str) -> ContentPath:
    """Parse ``text`` and check it against the content model; ``ValueError`` says what is wrong and the fix.

    Messages name the valid part of the path and the fields that may follow, never the offending text.
    """
    if not isinstance(text, str) or not text.isascii():
        raise ValueError(_SYNTAX)
    body, key = _split_key(text)
    parts = body.split(".")
    segments: list[Segment] = []
    fields: Mapping[str, Any] | None = _root()
    where = "the card content"
    for index, part in enumerate(parts):
        match = _SEGMENT.fullmatch(part)
        if match is None or (key is not None and index == len(parts) - 1 and match["key"] is not None):
            raise ValueError(_SYNTAX if not segments else f"after {where}: {_SYNTAX}")
        if fields is None:
            raise ValueError(f"{where} has no fields; end the path there")
        shapes = _fields(fields)
        name, last = match["name"], index == len(parts) - 1
        bracket = key if last and key is not None else match["key"]
        if name not in shapes:
            raise ValueError(f"{where} has no field by that name; use one of {', '.join(shapes)}")
        shape = shapes[name]
        here = f"{where}.{name}" if segments else name
        if bracket == "":
            if shape.kind != "list":
                raise ValueError(f"{here} is not a list of objects; remove the []")
            if last:
                raise ValueError(f"{here}[] must be followed by one of its fields; or write {here} for the whole list")
            segments.append(Segment(name, each=True))
            fields, where = shape.fields, f"{here}[]"
        elif bracket is not None:
            if shape.kind != "map":
                raise ValueError(f"{here} is not a map of keys; remove the [KEY]")
            if not bracket.strip() or len(bracket) > KEY_MAX or not bracket.isprintable():
                raise ValueError(f"{here}[KEY]: the key must be 1-{KEY_MAX} printable characters")
            if not last:
                raise ValueError(f"{here}[KEY] ends a path; remove what follows it")
            segments.append(Segment(name, key=bracket))
        else:
            if shape.kind == "list" and not last:
                raise ValueError(f"{here} is a list; write {here}[] to read a field of each item")
            segments.append(Segment(name))
            fields, where = (shape.fields if shape.kind == "object" else None), here
    return ContentPath(text, tuple(segments))


def _split_key(text: str) -> tuple[str, str | None]:
    """``a.b[some.key]`` -> (``a.b``, ``some.key``): a map key ends a path and may hold dots."""
    opening = text.rfind("[")
    if text.endswith("]") and opening != -1 and opening < len(text) - 2:
        return text[:opening], text[opening + 1 : -1]
    return text, None


def content_paths() -> Iterator[str]:
    """Every path to a field of the content model (``[]`` through lists of objects, no map keys)."""

    def walk(fields: Mapping[str, Any], prefix: str) -> Iterator[str]:
        for name, shape in _fields(fields).items():
            path = prefix + name
            yield path
            if shape.fields is not None:
                yield from walk(shape.fields, path + ("." if shape.kind == "object" else "[]."))

    return walk(_root(), "")
