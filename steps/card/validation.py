"""Full validation of card content before anything is written.

``validate_content`` checks a content dict against ``ModelCardContent`` (all the limits the published schema
forgets) and returns the normalized dict; ``serialize_content`` gives the one text that is sent to the
service, checked against the 100,000-character limit.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from mcgov.errors import BadInputError, describe_validation_error
from mcgov.parsing import parse_json
from mcgov.steps.card import limits as L
from mcgov.steps.card.content import ModelCardContent

_UNION_TAGS = frozenset({"number", "string", "boolean", "linear_graph", "bar_chart", "matrix"})


def validate_content(data: Any, *, source: str = "<content>") -> dict[str, Any]:
    """Validate card content and return it normalized (``None`` fields dropped, service field order)."""
    if not isinstance(data, dict):
        raise BadInputError(f"card content must be a JSON object, got {type(data).__name__}", source=source)
    try:
        model = ModelCardContent.model_validate(data)
    except ValidationError as exc:
        field, message = describe_validation_error(exc.errors(include_url=False), union_tags=_UNION_TAGS)
        field = field or "<content>"
        raise BadInputError(message, source=source, field=field) from None
    normalized = model.model_dump(mode="python", exclude_none=True)
    serialize_content(normalized, source=source)
    return normalized


def serialize_content(content: dict[str, Any], *, source: str = "<content>") -> str:
    """The exact ``Content`` text sent to SageMaker: compact JSON in model order, <= 100,000 characters."""
    try:
        text = json.dumps(content, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise BadInputError(f"content is not JSON-serializable: {exc}", source=source) from None
    if len(text) > L.CONTENT_MAX_CHARS:
        raise BadInputError(
            f"serialized content is {len(text):,} characters, over the {L.CONTENT_MAX_CHARS:,} limit; "
            f"largest sections: {_largest_sections(content)}. Remove or split evaluation reports.",
            source=source,
        )
    return text


def validate_content_text(text: str, *, source: str = "<content>") -> dict[str, Any]:
    """Validate a ``Content`` string as the service receives it."""
    if not isinstance(text, str):
        raise BadInputError("content must be a JSON string", source=source)
    if len(text) > L.CONTENT_MAX_CHARS:
        raise BadInputError(
            f"content is {len(text):,} characters, over the {L.CONTENT_MAX_CHARS:,} limit", source=source
        )
    # strict: duplicate keys, deep nesting and non-finite numbers are invalid JSON naming ``source``
    return validate_content(parse_json(text, source), source=source)


def _largest_sections(content: dict[str, Any]) -> str:
    sizes: list[tuple[int, str]] = []
    for key, value in content.items():
        if key == "evaluation_details" and isinstance(value, list):
            sizes.extend((len(json.dumps(e)), f"evaluation_details[{e.get('name')!r}]") for e in value)
        else:
            sizes.append((len(json.dumps(value)), key))
    sizes.sort(reverse=True)
    return ", ".join(f"{name} ({size:,} chars)" for size, name in sizes[:3])
