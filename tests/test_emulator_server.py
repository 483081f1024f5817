"""The emulator server answers loopback only: foreign Host (DNS rebinding) and Origin (cross-origin pages) get 403."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from mcgov.emulator.loopback import is_loopback_bind, is_loopback_host, is_loopback_origin
from mcgov.emulator.server import EmulatorServer

CARD = "111111111111"


def test_binding_beyond_loopback_warns(capsys: pytest.CaptureFixture[str]) -> None:
    assert is_loopback_bind("127.0.0.1") and is_loopback_bind("::1") and is_loopback_bind("localhost")
    assert not is_loopback_bind("0.0.0.0")
    with EmulatorServer(port=0, host="0.0.0.0") as wide:
        assert wide.url.startswith("http://127.0.0.1:")
    assert "warning" in capsys.readouterr().err
    with EmulatorServer(port=0):
        pass
    assert "warning" not in capsys.readouterr().err


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0) as running:
        yield running


def raw(
    server: EmulatorServer, method: str, path: str, host: str | None, origin: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send one request with exactly these Host and Origin headers."""
    port = int(server.url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        conn.putheader("Host", host)
    if origin is not None:
        conn.putheader("Origin", origin)
    conn.putheader("Content-Length", "0")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def share_count(server: EmulatorServer) -> int:
    ram = server.session(CARD).client("ram", endpoint_url=server.url)
    return len(ram.get_resource_shares(resourceOwner="SELF")["resourceShares"])


@pytest.mark.parametrize("path", ["/moto-api/data.json", "/moto-api/reset", "/_emulator/state", "/"])
@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:5000", "localhost.attacker.example", None])
def test_foreign_host_is_refused_on_every_path(server: EmulatorServer, path: str, host: str | None) -> None:
    status, headers, body = raw(server, "POST" if path.endswith("reset") else "GET", path, host)
    assert status == 403
    assert "access-control-allow-origin" not in headers
    assert b"attacker" not in body


def test_reset_with_rebinding_host_keeps_the_state(server: EmulatorServer) -> None:
    ram = server.session(CARD).client("ram", endpoint_url=server.url)
    ram.create_resource_share(name="kept")
    before = share_count(server)
    status, _, _ = raw(server, "POST", "/moto-api/reset", "attacker.example")
    assert status == 403
    assert share_count(server) == before >= 1


@pytest.mark.parametrize(
    "origin", ["http://attacker.example", "https://evil.test:8443", "null", "http://127.0.0.1.nip.io"]
)
def test_cross_origin_request_is_refused_and_not_echoed(server: EmulatorServer, origin: str) -> None:
    port = server.url.rsplit(":", 1)[1]
    for method, path in (("GET", "/moto-api/data.json"), ("OPTIONS", "/moto-api/reset"), ("GET", "/_emulator/state")):
        status, headers, body = raw(server, method, path, f"127.0.0.1:{port}", origin)
        assert status == 403
        assert origin not in headers.get("access-control-allow-origin", "")
        assert origin.encode() not in body


@pytest.mark.parametrize("host_name", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST", "bucket.localhost"])
def test_loopback_hosts_are_served(server: EmulatorServer, host_name: str) -> None:
    port = server.url.rsplit(":", 1)[1]
    status, _, body = raw(server, "GET", "/_emulator/state", f"{host_name}:{port}")
    assert status == 200
    assert "config" in json.loads(body)
    assert raw(server, "GET", "/moto-api/data.json", host_name)[0] == 200


def test_loopback_origin_is_served(server: EmulatorServer) -> None:
    port = server.url.rsplit(":", 1)[1]
    status, headers, _ = raw(server, "GET", "/moto-api/data.json", f"localhost:{port}", "http://localhost:3000")
    assert status == 200
    assert headers.get("access-control-allow-origin") in (None, "http://localhost:3000")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("localhost", True),
        ("localhost:5000", True),
        ("127.0.0.1:1", True),
        ("[::1]:5000", True),
        ("[::1]", True),
        ("a.b.localhost:80", True),
        ("localhost:notaport", False),
        ("localhost:5000/x", False),
        ("user@localhost", False),
        ("127.0.0.2", False),
        ("0.0.0.0", False),
        ("localhost.example", False),
        ("", False),
        (None, False),
    ],
)
def test_is_loopback_host(value: str | None, expected: bool) -> None:
    assert is_loopback_host(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://localhost:3000", True),
        ("https://127.0.0.1", True),
        ("http://[::1]:8080", True),
        ("file://localhost", False),
        ("http://localhost:3000/path", False),
        ("http://localhost.attacker.example", False),
        ("null", False),
    ],
)
def test_is_loopback_origin(value: str, expected: bool) -> None:
    assert is_loopback_origin(value) is expected
