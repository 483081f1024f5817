"""Issue 18's held-out corpus, "Why" points 2(a), 2(c) and 3: each repro, as the attacker ran it, now fails.

2(a) a consumer's edit is never approved silently, and the approval names the reviewed version;
2(c) an approval record forged with AddTags does not open prod (approvers; signed approvals);
3    registry checks are bound to the package's own card and the stage's group; package tags are never evidence.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from mcgov.steps.approval.history import UNIDENTIFIED, content_writes
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.approval.tags import TAG_SIGNATURE, ApprovalRecord
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli.main import main
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.handlers import approval_guard
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.registry.embedded import embed_card
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO, reviewer_role
from tests.test_handlers import _approve
from tests.test_registry_embedded import CONTENT, register_package

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn"
HIGH = {"model_overview": {"model_owner": "risk team"}, "intended_uses": {"risk_rating": "High"}}
LOW = {"model_overview": {"model_owner": "risk team"}, "intended_uses": {"risk_rating": "Low"}}


def policy_file(tmp_path: Any, **changes: Any) -> str:
    """The example policy (approver: any CardReviewer session), with ``changes`` at the top level or per stage."""
    data = yaml.safe_load((REPO / "share_policies" / "example.yaml").read_text())
    for key, value in changes.items():
        if key in data["stages"]:
            data["stages"][key].update(value)
        else:
            data[key] = value
    path = tmp_path / f"policy-{len(list(tmp_path.iterdir()))}.yaml"
    path.write_text(json.dumps(data))
    return str(path)


class Cli:
    """``mcgov`` as the pipeline (card account), as a reviewer (CardReviewer), and as the attacker's accounts."""

    def __init__(self, emulator: Any, capsys: Any) -> None:
        self.emulator, self.capsys = emulator, capsys
        self.reviewer = reviewer_role(emulator)
        emulator.act_as("card")
        emulator.set_association_delay(polls=0)
        ensure_readonly_permission(emulator.session("card").client("ram"))

    def run(self, *argv: str, as_role: str | None = None) -> tuple[int, dict[str, Any], str]:
        self.capsys.readouterr()  # what ran before (a handler's log lines) is not this command's output
        if as_role:
            self.emulator.act_as(as_role, "jane")
        try:
            code = main(list(argv))
        finally:
            self.emulator.act_as("card")
        out, err = self.capsys.readouterr()
        return code, json.loads(out) if out.strip() else {}, err

    def publish(self, tmp_path: Any, content: dict[str, Any], status: str = "PendingReview") -> dict[str, Any]:
        path = tmp_path / "content.json"
        path.write_text(json.dumps(content))
        code, out, err = self.run("card", "publish", "--name", "churn", "--content", str(path), "--status", status)
        assert code == 0, err
        return out

    def approve(self, policy: str, *argv: str) -> tuple[int, dict[str, Any], str]:
        return self.run("card", "approve", "churn", "--policy", policy, *argv, as_role=self.reviewer)

    def gate(self, policy: str, stage: str = "prod") -> tuple[int, dict[str, Any], str]:
        return self.run("gate", "check", "--card", "churn", "--policy", policy, "--stage", stage, "--wait", "0")

    def card(self) -> dict[str, Any]:
        return self.emulator.session("card").client("sagemaker").describe_model_card(ModelCardName="churn")


@pytest.fixture
def cli(emulator: Any, capsys: Any) -> Cli:
    return Cli(emulator, capsys)


# ---------------------------------------------------------------- 2(a) a consumer's edit is approved


def test_2a_a_consumers_rewrite_is_refused_until_the_reviewer_accepts_it(cli: Cli, tmp_path: Any, staging_session):
    policy = str(REPO / "share_policies" / "example.yaml")
    reviewed = cli.publish(tmp_path, HIGH)  # version 1: what the reviewer renders and reads
    assert cli.run("share", "ensure", "--card", "churn", "--policy", policy)[0] == 0
    staging = staging_session.client("sagemaker")  # the default managed permission grants UpdateModelCard
    staging.update_model_card(ModelCardName=CARD, Content=json.dumps(LOW))  # version 2

    code, out, err = cli.approve(policy, "--version", "1", "--sha256", reviewed["content_sha256"])
    assert code == 2 and out == {} and "is at version 2, not the reviewed version" in err  # the version is pinned
    code, out, err = cli.approve(policy, "--version", "2")
    assert code == 2 and out == {} and err.count("\n") == 1
    assert "version 2 at " in err and "content written by an unidentified writer" in err
    assert "--accept-edits-from unidentified" in err
    code, out, err = cli.approve(policy)
    assert code == 2 and "--version" in err
    card = cli.card()
    assert card["ModelCardStatus"] == "PendingReview" and card["ModelCardVersion"] == 2  # nothing written
    assert ApprovalStore(cli.emulator.session("card").client("sagemaker")).read(CARD) is None

    code, approval, err = cli.approve(policy, "--version", "2", "--accept-edits-from", UNIDENTIFIED)
    assert code == 0, err
    assert "version 1 at " in err and "content written by the card account" in err  # who wrote which version
    assert [(w["version"], w["writer"]) for w in approval["content_writes"]] == [
        (1, "111111111111"),
        (2, "unidentified"),
    ]


def test_2a_a_consumer_edit_kept_by_a_later_pipeline_run_is_still_named(cli: Cli, tmp_path: Any, staging_session):
    """The populate step keeps people's edits to the human sections: the consumer's version stays in the history."""
    policy = str(REPO / "share_policies" / "example.yaml")
    cli.publish(tmp_path, HIGH)
    cli.run("share", "ensure", "--card", "churn", "--policy", policy)
    staging_session.client("sagemaker").update_model_card(ModelCardName=CARD, Content=json.dumps(LOW))
    cli.publish(tmp_path, {**LOW, "model_overview": {"model_owner": "risk team", "model_description": "v2"}})
    current = cli.card()["ModelCardVersion"]
    code, _, err = cli.approve(policy, "--version", str(current))
    assert code == 2 and "version 2 at " in err and "unidentified writer" in err


def test_2a_a_reapproval_shows_the_diff_and_the_writers_since_the_last_approval(
    cli: Cli, tmp_path: Any, staging_session
):
    policy = str(REPO / "share_policies" / "example.yaml")
    cli.publish(tmp_path, HIGH)
    cli.run("share", "ensure", "--card", "churn", "--policy", policy)
    assert cli.approve(policy, "--version", "1")[0] == 0  # version 2 is the Approved status
    staging_session.client("sagemaker").update_model_card(ModelCardName=CARD, Content=json.dumps(LOW))  # version 3
    code, approval, err = cli.approve(policy, "--version", "3", "--accept-edits-from", UNIDENTIFIED)
    assert code == 0, err
    assert "risk_rating" in err and '"High" -> "Low"' in err  # the diff since the approved version
    assert approval["changes_since_last_approval"] and approval["previous_approval"]["version"] == 2
    assert [w["version"] for w in approval["content_writes"]] == [3]


def test_2a_sagemaker_reported_writers_are_named_by_account() -> None:
    """A Studio user of a consumer account is reported in LastModifiedBy (the EventBridge "Model card state change"
    example); the reviewer must then accept that account by its id."""
    studio = {"UserProfileArn": "arn:aws:sagemaker:us-east-1:222222222222:user-profile/d-1/eve", "DomainId": "d-1"}
    versions = [
        {"ModelCardVersion": 1, "Content": json.dumps(HIGH), "LastModifiedBy": {}},
        {"ModelCardVersion": 2, "Content": json.dumps(LOW), "LastModifiedBy": studio},
        {"ModelCardVersion": 3, "Content": json.dumps(LOW), "LastModifiedBy": {}},  # a status change
        {"ModelCardVersion": 4, "Content": json.dumps(HIGH), "LastModifiedBy": {"IamIdentity": {"Arn": "x"}}},
    ]
    writes = content_writes(versions, {1, 3}, "111111111111")
    assert [(w.version, w.writer) for w in writes] == [(1, "111111111111"), (2, "222222222222"), (4, UNIDENTIFIED)]
    assert content_writes(versions[2:], {1}, "111111111111", baseline=versions[1])[0].version == 4


# ---------------------------------------------------------------- 2(c) the record can be forged


def _forge(session: Any, approver: str, *, signature: str = "") -> None:
    """What a card-account principal with sagemaker:AddTags did: Approved, and a record naming ``approver``."""
    sm = session.client("sagemaker")
    sm.update_model_card(ModelCardName="churn", ModelCardStatus="Approved")
    card = sm.describe_model_card(ModelCardName="churn")
    record = ApprovalRecord(
        card["ModelCardVersion"], content_sha256(card["Content"]), approver, "2026-01-01T00:00:00Z", "", signature
    )
    ApprovalStore(sm).write(CARD, record)


def test_2c_a_forged_record_naming_anyone_does_not_open_prod(cli: Cli, tmp_path: Any):
    policy = str(REPO / "share_policies" / "example.yaml")
    cli.publish(tmp_path, HIGH)
    cli.run("share", "ensure", "--card", "churn", "--policy", policy)
    _forge(cli.emulator.session("card"), "arn:aws:iam::333333333333:user/not-a-reviewer")
    code, gate, _ = cli.gate(policy)
    assert code == 1 and not gate["allowed"]
    assert any(
        "names arn:aws:iam::333333333333:user/not-a-reviewer, not one of the policy's approvers" in r
        for r in gate["reasons"]
    ), gate["reasons"]
    code, out, err = cli.run("card", "approve", "churn", "--policy", policy, "--version", "2")  # the pipeline's role
    assert code == 2 and "not one of the policy's approvers" in err


@pytest.fixture
def signed(cli: Cli, tmp_path: Any) -> str:
    """A policy requiring signed approvals with an ECC_NIST_P256 key of the card account; the card shared."""
    kms = cli.emulator.session("card").client("kms")
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    policy = policy_file(tmp_path, approval_signing_key_arn=key)
    cli.publish(tmp_path, HIGH)
    assert cli.run("share", "ensure", "--card", "churn", "--policy", policy)[0] == 0
    return policy


def test_2c_a_signed_approval_opens_prod_and_an_unsigned_forgery_does_not(cli: Cli, signed: str):
    _forge(cli.emulator.session("card"), "arn:aws:sts::111111111111:assumed-role/CardReviewer/jane")
    code, gate, _ = cli.gate(signed)
    assert code == 1 and any("carries no signature" in r for r in gate["reasons"]), gate["reasons"]

    code, approval, err = cli.approve(signed, "--version", "2", "--accept-edits-from", UNIDENTIFIED)
    assert code == 0, err
    assert approval["approval"]["signed"] is True
    code, gate, _ = cli.gate(signed)
    assert code == 0 and gate["allowed"], gate["reasons"]
    tags = cli.emulator.session("card").client("sagemaker").list_tags(ResourceArn=CARD)["Tags"]
    assert len(tags) <= 50 and all(len(t["Value"]) <= 256 for t in tags)


def test_2c_an_altered_or_replayed_signed_record_does_not_open_prod(cli: Cli, signed: str):
    assert cli.approve(signed, "--version", "1")[0] == 0
    sm = cli.emulator.session("card").client("sagemaker")
    genuine = ApprovalStore(sm).read(CARD)
    assert genuine is not None and genuine.signature
    sm.add_tags(ResourceArn=CARD, Tags=[{"Key": "mcgov:approval:note", "Value": "reviewed by the CISO"}])
    code, gate, _ = cli.gate(signed)
    assert code == 1 and any("does not verify" in r for r in gate["reasons"]), gate["reasons"]

    # the same signature on a record for new content (a replay): refused too
    sm.update_model_card(ModelCardName="churn", Content=json.dumps(LOW))
    _forge(cli.emulator.session("card"), genuine.approver, signature=genuine.signature)
    code, gate, _ = cli.gate(signed)
    assert code == 1 and any("does not verify" in r for r in gate["reasons"]), gate["reasons"]
    for garbage in ("not+base64", "AAAA", "A" * 256):
        sm.add_tags(ResourceArn=CARD, Tags=[{"Key": TAG_SIGNATURE, "Value": garbage}])
        assert cli.gate(signed)[0] == 1


def test_2c_a_gate_that_cannot_verify_fails_closed(cli: Cli, signed: str):
    assert cli.approve(signed, "--version", "1")[0] == 0
    assert cli.gate(signed)[0] == 0
    deny_verify = {"Effect": "Deny", "Action": "kms:Verify", "Resource": "*"}
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, deny_verify],
    }
    gate_role = cli.emulator.create_role("GateWithoutVerify", {"gate": document})
    code, gate, _ = cli.run(
        "gate", "check", "--card", "churn", "--policy", signed, "--stage", "prod", "--wait", "0", as_role=gate_role
    )
    assert code == 1 and any("could not be verified" in r and "AccessDenied" in r for r in gate["reasons"])


# ---------------------------------------------------------------- 3 registry checks bound to the package's own card


@pytest.fixture
def registry(cli: Cli, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The card churn (PendingReview) in a policy whose staging and prod promote packages of churn-packages; a
    package of it with the card embedded; and an unrelated group's package."""
    clear_policy_cache()
    group = {"model_package_group": "churn-packages"}
    policy = policy_file(tmp_path, staging=group, prod=group)
    monkeypatch.setenv("MCGOV_POLICY_URI", policy)
    sm = cli.emulator.session("card").client("sagemaker")
    package = register_package(sm)
    cli.publish(tmp_path, {**CONTENT, "model_package_details": {"model_package_arn": package}})
    embed_card(sm, package, CardStore(sm).describe("churn"))
    assert cli.run("share", "ensure", "--card", "churn", "--policy", policy, "--model-package", package)[0] == 0
    unrelated = register_package(sm, group="unrelated-models")
    yield policy, package, unrelated, sm
    clear_policy_cache()


def _lifecycle(sm: Any, package: str) -> Any:
    return sm.describe_model_package(ModelPackageName=package).get("ModelLifeCycle")


def test_3_an_unrelated_package_embedding_this_cards_arn_and_sha256_is_reverted(cli: Cli, registry: Any):
    policy, package, unrelated, sm = registry
    stolen = sm.describe_model_package(ModelPackageName=package)["ModelCard"]  # names churn's ARN and sha256
    sm.update_model_package(ModelPackageArn=unrelated, ModelCard=stolen)
    out = approval_guard.handler(_approve(cli.emulator.session("card"), unrelated))
    assert out["action"] == "reverted" and "in group unrelated-models, not churn-packages" in out["reason"]
    assert sm.describe_model_package(ModelPackageName=unrelated)["ModelApprovalStatus"] == "PendingManualApproval"
    assert approval_guard.handler(_approve(cli.emulator.session("card"), package))["action"] == "kept"


def test_3_an_embedded_card_shared_nowhere_is_reverted(cli: Cli, registry: Any):
    _policy, _package, unrelated, sm = registry
    lone = register_package(sm, group="churn-packages")
    sm.update_model_package(
        ModelPackageArn=lone,
        ModelCard={
            "ModelCardContent": json.dumps({"model_overview": {"model_creator": "x"}}),
            "ModelCardStatus": "PendingReview",
        },
    )
    out = approval_guard.handler(_approve(cli.emulator.session("card"), lone))
    assert out["action"] == "reverted" and "carries no card embedded" in out["reason"]


def test_3_hand_written_approval_tags_on_a_package_change_nothing(
    cli: Cli, registry: Any, monkeypatch: pytest.MonkeyPatch
):
    policy, package, _unrelated, sm = registry
    monkeypatch.setenv("MCGOV_APPROVAL_STAGE", "prod")
    record = ApprovalRecord(9, "a" * 64, "arn:aws:sts::111111111111:assumed-role/CardReviewer/jane", "2026-01-01")
    sm.add_tags(ResourceArn=package, Tags=[{"Key": k, "Value": v} for k, v in record.to_tags().items()])
    text = sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardContent"]
    sm.update_model_package(
        ModelPackageArn=package, ModelCard={"ModelCardContent": text, "ModelCardStatus": "Approved"}
    )
    out = approval_guard.handler(_approve(cli.emulator.session("card"), package))
    assert out["action"] == "reverted" and "PendingReview is below Approved" in out["reason"]
    code, gate, _ = cli.run(
        "gate",
        "check",
        "--card",
        "churn",
        "--policy",
        policy,
        "--stage",
        "prod",
        "--wait",
        "0",
        "--model-package",
        package,
    )
    assert code == 1 and not gate["allowed"]


def test_3_gate_check_with_an_unrelated_package_blocks_and_writes_nothing(cli: Cli, registry: Any):
    policy, package, unrelated, sm = registry
    check = ["gate", "check", "--card", "churn", "--policy", policy, "--stage", "staging", "--wait", "0"]
    code, gate, _ = cli.run(*check, "--model-package", unrelated)
    assert code == 1 and not gate["allowed"]
    assert any("in group unrelated-models, not churn-packages" in r for r in gate["reasons"])
    assert gate["model_package"]["lifecycle"] is None and _lifecycle(sm, unrelated) is None
    code, gate, err = cli.run(*check, "--model-package", package)
    assert code == 0, gate["reasons"]
    assert _lifecycle(sm, package)["StageStatus"] == "Approved"


def test_3_publish_embed_refuses_another_groups_package(cli: Cli, registry: Any, tmp_path: Any):
    policy, _package, unrelated, sm = registry
    path = tmp_path / "embed.json"
    path.write_text(json.dumps(HIGH))
    before = cli.card()["ModelCardVersion"]
    code, out, err = cli.run(
        "card",
        "publish",
        "--name",
        "churn",
        "--content",
        str(path),
        "--embed",
        "--model-package",
        unrelated,
        "--policy",
        policy,
    )
    assert code == 2 and out == {} and "--model-package" in err and err.count("\n") == 1
    assert cli.card()["ModelCardVersion"] == before and "ModelCard" not in sm.describe_model_package(
        ModelPackageName=unrelated
    )


def test_3_share_ensure_shares_only_the_stages_group(cli: Cli, registry: Any):
    policy, _package, unrelated, _sm = registry
    code, out, err = cli.run("share", "ensure", "--card", "churn", "--policy", policy, "--model-package", unrelated)
    assert code == 2 and out == {} and "--model-package" in err and "group" in err
    ram = cli.emulator.session("card").client("ram")
    names = [s["name"] for s in ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]]
    assert not any("unrelated" in n for n in names)
    group_rows = ram.get_resource_share_associations(associationType="RESOURCE")["resourceShareAssociations"]
    assert not any("unrelated-models" in r["associatedEntity"] for r in group_rows)
