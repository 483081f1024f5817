"""The model package group shared beside the card, the package gate, ModelLifeCycle and cross-account reads."""

from __future__ import annotations

import json
import time
from datetime import UTC
from typing import Any

import pytest

from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli.main import main
from mcgov.steps.gate.package import run_package_gate
from mcgov.steps.registry.embedded import embed_card
from mcgov.steps.registry.lifecycle import gate_lifecycle, gate_package
from mcgov.steps.registry.store import ModelPackageStore
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_share
from mcgov.steps.share.groups import group_arn_of_package
from mcgov.steps.share.naming import group_share_name
from tests.test_gate_emulator import Waits
from tests.test_registry_embedded import register_package
from tests.test_share_emulator import setup_card

POLICY = {
    "version": 1,
    "card_account": "111111111111",
    "region": "us-east-1",
    "stages": {
        "staging": {"accounts": ["222222222222"], "required_card_status": "Draft"},
        "prod": {
            "accounts": ["333333333333"],
            "required_card_status": "Draft",
            "model_package_group": "churn-packages",
        },
    },
}


def world(card_session: Any) -> tuple[Any, str, str, str]:
    """The card, and a package of the policy's prod group with the card embedded in it."""
    policy = parse_policy(POLICY)
    card = setup_card(card_session, status="Draft")
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    embed_card(sm, package, CardStore(sm).describe(card))
    return policy, card, package, group_arn_of_package(package)


def test_policy_field_is_strict() -> None:
    prod = parse_policy(POLICY).stage("prod")
    assert prod.model_package_group is True and prod.package_group_name("arn:x:model-card/c") == "churn-packages"
    staging = parse_policy(POLICY).stage("staging")
    assert staging.model_package_group is False and staging.package_group_name("arn:x:model-card/c") is None
    own = json.loads(json.dumps(POLICY))
    own["stages"]["prod"]["model_package_group"] = True
    assert parse_policy(own).stage("prod").package_group_name("arn:x:model-card/churn-model") == "churn-model"
    bad = json.loads(json.dumps(POLICY))
    bad["stages"]["prod"]["model_package_group"] = "yes"
    with pytest.raises(Exception, match="model_package_group"):
        parse_policy(bad)


def test_group_is_shared_only_with_stages_that_need_it_in_the_same_read(emulator: Any, card_session: Any) -> None:
    policy, card, package, group = world(card_session)
    ram = ram_client(card_session, "us-east-1")
    first = ensure_share(ram, policy, card, package_group_arn=group)
    assert [s.stage for s in first.package_group_stages] == ["prod"]
    grouped = first.package_group_stages[0]
    assert grouped.created and grouped.share_name == group_share_name(card, "prod")
    assert grouped.added_principals == ["333333333333"] and grouped.added_resources == []  # created with the group
    shares = ram.get_resource_shares(resourceOwner="SELF", name=group_share_name(card, "prod"))["resourceShares"]
    assert len(shares) == 1
    before = len(emulator.api_calls)
    again = ensure_share(ram, policy, card, package_group_arn=group)
    calls = [op for _, service, op in emulator.api_calls[before:] if service == "ram"]
    assert calls == ["GetResourceShares", "GetResourceShareAssociations", "GetResourceShareAssociations"]
    assert not again.package_group_stages[0].created and not again.drift


def test_prod_reads_the_package_only_while_the_group_is_shared(
    emulator: Any, card_session: Any, prod_session: Any, staging_session: Any
) -> None:
    policy, card, package, group = world(card_session)
    prod = prod_session.client("sagemaker")
    with pytest.raises(prod.exceptions.ClientError, match="AccessDenied"):
        prod.describe_model_package(ModelPackageName=package)
    ensure_share(ram_client(card_session, "us-east-1"), policy, card, package_group_arn=group)
    waits = Waits(emulator)
    run_package_gate(
        ram_client(card_session, "us-east-1"),
        card_session.client("sagemaker"),
        policy,
        policy.stage("prod"),
        card,
        package,
        timeout=120,
        sleep=waits.sleep,
        clock=waits.clock,
    )
    assert prod.describe_model_package(ModelPackageName=package)["ModelPackageArn"] == package
    assert prod.describe_model_package_group(ModelPackageGroupName=group)["ModelPackageGroupName"] == "churn-packages"
    versions = prod.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert [v["ModelPackageArn"] for v in versions] == [package]
    staging = staging_session.client("sagemaker")
    with pytest.raises(staging.exceptions.ClientError, match="AccessDenied"):
        staging.describe_model_package(ModelPackageName=package)  # staging has the card, not the group
    with pytest.raises(prod.exceptions.ClientError, match="AccessDenied"):
        prod.update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")


def test_package_gate_requires_the_group_and_records_the_lifecycle(
    emulator: Any, card_session: Any, prod_session: Any
) -> None:
    policy, card, package, group = world(card_session)
    ram = ram_client(card_session, "us-east-1")
    ensure_share(ram, policy, card)  # the card only
    decision, recorded = gate_package(card_session, policy, policy.stage("prod"), card, package, wait=0)
    assert not decision.allowed and not decision.pending
    assert any("model package group" in r and "share ensure --model-package" in r for r in decision.reasons)
    lifecycle = ModelPackageStore(card_session.client("sagemaker")).describe(package).lifecycle
    assert (lifecycle.stage, lifecycle.stage_status) == ("prod", "Blocked")
    assert "model package group" in lifecycle.stage_description and recorded["lifecycle"]["StageStatus"] == "Blocked"
    ensure_share(ram, policy, card, package_group_arn=group)
    emulator.set_association_delay(polls=0)
    decision, recorded = gate_package(
        card_session, policy, policy.stage("prod"), card, package, wait=60, verify_roles={"333333333333": prod_session}
    )
    assert decision.allowed, decision.reasons
    assert decision.consumer_checks["333333333333"]["model_package_arn"] == package
    lifecycle = card_session.client("sagemaker").describe_model_package(ModelPackageName=package)["ModelLifeCycle"]
    assert lifecycle == {
        "Stage": "prod",
        "StageStatus": "Approved",
        "StageDescription": "all associations are ASSOCIATED",
    }


def test_lifecycle_values_fit_botocore_shape() -> None:
    recorded = gate_lifecycle("prod", "BLOCKED", "x " * 1000)
    assert recorded.stage_status == "Blocked" and len(recorded.stage_description) <= 1024
    assert gate_lifecycle("staging", "PENDING", "").stage_status == "Pending"
    with pytest.raises(BadInputError, match="^stage: the stage name cannot be a ModelLifeCycle Stage"):
        gate_lifecycle("prod-", "ALLOWED", "ok")


def test_emulator_refuses_a_lifecycle_outside_the_shape(emulator: Any, card_session: Any) -> None:
    sm = card_session.client("sagemaker")
    package = register_package(sm)
    with pytest.raises(sm.exceptions.ClientError, match="stageStatus"):
        sm.update_model_package(ModelPackageArn=package, ModelLifeCycle={"Stage": "prod", "StageStatus": "not ok!"})


def test_cli_share_and_gate_with_model_package(
    emulator: Any, card_session: Any, tmp_path: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.act_as("card")
    policy, card, package, group = world(card_session)
    path = tmp_path / "policy.yaml"
    path.write_text(json.dumps(POLICY))
    real_sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", real_sleeps.append)
    assert main(["share", "ensure", "--card", "churn-model", "--policy", str(path)]) == 2  # no package known
    assert "--model-package" in capsys.readouterr().err
    assert main(["share", "ensure", "--card", "churn-model", "--policy", str(path), "--model-package", package]) == 0
    assert json.loads(capsys.readouterr().out)["package_group"]["arn"] == group
    rc = main(
        [
            "gate",
            "check",
            "--card",
            "churn-model",
            "--policy",
            str(path),
            "--stage",
            "prod",
            "--wait",
            "30",
            "--model-package",
            package,
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == 0, out["reasons"]
    assert out["model_package"]["lifecycle"]["StageStatus"] == "Approved"
    assert real_sleeps == []  # the gate's polls ran on the emulator's clock


PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/churn-packages/1"
GROUP_SHARE = "arn:aws:ram:us-east-1:111111111111:resource-share/g1"


def _row(entity: str, kind: str, status: str = "ASSOCIATED", *, external: bool = False) -> Any:
    from datetime import datetime

    from mcgov.steps.share.ram_rows import Association

    at = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    return Association.from_wire(
        {
            "resourceShareArn": GROUP_SHARE,
            "associatedEntity": entity,
            "associationType": kind,
            "status": status,
            "creationTime": at,
            "lastUpdatedTime": at,
            "external": external,
        }
    )


@pytest.mark.parametrize(
    "status, external, waits, needle",
    [
        ("ASSOCIATED", True, False, "allow_external_principals"),  # the card share's rule holds for the group share
        ("RESTORING", False, True, "restoring"),
        ("SUSPENDED", False, False, "suspended"),
        ("FAILED", False, False, "share ensure --model-package ..."),
    ],
)
def test_group_share_rows_follow_the_card_share_rules(status: str, external: bool, waits: bool, needle: str) -> None:
    from datetime import datetime

    from mcgov.steps.gate.package import GroupShareState, group_problems

    group = group_arn_of_package(PACKAGE)
    state = GroupShareState(
        GROUP_SHARE, (_row("333333333333", "PRINCIPAL", status, external=external),), (_row(group, "RESOURCE"),)
    )
    policy = parse_policy(POLICY)
    terminal, waiting = group_problems(
        policy, policy.stage("prod"), group, state, datetime(2024, 3, 1, 12, 1, tzinfo=UTC)
    )
    assert (bool(waiting), bool(terminal)) == (waits, not waits)
    assert needle in (waiting or terminal)[0]


@pytest.mark.parametrize(
    "arn",
    [
        PACKAGE + "\n",
        PACKAGE.replace("/1", "/\u0661"),
        PACKAGE + "/2",
        "x:model-package/churn-packages/1",
        PACKAGE.replace("111111111111", "1" * 11),
    ],
)
def test_a_malformed_package_arn_is_refused(arn: str) -> None:
    from mcgov.steps.share.groups import check_package_arn

    with pytest.raises(BadInputError, match="^--model-package: .*not a versioned model package ARN"):
        group_arn_of_package(arn)
    with pytest.raises(BadInputError, match="^--model-package: .*not a versioned model package ARN"):
        check_package_arn(parse_policy(POLICY), arn)


def test_a_package_of_another_account_is_refused_before_any_call() -> None:
    other = PACKAGE.replace("111111111111", "999999999999")
    policy = parse_policy(POLICY)
    with pytest.raises(BadInputError, match="card account 111111111111"):
        gate_package(object(), policy, policy.stage("prod"), CARD_OF_POLICY, other, wait=0)


@pytest.mark.parametrize(
    "other",
    [
        PACKAGE.replace("111111111111", "999999999999"),
        PACKAGE.replace("us-east-1", "eu-west-1"),
        PACKAGE.replace("arn:aws:", "arn:aws-cn:"),  # the same account and region, another partition
    ],
)
def test_a_package_of_another_account_region_or_partition_is_refused_without_echoing_it(other: str) -> None:
    from mcgov.steps.share.groups import check_package_arn

    with pytest.raises(BadInputError, match="^--model-package: .*card account 111111111111") as exc:
        check_package_arn(parse_policy(POLICY), other)
    assert other not in str(exc.value)


CARD_OF_POLICY = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
