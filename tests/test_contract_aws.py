"""The AWS behaviour the product relies on, as one suite for two backends.

``make test`` runs it on the emulator; ``pytest -m live`` runs the same tests against a real account (settings in
``tests/contract.py`` and docs/live.md). Parts that need hours of AWS time run on the emulator's clock only and
skip on live with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from mcgov.steps.stack.template import TEMPLATE as STACK_TEMPLATE
from tests.contract import Backend

UPDATABLE = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCards"
READ_ACTIONS = ["sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions"]
TWELVE_HOURS = 12 * 3600


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


def content(text: str) -> str:
    return json.dumps({"model_overview": {"model_description": text}})


def new_card(backend: Backend, status: str = "Draft") -> tuple[str, str]:
    """A card (name, ARN) deleted after the test."""
    sm = backend.client("sagemaker")
    name = backend.unique()
    arn = sm.create_model_card(ModelCardName=name, Content=content("v1"), ModelCardStatus=status)["ModelCardArn"]
    backend.cleanups.append(lambda: sm.delete_model_card(ModelCardName=name))
    return name, arn


def new_share(backend: Backend, **kwargs: Any) -> str:
    """A RAM share (ARN) deleted after the test."""
    ram = backend.client("ram")
    arn = ram.create_resource_share(name=backend.unique(), **kwargs)["resourceShare"]["resourceShareArn"]
    backend.cleanups.append(lambda: ram.delete_resource_share(resourceShareArn=arn))
    return arn


def association(backend: Backend, share_arn: str, kind: str, entity: str) -> dict[str, Any] | None:
    rows = backend.client("ram").get_resource_share_associations(associationType=kind, resourceShareArns=[share_arn])[
        "resourceShareAssociations"
    ]
    return next((r for r in rows if r["associatedEntity"] == entity), None)


def wait_for(backend: Backend, read: Callable[[], Any], done: Callable[[Any], bool], polls: int = 60) -> Any:
    """Poll ``read`` until ``done`` (the emulator advances one lifecycle step per poll; live waits 5 s)."""
    value = read()
    for _ in range(polls):
        if done(value):
            return value
        backend.pause()
        value = read()
    raise AssertionError(f"still {value!r} after {polls} polls")


def status_of(backend: Backend, share_arn: str, kind: str, entity: str) -> Callable[[], str | None]:
    return lambda: (association(backend, share_arn, kind, entity) or {}).get("status")


def shared_with_consumer(backend: Backend, card_arn: str, permission: str) -> tuple[Any, str]:
    consumer, account = backend.require_consumer()
    share = new_share(
        backend,
        resourceArns=[card_arn],
        principals=[account],
        permissionArns=[permission],
        allowExternalPrincipals=False,
    )
    for kind, entity in (("PRINCIPAL", account), ("RESOURCE", card_arn)):
        wait_for(backend, status_of(backend, share, kind, entity), lambda s: s == "ASSOCIATED")
    return backend.client("sagemaker", consumer), share


def read_only_permission(backend: Backend) -> str:
    ram = backend.client("ram")
    name = backend.unique("mcgov-ct")[:36]
    arn = ram.create_permission(
        name=name,
        resourceType="sagemaker:ModelCard",
        policyTemplate=json.dumps({"Effect": "Allow", "Action": READ_ACTIONS}),
    )["permission"]["arn"]
    backend.cleanups.append(lambda: ram.delete_permission(permissionArn=arn))
    return arn


# SageMaker model cards


def test_each_effective_update_is_a_new_version_and_keeps_what_it_does_not_name(backend: Backend) -> None:
    sm = backend.client("sagemaker")
    name, _ = new_card(backend)
    sm.update_model_card(ModelCardName=name, Content=content("v2"))
    sm.update_model_card(ModelCardName=name, ModelCardStatus="PendingReview")
    card = sm.describe_model_card(ModelCardName=name)
    assert (card["ModelCardVersion"], card["ModelCardStatus"], card["Content"]) == (3, "PendingReview", content("v2"))
    first = sm.describe_model_card(ModelCardName=name, ModelCardVersion=1)
    assert (first["ModelCardStatus"], first["Content"]) == ("Draft", content("v1"))
    versions = sm.list_model_card_versions(ModelCardName=name, SortBy="Version", SortOrder="Ascending")
    assert [v["ModelCardVersion"] for v in versions["ModelCardVersionSummaryList"]] == [1, 2, 3]


def test_content_and_status_in_one_update_are_refused(backend: Backend) -> None:
    sm = backend.client("sagemaker")
    name, _ = new_card(backend)
    with pytest.raises(ClientError) as exc:
        sm.update_model_card(ModelCardName=name, Content=content("v2"), ModelCardStatus="PendingReview")
    assert code(exc) == "ValidationException"
    assert sm.describe_model_card(ModelCardName=name)["ModelCardVersion"] == 1


def test_an_archived_card_refuses_content_updates(backend: Backend) -> None:
    sm = backend.client("sagemaker")
    name, _ = new_card(backend)
    sm.update_model_card(ModelCardName=name, ModelCardStatus="Archived")
    with pytest.raises(ClientError) as exc:
        sm.update_model_card(ModelCardName=name, Content=content("v2"))
    assert code(exc) == "ValidationException"
    card = sm.describe_model_card(ModelCardName=name)
    assert (card["ModelCardStatus"], card["Content"]) == ("Archived", content("v1"))


def test_a_consumer_updates_a_card_by_arn_under_the_updatable_permission(backend: Backend) -> None:
    name, arn = new_card(backend)
    consumer, _ = shared_with_consumer(backend, arn, UPDATABLE)
    assert consumer.describe_model_card(ModelCardName=arn)["ModelCardVersion"] == 1
    consumer.update_model_card(ModelCardName=arn, ModelCardStatus="PendingReview")
    card = backend.client("sagemaker").describe_model_card(ModelCardName=name)
    assert (card["ModelCardVersion"], card["ModelCardStatus"]) == (2, "PendingReview")


def test_a_customer_managed_read_only_permission_lets_a_consumer_read_but_not_update(backend: Backend) -> None:
    name, arn = new_card(backend)
    permission = read_only_permission(backend)
    consumer, share = shared_with_consumer(backend, arn, permission)
    listed = backend.client("ram").list_resource_share_permissions(resourceShareArn=share)["permissions"]
    assert [p["arn"] for p in listed] == [permission] and listed[0]["resourceType"] == "sagemaker:ModelCard"
    assert consumer.describe_model_card(ModelCardName=arn)["Content"] == content("v1")
    with pytest.raises(ClientError) as exc:
        consumer.update_model_card(ModelCardName=arn, ModelCardStatus="PendingReview")
    assert code(exc) == "AccessDeniedException"
    assert backend.client("sagemaker").describe_model_card(ModelCardName=name)["ModelCardVersion"] == 1


def test_a_consumer_cannot_tag_or_read_the_tags_of_a_shared_card(backend: Backend) -> None:
    _, arn = new_card(backend)
    consumer, _ = shared_with_consumer(backend, arn, UPDATABLE)
    for call in (
        lambda: consumer.add_tags(ResourceArn=arn, Tags=[{"Key": "mcgov:approval:version", "Value": "1"}]),
        lambda: consumer.list_tags(ResourceArn=arn),
        lambda: consumer.delete_tags(ResourceArn=arn, TagKeys=["mcgov:approval:version"]),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert code(exc) == "AccessDeniedException"


# RAM


def test_association_lifecycle_associate_disassociate_reassociate(backend: Backend) -> None:
    _, account = backend.require_consumer()
    _, arn = new_card(backend)
    share = new_share(backend, resourceArns=[arn], principals=[account], allowExternalPrincipals=False)
    first = association(backend, share, "PRINCIPAL", account)
    assert first is not None and first["status"] in ("ASSOCIATING", "ASSOCIATED") and first["external"] is False
    wait_for(backend, status_of(backend, share, "PRINCIPAL", account), lambda s: s == "ASSOCIATED")
    ram = backend.client("ram")
    ram.disassociate_resource_share(resourceShareArn=share, principals=[account])
    wait_for(backend, status_of(backend, share, "PRINCIPAL", account), lambda s: s == "DISASSOCIATED")
    ram.associate_resource_share(resourceShareArn=share, principals=[account])
    wait_for(backend, status_of(backend, share, "PRINCIPAL", account), lambda s: s == "ASSOCIATED")


def test_a_share_without_permission_arns_gets_the_model_card_default(backend: Backend) -> None:
    _, arn = new_card(backend)
    share = new_share(backend, resourceArns=[arn])
    listed = backend.client("ram").list_resource_share_permissions(resourceShareArn=share)["permissions"]
    assert [p["arn"] for p in listed] == [UPDATABLE]


def test_client_token_replays_the_first_result_and_refuses_other_parameters(backend: Backend) -> None:
    ram = backend.client("ram")
    name, token = backend.unique(), backend.unique("token")
    first = ram.create_resource_share(name=name, clientToken=token)["resourceShare"]["resourceShareArn"]
    backend.cleanups.append(lambda: ram.delete_resource_share(resourceShareArn=first))
    again = ram.create_resource_share(name=name, clientToken=token)["resourceShare"]["resourceShareArn"]
    assert again == first
    assert [
        s["resourceShareArn"] for s in ram.get_resource_shares(resourceOwner="SELF", name=name)["resourceShares"]
    ] == [first]
    with pytest.raises(ClientError) as exc:
        ram.create_resource_share(name=name + "-other", clientToken=token)
    assert code(exc) == "IdempotentParameterMismatchException"


def test_an_unanswered_invitation_expires_after_12_hours_and_the_principal_is_disassociated(backend: Backend) -> None:
    external = backend.require_external()
    _, arn = new_card(backend)
    share = new_share(backend, resourceArns=[arn], principals=[external], allowExternalPrincipals=True)
    row = association(backend, share, "PRINCIPAL", external)
    assert row is not None and row["status"] == "ASSOCIATING" and row["external"] is True
    backend.advance(TWELVE_HOURS - 60)
    assert status_of(backend, share, "PRINCIPAL", external)() == "ASSOCIATING"
    backend.advance(120)
    assert status_of(backend, share, "PRINCIPAL", external)() == "DISASSOCIATED"


def test_sharing_outside_the_organization_is_refused_without_allow_external(backend: Backend) -> None:
    external = backend.require_external()
    _, arn = new_card(backend)
    share = new_share(backend, resourceArns=[arn], allowExternalPrincipals=False)
    with pytest.raises(ClientError) as exc:
        backend.client("ram").associate_resource_share(resourceShareArn=share, principals=[external])
    assert code(exc) == "OperationNotPermittedException"


# The PutResourcePolicy family


def test_sagemaker_has_no_resource_policy_operation_for_cards() -> None:
    """sagemaker:PutResourcePolicy/GetResourcePolicy/DeleteResourcePolicy are IAM actions RAM uses on the sharer's
    behalf, not API operations: the product never calls them, it grants them to the role that shares."""
    operations = botocore.session.get_session().get_service_model("sagemaker").operation_names
    assert not [o for o in operations if o in ("PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy")]


def _resource_policy_statements() -> list[dict[str, Any]]:
    from cfnlint.decode import decode

    template, errors = decode(str(STACK_TEMPLATE))
    assert not errors, errors
    found = []
    for resource in json.loads(json.dumps(template))["Resources"].values():
        for policy in (resource.get("Properties") or {}).get("Policies") or []:
            for statement in policy["PolicyDocument"]["Statement"]:
                if isinstance(statement, dict) and "sagemaker:PutResourcePolicy" in statement.get("Action", []):
                    found.append(statement)
    return found


def test_the_resource_policy_action_is_granted_on_star_as_the_iam_reference_requires() -> None:
    """sagemaker:PutResourcePolicy has no resource type in the IAM reference: a statement scoped to model-card/*
    never matches it. The share role gets it on "*" (RAM attaches a shared card's policy with it), and nothing of
    the family the Lambdas never need (Get/DeleteResourcePolicy: they neither read nor remove a card's policy)."""
    from mcgov.emulator.iam.reference import resource_types

    [statement] = _resource_policy_statements()
    assert statement["Action"] == ["sagemaker:PutResourcePolicy"] and statement["Resource"] == "*"
    for action in ("sagemaker:PutResourcePolicy", "sagemaker:GetResourcePolicy", "sagemaker:DeleteResourcePolicy"):
        assert resource_types(action) == [""], action


def assumable_copy(backend: Backend, role_arn: str) -> boto3.Session:
    """A session with the grants of ``role_arn`` for the test runner: the stack's roles trust only their service
    (``lambda.amazonaws.com``), so the test copies the role's inline and attached policies into a temporary role its
    own account may assume (deleted after the test), and assumes that."""
    iam, sts = backend.client("iam"), backend.client("sts")
    source = role_arn.rsplit("/", 1)[-1]
    copy = backend.unique("mcgov-contract-role")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{backend.owner_account}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    copied = iam.create_role(RoleName=copy, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    names = iam.list_role_policies(RoleName=source)["PolicyNames"]
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=source)["AttachedPolicies"]]

    def delete() -> None:
        for name in names:
            iam.delete_role_policy(RoleName=copy, PolicyName=name)
        for arn in attached:
            iam.detach_role_policy(RoleName=copy, PolicyArn=arn)
        iam.delete_role(RoleName=copy)

    backend.cleanups.append(delete)
    for name in names:
        document = iam.get_role_policy(RoleName=source, PolicyName=name)["PolicyDocument"]
        iam.put_role_policy(
            RoleName=copy,
            PolicyName=name,
            PolicyDocument=document if isinstance(document, str) else json.dumps(document),
        )
    for arn in attached:
        iam.attach_role_policy(RoleName=copy, PolicyArn=arn)
    for _ in range(12):  # IAM is eventually consistent: a new role can take seconds to be assumable
        try:
            creds = sts.assume_role(RoleArn=copied, RoleSessionName="mcgov-contract")["Credentials"]
            break
        except ClientError:
            backend.pause()
    else:
        pytest.fail(f"could not assume {copied}, the copy of {role_arn}; check the runner's sts:AssumeRole rights")
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=backend.region,
    )


def test_the_share_role_can_share_a_card_with_its_scoped_grants(backend: Backend) -> None:
    """The grants of the stack's ShareCardRole (PutResourcePolicy on "*", the RAM statements as deployed) share a
    card, used by the test runner through a copy of the role. On the emulator the stack is deployed from the
    template (its IAM evaluates the copy's policies); live, MCGOV_LIVE_SHARE_ROLE_ARN names the deployed role."""
    role_arn = backend.share_role_arn
    if not backend.live:
        stack = backend.emulator.deploy_stack(  # type: ignore[attr-defined]
            STACK_TEMPLATE,
            stack_name="mcgov-contract",
            parameters={"CodeBucket": "c", "CodeKey": "k", "PolicyUri": "policy.yaml", "ArtifactBucket": "a"},
            handlers=None,
        )
        role_arn = stack.arns["ShareCardRole"]
    if not role_arn:
        pytest.skip("set MCGOV_LIVE_SHARE_ROLE_ARN to the stack's ShareCardRole to check its grants")
    _, arn = new_card(backend)
    ram = assumable_copy(backend, role_arn).client("ram")
    tags = [{"key": "mcgov:managed-by", "value": "model-card-governance"}]
    share = ram.create_resource_share(name=backend.unique(), resourceArns=[arn], tags=tags)["resourceShare"][
        "resourceShareArn"
    ]
    backend.cleanups.append(lambda: backend.client("ram").delete_resource_share(resourceShareArn=share))
    wait_for(backend, status_of(backend, share, "RESOURCE", arn), lambda s: s == "ASSOCIATED")
