"""The gate against the emulator: FAILED, invitations, deleted share, timeout, consumer verification, CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

import mcgov.emulator.core as emulator_core
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.gate.poller import run_gate
from mcgov.steps.gate.verify import verify_consumers
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import delete_share, ensure_share
from tests.conftest import REPO
from tests.test_share_emulator import setup_card

EXAMPLE = REPO / "share_policies" / "example.yaml"
EXTERNAL = {
    "version": 1,
    "card_account": "111111111111",
    "region": "us-east-1",
    "allow_external_principals": True,
    "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
    "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "Approved"}},
    "gate": {"invitation_window_seconds": 3600},
}


class Waits:
    """Fake sleep that also advances the emulator clock; ``clock`` is the emulator time at creation plus the sleeps
    (no real time, so the gate's elapsed time is exactly what it slept, however loaded the machine is)."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.sleeps: list[float] = []
        self.start = emu.clock.now()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.emu.clock.advance(seconds)

    def clock(self) -> float:
        return self.start + sum(self.sleeps)


def gate(emu: Any, session: Any, policy: Any, card: str, stage: str = "prod", timeout: float = 120) -> Any:
    waits = Waits(emu)
    return run_gate(
        ram_client(session, "us-east-1"),
        session.client("sagemaker", region_name="us-east-1"),
        policy,
        policy.stage(stage),
        card,
        timeout=timeout,
        sleep=waits.sleep,
        clock=waits.clock,
    )


def test_gate_allows_after_associations_settle_and_consumer_sees_same_card(
    emulator: Any, card_session: Any, prod_session: Any
) -> None:
    emulator.set_association_delay(polls=3)
    policy = load_policy(EXAMPLE)
    card = setup_card(card_session)
    ensure_share(ram_client(card_session, "us-east-1"), policy, card)
    decision = gate(emulator, card_session, policy, card)
    assert decision.allowed, decision.reasons
    verified = verify_consumers(decision, {"333333333333": prod_session})
    assert verified.allowed and verified.consumer_checks["333333333333"]["ok"]


def test_consumer_verification_blocks_after_card_changed(emulator: Any, card_session: Any, prod_session: Any) -> None:
    policy = load_policy(EXAMPLE)
    card = setup_card(card_session)
    ensure_share(ram_client(card_session, "us-east-1"), policy, card)
    decision = gate(emulator, card_session, policy, card)
    assert decision.allowed, decision.reasons
    card_session.client("sagemaker", region_name="us-east-1").update_model_card(
        ModelCardName="churn-model", Content=json.dumps({"model_overview": {"model_description": "changed"}})
    )
    verified = verify_consumers(decision, {"333333333333": prod_session})
    assert not verified.allowed and "re-run the gate" in verified.reasons[0]


def test_card_status_below_requirement_blocks(emulator: Any, card_session: Any) -> None:
    policy = load_policy(EXAMPLE)
    card = setup_card(card_session, status="PendingReview")
    ensure_share(ram_client(card_session, "us-east-1"), policy, card)
    assert gate(emulator, card_session, policy, card, stage="staging").allowed
    prod = gate(emulator, card_session, policy, card)
    assert not prod.allowed and "below Approved" in prod.reasons[0]


def test_association_failed_blocks(emulator: Any, card_session: Any) -> None:
    emulator.fail_association(principal="333333333333", message="account closed")
    policy = load_policy(EXAMPLE)
    card = setup_card(card_session)
    ensure_share(ram_client(card_session, "us-east-1"), policy, card, stages=[policy.stage("prod")])
    decision = gate(emulator, card_session, policy, card)
    assert not decision.allowed and "Account 333333333333 association FAILED (account closed)" in decision.reasons[0]
    assert decision.principals["333333333333"]["status"] == "FAILED"


def test_share_deleted_between_ensure_and_gate(emulator: Any, card_session: Any) -> None:
    policy = load_policy(EXAMPLE)
    card = setup_card(card_session)
    ram = ram_client(card_session, "us-east-1")
    ensure_share(ram, policy, card)
    assert delete_share(ram, policy, card, [policy.stage("prod")])
    decision = gate(emulator, card_session, policy, card)
    assert not decision.allowed and not decision.pending
    assert "was deleted" in decision.reasons[0] and "share ensure" in decision.reasons[0]


def test_timeout_when_associations_never_settle(emulator: Any, card_session: Any) -> None:
    emulator.set_association_delay(polls=10_000)
    policy = load_policy(EXAMPLE)
    card = setup_card(card_session)
    ensure_share(ram_client(card_session, "us-east-1"), policy, card, stages=[policy.stage("prod")])
    waits = Waits(emulator)
    decision = run_gate(
        ram_client(card_session, "us-east-1"),
        card_session.client("sagemaker", region_name="us-east-1"),
        policy,
        policy.stage("prod"),
        card,
        timeout=200,
        sleep=waits.sleep,
        clock=waits.clock,
    )
    assert not decision.allowed and "still ASSOCIATING" in decision.reasons[0] and "Timed out" in decision.reasons[-1]
    first = [sum(waits.sleeps[: i + 1]) for i in range(4)]  # the gate's schedule: one poll per interval at first
    assert [int(t // 5) for t in first] == [1, 2, 3, 4] and sum(waits.sleeps) == pytest.approx(200, abs=1)


def _external_world() -> Any:
    from mcgov.emulator.config import EmulatorConfig

    return emulator_core.Emulator(EmulatorConfig(organization_accounts=["111111111111", "222222222222"]))


def test_invitation_pending_then_accepted() -> None:
    with _external_world() as emu:
        session = emu.session("111111111111")
        card = setup_card(session)
        policy = parse_policy(EXTERNAL)
        ensure_share(ram_client(session, "us-east-1"), policy, card)
        pending = gate(emu, session, policy, card, timeout=0)
        assert not pending.allowed and pending.pending is False
        assert "Account 333333333333 has a PENDING RAM invitation" in pending.reasons[0]
        prod_ram = ram_client(emu.session("333333333333"), "us-east-1")
        invitations = prod_ram.get_resource_share_invitations()["resourceShareInvitations"]
        assert [i["status"] for i in invitations] == ["PENDING"]
        prod_ram.accept_resource_share_invitation(
            resourceShareInvitationArn=invitations[0]["resourceShareInvitationArn"]
        )
        accepted = gate(emu, session, policy, card)
        assert accepted.allowed, accepted.reasons


def test_invitation_expired_blocks() -> None:
    with _external_world() as emu:
        session = emu.session("111111111111")
        card = setup_card(session)
        policy = parse_policy(EXTERNAL)
        ensure_share(ram_client(session, "us-east-1"), policy, card)
        emu.clock.advance(7200)
        decision = gate(emu, session, policy, card, timeout=0)
        assert not decision.allowed and not decision.pending
        assert "has not accepted the RAM invitation" in decision.reasons[0]


# --- CLI: exit codes 0/1/2, one-line errors, JSON on stdout ---


def run_cli(monkeypatch: pytest.MonkeyPatch, session: Any, argv: list[str]) -> int:
    import mcgov.steps.cli.main as main

    monkeypatch.setattr(main, "COMMAND_MODULES", ("share", "gate", "policy"))
    for module in ("mcgov.steps.cli.share", "mcgov.steps.cli.gate"):
        monkeypatch.setattr(f"{module}.make_session", lambda profile, region: session)
    return main.main(argv)  # the gate's waits run on the emulator fixture's virtual time


def test_cli_share_ensure_status_and_gate_exit_codes(
    emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_card(card_session, status="PendingReview")
    policy = str(EXAMPLE)
    assert run_cli(monkeypatch, card_session, ["share", "ensure", "--card", "churn-model", "--policy", policy]) == 0
    ensured = json.loads(capsys.readouterr().out)
    assert [s["stage"] for s in ensured["stages"]] == ["staging", "prod"]
    assert run_cli(monkeypatch, card_session, ["share", "status", "--card", "churn-model", "--policy", policy]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["stages"][0]["share"]["name"] == "mcgov-churn-model-staging"
    rc = run_cli(
        monkeypatch,
        card_session,
        ["gate", "check", "--card", "churn-model", "--policy", policy, "--stage", "staging", "--wait", "60"],
    )
    out = capsys.readouterr()
    assert rc == 0 and json.loads(out.out)["allowed"] is True and "gate staging: poll" in out.err
    rc = run_cli(
        monkeypatch,
        card_session,
        ["gate", "check", "--card", "churn-model", "--policy", policy, "--stage", "prod", "--wait", "0"],
    )
    out = capsys.readouterr()
    blocked = json.loads(out.out)
    assert rc == 1 and blocked["allowed"] is False and "below Approved" in blocked["reasons"][0]


def test_cli_unknown_card_is_bad_input(
    emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = run_cli(monkeypatch, card_session, ["share", "ensure", "--card", "nope", "--policy", str(EXAMPLE)])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "not found" in err
