"""Fault injection through botocore event hooks, for the reliability suites.

``FaultInjector`` numbers every AWS API call made through the sessions it is attached to (one index per
client method call, so each page of a paginator counts) and makes the sends of one chosen call fail the
way AWS or the network does:

* ``throttle``: HTTP 400 ``ThrottlingException`` (``SlowDown`` 503 for S3), retryable;
* ``internal``: HTTP 500 ``InternalFailure`` (``InternalError`` for S3), retryable;
* ``read_timeout``: ``botocore.exceptions.ReadTimeoutError`` before the request reaches AWS;
* ``connection_reset``: ``botocore.exceptions.ConnectionClosedError`` before the request reaches AWS;
* ``lost_response``: the emulator executes the request, then the response is lost (``ReadTimeoutError``),
  so the retry repeats a write that already happened;
* ``denied``: HTTP 400 ``AccessDeniedException``, not retryable.

Faults are real HTTP responses or botocore's own exception classes raised from ``before-send``, so botocore's retry
handler sees them exactly as it would in AWS. Except for ``lost_response`` the faulted request never reaches the
emulator (botocore calls every ``before-send`` handler, so the injector points a faulted request at an address moto
does not serve; botocore builds a new request for each retry). ``attempts`` is how many sends of the call fail
(``ALWAYS``: every attempt, so retries are exhausted). Use ``instant_retries`` to make botocore's back-off sleeps
free.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.endpoint
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

ALWAYS = 10_000
_UNSERVED_URL = "https://injected-fault.invalid/"
KINDS = ("throttle", "internal", "read_timeout", "connection_reset", "lost_response", "denied")

_JSON_ERRORS = {
    "throttle": (400, "ThrottlingException", "Rate exceeded"),
    "internal": (500, "InternalFailure", "We encountered an internal error. Please try again."),
    "denied": (400, "AccessDeniedException", "User is not authorized to perform this action (injected)"),
}
_XML_ERRORS = {
    "throttle": (400, "Throttling", "Rate exceeded"),
    "internal": (500, "InternalFailure", "We encountered an internal error. Please try again."),
    "denied": (403, "AccessDenied", "Access Denied (injected)"),
}
_S3_ERRORS = {
    "throttle": (503, "SlowDown", "Please reduce your request rate."),
    "internal": (500, "InternalError", "We encountered an internal error. Please try again."),
    "denied": (403, "AccessDenied", "Access Denied (injected)"),
}


def error_codes(kind: str) -> frozenset[str]:
    """The AWS error codes a ``kind`` fault answers with, in any wire format (for asserting a failure's reason)."""
    return frozenset(table[kind][1] for table in (_JSON_ERRORS, _XML_ERRORS, _S3_ERRORS) if kind in table)


class _RawBody:
    """The raw stream an ``AWSResponse`` reads its body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def error_response(request: AWSPreparedRequest, protocol: str, service: str, kind: str) -> AWSResponse:
    """An AWS error response of ``kind`` in the wire format of ``protocol`` (json, rest-json, query, rest-xml)."""
    if protocol in ("json", "rest-json"):
        status, code, message = _JSON_ERRORS[kind]
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {
            "x-amzn-RequestId": "injected-fault",
            "x-amzn-ErrorType": code,
            "Content-Type": "application/x-amz-json-1.1",
        }
    elif service == "s3":
        status, code, message = _S3_ERRORS[kind]
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message>'
            "<RequestId>injected-fault</RequestId></Error>"
        ).encode()
        headers = {"x-amz-request-id": "injected-fault", "Content-Type": "application/xml"}
    else:
        status, code, message = _XML_ERRORS[kind]
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>injected-fault</RequestId></ErrorResponse>"
        ).encode()
        headers = {"x-amzn-RequestId": "injected-fault", "Content-Type": "text/xml"}
    return AWSResponse(request.url, status, headers, _RawBody(body))


@dataclass
class Injected:
    """One fault that was injected: call index, service, operation, attempt number and kind."""

    index: int
    service: str
    operation: str
    attempt: int
    kind: str


@dataclass
class FaultInjector:
    """Counts API calls on attached sessions and fails call ``fail_at`` (``None``: count only)."""

    kind: str = "throttle"
    fail_at: int | None = None
    attempts: int = 1
    calls: list[tuple[str, str]] = field(default_factory=list)
    injected: list[Injected] = field(default_factory=list)
    _local: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}")

    def attach(self, session: Any) -> Any:
        """Hook into ``session`` (boto3 or botocore); only clients created afterwards are affected."""
        events = session.events if hasattr(session, "events") else session.get_component("event_emitter")
        events.register_first("before-call", self._before_call, unique_id=f"faults-call-{id(self)}")
        events.register_first("before-send", self._before_send, unique_id=f"faults-send-{id(self)}")
        return session

    def attach_client(self, client: Any) -> Any:
        """Hook into one already-created client (undo with ``detach_client``)."""
        client.meta.events.register_first("before-call", self._before_call, unique_id=f"faults-call-{id(self)}")
        client.meta.events.register_first("before-send", self._before_send, unique_id=f"faults-send-{id(self)}")
        return client

    def detach_client(self, client: Any) -> None:
        """Remove this injector's hooks from ``client``."""
        client.meta.events.unregister("before-call", unique_id=f"faults-call-{id(self)}")
        client.meta.events.unregister("before-send", unique_id=f"faults-send-{id(self)}")

    @contextmanager
    def attached(self, *clients: Any) -> Iterator[FaultInjector]:
        """Hook into ``clients`` for the duration of the ``with`` block."""
        for client in clients:
            self.attach_client(client)
        try:
            yield self
        finally:
            for client in clients:
                self.detach_client(client)

    def _before_call(self, model: Any, **_: Any) -> None:
        with self._lock:
            index = len(self.calls)
            self.calls.append((model.service_model.service_name, model.name))
        self._local.current = (index, model.service_model.service_name, model.name, model.service_model.protocol)
        self._local.attempt = 0

    def _before_send(self, request: AWSPreparedRequest, event_name: str = "", **_: Any) -> AWSResponse | None:
        current = getattr(self._local, "current", None)
        if current is None or self.fail_at is None:
            return None
        index, service, operation, protocol = current
        self._local.attempt += 1
        attempt = self._local.attempt
        if index != self.fail_at or attempt > self.attempts:
            return None
        self.injected.append(Injected(index, service, operation, attempt, self.kind))
        if self.kind == "read_timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if self.kind == "connection_reset":
            raise ConnectionClosedError(endpoint_url=request.url)
        if self.kind == "lost_response":
            _execute_in_emulator(event_name, request)
            raise ReadTimeoutError(endpoint_url=request.url)
        response = error_response(request, protocol, service, self.kind)
        request.url = _UNSERVED_URL  # every before-send handler runs: keep moto's from executing the request
        return response


def _execute_in_emulator(event_name: str, request: AWSPreparedRequest) -> None:
    """Let moto serve ``request`` (the write happens) and drop the response."""
    from moto.core.models import botocore_stubber

    botocore_stubber(event_name, request)


class _NoSleep:
    """Stands in for the ``time`` module inside ``botocore.endpoint``: back-off sleeps are recorded, not slept."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


@contextmanager
def instant_retries() -> Iterator[_NoSleep]:
    """Make botocore's retry back-off free for the duration (it calls ``time.sleep`` in ``botocore.endpoint``)."""
    fake = _NoSleep()
    original = botocore.endpoint.time
    botocore.endpoint.time = fake  # type: ignore[assignment]
    try:
        yield fake
    finally:
        botocore.endpoint.time = original
