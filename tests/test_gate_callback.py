"""The gate watcher never drops a message the pipeline would refuse: it fails the step with the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from mcgov.steps.gate import completion
from mcgov.steps.gate.callback import CALLBACK_OUTPUTS, MAX_FAILURE_REASON
from mcgov.steps.handlers import gate_watcher, share_card
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"


@pytest.fixture
def world(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    clear_policy_cache()
    monkeypatch.setenv("MCGOV_POLICY_URI", str(REPO / "share_policies" / "example.yaml"))
    card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model",
        ModelCardStatus="PendingReview",
        Content=json.dumps({"model_overview": {"model_owner": "t"}}),
    )
    ensure_readonly_permission(card_session.client("ram"))
    emulator.act_as("card")
    emulator.set_association_delay(polls=0)
    yield emulator
    clear_policy_cache()


def _record(message_id: str, body: Any) -> dict[str, Any]:
    return {"messageId": message_id, "body": json.dumps(body)}


def test_an_allowed_step_gets_exactly_the_declared_outputs(world: Any) -> None:
    share_card.handler({"card_arn": CARD})
    out = gate_watcher.handler(
        {"Records": [_record("m1", {"token": "token00001", "arguments": {"card_arn": CARD, "stage": "staging"}})]}
    )
    assert out["outcomes"][0]["status"] == "ALLOWED" and out["batchItemFailures"] == []
    completed = world.pipeline_callbacks("111111111111")["token00001"]
    assert completed["outcome"] == "success"
    assert [p["Name"] for p in completed["outputs"]] == [o.name for o in CALLBACK_OUTPUTS]
    assert {"Name": "gate_status", "Value": "ALLOWED"} in completed["outputs"]


def test_a_message_with_arguments_the_pipeline_cannot_have_sent_fails_the_step(world: Any) -> None:
    body = {"token": "token00003", "arguments": {"card_arn": CARD, "stage": "staging", "accounts": ["444444444444"]}}
    out = gate_watcher.handler({"Records": [_record("m3", body)]})
    [outcome] = out["outcomes"]
    assert (
        outcome["status"] == "REFUSED" and "arguments.accounts" in outcome["reason"] and out["batchItemFailures"] == []
    )
    failed = world.pipeline_callbacks("111111111111")["token00003"]
    assert failed["outcome"] == "failure" and "arguments.accounts" in failed["reason"]
    assert len(failed["reason"]) <= MAX_FAILURE_REASON


def test_a_refused_success_fails_the_step_with_the_reason(world: Any, card_session: Any) -> None:
    share_card.handler({"card_arn": CARD})
    sagemaker = card_session.client("sagemaker")
    record = _record("m4", {"token": "token00004", "arguments": {"card_arn": CARD, "stage": "staging"}})
    with Stubber(sagemaker) as stub:
        stub.add_client_error(
            "send_pipeline_execution_step_success",
            service_error_code="ValidationException",
            service_message="Output parameter gate_status is not declared",
            http_status_code=400,
        )
        stub.add_response(
            "send_pipeline_execution_step_failure",
            {"PipelineExecutionArn": "arn:p"},
            {"CallbackToken": "token00004", "FailureReason": ANY},
        )
        outcome = gate_watcher.process(record, card_session, sagemaker)
        stub.assert_no_pending_responses()
    assert outcome["status"] == "REFUSED" and "is not declared" in outcome["reason"]


def test_outputs_that_do_not_match_the_declaration_fail_the_step(
    world: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    share_card.handler({"card_arn": CARD})
    monkeypatch.setattr(
        completion, "success_parameters", lambda decision: [{"Name": "gate_decision", "Value": "ALLOWED"}]
    )
    out = gate_watcher.handler(
        {"Records": [_record("m5", {"token": "token00005", "arguments": {"card_arn": CARD, "stage": "staging"}})]}
    )
    assert out["outcomes"][0]["status"] == "REFUSED" and "declared outputs" in out["outcomes"][0]["reason"]
    assert world.pipeline_callbacks("111111111111")["token00005"]["outcome"] == "failure"


def test_only_a_message_without_a_usable_token_is_dropped(world: Any) -> None:
    out = gate_watcher.handler({"Records": [_record("m6", {"arguments": {"card_arn": CARD, "stage": "staging"}})]})
    assert out["outcomes"][0]["status"] == "DROPPED" and "token" in out["outcomes"][0]["reason"]
    assert world.pipeline_callbacks("111111111111") == {}
