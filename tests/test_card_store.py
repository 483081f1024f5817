"""Publishing on the emulator: idempotent versions, status and content in separate calls, Archived cards."""

from __future__ import annotations

import json

import pytest

from mcgov.emulator.fixtures import seed_pipeline_outputs
from mcgov.errors import BadInputError
from mcgov.steps.card.exceptions import CardError, CardNotFoundError
from mcgov.steps.card.service import CardSources, populate_card
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.handlers import populate_card as populate_handler


def _text(**overview):
    return json.dumps({"model_overview": overview}, separators=(",", ":"))


def test_publish_is_idempotent_and_separates_status_from_content(card_session):
    store = CardStore(card_session.client("sagemaker"))
    created = store.publish("churn", _text(model_owner="a"))
    assert (created.result, created.version, created.status) == ("created", 1, "Draft")
    again = store.publish("churn", _text(model_owner="a"))
    assert (again.result, again.version) == ("unchanged", 1)
    both = store.publish("churn", _text(model_owner="b"), status="PendingReview")
    assert both.result == "updated" and both.status == "PendingReview"
    card = store.describe("churn")
    assert json.loads(card["Content"]) == {"model_overview": {"model_owner": "b"}}
    assert card["ModelCardStatus"] == "PendingReview"
    assert both.version == 3  # content update, then a separate status update
    assert [v["ModelCardVersion"] for v in store.list_versions("churn")] == [1, 2, 3]
    assert both.content_sha256 == content_sha256(_text(model_owner="b"))
    status_only = store.publish("churn", _text(model_owner="b"), status="Draft")
    assert (
        status_only.version == 4
        and json.loads(store.describe(status_only.arn)["Content"])["model_overview"]["model_owner"] == "b"
    )


def test_publish_never_approves(card_session):
    store = CardStore(card_session.client("sagemaker"))
    with pytest.raises(BadInputError, match="--status: publishing never sets Approved.*mcgov card approve"):
        store.publish("churn", _text(model_owner="a"), status="Approved")
    assert store.find("churn") is None


def test_changed_content_sends_an_approved_card_back_to_review_and_unchanged_keeps_it(card_session):
    sm = card_session.client("sagemaker")
    store = CardStore(sm)
    store.publish("churn", _text(model_owner="a"), status="PendingReview")
    sm.update_model_card(ModelCardName="churn", ModelCardStatus="Approved")
    kept = store.publish("churn", _text(model_owner="a"), status="PendingReview")
    assert (kept.result, kept.status) == ("unchanged", "Approved")
    for requested in (None, "PendingReview"):
        sm.update_model_card(ModelCardName="churn", ModelCardStatus="Approved")
        changed = store.publish("churn", _text(model_owner=f"b-{requested}"), status=requested)
        assert (changed.result, changed.status) == ("updated", "PendingReview")


@pytest.mark.parametrize("requested", [None, "Draft", "PendingReview"])
def test_an_archived_card_never_leaves_archived_through_a_publish(card_session, requested):
    store = CardStore(card_session.client("sagemaker"))
    store.publish("old", _text(model_owner="a"), status="Archived")
    with pytest.raises(CardError, match="never brings an archived card back"):
        store.publish("old", _text(model_owner="b" if requested is None else "a"), status=requested or "Draft")
    assert store.describe("old")["ModelCardStatus"] == "Archived"
    assert store.describe("old")["ModelCardVersion"] == 1


def test_a_publish_overtaken_by_another_writer_reports_no_version(card_session):
    """Concurrent writers: each reports the version it wrote, or says it can't tell; never the other's."""
    sm = card_session.client("sagemaker")
    store = CardStore(sm)
    store.publish("race", _text(model_owner="a"))
    original = sm.update_model_card

    def update_then_overtaken(**kwargs):
        response = original(**kwargs)
        if "Content" in kwargs:
            original(ModelCardName="race", Content=_text(model_owner="other writer"))
        return response

    sm.update_model_card = update_then_overtaken
    result = store.publish("race", _text(model_owner="mine"))
    assert result.version is None and "another writer" in result.note
    assert result.content_sha256 == content_sha256(_text(model_owner="mine"))
    sm.update_model_card = original
    assert store.publish("race", _text(model_owner="mine")).version == 4


def test_archived_card_refuses_content_but_not_an_unchanged_publish(card_session):
    store = CardStore(card_session.client("sagemaker"))
    store.publish("old", _text(model_owner="a"), status="Archived")
    assert store.publish("old", _text(model_owner="a")).result == "unchanged"
    with pytest.raises(CardError, match="Archived"):
        store.publish("old", _text(model_owner="b"))
    assert store.describe("old")["ModelCardVersion"] == 1


def test_describe_missing_card(card_session):
    with pytest.raises(CardNotFoundError, match="not found"):
        CardStore(card_session.client("sagemaker")).describe("missing")


def test_populate_from_s3_and_training_job_then_rerun_keeps_version(card_session):
    where = seed_pipeline_outputs(card_session, bucket="pipeline-bucket")
    sources = CardSources(
        training_job_name=where["training_job_name"],
        evaluations=(where["evaluation"],),
        template=where["template"],
        pipeline_execution_arn="arn:aws:sagemaker:us-east-1:111111111111:pipeline/p/execution/1",
    )
    sm, s3 = card_session.client("sagemaker"), card_session.client("s3")
    first = populate_card("churn-model", sources, sagemaker=sm, s3=s3)
    second = populate_card("churn-model", sources, sagemaker=sm, s3=s3)
    assert first.result == "created" and second.result == "unchanged" and second.version == first.version
    content = json.loads(sm.describe_model_card(ModelCardName="churn-model")["Content"])
    custom = content["additional_information"]["custom_details"]
    assert custom["mcgov.pipeline_execution_arn"].endswith("execution/1")
    assert content["evaluation_details"][0]["metadata"]["mcgov.source"] == where["evaluation"]


def test_human_edits_on_the_card_survive_a_rerun(card_session):
    where = seed_pipeline_outputs(card_session, bucket="pipeline-bucket")
    sources = CardSources(
        training_job_name=where["training_job_name"], evaluations=(where["evaluation"],), template=where["template"]
    )
    sm, s3 = card_session.client("sagemaker"), card_session.client("s3")
    populate_card("churn-model", sources, sagemaker=sm, s3=s3)
    content = json.loads(sm.describe_model_card(ModelCardName="churn-model")["Content"])
    content["intended_uses"]["risk_rating"] = "High"
    sm.update_model_card(ModelCardName="churn-model", Content=json.dumps(content))
    result = populate_card("churn-model", sources, sagemaker=sm, s3=s3)
    assert result.result == "unchanged"
    assert (
        json.loads(sm.describe_model_card(ModelCardName="churn-model")["Content"])["intended_uses"]["risk_rating"]
        == "High"
    )


def test_bad_report_writes_nothing(card_session, tmp_path):
    bad = tmp_path / "evaluation.json"
    bad.write_text(json.dumps({"regression_metrics": {"mse": {"value": "NaN"}}, "metric_groups": 3}))
    sm = card_session.client("sagemaker")
    with pytest.raises(BadInputError, match="evaluation.json: ") as err:
        populate_card("churn-model", CardSources(evaluations=(str(bad),)), sagemaker=sm)
    assert err.value.source == str(bad)
    assert sm.list_model_cards()["ModelCardSummaries"] == []


def test_populate_handler_returns_json_safe_output(emulator, card_session):
    where = seed_pipeline_outputs(card_session, bucket="pipeline-bucket")
    emulator.act_as("card")
    event = {
        "card_name": "churn-model",
        "training_job_name": where["training_job_name"],
        "evaluation_uris": [where["evaluation"]],
        "template_uri": where["template"],
    }
    out = populate_handler.handler(event)
    assert (
        out["result"] == "created"
        and out["card_version"] == 1
        and out["card_arn"].endswith(":111111111111:model-card/churn-model")
    )
    json.dumps(out)
    assert populate_handler.handler(event)["result"] == "unchanged"


def test_populate_handler_refuses_unknown_event_fields():
    from mcgov.steps.handlers.exceptions import HandlerFailure

    with pytest.raises(HandlerFailure, match="BadInputError: event: principals: "):
        populate_handler.handler({"card_name": "x", "principals": ["999999999999"]})


def test_new_pipeline_outputs_send_an_approved_card_back_to_review(card_session, tmp_path):
    where = seed_pipeline_outputs(card_session, bucket="pipeline-bucket")
    sm, s3 = card_session.client("sagemaker"), card_session.client("s3")
    sources = CardSources(training_job_name=where["training_job_name"], evaluations=(where["evaluation"],))
    populate_card("churn-model", sources, sagemaker=sm, s3=s3)
    sm.update_model_card(ModelCardName="churn-model", ModelCardStatus="Approved")
    assert (
        populate_card("churn-model", sources, sagemaker=sm, s3=s3).status == "Approved"
    )  # same outputs: approval kept
    report = tmp_path / "evaluation.json"
    report.write_text(json.dumps({"regression_metrics": {"mse": {"value": 1.5}}}))
    changed = populate_card(
        "churn-model",
        CardSources(training_job_name=where["training_job_name"], evaluations=(str(report),)),
        sagemaker=sm,
        s3=s3,
    )
    assert changed.result == "updated" and changed.status == "PendingReview"


def test_the_pipeline_cannot_approve_a_card():
    from mcgov.steps.handlers.exceptions import HandlerFailure

    with pytest.raises(HandlerFailure, match="status"):
        populate_handler.handler({"card_name": "churn-model", "status": "Approved"})


def test_kms_key_is_set_at_creation_and_a_different_key_is_refused(card_session):

    store = CardStore(card_session.client("sagemaker"))
    key = "arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555"
    store.publish("secret-card", _text(model_owner="a"), kms_key_id=key)
    assert store.describe("secret-card")["SecurityConfig"] == {"KmsKeyId": key}
    assert store.publish("secret-card", _text(model_owner="a"), kms_key_id=key).result == "unchanged"
    with pytest.raises(BadInputError, match="fixed at creation"):
        store.publish("secret-card", _text(model_owner="b"), kms_key_id=key.replace("1111", "9999"))
    assert store.describe("secret-card")["ModelCardVersion"] == 1
