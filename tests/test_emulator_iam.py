"""IAM for role sessions: a session of a role that exists is authorized by the role's identity policies."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator
from mcgov.emulator.iam.enforce import resources_of
from mcgov.emulator.iam.policy import Decision, RequestContext, Unsupported, evaluate

CARD = "111111111111"
STAGING = "222222222222"
CARD_ARN = f"arn:aws:sagemaker:us-east-1:{CARD}:model-card/churn"
CARDS = f"arn:aws:sagemaker:us-east-1:{CARD}:model-card/*"
CONTENT = json.dumps({"model_overview": {"model_description": "churn"}})


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.fixture
def card(emulator: Emulator, card_session: boto3.Session) -> str:
    sm = card_session.client("sagemaker")
    sm.create_model_card(ModelCardName="churn", Content=CONTENT, ModelCardStatus="Draft")
    sm.add_tags(ResourceArn=CARD_ARN, Tags=[{"Key": "team", "Value": "risk"}])
    return CARD_ARN


RoleSession = Callable[..., boto3.Session]


@pytest.fixture
def role(emulator: Emulator) -> RoleSession:
    counter = iter(range(1000))

    def make(*statements: dict[str, Any], managed: tuple[str, ...] = ()) -> boto3.Session:
        name = f"role-{next(counter)}"
        arn = emulator.create_role(name, {"inline": policy(*statements)} if statements else {}, managed)
        return emulator.session_for_role(arn, "test")

    return make


def denied(call: Callable[[], Any]) -> dict[str, str]:
    with pytest.raises(ClientError) as exc:
        call()
    error: dict[str, str] = exc.value.response["Error"]
    assert error["Code"] in ("AccessDeniedException", "AccessDenied"), error
    return error


def test_allow_on_the_card_resource_and_nothing_else(card: str, role: RoleSession) -> None:
    sm = role(allow("sagemaker:DescribeModelCard", CARDS)).client("sagemaker")
    assert sm.describe_model_card(ModelCardName="churn")["ModelCardArn"] == card
    assert sm.describe_model_card(ModelCardName=card)["ModelCardArn"] == card
    error = denied(lambda: sm.update_model_card(ModelCardName="churn", ModelCardStatus="PendingReview"))
    assert error["Message"] == (
        f"User: arn:aws:sts::{CARD}:assumed-role/role-0/test is not authorized to perform: "
        f"sagemaker:UpdateModelCard on resource: {card} because no identity-based policy allows the "
        "sagemaker:UpdateModelCard action"
    )
    error = denied(lambda: sm.list_model_cards())
    assert error["Message"].endswith("because no identity-based policy allows the sagemaker:ListModelCards action")
    assert " on resource" not in error["Message"]  # ListModelCards has no resource type


def test_resource_of_another_name_is_denied(card: str, role: RoleSession) -> None:
    sm = role(allow("sagemaker:DescribeModelCard", f"arn:aws:sagemaker:us-east-1:{CARD}:model-card/fraud-*")).client(
        "sagemaker"
    )
    denied(lambda: sm.describe_model_card(ModelCardName="churn"))


@pytest.mark.parametrize(
    "statement",
    [
        allow("sagemaker:Describe*", CARDS),
        allow("SageMaker:describemodelcard", CARDS),  # actions are case-insensitive
        allow(["sagemaker:ListModelCards", "sagemaker:DescribeModelCard"], [CARDS]),
        {"Effect": "Allow", "NotAction": "sagemaker:Delete*", "Resource": CARDS},
        {"Effect": "Allow", "Action": "sagemaker:DescribeModelCard", "NotResource": f"{CARDS[:-1]}fraud"},
    ],
)
def test_statement_shapes_that_allow(card: str, role: RoleSession, statement: dict[str, Any]) -> None:
    assert role(statement).client("sagemaker").describe_model_card(ModelCardName="churn")["ModelCardArn"] == card


@pytest.mark.parametrize(
    "statement",
    [
        allow("sagemaker:DescribeModelCardExportJob", CARDS),
        {"Effect": "Allow", "NotAction": "sagemaker:Describe*", "Resource": "*"},
        {"Effect": "Allow", "Action": "sagemaker:DescribeModelCard", "NotResource": CARDS},
        allow("sagemaker:DescribeModelCard", CARD_ARN.replace("churn", "CHURN")),  # resources are case-sensitive
    ],
)
def test_statement_shapes_that_do_not_allow(card: str, role: RoleSession, statement: dict[str, Any]) -> None:
    denied(lambda: role(statement).client("sagemaker").describe_model_card(ModelCardName="churn"))


def test_explicit_deny_wins(card: str, role: RoleSession) -> None:
    sm = role(allow("sagemaker:*"), {"Effect": "Deny", "Action": "sagemaker:UpdateModelCard", "Resource": card}).client(
        "sagemaker"
    )
    sm.describe_model_card(ModelCardName="churn")
    error = denied(lambda: sm.update_model_card(ModelCardName="churn", ModelCardStatus="PendingReview"))
    assert error["Message"].endswith("with an explicit deny in an identity-based policy")


def test_only_star_actions_need_resource_star(card: str) -> None:
    """sagemaker:PutResourcePolicy (an IAM action RAM checks when sharing, not an API operation) has no resource
    type in the IAM reference: only Resource "*" grants it, a statement scoped to model cards does not."""
    assert resources_of("sagemaker:PutResourcePolicy", {"ResourceArn": card}, "us-east-1", CARD, "aws") == ["*"]
    context = RequestContext("sagemaker:PutResourcePolicy", "*", {}, frozenset())
    assert evaluate([policy(allow("sagemaker:PutResourcePolicy", "*"))], context).decision is Decision.ALLOW
    assert evaluate([policy(allow("sagemaker:PutResourcePolicy", CARDS))], context).decision is Decision.IMPLICIT_DENY


def test_managed_policies_count(emulator: Emulator, card: str) -> None:
    iam = emulator.session("card").client("iam")
    managed = iam.create_policy(
        PolicyName="reader", PolicyDocument=json.dumps(policy(allow("sagemaker:DescribeModelCard", CARDS)))
    )["Policy"]["Arn"]
    session = emulator.session_for_role(emulator.create_role("managed-reader", managed_policy_arns=[managed]))
    assert session.client("sagemaker").describe_model_card(ModelCardName="churn")["ModelCardArn"] == card
    denied(lambda: session.client("sagemaker").list_model_cards())


@pytest.mark.parametrize(
    ("condition", "allowed"),
    [
        ({"StringEquals": {"aws:ResourceTag/team": "risk"}}, True),
        ({"StringEquals": {"aws:ResourceTag/team": "ops"}}, False),
        ({"StringEquals": {"sagemaker:ResourceTag/team": ["ops", "risk"]}}, True),
        ({"StringNotEquals": {"aws:ResourceTag/team": "ops"}}, True),
        ({"StringNotEquals": {"aws:ResourceTag/owner": "ops"}}, True),  # negated operator: absent key holds
        ({"StringEquals": {"aws:ResourceTag/owner": "ops"}}, False),  # absent key
        ({"StringEqualsIfExists": {"aws:ResourceTag/owner": "ops"}}, True),
        ({"StringLike": {"aws:ResourceTag/team": "r*"}}, True),
        ({"StringNotLike": {"aws:ResourceTag/team": "r*"}}, False),
        ({"StringEqualsIgnoreCase": {"aws:ResourceTag/team": "RISK"}}, True),
        ({"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{CARD}:role/role-0"}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/role-*"}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/other"}}, False),
        ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/other"}}, True),
        ({"Bool": {"aws:ViaAWSService": "false"}}, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, False),
        ({"Null": {"aws:ResourceTag/owner": "true"}}, True),
        ({"Null": {"aws:ResourceTag/team": "true"}}, False),
        ({"StringEquals": {"aws:ResourceAccount": CARD}}, True),
        ({"StringEquals": {"aws:ResourceAccount": STAGING}}, False),
        ({"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}, False),  # direct call
        ({"ForAllValues:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}, True),  # vacuous
        ({"StringEquals": {"aws:RequestedRegion": "us-east-1"}, "Bool": {"aws:ViaAWSService": "true"}}, False),
    ],
)
def test_condition_operators_and_keys(card: str, role: RoleSession, condition: dict[str, Any], allowed: bool) -> None:
    sm = role(allow("sagemaker:DescribeModelCard", CARDS, Condition=condition)).client("sagemaker")
    if allowed:
        assert sm.describe_model_card(ModelCardName="churn")["ModelCardArn"] == card
    else:
        denied(lambda: sm.describe_model_card(ModelCardName="churn"))


@pytest.mark.parametrize(
    ("condition", "tags", "allowed"),
    [
        ({"StringEquals": {"aws:RequestTag/stage": "prod"}}, [{"Key": "stage", "Value": "prod"}], True),
        ({"StringEquals": {"aws:RequestTag/stage": "prod"}}, [{"Key": "stage", "Value": "dev"}], False),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["stage", "team"]}}, [{"Key": "stage", "Value": "x"}], True),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["stage"]}}, [{"Key": "owner", "Value": "x"}], False),
        ({"ForAnyValue:StringLike": {"aws:TagKeys": "st*"}}, [{"Key": "stage", "Value": "x"}], True),
        ({"ForAnyValue:StringLike": {"aws:TagKeys": "st*"}}, [{"Key": "owner", "Value": "x"}], False),
    ],
)
def test_request_tag_keys(
    card: str, role: RoleSession, condition: dict[str, Any], tags: list[dict[str, str]], allowed: bool
) -> None:
    sm = role(allow("sagemaker:AddTags", CARDS, Condition=condition)).client("sagemaker")
    if allowed:
        sm.add_tags(ResourceArn=card, Tags=tags)
    else:
        denied(lambda: sm.add_tags(ResourceArn=card, Tags=tags))


def test_ram_authorizes_each_resource_and_principal_in_its_own_context(card: str, role: RoleSession) -> None:
    """The stack's share-role statements: the resource's context has ram:RequestedResourceType, a principal's
    has ram:Principal (and no resource type)."""
    shares = f"arn:aws:ram:us-east-1:{CARD}:resource-share/*"
    session = role(
        allow(
            "ram:CreateResourceShare",
            "*",
            Condition={
                "StringEquals": {"ram:RequestedResourceType": "sagemaker:ModelCard", "aws:RequestTag/managed": "yes"}
            },
        ),
        allow("ram:CreateResourceShare", "*", Condition={"Null": {"ram:Principal": "false"}}),
        allow("ram:AssociateResourceShare", shares, Condition={"StringEquals": {"aws:ResourceTag/managed": "yes"}}),
        allow("ram:TagResource", shares),  # tags on create (implied; see the tests below)
        allow("sagemaker:PutResourcePolicy", "*"),  # RAM attaches the card's policy with the caller's rights
    )
    ram = session.client("ram")
    tags = [{"key": "managed", "value": "yes"}]
    share = ram.create_resource_share(name="s", resourceArns=[card], principals=[STAGING], tags=tags)
    denied(lambda: ram.create_resource_share(name="t", resourceArns=[card]))  # no request tag
    arn = share["resourceShare"]["resourceShareArn"]
    ram.associate_resource_share(resourceShareArn=arn, principals=["333333333333"])
    other = ram.create_resource_share(name="u", principals=[STAGING], tags=[{"key": "managed", "value": "no"}])
    denied(lambda: ram.associate_resource_share(resourceShareArn=other["resourceShare"]["resourceShareArn"]))


def test_tags_on_create_are_also_authorized_as_ram_tag_resource(card: str, role: RoleSession) -> None:
    create = allow("ram:CreateResourceShare", "*")
    put_policy = allow("sagemaker:PutResourcePolicy", "*")
    tags = [{"key": "managed", "value": "yes"}]
    ram = role(create, put_policy).client("ram")
    error = denied(lambda: ram.create_resource_share(name="s", resourceArns=[card], tags=tags))
    assert "ram:TagResource on resource: arn:aws:ram:us-east-1:111111111111:resource-share/" in error["Message"]
    assert ram.create_resource_share(name="untagged", resourceArns=[card])["resourceShare"]["name"] == "untagged"
    tag_ours = allow(
        "ram:TagResource",
        f"arn:aws:ram:us-east-1:{CARD}:resource-share/*",
        Condition={"StringEquals": {"aws:RequestTag/managed": "yes"}},
    )
    ram = role(create, put_policy, tag_ours).client("ram")
    assert ram.create_resource_share(name="t", resourceArns=[card], tags=tags)["resourceShare"]["name"] == "t"
    denied(lambda: ram.create_resource_share(name="u", resourceArns=[card], tags=[{"key": "managed", "value": "no"}]))


def test_sharing_a_card_needs_sagemakers_put_resource_policy_on_star(card: str, role: RoleSession) -> None:
    """RAM attaches a shared resource's policy with the sharer's permissions ("PutPolicyAction", RAM troubleshooting);
    for a model card that is sagemaker:PutResourcePolicy, which has no resource type: only "*" grants it."""
    create = allow("ram:CreateResourceShare", "*")
    ram = role(create).client("ram")
    error = denied(lambda: ram.create_resource_share(name="s", resourceArns=[card]))
    assert "sagemaker:PutResourcePolicy" in error["Message"]
    assert ram.create_resource_share(name="principals-only", principals=[STAGING])["resourceShare"]
    scoped = role(create, allow("sagemaker:PutResourcePolicy", CARDS)).client("ram")
    denied(lambda: scoped.create_resource_share(name="s", resourceArns=[card]))
    shared = role(create, allow("sagemaker:PutResourcePolicy", "*")).client("ram")
    assert shared.create_resource_share(name="s", resourceArns=[card])["resourceShare"]["name"] == "s"


def test_an_unknown_condition_key_denies_and_says_which(card: str, role: RoleSession) -> None:
    condition = {"StringEquals": {"sagemaker:NoSuchKey": "x"}}
    sm = role(allow("sagemaker:DescribeModelCard", CARDS, Condition=condition)).client("sagemaker")
    error = denied(lambda: sm.describe_model_card(ModelCardName="churn"))
    assert "condition key 'sagemaker:NoSuchKey'" in error["Message"] and "does not evaluate" in error["Message"]


@pytest.mark.parametrize(
    ("condition", "named"),
    [
        ({"StringMatchesRegex": {"aws:ResourceTag/team": "x"}}, "condition operator 'StringMatchesRegex'"),
        ({"ForSomeValues:StringEquals": {"aws:TagKeys": "x"}}, "condition operator 'ForSomeValues:StringEquals'"),
        ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, "condition operator 'NumericLessThan'"),
        ({"StringEquals": {"aws:TagKeys": "x"}}, "multivalued key 'aws:TagKeys'"),
    ],
)
def test_an_unknown_operator_is_not_guessed(condition: dict[str, Any], named: str) -> None:
    """(moto's IAM refuses such documents at PutRolePolicy, so the evaluator is called directly.)"""
    context = RequestContext("sagemaker:AddTags", CARD_ARN, {"aws:TagKeys": ["x"]}, frozenset({"aws:ResourceTag/"}))
    with pytest.raises(Unsupported, match=re.escape(named)):
        evaluate([policy(allow("sagemaker:AddTags", CARDS, Condition=condition))], context)


def test_policy_variable_is_not_guessed(card: str, role: RoleSession) -> None:
    sm = role(allow("sagemaker:DescribeModelCard", "arn:aws:sagemaker:*:*:model-card/${aws:username}")).client(
        "sagemaker"
    )
    assert "policy variable" in denied(lambda: sm.describe_model_card(ModelCardName="churn"))["Message"]


def test_access_denied_is_shaped_per_protocol(emulator: Emulator, role: RoleSession) -> None:
    session = role(allow("sagemaker:ListModelCards"))
    session.client("sagemaker").list_model_cards()
    assert denied(lambda: session.client("iam").list_roles())["Code"] == "AccessDenied"  # query
    assert (
        denied(lambda: session.client("sts").assume_role(RoleArn=f"arn:aws:iam::{CARD}:role/x", RoleSessionName="ss"))[
            "Code"
        ]
        == "AccessDenied"
    )
    assert denied(lambda: session.client("ram").get_resource_shares(resourceOwner="SELF"))["Code"] == (
        "AccessDeniedException"
    )  # rest-json
    assert denied(lambda: session.client("s3").get_object(Bucket="b", Key="k"))["Code"] == "AccessDenied"  # rest-xml
    assert denied(lambda: session.client("stepfunctions").list_state_machines())["Code"] == "AccessDeniedException"
    assert session.client("sts").get_caller_identity()["Arn"].endswith(":assumed-role/role-0/test")  # never denied


def test_s3_object_resource(emulator: Emulator, card_session: boto3.Session, role: RoleSession) -> None:
    card_session.client("s3").create_bucket(Bucket="reports")
    card_session.client("s3").put_object(Bucket="reports", Key="eval/metrics.json", Body=b"{}")
    s3 = role(allow("s3:GetObject", "arn:aws:s3:::reports/eval/*")).client("s3")
    assert s3.get_object(Bucket="reports", Key="eval/metrics.json")["Body"].read() == b"{}"
    denied(lambda: s3.put_object(Bucket="reports", Key="eval/x.json", Body=b"{}"))
    denied(lambda: s3.get_object(Bucket="reports", Key="other.json"))


def test_default_identity_and_unknown_roles_keep_full_access(
    emulator: Emulator, card: str, card_session: boto3.Session, role: RoleSession
) -> None:
    role(allow("sagemaker:DescribeModelCard", CARDS))  # a restricted role exists
    assert boto3.client("sagemaker").list_model_cards()["ModelCardSummaries"] is not None
    card_session.client("sagemaker").update_model_card(ModelCardName="churn", ModelCardStatus="PendingReview")
    unknown = emulator.session_for_role(f"arn:aws:iam::{CARD}:role/does-not-exist")
    unknown.client("sagemaker").list_model_cards()
    unknown.client("iam").list_roles()
