"""A framework as data: its requirements, the source clause of each, and the card fields that evidence it.

A framework file (JSON, one per framework, see ``frameworks/``) is validated here, at load, with pydantic; a
bad file is a ``BadInputError`` naming the file, the row (index and id) and the field. What leaves this
module is the typed, frozen ``Framework`` with every content path already parsed.

File shape::

    {"name": "eu-ai-act-annex-iv", "title": "...", "version": "...", "url": "https://...", "scope": "...",
     "requirements": [
       {"id": "IV.1(a).purpose", "title": "...", "source": "Annex IV, point 1(a)",
        "fields": ["intended_uses.purpose_of_model", {"any_of": ["a.b", "c.d"]}]},
       {"id": "IV.9", "title": "...", "source": "Annex IV, point 9",
        "evidence": "not_evidenced_by_card", "reason": "..."}]}

Each item of ``fields`` is one piece of evidence: a content path, or ``any_of`` alternatives (present when
one of them is). A row is covered when every item is present, partial when some are, missing when none is.
A row a card cannot evidence at all says so (``evidence: not_evidenced_by_card`` and a ``reason``): it is
shown, never counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from mcgov.errors import BadInputError, describe_validation_error
from mcgov.parsing import SizeLimit, decode_utf8, parse_json, read_file
from mcgov.steps.assess.catalog import framework_text
from mcgov.steps.assess.paths import ContentPath, parse_content_path

NOT_EVIDENCED = "not_evidenced_by_card"
_ROW_ID = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.() \-]{0,46}[A-Za-z0-9.()])?$")
FRAMEWORK_FILE = SizeLimit("framework file", 1024 * 1024, "FRAMEWORK")


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: a content path, or alternatives any one of which is enough."""

    alternatives: tuple[ContentPath, ...]

    @property
    def label(self) -> str:
        return " or ".join(path.text for path in self.alternatives)


@dataclass(frozen=True)
class Requirement:
    """One row: ``evidence`` is empty and ``reason`` set when a card cannot evidence the requirement."""

    id: str
    title: str
    source: str
    evidence: tuple[Evidence, ...]
    reason: str | None = None

    @property
    def countable(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    version: str
    url: str
    scope: str
    requirements: tuple[Requirement, ...]

    @property
    def countable(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.countable)


def _path(text: str) -> str:
    parse_content_path(text)
    return text


_Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^\S(.*\S)?$")]
_PathText = Annotated[str, Field(max_length=300), AfterValidator(_path)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class _AnyOf(_Strict):
    any_of: list[_PathText] = Field(min_length=2, max_length=8)


_Item = Annotated[
    Annotated[_PathText, Tag("path")] | Annotated[_AnyOf, Tag("any_of")],
    Discriminator(lambda item: "path" if isinstance(item, str) else "any_of"),
]
_TAGS = frozenset({"path", "any_of"})


class _Row(_Strict):
    id: Annotated[str, Field(pattern=_ROW_ID.pattern)]
    title: _Text
    source: _Text
    fields: list[_Item] | None = Field(default=None, min_length=1, max_length=12)
    evidence: Literal["not_evidenced_by_card"] | None = None
    reason: _Text | None = None

    @model_validator(mode="after")
    def _evidence_or_reason(self) -> _Row:
        if self.evidence is None and (self.fields is None or self.reason is not None):
            raise ValueError(
                "a row lists the card fields that evidence it (fields), or says the card cannot "
                f'(evidence: "{NOT_EVIDENCED}" with a reason); give exactly one of the two'
            )
        if self.evidence is not None and (self.fields is not None or self.reason is None):
            raise ValueError(f'evidence "{NOT_EVIDENCED}" takes a reason and no fields')
        return self


class _File(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=63)]
    title: _Text
    version: _Text
    url: Annotated[str, Field(pattern=r"^https://\S+$", max_length=500)]
    scope: _Text
    requirements: list[_Row] = Field(min_length=1)

    @field_validator("requirements")
    @classmethod
    def _rows(cls, rows: list[_Row]) -> list[_Row]:
        seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            if row.id in seen:
                raise ValueError(f"[{index}] id repeats the one of requirements[{seen[row.id]}]; ids are unique")
            seen[row.id] = index
        if not any(row.evidence is None for row in rows):
            raise ValueError("no row lists card fields, so nothing could be scored; add fields to a row")
        return rows


def parse_framework(text: str, source: str, *, expected_name: str | None = None) -> Framework:
    """Validate framework JSON ``text`` (errors name ``source``, the row and the field) and type it."""
    data = parse_json(text, source)
    if not isinstance(data, dict):
        raise BadInputError("a framework file is a JSON object with name, title and requirements", source=source)
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        field, message = describe_validation_error(errors, union_tags=_TAGS)
        raise BadInputError(message, source=source, field=_with_row_id(field, errors[0]["loc"], data)) from None
    if expected_name is not None and parsed.name != expected_name:
        raise BadInputError(f"must equal the file name, {expected_name}", source=source, field="name")
    return Framework(
        name=parsed.name,
        title=parsed.title,
        version=parsed.version,
        url=parsed.url,
        scope=parsed.scope,
        requirements=tuple(_requirement(row) for row in parsed.requirements),
    )


def _with_row_id(field: str, loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """``requirements[3].fields[1]`` -> ``requirements[3] (IV.2(b).logic).fields[1]`` when the row has a valid id."""
    if len(loc) < 2 or loc[0] != "requirements" or not isinstance(loc[1], int):
        return field
    rows = data.get("requirements")
    row = rows[loc[1]] if isinstance(rows, list) and loc[1] < len(rows) else None
    row_id = row.get("id") if isinstance(row, dict) else None
    if not isinstance(row_id, str) or not _ROW_ID.fullmatch(row_id):
        return field
    head = f"requirements[{loc[1]}]"
    return f"{head} ({row_id}){field.removeprefix(head)}"


def _requirement(row: _Row) -> Requirement:
    evidence = tuple(
        Evidence(tuple(parse_content_path(p) for p in (item.any_of if isinstance(item, _AnyOf) else [item])))
        for item in row.fields or ()
    )
    return Requirement(id=row.id, title=row.title, source=row.source, evidence=evidence, reason=row.reason)


@cache
def load_framework(name: str, *, field: str = "--framework") -> Framework:
    """The packaged framework ``name``; ``BadInputError`` (naming ``field``) lists the known ones."""
    source, text = framework_text(name, field=field)
    return parse_framework(text, source, expected_name=name)


def load_framework_file(path: str | Path) -> Framework:
    """A framework from a local JSON file (a framework of your own, or a packaged one under review)."""
    source = str(path)
    text = decode_utf8(read_file(source, FRAMEWORK_FILE), source)
    return parse_framework(text, source, expected_name=Path(source).name.removesuffix(".json"))
