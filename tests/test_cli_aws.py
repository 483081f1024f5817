"""`mcgov` against the emulator as a user runs it: publish, show, share, gate, workflow, delete."""

from __future__ import annotations

import json

import pytest

from mcgov.steps.cli.main import main
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO

POLICY = str(REPO / "share_policies" / "example.yaml")


@pytest.fixture
def cli(emulator, card_session, monkeypatch, capsys):
    emulator.act_as("card")
    ensure_readonly_permission(card_session.client("ram"))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_publish_show_share_gate_delete(cli, tmp_path, emulator):
    content = tmp_path / "card.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "team"}}))
    code, out, err = cli(
        "card", "publish", "--name", "churn-model", "--content", str(content), "--status", "PendingReview"
    )
    assert code == 0, err
    published = json.loads(out)
    assert published["result"] == "created" and published["version"] == 1
    code, out, _ = cli(
        "card", "publish", "--name", "churn-model", "--content", str(content), "--status", "PendingReview"
    )
    assert json.loads(out)["result"] == "unchanged"
    code, out, _ = cli("card", "show", published["arn"])
    assert code == 0 and json.loads(out)["Content"] == {"model_overview": {"model_owner": "team"}}

    code, out, err = cli(
        "gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "staging", "--wait", "0"
    )
    blocked = json.loads(out)
    assert code == 1 and blocked["allowed"] is False
    assert any("No RAM share mcgov-churn-model-staging" in r and "mcgov share ensure" in r for r in blocked["reasons"])

    code, out, err = cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)
    assert code == 0, err
    emulator.set_association_delay(polls=0)
    code, out, err = cli(
        "gate", "check", "--card", "churn-model", "--policy", POLICY, "--stage", "staging", "--wait", "0"
    )
    assert code == 0, out + err
    assert json.loads(out)["allowed"] is True

    code, out, err = cli("card", "delete", "churn-model", "--policy", POLICY)
    assert code == 0, err
    deleted = json.loads(out)
    assert deleted["deleted_card"] == published["arn"] and len(deleted["deleted_shares"]) == 2
    code, _, err = cli("card", "show", "churn-model")
    assert code == 3 and "not found" in err and err.count("\n") == 1  # an AWS error: exit 3


def test_workflow_definition_prints_asl(cli):
    code, out, _ = cli("workflow", "definition")
    assert code == 0 and "StartAt" in json.loads(out)
    code, _, err = cli("workflow", "definition", "--populate-arn", "arn:aws:lambda:us-east-1:111111111111:function:p")
    assert code == 2 and "all three" in err


def test_the_policy_may_live_in_s3(cli, card_session):
    s3 = card_session.client("s3")
    s3.create_bucket(Bucket="mcgov-config")
    s3.put_object(
        Bucket="mcgov-config", Key="policy.yaml", Body=(REPO / "share_policies" / "example.yaml").read_bytes()
    )
    code, out, err = cli("policy", "validate", "s3://mcgov-config/policy.yaml")
    assert code == 0 and out.startswith(
        "s3://mcgov-config/policy.yaml: valid: policy example, card account 111111111111"
    ), err
    code, out, err = cli("policy", "validate", "s3://mcgov-config/missing.yaml")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("mcgov: error: s3://mcgov-config/missing.yaml: cannot read the policy object (NoSuchKey")
