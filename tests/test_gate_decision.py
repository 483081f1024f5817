"""Pure gate evaluation, the backoff poller (fake sleep/clock) and consumer verification."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mcgov.errors import BadInputError
from mcgov.share_policies.models import AWS_MANAGED_PERMISSION
from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.gate.decision import SCHEMA_VERSION
from mcgov.steps.gate.decision import evaluate as evaluate_with
from mcgov.steps.gate.poller import run_gate
from mcgov.steps.gate.schedule import JITTER, gate_key, next_poll_at
from mcgov.steps.gate.state import StageShareState
from mcgov.steps.gate.verify import verify_consumers
from mcgov.steps.policy import load_policy
from mcgov.steps.share.naming import Owner, share_name, share_tags
from mcgov.steps.share.ram_rows import Association, ResourceShare
from tests.conftest import REPO

EXAMPLE = REPO / "share_policies" / "example.yaml"
CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
READONLY = "arn:aws:ram:us-east-1:111111111111:permission/ModelCardReadOnly"
SHARE = "arn:aws:ram:us-east-1:111111111111:resource-share/s1"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
CONTENT = json.dumps({"model_overview": {"model_description": "x"}})


APPROVAL = ApprovalRecord(
    version=3,
    content_sha256=content_sha256(CONTENT),
    approver="arn:aws:sts::111111111111:assumed-role/CardReviewer/jane",  # an approver of example.yaml
    approved_at="2024-03-01T11:00:00Z",
)


def evaluate(*args: Any, **kwargs: Any) -> Any:
    """The gate's evaluate with the approval record of version 3 (what `mcgov card approve` writes)."""
    return evaluate_with(*args, **{"approval": APPROVAL, **kwargs})


class FakeApprovals:
    def __init__(self, sagemaker: Any) -> None:
        pass

    def read(self, card_arn: str) -> ApprovalRecord:
        return APPROVAL


def card(status: str = "Approved", version: int = 3) -> dict[str, Any]:
    return {
        "ModelCardArn": CARD,
        "ModelCardName": "churn-model",
        "ModelCardVersion": version,
        "ModelCardStatus": status,
        "Content": CONTENT,
    }


def assoc(
    entity: str,
    kind: str,
    status: str = "ASSOCIATED",
    *,
    created: datetime = NOW - timedelta(minutes=5),
    external: bool = False,
    message: str | None = None,
) -> Association:
    out = {
        "resourceShareArn": SHARE,
        "associatedEntity": entity,
        "associationType": kind,
        "status": status,
        "creationTime": created,
        "lastUpdatedTime": created,
        "external": external,
    }
    if message:
        out["statusMessage"] = message
    return Association.from_wire(out)


def state(
    stage: str = "prod",
    principals: list | None = None,
    resources: list | None = None,
    share_status: str = "ACTIVE",
    permission: str = READONLY,
) -> StageShareState:
    share = ResourceShare.from_wire(
        {
            "resourceShareArn": SHARE,
            "name": share_name(CARD, stage),
            "status": share_status,
            "tags": share_tags(CARD, Owner("default", stage, ("333333333333",)), permission),
            "creationTime": NOW,
        }
    )
    active = (
        share
        if share_status == "ACTIVE" and permission == (READONLY if stage == "prod" else AWS_MANAGED_PERMISSION)
        else None
    )
    return StageShareState(
        stage=stage,
        share_name=share_name(CARD, stage),
        shares=(share,),
        active=active,
        principal_associations=tuple(principals if principals is not None else [assoc("333333333333", "PRINCIPAL")]),
        resource_associations=tuple(resources if resources is not None else [assoc(CARD, "RESOURCE")]),
    )


@pytest.fixture
def policy():
    return load_policy(EXAMPLE)


def test_all_associated_and_approved_is_allowed_with_full_record(policy) -> None:
    decision = evaluate(policy, policy.stage("prod"), card(), state(), NOW)
    record = decision.to_dict()
    assert record["allowed"] is True and record["reasons"] == []
    assert record["schema_version"] == SCHEMA_VERSION == 1
    assert record["card"] == {
        "arn": CARD,
        "name": "churn-model",
        "version": 3,
        "status": "Approved",
        "content_sha256": content_sha256(CONTENT),
    }
    assert record["shares"] == [SHARE]
    assert record["principals"]["333333333333"]["status"] == "ASSOCIATED"
    assert record["resource"]["status"] == "ASSOCIATED"
    assert record["checked_at"] == NOW.isoformat()
    json.dumps(record)


@pytest.mark.parametrize(
    ("stage", "status", "allowed"),
    [
        ("staging", "Draft", False),
        ("staging", "PendingReview", True),
        ("staging", "Approved", True),
        ("prod", "PendingReview", False),
        ("prod", "Approved", True),
        ("prod", "Archived", False),
    ],
)
def test_card_status_ordering(policy, stage: str, status: str, allowed: bool) -> None:
    account = "222222222222" if stage == "staging" else "333333333333"
    st = state(
        stage, [assoc(account, "PRINCIPAL")], permission=AWS_MANAGED_PERMISSION if stage == "staging" else READONLY
    )
    decision = evaluate(policy, policy.stage(stage), card(status), st, NOW)
    assert decision.allowed is allowed and decision.stage == stage
    if not allowed:
        assert not decision.pending and ("status" in decision.reasons[0] or "Archived" in decision.reasons[0])


def test_failed_association_blocks_with_status_message(policy) -> None:
    st = state(principals=[assoc("333333333333", "PRINCIPAL", "FAILED", message="account suspended")])
    decision = evaluate(policy, policy.stage("prod"), card(), st, NOW)
    assert not decision.allowed and not decision.pending
    assert "FAILED (account suspended)" in decision.reasons[0] and "mcgov share ensure" in decision.reasons[0]
    assert decision.principals["333333333333"]["status_message"] == "account suspended"


@pytest.mark.parametrize("status", ["DISASSOCIATED", "DISASSOCIATING"])
def test_disassociated_blocks(policy, status: str) -> None:
    decision = evaluate(
        policy, policy.stage("prod"), card(), state(principals=[assoc("333333333333", "PRINCIPAL", status)]), NOW
    )
    assert not decision.allowed and not decision.pending and status in decision.reasons[0]


def test_missing_association_and_missing_resource_block(policy) -> None:
    decision = evaluate(policy, policy.stage("prod"), card(), state(principals=[], resources=[]), NOW)
    assert not decision.allowed and not decision.pending and len(decision.reasons) == 2
    assert "Account 333333333333 is not associated" in decision.reasons[0]
    assert f"Card {CARD} is not associated" in decision.reasons[1]
    assert decision.principals["333333333333"]["status"] == "MISSING"


def test_associating_is_pending(policy) -> None:
    decision = evaluate(
        policy, policy.stage("prod"), card(), state(resources=[assoc(CARD, "RESOURCE", "ASSOCIATING")]), NOW
    )
    assert not decision.allowed and decision.pending
    assert decision.reasons == [f"Card {CARD} is still ASSOCIATING; wait and re-check."]


def test_pending_invitation_within_window_waits_and_expired_blocks(policy) -> None:
    # the example policy's window: the 12 hours RAM gives a model-card invitation
    fresh = assoc("333333333333", "PRINCIPAL", "ASSOCIATING", external=True, created=NOW - timedelta(hours=11))
    old = assoc("333333333333", "PRINCIPAL", "ASSOCIATING", external=True, created=NOW - timedelta(hours=13))
    ext_policy = policy.model_copy(update={"allow_external_principals": True})
    waiting = evaluate(ext_policy, ext_policy.stage("prod"), card(), state(principals=[fresh]), NOW)
    assert not waiting.allowed and waiting.pending and "invitation" in waiting.reasons[0]
    expired = evaluate(ext_policy, ext_policy.stage("prod"), card(), state(principals=[old]), NOW)
    assert not expired.allowed and not expired.pending and "not accepted the RAM invitation" in expired.reasons[0]


def test_external_principal_blocked_when_policy_forbids(policy) -> None:
    st = state(principals=[assoc("333333333333", "PRINCIPAL", external=True)])
    decision = evaluate(policy, policy.stage("prod"), card(), st, NOW)
    assert not decision.allowed and "allow_external_principals" in decision.reasons[0]


def test_principal_not_in_policy_blocks(policy) -> None:
    st = state(principals=[assoc("333333333333", "PRINCIPAL"), assoc("444444444444", "PRINCIPAL")])
    decision = evaluate(policy, policy.stage("prod"), card(), st, NOW)
    assert not decision.allowed and "444444444444" in decision.reasons[0] and "--prune" in decision.reasons[0]


def test_share_deleted_or_wrong_permission_blocks(policy) -> None:
    deleted = evaluate(policy, policy.stage("prod"), card(), state(share_status="DELETED"), NOW)
    assert not deleted.allowed and "deleted" in deleted.reasons[0] and "share ensure" in deleted.reasons[0]
    wrong = evaluate(policy, policy.stage("prod"), card(), state(permission=AWS_MANAGED_PERMISSION), NOW)
    assert not wrong.allowed and "another RAM permission" in wrong.reasons[0]
    none = StageShareState("prod", share_name(CARD, "prod"), (), None, (), ())
    assert "No RAM share" in evaluate(policy, policy.stage("prod"), card(), none, NOW).reasons[0]


class FakeClock:
    def __init__(self) -> None:
        self.t = NOW.timestamp()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def _patch_reads(
    monkeypatch: pytest.MonkeyPatch, states: list[StageShareState], card_resp: dict | Exception
) -> list[int]:
    calls = [0]

    def read(ram: Any, card_arn: str, stage: Any, policy_id: str) -> StageShareState:
        calls[0] += 1
        return states[min(calls[0] - 1, len(states) - 1)]

    class FakeCards:
        def __init__(self, sagemaker: Any) -> None:
            pass

        def describe(self, arn: str) -> dict:
            if isinstance(card_resp, Exception):
                raise card_resp
            return card_resp

    monkeypatch.setattr("mcgov.steps.gate.poller.read_stage_state", read)
    monkeypatch.setattr("mcgov.steps.gate.poller.CardStore", FakeCards)
    monkeypatch.setattr("mcgov.steps.gate.poller.ApprovalStore", FakeApprovals)
    return calls


def test_poller_waits_on_the_gate_schedule_until_associated(policy, monkeypatch: pytest.MonkeyPatch) -> None:
    associating = state(principals=[assoc("333333333333", "PRINCIPAL", "ASSOCIATING", created=NOW)])
    calls = _patch_reads(monkeypatch, [associating] * 3 + [state()], card())
    clock = FakeClock()
    lines: list[str] = []
    decision = run_gate(
        None, None, policy, policy.stage("prod"), CARD, sleep=clock.sleep, clock=clock, progress=lines.append
    )
    assert decision.allowed and calls[0] == 4
    polls = [sum(clock.sleeps[: i + 1]) for i in range(len(clock.sleeps))]
    interval = policy.gate.poll_interval_seconds  # young associations: one poll per interval, jittered after it
    assert [math.floor(t / interval) for t in polls] == [1, 2, 3]
    assert all(0 <= t - interval * (i + 1) < interval * JITTER for i, t in enumerate(polls))
    assert len(lines) == 4 and "waiting" in lines[0] and "allowed" in lines[-1]


def test_poller_anchors_its_schedule_on_the_association_creation_time(policy, monkeypatch: pytest.MonkeyPatch) -> None:
    """An association created 600 s before the gate starts: the gate continues its schedule (gaps of the cap)."""
    created = NOW - timedelta(seconds=600)
    associating = state(principals=[assoc("333333333333", "PRINCIPAL", "ASSOCIATING", created=created)])
    _patch_reads(monkeypatch, [associating, state()], card())
    clock = FakeClock()
    run_gate(None, None, policy, policy.stage("prod"), CARD, sleep=clock.sleep, clock=clock)
    [slept] = clock.sleeps
    expected = next_poll_at(
        created.timestamp(), NOW.timestamp(), 5, policy.gate.backoff_cap_seconds, gate_key(CARD, "prod")
    )
    assert slept == pytest.approx(expected - NOW.timestamp()) and slept > policy.gate.poll_interval_seconds


def test_poller_times_out(policy, monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_reads(monkeypatch, [state(principals=[assoc("333333333333", "PRINCIPAL", "ASSOCIATING")])], card())
    clock = FakeClock()
    decision = run_gate(None, None, policy, policy.stage("prod"), CARD, timeout=100, sleep=clock.sleep, clock=clock)
    assert not decision.allowed and not decision.pending
    assert "still ASSOCIATING" in decision.reasons[0] and "Timed out" in decision.reasons[-1]
    assert sum(clock.sleeps) == 100 and clock.sleeps[-1] <= 60


def test_poller_stops_at_once_on_terminal_block(policy, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _patch_reads(monkeypatch, [state(principals=[assoc("333333333333", "PRINCIPAL", "FAILED")])], card())
    clock = FakeClock()
    decision = run_gate(None, None, policy, policy.stage("prod"), CARD, sleep=clock.sleep, clock=clock)
    assert not decision.allowed and calls[0] == 1 and clock.sleeps == []
    assert "Account 333333333333 association FAILED" in decision.reasons[0]


def test_poller_fails_closed_on_errors(policy, monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_reads(monkeypatch, [state()], RuntimeError("boom\nsecond line"))
    decision = run_gate(
        None, None, policy, policy.stage("prod"), CARD, timeout=0, sleep=lambda s: None, clock=FakeClock()
    )
    assert not decision.allowed and "RuntimeError: boom second line" in decision.reasons[0]


class FakeSession:
    def __init__(self, response: dict | Exception) -> None:
        self.response = response

    def client(self, name: str, region_name: str | None = None) -> Any:
        assert name == "sagemaker"
        session = self

        class Client:
            def describe_model_card(self, ModelCardName: str) -> dict:
                assert ModelCardName == CARD
                if isinstance(session.response, Exception):
                    raise session.response
                return session.response

        return Client()


def test_verify_consumers_match_mismatch_and_missing(policy) -> None:
    ok = verify_consumers(
        evaluate(policy, policy.stage("prod"), card(), state(), NOW), {"333333333333": FakeSession(card())}
    )
    assert ok.allowed and ok.consumer_checks["333333333333"]["ok"]
    stale = verify_consumers(
        evaluate(policy, policy.stage("prod"), card(), state(), NOW), {"333333333333": FakeSession(card(version=2))}
    )
    assert not stale.allowed and "version 2" in stale.reasons[0]
    other = {**card(), "Content": "{}"}
    changed = verify_consumers(
        evaluate(policy, policy.stage("prod"), card(), state(), NOW), {"333333333333": FakeSession(other)}
    )
    assert not changed.allowed and "sha256" in changed.reasons[0] and "re-run the gate" in changed.reasons[0]
    with pytest.raises(BadInputError, match="no session or role given for account 333333333333"):
        verify_consumers(evaluate(policy, policy.stage("prod"), card(), state(), NOW), {})


def test_verify_consumers_assumes_roles(policy, aws_env: None) -> None:
    from botocore.exceptions import ClientError

    class Base:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs
            self.assumed: list[str] = []

        def client(self, name: str, region_name: str | None = None) -> Any:
            base = self
            if name == "sts":

                class Sts:
                    def assume_role(self, RoleArn: str, RoleSessionName: str) -> dict:
                        base.assumed.append(RoleArn)
                        return {"Credentials": {"AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "c"}}

                return Sts()
            return FakeSession(
                ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeModelCard")
            ).client(name)

    base = Base()
    decision = verify_consumers(
        evaluate(policy, policy.stage("prod"), card(), state(), NOW),
        {"333333333333": "arn:aws:iam::333333333333:role/verify"},
        base_session=base,
        session_factory=Base,
    )
    assert base.assumed == ["arn:aws:iam::333333333333:role/verify"]
    assert not decision.allowed and "AccessDeniedException" in decision.reasons[0]
