"""EventBridge in the emulator: PutEvents as AWS answers it, the bus log, and rules delivering to their targets."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator
from tests.event_world import CARD, STAGING, Recorder, function, messages, queue, rule_to_lambda

GATE = {"source": ["mcgov"], "detail-type": ["Gate Decision"]}


def put(session: boto3.Session, bus: str = "default", **entry: Any) -> dict[str, Any]:
    base = {
        "Source": "mcgov",
        "DetailType": "Gate Decision",
        "Detail": json.dumps({"allowed": True}),
        "EventBusName": bus,
    }
    return session.client("events").put_events(Entries=[{**base, **entry}])


def test_put_events_on_a_custom_bus_is_logged_as_eventbridge_delivers_it(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    events = card_session.client("events")
    bus_arn = events.create_event_bus(Name="governance")["EventBusArn"]
    out = put(card_session, "governance", Resources=["arn:aws:sagemaker:us-east-1:111111111111:model-card/churn"])
    assert out["FailedEntryCount"] == 0
    [logged] = emulator.events.log("governance")
    assert logged == {
        "version": "0",
        "id": out["Entries"][0]["EventId"],
        "detail-type": "Gate Decision",
        "source": "mcgov",
        "account": CARD,
        "time": logged["time"],
        "region": "us-east-1",
        "resources": ["arn:aws:sagemaker:us-east-1:111111111111:model-card/churn"],
        "detail": {"allowed": True},
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", logged["time"])
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", logged["id"])
    assert emulator.events.log(bus_arn) == [logged]
    assert emulator.events.log() == []  # the default bus saw nothing


def test_put_events_time_is_kept(emulator: Emulator, card_session: boto3.Session) -> None:
    put(card_session, Time=1767312000)
    assert emulator.events.log()[0]["time"] == "2026-01-02T00:00:00Z"


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"Source": "aws.ram"}, "NotAuthorizedForSourceException"),  # "aws." sources are AWS's own
        ({"Detail": "{not json"}, "MalformedDetail"),
        ({"Detail": "[1, 2]"}, "MalformedDetail"),
        ({"EventBusName": "no-such-bus"}, "ResourceNotFoundException"),
    ],
)
def test_refused_entries_fail_alone(
    emulator: Emulator, card_session: boto3.Session, entry: dict[str, Any], code: str
) -> None:
    base = {"Source": "mcgov", "DetailType": "Gate Decision", "Detail": "{}"}
    out = card_session.client("events").put_events(Entries=[{**base, **entry}, base])
    assert out["FailedEntryCount"] == 1
    assert out["Entries"][0]["ErrorCode"] == code and "EventId" not in out["Entries"][0]
    assert "EventId" in out["Entries"][1]
    assert len(emulator.events.log()) == 1


def test_entries_over_256_kb_are_refused(emulator: Emulator, card_session: boto3.Session) -> None:
    big = json.dumps({"blob": "x" * (130 * 1024)})
    entries = [{"Source": "mcgov", "DetailType": "Gate Decision", "Detail": big}] * 2
    with pytest.raises(ClientError) as exc:
        card_session.client("events").put_events(Entries=entries)
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert emulator.events.log() == []


def test_another_accounts_bus_needs_its_policy(
    emulator: Emulator, card_session: boto3.Session, staging_session: boto3.Session
) -> None:
    bus_arn = card_session.client("events").create_event_bus(Name="governance")["EventBusArn"]
    refused = put(staging_session, bus_arn)
    assert refused["Entries"][0]["ErrorCode"] == "AccessDeniedException"
    card_session.client("events").put_permission(
        EventBusName="governance", Action="events:PutEvents", Principal=STAGING, StatementId="staging"
    )
    assert put(staging_session, bus_arn)["FailedEntryCount"] == 0
    [logged] = emulator.events.log("governance")
    assert logged["account"] == STAGING  # the sender's account
    assert emulator.events.log("governance", account="staging") == []


def test_rule_to_sqs_receives_the_whole_event(emulator: Emulator, card_session: boto3.Session) -> None:
    url, arn = queue(card_session, "decisions")
    events = card_session.client("events")
    events.put_rule(Name="gate", EventPattern=json.dumps(GATE))
    events.put_targets(Rule="gate", Targets=[{"Id": "q", "Arn": arn}])
    put(card_session)
    put(card_session, DetailType="Card Approved")
    [body] = messages(card_session, url)
    assert json.loads(body) == emulator.events.log()[0]  # account included, nothing reshaped


def test_rule_to_sns_reaches_the_topic_subscribers(emulator: Emulator, card_session: boto3.Session) -> None:
    url, queue_arn = queue(card_session, "inbox")
    sns = card_session.client("sns")
    topic = sns.create_topic(Name="gate-decisions")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    events = card_session.client("events")
    events.put_rule(Name="gate", EventPattern=json.dumps(GATE))
    events.put_targets(Rule="gate", Targets=[{"Id": "t", "Arn": topic}])
    put(card_session)
    [body] = messages(card_session, url)
    assert json.loads(json.loads(body)["Message"])["detail-type"] == "Gate Decision"


def test_rule_to_lambda_needs_the_function_permission(emulator: Emulator, card_session: boto3.Session) -> None:
    watcher = Recorder(emulator)
    fn = function(emulator, card_session, "watcher", watcher)
    rule = rule_to_lambda(card_session, "gate", GATE, fn, permit=False)
    put(card_session)
    [failed] = emulator.events.deliveries()
    assert failed.outcome == "failed" and "does not allow events.amazonaws.com" in (failed.error or "")
    assert watcher.events == []
    card_session.client("lambda").add_permission(
        FunctionName="watcher",
        StatementId="other-rule",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=rule.replace("/gate", "/other"),
    )
    put(card_session)
    assert watcher.events == []  # a permission for another rule's ARN does not count
    card_session.client("lambda").add_permission(
        FunctionName="watcher",
        StatementId="gate-rule",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=rule,
    )
    out = put(card_session)
    [event] = watcher.events
    assert event["id"] == out["Entries"][0]["EventId"] and event["account"] == CARD
    assert emulator.events.deliveries()[-1].outcome == "delivered"


def test_lambda_function_errors_are_retried_twice_on_the_clock(emulator: Emulator, card_session: boto3.Session) -> None:
    watcher = Recorder(emulator, fail_times=5)
    rule_to_lambda(card_session, "gate", GATE, function(emulator, card_session, "watcher", watcher))
    start = emulator.clock.now()
    put(card_session)
    assert len(watcher.events) == 1
    emulator.clock.advance(59)
    assert len(watcher.events) == 1
    emulator.clock.advance(3600)
    assert len(watcher.events) == 3  # two retries, then Lambda gives up
    assert [round(t - start) for t in watcher.times] == [0, 60, 180]
    assert [d.outcome for d in emulator.events.deliveries()] == ["function-error"] * 3
    assert emulator.events.deliveries()[0].error == "the watcher failed"


def test_rule_state_and_pattern_decide_delivery(emulator: Emulator, card_session: boto3.Session) -> None:
    watcher = Recorder(emulator)
    rule_to_lambda(
        card_session,
        "blocked",
        {**GATE, "detail": {"allowed": [False]}},
        function(emulator, card_session, "watcher", watcher),
    )
    put(card_session)
    assert watcher.events == []
    card_session.client("events").disable_rule(Name="blocked")
    put(card_session, Detail=json.dumps({"allowed": False}))
    assert watcher.events == []
    card_session.client("events").enable_rule(Name="blocked")
    put(card_session, Detail=json.dumps({"allowed": False}))
    assert [e["detail"] for e in watcher.events] == [{"allowed": False}]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ({"Input": '{"fixed": 1}'}, {"fixed": 1}),
        ({"InputPath": "$.detail"}, {"allowed": True, "card": "churn"}),
        (
            {
                "InputTransformer": {
                    "InputPathsMap": {"card": "$.detail.card", "ok": "$.detail.allowed"},
                    "InputTemplate": (
                        '{"text": "<card> allowed: <ok>", "card": <card>, "ok": <ok>, "rule": "<aws.events.rule-name>"}'
                    ),
                }
            },
            {"text": "churn allowed: true", "card": "churn", "ok": True, "rule": "gate"},
        ),
    ],
)
def test_target_input(emulator: Emulator, card_session: boto3.Session, target: dict[str, Any], expected: Any) -> None:
    watcher = Recorder(emulator)
    rule_to_lambda(card_session, "gate", GATE, function(emulator, card_session, "watcher", watcher), **target)
    put(card_session, Detail=json.dumps({"allowed": True, "card": "churn"}))
    assert watcher.events == [expected]


def test_rule_to_step_functions_needs_a_role_that_may_start_it(emulator: Emulator, card_session: boto3.Session) -> None:
    sfn = card_session.client("stepfunctions")
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    machine = sfn.create_state_machine(
        name="on-decision", definition=json.dumps(definition), roleArn=f"arn:aws:iam::{CARD}:role/sfn"
    )["stateMachineArn"]
    role = emulator.create_role(
        "events-to-sfn",
        {
            "start": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": machine}],
            }
        },
    )
    events = card_session.client("events")
    events.put_rule(Name="gate", EventPattern=json.dumps(GATE))
    events.put_targets(
        Rule="gate", Targets=[{"Id": "no-role", "Arn": machine}, {"Id": "sm", "Arn": machine, "RoleArn": role}]
    )
    out = put(card_session)
    by_target = {d.target_id: d for d in emulator.events.deliveries()}
    assert by_target["no-role"].outcome == "failed" and "RoleArn" in (by_target["no-role"].error or "")
    assert by_target["sm"].outcome == "delivered"
    [execution] = sfn.list_executions(stateMachineArn=machine)["executions"]
    described = sfn.describe_execution(executionArn=execution["executionArn"])
    assert json.loads(described["input"])["id"] == out["Entries"][0]["EventId"]


def test_failed_delivery_goes_to_the_dead_letter_queue(emulator: Emulator, card_session: boto3.Session) -> None:
    dlq_url, dlq_arn = queue(card_session, "dlq")
    events = card_session.client("events")
    events.put_rule(Name="gate", EventPattern=json.dumps(GATE))
    missing = f"arn:aws:lambda:us-east-1:{CARD}:function:missing"
    events.put_targets(Rule="gate", Targets=[{"Id": "fn", "Arn": missing, "DeadLetterConfig": {"Arn": dlq_arn}}])
    put(card_session)
    [failed] = emulator.events.deliveries(target=missing)
    assert failed.outcome == "failed"
    [body] = messages(card_session, dlq_url)
    assert json.loads(body)["detail-type"] == "Gate Decision"


def test_a_target_runs_after_the_request_and_may_put_events_itself(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    seen: list[str] = []

    def relay(event: dict[str, Any], context: Any) -> None:
        seen.append(event["detail-type"])
        boto3.client("events", region_name="us-east-1").put_events(
            Entries=[{"Source": "mcgov", "DetailType": "Relayed", "Detail": "{}"}]
        )

    emulator.act_as("card")
    rule_to_lambda(card_session, "gate", GATE, function(emulator, card_session, "relay", relay))
    watcher = Recorder(emulator)
    rule_to_lambda(
        card_session, "relayed", {"detail-type": ["Relayed"]}, function(emulator, card_session, "w", watcher)
    )
    put(card_session)
    assert seen == ["Gate Decision"]
    assert [e["detail-type"] for e in watcher.events] == ["Relayed"]
    assert [e["detail-type"] for e in emulator.events.log()] == ["Gate Decision", "Relayed"]
    assert emulator.events.errors == []


def test_invalid_pattern_and_test_event_pattern(emulator: Emulator, card_session: boto3.Session) -> None:
    events = card_session.client("events")
    with pytest.raises(ClientError) as exc:
        events.put_rule(Name="bad", EventPattern=json.dumps({"source": [{"prefixx": "aws."}]}))
    assert exc.value.response["Error"]["Code"] == "InvalidEventPatternException"
    assert "Unrecognized match type prefixx" in exc.value.response["Error"]["Message"]
    event = json.dumps({"id": "1", "source": "mcgov", "detail-type": "Gate Decision", "detail": {"allowed": True}})
    assert events.test_event_pattern(EventPattern=json.dumps(GATE), Event=event)["Result"] is True
    other = json.dumps({**GATE, "detail": {"allowed": [False]}})
    assert events.test_event_pattern(EventPattern=other, Event=event)["Result"] is False


def test_input_rules_apply_to_eventbridge(emulator: Emulator, card_session: boto3.Session) -> None:
    with pytest.raises(ClientError) as exc:
        card_session.client("events").put_rule(Name="bad name!", EventPattern=json.dumps(GATE))
    error = exc.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern" in error["Message"]


def test_iam_applies_to_put_events(emulator: Emulator, card_session: boto3.Session) -> None:
    bus_arn = card_session.client("events").create_event_bus(Name="governance")["EventBusArn"]
    statement = {"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus_arn}
    role = emulator.create_role("notifier", {"put": {"Version": "2012-10-17", "Statement": [statement]}})
    session = emulator.session_for_role(role)
    assert put(session, "governance")["FailedEntryCount"] == 0
    with pytest.raises(ClientError) as exc:
        put(session, "default")
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "events:PutEvents" in exc.value.response["Error"]["Message"]


def test_background_pump_delivers_without_requests(emulator: Emulator, card_session: boto3.Session) -> None:
    url, arn = queue(card_session, "later")
    events = card_session.client("events")
    events.put_rule(Name="gate", EventPattern=json.dumps(GATE))
    events.put_targets(Rule="gate", Targets=[{"Id": "q", "Arn": arn}])
    delivered = []
    emulator.events.run_background(0.01)
    try:
        emulator.state.events.at(emulator.clock.now(), lambda: delivered.append("ran"))
        deadline = time.monotonic() + 5
        while not delivered and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        emulator.events.stop_background()
    assert delivered == ["ran"]


@pytest.mark.parametrize("with_permission", [True, False])
def test_a_stack_rule_reaches_its_function_only_with_the_stack_permission(
    emulator: Emulator, card_session: boto3.Session, with_permission: bool
) -> None:
    role = card_session.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    watcher = Recorder(emulator)
    emulator.register_lambda_handler("watcher", watcher)
    function_properties = {
        "FunctionName": "watcher",
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": role,
        "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
    }
    resources: dict[str, Any] = {
        "Watcher": {"Type": "AWS::Lambda::Function", "Properties": function_properties},
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {"EventPattern": GATE, "Targets": [{"Id": "w", "Arn": {"Fn::GetAtt": ["Watcher", "Arn"]}}]},
        },
    }
    if with_permission:
        resources["Permission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": {"Ref": "Watcher"},
                "Action": "lambda:InvokeFunction",
                "Principal": "events.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]},
            },
        }
    card_session.client("cloudformation").create_stack(StackName="s", TemplateBody=json.dumps({"Resources": resources}))
    put(card_session)
    assert len(watcher.events) == (1 if with_permission else 0)
    [delivery] = emulator.events.deliveries()
    assert delivery.outcome == ("delivered" if with_permission else "failed")


def test_a_target_role_replaces_the_resource_policy(emulator: Emulator, card_session: boto3.Session) -> None:
    watcher = Recorder(emulator)
    fn = function(emulator, card_session, "watcher", watcher)
    invoke = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn}],
    }
    allowed = emulator.create_role("events-invoke", {"invoke": invoke})
    denied = emulator.create_role("events-nothing", {})
    events = card_session.client("events")
    events.put_rule(Name="gate", EventPattern=json.dumps(GATE))
    events.put_targets(
        Rule="gate",
        Targets=[{"Id": "allowed", "Arn": fn, "RoleArn": allowed}, {"Id": "denied", "Arn": fn, "RoleArn": denied}],
    )
    put(card_session)
    by_target = {d.target_id: d for d in emulator.events.deliveries()}
    assert by_target["allowed"].outcome == "delivered" and len(watcher.events) == 1
    assert by_target["denied"].outcome == "failed" and "lambda:InvokeFunction" in (by_target["denied"].error or "")
