"""Pure planning of reconcile: selection parsing, filling, principal fixes, drift, duplicates, stale permission."""

from __future__ import annotations

import math

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.policy import load_policy
from mcgov.steps.reconcile.plan import (
    Card,
    Outcome,
    Selection,
    StageInventory,
    parse_selection,
    plan_stage,
)
from mcgov.steps.share.naming import (
    Owner,
    batch_share_name,
    batch_share_tags,
    is_batch_share,
    share_name,
    share_tags,
)
from mcgov.steps.share.plan import best_share, share_problems
from mcgov.steps.share.ram_rows import Association, AssociationStatus, AssociationType, ResourceShare
from tests.conftest import REPO

POLICY = load_policy(REPO / "share_policies" / "example.yaml")
STAGING = POLICY.stage("staging").permission
OWNER = Owner.of(POLICY.policy_id, POLICY.stage("staging"))
ACCOUNT = "222222222222"


def card(i: int, status: str = "Approved") -> Card:
    name = f"c-{i:04d}"
    return Card(f"arn:aws:sagemaker:us-east-1:111111111111:model-card/{name}", name, status)


def batch(
    index: int, arn: str, *, permission: str = STAGING, status: str = "ACTIVE", created: float = 0
) -> ResourceShare:
    return ResourceShare.from_wire(
        {
            "resourceShareArn": arn,
            "name": batch_share_name("staging", permission, index, POLICY.policy_id),
            "status": status,
            "allowExternalPrincipals": False,
            "creationTime": created,
            "tags": batch_share_tags(OWNER, permission, index),
        }
    )


def rows(
    share_arn: str, entities: list[str], status: str = "ASSOCIATED", kind: AssociationType = AssociationType.PRINCIPAL
) -> tuple[Association, ...]:
    return tuple(Association(share_arn, e, kind, AssociationStatus(status)) for e in entities)


def inventory(
    shares: list[ResourceShare], resources: dict[str, list[str]], principals: dict[str, list[str]]
) -> StageInventory:
    return StageInventory(
        "staging",
        tuple(shares),
        {a: rows(a, r, kind=AssociationType.RESOURCE) for a, r in resources.items()},
        {a: rows(a, p) for a, p in principals.items()},
    )


def test_parse_selection() -> None:
    assert parse_selection(None) == Selection()
    assert parse_selection(["status=Approved", "name-prefix=churn-"]) == Selection("Approved", "churn-")
    for bad in (["status=approved"], ["owner=me"], ["status"], ["status=Draft", "status=Approved"]):
        with pytest.raises(BadInputError, match="--select"):
            parse_selection(bad)


@pytest.mark.parametrize("n", [1, 99, 100, 101, 250, 1000, 1001])
def test_fresh_stage_needs_ceil_n_over_100_calls(n: int) -> None:
    plan = plan_stage(POLICY, POLICY.stage("staging"), [card(i) for i in range(n)], inventory([], {}, {}))
    assert plan.write_calls == math.ceil(n / 100)
    assert plan.new_shares == math.ceil(n / 1000)
    assert all(len(c.cards) <= 100 for s in plan.shares for c in s.calls)
    create = plan.shares[0].calls[0]
    assert create.operation == "create_resource_share" and create.params["principals"] == [ACCOUNT]
    created = ResourceShare.from_wire({"resourceShareArn": "arn:new", "status": "ACTIVE", **create.params})
    assert is_batch_share(created, "staging")


def test_existing_share_is_filled_then_new_one_opened_and_missing_principal_rides_along() -> None:
    held = [card(i).arn for i in range(95)]
    inv = inventory([batch(1, "arn:s1")], {"arn:s1": held}, {"arn:s1": []})
    plan = plan_stage(POLICY, POLICY.stage("staging"), [card(i) for i in range(120)], inv, capacity=100)
    s1, s2 = plan.shares
    assert s1.calls[0].principals == (ACCOUNT,) and len(s1.calls[0].cards) == 5 and len(s1.calls) == 1
    assert s2.create and s2.index == 2 and len(s2.calls[0].cards) == 20
    by = {p.card.name: p for p in plan.cards}
    assert by["c-0000"].outcome is Outcome.WOULD_SHARE and by["c-0000"].share_arn == "arn:s1"
    assert f"gains {ACCOUNT}" in by["c-0000"].detail
    assert (
        by["c-0100"].outcome is Outcome.WOULD_SHARE and by["c-0100"].share == s2.name and by["c-0100"].share_arn is None
    )


def test_drift_reported_and_drifted_share_not_filled() -> None:
    inv = inventory([batch(1, "arn:s1")], {"arn:s1": [card(0).arn]}, {"arn:s1": [ACCOUNT, "999999999999"]})
    plan = plan_stage(POLICY, POLICY.stage("staging"), [card(0), card(1)], inv)
    by = {p.card.name: p for p in plan.cards}
    assert by["c-0000"].outcome is Outcome.DRIFT and "999999999999" in by["c-0000"].detail
    assert by["c-0001"].share == batch_share_name("staging", STAGING, 2, POLICY.policy_id)


def test_duplicates_and_stale_permission_are_noted_and_cards_in_stale_shares_reshared() -> None:
    stale = batch(1, "arn:old", permission="arn:aws:ram::aws:permission/Other")
    inv = inventory(
        [batch(1, "arn:a", created=1), batch(1, "arn:b", created=2), stale],
        {"arn:a": [card(0).arn], "arn:b": [card(1).arn], "arn:old": [card(2).arn]},
        {"arn:a": [ACCOUNT], "arn:b": [ACCOUNT], "arn:old": [ACCOUNT]},
    )
    plan = plan_stage(POLICY, POLICY.stage("staging"), [card(0), card(1), card(2)], inv)
    assert {p.card.name: p.outcome for p in plan.cards} == {
        "c-0000": Outcome.ALREADY,
        "c-0001": Outcome.ALREADY,
        "c-0002": Outcome.WOULD_SHARE,
    }
    notes = {n["arn"]: n["note"] for n in plan.other_shares}
    assert "duplicate of arn:a" in notes["arn:b"] and "instead of" in notes["arn:old"]
    assert plan.shares[0].arn == "arn:a" and plan.new_shares == 0


def test_status_below_requirement_is_skipped() -> None:
    plan = plan_stage(
        POLICY,
        POLICY.stage("prod"),
        [card(0, "PendingReview"), card(1, "Archived")],
        StageInventory("prod", (), {}, {}),
    )
    assert [p.outcome for p in plan.cards] == [Outcome.SKIPPED, Outcome.SKIPPED] and plan.write_calls == 0
    assert all("required for stage prod" in p.detail for p in plan.cards)


def test_capacity_is_bounded_by_ram_quota() -> None:
    with pytest.raises(BadInputError, match="5001"):
        plan_stage(POLICY, POLICY.stage("staging"), [], inventory([], {}, {}), capacity=5001)


def test_gate_ranking_prefers_complete_then_waiting_then_per_card() -> None:
    arn = card(0).arn
    per_card = ResourceShare.from_wire(
        {
            "resourceShareArn": "arn:p",
            "name": share_name(arn, "staging"),
            "status": "ACTIVE",
            "creationTime": 0,
            "tags": share_tags(arn, OWNER, STAGING),
        }
    )
    batched = batch(1, "arn:s1", created=5)
    complete = (batched, rows("arn:s1", [ACCOUNT]), rows("arn:s1", [arn]))
    missing = (per_card, (), rows("arn:p", [arn]))
    waiting = (batched, rows("arn:s1", [ACCOUNT], "ASSOCIATING"), rows("arn:s1", [arn]))
    assert share_problems([ACCOUNT], arn, missing[1], missing[2]) == (1, 0)
    assert best_share([missing, complete], [ACCOUNT], arn) is complete
    assert best_share([missing, waiting], [ACCOUNT], arn) is waiting
    same = (per_card, rows("arn:p", [ACCOUNT]), rows("arn:p", [arn]))
    assert best_share([complete, same], [ACCOUNT], arn) is same
