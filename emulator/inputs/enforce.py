"""Refuse a request whose input breaks the installed botocore model, before moto acts on it.

``refusal(response)`` is called by the patched ``BaseResponse.call_action`` (``mcgov.emulator.patches``) for every
request of every service that goes through it. Constraint violations answer ``ValidationException``
(``ValidationError`` for the query protocol: IAM, STS, CloudFormation), values of the wrong type
``SerializationException`` (JSON protocols). S3 (rest-xml) is not checked here: S3 answers per-member error codes
(``InvalidArgument``, ``InvalidStorageClass``...), not this generic validation; moto's S3 checks apply.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel
from moto.core.routing import (
    ActionConstraintContext,
    MethodNotAllowed,
    NotFound,
    RequiredArg,
    RequiredHeader,
    _get_path_info_for_matching,
    _match_path,
    get_service_router,
)

from mcgov.emulator.aws_errors import ErrorResponse, error_response
from mcgov.emulator.inputs.check import check, message
from mcgov.emulator.inputs.parse import RequestParts, Unreadable, operation_name, read_input

CHECKED_PROTOCOLS = frozenset({"json", "rest-json", "query"})


@cache
def service_model(service: str) -> ServiceModel | None:
    """The installed botocore model of ``service`` (boto3 name), or None when botocore has none."""
    session = botocore.session.get_session()
    try:
        return session.get_service_model(service)
    except Exception:  # noqa: BLE001 - botocore raises UnknownServiceError and friends
        return None


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    """Cached operation models: their input shapes (and the shapes' members) are built once."""
    model = service_model(service)
    assert model is not None
    return model.operation_model(operation)


def validation_code(model: ServiceModel) -> str:
    """The error code AWS uses for input constraint violations in this service's protocol."""
    return "ValidationError" if model.protocol == "query" else "ValidationException"


def request_parts(response: Any) -> RequestParts:
    """The request a moto ``BaseResponse`` is serving, as the parsers read it."""
    request = response.normalized_request
    raw = response.raw_body
    body = raw if isinstance(raw, bytes) else (raw or "").encode("utf-8")
    form = {key: values[0] for key, values in (response.querystring or {}).items() if values}
    return RequestParts(
        method=request.method,
        path=request.path,
        query=request.query_string.decode("latin-1"),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        form=form,
    )


def identify(response: Any) -> tuple[ServiceModel, OperationModel, RequestParts, dict[str, str]] | None:
    """Service model, operation, request parts and URI labels of a request, or None when not modelled."""
    model = service_model(response.boto3_service_name)
    if model is None or model.protocol not in CHECKED_PROTOCOLS:
        return None
    parts = request_parts(response)
    routed: str | None = None
    uri_params: dict[str, str] = {}
    if model.protocol.startswith("rest"):
        routed, uri_params = route(model.service_name, model.protocol, response.normalized_request)
        if routed is None:
            return None
    name = operation_name(model, parts, routed)
    if name is None:
        return None
    return model, operation_model(model.service_name, name), parts, uri_params


def route(service: str, protocol: str, request: Any) -> tuple[str | None, dict[str, str]]:
    """The operation of a REST request and its URI labels, by moto's router (built from the model).

    moto's router also requires the operation's required query-string members and headers; a request missing
    one is matched here on path and method alone, so it meets the "must not be null" rule instead of a 404.
    """
    router = get_service_router(service)
    try:
        matched, params = router.match(request)
        return matched.name, params
    except (NotFound, NotImplementedError):
        pass
    try:
        matcher = router._get_router(protocol)._map.bind(request.host)  # type: ignore[attr-defined]
        rule, arguments = _match_path(matcher, _get_path_info_for_matching(request.raw_path), request.method)
    except (NotFound, MethodNotAllowed, AttributeError):
        return None, {}
    context = ActionConstraintContext(request)
    names = [
        candidate.operation.name
        for candidate in rule._action_selector.candidates  # type: ignore[attr-defined]
        if all(
            (isinstance(c, RequiredArg | RequiredHeader) and c.value is None) or c.accept(context)
            for c in candidate.constraints
        )
    ]
    return (names[0], dict(arguments)) if len(names) == 1 else (None, {})


def refusal(response: Any) -> ErrorResponse | None:
    """The error response AWS would send for this request's input, or None when the input is valid."""
    found = identify(response)
    if found is None:
        return None
    model, operation, parts, uri_params = found
    try:
        value = read_input(operation, parts, uri_params)
    except Unreadable as exc:
        return error_response(model, "SerializationException", str(exc))
    violations = check(operation.input_shape, value)
    if not violations:
        return None
    wrong_types = [v for v in violations if v.serialization]
    if wrong_types:
        code = "SerializationException" if model.protocol != "query" else validation_code(model)
        return error_response(model, code, wrong_types[0].sentence())
    return error_response(model, validation_code(model), message(violations))
