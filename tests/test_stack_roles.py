"""The stack under its own roles: steps/stack/governance.yaml deployed on the emulator from the template itself
(``mcgov.emulator.stack``: its intrinsic functions resolved for a stack name, account and region), every Lambda run
by the Lambda service under its execution role and every state machine under its role, through every scenario the
demo has.

Least privilege is derived, not listed: the emulator authorizes each call of a role session against the role's
policies, and each action a service performs with the role (Lambda writing logs, polling the callback queue and
sending a failed event to its destination; RAM attaching a shared card's policy; a Distributed Map starting its
children and writing its results), and logs every decision. The tests assert that nothing was denied and that every
action a role of the stack is granted was used by some scenario.
"""

from __future__ import annotations

import importlib
import io
import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.emulator.stack import DeployedStack, load_template
from mcgov.emulator.state import LambdaHandler
from mcgov.steps.stack.template import TEMPLATE
from tests.conftest import REPO, reviewer_role

CARD_ACCOUNT, STAGING, PROD, HUB = "111111111111", "222222222222", "333333333333", "444444444444"
REGION = "us-east-1"
CARD_NAME = "churn-model"
CARD = f"arn:aws:sagemaker:{REGION}:{CARD_ACCOUNT}:model-card/{CARD_NAME}"
ARTIFACTS = "pipeline-bucket"
POLICIES = f"mcgov-policies-{CARD_ACCOUNT}"
HUB_POLICIES = f"mcgov-policies-{HUB}"
EXPORTS = f"mcgov-exports-{STAGING}"
EXPORT_PERMISSION = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCardsAllowExport"


def handler_for(path: str) -> LambdaHandler:
    """The callable of a template's ``Handler``; each call starts as a new container would: no cached policy, no
    cached share permission (so every function reads them itself, with its own role)."""
    from mcgov.steps.handlers.config import clear_policy_cache
    from mcgov.steps.share.permissions import clear_permission_cache

    module, name = path.rsplit(".", 1)
    handler = getattr(importlib.import_module(module), name)

    def cold(event: Any, context: Any) -> Any:
        clear_policy_cache()
        clear_permission_cache()
        return handler(event, context)

    return cold


@dataclass
class World:
    """The deployed stacks and what the scenarios observed."""

    emu: Emulator
    governance: DeployedStack
    hub: DeployedStack
    reviewer_role: str
    outcomes: dict[str, Any] = field(default_factory=dict)
    consumer_role: str = ""


def _policy(stack: DeployedStack, external: bool = False) -> bytes:
    """The example policy for the stack: its read-only permission for prod, its signing key for approvals (only the
    approvers, CardReviewer, sign), its notifications bus, both stages promoting packages of the group named like
    the card."""
    data = yaml.safe_load((REPO / "share_policies" / "example.yaml").read_text())
    data["stages"]["staging"]["permission_arn"] = EXPORT_PERMISSION  # staging may export PDFs
    data["stages"]["prod"]["permission_arn"] = stack.arns["ProdReadOnlyModelCardPermission"]
    data["approval_signing_key_arn"] = stack.outputs["ApprovalSigningKeyArn"]
    data["notifications"] = {"event_bus_arn": stack.resolver.parameters["NotificationBusArn"]}
    for stage in data["stages"].values():
        stage["model_package_group"] = True
    data["export"] = {"s3_output_prefix": f"s3://{EXPORTS}/cards/"}
    data["allow_external_principals"] = external
    return yaml.safe_dump(data).encode()


def _invoke(emu: Emulator, function_arn: str, event: dict[str, Any], *, expect_error: bool = False) -> Any:
    """A synchronous invocation, as Step Functions or a pipeline's LambdaStep makes it."""
    account = function_arn.split(":")[4]
    response = emu.session(account).client("lambda").invoke(FunctionName=function_arn, Payload=json.dumps(event))
    payload = json.loads(response["Payload"].read())
    assert ("FunctionError" in response) is expect_error, payload
    return payload


def _execute(emu: Emulator, machine_arn: str, execution_input: dict[str, Any]) -> dict[str, Any]:
    sfn = emu.session(machine_arn.split(":")[4]).client("stepfunctions")
    execution = sfn.start_execution(
        stateMachineArn=machine_arn, input=json.dumps(execution_input), name=f"run-{uuid.uuid4().hex[:12]}"
    )["executionArn"]
    deadline = time.monotonic() + 120
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the execution did not finish"
        time.sleep(0.05)
    return described


def _package(emu: Emulator) -> str:
    sagemaker = emu.session("card").client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName=CARD_NAME)
    return sagemaker.create_model_package(
        ModelPackageGroupName=CARD_NAME,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": f"123456789012.dkr.ecr.{REGION}.amazonaws.com/xgb:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]


def _approval_event(package: str) -> dict[str, Any]:
    return {
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "detail": {"ModelPackageArn": package, "ModelApprovalStatus": "Approved", "ModelPackageGroupName": CARD_NAME},
    }


def _governance_scenarios(world: World) -> None:
    """populate (with and without embed), share, gate (with and without a package), the approval guard (kept,
    reverted, ignored, failed to its destination), the gate watcher's queue, a signed approval verified by the gate,
    the guard and the watcher, package approval, the workflow."""
    from mcgov.emulator.fixtures import seed_pipeline_outputs

    emu, stack, seen = world.emu, world.governance, world.outcomes
    fn = stack.arns
    card_session = emu.session("card")
    where = seed_pipeline_outputs(card_session, bucket=ARTIFACTS)
    package = _package(emu)
    build = {
        "card_name": CARD_NAME,
        "training_job_name": where["training_job_name"],
        "evaluation_uris": [where["evaluation"]],
        "template_uri": where["template"],
    }
    seen["build"] = build
    seen["populate"] = _invoke(emu, fn["PopulateCardFunction"], {**build, "model_package_arn": package})
    seen["populate again"] = _invoke(emu, fn["PopulateCardFunction"], {**build, "status": "PendingReview"})
    seen["populate embed"] = _invoke(
        emu,
        fn["PopulateCardFunction"],
        {**build, "status": "PendingReview", "model_package_arn": package, "embed": True},
    )
    sagemaker = card_session.client("sagemaker")
    sagemaker.update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    seen["guard before sharing"] = _invoke(emu, fn["ApprovalGuardFunction"], _approval_event(package))
    seen["guard again"] = _invoke(emu, fn["ApprovalGuardFunction"], _approval_event(package))
    emu.fail_association(principal=PROD, message="denied by SCP")
    seen["share"] = _invoke(emu, fn["ShareCardFunction"], {"card_arn": CARD})
    seen["gate pending"] = _invoke(emu, fn["CheckGateFunction"], {"card_arn": CARD, "stage": "staging"})
    seen["gate allowed"] = _invoke(emu, fn["CheckGateFunction"], {"card_arn": CARD, "stage": "staging"})
    emu.set_association_delay(polls=0)
    _share_package_group(world, package)
    emu.set_association_delay(polls=1)
    seen["gate package"] = _invoke(
        emu, fn["CheckGateFunction"], {"card_arn": CARD, "stage": "staging", "model_package_arn": package}
    )
    seen["gate prod"] = _invoke(emu, fn["CheckGateFunction"], {"card_arn": CARD, "stage": "prod"})
    sagemaker.update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    seen["guard kept"] = _invoke(emu, fn["ApprovalGuardFunction"], _approval_event(package))

    # EventBridge invokes the guard asynchronously: one that fails goes, after Lambda's retries, to the queue.
    missing = package.rsplit("/", 1)[0] + "/99"
    lam = card_session.client("lambda")
    lam.invoke(
        FunctionName=fn["ApprovalGuardFunction"], InvocationType="Event", Payload=json.dumps(_approval_event(missing))
    )
    sqs = card_session.client("sqs")
    failed = sqs.receive_message(QueueUrl=stack.refs["ApprovalGuardFailureQueue"]).get("Messages", [])
    seen["guard failure record"] = json.loads(failed[0]["Body"]) if failed else None

    # The CallbackStep's messages, polled by the event source mapping with the watcher's role.
    seen["watcher poll"] = _watch(world, (("tokenallow", "staging"), ("tokenblock", "prod")))

    # Prod: the association is fixed, a reviewer approves with the stack's signing key (kms:Sign, which its key
    # policy grants the approvers only), and the gate, the watcher and a prod registry's guard verify the signature
    # (kms:Verify) before they allow.
    emu.clear_failures()
    emu.set_association_delay(polls=0)
    seen["share fixed"] = _invoke(emu, fn["ShareCardFunction"], {"card_arn": CARD})
    _share_package_group(world, package)
    seen["approve card"] = _approve(world)
    seen["gate prod signed"] = _invoke(
        emu, fn["CheckGateFunction"], {"card_arn": CARD, "stage": "prod", "model_package_arn": package}
    )
    seen["watcher poll signed"] = _watch(world, (("tokensigns", "prod"),))
    guard = card_session.client("lambda")
    variables = guard.get_function_configuration(FunctionName=fn["ApprovalGuardFunction"])["Environment"]["Variables"]
    guard.update_function_configuration(
        FunctionName=fn["ApprovalGuardFunction"],
        Environment={"Variables": {**variables, "MCGOV_APPROVAL_STAGE": "prod"}},
    )
    sagemaker.update_model_package(ModelPackageArn=package, ModelApprovalStatus="Approved")
    seen["guard prod signed"] = _invoke(emu, fn["ApprovalGuardFunction"], _approval_event(package))
    guard.update_function_configuration(FunctionName=fn["ApprovalGuardFunction"], Environment={"Variables": variables})

    seen["callbacks"] = emu.pipeline_callbacks(CARD_ACCOUNT)
    seen["approve"] = _invoke(emu, fn["ApproveModelPackageFunction"], {"model_package_arn": package})

    # The operator turns allow_external_principals on in the deploy-time policy: the share role updates the shares.
    card_session.client("s3").put_object(Bucket=POLICIES, Key="policy.yaml", Body=_policy(stack, external=True))
    seen["share external"] = _invoke(emu, fn["ShareCardFunction"], {"card_arn": CARD})

    # The Step Functions workflow, under the state machine's role.
    emu.set_association_delay(polls=None, seconds=None)
    seen["workflow"] = _execute(emu, fn["GovernanceStateMachine"], {"card": build, "stage": "staging"})


def _event_scenarios(world: World) -> None:
    """The event path. gate-watcher registers a pending CallbackStep gate of prod (its association RESTORING) and sets
    its message's visibility to the next poll; RAM's event when it is ASSOCIATED again reaches the stack's rule, and
    gate-events re-checks it (the signed approval verified, the decision put on the bus) and completes the step. A
    second one's events are lost: the re-check schedule (Scheduler, as its role) finds it blocked and fails the step.
    The workflow's token wait (check-gate registers the execution's token) is completed by the event, and a blocked
    one failed with GateBlocked."""
    emu, seen = world.emu, world.outcomes
    prod_share = next(s["share_arn"] for s in seen["share fixed"]["shares"] if s["stage"] == "prod")
    seen["approve again"] = _approve(world)  # the workflow re-populated the card: its new version is reviewed
    emu.set_association_status(prod_share, PROD, "RESTORING")
    seen["event watcher pending"] = _watch(world, (("tokenevent", "prod"),))
    emu.set_association_status(prod_share, PROD, "ASSOCIATED")  # its event wakes the registered gate
    emu.set_association_status(prod_share, PROD, "RESTORING")
    emu.events.configure(drop_rate=1.0, seed=1)  # lost events: only the schedule wakes the next one
    seen["event watcher lost"] = _watch(world, (("tokenlost1", "prod"),))
    emu.set_association_status(prod_share, PROD, "SUSPENDED", "the account left the organization")
    emu.clock.advance(61)  # GateRecheckRate: rate(1 minute)
    emu.events.configure(drop_rate=0.0)
    emu.set_association_status(prod_share, PROD, "ASSOCIATED")
    seen["event callbacks"] = emu.pipeline_callbacks(CARD_ACCOUNT)
    build = {**seen["build"], "card_name": "churn-events", "status": "PendingReview"}
    emu.set_association_delay(polls=None, seconds=3)  # within the token's life: its task's timeout, the next poll
    seen["workflow event"] = _execute_until_registered(world, build, lambda: emu.clock.advance(3.5))
    build = {**seen["build"], "card_name": "churn-events-2", "status": "PendingReview"}
    seen["workflow event blocked"] = _execute_until_registered(
        world, build, lambda: emu.fail_association(principal=STAGING, message="denied by SCP")
    )
    emu.clear_failures()
    emu.set_association_delay(polls=None, seconds=None)


def _execute_until_registered(world: World, card_event: dict[str, Any], then: Any) -> dict[str, Any]:
    """Start the workflow for staging, wait until its token wait registered, run ``then``, wait for the end."""
    emu = world.emu
    sfn = emu.session("card").client("stepfunctions")
    table = world.governance.refs["GateRegistrationsTable"]
    execution = sfn.start_execution(
        stateMachineArn=world.governance.arns["GovernanceStateMachine"],
        input=json.dumps({"card": card_event, "stage": "staging"}),
        name=f"run-{uuid.uuid4().hex[:12]}",
    )["executionArn"]
    ddb = emu.session("card").client("dynamodb")
    deadline = time.monotonic() + 60
    while not any(i["waiter"]["S"] == execution for i in ddb.scan(TableName=table)["Items"]):
        assert time.monotonic() < deadline, "the token wait did not register"
        time.sleep(0.02)
    then()
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the execution did not finish"
        time.sleep(0.05)
    return described


def _share_package_group(world: World, package: str) -> None:
    """The operator shares the card's package group (``mcgov share ensure --model-package``, not a function of the
    stack): the stages' packages are promoted from it."""
    from mcgov.steps.cli.main import main

    with tempfile.TemporaryDirectory() as tmp, redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
        written = Path(tmp) / "policy.yaml"
        written.write_bytes(_stored_policy(world))
        code = main(["share", "ensure", "--card", CARD, "--policy", str(written), "--model-package", package])
    assert code == 0, err.getvalue()


def _approve(world: World) -> tuple[int, str]:
    """``mcgov card approve`` of the current version by a session of CardReviewer, the policy's approver."""
    from mcgov.steps.cli.main import main

    emu = world.emu
    version = emu.session("card").client("sagemaker").describe_model_card(ModelCardName=CARD)["ModelCardVersion"]
    emu.act_as(world.reviewer_role, "jane")
    err = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp, redirect_stdout(io.StringIO()), redirect_stderr(err):
        written = Path(tmp) / "policy.yaml"
        written.write_bytes(_stored_policy(world))
        code = main(["card", "approve", CARD, "--policy", str(written), "--version", str(version)])
    emu.act_as("card")
    return code, err.getvalue()


def _stored_policy(world: World) -> bytes:
    body: bytes = world.emu.session("card").client("s3").get_object(Bucket=POLICIES, Key="policy.yaml")["Body"].read()
    return body


def _watch(world: World, tokens: tuple[tuple[str, str], ...]) -> Any:
    """Send the CallbackStep messages of ``tokens`` (token, stage) and poll them once, as the event source mapping."""
    emu = world.emu
    (source,) = world.governance.event_sources
    execution = f"arn:aws:sagemaker:{REGION}:{CARD_ACCOUNT}:pipeline/churn/execution/run0001"
    sqs = emu.session("card").client("sqs")
    for token, stage in tokens:
        emu.issue_callback_token(execution, token)
        body = {"token": token, "arguments": {"card_arn": CARD, "stage": stage}}
        sqs.send_message(QueueUrl=source.queue_url, MessageBody=json.dumps(body))
    return emu.poll_event_source(
        source.function,
        source.queue_url,
        batch_size=source.batch_size,
        report_batch_item_failures=source.report_batch_item_failures,
    )


def _hub_scenarios(world: World) -> None:
    """Spokes publish to the hub; the hub state machine syncs them through its Distributed Map and ResultWriter."""
    from mcgov.share_policies.loader import parse_policy
    from mcgov.steps.card.store import CardStore
    from mcgov.steps.hub.spoke_side import publish

    emu, seen = world.emu, world.outcomes
    policy = parse_policy(
        yaml.safe_load(emu.session(HUB).client("s3").get_object(Bucket=HUB_POLICIES, Key="hub.yaml")["Body"].read())
    )
    for account in (STAGING, PROD):
        spoke = emu.session(account)
        CardStore(spoke.client("sagemaker")).create(
            "scoring", json.dumps({"model_overview": {"model_description": "v1"}})
        )
        publish(spoke.client("ram"), spoke.client("sagemaker"), spoke.client("sts"), policy)
    seen["hub sync"] = _execute(emu, world.hub.arns["HubStateMachine"], {})
    CardStore(emu.session(STAGING).client("sagemaker")).update_content(
        "scoring", json.dumps({"model_overview": {"model_description": "v2"}}), current_status="Draft"
    )
    seen["hub sync again"] = _execute(emu, world.hub.arns["HubStateMachine"], {"prune": True})


def _export_scenario(world: World) -> None:
    """A staging principal exports the shared card to PDF under the IAM policy ``mcgov policy render-iam`` prints."""
    from mcgov.steps.cli.main import main

    emu = world.emu
    local = _stored_policy(world)
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp, redirect_stdout(out):
        written = Path(tmp) / "policy.yaml"
        written.write_bytes(local)
        assert main(["policy", "render-iam", "--policy", str(written), "--card", CARD_NAME, "--stage", "staging"]) == 0
    document = json.loads(out.getvalue())["stages"]["staging"]["consumer_iam_policy"]
    emu.session(STAGING).client("s3").create_bucket(Bucket=EXPORTS)
    world.consumer_role = emu.create_role("card-exporter", {"render-iam": document}, account=STAGING)
    emu.act_as(world.consumer_role, "exporter")
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        code = main(["card", "export", CARD, "--s3-output", f"s3://{EXPORTS}/cards/"])
    world.outcomes["export"] = (code, err.getvalue())
    emu.act_as("card")


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    config = EmulatorConfig(
        region=REGION,
        card_account=CARD_ACCOUNT,
        accounts={"staging": STAGING, "prod": PROD, "hub": HUB},
        organization_accounts=[CARD_ACCOUNT, STAGING, PROD],  # the hub is outside: the spokes invite it
    )
    with Emulator(config, virtual_time=True) as emu:
        template = load_template(TEMPLATE)
        card_session = emu.act_as("card")
        reviewer = reviewer_role(emu)  # the example policy's approver, who alone signs with the stack's key
        for bucket in (ARTIFACTS, POLICIES):
            card_session.client("s3").create_bucket(Bucket=bucket)
        bus = card_session.client("events").create_event_bus(Name="mcgov-decisions")["EventBusArn"]
        governance = emu.deploy_stack(
            template,
            stack_name="mcgov",
            parameters={
                "CodeBucket": "code",
                "CodeKey": "mcgov-lambda.zip",
                "PolicyUri": f"s3://{POLICIES}/policy.yaml",
                "PolicyBucket": POLICIES,
                "ArtifactBucket": ARTIFACTS,
                "ApproverRoleArns": reviewer,
                "NotificationBusArn": bus,
            },
            handlers=handler_for,
        )
        card_session.client("s3").put_object(Bucket=POLICIES, Key="policy.yaml", Body=_policy(governance))
        hub_session = emu.session(HUB)
        hub_session.client("s3").create_bucket(Bucket=HUB_POLICIES)
        hub_policy = {
            "version": 1,
            "topology": "hub-and-spoke",
            "hub_account": HUB,
            "region": REGION,
            "allow_external_principals": True,
            "spokes": [{"account": STAGING}, {"account": PROD}],
        }
        hub_session.client("s3").put_object(
            Bucket=HUB_POLICIES, Key="hub.yaml", Body=yaml.safe_dump(hub_policy).encode()
        )
        hub = emu.deploy_stack(
            template,
            stack_name="mcgov-hub",
            account=HUB,
            parameters={
                "CodeBucket": "code",
                "CodeKey": "mcgov-lambda.zip",
                "PolicyUri": f"s3://{HUB_POLICIES}/hub.yaml",
                "PolicyBucket": HUB_POLICIES,
                "ArtifactBucket": ARTIFACTS,
                "DeployHub": "true",
                "HubSpokeAccounts": f"{STAGING},{PROD}",
            },
            handlers=handler_for,
        )
        world = World(emu, governance, hub, reviewer)
        _governance_scenarios(world)
        _event_scenarios(world)
        _hub_scenarios(world)
        _export_scenario(world)
        yield world


def _stack_roles(world: World) -> dict[str, tuple[DeployedStack, str]]:
    """Every role of the centralized stack, and the roles the hub's stack adds (DeployHub): '<stack>/<logical id>'
    -> (stack, logical id). The hub's stack holds the centralized roles too; the centralized stack runs them."""
    centralized = world.governance.roles()
    roles = {f"mcgov/{logical}": (world.governance, logical) for logical in centralized}
    added = [logical for logical in world.hub.roles() if logical not in centralized]
    roles.update({f"mcgov-hub/{logical}": (world.hub, logical) for logical in added})
    return roles


def test_no_call_of_any_scenario_is_denied(world: World) -> None:
    assert [(d.role_arn.rsplit("/", 1)[-1], d.action, d.resource, d.reason) for d in world.emu.denials] == []


def test_every_action_a_role_is_granted_is_used_by_some_scenario(world: World) -> None:
    used: dict[str, set[str]] = {}
    for decision in world.emu.authorizations:
        if decision.allowed:
            used.setdefault(decision.role_arn, set()).add(decision.action)
    unused = {}
    for name, (stack, logical) in _stack_roles(world).items():
        left = stack.granted(logical) - used.get(stack.arns[logical], set())
        if left:
            unused[name] = sorted(left)
    assert unused == {}
    assert len(_stack_roles(world)) == 12, "the 9 roles of the centralized stack and the 3 the hub's adds"


def test_every_function_ran_under_its_own_role(world: World) -> None:
    """Each function's role made calls, and only the stack's roles (and the consumer's and the reviewer's) acted."""
    acted = {d.role_arn for d in world.emu.authorizations}
    for stack, logical in _stack_roles(world).values():
        if logical in stack.roles("lambda.amazonaws.com"):
            assert stack.arns[logical] in acted, f"{logical} made no call"
    roles = {stack.arns[logical] for stack, logical in _stack_roles(world).values()}
    # the hub account's stack has the event path too: the RAM events of the spokes' shares to it, and its re-check
    # schedule, wake its gate-events, which finds no waiting gate (under the hub stack's copies of the roles)
    acted -= {world.hub.arns["GateEventsRole"], world.hub.arns["GateRecheckScheduleRole"]}
    assert acted == roles | {world.consumer_role, world.reviewer_role}


def test_the_scenarios_did_what_the_demo_shows(world: World) -> None:
    seen = world.outcomes
    assert seen["populate"]["result"] == "created" and seen["populate again"]["result"] == "updated"
    assert seen["populate embed"]["embedded"]["model_package_arn"].endswith("/1")
    assert seen["guard before sharing"]["action"] == "reverted" and seen["guard again"]["action"] == "ignored"
    assert seen["share"]["shares"][0]["created"] is True
    assert (seen["gate pending"]["status"], seen["gate allowed"]["status"]) == ("PENDING", "ALLOWED")
    assert seen["gate package"]["status"] == "ALLOWED" and seen["gate package"]["model_package"]
    assert seen["gate prod"]["status"] == "BLOCKED"
    assert seen["guard kept"]["action"] == "kept"
    record = seen["guard failure record"]
    assert (
        record["requestContext"]["condition"] == "RetriesExhausted"
        and record["requestContext"]["approximateInvokeCount"] == 3
    )
    for poll, count in ((seen["watcher poll"], 2), (seen["watcher poll signed"], 1)):
        assert (poll.received, len(poll.deleted), poll.kept) == (count, count, [])
    callbacks = seen["callbacks"]
    assert callbacks["tokenallow"]["outcome"] == "success" and callbacks["tokenblock"]["outcome"] != "success"
    assert callbacks["tokensigns"]["outcome"] == "success", callbacks["tokensigns"]
    assert seen["approve card"][0] == 0, seen["approve card"][1]
    assert seen["gate prod signed"]["status"] == "ALLOWED", seen["gate prod signed"]
    assert seen["gate prod signed"]["approval"]["signed"] is True
    assert seen["guard prod signed"]["action"] == "kept", seen["guard prod signed"]
    assert seen["approve"]["approval_status"] == "Approved"
    assert all(s["allow_external_updated"] for s in seen["share external"]["stages"])
    assert seen["workflow"]["status"] == "SUCCEEDED", seen["workflow"]
    for key in ("hub sync", "hub sync again"):
        assert seen[key]["status"] == "SUCCEEDED", seen[key]
    code, err = seen["export"]
    assert code == 0, err


def test_the_event_path_completed_the_waiting_gates(world: World) -> None:
    seen = world.outcomes
    [waiting] = seen["event watcher pending"].response["outcomes"]
    assert waiting["status"] == "PENDING" and waiting["registration"]["registered"] and waiting["visibility_set"]
    assert seen["event callbacks"]["tokenevent"]["outcome"] == "success"  # the RAM event, through the stack's rule
    lost = seen["event callbacks"]["tokenlost1"]  # its events lost: the schedule found it blocked
    assert lost["outcome"] == "failure" and "SUSPENDED" in lost["reason"]
    assert seen["workflow event"]["status"] == "SUCCEEDED"  # the token wait completed by the event
    blocked = seen["workflow event blocked"]
    assert (blocked["status"], blocked["error"]) == ("FAILED", "GateBlocked")  # SendTaskFailure, GateBlockedOnEvent


def test_the_hub_map_writes_its_results_to_s3_and_returns_a_summary(world: World) -> None:
    output = json.loads(world.outcomes["hub sync"]["output"])
    details = output["results"]
    s3 = world.emu.session(HUB).client("s3")
    manifest = json.loads(s3.get_object(Bucket=details["Bucket"], Key=details["Key"])["Body"].read())
    assert manifest["MapRunArn"] == output["map_run_arn"] and manifest["ResultFiles"]["FAILED"] == []
    [succeeded] = manifest["ResultFiles"]["SUCCEEDED"]
    children = json.loads(s3.get_object(Bucket=details["Bucket"], Key=succeeded["Key"])["Body"].read())
    by_spoke = {json.loads(c["Input"])["spoke"]: json.loads(c["Output"])["result"] for c in children}
    assert {s: r["counts"]["synced"] for s, r in by_spoke.items()} == {STAGING: 1, PROD: 1}
    assert all(len(r["accepted_invitations"]) == 1 and r["pending"] == [] for r in by_spoke.values())
    assert output["spokes"] == [STAGING, PROD] and "synced" not in json.dumps(output)


def test_a_role_missing_a_grant_is_denied_and_the_log_says_which(world: World) -> None:
    """The checks can fail: the watcher's role has no sagemaker:UpdateModelPackage, so a session of it is refused."""
    emu = world.emu
    watcher = world.governance.arns["GateWatcherRole"]
    sagemaker = emu.session_for_role(watcher, "probe").client("sagemaker")
    from botocore.exceptions import ClientError

    before = len(emu.denials)
    with pytest.raises(ClientError, match="sagemaker:UpdateModelPackage"):
        sagemaker.update_model_package(
            ModelPackageArn=f"arn:aws:sagemaker:{REGION}:{CARD_ACCOUNT}:model-package/{CARD_NAME}/1",
            ModelApprovalStatus="Rejected",
        )
    [denial] = emu.denials[before:]
    assert (denial.role_arn, denial.action, denial.allowed) == (watcher, "sagemaker:UpdateModelPackage", False)
    with emu.state.lock:
        del emu.state.authorizations[-1]  # the probe is not a scenario


def test_only_the_approvers_sign_with_the_stacks_key(world: World) -> None:
    """The reviewer's approval was signed under the key policy (which names the approvers), and a role of the stack
    that may verify cannot sign: its key policy grants kms:Sign to the approvers only."""
    from botocore.exceptions import ClientError

    emu = world.emu
    key = world.governance.arns["ApprovalSigningKey"]
    signed = [d for d in emu.authorizations if d.action == "kms:Sign"]
    # two approvals: the card's, then its re-populated version's (the event scenarios)
    assert [(d.role_arn, d.resource, d.allowed) for d in signed] == [(world.reviewer_role, key, True)] * 2
    verified = {d.role_arn for d in emu.authorizations if d.action == "kms:Verify" and d.allowed}
    arns = world.governance.arns
    assert verified == {
        arns["GateReaderRole"],
        arns["ApprovalGuardRole"],
        arns["GateWatcherRole"],
        arns["GateEventsRole"],
    }
    before = len(emu.authorizations)
    kms = emu.session_for_role(arns["GateReaderRole"], "probe").client("kms")
    with pytest.raises(ClientError, match="no key policy statement allows the kms:Sign action"):
        kms.sign(KeyId=key, Message=b"approval", MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256")
    with emu.state.lock:
        del emu.state.authorizations[before:]  # the probe is not a scenario


def test_no_function_role_may_write_the_approval_record(world: World) -> None:
    """DenyApprovalRecordTags (a managed policy naming the function roles) refuses the populate role, which may tag
    cards (its written-versions record), the approval record's tags."""
    from botocore.exceptions import ClientError

    emu = world.emu
    before = len(emu.authorizations)
    populate = world.governance.arns["PopulateCardRole"]
    sagemaker = emu.session_for_role(populate, "probe").client("sagemaker")
    with pytest.raises(ClientError, match="explicit deny"):
        sagemaker.add_tags(ResourceArn=CARD, Tags=[{"Key": "mcgov:approval:version", "Value": "1"}])
    with emu.state.lock:
        del emu.state.authorizations[before:]  # the probe is not a scenario
