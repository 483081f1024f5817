"""RAM "Resource Sharing State Change" events: emitted when an association changes status, on the emulator clock."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from mcgov.emulator import Emulator
from tests.event_world import CARD, RAM_PATTERN, STAGING, Recorder, card_arn, function, rule_to_lambda

OUTSIDER = "444444444444"


def statuses(emulator: Emulator, account: str = "card") -> list[tuple[str, str]]:
    """(association type, status) of every RAM event on an account's default bus, oldest first."""
    return [
        (e["detail"]["associationType"], e["detail"]["status"])
        for e in emulator.events.log(account=account)
        if e["source"] == "aws.ram"
    ]


def share(session: boto3.Session, principals: list[str], **extra: Any) -> str:
    ram = session.client("ram")
    out = ram.create_resource_share(name="churn", principals=principals, resourceArns=[card_arn()], **extra)
    arn: str = out["resourceShare"]["resourceShareArn"]
    return arn


@pytest.fixture
def watcher(emulator: Emulator, card_session: boto3.Session) -> Recorder:
    """A Lambda behind a rule on every RAM state change of the card account."""
    recorder = Recorder(emulator)
    rule_to_lambda(card_session, "ram-changes", RAM_PATTERN, function(emulator, card_session, "watcher", recorder))
    return recorder


def test_event_shape(emulator: Emulator, card_session: boto3.Session, watcher: Recorder) -> None:
    emulator.set_association_delay(polls=None, seconds=None)
    share_arn = share(card_session, [STAGING])
    principal = next(e for e in watcher.events if e["detail"]["associationType"] == "PRINCIPAL")
    assert principal == {
        "version": "0",
        "id": principal["id"],
        "detail-type": "Resource Sharing State Change",
        "source": "aws.ram",
        "account": CARD,
        "time": principal["time"],
        "region": "us-east-1",
        "resources": [share_arn],
        "detail": {
            "event": "Resource Share Association",
            "status": "associating",
            "resourceShareArn": share_arn,
            "resourceShareName": "churn",
            "associationType": "PRINCIPAL",
            "associatedEntity": STAGING,
        },
    }
    resource = next(e for e in watcher.events if e["detail"]["associationType"] == "RESOURCE")
    assert resource["resources"] == [share_arn, card_arn()]


def test_a_flip_by_time_is_delivered_when_the_clock_reaches_it(
    emulator: Emulator, card_session: boto3.Session, watcher: Recorder
) -> None:
    emulator.set_association_delay(polls=None, seconds=30)
    start = emulator.clock.now()
    share(card_session, [STAGING])
    assert statuses(emulator) == [("PRINCIPAL", "associating"), ("RESOURCE", "associating")]
    emulator.clock.advance(29)
    assert len(watcher.events) == 2
    emulator.clock.advance(600)  # one jump: the clock stops at the flip and delivers there
    assert statuses(emulator)[2:] == [("PRINCIPAL", "associated"), ("RESOURCE", "associated")]
    assert [round(t - start) for t in watcher.times] == [0, 0, 30, 30]
    assert emulator.events.errors == []


def test_a_flip_by_polls_is_delivered_before_the_next_call(
    emulator: Emulator, card_session: boto3.Session, watcher: Recorder
) -> None:
    emulator.set_association_delay(polls=2)
    share_arn = share(card_session, [STAGING])
    ram = card_session.client("ram")

    def poll() -> str:
        rows = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share_arn])
        return str(rows["resourceShareAssociations"][0]["status"])

    assert poll() == "ASSOCIATING"
    assert ("PRINCIPAL", "associated") not in statuses(emulator)
    assert poll() == "ASSOCIATING"  # the second poll that saw ASSOCIATING: the flip follows this request
    assert statuses(emulator)[-1] == ("PRINCIPAL", "associated")
    assert watcher.events[-1]["detail"]["status"] == "associated"
    assert poll() == "ASSOCIATED"


def test_failure_disassociation_and_suspension(
    emulator: Emulator, card_session: boto3.Session, watcher: Recorder
) -> None:
    emulator.set_association_delay(polls=None, seconds=60)
    share_arn = share(card_session, [STAGING, "333333333333"])
    emulator.fail_association(principal=STAGING, message="SCP denied")
    failed = [e for e in watcher.events if e["detail"]["status"] == "failed"]
    assert [(e["detail"]["associatedEntity"], e["detail"]["statusMessage"]) for e in failed] == [
        (STAGING, "SCP denied")
    ]
    emulator.clock.advance(60)
    card_session.client("ram").disassociate_resource_share(resourceShareArn=share_arn, principals=["333333333333"])
    emulator.set_association_status(share_arn, card_arn(), "SUSPENDED")
    prod = [e["detail"]["status"] for e in watcher.events if e["detail"]["associatedEntity"] == "333333333333"]
    assert prod == ["associating", "associated", "disassociating", "disassociated"]
    assert watcher.events[-1]["detail"]["status"] == "suspended"


def test_the_principal_account_hears_about_its_own_association(emulator: Emulator, card_session: boto3.Session) -> None:
    emulator.set_association_delay(polls=None, seconds=None)
    share(card_session, [STAGING])
    assert statuses(emulator, "staging") == [("PRINCIPAL", "associating"), ("PRINCIPAL", "associated")]
    assert {e["account"] for e in emulator.events.log(account="staging")} == {STAGING}
    assert statuses(emulator, "prod") == []


def test_invitations_accepted_rejected_and_expired(
    emulator: Emulator, card_session: boto3.Session, watcher: Recorder
) -> None:
    share(card_session, [OUTSIDER], allowExternalPrincipals=True)
    outsider = emulator.session(OUTSIDER).client("ram")
    invitation = outsider.get_resource_share_invitations()["resourceShareInvitations"][0]
    outsider.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    assert statuses(emulator, OUTSIDER)[-1] == ("PRINCIPAL", "associated")
    assert ("PRINCIPAL", "associated") in statuses(emulator)

    card_session.client("ram").create_resource_share(
        name="other", principals=["555555555555"], allowExternalPrincipals=True
    )
    start = emulator.clock.now()
    emulator.clock.advance(13 * 3600)
    expired = [e for e in watcher.events if e["detail"]["associatedEntity"] == "555555555555"]
    assert [e["detail"]["status"] for e in expired] == ["associating", "disassociated"]
    assert "expired" in expired[-1]["detail"]["statusMessage"]
    assert round(watcher.times[-1] - start) == 12 * 3600  # delivered when the invitation expired


def test_the_ram_user_guide_rule_hears_failures_only(emulator: Emulator, card_session: boto3.Session) -> None:
    failures = Recorder(emulator)
    pattern = {**RAM_PATTERN, "detail": {"event": ["Resource Share Association"], "status": ["failed"]}}
    rule_to_lambda(card_session, "failures", pattern, function(emulator, card_session, "alarm", failures))
    emulator.set_association_delay(polls=None, seconds=None)
    share(card_session, ["333333333333"])
    assert failures.events == []
    emulator.set_association_delay(polls=5)
    share(card_session, [STAGING])
    emulator.fail_association(principal=STAGING)
    assert [e["detail"]["associatedEntity"] for e in failures.events] == [STAGING]


def test_documented_detail_only(emulator: Emulator, card_session: boto3.Session, watcher: Recorder) -> None:
    emulator.events.configure(ram_detail="documented")
    share(card_session, [STAGING])
    assert watcher.events[0]["detail"] == {"event": "Resource Share Association", "status": "associating"}
    assert watcher.events[0]["resources"] == []


def test_dropped_events_never_arrive(emulator: Emulator, card_session: boto3.Session, watcher: Recorder) -> None:
    emulator.events.configure(drop_rate=1.0)
    emulator.set_association_delay(polls=None, seconds=None)
    share(card_session, [STAGING])
    assert watcher.events == [] and emulator.events.log() == []
    # associating and associated, each for the principal (to the owner and to staging) and the resource (the owner)
    assert len(emulator.events.dropped) == 6
    assert {d.account for d in emulator.events.dropped} == {CARD, STAGING}
    assert (
        card_session.client("ram").get_resource_share_associations(associationType="PRINCIPAL")[
            "resourceShareAssociations"
        ][0]["status"]
        == "ASSOCIATED"
    )  # the association itself is unaffected


def test_a_seeded_drop_rate_is_repeatable(emulator: Emulator, card_session: boto3.Session) -> None:
    emulator.set_association_delay(polls=None, seconds=None)
    emulator.events.configure(drop_rate=0.5, seed=7)
    for index in range(10):
        card_session.client("ram").create_resource_share(name=f"s{index}", principals=[STAGING])
    first = [(d.account, d.event["detail"]["status"]) for d in emulator.events.dropped]
    kept = len(emulator.events.log()) + len(emulator.events.log(account="staging"))
    assert 0 < len(first) < 40 and len(first) + kept == 40
    emulator.events.configure(seed=7)
    again = len(emulator.events.dropped)
    for index in range(10):
        card_session.client("ram").create_resource_share(name=f"t{index}", principals=[STAGING])
    second = [(d.account, d.event["detail"]["status"]) for d in emulator.events.dropped[again:]]
    assert second == first


def test_delayed_events_arrive_on_the_clock(emulator: Emulator, card_session: boto3.Session, watcher: Recorder) -> None:
    emulator.events.configure(delay_seconds=5)
    start = emulator.clock.now()
    share(card_session, [STAGING])
    assert watcher.events == [] and emulator.events.next_due() is not None
    emulator.clock.advance(5)
    assert len(watcher.events) == 2
    assert [round(t - start) for t in watcher.times] == [5, 5]
    assert watcher.events[0]["time"] <= watcher.events[1]["time"]


def test_a_ram_event_completes_a_state_machine_waiting_on_a_task_token(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    """The shape of an event-driven gate: a task registers its token, the RAM event's watcher completes it."""
    emulator.act_as("card")
    tokens: list[str] = []
    register = function(emulator, card_session, "register", lambda event, context: tokens.append(event["token"]))

    def watcher(event: dict[str, Any], context: Any) -> None:
        if event["detail"]["status"] == "associated" and event["detail"]["associationType"] == "PRINCIPAL":
            for token in tokens:
                boto3.client("stepfunctions", region_name="us-east-1").send_task_success(
                    taskToken=token, output=json.dumps({"allowed": True})
                )

    rule_to_lambda(card_session, "ram", RAM_PATTERN, function(emulator, card_session, "watcher", watcher))
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": register, "Payload": {"token.$": "$$.Task.Token"}},
        "End": True,
    }
    sfn = card_session.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="gate",
        definition=json.dumps({"StartAt": "Wait", "States": {"Wait": task}}),
        roleArn=f"arn:aws:iam::{CARD}:role/gate",
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    deadline = time.monotonic() + 10
    while not tokens and time.monotonic() < deadline:
        time.sleep(0.01)  # moto runs the execution on its own thread
    emulator.set_association_delay(polls=None, seconds=30)
    share(card_session, [STAGING])
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    emulator.clock.advance(30)
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.01)
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"allowed": True}
