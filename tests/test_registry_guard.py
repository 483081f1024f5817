"""The approval guard keeps a package only when it is bound to its card for the stage; everything else is reverted."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from mcgov.steps.card.store import CardStore
from mcgov.steps.handlers import approval_guard
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.policy import load_policy
from mcgov.steps.registry.embedded import embed_card
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from mcgov.steps.share.groups import group_arn_of_package
from tests.conftest import REPO
from tests.test_handlers import _approve
from tests.test_registry_embedded import CONTENT, register_package

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"


def guard_policy(tmp_path: Any, stage: str = "staging", group: str | bool = "churn-packages") -> str:
    """The example policy whose ``stage`` promotes packages of ``group``."""
    data = yaml.safe_load((REPO / "share_policies" / "example.yaml").read_text())
    data["stages"][stage]["model_package_group"] = group
    path = tmp_path / f"guard-{stage}.yaml"
    path.write_text(json.dumps(data))
    return str(path)


class World:
    """The card account with the card published (PendingReview), a package of churn-packages with the card
    embedded, and the guard's policy in MCGOV_POLICY_URI."""

    def __init__(self, emulator: Any, card_session: Any, policy_path: str) -> None:
        self.emulator, self.session, self.policy_path = emulator, card_session, policy_path
        self.sm = card_session.client("sagemaker")
        ensure_readonly_permission(card_session.client("ram"))
        self.package = register_package(self.sm)
        CardStore(self.sm).publish(
            "churn-model",
            json.dumps({**CONTENT, "model_package_details": {"model_package_arn": self.package}}),
            status="PendingReview",
        )
        embed_card(self.sm, self.package, CardStore(self.sm).describe("churn-model"))
        self.policy = load_policy(policy_path)
        emulator.act_as("card")

    def share(self, package: str | None = None) -> None:
        group = group_arn_of_package(package or self.package)
        ensure_share(ram_client(self.session, "us-east-1"), self.policy, CARD, package_group_arn=group)
        self.emulator.set_association_delay(polls=0)

    def guard(self, package: str | None = None) -> dict[str, Any]:
        return approval_guard.handler(_approve(self.session, package or self.package))

    def status(self, package: str | None = None) -> str:
        return self.sm.describe_model_package(ModelPackageName=package or self.package)["ModelApprovalStatus"]


@pytest.fixture
def world(emulator: Any, card_session: Any, monkeypatch: Any, tmp_path: Any) -> Any:
    clear_policy_cache()
    path = guard_policy(tmp_path)
    monkeypatch.setenv("MCGOV_POLICY_URI", path)
    yield World(emulator, card_session, path)
    clear_policy_cache()


def test_a_bound_package_of_a_shared_card_is_kept_and_duplicates_are_harmless(world: World) -> None:
    world.share()
    out = world.guard()
    assert out["action"] == "kept" and out["card"] == CARD, out
    assert world.guard()["action"] == "kept" and world.status() == "Approved"


def test_an_approval_before_the_card_is_associated_is_reverted(world: World) -> None:
    out = world.guard()
    assert out["action"] == "reverted" and out["card"] == CARD
    assert "No RAM share mcgov-churn-model-staging" in out["reason"] and "mcgov share ensure" in out["reason"]
    assert world.status() == "PendingManualApproval"
    again = world.guard()
    assert again["action"] == "reverted" and again["reason"] == out["reason"]


def test_a_stale_embedded_card_reverts_the_approval(world: World) -> None:
    world.share()
    CardStore(world.sm).publish("churn-model", json.dumps({"intended_uses": {"risk_rating": "High"}}))
    out = world.guard()
    assert out["action"] == "reverted" and "does not hold the card's current content" in out["reason"]
    assert world.status() == "PendingManualApproval"


def test_the_group_share_is_required_for_the_stage(world: World) -> None:
    ensure_share(ram_client(world.session, "us-east-1"), world.policy, CARD)  # the card, not the group
    world.emulator.set_association_delay(polls=0)
    out = world.guard()
    assert out["action"] == "reverted" and "No RAM share of model package group" in out["reason"]


def test_a_stage_naming_no_group_promotes_no_package(
    emulator: Any, card_session: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    clear_policy_cache()
    monkeypatch.setenv("MCGOV_POLICY_URI", str(REPO / "share_policies" / "example.yaml"))
    world = World(emulator, card_session, str(REPO / "share_policies" / "example.yaml"))
    ensure_share(ram_client(card_session, "us-east-1"), world.policy, CARD)
    emulator.set_association_delay(polls=0)
    out = world.guard()
    assert out["action"] == "reverted" and "Stage staging names no model package group" in out["reason"]
    clear_policy_cache()


def test_the_approve_step_refuses_package_arns_with_unicode_digits_or_a_newline() -> None:
    from mcgov.steps.handlers import approve_model_package
    from mcgov.steps.handlers.exceptions import HandlerFailure

    good = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1"
    assert approve_model_package.ApproveEvent(model_package_arn=good).model_package_arn == good
    for bad in (
        good.replace("123456789012", "١٢٣٤٥٦٧٨٩٠١٢"),
        good + "\n",
        good.replace("/1", "/١"),
        good + "/../../other",
    ):
        with pytest.raises(HandlerFailure, match="model_package_arn"):
            approve_model_package.handler({"model_package_arn": bad})
