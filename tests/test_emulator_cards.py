"""SageMaker model-card behaviour of the project emulator (versions, archive, ARNs, cross-account)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator

CARD = "111111111111"
STAGING = "222222222222"
CONTENT = json.dumps({"model_overview": {"model_description": "churn model"}})
CONTENT2 = json.dumps({"model_overview": {"model_description": "churn model v2"}})


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


@pytest.fixture
def sm(card_session: boto3.Session):
    return card_session.client("sagemaker")


@pytest.fixture
def arn(sm) -> str:
    return sm.create_model_card(ModelCardName="churn", Content=CONTENT, ModelCardStatus="Draft")["ModelCardArn"]


def test_arn_accepted_as_name(sm, arn: str) -> None:
    assert arn == f"arn:aws:sagemaker:us-east-1:{CARD}:model-card/churn"
    assert sm.describe_model_card(ModelCardName=arn)["ModelCardName"] == "churn"
    sm.update_model_card(ModelCardName=arn, ModelCardStatus="PendingReview")
    versions = sm.list_model_card_versions(ModelCardName=arn)["ModelCardVersionSummaryList"]
    assert [v["ModelCardVersion"] for v in versions] == [1, 2]


def test_status_only_update_keeps_content_and_versions_increment(sm, arn: str) -> None:
    sm.update_model_card(ModelCardName="churn", ModelCardStatus="PendingReview")
    card = sm.describe_model_card(ModelCardName="churn")
    assert (card["ModelCardVersion"], card["ModelCardStatus"], card["Content"]) == (2, "PendingReview", CONTENT)
    sm.update_model_card(ModelCardName="churn", Content=CONTENT2)
    card = sm.describe_model_card(ModelCardName="churn")
    assert (card["ModelCardVersion"], card["ModelCardStatus"], card["Content"]) == (3, "PendingReview", CONTENT2)
    sm.update_model_card(ModelCardName="churn", Content=CONTENT2)
    assert sm.describe_model_card(ModelCardName="churn")["ModelCardVersion"] == 3
    with pytest.raises(ClientError) as exc:
        sm.update_model_card(ModelCardName="churn", Content=CONTENT, ModelCardStatus="Approved")
    assert code(exc) == "ValidationException" and "single call" in exc.value.response["Error"]["Message"]
    assert sm.describe_model_card(ModelCardName="churn")["ModelCardVersion"] == 3
    old = sm.describe_model_card(ModelCardName="churn", ModelCardVersion=1)
    assert (old["Content"], old["ModelCardStatus"]) == (CONTENT, "Draft")


def test_archived_card_refuses_content_update(sm, arn: str) -> None:
    sm.update_model_card(ModelCardName="churn", ModelCardStatus="Archived")
    with pytest.raises(ClientError) as exc:
        sm.update_model_card(ModelCardName="churn", Content=CONTENT2)
    assert code(exc) == "ValidationException" and "Archived" in exc.value.response["Error"]["Message"]
    sm.update_model_card(ModelCardName="churn", ModelCardStatus="Draft")
    assert sm.describe_model_card(ModelCardName="churn")["ModelCardStatus"] == "Draft"


@pytest.mark.parametrize(
    "content",
    ["not json", "[1, 2]", json.dumps({"model_overview": {"model_description": "x" * 100_001}})],
    ids=["not-json", "not-object", "too-long"],
)
def test_invalid_content_refused(sm, content: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.create_model_card(ModelCardName="bad", Content=content, ModelCardStatus="Draft")
    assert code(exc) == "ValidationException"


def test_project_validator_failure_becomes_validation_exception(sm, arn: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.update_model_card(ModelCardName="churn", Content=json.dumps({"no_such_section": 1}))
    assert code(exc) == "ValidationException"
    assert "no_such_section" in exc.value.response["Error"]["Message"]


def share_card(ram, arn: str, **kw) -> str:
    share = ram.create_resource_share(name="cards", resourceArns=[arn], principals=[STAGING], **kw)
    share_arn = share["resourceShare"]["resourceShareArn"]
    for kind in ("PRINCIPAL", "RESOURCE"):
        ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share_arn])
    return share_arn


def test_cross_account_access_only_while_shared(
    emulator: Emulator, card_session: boto3.Session, staging_session: boto3.Session, arn: str
) -> None:
    remote = staging_session.client("sagemaker")
    ram = card_session.client("ram")
    with pytest.raises(ClientError) as exc:
        remote.describe_model_card(ModelCardName=arn)
    assert code(exc) == "AccessDeniedException"
    share_arn = ram.create_resource_share(name="cards", resourceArns=[arn], principals=[STAGING])["resourceShare"][
        "resourceShareArn"
    ]
    with pytest.raises(ClientError) as exc:
        remote.describe_model_card(ModelCardName=arn)
    assert code(exc) == "AccessDeniedException", "still ASSOCIATING: no access yet"
    for kind in ("PRINCIPAL", "RESOURCE"):
        ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share_arn])
    assert remote.describe_model_card(ModelCardName=arn)["Content"] == CONTENT
    remote.update_model_card(ModelCardName=arn, ModelCardStatus="PendingReview")
    assert card_session.client("sagemaker").describe_model_card(ModelCardName="churn")["ModelCardVersion"] == 2
    assert len(remote.list_model_card_versions(ModelCardName=arn)["ModelCardVersionSummaryList"]) == 2
    with pytest.raises(ClientError) as exc:
        remote.describe_model_card(ModelCardName="churn")
    assert code(exc) == "ResourceNotFound", "a bare name resolves in the caller's own account"
    ram.disassociate_resource_share(resourceShareArn=share_arn, principals=[STAGING])
    with pytest.raises(ClientError) as exc:
        remote.describe_model_card(ModelCardName=arn)
    assert code(exc) == "AccessDeniedException"


def test_customer_permission_without_update_denies_update(
    card_session: boto3.Session, staging_session: boto3.Session, arn: str
) -> None:
    ram = card_session.client("ram")
    perm = ram.create_permission(
        name="ReadCards",
        resourceType="sagemaker:ModelCard",
        policyTemplate=json.dumps({"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"]}),
    )["permission"]["arn"]
    share_card(ram, arn, permissionArns=[perm])
    remote = staging_session.client("sagemaker")
    assert remote.describe_model_card(ModelCardName=arn)["ModelCardName"] == "churn"
    with pytest.raises(ClientError) as exc:
        remote.update_model_card(ModelCardName=arn, ModelCardStatus="Approved")
    assert code(exc) == "AccessDeniedException"


def test_unknown_remote_card_is_not_found(staging_session: boto3.Session) -> None:
    with pytest.raises(ClientError) as exc:
        staging_session.client("sagemaker").describe_model_card(
            ModelCardName=f"arn:aws:sagemaker:us-east-1:{CARD}:model-card/nope"
        )
    assert code(exc) == "ResourceNotFound"


def test_prod_not_in_share_is_denied(card_session: boto3.Session, prod_session: boto3.Session, arn: str) -> None:
    share_card(card_session.client("ram"), arn)
    with pytest.raises(ClientError) as exc:
        prod_session.client("sagemaker").describe_model_card(ModelCardName=arn)
    assert code(exc) == "AccessDeniedException"


def test_card_tags_belong_to_the_card_and_overwrite_by_key(sm, arn: str) -> None:
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "k", "Value": "1"}])
    sm.update_model_card(ModelCardName=arn, Content=CONTENT2)
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "k", "Value": "2"}, {"Key": "j", "Value": "x"}])
    assert sorted((t["Key"], t["Value"]) for t in sm.list_tags(ResourceArn=arn)["Tags"]) == [("j", "x"), ("k", "2")]
    sm.delete_tags(ResourceArn=arn, TagKeys=["j"])
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "2"}]


def test_consumers_cannot_tag_a_shared_card(
    card_session: boto3.Session, staging_session: boto3.Session, arn: str
) -> None:
    """RAM's model-card permissions grant no tagging, so an approval record in tags is the owner's alone."""
    share_card(card_session.client("ram"), arn)
    remote = staging_session.client("sagemaker")
    assert remote.describe_model_card(ModelCardName=arn)["ModelCardName"] == "churn"
    for call in (
        lambda: remote.add_tags(ResourceArn=arn, Tags=[{"Key": "mcgov:approval:version", "Value": "9"}]),
        lambda: remote.delete_tags(ResourceArn=arn, TagKeys=["mcgov:approval:version"]),
        lambda: remote.list_tags(ResourceArn=arn),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert code(exc) == "AccessDeniedException"
    assert card_session.client("sagemaker").list_tags(ResourceArn=arn)["Tags"] == []
