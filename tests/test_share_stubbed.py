"""ensure_share / delete_share call sequences pinned with botocore's Stubber, plus HTTP-level retries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import ANY, Stubber

from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy
from mcgov.share_policies.models import AWS_MANAGED_PERMISSION
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import client_config
from mcgov.steps.share.converge import delete_share, ensure_share
from mcgov.steps.share.exceptions import ShareError
from mcgov.steps.share.naming import CLIENT_TOKEN_MAX, Owner, client_token, share_name, share_tags
from mcgov.steps.share.plan import plan_associations, select_share
from mcgov.steps.share.ram_rows import Association, ResourceShare
from tests.conftest import REPO

EXAMPLE = REPO / "share_policies" / "example.yaml"

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
READONLY = "arn:aws:ram:us-east-1:111111111111:permission/ModelCardReadOnly"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def owner(stage: str) -> Owner:
    """The owner of the example policy's share of ``stage``."""
    policy = load_policy(EXAMPLE)
    return Owner.of(policy.policy_id, policy.stage(stage))


def share(stage: str, arn: str, permission: str, status: str = "ACTIVE", external: bool = False) -> dict[str, Any]:
    return {
        "resourceShareArn": arn,
        "name": share_name(CARD, stage),
        "owningAccountId": "111111111111",
        "allowExternalPrincipals": external,
        "status": status,
        "tags": share_tags(CARD, owner(stage), permission),
        "creationTime": T0,
        "lastUpdatedTime": T0,
    }


def assoc(share_arn: str, entity: str, kind: str, status: str = "ASSOCIATED") -> dict[str, Any]:
    return {
        "resourceShareArn": share_arn,
        "associatedEntity": entity,
        "associationType": kind,
        "status": status,
        "creationTime": T0,
        "lastUpdatedTime": T0,
        "external": False,
    }


@pytest.fixture
def ram(aws_env: None) -> Any:
    return boto3.client("ram", region_name="us-east-1", config=client_config())


def expect_list(stub: Stubber, stage: str, shares: list[dict], **extra: str) -> None:
    """ensure_share reads the card's shares of every stage at once, by the card tag (``stage`` documents intent)."""
    stub.add_response(
        "get_resource_shares",
        {"resourceShares": shares},
        {
            "resourceOwner": "SELF",
            "tagFilters": [{"tagKey": "mcgov:card-arn", "tagValues": [CARD]}],
            **extra,
        },
    )


def expect_assocs(stub: Stubber, share_arn: str, kind: str, items: list[dict]) -> None:
    stub.add_response(
        "get_resource_share_associations",
        {"resourceShareAssociations": items},
        {"associationType": kind, "resourceShareArns": [share_arn]},
    )


def test_client_token_is_deterministic_and_short() -> None:
    long_card, policy_id = CARD.replace("churn-model", "x" * 63), "p" * 63
    token = client_token(long_card, "a" * 32, READONLY, False, 0, policy_id)
    assert len(token) <= CLIENT_TOKEN_MAX
    assert token == client_token(long_card, "a" * 32, READONLY, False, 0, policy_id)
    assert token != client_token(CARD, "prod", READONLY, False, 0, policy_id)
    assert token != client_token(long_card, "a" * 32, READONLY, False, 1, policy_id)
    assert token != client_token(long_card, "a" * 32, READONLY, False, 0, "another-policy")


def test_first_run_creates_prod_share_with_readonly_permission_then_associates(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/p1"
    with Stubber(ram) as stub:
        expect_list(stub, "prod", [])
        stub.add_response(
            "create_resource_share",
            {"resourceShare": share("prod", arn, READONLY)},
            {
                "name": "mcgov-churn-model-prod",
                "resourceArns": [CARD],
                "permissionArns": [READONLY],
                "allowExternalPrincipals": False,
                "tags": share_tags(CARD, owner("prod"), READONLY),
                "clientToken": client_token(CARD, "prod", READONLY, False, 0, "example"),
            },
        )
        expect_assocs(stub, arn, "PRINCIPAL", [])
        expect_assocs(stub, arn, "RESOURCE", [assoc(arn, CARD, "RESOURCE", "ASSOCIATING")])
        stub.add_response(
            "associate_resource_share",
            {"resourceShareAssociations": [assoc(arn, "333333333333", "PRINCIPAL", "ASSOCIATING")]},
            {"resourceShareArn": arn, "principals": ["333333333333"]},
        )
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("prod")])
        stub.assert_no_pending_responses()
    stage = result.stages[0]
    assert stage.created and stage.share_arn == arn and stage.permission_arn == READONLY
    assert stage.added_principals == ["333333333333"] and stage.added_resources == []
    assert not result.drift


def test_converged_share_makes_no_write_calls(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/s1"
    with Stubber(ram) as stub:
        expect_list(stub, "staging", [share("staging", arn, AWS_MANAGED_PERMISSION)])
        expect_assocs(stub, arn, "PRINCIPAL", [assoc(arn, "222222222222", "PRINCIPAL")])
        expect_assocs(stub, arn, "RESOURCE", [assoc(arn, CARD, "RESOURCE")])
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("staging")])
        stub.assert_no_pending_responses()
    assert not result.stages[0].created and result.stages[0].added_principals == []


def test_crash_after_create_before_associations_is_repaired_by_rerun(ram: Any) -> None:
    """The first run died after CreateResourceShare: the share exists without principals."""
    policy = load_policy(EXAMPLE)
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/s1"
    with Stubber(ram) as stub:
        expect_list(stub, "staging", [share("staging", arn, AWS_MANAGED_PERMISSION)])
        expect_assocs(stub, arn, "PRINCIPAL", [])
        expect_assocs(stub, arn, "RESOURCE", [])
        stub.add_response(
            "associate_resource_share",
            {"resourceShareAssociations": []},
            {"resourceShareArn": arn, "principals": ["222222222222"], "resourceArns": [CARD]},
        )
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("staging")])
        stub.assert_no_pending_responses()
    assert not result.stages[0].created
    assert result.stages[0].added_principals == ["222222222222"] and result.stages[0].added_resources == [CARD]


def test_principal_drift_is_reported_and_removed_only_with_prune(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/s1"
    live = [assoc(arn, "222222222222", "PRINCIPAL"), assoc(arn, "444444444444", "PRINCIPAL")]
    with Stubber(ram) as stub:
        expect_list(stub, "staging", [share("staging", arn, AWS_MANAGED_PERMISSION)])
        expect_assocs(stub, arn, "PRINCIPAL", live)
        expect_assocs(stub, arn, "RESOURCE", [assoc(arn, CARD, "RESOURCE")])
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("staging")])
        stub.assert_no_pending_responses()
    assert result.stages[0].drift_principals == ["444444444444"] and result.stages[0].removed_principals == []
    assert result.drift

    with Stubber(ram) as stub:
        expect_list(stub, "staging", [share("staging", arn, AWS_MANAGED_PERMISSION)])
        expect_assocs(stub, arn, "PRINCIPAL", live)
        expect_assocs(stub, arn, "RESOURCE", [assoc(arn, CARD, "RESOURCE")])
        stub.add_response(
            "disassociate_resource_share",
            {"resourceShareAssociations": []},
            {"resourceShareArn": arn, "principals": ["444444444444"]},
        )
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("staging")], prune=True)
        stub.assert_no_pending_responses()
    assert result.stages[0].removed_principals == ["444444444444"] and not result.drift


def test_stale_permission_share_refused_without_prune_and_replaced_with_prune(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    old = "arn:aws:ram:us-east-1:111111111111:resource-share/old"
    new = "arn:aws:ram:us-east-1:111111111111:resource-share/new"
    with Stubber(ram) as stub:
        expect_list(stub, "prod", [share("prod", old, AWS_MANAGED_PERMISSION)])
        expect_assocs(stub, old, "PRINCIPAL", [assoc(old, "333333333333", "PRINCIPAL")])
        expect_assocs(stub, old, "RESOURCE", [assoc(old, CARD, "RESOURCE")])
        with pytest.raises(ShareError, match="--prune"):
            ensure_share(ram, policy, CARD, stages=[policy.stage("prod")])
    with Stubber(ram) as stub:
        expect_list(stub, "prod", [share("prod", old, AWS_MANAGED_PERMISSION)])
        expect_assocs(stub, old, "PRINCIPAL", [assoc(old, "333333333333", "PRINCIPAL")])
        expect_assocs(stub, old, "RESOURCE", [assoc(old, CARD, "RESOURCE")])
        stub.add_response("delete_resource_share", {"returnValue": True}, {"resourceShareArn": old})
        stub.add_response(
            "create_resource_share",
            {"resourceShare": share("prod", new, READONLY)},
            {
                "name": "mcgov-churn-model-prod",
                "resourceArns": [CARD],
                "permissionArns": [READONLY],
                "allowExternalPrincipals": False,
                "tags": ANY,
                "clientToken": client_token(CARD, "prod", READONLY, False, 1, "example"),
            },
        )
        expect_assocs(stub, new, "PRINCIPAL", [assoc(new, "333333333333", "PRINCIPAL", "ASSOCIATING")])
        expect_assocs(stub, new, "RESOURCE", [assoc(new, CARD, "RESOURCE", "ASSOCIATING")])
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("prod")], prune=True)
        stub.assert_no_pending_responses()
    assert result.stages[0].deleted_shares == [old] and result.stages[0].share_arn == new


def test_share_allowing_external_principals_is_tightened(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/s1"
    with Stubber(ram) as stub:
        expect_list(stub, "staging", [share("staging", arn, AWS_MANAGED_PERMISSION, external=True)])
        expect_assocs(stub, arn, "PRINCIPAL", [assoc(arn, "222222222222", "PRINCIPAL")])
        expect_assocs(stub, arn, "RESOURCE", [assoc(arn, CARD, "RESOURCE")])
        stub.add_response(
            "update_resource_share",
            {"resourceShare": share("staging", arn, AWS_MANAGED_PERMISSION)},
            {"resourceShareArn": arn, "allowExternalPrincipals": False},
        )
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("staging")])
        stub.assert_no_pending_responses()
    assert result.stages[0].allow_external_updated


def test_deleted_share_is_recreated_with_a_fresh_client_token(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    gone = "arn:aws:ram:us-east-1:111111111111:resource-share/gone"
    new = "arn:aws:ram:us-east-1:111111111111:resource-share/new"
    with Stubber(ram) as stub:
        expect_list(stub, "staging", [share("staging", gone, AWS_MANAGED_PERMISSION, status="DELETED")])
        stub.add_response(
            "create_resource_share",
            {"resourceShare": share("staging", new, AWS_MANAGED_PERMISSION)},
            {
                "name": ANY,
                "resourceArns": [CARD],
                "permissionArns": [AWS_MANAGED_PERMISSION],
                "allowExternalPrincipals": False,
                "tags": ANY,
                "clientToken": client_token(CARD, "staging", AWS_MANAGED_PERMISSION, False, 1, "example"),
            },
        )
        expect_assocs(stub, new, "PRINCIPAL", [])
        expect_assocs(stub, new, "RESOURCE", [assoc(new, CARD, "RESOURCE")])
        stub.add_response("associate_resource_share", {}, {"resourceShareArn": new, "principals": ["222222222222"]})
        assert ensure_share(ram, policy, CARD, stages=[policy.stage("staging")]).stages[0].created
        stub.assert_no_pending_responses()


def test_foreign_shares_returned_by_ram_are_ignored(ram: Any) -> None:
    """A share with our name but another card's tag is never touched."""
    policy = load_policy(EXAMPLE)
    foreign = share("staging", "arn:aws:ram:us-east-1:111111111111:resource-share/f", AWS_MANAGED_PERMISSION)
    foreign["tags"] = [{"key": "mcgov:card-arn", "value": CARD + "-other"}, {"key": "mcgov:stage", "value": "staging"}]
    with Stubber(ram) as stub:
        expect_list(stub, "staging", [foreign])
        new = "arn:aws:ram:us-east-1:111111111111:resource-share/n"
        stub.add_response(
            "create_resource_share", {"resourceShare": share("staging", new, AWS_MANAGED_PERMISSION)}, None
        )
        expect_assocs(stub, new, "PRINCIPAL", [assoc(new, "222222222222", "PRINCIPAL")])
        expect_assocs(stub, new, "RESOURCE", [assoc(new, CARD, "RESOURCE")])
        assert ensure_share(ram, policy, CARD, stages=[policy.stage("staging")]).stages[0].created


def test_list_calls_are_paginated(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    arn = "arn:aws:ram:us-east-1:111111111111:resource-share/s1"
    with Stubber(ram) as stub:
        stub.add_response("get_resource_shares", {"resourceShares": [], "nextToken": "t1"}, None)
        expect_list(stub, "staging", [share("staging", arn, AWS_MANAGED_PERMISSION)], nextToken="t1")
        stub.add_response(
            "get_resource_share_associations",
            {"resourceShareAssociations": [assoc(arn, "444444444444", "PRINCIPAL")], "nextToken": "t2"},
            {"associationType": "PRINCIPAL", "resourceShareArns": [arn]},
        )
        stub.add_response(
            "get_resource_share_associations",
            {"resourceShareAssociations": [assoc(arn, "222222222222", "PRINCIPAL")]},
            {"associationType": "PRINCIPAL", "resourceShareArns": [arn], "nextToken": "t2"},
        )
        expect_assocs(stub, arn, "RESOURCE", [assoc(arn, CARD, "RESOURCE")])
        result = ensure_share(ram, policy, CARD, stages=[policy.stage("staging")])
        stub.assert_no_pending_responses()
    assert not result.stages[0].created
    assert result.stages[0].added_principals == [] and result.stages[0].drift_principals == ["444444444444"]


def test_api_error_becomes_typed_error_with_fix(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    with Stubber(ram) as stub:
        stub.add_client_error("get_resource_shares", "AccessDeniedException", "not authorized", 403)
        with pytest.raises(ShareError, match="get_resource_shares failed: AccessDeniedException.*re-run"):
            ensure_share(ram, policy, CARD, stages=[policy.stage("staging")])


def test_delete_share_deletes_only_live_shares(ram: Any) -> None:
    policy = load_policy(EXAMPLE)
    live = "arn:aws:ram:us-east-1:111111111111:resource-share/live"
    with Stubber(ram) as stub:
        expect_list(
            stub,
            "prod",
            [
                share("prod", live, READONLY),
                share("prod", "arn:aws:ram:us-east-1:111111111111:resource-share/d", READONLY, status="DELETED"),
            ],
        )
        stub.add_response("delete_resource_share", {"returnValue": True}, {"resourceShareArn": live})
        assert delete_share(ram, policy, CARD, [policy.stage("prod")]) == [live]
        stub.assert_no_pending_responses()


def test_unknown_stage_refused_before_any_call(ram: Any) -> None:

    with Stubber(ram) as stub:
        with pytest.raises(BadInputError, match=r"stages\.qa: no such stage; use one of prod, staging") as err:
            ensure_share(ram, load_policy(EXAMPLE), CARD, stages=[load_policy(EXAMPLE).stage("qa")])
        assert err.value.field == "stages.qa"
        stub.assert_no_pending_responses()


def test_ensure_share_has_no_way_to_take_extra_principals() -> None:
    """Security: principals come only from the policy; the API exposes no principal argument."""
    import inspect

    params = set(inspect.signature(ensure_share).parameters)
    assert params == {
        "ram",
        "policy",
        "card_arn",
        "stages",
        "prune",
        "package_group_arn",
    }  # a resource, not a principal


def test_plan_treats_failed_and_disassociated_as_missing() -> None:
    plan = plan_associations(
        ["222222222222", "333333333333"],
        CARD,
        [
            Association.from_wire(assoc("s", "222222222222", "PRINCIPAL", "FAILED")),
            Association.from_wire(assoc("s", "333333333333", "PRINCIPAL", "DISASSOCIATED")),
        ],
        [Association.from_wire(assoc("s", CARD, "RESOURCE", "ASSOCIATING"))],
        prune=True,
    )
    assert plan.add_principals == ("222222222222", "333333333333") and plan.add_resources == ()
    assert plan.remove_principals == ()


def test_select_share_oldest_wins_and_counts_generations() -> None:
    a = share("staging", "arn:a", AWS_MANAGED_PERMISSION)
    b = {**share("staging", "arn:b", AWS_MANAGED_PERMISSION), "creationTime": datetime(2025, 1, 1, tzinfo=UTC)}
    dead = share("staging", "arn:c", AWS_MANAGED_PERMISSION, status="DELETED")
    selection = select_share([ResourceShare.from_wire(s) for s in (b, dead, a)], AWS_MANAGED_PERMISSION)
    assert selection.active is not None and selection.active.arn == "arn:a"
    assert [s.arn for s in selection.duplicates] == ["arn:b"]
    assert selection.generation == 1


# --- retries: an event hook answers at the HTTP layer, so botocore's retry handler really runs ---


class FlakyTransport:
    """before-send hook: fail ``failures`` times with (status, code), then answer ``body``."""

    def __init__(self, failures: list[tuple[int, str]], body: dict) -> None:
        self.failures = list(failures)
        self.body = body
        self.calls = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.calls += 1
        if self.failures:
            status, code = self.failures.pop(0)
            payload = json.dumps({"__type": code, "message": "injected"}).encode()
            return AWSResponse(
                request.url, status, {"x-amzn-ErrorType": code, "Content-Type": "application/json"}, _Raw(payload)
            )
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"}, _Raw(json.dumps(self.body).encode()))


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self.data


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", slept.append)
    return slept


def test_throttling_and_5xx_are_retried(aws_env: None, no_sleep: list[float]) -> None:
    ram = boto3.client("ram", region_name="us-east-1", config=client_config(max_attempts=4))
    flaky = FlakyTransport(
        [(400, "ThrottlingException"), (503, "ServiceUnavailableException"), (500, "ServerInternalException")],
        {"resourceShares": []},
    )
    ram.meta.events.register("before-send.ram.*", flaky)
    assert ram.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []
    assert flaky.calls == 4 and len(no_sleep) == 3


def test_retries_are_bounded_then_typed_error(aws_env: None, no_sleep: list[float]) -> None:
    ram = boto3.client("ram", region_name="us-east-1", config=client_config(max_attempts=3))
    flaky = FlakyTransport([(503, "ServiceUnavailableException")] * 5, {"resourceShares": []})
    ram.meta.events.register("before-send.ram.*", flaky)
    with pytest.raises(ShareError, match="ServiceUnavailableException"):
        ensure_share(ram, load_policy(EXAMPLE), CARD, stages=[load_policy(EXAMPLE).stage("staging")])
    assert flaky.calls == 3


def test_non_retryable_error_is_not_retried(aws_env: None, no_sleep: list[float]) -> None:
    ram = boto3.client("ram", region_name="us-east-1", config=client_config(max_attempts=5))
    flaky = FlakyTransport([(400, "InvalidParameterException")], {"resourceShares": []})
    ram.meta.events.register("before-send.ram.*", flaky)
    with pytest.raises(ShareError, match="InvalidParameterException"):
        ensure_share(
            ram,
            parse_policy(
                {
                    "version": 1,
                    "card_account": "111111111111",
                    "region": "us-east-1",
                    "stages": {"s": {"accounts": ["222222222222"], "required_card_status": "Draft"}},
                }
            ),
            CARD,
        )
    assert flaky.calls == 1


def test_converged_card_costs_three_reads_for_all_stages(ram: Any) -> None:
    """One GetResourceShares by card tag, then PRINCIPAL and RESOURCE rows of both shares in one call each."""
    policy = load_policy(EXAMPLE)
    staging, prod = (
        "arn:aws:ram:us-east-1:111111111111:resource-share/s",
        "arn:aws:ram:us-east-1:111111111111:resource-share/p",
    )
    with Stubber(ram) as stub:
        expect_list(stub, "both", [share("staging", staging, AWS_MANAGED_PERMISSION), share("prod", prod, READONLY)])
        stub.add_response(
            "get_resource_share_associations",
            {
                "resourceShareAssociations": [
                    assoc(staging, "222222222222", "PRINCIPAL"),
                    assoc(prod, "333333333333", "PRINCIPAL"),
                ]
            },
            {"associationType": "PRINCIPAL", "resourceShareArns": [staging, prod]},
        )
        stub.add_response(
            "get_resource_share_associations",
            {"resourceShareAssociations": [assoc(staging, CARD, "RESOURCE"), assoc(prod, CARD, "RESOURCE")]},
            {"associationType": "RESOURCE", "resourceShareArns": [staging, prod]},
        )
        result = ensure_share(ram, policy, CARD)
        stub.assert_no_pending_responses()
    assert [(s.stage, s.created, s.added_principals) for s in result.stages] == [
        ("staging", False, []),
        ("prod", False, []),
    ]
