"""EventBridge Scheduler in the emulator: expressions, schedules firing on the emulator clock, CloudFormation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator
from mcgov.emulator.scheduler.expressions import ExpressionError, parse
from tests.event_world import CARD, Recorder, function, messages, queue

FLEX_OFF = {"Mode": "OFF"}


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "timezone", "after", "expected"),
    [
        ("rate(5 minutes)", None, "2026-01-01T00:00:00", "2026-01-01T00:05:00"),
        ("rate(1 hour)", None, "2026-01-01T00:00:00", "2026-01-01T01:00:00"),
        ("rate(2 days)", None, "2026-01-01T00:00:00", "2026-01-03T00:00:00"),
        ("cron(0 12 * * ? *)", None, "2026-01-01T12:00:00", "2026-01-02T12:00:00"),
        ("cron(15 10 ? * MON-FRI *)", None, "2026-01-02T10:15:00", "2026-01-05T10:15:00"),  # Friday -> Monday
        ("cron(0/30 * * * ? *)", None, "2026-01-01T00:10:00", "2026-01-01T00:30:00"),
        ("cron(0 9 1 JAN ? 2027)", None, "2026-06-01T00:00:00", "2027-01-01T09:00:00"),
        ("cron(0 12 * * ? *)", "Europe/Paris", "2026-01-01T00:00:00", "2026-01-01T11:00:00"),  # UTC+1 in winter
    ],
)
def test_next_firing(text: str, timezone: str | None, after: str, expected: str) -> None:
    assert parse(text, timezone).next_after(epoch(after)) == epoch(expected)


def test_at_fires_once_in_its_time_zone() -> None:
    expression = parse("at(2026-03-01T08:00:00)", "America/New_York")
    assert expression.first(0) == epoch("2026-03-01T13:00:00")
    assert expression.next_after(expression.first(0) or 0) is None


@pytest.mark.parametrize(
    ("text", "timezone"),
    [
        ("rate(0 minutes)", None),
        ("rate(5 weeks)", None),
        ("rate(-1 minutes)", None),
        ("rate(5minutes)", None),
        ("at(2026-02-30T00:00:00)", None),
        ("cron(0 12 * * * *)", None),  # ? in one of the day fields
        ("cron(0 12 * *)", None),
        ("cron(0 25 * * ? *)", None),
        ("cron(0 12 L * ? *)", None),  # L, W and # are not emulated
        ("every 5 minutes", None),
        ("rate(5 minutes)", "Mars/Olympus"),
    ],
)
def test_refused_expressions(text: str, timezone: str | None) -> None:
    with pytest.raises(ExpressionError):
        parse(text, timezone)


def scheduler_role(emulator: Emulator, action: str, resource: str) -> str:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    return emulator.create_role(
        f"scheduler-{action.split(':')[0]}", {"p": {"Version": "2012-10-17", "Statement": [statement]}}
    )


@pytest.fixture
def recheck(emulator: Emulator, card_session: boto3.Session) -> tuple[Recorder, str, str]:
    """(recorder, function ARN, role ARN allowed to invoke it)."""
    recorder = Recorder(emulator)
    arn = function(emulator, card_session, "recheck", recorder)
    return recorder, arn, scheduler_role(emulator, "lambda:InvokeFunction", arn)


def create(session: boto3.Session, name: str, expression: str, target: dict[str, Any], **extra: Any) -> str:
    arn: str = session.client("scheduler").create_schedule(
        Name=name, ScheduleExpression=expression, FlexibleTimeWindow=FLEX_OFF, Target=target, **extra
    )["ScheduleArn"]
    return arn


def test_a_rate_schedule_invokes_its_lambda_on_the_clock(
    emulator: Emulator, card_session: boto3.Session, recheck: tuple[Recorder, str, str]
) -> None:
    recorder, fn, role = recheck
    start = emulator.clock.now()
    text = '{"schedule": "<aws.scheduler.schedule-arn>", "at": "<aws.scheduler.scheduled-time>"}'
    arn = create(card_session, "gate-recheck", "rate(5 minutes)", {"Arn": fn, "RoleArn": role, "Input": text})
    assert len(recorder.events) == 1  # a rate schedule without StartDate starts at once
    first = recorder.times[0]  # the clock runs on with real time too: the creation took some of it
    assert start <= first <= emulator.clock.now()
    emulator.clock.advance(299)
    assert len(recorder.events) == 1
    emulator.clock.advance(3600 - 299)
    assert len(recorder.events) == 13
    assert [round(t - first) for t in recorder.times] == [300 * i for i in range(13)]
    assert recorder.events[1]["schedule"] == arn
    assert recorder.events[1]["at"] == datetime.fromtimestamp(recorder.times[1], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert {d.outcome for d in emulator.events.deliveries(via=arn)} == {"delivered"}


def test_the_schedule_role_must_allow_the_call(emulator: Emulator, card_session: boto3.Session) -> None:
    recorder = Recorder(emulator)
    fn = function(emulator, card_session, "recheck", recorder)
    other = scheduler_role(emulator, "lambda:InvokeFunction", fn + "-other")
    arn = create(card_session, "denied", "rate(1 minute)", {"Arn": fn, "RoleArn": other})
    [delivery] = emulator.events.deliveries(via=arn)
    assert delivery.outcome == "failed" and "lambda:InvokeFunction" in (delivery.error or "")
    missing = f"arn:aws:iam::{CARD}:role/no-such-role"
    arn = create(card_session, "no-role", "rate(1 minute)", {"Arn": fn, "RoleArn": missing})
    assert "does not exist" in (emulator.events.deliveries(via=arn)[0].error or "")
    assert recorder.events == []


def test_disabled_start_and_end_dates(
    emulator: Emulator, card_session: boto3.Session, recheck: tuple[Recorder, str, str]
) -> None:
    recorder, fn, role = recheck
    now = emulator.clock.now()
    target = {"Arn": fn, "RoleArn": role, "Input": "{}"}
    create(card_session, "off", "rate(1 minute)", target, State="DISABLED")
    create(
        card_session,
        "window",
        "rate(10 minutes)",
        target,
        StartDate=datetime.fromtimestamp(now + 600, UTC),
        EndDate=datetime.fromtimestamp(now + 1800, UTC),
    )
    emulator.clock.advance(7200)
    assert [round(t - now) for t in recorder.times] == [600, 1200, 1800]
    scheduler = card_session.client("scheduler")
    scheduler.update_schedule(
        Name="off", ScheduleExpression="rate(1 minute)", FlexibleTimeWindow=FLEX_OFF, Target=target, State="ENABLED"
    )
    assert len(recorder.events) == 4  # enabled: fires from now on, missed firings are not replayed


def test_one_time_schedule_deletes_itself(
    emulator: Emulator, card_session: boto3.Session, recheck: tuple[Recorder, str, str]
) -> None:
    recorder, fn, role = recheck
    when = datetime.fromtimestamp(emulator.clock.now() + 3600, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    create(
        card_session, "once", f"at({when})", {"Arn": fn, "RoleArn": role, "Input": "{}"}, ActionAfterCompletion="DELETE"
    )
    emulator.clock.advance(7200)
    assert len(recorder.events) == 1
    with pytest.raises(ClientError) as exc:
        card_session.client("scheduler").get_schedule(Name="once")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_schedule_to_sqs(emulator: Emulator, card_session: boto3.Session) -> None:
    url, arn = queue(card_session, "ticks")
    role = scheduler_role(emulator, "sqs:SendMessage", arn)
    create(card_session, "tick", "rate(1 hour)", {"Arn": arn, "RoleArn": role, "Input": "tick"})
    assert messages(card_session, url) == ["tick"]


def test_refused_requests(emulator: Emulator, card_session: boto3.Session) -> None:
    target = {"Arn": f"arn:aws:lambda:us-east-1:{CARD}:function:x", "RoleArn": f"arn:aws:iam::{CARD}:role/r"}
    scheduler = card_session.client("scheduler")
    for kwargs, code in [
        ({"ScheduleExpression": "rate(0 minutes)"}, "ValidationException"),
        ({"ScheduleExpression": "rate(5 minutes)", "GroupName": "no-such-group"}, "ResourceNotFoundException"),
        ({"ScheduleExpression": "rate(5 minutes)", "Name": "bad name!"}, "ValidationException"),  # input rules
    ]:
        with pytest.raises(ClientError) as exc:
            scheduler.create_schedule(
                **{"Name": "s", "FlexibleTimeWindow": FLEX_OFF, "Target": target, **kwargs}  # type: ignore[arg-type]
            )
        assert exc.value.response["Error"]["Code"] == code


def test_iam_applies_to_scheduler(emulator: Emulator) -> None:
    role = emulator.create_role(
        "reader",
        {
            "p": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "scheduler:Get*", "Resource": "*"}],
            }
        },
    )
    scheduler = emulator.session_for_role(role).client("scheduler")
    target = {"Arn": f"arn:aws:lambda:us-east-1:{CARD}:function:x", "RoleArn": f"arn:aws:iam::{CARD}:role/r"}
    with pytest.raises(ClientError) as exc:
        scheduler.create_schedule(
            Name="s", ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow=FLEX_OFF, Target=target
        )
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "scheduler:CreateSchedule" in exc.value.response["Error"]["Message"]


def test_a_stack_makes_a_schedule_that_fires(
    emulator: Emulator, card_session: boto3.Session, recheck: tuple[Recorder, str, str]
) -> None:
    recorder, fn, role = recheck
    template = {
        "Resources": {
            "Recheck": {
                "Type": "AWS::Scheduler::Schedule",
                "Properties": {
                    "ScheduleExpression": "rate(5 minutes)",
                    "FlexibleTimeWindow": FLEX_OFF,
                    "Target": {"Arn": fn, "RoleArn": role, "Input": json.dumps({"source": "stack"})},
                },
            }
        },
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Recheck", "Arn"]}}, "Name": {"Value": {"Ref": "Recheck"}}},
    }
    cfn = card_session.client("cloudformation")
    cfn.create_stack(StackName="gate", TemplateBody=json.dumps(template))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName="gate")["Stacks"][0]["Outputs"]}
    described = card_session.client("scheduler").get_schedule(Name=outputs["Name"])
    assert described["Arn"] == outputs["Arn"]
    emulator.clock.advance(300)
    assert recorder.events == [{"source": "stack"}] * 2  # at creation, then five minutes later
    cfn.delete_stack(StackName="gate")
    assert card_session.client("scheduler").list_schedules()["Schedules"] == []
