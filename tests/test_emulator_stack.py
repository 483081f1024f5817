"""``mcgov.emulator.stack``: a template's intrinsic functions resolved as CloudFormation resolves them for one stack,
and the run-time resources ``deploy_stack`` creates from it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mcgov.emulator import Emulator
from mcgov.emulator.stack import Resolver, TemplateError, load_template
from mcgov.steps.stack.template import TEMPLATE as STACK_TEMPLATE

TEMPLATE = """
Parameters:
  Bucket: {Type: String}
  Spokes: {Type: CommaDelimitedList, Default: ""}
  Mode: {Type: String, Default: "off", AllowedValues: ["off", "on"]}
  Key: {Type: String, Default: "", AllowedPattern: "^$|^[a-z]+$"}
Conditions:
  Enabled: !Equals [!Ref Mode, "on"]
  HasKey: !Not [!Equals [!Ref Key, ""]]
  Both: !And [!Condition Enabled, !Condition HasKey]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObject]
                Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
              - !If [HasKey, {Effect: Allow, Action: [kms:Decrypt], Resource: !Ref Key}, !Ref "AWS::NoValue"]
  Queue:
    Type: AWS::SQS::Queue
  OnlyWhenOn:
    Type: AWS::SQS::Queue
    Condition: Enabled
Outputs:
  RoleArn: {Value: !GetAtt Role.Arn}
  QueueUrl: {Value: !Ref Queue}
  Literal: {Value: !Sub ["${!Literal}-${Name}-${Queue.QueueName}", {Name: !Select [1, !Split [",", "a,b,c"]]}]}
  Joined: {Value: !Join ["/", [!Ref "AWS::Region", !Ref "AWS::AccountId", !Ref "AWS::StackName"]]}
  Later: {Value: !Ref OnlyWhenOn, Condition: Enabled}
"""


def resolver(**parameters: Any) -> Resolver:
    return Resolver(
        load_template(TEMPLATE),
        stack_name="stack",
        account="111111111111",
        region="eu-west-1",
        parameters={"Bucket": "b", **parameters},
    )


def test_references_substitutions_and_conditions_resolve_for_the_stack() -> None:
    r = resolver()
    outputs = r.outputs()
    role = r.names["Role"]
    assert role.startswith("stack-Role-") and len(role) <= 64 and r.names["Role"] == resolver().names["Role"]
    assert outputs["RoleArn"] == f"arn:aws:iam::111111111111:role/{role}"
    assert outputs["QueueUrl"] == f"https://sqs.eu-west-1.amazonaws.com/111111111111/{r.names['Queue']}"
    assert outputs["Literal"] == f"${{Literal}}-b-{r.names['Queue']}"
    assert outputs["Joined"] == "eu-west-1/111111111111/stack" and "Later" not in outputs
    [policy] = r.properties("Role")["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
    ]  # the Fn::If statement is gone (AWS::NoValue)
    assert "OnlyWhenOn" not in r.resources()
    with_key = resolver(Key="abc", Mode="on")
    assert with_key.properties("Role")["Policies"][0]["PolicyDocument"]["Statement"][1]["Resource"] == "abc"
    assert with_key.condition("Both") and "OnlyWhenOn" in with_key.resources()
    assert resolver().parameters["Spokes"] == [""] and resolver(Spokes="1,2").parameters["Spokes"] == ["1", "2"]
    assert (
        Resolver(
            load_template(TEMPLATE), stack_name="s", account="1", region="cn-north-1", parameters={"Bucket": "b"}
        ).partition
        == "aws-cn"
    )


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"Mode": "maybe"}, "is not one of"),
        ({"Key": "ABC"}, "AllowedPattern"),
        ({"Nope": "x"}, "not declared"),
    ],
)
def test_bad_parameters_are_refused(parameters: dict[str, str], message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        resolver(**parameters)


def test_what_the_resolver_does_not_evaluate_is_refused() -> None:
    r = resolver()
    with pytest.raises(TemplateError, match="Fn::ImportValue is not evaluated"):
        r.resolve({"Fn::ImportValue": "x"})
    with pytest.raises(TemplateError, match="no such parameter or resource"):
        r.resolve({"Ref": "Missing"})
    with pytest.raises(TemplateError, match="OnlyWhenOn.Arn: no such resource"):
        r.resolve({"Fn::GetAtt": ["OnlyWhenOn", "Arn"]})
    with pytest.raises(TemplateError, match="no Resources"):
        load_template("a: 1\nb: 2\n")


def test_the_governance_templates_permission_name_is_36_characters_at_most_for_any_stack_name() -> None:
    template = load_template(STACK_TEMPLATE)
    for name in ("m", "a" + "-b" * 63 + "c"):
        r = Resolver(template, stack_name=name, account="111111111111", region="us-east-1", parameters=PARAMETERS)
        permission = r.names["ProdReadOnlyModelCardPermission"]
        assert permission.startswith("mcgov-model-card-read-only-") and len(permission) == 35


PARAMETERS = {
    "CodeBucket": "c",
    "CodeKey": "k",
    "PolicyUri": "s3://p/policy.yaml",
    "PolicyBucket": "p",
    "ArtifactBucket": "a",
}


def test_deploy_creates_the_run_time_resources_and_skips_the_rest(emulator: Emulator) -> None:
    stack = emulator.deploy_stack(STACK_TEMPLATE, stack_name="mcgov", parameters=PARAMETERS, handlers=None)
    session = emulator.session("card")
    role = session.client("iam").get_role(RoleName=stack.refs["ShareCardRole"])["Role"]
    assert json.loads(json.dumps(role["AssumeRolePolicyDocument"]))["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }
    attached = session.client("iam").list_attached_role_policies(RoleName=stack.refs["GateWatcherRole"])
    assert {p["PolicyArn"] for p in attached["AttachedPolicies"]} == {
        stack.arns["GateReaderPolicy"],  # the role's ManagedPolicyArns
        stack.arns["DenyApprovalRecordTags"],  # the managed policy's Roles
    }
    function = session.client("lambda").get_function(FunctionName=stack.arns["ShareCardFunction"])["Configuration"]
    assert function["Role"] == stack.arns["ShareCardRole"] and function["Timeout"] == 270
    assert function["Environment"]["Variables"] == {
        "MCGOV_POLICY_URI": "s3://p/policy.yaml",
        "MCGOV_POLICY_MAX_AGE": "300",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    config = session.client("lambda").get_function_event_invoke_config(FunctionName=stack.arns["ApprovalGuardFunction"])
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == stack.arns["ApprovalGuardFailureQueue"]
    [source] = stack.event_sources
    assert source.function == stack.refs["GateWatcherFunction"] and source.report_batch_item_failures
    machine = session.client("stepfunctions").describe_state_machine(
        stateMachineArn=stack.arns["GovernanceStateMachine"]
    )
    assert stack.arns["PopulateCardFunction"] in machine["definition"] and "${" not in machine["definition"]
    assert set(stack.skipped.values()) == {"AWS::CloudWatch::Alarm"}
    # the event path: the table with its TTL, the RAM rule to gate-events (with its permission), the schedule, and
    # the inline policies (AWS::IAM::Policy) on the roles they name
    table = stack.refs["GateRegistrationsTable"]
    ttl = session.client("dynamodb").describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    events = session.client("events")
    assert json.loads(events.describe_rule(Name=stack.refs["RamStateChangeRule"])["EventPattern"]) == {
        "source": ["aws.ram"],
        "detail-type": ["Resource Sharing State Change"],
    }
    [target] = events.list_targets_by_rule(Rule=stack.refs["RamStateChangeRule"])["Targets"]
    assert target["Arn"] == stack.arns["GateEventsFunction"]
    policy = json.loads(session.client("lambda").get_policy(FunctionName=stack.arns["GateEventsFunction"])["Policy"])
    assert policy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"] == stack.arns["RamStateChangeRule"]
    schedule = session.client("scheduler").get_schedule(Name=stack.refs["GateRecheckSchedule"])
    assert schedule["ScheduleExpression"] == "rate(1 minute)" and schedule["Target"]["Input"] == '{"recheck": "all"}'
    assert "dynamodb:PutItem" in stack.granted("GateWatcherRole") and "dynamodb:PutItem" in stack.granted(
        "GateReaderRole"
    )
    assert "HubStateMachine" not in stack.arns  # DeployHub defaults to false
    assert stack.granted("ShareCardRole") >= {"ram:CreateResourceShare", "sagemaker:PutResourcePolicy", "s3:GetObject"}
    assert set(stack.roles("states.amazonaws.com")) == {"StateMachineRole"}
