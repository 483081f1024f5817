"""RAM semantics the gate relies on: the permission RAM lists (not the tag), suspended statuses, invitation expiry."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.share_policies.loader import parse_policy
from mcgov.share_policies.models import AWS_MANAGED_PERMISSION
from mcgov.steps.gate.poller import check_once
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_share
from mcgov.steps.share.naming import TAG_PERMISSION
from mcgov.steps.share.permissions import clear_permission_cache, forget_share_permissions
from tests.conftest import REPO
from tests.test_share_emulator import setup_card

EXAMPLE = REPO / "share_policies" / "example.yaml"
PROD = "333333333333"
OUTSIDER = "444444444444"


def _prod_share(ram: Any, card: str) -> dict[str, Any]:
    [share] = [
        s
        for s in ram.get_resource_shares(resourceOwner="SELF", resourceShareStatus="ACTIVE")["resourceShares"]
        if s["name"].endswith("-prod")
    ]
    return share


def _settled(emulator: Any, card_session: Any) -> tuple[Any, Any, Any, str]:
    emulator.set_association_delay(polls=None, seconds=None)
    policy = load_policy(EXAMPLE)
    card = setup_card(card_session)
    ram = ram_client(card_session, "us-east-1")
    ensure_share(ram, policy, card)
    return policy, ram, card_session.client("sagemaker", region_name="us-east-1"), card


def _gate(ram: Any, sm: Any, policy: Any, card: str, emulator: Any) -> Any:
    from datetime import datetime

    return check_once(ram, sm, policy, policy.stage("prod"), card, datetime.fromtimestamp(emulator.clock.now(), tz=UTC))


def _count(emulator: Any, operation: str) -> int:
    return sum(1 for _, service, op in emulator.api_calls if service == "ram" and op == operation)


def test_a_replaced_permission_blocks_although_the_tag_still_names_the_policy_permission(
    emulator: Any, card_session: Any
) -> None:
    policy, ram, sm, card = _settled(emulator, card_session)
    permission = policy.stage("prod").permission
    assert _gate(ram, sm, policy, card, emulator).allowed
    share = _prod_share(ram, card)
    ram.replace_permission_associations(fromPermissionArn=permission, toPermissionArn=AWS_MANAGED_PERMISSION)
    assert {t["key"]: t["value"] for t in _prod_share(ram, card)["tags"]}[TAG_PERMISSION] == permission
    listed = ram.list_resource_share_permissions(resourceShareArn=share["resourceShareArn"])["permissions"]
    assert [p["arn"] for p in listed] == [AWS_MANAGED_PERMISSION]

    # The cached answer holds for the process (the documented trade-off) until the share is forgotten.
    assert _gate(ram, sm, policy, card, emulator).allowed
    forget_share_permissions([share["resourceShareArn"]])
    decision = _gate(ram, sm, policy, card, emulator)
    assert not decision.allowed and not decision.pending
    assert "ListResourceSharePermissions" in decision.reasons[0] and AWS_MANAGED_PERMISSION in decision.reasons[0]
    assert "mcgov share delete" in decision.reasons[0]


def test_the_permission_is_read_once_per_share_and_process(emulator: Any, card_session: Any) -> None:
    clear_permission_cache()
    policy, ram, sm, card = _settled(emulator, card_session)
    before = _count(emulator, "ListResourceSharePermissions")
    assert _gate(ram, sm, policy, card, emulator).allowed
    first = _count(emulator, "ListResourceSharePermissions") - before
    calls_per_check = len(emulator.api_calls)
    assert _gate(ram, sm, policy, card, emulator).allowed
    assert _gate(ram, sm, policy, card, emulator).allowed
    assert first == 1
    assert _count(emulator, "ListResourceSharePermissions") - before == 1
    steady = (len(emulator.api_calls) - calls_per_check) / 2
    assert steady == 5  # DescribeModelCard, GetResourceShares, 2 x GetResourceShareAssociations, ListTags (approval)


@pytest.mark.parametrize(
    "status, pending, words",
    [
        ("SUSPENDED", False, "left the organization"),
        ("SUSPENDING", False, "is suspending"),
        ("RESTORING", True, "restoring"),
    ],
)
def test_suspension_statuses_block_each_with_its_own_reason(
    emulator: Any, card_session: Any, status: str, pending: bool, words: str
) -> None:
    policy, ram, sm, card = _settled(emulator, card_session)
    share = _prod_share(ram, card)
    assert _gate(ram, sm, policy, card, emulator).allowed
    emulator.set_association_status(share["resourceShareArn"], PROD, status, "organization change")
    decision = _gate(ram, sm, policy, card, emulator)
    assert not decision.allowed and decision.pending is pending
    [reason] = decision.reasons
    assert reason.startswith(f"Account {PROD} is {status} in share") and words in reason
    assert decision.principals[PROD]["status"] == status


def test_an_unanswered_invitation_expires_after_12_hours_and_the_gate_says_reassociate() -> None:
    config = EmulatorConfig(organization_accounts=["111111111111"], associate_after_polls=None)
    with Emulator(config) as emu:
        session = emu.session("111111111111")
        policy = parse_policy(
            {
                "version": 1,
                "card_account": "111111111111",
                "region": "us-east-1",
                "allow_external_principals": True,
                "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
                "stages": {"prod": {"accounts": [OUTSIDER], "required_card_status": "Approved"}},
            }
        )
        assert policy.gate.invitation_window_seconds == 43_200
        card = setup_card(session)
        ram = ram_client(session, "us-east-1")
        sm = session.client("sagemaker", region_name="us-east-1")
        ensure_share(ram, policy, card)
        waiting = _gate(ram, sm, policy, card, emu)
        assert waiting.pending and "PENDING RAM invitation" in waiting.reasons[0]
        emu.clock.advance(43_200)
        [invitation] = emu.session(OUTSIDER).client("ram").get_resource_share_invitations()["resourceShareInvitations"]
        assert invitation["status"] == "EXPIRED"
        expired = _gate(ram, sm, policy, card, emu)
        assert not expired.allowed and not expired.pending
        assert expired.principals[OUTSIDER]["status"] == "DISASSOCIATED"
        assert (
            f"Account {OUTSIDER} is DISASSOCIATED" in expired.reasons[0] and "mcgov share ensure" in expired.reasons[0]
        )


def test_the_permission_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from mcgov.steps.share import permissions

    clear_permission_cache()
    monkeypatch.setattr(permissions, "CACHE_MAX_SHARES", 3)
    monkeypatch.setattr(permissions, "list_share_permissions", lambda ram, arn: (f"perm-of-{arn}",))
    for n in range(5):
        assert permissions.share_permissions(None, f"share-{n}") == (f"perm-of-share-{n}",)
    assert list(permissions._cache) == ["share-2", "share-3", "share-4"]
    clear_permission_cache()
