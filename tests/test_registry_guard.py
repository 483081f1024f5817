"""The approval guard with embedded cards: precedence, and unsafe approvals reverted either way."""

from __future__ import annotations

import json
from typing import Any

from mcgov.steps.card.store import CardStore
from mcgov.steps.handlers import approval_guard
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.policy import load_policy
from mcgov.steps.registry.embedded import embed_card
from mcgov.steps.registry.store import ModelPackageStore
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from tests.conftest import REPO
from tests.test_handlers import _approve
from tests.test_registry_embedded import CONTENT, register_package

EXAMPLE = REPO / "share_policies" / "example.yaml"


def setup(emulator: Any, card_session: Any, monkeypatch: Any, card_name: str = "churn-model") -> tuple[Any, str]:
    clear_policy_cache()
    monkeypatch.setenv("MCGOV_POLICY_URI", str(EXAMPLE))
    sm = card_session.client("sagemaker")
    ensure_readonly_permission(card_session.client("ram"))
    package = register_package(sm)
    CardStore(sm).publish(
        card_name,
        json.dumps({**CONTENT, "model_package_details": {"model_package_arn": package}}),
        status="PendingReview",
    )
    embed_card(sm, package, CardStore(sm).describe(card_name))
    emulator.act_as("card")
    return sm, package


def test_the_embedded_cards_source_card_is_found_and_gated(emulator: Any, card_session: Any, monkeypatch: Any) -> None:
    sm, package = setup(emulator, card_session, monkeypatch, card_name="other-name")
    store = ModelPackageStore(sm)
    assert (
        approval_guard.find_card(store, CardStore(sm), store.describe(package))
        == "arn:aws:sagemaker:us-east-1:111111111111:model-card/other-name"
    )
    ensure_share(
        ram_client(card_session, "us-east-1"),
        load_policy(EXAMPLE),
        "arn:aws:sagemaker:us-east-1:111111111111:model-card/other-name",
    )
    emulator.set_association_delay(polls=0)
    out = approval_guard.handler(_approve(card_session, package))
    assert out["action"] == "kept", out


def test_a_stale_embedded_card_reverts_the_approval(emulator: Any, card_session: Any, monkeypatch: Any) -> None:
    sm, package = setup(emulator, card_session, monkeypatch)
    ensure_share(
        ram_client(card_session, "us-east-1"),
        load_policy(EXAMPLE),
        "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model",
    )
    emulator.set_association_delay(polls=0)
    CardStore(sm).update_content("churn-model", json.dumps({"intended_uses": {"risk_rating": "High"}}))
    out = approval_guard.handler(_approve(card_session, package))
    assert out["action"] == "reverted" and "does not hold the current content" in out["reason"]
    assert sm.describe_model_package(ModelPackageName=package)["ModelApprovalStatus"] == "PendingManualApproval"


def test_embedded_card_alone_needs_its_own_reviewed_status(emulator: Any, card_session: Any, monkeypatch: Any) -> None:
    sm, package = setup(emulator, card_session, monkeypatch)
    CardStore(sm).delete("churn-model")
    text = sm.describe_model_package(ModelPackageName=package)["ModelCard"]["ModelCardContent"]
    sm.update_model_package(ModelPackageArn=package, ModelCard={"ModelCardContent": text, "ModelCardStatus": "Draft"})
    out = approval_guard.handler(_approve(card_session, package))
    assert (
        out["action"] == "reverted" and out["card"] == "embedded" and "is Draft, below PendingReview" in out["reason"]
    )
    sm.update_model_package(
        ModelPackageArn=package, ModelCard={"ModelCardContent": text, "ModelCardStatus": "PendingReview"}
    )
    assert approval_guard.handler(_approve(card_session, package))["action"] == "kept"
    sm.update_model_package(
        ModelPackageArn=package, ModelCard={"ModelCardContent": text, "ModelCardStatus": "Approved"}
    )
    monkeypatch.setenv("MCGOV_APPROVAL_STAGE", "prod")
    out = approval_guard.handler(_approve(card_session, package))
    assert out["action"] == "reverted" and "without an approval record" in out["reason"]


def test_the_approve_step_refuses_package_arns_with_unicode_digits_or_a_newline() -> None:
    import pytest

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
