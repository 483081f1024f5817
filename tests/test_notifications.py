"""Notifications (policy ``notifications.event_bus_arn``): the gate, ``mcgov card approve`` and the approval guard put
their decisions on the bus (source ``mcgov``); a PutEvents that fails changes no decision and no exit code, and is
logged and counted. The policy field is validated strictly; the stack grants PutEvents on that bus only and can add
an SNS topic with a rule on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy_text
from mcgov.steps.handlers import approval_guard, check_gate, gate_watcher
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.notify.bus import put_events
from mcgov.steps.notify.entries import (
    CARD_APPROVED,
    DETAIL_TYPES,
    ENTRY_MAX_BYTES,
    GATE_DECISION,
    PACKAGE_APPROVAL_REVERTED,
    SOURCE,
    Entry,
    batches,
    card_approved,
    gate_decision,
    package_reverted,
)
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import ALLOW_ALL, REPO, REVIEWER_ROLE

EXAMPLE = (REPO / "share_policies" / "example.yaml").read_text()
CARD_ACCOUNT = "111111111111"
CARD = f"arn:aws:sagemaker:us-east-1:{CARD_ACCOUNT}:model-card/churn-model"
BUS = f"arn:aws:events:us-east-1:{CARD_ACCOUNT}:event-bus/governance"
NO_BUS = f"arn:aws:events:us-east-1:{CARD_ACCOUNT}:event-bus/not-created"
PACKAGE = f"arn:aws:sagemaker:us-east-1:{CARD_ACCOUNT}:model-package/churn-model/1"
DENY_PUT_EVENTS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "events:PutEvents", "Resource": "*"}],
}


def _policy_text(bus: str | None = BUS) -> str:
    return EXAMPLE + (f"notifications:\n  event_bus_arn: {bus}\n" if bus else "")


def _policy(bus: str | None = BUS) -> Any:
    return parse_policy_text(_policy_text(bus), source="p.yaml")


# ---------------------------------------------------------------- the policy field


def test_the_policy_takes_an_event_bus_of_the_card_account_and_region() -> None:
    assert _policy().notifications.event_bus_arn == BUS
    assert _policy(BUS.replace("governance", "default")).notifications is not None
    assert _policy(None).notifications is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("arn:aws:sns:us-east-1:111111111111:governance", "not an EventBridge event bus ARN"),
        ("arn:aws:events:us-east-1:111111111111:rule/governance", "not an EventBridge event bus ARN"),
        ("arn:aws:events:us-east-1:111111111111:event-bus/aws.partner/saas/bus", "not an EventBridge event bus ARN"),
        (BUS.replace(CARD_ACCOUNT, "999999999999"), "must be in the card account 111111111111 and region us-east-1"),
        (BUS.replace("us-east-1", "eu-west-1"), "must be in the card account 111111111111 and region us-east-1"),
        (BUS.replace("arn:aws:", "arn:aws-cn:"), "must be in the card account 111111111111 and region us-east-1"),
        ('"' + BUS + '\\n"', "not an EventBridge event bus ARN"),
        (BUS + "x" * 300, "not an EventBridge event bus ARN"),
        ("governance", "not an EventBridge event bus ARN"),
        ('"' + BUS.replace("governance", "gov\\u0435rnance") + '"', "not an EventBridge event bus ARN"),  # Cyrillic e
        ("12", "Input should be a valid string"),
    ],
)
def test_a_bad_event_bus_is_refused_naming_the_field_never_the_value(value: str, problem: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_policy_text(EXAMPLE + f"notifications:\n  event_bus_arn: {value}\n", source="p.yaml")
    message = str(caught.value)
    assert message.startswith("p.yaml: notifications.event_bus_arn: ") and problem in message
    assert "999999999999" not in message and "x" * 20 not in message and "partner" not in message
    assert "\n" not in message


def test_a_huge_value_is_refused_in_one_short_line() -> None:
    with pytest.raises(BadInputError) as caught:
        parse_policy_text(EXAMPLE + f"notifications:\n  event_bus_arn: {'a' * 1_000_000}\n", source="p.yaml")
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("block", "field"),
    [
        (f"notifications:\n  event_bus_arn: {BUS}\n  topic: x\n", "notifications.topic"),
        ("notifications:\n  bus: governance\n", "notifications"),
        (f"notifications: {BUS}\n", "notifications"),
    ],
)
def test_the_notifications_block_is_strict(block: str, field: str) -> None:
    with pytest.raises(BadInputError, match=rf"^p\.yaml: {field}[.:]"):
        parse_policy_text(EXAMPLE + block, source="p.yaml")


# ---------------------------------------------------------------- the entries (pure)


def _record(status: str = "ALLOWED", **extra: Any) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "allowed": status == "ALLOWED",
        "stage": "staging",
        "reasons": [] if status == "ALLOWED" else ["Account 222222222222 association FAILED (denied by SCP)."],
        "card": {"arn": CARD, "name": "churn-model", "version": 3, "status": "PendingReview", "content_sha256": "ab"},
        "shares": ["arn:aws:ram:us-east-1:111111111111:resource-share/s1"],
        "principals": {"222222222222": {"status": "ASSOCIATED"}},
        "resource": {"arn": CARD, "status": "ASSOCIATED"},
        "checked_at": "2026-12-04T10:00:00+00:00",
        "pending": False,
        "consumer_checks": {},
        "approval": None,
        "status": status,
        "reason": "all associations are ASSOCIATED",
        **extra,
    }


def test_no_entry_without_notifications() -> None:
    policy = _policy(None)
    assert gate_decision(policy, _record()) is None
    assert package_reverted(policy, PACKAGE, CARD, "staging", "why") is None
    assert (
        card_approved(policy, CARD, version=1, content_sha256="a", approver="x", approved_at="t", signed=False) is None
    )


def test_a_gate_decision_is_the_record_on_the_policys_bus() -> None:
    entry = gate_decision(_policy(), _record("BLOCKED"))
    assert entry is not None
    request = entry.request()
    assert (request["Source"], request["DetailType"], request["EventBusName"]) == (SOURCE, GATE_DECISION, BUS)
    assert request["Resources"] == [CARD]
    detail = json.loads(request["Detail"])
    assert detail == {**_record("BLOCKED"), "policy_id": "example"}
    with_package = gate_decision(_policy(), _record(model_package={"arn": PACKAGE, "lifecycle": "staging"}))
    assert with_package is not None and with_package.resources == (CARD, PACKAGE)


def test_secrets_in_a_record_are_redacted() -> None:
    key = "AKIA" + "Q3EGRTYN6KZ4WX7B"
    record = _record("BLOCKED", approval={"note": f"aws_secret_access_key={'s' * 8}{key}", "approver": "arn:x"})
    record["reasons"] = [f"RAM said: token {key}"]
    entry = gate_decision(_policy(), record)
    assert entry is not None and key not in entry.detail_json and "<redacted>" in entry.detail_json


def test_a_record_too_large_for_one_entry_keeps_its_verdict() -> None:
    principals = {f"{n:012d}": {"status": "ASSOCIATING", "status_message": "m" * 200} for n in range(3000)}
    reasons = [f"Account {n:012d} is still ASSOCIATING; wait and re-check." + "r" * 100 for n in range(3000)]
    record = _record("BLOCKED", principals=principals)
    record["reasons"] = reasons
    record["reason"] = " ".join(reasons)
    entry = gate_decision(_policy(), record)
    assert entry is not None and entry.size <= ENTRY_MAX_BYTES
    detail = entry.detail
    assert detail["truncated"] is True and detail["status"] == "BLOCKED" and detail["allowed"] is False
    assert detail["card"]["arn"] == CARD and detail["stage"] == "staging"
    assert detail["principals_by_status"] == {"ASSOCIATING": 3000}
    assert detail["reasons_omitted"] == 3000 - len(detail["reasons"])
    small = gate_decision(_policy(), _record())
    assert small is not None and "truncated" not in small.detail


def test_the_entry_size_is_counted_as_eventbridge_does() -> None:
    entry = Entry(BUS, GATE_DECISION, {"é": "ü"}, (CARD,))
    expected = len(b"mcgov") + len(b"Gate Decision") + len('{"é":"ü"}'.encode()) + len(CARD)
    assert entry.size == expected


def test_card_approved_names_card_version_sha_and_approver_not_the_note() -> None:
    entry = card_approved(
        _policy(),
        CARD,
        version=4,
        content_sha256="c" * 64,
        approver="arn:aws:sts::111111111111:assumed-role/CardReviewer/jane",
        approved_at="2026-12-04T10:00:00Z",
        signed=True,
    )
    assert entry is not None and entry.detail_type == CARD_APPROVED and entry.resources == (CARD,)
    assert entry.detail == {
        "schema_version": 1,
        "policy_id": "example",
        "card_arn": CARD,
        "card_name": "churn-model",
        "version": 4,
        "content_sha256": "c" * 64,
        "approver": "arn:aws:sts::111111111111:assumed-role/CardReviewer/jane",
        "approved_at": "2026-12-04T10:00:00Z",
        "signed": True,
    }


def test_package_reverted_cuts_a_huge_reason() -> None:
    entry = package_reverted(_policy(), PACKAGE, None, "prod", "why " * 200_000)
    assert entry is not None and entry.detail_type == PACKAGE_APPROVAL_REVERTED and entry.resources == (PACKAGE,)
    assert entry.size <= ENTRY_MAX_BYTES and entry.detail["truncated"] is True
    assert (entry.detail["model_package_arn"], entry.detail["card_arn"], entry.detail["stage"]) == (
        PACKAGE,
        None,
        "prod",
    )


def test_requests_hold_at_most_ten_entries_and_256_kib() -> None:
    small = [Entry(BUS, GATE_DECISION, {"n": n}) for n in range(23)]
    assert [len(b) for b in batches(small)] == [10, 10, 3]
    big = [Entry(BUS, GATE_DECISION, {"x": "y" * 100_000}) for _ in range(3)]
    assert [len(b) for b in batches(big)] == [2, 1]


# ---------------------------------------------------------------- the adapter


class _Events:
    """A stub EventBridge client: raises ``error``, or answers ``failed`` entries as refused."""

    def __init__(self, error: Exception | None = None, failed: int = 0) -> None:
        self.error, self.failed, self.requests = error, failed, []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's parameter name
        self.requests.append(Entries)
        if self.error:
            raise self.error
        results = [{"EventId": str(n)} for n in range(len(Entries) - self.failed)]
        results += [{"ErrorCode": "InternalFailure", "ErrorMessage": "try\nagain"}] * self.failed
        return {"FailedEntryCount": self.failed, "Entries": results}


def _entries(count: int) -> list[Entry]:
    return [Entry(BUS, GATE_DECISION, {"n": n}) for n in range(count)]


def test_put_events_reports_what_was_not_put() -> None:
    assert put_events(_Events(), _entries(12)).failed == 0
    refused = put_events(_Events(failed=1), _entries(2))
    assert (refused.sent, refused.failed) == (1, 1)
    assert "1 entry refused (InternalFailure: try again)" in refused.problem and "\n" not in refused.problem
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, "PutEvents")
    delivery = put_events(_Events(error=denied), _entries(11))
    assert (delivery.sent, delivery.failed) == (0, 11)
    assert "AccessDeniedException: not authorized" in delivery.problem and "grant the caller's role" in delivery.problem
    offline = put_events(_Events(error=EndpointConnectionError(endpoint_url="https://events")), _entries(1))
    assert offline.failed == 1 and "EndpointConnectionError" in offline.problem


# ---------------------------------------------------------------- the handlers, on the emulator


@pytest.fixture
def world(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """The card account with the bus ``governance`` and a PendingReview card; ``use(bus)`` deploys a policy naming
    ``bus`` (None: no notifications)."""
    card_session.client("events").create_event_bus(Name="governance")
    card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model",
        ModelCardStatus="PendingReview",
        Content=json.dumps({"model_overview": {"model_owner": "team"}}),
    )
    ensure_readonly_permission(card_session.client("ram"))
    emulator.act_as("card")

    def use(bus: str | None) -> Path:
        path = tmp_path / f"policy-{bus.rsplit('/', 1)[-1] if bus else 'none'}.yaml"
        path.write_text(_policy_text(bus))
        monkeypatch.setenv("MCGOV_POLICY_URI", str(path))
        clear_policy_cache()
        return path

    emulator.use = use
    use(BUS)
    yield emulator
    clear_policy_cache()


def _received(world: Any, bus: str = BUS) -> list[dict[str, Any]]:
    return [e for e in world.events.log(bus) if e["source"] == SOURCE]


def _stdout(capsys: pytest.CaptureFixture[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(log records, metrics by name) the handlers printed since the last read."""
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip().startswith("{")]
    metrics: dict[str, Any] = {}
    for blob in (r for r in records if "_aws" in r):
        [directive] = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "ModelCardGovernance"
        metrics.update({m["Name"]: blob[m["Name"]] for m in directive["Metrics"]})
    return [r for r in records if "_aws" not in r], metrics


def test_the_gate_puts_allowed_and_blocked_decisions_not_pending(world: Any, card_session: Any) -> None:
    from mcgov.steps.handlers import share_card

    blocked = check_gate.handler({"card_arn": CARD, "stage": "staging"})  # nothing shared yet
    assert blocked["status"] == "BLOCKED"
    world.set_association_delay(polls=1)
    share_card.handler({"card_arn": CARD})
    assert check_gate.handler({"card_arn": CARD, "stage": "staging"})["status"] == "PENDING"
    allowed = check_gate.handler({"card_arn": CARD, "stage": "staging"})
    assert allowed["status"] == "ALLOWED"
    events = _received(world)
    assert [(e["detail-type"], e["detail"]["status"]) for e in events] == [
        (GATE_DECISION, "BLOCKED"),
        (GATE_DECISION, "ALLOWED"),
    ]
    assert events[1]["detail"] == {**allowed, "policy_id": "example"}
    assert events[1]["resources"] == [CARD] and events[1]["account"] == CARD_ACCOUNT


def test_the_watcher_puts_its_decision(world: Any) -> None:
    body = {"token": "tokenblock", "arguments": {"card_arn": CARD, "stage": "prod"}}
    out = gate_watcher.handler({"Records": [{"messageId": "m1", "body": json.dumps(body)}]})
    assert out["outcomes"][0]["status"] == "BLOCKED"
    [event] = _received(world)
    assert event["detail-type"] == GATE_DECISION and event["detail"]["stage"] == "prod"


def _approved_package(card_session: Any) -> str:
    sagemaker = card_session.client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName="churn-model")
    return sagemaker.create_model_package(
        ModelPackageGroupName="churn-model",
        ModelApprovalStatus="Approved",
        InferenceSpecification={
            "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]


def test_the_guard_puts_a_reverted_approval(world: Any, card_session: Any) -> None:
    package = _approved_package(card_session)
    event = {
        "detail-type": "SageMaker Model Package State Change",
        "detail": {"ModelPackageArn": package, "ModelApprovalStatus": "Approved"},
    }
    out = approval_guard.handler(event)
    assert out["action"] == "reverted"
    [received] = _received(world)
    assert received["detail-type"] == PACKAGE_APPROVAL_REVERTED and received["resources"] == [package]
    assert received["detail"] == {
        "schema_version": 1,
        "policy_id": "example",
        "model_package_arn": package,
        "card_arn": None,
        "stage": "staging",
        "reason": out["reason"],
    }


@pytest.mark.parametrize("failure", ["denied", "no-such-bus"])
def test_a_failed_put_changes_no_decision_and_is_logged_and_counted(
    world: Any, card_session: Any, capsys: pytest.CaptureFixture[str], failure: str
) -> None:
    world.use(None)
    expected = {k: v for k, v in check_gate.handler({"card_arn": CARD, "stage": "prod"}).items() if k != "checked_at"}
    package = _approved_package(card_session)
    guard_event = {
        "detail-type": "SageMaker Model Package State Change",
        "detail": {"ModelPackageArn": package, "ModelApprovalStatus": "Approved"},
    }
    if failure == "denied":  # PutEvents raises AccessDeniedException
        world.use(BUS)
        world.act_as(world.create_role("NoEvents", {"all": ALLOW_ALL, "deny": DENY_PUT_EVENTS}))
    else:  # PutEvents answers FailedEntryCount 1 (ResourceNotFoundException)
        world.use(NO_BUS)
    capsys.readouterr()
    out = check_gate.handler({"card_arn": CARD, "stage": "prod"})
    assert {k: v for k, v in out.items() if k != "checked_at"} == expected
    logs, metrics = _stdout(capsys)
    [warning] = [r for r in logs if r["message"] == "notification not sent"]
    code = "AccessDeniedException" if failure == "denied" else "ResourceNotFoundException"
    assert warning["level"] == "WARNING" and warning["failed"] == 1 and code in warning["error"]
    assert metrics["NotificationsFailed"] == [1.0] and metrics["GateBlocked"] == [1.0]
    assert approval_guard.handler(guard_event)["action"] == "reverted"
    _, metrics = _stdout(capsys)
    assert metrics["NotificationsFailed"] == [1.0] and metrics["GuardReverts"] == [1.0]
    assert _received(world) == []


def test_the_emulator_delivers_the_events_to_a_rule_on_the_bus(world: Any, card_session: Any) -> None:
    """What a platform team wires: a rule on the bus (source mcgov) to an SNS topic, here read through SQS."""
    sqs, sns, events = (card_session.client(s) for s in ("sqs", "sns", "events"))
    queue = sqs.create_queue(QueueName="decisions")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="decisions")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    pattern = {"source": [SOURCE], "detail-type": list(DETAIL_TYPES), "detail": {"status": ["BLOCKED"]}}
    events.put_rule(Name="blocked", EventBusName="governance", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="blocked", EventBusName="governance", Targets=[{"Id": "topic", "Arn": topic}])
    check_gate.handler({"card_arn": CARD, "stage": "prod"})
    [message] = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    event = json.loads(message["Body"])
    assert (event["source"], event["detail-type"], event["detail"]["stage"]) == (SOURCE, GATE_DECISION, "prod")


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def cli(world: Any, capsys: pytest.CaptureFixture[str]) -> Any:
    from mcgov.steps.cli.main import main

    world.set_association_delay(polls=0)

    def run(*argv: str) -> tuple[int, dict[str, Any], str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else {}, err

    return run


def _gate(cli: Any, policy: Path) -> tuple[int, dict[str, Any], str]:
    return cli("gate", "check", "--card", "churn-model", "--policy", str(policy), "--stage", "staging", "--wait", "0")


def test_gate_check_puts_each_decision_and_a_failure_keeps_the_exit_code(world: Any, cli: Any) -> None:
    policy = world.use(BUS)
    assert cli("share", "ensure", "--card", "churn-model", "--policy", str(policy))[0] == 0
    code, allowed, err = _gate(cli, policy)
    assert code == 0 and allowed["allowed"] and "warning" not in err
    [event] = _received(world)
    assert event["detail"]["status"] == "ALLOWED" and event["detail"]["checked_at"] == allowed["checked_at"]
    code, both, _ = cli("gate", "check", "--card", "churn-model", "--policy", str(policy), "--wait", "0")
    assert code == 1 and [e["detail"]["stage"] for e in _received(world)[1:]] == ["staging", "prod"]

    missing = world.use(NO_BUS)
    code, still, err = _gate(cli, missing)
    assert code == 0 and still["allowed"] and still["reasons"] == allowed["reasons"]
    [line] = [x for x in err.splitlines() if x.startswith("mcgov: warning")]
    assert line.startswith("mcgov: warning: notification not sent: PutEvents did not put 1 of 1 event(s)")
    assert "ResourceNotFoundException" in line
    code, blocked, err = cli("gate", "check", "--card", "churn-model", "--policy", str(missing), "--wait", "0")
    assert code == 1 and not blocked["allowed"] and err.count("mcgov: warning: notification not sent") == 1


def test_the_package_gate_puts_its_decision_with_the_package(world: Any, cli: Any, card_session: Any) -> None:
    policy = world.use(BUS)
    package = _approved_package(card_session)
    argv = ("gate", "check", "--card", "churn-model", "--policy", str(policy), "--stage", "staging", "--wait", "0")
    code, decision, err = cli(*argv, "--model-package", package)
    assert code == 1 and not decision["allowed"], err
    [event] = _received(world)
    assert event["resources"] == [CARD, package] and event["detail"]["model_package"] == decision["model_package"]
    assert event["detail"]["status"] == "BLOCKED" and event["detail"]["reasons"] == decision["reasons"]


def test_card_approve_puts_card_approved_and_a_failure_keeps_exit_0(world: Any, cli: Any) -> None:
    policy = world.use(BUS)
    version = world.session("card").client("sagemaker").describe_model_card(ModelCardName="churn-model")
    reviewer = world.create_role(REVIEWER_ROLE, {"all": ALLOW_ALL})
    world.act_as(reviewer, "jane")
    argv = ("card", "approve", "churn-model", "--policy", str(policy), "--accept-edits-from", "unidentified")
    code, approval, err = cli(*argv, "--version", str(version["ModelCardVersion"]))
    assert code == 0, err
    [event] = _received(world)
    assert event["detail-type"] == CARD_APPROVED and event["resources"] == [CARD]
    record = approval["approval"]
    assert {k: event["detail"][k] for k in ("card_arn", "version", "content_sha256", "approver")} == {
        "card_arn": CARD,
        "version": record["version"],
        "content_sha256": record["content_sha256"],
        "approver": "arn:aws:sts::111111111111:assumed-role/CardReviewer/jane",
    }
    world.session("card").client("iam").put_role_policy(
        RoleName=REVIEWER_ROLE, PolicyName="deny", PolicyDocument=json.dumps(DENY_PUT_EVENTS)
    )
    world.act_as(reviewer, "jane")
    code, again, err = cli(*argv, "--version", str(record["version"]))
    assert code == 0 and again["approval"]["version"] == record["version"]
    [line] = [x for x in err.splitlines() if x.startswith("mcgov: warning")]
    assert "AccessDeniedException" in line and len(_received(world)) == 1


# ---------------------------------------------------------------- the stack


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    from cfnlint.decode import decode

    from mcgov.steps.stack.template import TEMPLATE

    decoded, errors = decode(str(TEMPLATE))
    assert not errors, errors
    return json.loads(json.dumps(decoded))


def test_the_bus_parameter_accepts_what_the_policy_accepts(template: dict[str, Any]) -> None:
    import re

    from mcgov.identifiers import EVENT_BUS_ARN

    pattern = re.compile(template["Parameters"]["NotificationBusArn"]["AllowedPattern"], re.ASCII)
    for value in (
        BUS,
        BUS.replace("governance", "default"),
        BUS.replace("governance", "a.b-c_D9" * 32),
        BUS.replace("governance", "a" * 257),
        BUS.replace("arn:aws:", "arn:aws-us-gov:").replace("us-east-1", "us-gov-west-1"),
        BUS + "\n",
        BUS.replace("events", "sns"),
        BUS.replace("event-bus/governance", "event-bus/aws.partner/x"),
        BUS.replace("111111111111", "1111"),
    ):
        assert bool(pattern.fullmatch(value)) is bool(EVENT_BUS_ARN.fullmatch(value)), value
    assert pattern.fullmatch("") and template["Parameters"]["NotificationBusArn"]["Default"] == ""


def test_put_events_is_granted_on_the_configured_bus_only(template: dict[str, Any]) -> None:
    res = template["Resources"]
    assert template["Conditions"]["HasNotificationBus"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "NotificationBusArn"}, ""]}]
    }
    grants = {
        name: r
        for name, r in res.items()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        and "events:PutEvents" in json.dumps(r["Properties"]["PolicyDocument"])
    }
    assert list(grants) == ["NotificationsPolicy"]
    policy = grants["NotificationsPolicy"]
    assert policy["Condition"] == "HasNotificationBus"
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Sid": "PutDecisionEvents",
            "Effect": "Allow",
            "Action": ["events:PutEvents"],
            "Resource": {"Ref": "NotificationBusArn"},
        }
    ]
    roles = {ref["Ref"] for ref in policy["Properties"]["Roles"]}
    putting = {"CheckGateFunction", "ApprovalGuardFunction", "GateWatcherFunction", "GateEventsFunction"}  # notify
    assert roles == {res[f]["Properties"]["Role"]["Fn::GetAtt"][0] for f in putting}
    inline = [r for r in res.values() if "events:PutEvents" in json.dumps(r.get("Properties", {}).get("Policies", []))]
    assert inline == []
    alarm = res["NotificationsFailedAlarm"]
    assert alarm["Condition"] == "HasNotificationBus"
    assert (alarm["Properties"]["Namespace"], alarm["Properties"]["MetricName"]) == (
        "ModelCardGovernance",
        "NotificationsFailed",
    )


def test_the_optional_topic_receives_the_mcgov_events_of_the_bus(template: dict[str, Any]) -> None:
    res = template["Resources"]
    conditions = template["Conditions"]
    assert conditions["NotificationTopicWanted"] == {"Fn::Equals": [{"Ref": "NotificationTopic"}, "true"]}
    assert conditions["HasNotificationTopic"] == {
        "Fn::And": [{"Condition": "HasNotificationBus"}, {"Condition": "NotificationTopicWanted"}]
    }
    topic_resources = ("DecisionEventsTopic", "DecisionEventsRule", "DecisionEventsTopicPolicy")
    assert all(res[name]["Condition"] == "HasNotificationTopic" for name in topic_resources)
    rule = res["DecisionEventsRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "NotificationBusArn"}
    assert rule["EventPattern"] == {"source": [SOURCE], "detail-type": list(DETAIL_TYPES)}
    assert rule["Targets"] == [{"Id": "decision-topic", "Arn": {"Ref": "DecisionEventsTopic"}}]
    [statement] = res["DecisionEventsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"} and statement["Action"] == "sns:Publish"
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["DecisionEventsRule", "Arn"]}}}
    assert template["Outputs"]["DecisionEventsTopicArn"]["Condition"] == "HasNotificationTopic"
    assert template["Rules"]["NotificationTopicNeedsABus"]["Assertions"] == [
        {
            "Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "NotificationBusArn"}, ""]}]},
            "AssertDescription": (
                'NotificationTopic "true" needs NotificationBusArn, the bus whose mcgov events the topic receives.'
            ),
        }
    ]


@pytest.mark.filterwarnings("ignore:Tried to parse AWS..SNS..TopicPolicy")  # moto lacks it (docs/emulator.md)
def test_the_deployed_stack_delivers_to_the_topic_and_its_roles_may_put_on_that_bus_only(
    emulator: Any, card_session: Any
) -> None:
    import io
    import zipfile

    from mcgov.steps.stack.template import TEMPLATE

    card_session.client("events").create_event_bus(Name="governance")
    card_session.client("events").create_event_bus(Name="other")
    s3 = card_session.client("s3")
    s3.create_bucket(Bucket="mcgov-code")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("placeholder.py", "")
    s3.put_object(Bucket="mcgov-code", Key="mcgov.zip", Body=code.getvalue())
    parameters = {
        "CodeBucket": "mcgov-code",
        "CodeKey": "mcgov.zip",
        "PolicyUri": "s3://mcgov-code/policy.yaml",
        "ArtifactBucket": "mcgov-code",
        "NotificationBusArn": BUS,
        "NotificationTopic": "true",
    }
    cloudformation = card_session.client("cloudformation")
    cloudformation.create_stack(
        StackName="mcgov",
        TemplateBody=TEMPLATE.read_text(),
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    )
    [stack] = cloudformation.describe_stacks(StackName="mcgov")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    topic = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}["DecisionEventsTopicArn"]
    sqs = card_session.client("sqs")
    queue = sqs.create_queue(QueueName="subscriber")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    card_session.client("sns").subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
    )
    role = card_session.client("lambda").get_function(FunctionName="mcgov-check-gate")["Configuration"]["Role"]
    gate_role = emulator.session_for_role(role, "check-gate")
    entry = gate_decision(_policy(), _record("BLOCKED"))
    assert entry is not None
    delivery = put_events(gate_role.client("events"), [entry])
    assert (delivery.sent, delivery.failed) == (1, 0), delivery.problem
    [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert json.loads(message["Body"])["detail"]["status"] == "BLOCKED"
    elsewhere = Entry(BUS.replace("governance", "other"), GATE_DECISION, {"n": 1})
    refused = put_events(gate_role.client("events"), [elsewhere])
    assert refused.failed == 1 and "AccessDenied" in refused.problem


def test_the_stack_without_a_bus_grants_nothing_and_has_no_topic(template: dict[str, Any]) -> None:
    conditional = {
        name
        for name, r in template["Resources"].items()
        if r.get("Condition") in ("HasNotificationBus", "HasNotificationTopic")
    }
    assert conditional == {
        "NotificationsPolicy",
        "NotificationsFailedAlarm",
        "DecisionEventsTopic",
        "DecisionEventsRule",
        "DecisionEventsTopicPolicy",
    }
    parameters = template["Parameters"]
    assert (parameters["NotificationBusArn"]["Default"], parameters["NotificationTopic"]["Default"]) == ("", "false")
