"""Each Lambda role in the stack template (steps/stack/governance.yaml) grants exactly what its handlers call.

The handlers run on the emulator through representative events (every branch that makes a different AWS
call); the emulator's call log gives the operations each handler called, mapped to IAM actions. Every called
action must be granted to the function's role, and every granted action must be called by that role's code
in some scenario, or be on ``NOT_CALLED_BY_THE_CODE`` with the reason it is still needed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.stack.template import TEMPLATE as STACK_TEMPLATE
from tests.conftest import REPO

TEMPLATE = STACK_TEMPLATE
CARD_ACCOUNT = "111111111111"
CARD = f"arn:aws:sagemaker:us-east-1:{CARD_ACCOUNT}:model-card/churn-model"
BUCKET = "pipeline-bucket"
# Operations whose IAM action is named differently (Service Authorization Reference, Amazon S3).
S3_ACTIONS = {
    "HeadObject": "s3:GetObject",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
}
LAMBDA_LOGS = "the Lambda service writes the function's logs with its role"
# action -> (roles, reason): granted although no handler calls it.
NOT_CALLED_BY_THE_CODE: dict[str, tuple[frozenset[str], str]] = {
    "logs:CreateLogStream": (
        frozenset(
            {
                "PopulateCardRole",
                "ShareCardRole",
                "GateReaderRole",
                "ApprovalGuardRole",
                "GateWatcherRole",
                "ApproveModelPackageRole",
                "HubSyncRole",
                "HubListSpokesRole",
                "GateEventsRole",
            }
        ),
        LAMBDA_LOGS,
    ),
    "logs:PutLogEvents": (
        frozenset(
            {
                "PopulateCardRole",
                "ShareCardRole",
                "GateReaderRole",
                "ApprovalGuardRole",
                "GateWatcherRole",
                "ApproveModelPackageRole",
                "HubSyncRole",
                "HubListSpokesRole",
                "GateEventsRole",
            }
        ),
        LAMBDA_LOGS,
    ),
    **{
        action: (
            frozenset({"GateWatcherRole"}),
            "the SQS event source mapping polls the queue with the function's role",
        )
        for action in (
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        )
    },
    "sqs:SendMessage": (
        frozenset({"ApprovalGuardRole"}),
        "Lambda sends a failed asynchronous invocation to the OnFailure destination with the role",
    ),
    "ram:TagResource": (
        frozenset({"ShareCardRole"}),
        "CreateResourceShare with tags is also authorized as ram:TagResource (Service Authorization Reference)",
    ),
    "kms:Decrypt": (
        frozenset({"PopulateCardRole", "GateReaderRole", "ApprovalGuardRole", "GateWatcherRole", "GateEventsRole"}),
        "SageMaker calls KMS on the role's behalf (kms:ViaService) to read a card encrypted with KmsKeyArn",
    ),
    "kms:GenerateDataKey": (
        frozenset({"PopulateCardRole"}),
        "SageMaker calls KMS on the role's behalf (kms:ViaService) to write an encrypted card",
    ),
    **{
        action: (
            frozenset({"ShareCardRole"}),
            "RAM may manage a shared card's resource policy with the sharer's permissions (unchecked against AWS)",
        )
        for action in ("sagemaker:PutResourcePolicy", "sagemaker:GetResourcePolicy", "sagemaker:DeleteResourcePolicy")
    },
}


def _cfn_loader() -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        """Keeps CloudFormation short-form tags as {"Fn::X"/"Ref": value}."""

    def construct(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        key = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
        if isinstance(node, yaml.ScalarNode):
            return {key: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {key: loader.construct_sequence(node, deep=True)}
        return {key: loader.construct_mapping(node, deep=True)}

    Loader.add_multi_constructor("!", construct)
    return Loader


def _actions(statement: Any) -> set[str]:
    """Allowed actions of one statement; a conditional (Fn::If) statement counts when its condition holds; a Deny
    grants nothing."""
    if "Fn::If" in statement:
        statement = statement["Fn::If"][1]
    if statement.get("Effect") == "Deny":
        return set()
    actions = statement["Action"]
    return set(actions if isinstance(actions, list) else [actions])


def granted_by_role(template: dict[str, Any]) -> dict[str, set[str]]:
    """Every action each Lambda execution role is granted (inline and managed policies of the template)."""
    resources = template["Resources"]
    out: dict[str, set[str]] = {}
    for name, res in resources.items():
        if res["Type"] != "AWS::IAM::Role" or res["Properties"]["AssumeRolePolicyDocument"]["Statement"][0][
            "Principal"
        ] != {"Service": "lambda.amazonaws.com"}:
            continue
        props = res["Properties"]
        documents = [p["PolicyDocument"] for p in props.get("Policies", [])]
        documents += [
            resources[ref["Ref"]]["Properties"]["PolicyDocument"] for ref in props.get("ManagedPolicyArns", [])
        ]
        documents += [  # AWS::IAM::Policy resources naming the role (inline policies kept apart in the template)
            r["Properties"]["PolicyDocument"]
            for r in resources.values()
            if r["Type"] == "AWS::IAM::Policy" and {"Ref": name} in r["Properties"]["Roles"]
        ]
        out[name] = {a for doc in documents for st in doc["Statement"] for a in _actions(st)}
    return out


def handlers_by_role(template: dict[str, Any]) -> dict[str, set[str]]:
    """Handlers (``approval_guard.handler``, ``hub_sync.list_spokes``...) each role runs, from the template's
    functions."""
    out: dict[str, set[str]] = defaultdict(set)
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Lambda::Function":
            module = ".".join(res["Properties"]["Handler"].rsplit(".", 2)[-2:])
            role = res["Properties"]["Role"]["Fn::GetAtt"]  # !GetAtt Role.Arn (short form: one string)
            out[role.split(".")[0] if isinstance(role, str) else role[0]].add(module)
    return dict(out)


def iam_action(service: str, operation: str) -> str:
    if service == "s3":
        return S3_ACTIONS.get(operation, f"s3:{operation}")
    return f"{'states' if service == 'stepfunctions' else service}:{operation}"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_cfn_loader())  # noqa: S506 - SafeLoader subclass


@pytest.fixture
def world(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from mcgov.emulator.fixtures import seed_pipeline_outputs

    where = seed_pipeline_outputs(card_session, bucket=BUCKET)
    s3 = card_session.client("s3")
    policy = (REPO / "share_policies" / "example.yaml").read_text()
    for stage in ("PendingReview", "Approved"):  # both stages promote packages of the group named like the card
        policy = policy.replace(
            f"required_card_status: {stage}\n", f"required_card_status: {stage}\n    model_package_group: true\n", 1
        )
    assert policy.count("model_package_group: true") == 2
    s3.put_object(Bucket=BUCKET, Key="policy.yaml", Body=policy.encode())
    external = policy.replace("allow_external_principals: false", "allow_external_principals: true", 1)
    assert external != policy
    s3.put_object(Bucket=BUCKET, Key="policy-external.yaml", Body=external.encode())
    from mcgov.steps.share.converge import ensure_readonly_permission

    ensure_readonly_permission(card_session.client("ram"))
    sagemaker = card_session.client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName="churn-model")
    package = sagemaker.create_model_package(
        ModelPackageGroupName="churn-model",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    monkeypatch.setenv("MCGOV_POLICY_URI", f"s3://{BUCKET}/policy.yaml")
    clear_policy_cache()
    emulator.act_as("card")
    emulator.where, emulator.package = where, package
    yield emulator
    clear_policy_cache()


def _approval_event(package: str) -> dict[str, Any]:
    return {
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "detail": {
            "ModelPackageArn": package,
            "ModelApprovalStatus": "Approved",
            "ModelPackageGroupName": "churn-model",
        },
    }


def _callback(token: str, stage: str) -> dict[str, Any]:
    body = {"token": token, "arguments": {"card_arn": CARD, "stage": stage}}
    return {"Records": [{"messageId": token, "body": json.dumps(body)}]}


def run_scenarios(world: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Run every handler through its representative events; the IAM actions each handler module called."""
    from mcgov.steps.handlers import (
        approval_guard,
        approve_model_package,
        check_gate,
        gate_watcher,
        populate_card,
        share_card,
    )
    from mcgov.steps.share.permissions import clear_permission_cache

    called: dict[str, set[str]] = defaultdict(set)
    outcomes: list[Any] = []

    def run(handler: Callable[..., Any], event: dict[str, Any]) -> Any:
        clear_policy_cache()  # each function runs in its own containers: each reads the policy itself
        clear_permission_cache()  # ...and lists each share's permission itself
        start = len(world.api_calls)
        out = handler(event)
        module = f"{handler.__module__.rsplit('.', 1)[-1]}.{handler.__name__}"
        called[module] |= {iam_action(s, o) for account, s, o in world.api_calls[start:] if account == CARD_ACCOUNT}
        outcomes.append((module, out))
        return out

    sagemaker = card_session.client("sagemaker")
    where, package = world.where, world.package
    build = {
        "card_name": "churn-model",
        "training_job_name": where["training_job_name"],
        "evaluation_uris": [where["evaluation"]],
        "template_uri": where["template"],
    }
    assert run(populate_card.handler, {**build, "model_package_arn": package, "embed": True})["result"] == "created"
    submitted = {**build, "model_package_arn": package, "embed": True, "status": "PendingReview"}
    assert run(populate_card.handler, submitted)["result"] == "updated"
    sagemaker.update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    assert run(approval_guard.handler, _approval_event(package))["action"] == "reverted"  # not shared yet
    assert run(approval_guard.handler, _approval_event(package))["action"] == "ignored"  # no longer approved
    world.fail_association(principal="333333333333", message="denied by SCP")
    assert run(share_card.handler, {"card_arn": CARD})["shares"][0]["created"] is True
    assert run(check_gate.handler, {"card_arn": CARD, "stage": "staging"})["status"] == "PENDING"
    assert run(check_gate.handler, {"card_arn": CARD, "stage": "staging"})["status"] == "ALLOWED"
    assert (
        run(check_gate.handler, {"card_arn": CARD, "stage": "prod"})["status"] == "BLOCKED"
    )  # reads the approval record
    from mcgov.steps.policy import load_policy
    from mcgov.steps.share.converge import ensure_share
    from mcgov.steps.share.groups import group_arn_of_package

    policy = load_policy(f"s3://{BUCKET}/policy.yaml", s3_client=card_session.client("s3"))
    ensure_share(card_session.client("ram"), policy, CARD, package_group_arn=group_arn_of_package(package))
    world.set_association_delay(polls=0)
    sagemaker.update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    assert run(approval_guard.handler, _approval_event(package))["action"] == "kept"
    monkeypatch.setenv("MCGOV_APPROVAL_STAGE", "prod")  # reads the card's approval record: not approved, reverted
    sagemaker.update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    assert run(approval_guard.handler, _approval_event(package))["action"] == "reverted"
    monkeypatch.delenv("MCGOV_APPROVAL_STAGE")
    assert run(gate_watcher.handler, _callback("tokenallow", "staging"))["outcomes"][0]["status"] == "ALLOWED"
    assert run(gate_watcher.handler, _callback("tokenblock", "prod"))["outcomes"][0]["status"] == "BLOCKED"
    assert world.pipeline_callbacks(CARD_ACCOUNT)["tokenblock"]["outcome"] != "success"
    assert run(approve_model_package.handler, {"model_package_arn": package})["approval_status"] == "Approved"
    _event_scenarios(world, card_session, run, monkeypatch, policy)
    _signed_scenarios(world, run, monkeypatch, policy, package)
    monkeypatch.setenv("MCGOV_POLICY_URI", f"s3://{BUCKET}/policy-external.yaml")
    clear_policy_cache()
    shared = run(share_card.handler, {"card_arn": CARD})
    assert all(s["allow_external_updated"] for s in shared["stages"]), shared
    _hub_scenarios(world, run, monkeypatch)
    return dict(called)


def _signed_scenarios(
    world: Any, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, policy: Any, package: str
) -> None:
    """A policy requiring signed approvals: the gate, the guard and the watcher verify the approval with kms:Verify."""
    from mcgov.steps.approval.service import approve_card
    from tests.conftest import reviewer_role

    card = world.session("card")
    key = card.client("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    signed = (REPO / "share_policies" / "example.yaml").read_text() + f"approval_signing_key_arn: {key}\n"
    card.client("s3").put_object(Bucket=BUCKET, Key="policy-signed.yaml", Body=signed.encode())
    monkeypatch.setenv("MCGOV_POLICY_URI", f"s3://{BUCKET}/policy-signed.yaml")
    reviewer = world.session_for_role(reviewer_role(world), "jane")
    sagemaker = reviewer.client("sagemaker")
    version = sagemaker.describe_model_card(ModelCardName=CARD)["ModelCardVersion"]
    signed_policy = policy.model_copy(update={"approval_signing_key_arn": key})
    approve_card(sagemaker, reviewer.client("sts"), signed_policy, CARD, version=version, kms=reviewer.client("kms"))
    world.act_as("card")
    assert run(check_gate_handler(), {"card_arn": CARD, "stage": "prod"})["status"] == "BLOCKED"  # prod: FAILED
    assert run(gate_watcher_handler(), _callback("tokensigne", "prod"))["outcomes"][0]["status"] == "BLOCKED"
    monkeypatch.setenv("MCGOV_APPROVAL_STAGE", "prod")
    card.client("sagemaker").update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    assert run(approval_guard_handler(), _approval_event(package))["action"] == "reverted"
    monkeypatch.delenv("MCGOV_APPROVAL_STAGE")
    _registered_prod_gate(world, card, signed_policy)
    woken = run(gate_events_handler(), {"recheck": "all"})["outcomes"]  # reads the approval, verifies its signature
    assert [o["status"] for o in woken] == ["BLOCKED"]
    assert world.pipeline_callbacks(CARD_ACCOUNT)["tokenprod1"]["outcome"] == "failure"


def _registered_prod_gate(world: Any, session: Any, policy: Any) -> None:
    """A CallbackStep gate of the card's prod stage, as gate-watcher registers it (table of ``_event_scenarios``)."""
    from mcgov.steps.gate.registrations import Handle, HandleKind, RegistrationStore, registration

    share = "arn:aws:ram:us-east-1:111111111111:resource-share/0a1b2c3d-0000-4000-8000-000000000001"
    handle = Handle(HandleKind.PIPELINE_CALLBACK, "tokenprod1", "tokenprod1")
    record = registration(
        policy, card_arn=CARD, stage="prod", share_arns=[share], handle=handle, anchor=None, now=world.clock.now()
    )
    RegistrationStore(session.client("dynamodb"), "gates").put(record)


def _event_scenarios(
    world: Any, card_session: Any, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, policy: Any
) -> None:
    """The event path: gates register (a token wait, a CallbackStep message), gate-events wakes them on a RAM event
    and on the schedule, completing them (task token success and failure, pipeline step) and deleting them."""
    from mcgov.steps.handlers import check_gate, gate_events, gate_watcher
    from mcgov.steps.share.converge import ensure_share

    ddb = card_session.client("dynamodb")
    ddb.create_table(
        TableName="gates",
        KeySchema=[{"AttributeName": "share_arn", "KeyType": "HASH"}, {"AttributeName": "gate_id", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "share_arn", "AttributeType": "S"},
            {"AttributeName": "gate_id", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("MCGOV_GATE_TABLE", "gates")
    sqs = card_session.client("sqs")
    url = sqs.create_queue(QueueName="gate-callbacks")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    world.set_association_delay(polls=None, seconds=60)
    card = CARD.replace("churn-model", "events-card")
    card_session.client("sagemaker").create_model_card(
        ModelCardName="events-card", ModelCardStatus="PendingReview", Content=json.dumps({"model_overview": {}})
    )
    [staging] = [s for s in ensure_share(card_session.client("ram"), policy, card).stages if s.stage == "staging"]
    execution = "arn:aws:states:us-east-1:111111111111:execution:gate:one"
    token_wait = {
        "card_arn": card,
        "stage": "staging",
        "task_token": "tok-wait-1",
        "execution_arn": execution,
        "shares": [staging.share_arn],
        "waiting_since": None,
    }
    assert run(check_gate.handler, token_wait)["registration"]["registered"] is True
    sqs.send_message(
        QueueUrl=url,
        MessageBody=json.dumps({"token": "tokenwatch", "arguments": {"card_arn": card, "stage": "staging"}}),
    )
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "eventSourceARN": queue_arn,
    }
    waiting = run(gate_watcher.handler, {"Records": [record]})["outcomes"][0]
    assert waiting["registration"]["registered"] is True and waiting["visibility_set"] is True
    ram_event = {
        "source": "aws.ram",
        "detail-type": "Resource Sharing State Change",
        "resources": [staging.share_arn],
    }
    assert [o["status"] for o in run(gate_events.handler, ram_event)["outcomes"]] == ["PENDING", "PENDING"]
    world.clock.advance(61)
    woken = run(gate_events.handler, {"recheck": "all"})["outcomes"]
    assert sorted(o["status"] for o in woken) == ["ALLOWED", "DROPPED"]  # the made-up task token is unknown
    assert world.pipeline_callbacks(CARD_ACCOUNT)["tokenwatch"]["outcome"] == "success"
    other = CARD.replace("churn-model", "events-card-2")
    card_session.client("sagemaker").create_model_card(
        ModelCardName="events-card-2", ModelCardStatus="PendingReview", Content=json.dumps({"model_overview": {}})
    )
    [shared] = [s for s in ensure_share(card_session.client("ram"), policy, other).stages if s.stage == "staging"]
    pending = {**token_wait, "card_arn": other, "execution_arn": execution + "2", "shares": [shared.share_arn]}
    assert run(check_gate.handler, pending)["registration"]["registered"] is True
    world.fail_association(principal="222222222222", message="denied by an SCP")
    blocked = run(gate_events.handler, {"recheck": "all"})["outcomes"]
    assert [o["status"] for o in blocked] == ["DROPPED"] and "SendTaskFailure" in blocked[0]["reason"]
    world.clear_failures()
    world.set_association_delay(polls=0)


def check_gate_handler() -> Callable[..., Any]:
    from mcgov.steps.handlers import check_gate

    return check_gate.handler


def gate_watcher_handler() -> Callable[..., Any]:
    from mcgov.steps.handlers import gate_watcher

    return gate_watcher.handler


def gate_events_handler() -> Callable[..., Any]:
    from mcgov.steps.handlers import gate_events

    return gate_events.handler


def approval_guard_handler() -> Callable[..., Any]:
    from mcgov.steps.handlers import approval_guard

    return approval_guard.handler


def _hub_scenarios(world: Any, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The card account as the hub of staging and prod (spokes): list the spokes, sync new, changed and unchanged."""
    from mcgov.share_policies.loader import parse_policy
    from mcgov.steps.card.store import CardStore
    from mcgov.steps.handlers import hub_sync
    from mcgov.steps.hub.spoke_side import publish

    spokes = [world.account_id("staging"), world.account_id("prod")]
    policy = {
        "version": 1,
        "topology": "hub-and-spoke",
        "hub_account": CARD_ACCOUNT,
        "region": "us-east-1",
        "spokes": [{"account": a} for a in spokes],
    }
    world.session("card").client("s3").put_object(Bucket=BUCKET, Key="hub.yaml", Body=yaml.safe_dump(policy).encode())
    monkeypatch.setenv("MCGOV_POLICY_URI", f"s3://{BUCKET}/hub.yaml")
    world.set_association_delay(polls=None, seconds=None)  # the hub lists ASSOCIATED cards only
    for account in spokes:
        spoke = world.session(account)
        CardStore(spoke.client("sagemaker")).create(
            "scoring", json.dumps({"model_overview": {"model_description": "v1"}})
        )
        publish(spoke.client("ram"), spoke.client("sagemaker"), spoke.client("sts"), parse_policy(policy))
    assert run(hub_sync.list_spokes, {})["spokes"] == spokes
    assert run(hub_sync.handler, {"spoke": spokes[0]})["counts"]["synced"] == 1  # new copy
    CardStore(world.session(spokes[0]).client("sagemaker")).update_content(
        "scoring", json.dumps({"model_overview": {"model_description": "v2"}}), current_status="Draft"
    )
    assert run(hub_sync.handler, {"spoke": spokes[0]})["counts"]["synced"] == 1  # new version of the copy
    assert run(hub_sync.handler, {"spoke": spokes[0], "prune": True})["counts"]["unchanged"] == 1


def test_each_role_grants_exactly_what_its_handlers_call(
    world: Any, card_session: Any, template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    called = run_scenarios(world, card_session, monkeypatch)
    granted = granted_by_role(template)
    handlers = handlers_by_role(template)
    assert set(handlers) == set(granted), "every Lambda role runs a handler"
    assert set(called) == {m for modules in handlers.values() for m in modules}, "every handler ran"
    problems = []
    for role, modules in sorted(handlers.items()):
        role_calls = set().union(*(called[m] for m in modules))
        problems += [
            f"{role}: {sorted(modules)} call {a} but the role lacks it" for a in sorted(role_calls - granted[role])
        ]
        for action in sorted(granted[role] - role_calls):
            roles, _reason = NOT_CALLED_BY_THE_CODE.get(action, (frozenset(), ""))
            if role not in roles:
                problems.append(f"{role}: grants {action}, which {sorted(modules)} never call")
    assert problems == [], "\n".join(problems)
    for action, (roles, reason) in NOT_CALLED_BY_THE_CODE.items():
        assert reason and all(action in granted[r] for r in roles), f"stale allow-list entry {action}"


def test_the_comparison_catches_a_missing_and_an_unused_grant(template: dict[str, Any]) -> None:
    granted = granted_by_role(template)
    assert "ram:CreateResourceShare" in granted["ShareCardRole"]
    assert "ram:CreateResourceShare" not in granted["GateReaderRole"]
    assert {"sagemaker:DescribeModelCard", "ram:GetResourceShares"} <= granted["ApprovalGuardRole"]  # managed policy
    assert handlers_by_role(template)["GateReaderRole"] == {"check_gate.handler"}
    assert handlers_by_role(template)["HubListSpokesRole"] == {"hub_sync.list_spokes"}
    assert "ram:ListResources" in granted["HubSyncRole"] and "ram:ListResources" not in granted["HubListSpokesRole"]
    assert (
        iam_action("s3", "HeadObject") == "s3:GetObject"
        and iam_action("ram", "GetResourceShares") == "ram:GetResourceShares"
    )
