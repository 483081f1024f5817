"""No principal outside the share policy is ever reached, whatever the input path; external principals only
when the policy allows them; prod shares carry the read-only permission."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest

import mcgov.emulator.core as emulator_core
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.cli.main import main
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from mcgov.steps.share.exceptions import ShareError
from tests.conftest import REPO

REGION = "us-east-1"
EXAMPLE = REPO / "share_policies" / "example.yaml"
OUTSIDER = "999999999999"
CARD_ARN = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"


def principals_seen(emu: Any) -> set[str]:
    """Every principal RAM associated, in any status, with any share the card account owns."""
    ram = emu.session(emu.config.card_account).client("ram")
    seen: set[str] = set()
    for share in ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]:
        rows = ram.get_resource_share_associations(
            associationType="PRINCIPAL", resourceShareArns=[share["resourceShareArn"]]
        )
        seen |= {a["associatedEntity"] for a in rows["resourceShareAssociations"]}
    return seen


def policy_accounts() -> set[str]:
    return {a for stage in load_policy(EXAMPLE).stages.values() for a in stage.accounts}


@pytest.fixture
def card(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model",
        ModelCardStatus="Approved",
        Content=json.dumps({"model_overview": {"model_description": "x"}}),
    )
    ensure_readonly_permission(ram_client(card_session, REGION))
    emulator.act_as("card")
    monkeypatch.setenv("MCGOV_POLICY_URI", str(EXAMPLE))
    from mcgov.steps.handlers.config import clear_policy_cache

    clear_policy_cache()
    return CARD_ARN


def run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue()


@pytest.mark.parametrize(
    "extra", [["--principal", OUTSIDER], ["--accounts", OUTSIDER], [OUTSIDER], ["--stage", OUTSIDER]]
)
def test_cli_flags_cannot_add_a_principal(card: str, emulator: Any, extra: list[str]) -> None:
    code, err = run_cli(["share", "ensure", "--card", "churn-model", "--policy", str(EXAMPLE), *extra])
    assert code == 2 and len(err.splitlines()) == 1
    assert OUTSIDER not in principals_seen(emulator)
    code, _ = run_cli(["share", "ensure", "--card", "churn-model", "--policy", str(EXAMPLE)])
    assert code == 0
    assert principals_seen(emulator) == policy_accounts()


@pytest.mark.parametrize("field", ["principals", "accounts", "policy", "allow_external_principals"])
@pytest.mark.parametrize("handler_name", ["share_card", "check_gate"])
def test_handler_events_naming_principals_are_refused(card: str, emulator: Any, handler_name: str, field: str) -> None:
    import importlib

    module = importlib.import_module(f"mcgov.steps.handlers.{handler_name}")
    runtime = importlib.import_module("mcgov.steps.handlers.runtime")
    value: Any = {
        "principals": [OUTSIDER],
        "accounts": [OUTSIDER],
        "allow_external_principals": True,
        "policy": {
            "version": 1,
            "card_account": "111111111111",
            "region": REGION,
            "stages": {"prod": {"accounts": [OUTSIDER], "required_card_status": "Draft"}},
        },
    }[field]
    event: dict[str, Any] = {"card_arn": card, field: value}
    if handler_name == "check_gate":
        event["stage"] = "prod"
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(runtime.HandlerFailure, match=field):
        module.handler(event, None)
    assert OUTSIDER not in principals_seen(emulator)


def test_share_card_handler_shares_only_with_policy_accounts(card: str, emulator: Any) -> None:
    from mcgov.steps.handlers import share_card

    with contextlib.redirect_stdout(io.StringIO()):
        share_card.handler({"card_arn": card}, None)
    assert principals_seen(emulator) == policy_accounts()


def test_eventbridge_event_with_extra_fields_never_reaches_ram(card: str, emulator: Any, card_session: Any) -> None:
    from mcgov.steps.handlers import approval_guard

    event = {
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "account": OUTSIDER,
        "resources": [f"arn:aws:iam::{OUTSIDER}:root"],
        "principals": [OUTSIDER],
        "detail": {
            "ModelPackageArn": "arn:aws:sagemaker:us-east-1:111111111111:model-package/churn/1",
            "ModelApprovalStatus": "PendingManualApproval",
            "accounts": [OUTSIDER],
        },
    }
    with contextlib.redirect_stdout(io.StringIO()):
        result = approval_guard.handler(event, None)
    assert result["action"] == "ignored"
    assert OUTSIDER not in principals_seen(emulator)
    assert not any(op.startswith(("Associate", "CreateResourceShare")) for _, _, op in emulator.api_calls)


def test_external_principal_refused_unless_policy_allows_it() -> None:
    config = emulator_core.EmulatorConfig(organization_accounts=["111111111111", "222222222222"])
    with emulator_core.Emulator(config) as emu:
        session = emu.session("111111111111")
        session.client("sagemaker").create_model_card(
            ModelCardName="churn-model", Content="{}", ModelCardStatus="Approved"
        )
        ram = ram_client(session, REGION)
        closed = {
            "version": 1,
            "card_account": "111111111111",
            "region": REGION,
            "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
            "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "Approved"}},
        }
        with pytest.raises(ShareError, match="OperationNotPermitted"):
            ensure_share(ram, parse_policy(closed), CARD_ARN)
        statuses = {
            a["status"]
            for s in ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
            for a in ram.get_resource_share_associations(
                associationType="PRINCIPAL", resourceShareArns=[s["resourceShareArn"]]
            )["resourceShareAssociations"]
            if a["associatedEntity"] == "333333333333"
        }
        assert statuses <= {"FAILED", "DISASSOCIATED"}
        ensure_share(ram, parse_policy({**closed, "allow_external_principals": True}), CARD_ARN)
        invitations = (
            emu.session("333333333333").client("ram").get_resource_share_invitations()["resourceShareInvitations"]
        )
        assert [i["status"] for i in invitations] == ["PENDING"]


def test_prod_share_uses_the_readonly_permission(card: str, emulator: Any, card_session: Any) -> None:
    emulator.set_association_delay()
    policy = load_policy(EXAMPLE)
    ram = ram_client(card_session, REGION)
    result = ensure_share(ram, policy, card)
    for stage in result.stages:
        permissions = ram.list_resource_share_permissions(resourceShareArn=stage.share_arn)["permissions"]
        assert [p["arn"] for p in permissions] == [policy.stage(stage.stage).permission]
    assert next(s for s in result.stages if s.stage == "prod").permission_arn.endswith(":permission/ModelCardReadOnly")
    prod = emulator.session("333333333333").client("sagemaker")
    assert prod.describe_model_card(ModelCardName=card)["ModelCardArn"] == card
    with pytest.raises(prod.exceptions.ClientError, match="AccessDenied"):
        prod.update_model_card(
            ModelCardName=card, Content=json.dumps({"model_overview": {"model_description": "tampered"}})
        )
