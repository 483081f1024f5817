"""Registrations of waiting gates: checked before they are written and again when read; one gate, one id."""

from __future__ import annotations

from typing import Any

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.gate.registrations import MAX_SHARES, Handle, HandleKind, parse_item, registration
from mcgov.steps.gate.wakeup import shares_named
from mcgov.steps.policy import load_policy
from tests.conftest import REPO

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
SHARE = "arn:aws:ram:us-east-1:111111111111:resource-share/0a1b2c3d-0000-4000-8000-000000000000"
EXECUTION = "arn:aws:states:us-east-1:111111111111:execution:mcgov-governance:run-1"
TASK = Handle(HandleKind.TASK_TOKEN, "AQCEAAAAKgAAAA+token/with=symbols", EXECUTION)
CALLBACK = Handle(HandleKind.PIPELINE_CALLBACK, "abcDEF1234", "abcDEF1234")


@pytest.fixture(scope="module")
def policy() -> Any:
    return load_policy(REPO / "share_policies" / "example.yaml")


def make(policy: Any, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "card_arn": CARD,
        "stage": "staging",
        "share_arns": [SHARE],
        "handle": TASK,
        "anchor": 1_800_000_000.5,
        "now": 1_800_000_100.0,
    }
    return registration(policy, **{**fields, **changes})


def test_a_registration_round_trips_through_its_items(policy: Any) -> None:
    record = make(policy, share_arns=[SHARE, SHARE.replace("0000-4000", "1111-4000")])
    items = record.items()
    assert [i["share_arn"]["S"] for i in items] == list(record.share_arns) and len(items) == 2
    assert int(items[0]["expires_at"]["N"]) > 1_800_000_100  # the TTL attribute, epoch seconds
    assert parse_item(policy, items[1]) == record
    assert "AQCEAAAA" not in repr(record)  # a token completes someone's step: never printed


def test_the_id_names_the_waiting_gate_not_its_current_token(policy: Any) -> None:
    first = make(policy)
    next_wait = make(policy, handle=Handle(HandleKind.TASK_TOKEN, "another-token", EXECUTION), now=1_800_000_200.0)
    assert first.gate_id == next_wait.gate_id  # the next Wait of the execution overwrites its registration
    assert make(policy, stage="prod").gate_id != first.gate_id
    assert make(policy, handle=CALLBACK).gate_id != first.gate_id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"card_arn": CARD.replace("111111111111", "999999999999")}, "card_arn"),
        ({"stage": "qa"}, "stage"),
        ({"share_arns": []}, "share_arns"),
        (
            {"share_arns": [SHARE] + [SHARE.replace("0000-4000", f"{i:04d}-4000") for i in range(1, MAX_SHARES + 1)]},
            "share_arns",
        ),
        ({"share_arns": [SHARE.replace("111111111111", "444444444444")]}, "share_arns"),
        ({"share_arns": [SHARE.replace("us-east-1", "eu-west-1")]}, "share_arns"),
        ({"share_arns": [SHARE + "\n"]}, "share_arns"),
        ({"handle": Handle(HandleKind.TASK_TOKEN, "has space", EXECUTION)}, "task_token"),
        ({"handle": Handle(HandleKind.TASK_TOKEN, "x" * 2049, EXECUTION)}, "task_token"),
        (
            {
                "handle": Handle(
                    HandleKind.TASK_TOKEN, "token-of-another-account", EXECUTION.replace("111111111111", "999999999999")
                )
            },
            "execution_arn",
        ),
        ({"handle": Handle(HandleKind.PIPELINE_CALLBACK, "short", "short")}, "token"),
        ({"handle": Handle(HandleKind.PIPELINE_CALLBACK, "abcDEF1234", "abcDEF9999")}, "token"),
        ({"anchor": float("nan")}, "anchor"),
    ],
)
def test_a_registration_that_breaks_a_rule_is_refused_naming_the_field(
    policy: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(BadInputError) as refused:
        make(policy, **changes)
    assert refused.value.field == field or field in str(refused.value)
    for value in changes.values():
        if isinstance(value, Handle):
            assert value.token not in str(refused.value)


def test_a_stored_item_is_checked_again_when_read(policy: Any) -> None:
    [item] = make(policy).items()
    with pytest.raises(BadInputError):
        parse_item(policy, {**item, "stage": {"S": "qa"}})
    with pytest.raises(BadInputError):
        parse_item(policy, {k: v for k, v in item.items() if k != "token"})
    with pytest.raises(BadInputError):
        parse_item(policy, {**item, "handle_kind": {"S": "lambda"}})


def test_the_shares_an_event_names() -> None:
    assert shares_named({"detail": {"resourceShareArn": SHARE}, "resources": [SHARE, CARD]}) == (SHARE,)
    assert shares_named({"detail": {"event": "Resource Share Association", "status": "associated"}}) == ()
    assert shares_named({"detail": "x", "resources": "y"}) == ()
    assert shares_named({"resources": [SHARE + "/../other", 7]}) == ()
