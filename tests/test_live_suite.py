"""The live suite (``tests/live``, docs/live.md) passes as documented: its tests run here on the emulator, with the
settings docs/live.md gives, so a live run fails only where AWS differs from the emulator."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO, reviewer_role

POLICY = REPO / "share_policies" / "example.yaml"


@pytest.fixture
def live_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Emulator, Any]]:
    """The emulator with the card account's credentials under profile ``card-account`` only: the default
    credentials act as the staging account, so a suite that ignored MCGOV_LIVE_PROFILE would skip."""
    config = EmulatorConfig(organization_accounts=["111111111111", "222222222222", "333333333333"])
    with Emulator(config, virtual_time=True) as emu:
        emu.set_association_delay(polls=1)
        ensure_readonly_permission(emu.session("card").client("ram"))  # the prod stage's (the stack creates it)
        card = emu.session("card").get_credentials().get_frozen_credentials()
        reviewer = emu.session_for_role(reviewer_role(emu), "live").get_credentials().get_frozen_credentials()
        credentials = tmp_path / "credentials"
        credentials.write_text(
            "".join(
                f"[{profile}]\naws_access_key_id = {c.access_key}\naws_secret_access_key = {c.secret_key}\n"
                f"aws_session_token = {c.token}\n"
                for profile, c in (("card-account", card), ("approver", reviewer))
            )
        )
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        monkeypatch.setenv("MCGOV_LIVE_PROFILE", "card-account")
        monkeypatch.setenv("MCGOV_LIVE_APPROVER_PROFILE", "approver")  # a CardReviewer session, the policy's approver
        monkeypatch.setenv("MCGOV_LIVE_POLICY", str(POLICY))
        emu.act_as("staging")
        yield emu, importlib.import_module("tests.live.test_live")


def _run(module: Any, test_name: str) -> None:
    """One test of the live suite with its ``live`` fixture's set-up and clean-up."""
    fixture = module.live.__wrapped__()
    try:
        context = next(fixture)
    except pytest.skip.Exception as skipped:
        pytest.fail(f"the live suite skipped with the documented settings: {skipped}")
    getattr(module, test_name)(context)
    with pytest.raises(StopIteration):
        next(fixture)


def test_publishing_is_idempotent_as_the_live_suite_checks(live_suite: tuple[Emulator, Any]) -> None:
    _emu, module = live_suite
    _run(module, "test_publish_is_idempotent_on_the_real_service")


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_share_and_gate_pass_for_each_stage_publishing_pending_review(
    live_suite: tuple[Emulator, Any], monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """prod requires an Approved card: the suite publishes PendingReview and approves as a reviewer does."""
    emu, module = live_suite
    monkeypatch.setenv("MCGOV_LIVE_STAGE", stage)
    approvals: list[Any] = []
    real_approve = module.approve_card

    def approve(*args: Any, **kwargs: Any) -> Any:
        approvals.append(real_approve(*args, **kwargs))
        return approvals[-1]

    monkeypatch.setattr(module, "approve_card", approve)
    before = len(emu.api_calls)
    _run(module, "test_share_and_gate_on_the_real_service")
    card_calls = [op for account, _, op in emu.api_calls[before:] if account == emu.config.card_account]
    assert "CreateModelCard" in card_calls and "DeleteModelCard" in card_calls
    assert [a.record.approver for a in approvals] == (
        [f"arn:aws:sts::{emu.config.card_account}:assumed-role/CardReviewer/live"] if stage == "prod" else []
    )


def test_the_live_suite_is_collected_by_the_live_marker() -> None:
    import subprocess
    import sys

    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            "live",
            "--collect-only",
            "-q",
            "tests/live",
            "tests/test_contract_aws.py",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "tests/live/test_live.py::test_share_and_gate_on_the_real_service" in listed
    assert "test_contract_aws.py::test_the_share_role_can_share_a_card_with_its_scoped_grants[live]" in listed
