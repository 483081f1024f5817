"""The clock that waiting code reads and sleeps on: real time, unless an emulator explicitly provides its own.

The gate poller and the export wait call ``for_clients(...)`` and use its ``now()`` (epoch seconds) and
``sleep(seconds)``. Nothing in the product installs another clock, so a Lambda or a CLI run against AWS always
waits for real. Virtual time needs one of two explicit acts, both made by the emulator or its user:

* in-process, ``install(clock)``: an ``Emulator(virtual_time=True)`` (what the pytest fixture starts) installs
  its clock while it runs (``sleep`` advances it) and puts the previous one back when it stops;
* an emulator server, ``MCGOV_EMULATOR_CLOCK=1`` in the waiting process's environment: honoured only when every
  client the wait is for calls the same plain-http loopback endpoint (``AWS_ENDPOINT_URL=http://127.0.0.1:5000``)
  and that endpoint answers the emulator's ``GET /_emulator/state``; ``sleep`` then advances the server's clock
  (``POST /_emulator/clock/advance``) and ``now`` reads it. Otherwise, or when a control request fails, time is real.

It sits at the package root and imports nothing else of ``mcgov``: the emulator installs its clock here without
importing the product.
"""

from __future__ import annotations

import ipaddress
import json
import os
import time
import urllib.request
from typing import Any, Protocol
from urllib.parse import urlsplit

ENV_FLAG = "MCGOV_EMULATOR_CLOCK"
CONTROL_TIMEOUT_SECONDS = 5.0


class WaitClock(Protocol):
    """What waiting code needs from a clock."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class RealClock:
    """Wall-clock time and real sleeps."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class ServerClock:
    """The clock of an emulator server at ``endpoint``; a failed control request falls back to real time.

    The server's clock is its wall clock plus the advances, never behind this machine's, so falling back can
    only lengthen a wait, never end it early.
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")

    def now(self) -> float:
        try:
            return float(self._control("GET", "state")["now"])
        except (OSError, ValueError, KeyError, TypeError):
            return time.time()

    def sleep(self, seconds: float) -> None:
        try:
            self._control("POST", "clock/advance", {"seconds": seconds})
        except (OSError, ValueError):
            time.sleep(seconds)

    def answers(self) -> bool:
        """True when the endpoint is an emulator server that tells its time."""
        try:
            float(self._control("GET", "state")["now"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return True

    def _control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.endpoint}/_emulator/{route}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=CONTROL_TIMEOUT_SECONDS) as response:  # noqa: S310 - loopback http
            return json.loads(response.read())


REAL = RealClock()
_installed: WaitClock | None = None


def install(clock: WaitClock | None) -> WaitClock | None:
    """Make ``clock`` the clock of every wait in this process (``None``: real time again); returns the previous one."""
    global _installed
    previous, _installed = _installed, clock
    return previous


def for_clients(*clients: Any) -> WaitClock:
    """The clock for a wait on AWS through ``clients`` (boto3 clients): the installed one, an emulator server's
    (see the module docstring), or real time."""
    if _installed is not None:
        return _installed
    if os.environ.get(ENV_FLAG) != "1" or not clients:
        return REAL
    endpoints = {getattr(getattr(client, "meta", None), "endpoint_url", None) for client in clients}
    if len(endpoints) != 1:
        return REAL
    (endpoint,) = endpoints
    if not (isinstance(endpoint, str) and is_loopback_http(endpoint)):
        return REAL
    server = ServerClock(endpoint)
    return server if server.answers() else REAL


def is_loopback_http(url: str) -> bool:
    """True for an ``http://`` URL whose host is ``localhost`` or a loopback address."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False
