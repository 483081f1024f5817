"""The gate's hub_copy_current condition: pure decision and on the emulator through the real reader."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.card.store import CardStore
from mcgov.steps.gate.hub_copy import HubCopyState, hub_copy_problem
from mcgov.steps.gate.poller import check_once
from mcgov.steps.hub.hub_side import sync
from mcgov.steps.hub.provenance import Provenance
from mcgov.steps.hub.spoke_side import publish
from mcgov.steps.share.converge import ensure_share

HUB, SPOKE, PROD = "111111111111", "444444444444", "333333333333"
CARD_ARN = f"arn:aws:sagemaker:us-east-1:{SPOKE}:model-card/churn"
COPY_ARN = f"arn:aws:sagemaker:us-east-1:{HUB}:model-card/{SPOKE}-churn"
HUB_POLICY = {
    "version": 1,
    "topology": "hub-and-spoke",
    "hub_account": HUB,
    "region": "us-east-1",
    "spokes": [{"account": SPOKE}],
    "share_back_to_spokes": True,
}
SPOKE_POLICY = {
    "version": 1,
    "card_account": SPOKE,
    "region": "us-east-1",
    "hub": {"account": HUB, "region": "us-east-1"},
    "stages": {"prod": {"accounts": [PROD], "required_card_status": "PendingReview", "hub_copy_current": True}},
}
NOW = datetime(2026, 1, 2, tzinfo=UTC)
CARD = {"arn": CARD_ARN, "version": 3, "content_sha256": "a" * 64}


def state(version: int = 3, sha: str = "a" * 64, source: str = CARD_ARN) -> HubCopyState:
    return HubCopyState(arn=COPY_ARN, found=True, provenance=Provenance(source, version, sha, "PendingReview", "t"))


def test_current_copy_passes_and_every_other_state_says_the_fix() -> None:
    assert hub_copy_problem("prod", CARD, state()) is None
    stale = hub_copy_problem("prod", CARD, state(version=2))
    assert stale and "holds version 2" in stale and "card is at version 3" in stale and "mcgov hub sync" in stale
    assert "mcgov hub sync" in (hub_copy_problem("prod", CARD, state(sha="b" * 64)) or "")
    missing = hub_copy_problem("prod", CARD, HubCopyState(arn=COPY_ARN, found=False))
    assert missing and "does not exist" in missing and "mcgov hub publish" in missing
    denied = hub_copy_problem("prod", CARD, HubCopyState(arn=COPY_ARN, found=False, error="AccessDenied"))
    assert denied and "share_back_to_spokes: true" in denied
    assert "not " + CARD_ARN in (hub_copy_problem("prod", CARD, state(source=CARD_ARN + "x")) or "")
    assert "none was read" in (hub_copy_problem("prod", CARD, None) or "")


def test_gate_blocks_until_the_hub_copy_is_current() -> None:
    with Emulator(EmulatorConfig(any_account_in_organization=True)) as emu:
        emu.set_association_delay(polls=None, seconds=None)
        spoke = emu.session(SPOKE)
        sm, ram = spoke.client("sagemaker"), spoke.client("ram")
        CardStore(sm).create("churn", json.dumps({"model_overview": {"model_description": "v1"}}), "PendingReview")
        policy = parse_policy(SPOKE_POLICY)
        ensure_share(ram, policy, CARD_ARN)

        blocked = check_once(ram, sm, policy, policy.stage("prod"), CARD_ARN, NOW)
        assert not blocked.allowed and any("requires a current hub copy" in r for r in blocked.reasons), blocked.reasons

        hub_policy = parse_policy(HUB_POLICY)
        publish(ram, sm, spoke.client("sts"), hub_policy)
        hub = emu.session(HUB)
        assert not sync(hub.client("ram"), hub.client("sagemaker"), hub_policy).failed
        allowed = check_once(ram, sm, policy, policy.stage("prod"), CARD_ARN, NOW)
        assert allowed.allowed, allowed.reasons

        CardStore(sm).update_content("churn", json.dumps({"model_overview": {"model_description": "v2"}}))
        stale = check_once(ram, sm, policy, policy.stage("prod"), CARD_ARN, NOW)
        assert not stale.allowed and any("requires the hub copy to be current" in r for r in stale.reasons), (
            stale.reasons
        )
        sync(hub.client("ram"), hub.client("sagemaker"), hub_policy)
        assert check_once(ram, sm, policy, policy.stage("prod"), CARD_ARN, NOW).allowed
