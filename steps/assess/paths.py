"""Card content paths: parsed and checked against the content model, and read from a content dict.

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

import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Union

from pydantic import BaseModel

from mcgov.steps.card.content import ModelCardContent

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
    """Non-empty after stripping (see the module docstring)."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, bool | int | float):
        return True
    if isinstance(value, list):
        return any(is_present(item) for item in value)
    if isinstance(value, Mapping):
        return any(is_present(item) for item in value.values())
    return False


@dataclass(frozen=True)
class _Shape:
    """What a model field holds: another model, a list of models, a string map, or a value with no fields."""

    kind: str  # model | models | map | leaf
    model: type[BaseModel] | None = None


def _strip(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` -> ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@cache
def _fields(model: type[BaseModel]) -> dict[str, _Shape]:
    shapes: dict[str, _Shape] = {}
    for name, info in model.model_fields.items():
        annotation = _strip(info.annotation)
        origin = typing.get_origin(annotation)
        if _is_model(annotation):
            shapes[name] = _Shape("model", annotation)
        elif origin is list and _is_model(item := _strip(typing.get_args(annotation)[0])):
            shapes[name] = _Shape("models", item)
        elif origin is dict:
            shapes[name] = _Shape("map")
        else:
            shapes[name] = _Shape("leaf")
    return shapes


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
    model: type[BaseModel] | None = ModelCardContent
    where = "the card content"
    for index, part in enumerate(parts):
        match = _SEGMENT.fullmatch(part)
        if match is None or (key is not None and index == len(parts) - 1 and match["key"] is not None):
            raise ValueError(_SYNTAX if not segments else f"after {where}: {_SYNTAX}")
        if model is None:
            raise ValueError(f"{where} has no fields; end the path there")
        shapes = _fields(model)
        name, last = match["name"], index == len(parts) - 1
        bracket = key if last and key is not None else match["key"]
        if name not in shapes:
            raise ValueError(f"{where} has no field by that name; use one of {', '.join(shapes)}")
        shape = shapes[name]
        here = f"{where}.{name}" if segments else name
        if bracket == "":
            if shape.kind != "models":
                raise ValueError(f"{here} is not a list of objects; remove the []")
            if last:
                raise ValueError(f"{here}[] must be followed by one of its fields; or write {here} for the whole list")
            segments.append(Segment(name, each=True))
            model, where = shape.model, f"{here}[]"
        elif bracket is not None:
            if shape.kind != "map":
                raise ValueError(f"{here} is not a map of keys; remove the [KEY]")
            if not bracket.strip() or len(bracket) > KEY_MAX or not bracket.isprintable():
                raise ValueError(f"{here}[KEY]: the key must be 1-{KEY_MAX} printable characters")
            if not last:
                raise ValueError(f"{here}[KEY] ends a path; remove what follows it")
            segments.append(Segment(name, key=bracket))
        else:
            if shape.kind == "models" and not last:
                raise ValueError(f"{here} is a list; write {here}[] to read a field of each item")
            segments.append(Segment(name))
            model, where = (shape.model if shape.kind == "model" else None), here
    return ContentPath(text, tuple(segments))


def _split_key(text: str) -> tuple[str, str | None]:
    """``a.b[some.key]`` -> (``a.b``, ``some.key``): a map key ends a path and may hold dots."""
    opening = text.rfind("[")
    if text.endswith("]") and opening != -1 and opening < len(text) - 2:
        return text[:opening], text[opening + 1 : -1]
    return text, None


def content_paths() -> Iterator[str]:
    """Every path to a field of the content model (``[]`` through lists of objects, no map keys)."""

    def walk(model: type[BaseModel], prefix: str) -> Iterator[str]:
        for name, shape in _fields(model).items():
            path = prefix + name
            yield path
            if shape.kind == "model" and shape.model is not None:
                yield from walk(shape.model, path + ".")
            elif shape.kind == "models" and shape.model is not None:
                yield from walk(shape.model, path + "[].")

    return walk(ModelCardContent, "")
