"""The event as EventBridge delivers it, and what a rule's target receives (Input, InputPath, InputTransformer).

Sources: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html (the top-level fields
version "0", a v4 UUID id, detail-type, source, account, time, region, resources, detail);
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html and
https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html (JSON paths in dot notation with
array indices; placeholders ``<name>``; predefined ``aws.events.rule-arn``, ``aws.events.rule-name``,
``aws.events.event.ingestion-time``, ``aws.events.event`` (without detail) and ``aws.events.event.json``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

_PATH_STEP = re.compile(r"\.([A-Za-z0-9_\-/]+|\*)|\[(\d+|\*)\]")


def iso_time(epoch: float) -> str:
    """An event ``time``: ISO 8601 in UTC to the second, as AWS services stamp events."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_event(
    *,
    source: str,
    detail_type: str,
    detail: Mapping[str, Any],
    account: str,
    region: str,
    time: float,
    resources: Sequence[str] = (),
) -> dict[str, Any]:
    """One event with EventBridge's top-level fields, in their documented order."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": iso_time(time),
        "region": region,
        "resources": list(resources),
        "detail": dict(detail),
    }


class PathError(ValueError):
    """A JSON path outside the syntax EventBridge supports."""


def json_path(document: Any, path: str) -> tuple[bool, Any]:
    """(found, value) of a JSON path (``$``, ``$.detail.state``, ``$.resources[0]``; ``*`` gives a list)."""
    if not path.startswith("$"):
        raise PathError(f"JSON path {path!r} must start with $")
    rest, steps = path[1:], []
    while rest:
        match = _PATH_STEP.match(rest)
        if match is None:
            raise PathError(f"JSON path {path!r} uses syntax EventBridge does not support")
        name, index = match.group(1), match.group(2)
        steps.append(name if name is not None else "*" if index == "*" else int(index))
        rest = rest[match.end() :]
    values = [document]
    wildcard = False
    for step in steps:
        found: list[Any] = []
        for value in values:
            if step == "*":
                wildcard = True
                found.extend(value.values() if isinstance(value, dict) else value if isinstance(value, list) else [])
            elif isinstance(step, int):
                if isinstance(value, list) and step < len(value):
                    found.append(value[step])
            elif isinstance(value, dict) and step in value:
                found.append(value[step])
        values = found
    if wildcard:
        return True, values
    return (True, values[0]) if values else (False, None)


def target_input(target: Mapping[str, Any], event: Mapping[str, Any], rule_arn: str, rule_name: str) -> str:
    """The text a rule's target receives for ``event``: Input, InputPath, InputTransformer, or the whole event."""
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        found, value = json_path(event, target["InputPath"])
        return json.dumps(value if found else None)
    transformer = target.get("InputTransformer")
    if transformer:
        variables: dict[str, Any] = {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": event.get("time"),
            "aws.events.event": {k: v for k, v in event.items() if k != "detail"},
            "aws.events.event.json": dict(event),
        }
        for name, path in (transformer.get("InputPathsMap") or {}).items():
            found, value = json_path(event, path)
            variables[name] = value if found else None
        return fill_template(transformer.get("InputTemplate", ""), variables)
    return json.dumps(event)


def fill_template(template: str, variables: Mapping[str, Any]) -> str:
    """Replace ``<name>`` placeholders: inside a JSON string the value's text, elsewhere its JSON.

    A string template that is not JSON (``"<instance> is in state <status>"``) receives strings as they are.
    """
    is_json = template.lstrip().startswith(("{", "["))
    out: list[str] = []
    in_string = escaped = False
    index = 0
    while index < len(template):
        char = template[index]
        if char == "<":
            end = template.find(">", index)
            name = template[index + 1 : end] if end > index else ""
            if name in variables:
                out.append(_placeholder(variables[name], in_json=is_json, in_string=in_string))
                index = end + 1
                continue
        if is_json:
            if escaped:
                escaped = False
            elif char == "\\" and in_string:
                escaped = True
            elif char == '"':
                in_string = not in_string
        out.append(char)
        index += 1
    return "".join(out)


def _placeholder(value: Any, *, in_json: bool, in_string: bool) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    if not in_json:
        return text
    return json.dumps(text)[1:-1] if in_string else json.dumps(value)
