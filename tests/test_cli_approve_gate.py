"""`mcgov card approve` binds prod to the reviewed version and approver; `mcgov gate check` without --stage gates every
stage."""

from __future__ import annotations

import json

import pytest

from mcgov.steps.cli.main import main
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO, reviewer_role

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


@pytest.fixture
def approve(emulator, cli):
    """``mcgov card approve`` run by a CardReviewer session (the example policy's approver), then back to the
    pipeline's card-account identity."""
    role = reviewer_role(emulator)

    def run(*argv: str) -> tuple[int, dict, str]:
        emulator.act_as(role, "jane")
        try:
            return cli("card", "approve", "churn-model", "--policy", POLICY, *argv)
        finally:
            emulator.act_as("card")

    return run


def _publish(cli, tmp_path, owner: str) -> dict:
    content = tmp_path / f"{owner}.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": owner}}))
    code, out, err = cli(
        "card", "publish", "--name", "churn-model", "--content", str(content), "--status", "PendingReview"
    )
    assert code == 0, err
    return out


def _prod(cli) -> tuple[int, dict, str]:
    return cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "prod", "--wait", "0")


def test_prod_opens_only_for_the_approved_version(cli, approve, tmp_path, emulator, staging_session):
    published = _publish(cli, tmp_path, "team-a")
    assert cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)[0] == 0

    code, gate, _ = _prod(cli)
    assert code == 1 and any(
        "PendingReview is below Approved" in r and "mcgov card approve churn-model" in r for r in gate["reasons"]
    )

    code, approval, err = approve("--version", "1", "--sha256", published["content_sha256"], "--note", "PR #12")
    assert code == 0, err
    assert approval["reviewed_version"] == 1 and approval["approval"]["version"] == 2
    assert approval["approval"]["note"] == "PR _12"  # as the tag holds it: a tag value has no "#"
    assert approval["approval"]["approver"] == "arn:aws:sts::111111111111:assumed-role/CardReviewer/jane"
    assert "version 1" in err and "content written by the card account" in err  # a first approval shows the writers
    code, gate, _ = _prod(cli)
    assert code == 0 and gate["allowed"] and gate["approval"]["version"] == 2

    staging = staging_session.client("sagemaker", region_name="us-east-1")
    staging.update_model_card(ModelCardName=CARD, Content=json.dumps({"model_overview": {"model_owner": "forged"}}))
    staging.update_model_card(ModelCardName=CARD, ModelCardStatus="Approved")
    code, gate, _ = _prod(cli)
    assert code == 1
    assert any(
        "changed since" in r and "content changed" in r and "mcgov card approve churn-model" in r
        for r in gate["reasons"]
    )

    code, out, err = approve("--version", "3")  # the consumer's content write; its status change was a no-op
    assert code == 2 and out == {} and err.count("\n") == 1
    assert "version 3 at " in err and "content written by an unidentified writer" in err
    assert "--accept-edits-from unidentified" in err
    assert _prod(cli)[0] == 1  # nothing was written

    code, approval, err = approve("--version", "3", "--accept-edits-from", "unidentified")
    assert code == 0 and approval["previous_approval"]["version"] == 2
    assert approval["changes_since_last_approval"] and "forged" in err
    assert [w["writer"] for w in approval["content_writes"]] == ["unidentified"]
    assert _prod(cli)[0] == 0


def test_approve_refuses_another_version_or_content_and_writes_nothing(cli, approve, tmp_path):
    _publish(cli, tmp_path, "team-a")
    _publish(cli, tmp_path, "team-b")  # version 2
    for argv, field in (
        (("--version", "1"), "--version"),
        (("--version", "3"), "--version"),
        (("--version", "2", "--sha256", "0" * 64), "--sha256"),
    ):
        code, out, err = approve(*argv)
        assert code == 2 and out == {} and err.count("\n") == 1 and field in err, (argv, err)
    code, card, _ = cli("card", "show", "churn-model")
    assert card["ModelCardStatus"] == "PendingReview" and card["ModelCardVersion"] == 2
    code, out, err = approve("--version", "x")
    assert code == 2 and "--version" in err


def test_approve_needs_the_version_and_an_approver(cli, approve, tmp_path):
    _publish(cli, tmp_path, "team-a")
    code, out, err = cli("card", "approve", "churn-model", "--policy", POLICY)
    assert code == 2 and "--version" in err and out == {}
    code, out, err = cli("card", "approve", "churn-model", "--policy", POLICY, "--version", "1")  # the pipeline role
    assert code == 2 and "not one of the policy's approvers" in err and err.count("\n") == 1
    code, card, _ = cli("card", "show", "churn-model")
    assert card["ModelCardStatus"] == "PendingReview"


def test_a_publish_of_new_content_sends_prod_back_to_review(cli, approve, tmp_path):
    _publish(cli, tmp_path, "team-a")
    cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)
    assert approve("--version", "1")[0] == 0
    content = tmp_path / "new.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "team-b"}}))
    code, published, _ = cli("card", "publish", "--name", "churn-model", "--content", str(content))
    assert code == 0 and published["status"] == "PendingReview"
    code, gate, _ = _prod(cli)
    assert code == 1 and any("below Approved" in r for r in gate["reasons"])


def test_publish_refuses_approved_and_archived_cards_stay_archived(cli, approve, tmp_path):
    content = tmp_path / "c.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "a"}}))
    code, out, err = cli("card", "publish", "--name", "churn-model", "--content", str(content), "--status", "Approved")
    assert code == 2 and out == {} and "mcgov card approve" in err and err.count("\n") == 1
    assert cli("card", "publish", "--name", "churn-model", "--content", str(content), "--status", "Archived")[0] == 0
    code, out, err = cli("card", "publish", "--name", "churn-model", "--content", str(content), "--status", "Draft")
    assert code == 1 and "Archived" in err and err.startswith("mcgov: failed: ")
    code, out, err = approve("--version", "2")
    assert code == 2 and "Archived" in err


def test_gate_without_stage_checks_every_stage(cli, approve, tmp_path):
    _publish(cli, tmp_path, "team-a")
    cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)
    code, record, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--wait", "0")
    assert code == 1 and record["allowed"] is False
    assert set(record["stages"]) == {"staging", "prod"}
    assert record["stages"]["staging"]["allowed"] is True and record["stages"]["prod"]["allowed"] is False
    assert record["reasons"] and all(r.startswith("prod: ") for r in record["reasons"])
    assert approve("--version", "1")[0] == 0
    code, record, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--wait", "0")
    assert code == 0 and record["allowed"] is True and record["reasons"] == []


def test_render_and_diff_print_the_version_sha256_and_approve_command(cli, tmp_path, capsys):
    first = _publish(cli, tmp_path, "team-a")
    second = _publish(cli, tmp_path, "team-b")
    page = tmp_path / "card.md"
    code, _, err = cli("card", "render", "churn-model", "--format", "markdown", "--out", str(page))
    assert code == 0, err
    sha = second["content_sha256"]
    assert f"mcgov card approve churn-model --policy POLICY.yaml --version 2 --sha256 {sha}" in page.read_text()
    assert main(["card", "diff", "churn-model", "--from", "1", "--policy", POLICY]) == 0
    text = capsys.readouterr().out
    assert f"version 2 (content sha256 {sha})" in text
    assert f"mcgov card approve churn-model --policy {POLICY} --version 2 --sha256 {sha}" in text
    code, diff, _ = cli("card", "diff", "churn-model", "--from", "1", "--format", "json", "--policy", POLICY)
    assert diff["approve"] == {
        "card": "churn-model",
        "version": 2,
        "content_sha256": sha,
        "command": f"mcgov card approve churn-model --policy {POLICY} --version 2 --sha256 {sha}",
    }
    assert first["content_sha256"] != sha
