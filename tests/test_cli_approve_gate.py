"""`mcgov card approve` binds prod to the reviewed version; `mcgov gate check` without --stage gates every stage."""

from __future__ import annotations

import json

import pytest

from mcgov.steps.cli.main import main
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO

POLICY = str(REPO / "share_policies" / "example.yaml")
CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"


@pytest.fixture
def cli(emulator, card_session, monkeypatch, capsys):
    emulator.act_as("card")
    emulator.set_association_delay(polls=0)
    ensure_readonly_permission(card_session.client("ram"))

    def run(*argv: str) -> tuple[int, dict, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else {}, err

    return run


def _publish(cli, tmp_path, owner: str) -> dict:
    content = tmp_path / f"{owner}.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": owner}}))
    code, out, err = cli(
        "card", "publish", "--name", "churn-model", "--content", str(content), "--status", "PendingReview"
    )
    assert code == 0, err
    return out


def test_prod_opens_only_for_the_approved_version(cli, tmp_path, emulator, staging_session):
    _publish(cli, tmp_path, "team-a")
    assert cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)[0] == 0

    code, gate, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "prod", "--wait", "0")
    assert code == 1 and any(
        "PendingReview is below Approved" in r and "mcgov card approve churn-model" in r for r in gate["reasons"]
    )

    code, approval, err = cli("card", "approve", "churn-model", "--policy", POLICY, "--note", "PR #12")
    assert code == 0, err
    assert approval["approval"]["version"] == 2 and approval["approval"]["note"] == "PR #12"
    code, gate, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "prod", "--wait", "0")
    assert code == 0 and gate["allowed"] and gate["approval"]["version"] == 2
    assert gate["approval"]["approver"].startswith("arn:aws:")

    staging = staging_session.client("sagemaker", region_name="us-east-1")
    staging.update_model_card(ModelCardName=CARD, Content=json.dumps({"model_overview": {"model_owner": "forged"}}))
    staging.update_model_card(ModelCardName=CARD, ModelCardStatus="Approved")
    code, gate, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "prod", "--wait", "0")
    assert code == 1
    assert any(
        "changed since" in r and "content changed" in r and "mcgov card approve churn-model" in r
        for r in gate["reasons"]
    )

    code, approval, err = cli("card", "approve", "churn-model", "--policy", POLICY)
    assert code == 0 and approval["previous_approval"]["version"] == 2
    assert approval["changes_since_last_approval"] and "forged" in err
    assert cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "prod", "--wait", "0")[0] == 0


def test_a_publish_of_new_content_sends_prod_back_to_review(cli, tmp_path):
    _publish(cli, tmp_path, "team-a")
    cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)
    assert cli("card", "approve", "churn-model", "--policy", POLICY)[0] == 0
    content = tmp_path / "new.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "team-b"}}))
    code, published, _ = cli("card", "publish", "--name", "churn-model", "--content", str(content))
    assert code == 0 and published["status"] == "PendingReview"
    code, gate, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "prod", "--wait", "0")
    assert code == 1 and any("below Approved" in r for r in gate["reasons"])


def test_publish_refuses_approved_and_archived_cards_stay_archived(cli, tmp_path):
    content = tmp_path / "c.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "a"}}))
    code, out, err = cli("card", "publish", "--name", "churn-model", "--content", str(content), "--status", "Approved")
    assert code == 2 and out == {} and "mcgov card approve" in err and err.count("\n") == 1
    assert cli("card", "publish", "--name", "churn-model", "--content", str(content), "--status", "Archived")[0] == 0
    code, out, err = cli("card", "publish", "--name", "churn-model", "--content", str(content), "--status", "Draft")
    assert code == 1 and "Archived" in err and err.startswith("mcgov: failed: ")
    code, out, err = cli("card", "approve", "churn-model", "--policy", POLICY)
    assert code == 2 and "Archived" in err


def test_gate_without_stage_checks_every_stage(cli, tmp_path):
    _publish(cli, tmp_path, "team-a")
    cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)
    code, record, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--wait", "0")
    assert code == 1 and record["allowed"] is False
    assert set(record["stages"]) == {"staging", "prod"}
    assert record["stages"]["staging"]["allowed"] is True and record["stages"]["prod"]["allowed"] is False
    assert record["reasons"] and all(r.startswith("prod: ") for r in record["reasons"])
    assert cli("card", "approve", "churn-model", "--policy", POLICY)[0] == 0
    code, record, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--wait", "0")
    assert code == 0 and record["allowed"] is True and record["reasons"] == []
