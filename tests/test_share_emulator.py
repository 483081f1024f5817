"""ensure_share against the emulator: convergence, concurrency, crash recovery, drift, external principals."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

import mcgov.emulator.core as emulator_core
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.gate.reader import share_status
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from mcgov.steps.share.exceptions import ShareError
from tests.conftest import REPO

EXAMPLE = REPO / "share_policies" / "example.yaml"


def setup_card(session: Any, name: str = "churn-model", status: str = "Approved") -> str:
    sm = session.client("sagemaker", region_name="us-east-1")
    sm.create_model_card(
        ModelCardName=name, Content=json.dumps({"model_overview": {"model_description": name}}), ModelCardStatus=status
    )
    ensure_readonly_permission(ram_client(session, "us-east-1"))
    arn = f"arn:aws:sagemaker:us-east-1:111111111111:model-card/{name}"
    if status == "Approved":  # the review record `mcgov card approve` writes, which the prod gate requires
        card = sm.describe_model_card(ModelCardName=name)
        ApprovalStore(sm).write(
            arn,
            ApprovalRecord(
                card["ModelCardVersion"],
                content_sha256(card["Content"]),
                "arn:aws:sts::111111111111:assumed-role/CardReviewer/jane",  # the example policy's approver
                "2024-03-01T11:00:00Z",
            ),
        )
    return arn


@pytest.fixture
def world(emulator: Any, card_session: Any) -> dict[str, Any]:
    return {
        "card": setup_card(card_session),
        "ram": ram_client(card_session, "us-east-1"),
        "policy": load_policy(EXAMPLE),
    }


def our_shares(ram: Any, status: str = "ACTIVE") -> list[dict]:
    return [
        s
        for s in ram.get_resource_shares(resourceOwner="SELF", resourceShareStatus=status)["resourceShares"]
        if s["name"].startswith("mcgov-")
    ]


def test_ensure_creates_one_share_per_stage_and_rerun_is_a_no_op(world: dict) -> None:
    first = ensure_share(world["ram"], world["policy"], world["card"])
    assert [s.created for s in first.stages] == [True, True]
    second = ensure_share(world["ram"], world["policy"], world["card"])
    assert [(s.created, s.added_principals, s.added_resources) for s in second.stages] == [(False, [], [])] * 2
    assert sorted(s["name"] for s in our_shares(world["ram"])) == [
        "mcgov-churn-model-prod",
        "mcgov-churn-model-staging",
    ]


def test_prod_share_carries_the_readonly_permission(world: dict) -> None:
    result = ensure_share(world["ram"], world["policy"], world["card"], stages=[world["policy"].stage("prod")])
    perms = world["ram"].list_resource_share_permissions(resourceShareArn=result.stages[0].share_arn)["permissions"]
    assert [p["arn"] for p in perms] == ["arn:aws:ram:us-east-1:111111111111:permission/ModelCardReadOnly"]


def test_two_concurrent_runs_create_one_share(world: dict) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            ensure_share(world["ram"], world["policy"], world["card"], stages=[world["policy"].stage("staging")])
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [s["name"] for s in our_shares(world["ram"])] == ["mcgov-churn-model-staging"]


def test_crash_after_create_before_associations_converges(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import mcgov.steps.share.converge as converge

    real_call = converge.call

    def crashing(client: Any, operation: str, **kwargs: Any) -> dict:
        if operation == "associate_resource_share":
            raise KeyboardInterrupt("simulated crash")
        return real_call(client, operation, **kwargs)

    monkeypatch.setattr(converge, "call", crashing)
    with pytest.raises(KeyboardInterrupt):
        ensure_share(world["ram"], world["policy"], world["card"], stages=[world["policy"].stage("staging")])
    monkeypatch.setattr(converge, "call", real_call)
    result = ensure_share(world["ram"], world["policy"], world["card"], stages=[world["policy"].stage("staging")])
    assert not result.stages[0].created and result.stages[0].added_principals == ["222222222222"]
    assert len(our_shares(world["ram"])) == 1


def test_drift_reported_then_pruned(world: dict) -> None:
    result = ensure_share(world["ram"], world["policy"], world["card"], stages=[world["policy"].stage("staging")])
    arn = result.stages[0].share_arn
    world["ram"].associate_resource_share(resourceShareArn=arn, principals=["333333333333"])
    reported = ensure_share(world["ram"], world["policy"], world["card"], stages=[world["policy"].stage("staging")])
    assert reported.stages[0].drift_principals == ["333333333333"] and reported.drift
    status = share_status(world["ram"], world["card"], [world["policy"].stage("staging")], world["policy"].policy_id)
    live = {
        a["associatedEntity"]
        for a in status["stages"][0]["principal_associations"]
        if a["status"] in ("ASSOCIATING", "ASSOCIATED")
    }
    assert live == {"222222222222", "333333333333"}
    assert status["stages"][0]["drift"]["extra_principals"] == ["333333333333"]
    pruned = ensure_share(
        world["ram"], world["policy"], world["card"], stages=[world["policy"].stage("staging")], prune=True
    )
    assert pruned.stages[0].removed_principals == ["333333333333"] and not pruned.drift
    status = share_status(world["ram"], world["card"], [world["policy"].stage("staging")], world["policy"].policy_id)
    live = {
        a["associatedEntity"]
        for a in status["stages"][0]["principal_associations"]
        if a["status"] in ("ASSOCIATING", "ASSOCIATED")
    }
    assert live == {"222222222222"}


def test_external_principal_refused_unless_policy_allows() -> None:
    from mcgov.emulator.config import EmulatorConfig

    cfg = EmulatorConfig(organization_accounts=["111111111111", "222222222222"])
    data = {
        "version": 1,
        "card_account": "111111111111",
        "region": "us-east-1",
        "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
        "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "Approved"}},
    }
    with emulator_core.Emulator(cfg) as emu:
        session = emu.session("111111111111")
        card = setup_card(session)
        ram = ram_client(session, "us-east-1")
        refused = "RAM associate_resource_share failed: OperationNotPermittedException"
        with pytest.raises(ShareError, match=refused) as err:
            ensure_share(ram, parse_policy(data), card)
        assert err.value.failure is not None and not err.value.retryable
        allowed = ensure_share(ram, parse_policy({**data, "allow_external_principals": True}), card)
        assert allowed.stages[0].added_principals == ["333333333333"]


def test_readonly_permission_is_created_once(emulator: Any, card_session: Any) -> None:
    ram = ram_client(card_session, "us-east-1")
    arn = ensure_readonly_permission(ram, name="ReadOnlyCards")
    assert arn == ensure_readonly_permission(ram, name="ReadOnlyCards")
    template = ram.get_permission(permissionArn=arn)["permission"]
    assert template["resourceType"] == "sagemaker:ModelCard" and "UpdateModelCard" not in template["permission"]
    assert "sagemaker:DescribeModelCard" in template["permission"]
