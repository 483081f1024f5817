"""RAM behaviour of the project emulator, exercised with plain boto3 calls per account."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator, EmulatorConfig

CARD = "111111111111"
STAGING = "222222222222"
PROD = "333333333333"
OUTSIDER = "444444444444"
MC_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCards"
CASES = Path(__file__).resolve().parents[1].parent / "shared" / "real-world" / "cases"


def card_arn(name: str = "churn-card", account: str = CARD) -> str:
    return f"arn:aws:sagemaker:us-east-1:{account}:model-card/{name}"


def statuses(ram, share_arn: str, kind: str = "PRINCIPAL", **kw) -> list[str]:
    rows = ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share_arn], **kw)[
        "resourceShareAssociations"
    ]
    return [r["status"] for r in rows]


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


@pytest.fixture
def ram(card_session: boto3.Session):
    return card_session.client("ram")


def test_model_card_share_is_accepted_with_managed_permission(ram) -> None:
    share = ram.create_resource_share(name="cards", resourceArns=[card_arn()], principals=[STAGING])["resourceShare"]
    assert share["status"] == "ACTIVE" and share["owningAccountId"] == CARD
    perms = ram.list_resource_share_permissions(resourceShareArn=share["resourceShareArn"])["permissions"]
    assert [p["arn"] for p in perms] == [MC_PERMISSION]
    types = {t["resourceType"] for t in ram.list_resource_types()["resourceTypes"]}
    assert "sagemaker:ModelCard" in types
    listed = ram.list_permissions(resourceType="sagemaker:ModelCard")["permissions"]
    assert MC_PERMISSION in {p["arn"] for p in listed}


def test_malformed_and_unshareable_arns_are_refused(ram) -> None:
    with pytest.raises(ClientError) as exc:
        ram.create_resource_share(name="bad", resourceArns=["arn:aws:sagemaker:us-east-1:1:model-card/x"])
    assert error_code(exc) == "MalformedArnException"
    with pytest.raises(ClientError) as exc:
        ram.create_resource_share(name="bad", resourceArns=[f"arn:aws:s3:::{CARD}:bucket/b"])
    assert error_code(exc) == "MalformedArnException"


def test_customer_managed_permission_is_stored_on_share(ram) -> None:
    template = json.dumps({"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"]})
    perm = ram.create_permission(name="ReadOnlyCards", resourceType="sagemaker:ModelCard", policyTemplate=template)
    arn = perm["permission"]["arn"]
    assert arn == f"arn:aws:ram:us-east-1:{CARD}:permission/ReadOnlyCards"
    assert perm["permission"]["permissionType"] == "CUSTOMER_MANAGED"
    share = ram.create_resource_share(name="ro", resourceArns=[card_arn()], permissionArns=[arn])["resourceShare"]
    perms = ram.list_resource_share_permissions(resourceShareArn=share["resourceShareArn"])["permissions"]
    assert [p["arn"] for p in perms] == [arn]
    local = ram.list_permissions(permissionType="CUSTOMER_MANAGED")["permissions"]
    assert [p["arn"] for p in local] == [arn]
    with pytest.raises(ClientError) as exc:
        ram.create_permission(name="ReadOnlyCards", resourceType="sagemaker:ModelCard", policyTemplate=template)
    assert error_code(exc) == "PermissionAlreadyExistsException"


def test_association_becomes_associated_after_configured_polls(emulator: Emulator, ram) -> None:
    emulator.set_association_delay(polls=3)
    share = ram.create_resource_share(name="s", resourceArns=[card_arn()], principals=[STAGING])["resourceShare"]
    arn = share["resourceShareArn"]
    seen = [statuses(ram, arn)[0] for _ in range(5)]
    assert seen == ["ASSOCIATING", "ASSOCIATING", "ASSOCIATING", "ASSOCIATED", "ASSOCIATED"]


def test_default_delay_is_one_poll(ram) -> None:
    arn = ram.create_resource_share(name="s", principals=[STAGING])["resourceShare"]["resourceShareArn"]
    assert statuses(ram, arn) == ["ASSOCIATING"]
    assert statuses(ram, arn) == ["ASSOCIATED"]


def test_association_delay_in_clock_seconds(emulator: Emulator, ram) -> None:
    emulator.set_association_delay(seconds=600)
    arn = ram.create_resource_share(name="s", principals=[STAGING])["resourceShare"]["resourceShareArn"]
    assert statuses(ram, arn) == ["ASSOCIATING"]
    assert statuses(ram, arn) == ["ASSOCIATING"]
    emulator.clock.advance(601)
    assert statuses(ram, arn) == ["ASSOCIATED"]


def test_injected_failure_shows_status_message(emulator: Emulator, ram) -> None:
    emulator.fail_association(principal=PROD, message="SCP denies ram:AcceptResourceShareInvitation")
    arn = ram.create_resource_share(name="s", resourceArns=[card_arn()], principals=[STAGING, PROD])["resourceShare"][
        "resourceShareArn"
    ]
    rows = {
        r["associatedEntity"]: r
        for r in ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[arn])[
            "resourceShareAssociations"
        ]
    }
    assert rows[PROD]["status"] == "FAILED"
    assert rows[PROD]["statusMessage"] == "SCP denies ram:AcceptResourceShareInvitation"
    assert rows[STAGING]["status"] == "ASSOCIATING"


def test_injected_failure_per_resource_and_share(emulator: Emulator, ram) -> None:
    arn = ram.create_resource_share(name="s", resourceArns=[card_arn("a"), card_arn("b")])["resourceShare"][
        "resourceShareArn"
    ]
    other = ram.create_resource_share(name="t", resourceArns=[card_arn("a")])["resourceShare"]["resourceShareArn"]
    emulator.fail_association(resource_arn=card_arn("a"), message="card is KMS-encrypted", share_arn=arn)
    rows = ram.get_resource_share_associations(associationType="RESOURCE", resourceShareArns=[arn])[
        "resourceShareAssociations"
    ]
    assert {r["associatedEntity"]: r["status"] for r in rows} == {card_arn("a"): "FAILED", card_arn("b"): "ASSOCIATING"}
    assert statuses(ram, other, "RESOURCE") == ["ASSOCIATING"]


def test_association_status_filter_filters_rows(emulator: Emulator, ram) -> None:
    emulator.fail_association(principal=PROD, message="nope")
    arn = ram.create_resource_share(name="s", principals=[STAGING, PROD])["resourceShare"]["resourceShareArn"]
    assert (
        ram.get_resource_share_associations(
            associationType="PRINCIPAL", resourceShareArns=[arn], associationStatus="ASSOCIATED"
        )["resourceShareAssociations"]
        == []
    )
    failed = ram.get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[arn], associationStatus="FAILED"
    )["resourceShareAssociations"]
    assert [(r["associatedEntity"], r["status"]) for r in failed] == [(PROD, "FAILED")]


def test_client_token_idempotency(ram) -> None:
    first = ram.create_resource_share(name="s", resourceArns=[card_arn()], clientToken="tok-1")
    again = ram.create_resource_share(name="s", resourceArns=[card_arn()], clientToken="tok-1")
    assert first["resourceShare"]["resourceShareArn"] == again["resourceShare"]["resourceShareArn"]
    assert first["clientToken"] == again["clientToken"] == "tok-1"
    assert len(ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]) == 1
    with pytest.raises(ClientError) as exc:
        ram.create_resource_share(name="other", clientToken="tok-1")
    assert error_code(exc) == "IdempotentParameterMismatchException"
    arn = first["resourceShare"]["resourceShareArn"]
    a1 = ram.associate_resource_share(resourceShareArn=arn, principals=[STAGING], clientToken="a")
    a2 = ram.associate_resource_share(resourceShareArn=arn, principals=[STAGING], clientToken="a")
    assert a1["resourceShareAssociations"] == a2["resourceShareAssociations"]
    d1 = ram.disassociate_resource_share(resourceShareArn=arn, principals=[STAGING], clientToken="d")
    d2 = ram.disassociate_resource_share(resourceShareArn=arn, principals=[STAGING], clientToken="d")
    assert d1["resourceShareAssociations"] == d2["resourceShareAssociations"]
    untokened = ram.create_resource_share(name="u")
    assert untokened["clientToken"]


def test_get_resource_shares_filters_and_paginates(ram) -> None:
    arns = []
    for i in range(5):
        arns.append(
            ram.create_resource_share(
                name=f"share-{i}", tags=[{"key": "team", "value": "ml" if i % 2 == 0 else "ops"}]
            )["resourceShare"]["resourceShareArn"]
        )
    ram.delete_resource_share(resourceShareArn=arns[4])
    by_name = ram.get_resource_shares(resourceOwner="SELF", name="share-1")["resourceShares"]
    assert [s["resourceShareArn"] for s in by_name] == [arns[1]]
    ml = ram.get_resource_shares(resourceOwner="SELF", tagFilters=[{"tagKey": "team", "tagValues": ["ml"]}])
    assert {s["resourceShareArn"] for s in ml["resourceShares"]} == {arns[0], arns[2], arns[4]}
    active_ml = ram.get_resource_shares(
        resourceOwner="SELF", resourceShareStatus="ACTIVE", tagFilters=[{"tagKey": "team", "tagValues": ["ml"]}]
    )["resourceShares"]
    assert {s["resourceShareArn"] for s in active_ml} == {arns[0], arns[2]}
    picked = ram.get_resource_shares(resourceOwner="SELF", resourceShareArns=[arns[3]])["resourceShares"]
    assert [s["name"] for s in picked] == ["share-3"]
    assert ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    page1 = ram.get_resource_shares(resourceOwner="SELF", maxResults=2)
    page2 = ram.get_resource_shares(resourceOwner="SELF", maxResults=2, nextToken=page1["nextToken"])
    page3 = ram.get_resource_shares(resourceOwner="SELF", maxResults=2, nextToken=page2["nextToken"])
    names = [s["name"] for p in (page1, page2, page3) for s in p["resourceShares"]]
    assert names == [f"share-{i}" for i in range(5)] and "nextToken" not in page3
    paginator = ram.get_paginator("get_resource_shares")
    assert (
        sum(
            len(p["resourceShares"]) for p in paginator.paginate(resourceOwner="SELF", PaginationConfig={"PageSize": 2})
        )
        == 5
    )


def test_other_accounts_sees_share_once_associated(emulator: Emulator, ram, staging_session) -> None:
    emulator.set_association_delay(polls=0)
    arn = ram.create_resource_share(name="s", resourceArns=[card_arn()], principals=[STAGING])["resourceShare"][
        "resourceShareArn"
    ]
    received = staging_session.client("ram").get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
    assert [s["resourceShareArn"] for s in received] == [arn]
    resources = staging_session.client("ram").list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]
    assert [r["arn"] for r in resources] == [card_arn()]


def test_associate_disassociate_reassociate(ram) -> None:
    arn = ram.create_resource_share(name="s")["resourceShare"]["resourceShareArn"]
    out = ram.associate_resource_share(resourceShareArn=arn, principals=[STAGING], resourceArns=[card_arn()])
    assert sorted((r["associationType"], r["status"]) for r in out["resourceShareAssociations"]) == [
        ("PRINCIPAL", "ASSOCIATING"),
        ("RESOURCE", "ASSOCIATING"),
    ]
    statuses(ram, arn)
    assert statuses(ram, arn) == ["ASSOCIATED"]
    gone = ram.disassociate_resource_share(resourceShareArn=arn, principals=[STAGING])
    assert [r["status"] for r in gone["resourceShareAssociations"]] == ["DISASSOCIATING"]
    assert statuses(ram, arn) == ["DISASSOCIATED"]
    ram.associate_resource_share(resourceShareArn=arn, principals=[STAGING])
    assert statuses(ram, arn) == ["ASSOCIATING"]
    assert statuses(ram, arn) == ["ASSOCIATED"]


def test_delete_share_disassociates_everything(ram) -> None:
    arn = ram.create_resource_share(name="s", principals=[STAGING], resourceArns=[card_arn()])["resourceShare"][
        "resourceShareArn"
    ]
    assert ram.delete_resource_share(resourceShareArn=arn)["returnValue"] is True
    share = ram.get_resource_shares(resourceOwner="SELF", resourceShareArns=[arn])["resourceShares"][0]
    assert share["status"] == "DELETED"
    assert statuses(ram, arn) == ["DISASSOCIATED"]
    assert statuses(ram, arn, "RESOURCE") == ["DISASSOCIATED"]


def test_external_principal_refused_when_not_allowed(ram) -> None:
    with pytest.raises(ClientError) as exc:
        ram.create_resource_share(name="s", principals=[OUTSIDER], allowExternalPrincipals=False)
    assert error_code(exc) == "OperationNotPermittedException"
    assert "only be shared within your AWS Organization" in exc.value.response["Error"]["Message"]
    arn = ram.create_resource_share(name="s2", allowExternalPrincipals=False)["resourceShare"]["resourceShareArn"]
    with pytest.raises(ClientError) as exc:
        ram.associate_resource_share(resourceShareArn=arn, principals=[OUTSIDER])
    assert error_code(exc) == "OperationNotPermittedException"
    ram.associate_resource_share(resourceShareArn=arn, principals=[STAGING])


def test_invitation_pending_then_accepted(emulator: Emulator, ram) -> None:
    outsider = emulator.session(OUTSIDER).client("ram")
    arn = ram.create_resource_share(name="s", resourceArns=[card_arn()], principals=[OUTSIDER])["resourceShare"][
        "resourceShareArn"
    ]
    for _ in range(3):
        assert statuses(ram, arn) == ["ASSOCIATING"]
    invitations = outsider.get_resource_share_invitations()["resourceShareInvitations"]
    assert [(i["status"], i["senderAccountId"], i["receiverAccountId"]) for i in invitations] == [
        ("PENDING", CARD, OUTSIDER)
    ]
    assert emulator.session(STAGING).client("ram").get_resource_share_invitations()["resourceShareInvitations"] == []
    accepted = outsider.accept_resource_share_invitation(
        resourceShareInvitationArn=invitations[0]["resourceShareInvitationArn"]
    )
    assert accepted["resourceShareInvitation"]["status"] == "ACCEPTED"
    assert statuses(ram, arn) == ["ASSOCIATED"]
    rows = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[arn])
    assert rows["resourceShareAssociations"][0]["external"] is True
    with pytest.raises(ClientError) as exc:
        outsider.accept_resource_share_invitation(
            resourceShareInvitationArn=invitations[0]["resourceShareInvitationArn"]
        )
    assert error_code(exc) == "ResourceShareInvitationAlreadyAcceptedException"


def test_invitation_rejected(emulator: Emulator, ram) -> None:
    outsider = emulator.session(OUTSIDER).client("ram")
    arn = ram.create_resource_share(name="s", principals=[OUTSIDER])["resourceShare"]["resourceShareArn"]
    inv = outsider.get_resource_share_invitations()["resourceShareInvitations"][0]
    out = outsider.reject_resource_share_invitation(resourceShareInvitationArn=inv["resourceShareInvitationArn"])
    assert out["resourceShareInvitation"]["status"] == "REJECTED"
    assert statuses(ram, arn) == ["DISASSOCIATED"]


def test_invitation_expires(emulator: Emulator, ram) -> None:
    outsider = emulator.session(OUTSIDER).client("ram")
    arn = ram.create_resource_share(name="s", principals=[OUTSIDER])["resourceShare"]["resourceShareArn"]
    emulator.clock.advance(12 * 3600 - 1)
    assert outsider.get_resource_share_invitations()["resourceShareInvitations"][0]["status"] == "PENDING"
    emulator.clock.advance(2)
    inv = outsider.get_resource_share_invitations()["resourceShareInvitations"][0]
    assert inv["status"] == "EXPIRED"
    row = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[arn])[
        "resourceShareAssociations"
    ][0]
    assert row["status"] == "DISASSOCIATED" and "expired" in row["statusMessage"]
    with pytest.raises(ClientError) as exc:
        outsider.accept_resource_share_invitation(resourceShareInvitationArn=inv["resourceShareInvitationArn"])
    assert error_code(exc) == "ResourceShareInvitationExpiredException"


def test_configured_organization_and_ttl() -> None:
    cfg = EmulatorConfig(organization_accounts=[CARD, STAGING], invitation_ttl_seconds=60)
    with Emulator(cfg) as emu:
        ram = emu.session(CARD).client("ram")
        arn = ram.create_resource_share(name="s", principals=[PROD])["resourceShare"]["resourceShareArn"]
        prod = emu.session("prod").client("ram")
        assert prod.get_resource_share_invitations()["resourceShareInvitations"][0]["status"] == "PENDING"
        emu.clock.advance(61)
        assert statuses(ram, arn) == ["DISASSOCIATED"]


def test_emulator_restores_environment_and_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from mcgov.emulator import patches

    monkeypatch.setenv("AWS_PROFILE", "real-profile")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with Emulator() as emu:
        assert "AWS_PROFILE" not in os.environ and os.environ["AWS_ACCESS_KEY_ID"]
        assert patches.is_applied()
        patches.apply()
        emu.session(CARD).client("ram").create_resource_share(name="x")
        assert (CARD, "ram", "CreateResourceShare") in emu.api_calls
    assert os.environ["AWS_PROFILE"] == "real-profile" and "AWS_ACCESS_KEY_ID" not in os.environ
    assert not patches.is_applied()


def test_real_cli_example_shapes_match() -> None:
    path = CASES / "ram-cli-examples" / "get_resource_share_associations__principal.json"
    if not path.exists():
        pytest.skip(f"reference case missing: {path}")
    real = json.loads(path.read_text())["resourceShareAssociations"][0]
    with Emulator() as emu:
        ram = emu.session(CARD).client("ram")
        ram.create_resource_share(name="s", principals=[STAGING])
        ours = ram.get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"][0]
    assert set(real) - {"statusMessage"} <= set(ours)


def test_server_mode_answers_and_controls(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    from mcgov.emulator import patches
    from mcgov.emulator.server import EmulatorServer

    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    with EmulatorServer(port=0) as server:
        ram = server.session(CARD).client("ram", endpoint_url=server.url)
        arn = ram.create_resource_share(name="srv", principals=[STAGING])["resourceShare"]["resourceShareArn"]
        assert arn.split(":")[4] == CARD
        request = urllib.request.Request(
            f"{server.url}/_emulator/fail-association",
            method="POST",
            data=json.dumps({"principal": STAGING, "message": "server-injected"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        assert json.loads(urllib.request.urlopen(request, timeout=5).read())["failures"] == 1
        row = ram.get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"][0]
        assert (row["status"], row["statusMessage"]) == ("FAILED", "server-injected")
    assert not patches.is_applied()
