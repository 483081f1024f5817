"""Events in server mode: the control routes, and the background pump that delivers with no request made."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from mcgov.emulator.server import EmulatorServer
from tests.event_world import CARD, RAM_PATTERN, STAGING, card_arn


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, pump_interval=0.02) as running:
        yield running


def control(server: EmulatorServer, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.url}/_emulator/{route}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def client(server: EmulatorServer, service: str) -> Any:
    session: boto3.Session = server.session(CARD)
    return session.client(service, endpoint_url=server.url)


def ram_rule_to_queue(server: EmulatorServer) -> str:
    sqs = client(server, "sqs")
    url = sqs.create_queue(QueueName="ram-changes")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = client(server, "events")
    events.put_rule(Name="ram", EventPattern=json.dumps(RAM_PATTERN))
    events.put_targets(Rule="ram", Targets=[{"Id": "q", "Arn": arn}])
    return str(url)


def test_clock_advance_delivers_a_timed_flip(server: EmulatorServer) -> None:
    url = ram_rule_to_queue(server)
    control(server, "POST", "association-delay", {"polls": None, "seconds": 600})
    client(server, "ram").create_resource_share(name="churn", principals=[STAGING], resourceArns=[card_arn()])
    control(server, "POST", "clock/advance", {"seconds": 601})
    logged = control(server, "GET", "events?bus=default&account=card")["events"]
    assert [e["detail"]["status"] for e in logged] == ["associating", "associating", "associated", "associated"]
    bodies = client(server, "sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(bodies) == 4
    deliveries = control(server, "GET", "events/deliveries")["deliveries"]
    assert {d["outcome"] for d in deliveries} == {"delivered"} and len(deliveries) == 4
    assert control(server, "GET", "events?account=staging")["events"][-1]["detail"]["status"] == "associated"


def test_events_config_route(server: EmulatorServer) -> None:
    settings = control(server, "POST", "events/config", {"drop_rate": 1.0, "seed": 3})
    assert settings["drop_rate"] == 1.0 and settings["seed"] == 3
    client(server, "ram").create_resource_share(name="churn", principals=[STAGING])
    assert control(server, "GET", "events")["events"] == []
    with pytest.raises(urllib.error.HTTPError) as exc:
        control(server, "POST", "events/config", {"drop_rate": 2})
    assert exc.value.code == 400


def test_the_background_pump_delivers_without_any_request(server: EmulatorServer) -> None:
    ram_rule_to_queue(server)
    control(server, "POST", "association-delay", {"polls": None, "seconds": 0.3})
    client(server, "ram").create_resource_share(name="churn", principals=[STAGING])
    before = len(server.events.deliveries())
    deadline = time.monotonic() + 10
    while len(server.events.deliveries()) == before and time.monotonic() < deadline:
        time.sleep(0.02)  # no request is made: only the server's pump thread can deliver
    assert [d.input for d in server.events.deliveries()[before:]][0].count('"associated"') == 1
