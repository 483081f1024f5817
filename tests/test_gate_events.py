"""The event-driven gate on the deployed stack: a waiting gate registers itself, RAM's state-change event reaches the
stack's rule, and gate-events completes the gate at the flip; the re-check schedule catches lost events.

The stack is the shipped template deployed on the emulator (``Emulator.deploy_stack``); each function runs its
handler in-process with the function's environment and as a session of its execution role, so the emulator's IAM
checks every call against the stack's grants; the CallbackStep queue is polled as Lambda's event source mapping
polls it (``Emulator.poll_event_source``).
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from mcgov.emulator import Emulator
from mcgov.emulator.fixtures import seed_pipeline_outputs
from mcgov.emulator.stack import DeployedStack
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.share.converge import ensure_readonly_permission
from mcgov.steps.share.permissions import clear_permission_cache
from mcgov.steps.stack.template import TEMPLATE
from tests.conftest import REPO

CARD_ACCOUNT = "111111111111"
CARD = f"arn:aws:sagemaker:us-east-1:{CARD_ACCOUNT}:model-card/churn-model"
FLIP_SECONDS = 30
ARTIFACTS = "mcgov-events-artifacts"
PIPELINE_EXECUTION = f"arn:aws:sagemaker:us-east-1:{CARD_ACCOUNT}:pipeline/churn/execution/events0001"


@pytest.fixture
def stack(emulator: Emulator, card_session: boto3.Session) -> Any:
    clear_policy_cache()
    clear_permission_cache()
    deployed = emulator.deploy_stack(
        TEMPLATE,
        stack_name="mcgov",
        parameters={
            "CodeBucket": "mcgov-code",
            "CodeKey": "mcgov-lambda.zip",
            "PolicyUri": str(REPO / "share_policies" / "example.yaml"),
            "ArtifactBucket": ARTIFACTS,
        },
    )
    ensure_readonly_permission(card_session.client("ram"))
    card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model",
        ModelCardStatus="PendingReview",
        Content=json.dumps({"model_overview": {"model_description": "churn"}}),
    )
    emulator.set_association_delay(polls=None, seconds=FLIP_SECONDS)  # nobody polls: the flip comes by time
    yield deployed
    clear_policy_cache()
    clear_permission_cache()


def invoke(session: boto3.Session, stack: DeployedStack, function: str, event: Any) -> Any:
    """Invoke one of the stack's functions (its handler, as its role) and return its result."""
    out = session.client("lambda").invoke(FunctionName=stack.arns[function], Payload=json.dumps(event).encode())
    payload = json.loads(out["Payload"].read())
    assert "FunctionError" not in out, payload
    return payload


def send_callback(emulator: Emulator, session: boto3.Session, stack: DeployedStack, stage: str) -> tuple[str, Any]:
    """A CallbackStep message (its token issued for a pipeline execution), and one poll of the gate-watcher's event
    source mapping, as Lambda makes it under the function's role."""
    token = emulator.issue_callback_token(PIPELINE_EXECUTION)
    queue = stack.refs["GateCallbackQueue"]
    body = {"token": token, "arguments": {"card_arn": CARD, "stage": stage}}
    session.client("sqs").send_message(QueueUrl=queue, MessageBody=json.dumps(body))
    return token, emulator.poll_event_source(stack.arns["GateWatcherFunction"], queue)


def registrations(session: boto3.Session, stack: DeployedStack) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = session.client("dynamodb").scan(TableName=stack.refs["GateRegistrationsTable"])[
        "Items"
    ]
    return items


def wait_callback_step(emulator: Emulator, session: boto3.Session, stack: DeployedStack, stage: str) -> Any:
    """Share the card and hand a CallbackStep message to gate-watcher: the gate is PENDING and registers itself,
    the message kept for redelivery. Returns (token, outcome)."""
    invoke(session, stack, "ShareCardFunction", {"card_arn": CARD})
    token, polled = send_callback(emulator, session, stack, stage)
    [outcome] = polled.response["outcomes"]
    assert outcome["status"] == "PENDING" and polled.kept == [outcome["message_id"]] and not polled.deleted
    assert outcome["registration"]["registered"] is True, outcome
    return token, outcome


def test_a_ram_event_completes_a_waiting_callback_step_at_the_flip(
    emulator: Emulator, card_session: boto3.Session, stack: DeployedStack
) -> None:
    start = emulator.clock.now()
    token, outcome = wait_callback_step(emulator, card_session, stack, "staging")
    interval = 5  # the example policy's poll interval: young associations are polled once per interval
    assert 1 <= outcome["next_check_seconds"] <= interval * 1.1 + 1  # the redelivery: the gate's next poll
    assert outcome["visibility_set"] is True  # ChangeMessageVisibility under the watcher's role
    [item] = registrations(card_session, stack)
    assert item["stage"]["S"] == "staging" and item["handle_kind"]["S"] == "pipeline-callback"
    assert emulator.pipeline_callbacks(CARD_ACCOUNT) == {}
    emulator.clock.advance(FLIP_SECONDS + 1)
    completed = emulator.pipeline_callbacks(CARD_ACCOUNT)[token]
    assert completed["outcome"] == "success" and {"Name": "gate_status", "Value": "ALLOWED"} in completed["outputs"]
    share = item["share_arn"]["S"]
    ram = card_session.client("ram")
    flipped = max(  # the later of the card's and the account's association: then the gate can pass
        row["lastUpdatedTime"].timestamp()
        for kind in ("PRINCIPAL", "RESOURCE")
        for row in ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share])[
            "resourceShareAssociations"
        ]
    )
    woke = [
        d
        for d in emulator.events.deliveries(target=stack.arns["GateEventsFunction"])
        if json.loads(d.input).get("detail", {}).get("resourceShareArn") == share  # the schedule's input has none
        and json.loads(d.input)["detail"]["status"] == "associated"
    ]
    assert woke and all(d.outcome == "delivered" for d in woke)
    assert max(d.time for d in woke) == pytest.approx(flipped, abs=0.5)  # at the flip, not a poll later
    assert flipped - start == pytest.approx(FLIP_SECONDS, abs=1)
    assert registrations(card_session, stack) == []
    assert emulator.events.errors == []


def test_an_event_naming_no_share_wakes_every_waiting_gate(
    emulator: Emulator, card_session: boto3.Session, stack: DeployedStack
) -> None:
    emulator.events.configure(ram_detail="documented")  # what AWS documents: event and status, no share
    token, _ = wait_callback_step(emulator, card_session, stack, "staging")
    emulator.clock.advance(FLIP_SECONDS + 1)
    assert emulator.pipeline_callbacks(CARD_ACCOUNT)[token]["outcome"] == "success"
    assert registrations(card_session, stack) == []


def test_the_schedule_completes_a_gate_whose_events_were_lost(
    emulator: Emulator, card_session: boto3.Session, stack: DeployedStack
) -> None:
    emulator.events.configure(drop_rate=1.0, seed=1)  # every RAM event lost
    token, _ = wait_callback_step(emulator, card_session, stack, "staging")
    emulator.clock.advance(FLIP_SECONDS + 1)
    assert emulator.events.dropped and emulator.pipeline_callbacks(CARD_ACCOUNT) == {}
    emulator.clock.advance(60)  # GateRecheckRate: rate(1 minute)
    assert emulator.pipeline_callbacks(CARD_ACCOUNT)[token]["outcome"] == "success"
    assert registrations(card_session, stack) == []


def test_a_failed_association_fails_the_step_and_a_pending_gate_stays(
    emulator: Emulator, card_session: boto3.Session, stack: DeployedStack
) -> None:
    token, _ = wait_callback_step(emulator, card_session, stack, "staging")
    early = invoke(
        card_session,
        stack,
        "GateEventsFunction",
        {"source": "aws.ram", "detail-type": "Resource Sharing State Change", "detail": {}},
    )
    assert [o["status"] for o in early["outcomes"]] == ["PENDING"]  # a hint only: RAM still says ASSOCIATING
    assert len(registrations(card_session, stack)) == 1
    emulator.fail_association(principal="222222222222", message="denied by an SCP")
    failed = emulator.pipeline_callbacks(CARD_ACCOUNT)[token]
    assert failed["outcome"] == "failure" and "FAILED" in failed["reason"]
    assert registrations(card_session, stack) == []


def test_the_stacks_state_machine_waits_on_a_task_token_that_the_event_completes(
    emulator: Emulator, card_session: boto3.Session, stack: DeployedStack
) -> None:
    """The shipped workflow: CheckGate is PENDING, WaitForGateEvent registers the execution's task token, and RAM's
    event completes it (before its timeout, the next poll): the execution goes on to GateAllowed."""
    where = seed_pipeline_outputs(card_session, bucket=ARTIFACTS)  # the stack's ArtifactBucket
    card_event = {
        "card_name": "churn-sfn",
        "training_job_name": where["training_job_name"],
        "evaluation_uris": [where["evaluation"]],
        "template_uri": where["template"],
        "status": "PendingReview",
    }
    emulator.set_association_delay(polls=None, seconds=3)  # before the token dies: its task's timeout, the next poll
    sfn = card_session.client("stepfunctions")
    execution = sfn.start_execution(
        stateMachineArn=stack.outputs["StateMachineArn"], input=json.dumps({"card": card_event, "stage": "staging"})
    )["executionArn"]
    deadline = time.monotonic() + 60
    while not registrations(card_session, stack) and time.monotonic() < deadline:
        if sfn.describe_execution(executionArn=execution)["status"] != "RUNNING":
            break
        time.sleep(0.02)  # moto runs the execution on its own thread, on real time
    [item] = registrations(card_session, stack)
    assert item["handle_kind"]["S"] == "task-token" and item["waiter"]["S"] == execution
    emulator.clock.advance(3.5)
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.02)
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED", described
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    states = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
    after = states[states.index("WaitForGateEvent") + 1 :]
    assert after[:3] == ["HasCheckGateOutput", "KeepCheckGateOutput", "GateDecision"] and "NextCheck" not in after
    assert states[-1] == "GateAllowed"
    output = json.loads(described["output"])
    assert output["gate"]["status"] == "ALLOWED" and output["gate"]["allowed"] is True
    assert registrations(card_session, stack) == []


def test_a_stored_item_that_breaks_the_rules_is_reported_never_acted_on(
    emulator: Emulator, card_session: boto3.Session, stack: DeployedStack
) -> None:
    share = "arn:aws:ram:us-east-1:444444444444:resource-share/0a1b2c3d-0000-4000-8000-000000000000"
    hostile = {
        "share_arn": {"S": share},
        "gate_id": {"S": "x"},
        "card_arn": {"S": CARD},
        "stage": {"S": "staging"},
        "shares": {"SS": [share]},  # another account's share
        "handle_kind": {"S": "pipeline-callback"},
        "token": {"S": "tokenevil1"},
        "waiter": {"S": "tokenevil1"},
        "registered_at": {"N": str(int(emulator.clock.now()))},
        "expires_at": {"N": str(int(emulator.clock.now()) + 3600)},
    }
    table = stack.refs["GateRegistrationsTable"]
    card_session.client("dynamodb").put_item(TableName=table, Item=hostile)
    out = invoke(card_session, stack, "GateEventsFunction", {"recheck": "all"})
    assert out["outcomes"] == [] and len(out["unreadable"]) == 1
    assert "share_arns" in out["unreadable"][0]["reason"] and "tokenevil1" not in json.dumps(out)
    assert emulator.pipeline_callbacks(CARD_ACCOUNT) == {}


@pytest.mark.parametrize(
    "event",
    [
        {"source": "aws.sagemaker", "detail-type": "Resource Sharing State Change"},
        {"source": "aws.ram", "detail-type": "Something Else"},
        {"recheck": "some"},
        {"recheck": "all", "card_arn": CARD},
    ],
)
def test_events_of_another_shape_are_refused(
    emulator: Emulator, card_session: boto3.Session, stack: DeployedStack, event: dict[str, Any]
) -> None:
    out = card_session.client("lambda").invoke(
        FunctionName=stack.arns["GateEventsFunction"], Payload=json.dumps(event).encode()
    )
    assert out.get("FunctionError") and "BadInputError" in out["Payload"].read().decode()
