"""Read a request moto is serving into the value of its operation's input shape, per protocol.

* ``json`` (SageMaker, Step Functions, EventBridge, DynamoDB, KMS, SQS): the operation from ``X-Amz-Target``, the
  value is the JSON body (``SerializationException`` when it is not a JSON object).
* ``rest-json`` (RAM, Lambda, EventBridge Scheduler): the operation and URI labels from moto's router (built
  from the botocore model); members bound to the URI, query string and headers are read from there (numbers
  and booleans parsed from text), the rest from the JSON body or the payload member.
* ``query`` (IAM, STS, CloudFormation): the form's flattened keys (``Tags.member.1.Key``, ``Attributes.entry.1.
  key``) rebuilt into lists, maps and structures.

Values that cannot be read as their shape's type become ``WrongType`` for the checker to report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from botocore.model import OperationModel, ServiceModel, Shape

from mcgov.emulator.inputs.check import WrongType


class Unreadable(ValueError):
    """The request body cannot be read as the protocol's format (AWS: SerializationException)."""


@dataclass(frozen=True)
class RequestParts:
    """What the parsers need from a request, independent of moto's classes."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str]


def operation_name(service: ServiceModel, parts: RequestParts, router_match: str | None) -> str | None:
    """The operation a request calls, or None when it names none of the model's."""
    protocol = service.protocol
    if protocol == "json":
        target = parts.headers.get("x-amz-target", "")
        name = target.rsplit(".", 1)[-1] if target else None
    elif protocol == "query":
        name = parts.form.get("Action")
    else:
        name = router_match
    return name if name in service.operation_names else None


def read_input(operation: OperationModel, parts: RequestParts, uri_params: dict[str, str]) -> dict[str, Any]:
    """The input value of ``operation`` carried by the request."""
    shape = operation.input_shape
    if shape is None:
        return {}
    protocol = operation.service_model.protocol
    if protocol == "json":
        return _json_object(parts.body)
    if protocol == "query":
        value = _query_value(shape, parts.form, "")
        return value if isinstance(value, dict) else {}
    if protocol == "rest-json":
        return _rest_json(shape, parts, uri_params)
    raise NotImplementedError(f"protocol {protocol}")


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unreadable("Unable to parse the request body as JSON.") from exc
    if not isinstance(value, dict):
        raise Unreadable("Start of list or scalar found where a structure was expected.")
    return value


def _scalar(shape: Shape, text: str) -> Any:
    """A value sent as text (URI, query string, header, form) read as ``shape``'s type."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return WrongType(text, "a number")
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            return WrongType(text, "a number")
    if kind == "boolean":
        lowered = text.lower()
        return True if lowered == "true" else False if lowered == "false" else WrongType(text, "a boolean")
    return text


def _rest_json(shape: Shape, parts: RequestParts, uri_params: dict[str, str]) -> dict[str, Any]:
    payload_name = shape.serialization.get("payload")
    value: dict[str, Any] = {}
    if payload_name:
        payload = shape.members[payload_name]
        if payload.type_name in ("structure", "union"):
            if parts.body.strip():
                value[payload_name] = _json_object(parts.body)
        elif parts.body:
            value[payload_name] = parts.body if payload.type_name == "blob" else parts.body.decode("utf-8", "replace")
    else:
        value.update(_json_object(parts.body))
    query = parse_qs(parts.query, keep_blank_values=True)
    claimed = {m.serialization.get("name", n) for n, m in shape.members.items() if m.serialization.get("location")}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            if wire in uri_params:
                value[name] = _scalar(member, uri_params[wire])
        elif location == "querystring":
            if member.type_name == "map":
                rest = {k: v[0] for k, v in query.items() if k not in claimed}
                if rest:
                    value[name] = rest
            elif wire in query:
                if member.type_name == "list":
                    value[name] = [_scalar(member.member, v) for v in query[wire]]
                else:
                    value[name] = _scalar(member, query[wire][0])
        elif location == "header":
            header = parts.headers.get(wire.lower())
            if header is not None:
                if member.type_name == "list":
                    value[name] = [_scalar(member.member, v.strip()) for v in header.split(",")]
                else:
                    value[name] = _scalar(member, header)
        elif location == "headers":
            prefix = wire.lower()
            found = {k[len(prefix) :]: v for k, v in parts.headers.items() if k.startswith(prefix)}
            if found:
                value[name] = found
    return value


def _query_value(shape: Shape, form: dict[str, str], prefix: str) -> Any:
    """The value under ``prefix`` in a query form, or None when absent."""
    kind = shape.type_name
    if kind == "structure":
        value: dict[str, Any] = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            found = _query_value(member, form, f"{prefix}.{wire}" if prefix else wire)
            if found is not None:
                value[name] = found
        return value if value or not prefix else None
    if kind == "list":
        if form.get(prefix) == "":
            return []
        if shape.serialization.get("flattened"):
            item_prefix = prefix
        else:
            item_prefix = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        items: list[Any] = []
        while (item := _query_value(shape.member, form, f"{item_prefix}.{len(items) + 1}")) is not None:
            items.append(item)
        return items or None
    if kind == "map":
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        entries: dict[Any, Any] = {}
        index = 1
        while (key := form.get(f"{base}.{index}.{key_name}")) is not None:
            entries[key] = _query_value(shape.value, form, f"{base}.{index}.{value_name}")
            index += 1
        return entries or None
    text = form.get(prefix)
    return None if text is None else _scalar(shape, text)
