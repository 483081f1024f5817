"""Virtual time: under the emulator the gate's waits advance the emulator's clock; against AWS they are real."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import boto3
import pytest

from mcgov import clock as wait_clock
from mcgov.emulator.core import Emulator
from mcgov.emulator.server import EmulatorServer
from mcgov.steps.cli.main import main
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO

POLICY = str(REPO / "share_policies" / "example.yaml")
POLL_INTERVAL = 5  # the example policy's gate.poll_interval_seconds, the default


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every call of ``time.sleep`` during the test (none is made)."""
    calls: list[float] = []
    monkeypatch.setattr(time, "sleep", calls.append)
    return calls


def publish_share_gate(content_dir: Any, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """What a user's test runs: ``mcgov card publish``, ``share ensure`` and ``gate check`` with the policy's wait."""
    content = content_dir / "card.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "team"}}))
    assert (
        main(["card", "publish", "--name", "churn-model", "--content", str(content), "--status", "PendingReview"]) == 0
    )
    assert main(["share", "ensure", "--card", "churn-model", "--policy", POLICY]) == 0
    capsys.readouterr()
    code = main(["gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "staging"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return {"decision": json.loads(out), "progress": err}


def test_a_users_publish_share_gate_test_waits_on_the_emulator_clock(
    emulator, card_session, tmp_path, capsys, real_sleeps
):
    emulator.act_as("card")
    ensure_readonly_permission(card_session.client("ram"))
    before = emulator.clock.now()
    result = publish_share_gate(tmp_path, capsys)
    assert result["decision"]["allowed"] is True
    # one poll interval apart, on the gate's schedule (the emulator clock also moves with real time: a loaded machine
    # shifts a poll by a second at most)
    assert re.search(r"poll 1 after [01]s: waiting", result["progress"]), result["progress"]
    assert re.search(r"poll 2 after [4-6]s: allowed", result["progress"]), result["progress"]
    assert real_sleeps == []
    assert emulator.clock.now() - before >= POLL_INTERVAL


def test_the_backoff_runs_on_the_emulator_clock(emulator, card_session, tmp_path, capsys, real_sleeps):
    """Associations that settle after 60 emulator seconds: one poll per 5 s interval (the gate's schedule, anchored
    on the associations' creation just before the gate started), allowed at the first poll after the flip, no real
    sleep."""
    emulator.act_as("card")
    ensure_readonly_permission(card_session.client("ram"))
    emulator.set_association_delay(seconds=60)
    result = publish_share_gate(tmp_path, capsys)
    assert result["decision"]["allowed"] is True
    polls = [
        int(line.split(" after ")[1].split("s:")[0]) for line in result["progress"].splitlines() if " poll " in line
    ]
    # the emulator clock also moves with real time: a loaded machine shifts a poll by a second at most
    assert polls[0] <= 1 and all(3 <= b - a <= 6 for a, b in zip(polls, polls[1:], strict=False)), polls
    assert 60 <= polls[-1] <= 66 and len(polls) in (13, 14), polls
    assert real_sleeps == []


def test_without_virtual_time_waits_are_real():
    with Emulator() as emu:
        assert wait_clock.for_clients(emu.session("card").client("ram")) is wait_clock.REAL
    with Emulator(virtual_time=True) as emu:
        assert wait_clock.for_clients(emu.session("card").client("ram")) is emu.clock
    assert wait_clock.for_clients() is wait_clock.REAL


def _client(endpoint: str | None) -> Any:
    return boto3.client(
        "ram",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        None,  # AWS itself
        "https://127.0.0.1:5000",  # not plain http
        "http://10.0.0.8:5000",  # not loopback
        "http://emulator.example.com:5000",
        "http://127.0.0.1:9",  # loopback, but nothing answers there (the discard port)
    ],
)
def test_the_server_flag_is_ignored_unless_the_endpoint_is_a_loopback_emulator(monkeypatch, endpoint):
    monkeypatch.setenv(wait_clock.ENV_FLAG, "1")
    assert wait_clock.for_clients(_client(endpoint)) is wait_clock.REAL


def test_clients_of_different_endpoints_wait_for_real(monkeypatch):
    monkeypatch.setenv(wait_clock.ENV_FLAG, "1")
    with EmulatorServer(port=0) as server:
        assert isinstance(wait_clock.for_clients(_client(server.url)), wait_clock.ServerClock)
        assert wait_clock.for_clients(_client(server.url), _client(None)) is wait_clock.REAL
        monkeypatch.delenv(wait_clock.ENV_FLAG)
        assert wait_clock.for_clients(_client(server.url)) is wait_clock.REAL


def test_a_users_cli_run_against_the_server_waits_on_the_server_clock(monkeypatch, tmp_path, capsys, real_sleeps):
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    with EmulatorServer(port=0) as server:
        creds = server.credentials("card")
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            monkeypatch.setenv(key, creds[key])
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        monkeypatch.setenv(wait_clock.ENV_FLAG, "1")
        ensure_readonly_permission(boto3.Session(region_name="us-east-1").client("ram"))
        before = server.state.clock.now()
        result = publish_share_gate(tmp_path, capsys)
        assert result["decision"]["allowed"] is True
        assert re.search(r"poll 2 after [45]s: allowed", result["progress"]), result["progress"]  # one interval
        assert real_sleeps == []
        assert server.state.clock.now() - before >= POLL_INTERVAL
