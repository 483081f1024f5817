"""The wake-up of waiting gates (``mcgov.steps.gate.wakeup.wake``) on a registrations table (moto DynamoDB): the event
is a hint, the gate check decides; one check per card and stage; a completion deletes its own items only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from mcgov.steps.gate.registrations import Handle, HandleKind, RegistrationStore, registration
from mcgov.steps.gate.wakeup import wake
from mcgov.steps.policy import load_policy
from tests.conftest import REPO

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
OTHER_CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/fraud-model"
SHARE = "arn:aws:ram:us-east-1:111111111111:resource-share/0a1b2c3d-0000-4000-8000-000000000000"
SHARE_2 = SHARE.replace("0000-4000", "2222-4000")
EXECUTION = "arn:aws:states:us-east-1:111111111111:execution:mcgov-governance:run-{}"
NOW = 1_800_000_000.0
TABLE = "gates"


class Completions:
    """The Step Functions and SageMaker completion calls, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def send_task_success(self, taskToken: str, output: str) -> None:  # noqa: N803 - boto3's parameter names
        self.calls.append(("success", taskToken))

    def send_task_failure(self, taskToken: str, error: str, cause: str) -> None:  # noqa: N803
        self.calls.append(("failure", taskToken))

    def send_pipeline_execution_step_success(self, CallbackToken: str, OutputParameters: Any) -> None:  # noqa: N803
        self.calls.append(("success", CallbackToken))

    def send_pipeline_execution_step_failure(self, CallbackToken: str, FailureReason: str) -> None:  # noqa: N803
        self.calls.append(("failure", CallbackToken))


@pytest.fixture(scope="module")
def policy() -> Any:
    return load_policy(REPO / "share_policies" / "example.yaml")


@pytest.fixture
def store(aws_env: None) -> Iterator[RegistrationStore]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[
                {"AttributeName": "share_arn", "AttributeType": "S"},
                {"AttributeName": "gate_id", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "share_arn", "KeyType": "HASH"},
                {"AttributeName": "gate_id", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield RegistrationStore(dynamodb, TABLE)


def register(policy: Any, store: RegistrationStore, handle: Handle, now: float = NOW, **changes: Any) -> Any:
    fields: dict[str, Any] = {"card_arn": CARD, "stage": "staging", "share_arns": [SHARE], "anchor": None}
    record = registration(policy, handle=handle, now=now, **{**fields, **changes})
    store.put(record)
    return record


def task(run: int, token: str | None = None) -> Handle:
    return Handle(HandleKind.TASK_TOKEN, token or f"token-of-run-{run}", EXECUTION.format(run))


def stored(store: RegistrationStore) -> list[tuple[str, str]]:
    items = store.dynamodb.scan(TableName=TABLE)["Items"]
    return sorted((i["share_arn"]["S"], i["token"]["S"]) for i in items)


def run_wake(policy: Any, store: RegistrationStore, shares: tuple[str, ...] | None, status: str) -> Any:
    checks: list[tuple[str, str]] = []
    completions = Completions()

    def check(policy: Any, card_arn: str, stage: Any) -> dict[str, Any]:
        checks.append((card_arn, stage.name))
        return {"status": status, "reason": f"the check says {status}", "stage": stage.name}

    result = wake(
        store, policy, shares, NOW + 1, check=check, output=lambda d: d, sagemaker=completions, sfn=completions
    )
    return result, checks, completions.calls


def test_gates_waiting_on_one_card_and_stage_share_one_check(policy: Any, store: RegistrationStore) -> None:
    for run in (1, 2, 3):
        register(policy, store, task(run))
    register(policy, store, Handle(HandleKind.PIPELINE_CALLBACK, "abcDEF1234", "abcDEF1234"))
    register(policy, store, task(4), stage="prod")
    register(policy, store, task(5), card_arn=OTHER_CARD)
    result, checks, calls = run_wake(policy, store, (SHARE,), "ALLOWED")
    assert sorted(checks) == sorted({(CARD, "staging"), (CARD, "prod"), (OTHER_CARD, "staging")})
    assert result["checked"] == 6 and [o["status"] for o in result["outcomes"]] == ["ALLOWED"] * 6
    assert len(calls) == 6 and {c[0] for c in calls} == {"success"}
    assert stored(store) == []


def test_an_event_never_completes_a_gate_its_check_leaves_pending(policy: Any, store: RegistrationStore) -> None:
    register(policy, store, task(1))
    result, checks, calls = run_wake(policy, store, (SHARE,), "PENDING")
    assert checks == [(CARD, "staging")] and calls == [] and [o["status"] for o in result["outcomes"]] == ["PENDING"]
    assert stored(store) == [(SHARE, "token-of-run-1")]


@pytest.mark.parametrize(
    "named",
    [
        (SHARE.replace("111111111111", "999999999999"),),  # another account's share of the same id
        (SHARE.replace("us-east-1", "eu-west-1"),),  # another region's
    ],
)
def test_an_event_naming_foreign_shares_wakes_nobody(
    policy: Any, store: RegistrationStore, named: tuple[str, ...]
) -> None:
    register(policy, store, task(1))
    result, checks, calls = run_wake(policy, store, named, "ALLOWED")
    assert result["checked"] == 0 and checks == [] and calls == []
    assert stored(store) == [(SHARE, "token-of-run-1")]


class DeadTokens(Completions):
    """Step Functions that no longer accepts ``dead`` (its task timed out: the next poll registered a new token)."""

    def __init__(self, dead: str) -> None:
        super().__init__()
        self.dead = dead

    def send_task_success(self, taskToken: str, output: str) -> None:  # noqa: N803
        if taskToken == self.dead:
            raise ClientError({"Error": {"Code": "TaskTimedOut", "Message": "Task Timed Out"}}, "SendTaskSuccess")
        super().send_task_success(taskToken, output)


def test_a_superseded_registration_never_removes_the_current_one(policy: Any, store: RegistrationStore) -> None:
    """The execution's first wait named two shares; its next wait (a new token) names one: the first wait's item on
    the other share outlives it. Waking that item drops the dead token without deleting the current registration,
    and a wake-up that reads both registrations of the gate completes the current token."""
    register(policy, store, task(1, "old-token"), share_arns=[SHARE, SHARE_2])
    register(policy, store, task(1, "new-token"))  # the same gate (execution, card, stage): overwrites SHARE's item
    assert stored(store) == [(SHARE, "new-token"), (SHARE_2, "old-token")]
    sfn = DeadTokens("old-token")

    def check(policy: Any, card_arn: str, stage: Any) -> dict[str, Any]:
        return {"status": "ALLOWED", "reason": "all associated", "stage": stage.name}

    dropped = wake(store, policy, (SHARE_2,), NOW + 1, check=check, output=lambda d: d, sagemaker=sfn, sfn=sfn)
    assert [o["status"] for o in dropped["outcomes"]] == ["DROPPED"]
    assert stored(store) == [(SHARE, "new-token")]  # the current registration stays
    register(policy, store, task(1, "old-token"), share_arns=[SHARE_2])
    register(policy, store, task(1, "new-token"), now=NOW + 5)
    woke = wake(store, policy, (SHARE_2, SHARE), NOW + 6, check=check, output=lambda d: d, sagemaker=sfn, sfn=sfn)
    assert [o["status"] for o in woke["outcomes"]] == ["ALLOWED"] and sfn.calls == [("success", "new-token")]
    assert stored(store) == [(SHARE_2, "old-token")]  # left to its TTL: its token is dead
