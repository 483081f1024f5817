"""Who may talk to the emulator server: loopback only, against cross-origin pages and DNS rebinding.

A web page open in a developer's browser can send requests to ``http://127.0.0.1:5000`` (cross-origin, with an
``Origin`` header) or, after rebinding its own DNS name to 127.0.0.1, as a same-origin page whose ``Host`` header
names the attacker's domain. ``LoopbackGuard`` refuses both before moto or the control endpoints see the request.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_CORS_ORIGIN_HEADER = "access-control-allow-origin"


def _is_loopback_name(name: str) -> bool:
    """localhost, a name under .localhost (RFC 6761 keeps them on loopback), 127.0.0.1 or ::1."""
    name = name.lower()
    return name in _LOOPBACK_NAMES or name.endswith(".localhost")


def is_loopback_host(host: str | None) -> bool:
    """True for a ``Host`` header naming a loopback name, with or without a port (``[::1]:5000`` included)."""
    if not host:
        return False
    try:
        parts = urlsplit(f"//{host}")
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None or parts.path:
        return False
    return parts.hostname is not None and _is_loopback_name(parts.hostname)


def is_loopback_origin(origin: str) -> bool:
    """True for an ``Origin`` of an http(s) page served from a loopback name."""
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.path or parts.query or parts.fragment:
        return False
    return parts.hostname is not None and parts.username is None and _is_loopback_name(parts.hostname)


def is_loopback_bind(host: str) -> bool:
    """True when binding ``host`` listens on loopback interfaces only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class LoopbackGuard:
    """WSGI middleware: 403 for a non-loopback ``Host`` or a non-loopback ``Origin``, on every path.

    Responses never carry a foreign origin in ``Access-Control-Allow-Origin`` (moto's flask-cors echoes the
    request's ``Origin``; only loopback origins get that far, and the header is dropped for any other value).
    """

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        reason = self.refusal(environ.get("HTTP_HOST"), environ.get("HTTP_ORIGIN"))
        if reason is not None:
            body = json.dumps({"error": reason}).encode()
            start_response("403 Forbidden", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]

        def guarded_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            kept = [
                (name, value)
                for name, value in headers
                if name.lower() != _CORS_ORIGIN_HEADER or is_loopback_origin(value)
            ]
            return start_response(status, kept, *args)

        return self.app(environ, guarded_start_response)

    @staticmethod
    def refusal(host: str | None, origin: str | None) -> str | None:
        """Why a request with these headers is refused, or None when it may pass (values are never echoed)."""
        if not is_loopback_host(host):
            return (
                "The emulator answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]); "
                "the Host header names another host."
            )
        if origin is not None and not is_loopback_origin(origin):
            return "The emulator refuses cross-origin requests from pages not served from a loopback address."
        return None
