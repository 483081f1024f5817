"""An approval binds the version and content that were reviewed; anything else is reported with the fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.approval.check import approval_problem
from mcgov.steps.approval.service import approve_card
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.approval.tags import TAG_APPROVER, TAG_SHA256, TAG_SIGNATURE, TAG_VERSION, ApprovalRecord, tag_value
from mcgov.steps.card.store import CardStore
from mcgov.steps.common.jsonutil import content_sha256

EMULATOR_ROLE = "arn:aws:iam::111111111111:role/emulator-111111111111"  # the card_session's role
POLICY = parse_policy(
    {
        "version": 1,
        "card_account": "111111111111",
        "region": "us-east-1",
        "approvers": [EMULATOR_ROLE],
        "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "Approved"}},
    },
    source="p.yaml",
)
CONTENT = json.dumps({"model_overview": {"model_description": "churn"}})
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SHA = "a" * 64


def test_record_round_trips_through_tags_and_rejects_forgeries():
    record = ApprovalRecord(
        3, SHA, "arn:aws:sts::111111111111:assumed-role/Reviewer/jane,doe", "2026-11-30T12:00:00Z", "ok!"
    )
    tags = record.to_tags()
    assert tags[TAG_APPROVER] == "arn:aws:sts::111111111111:assumed-role/Reviewer/jane_doe"
    assert TAG_SIGNATURE not in tags  # an unsigned record is five tags
    assert ApprovalRecord.from_tags(tags).version == 3
    for forged in (
        {**tags, TAG_VERSION: "3\n"},
        {**tags, TAG_VERSION: "\u0663"},
        {**tags, TAG_SHA256: "x" * 64},
        {TAG_VERSION: "3"},
    ):
        assert ApprovalRecord.from_tags(forged) is None


def test_tag_values_only_hold_allowed_characters():
    assert tag_value("a,b;c<d>\n e" + "x" * 300) == ("a_b_c_d_ e" + "x" * 300)[:256]


@pytest.mark.parametrize(
    "status, version, sha, record, needle",
    [
        ("PendingReview", 2, SHA, None, "is PendingReview, not Approved"),
        ("Approved", 2, SHA, None, "no approval record"),
        ("Approved", 3, SHA, ApprovalRecord(2, SHA, "jane", "t"), "version 2 was approved, the card is at version 3"),
        ("Approved", 2, "b" * 64, ApprovalRecord(2, SHA, "jane", "t"), "content changed since the approval"),
    ],
)
def test_approval_problems_say_what_changed_and_the_fix(status, version, sha, record, needle):
    problem = approval_problem("churn", status, version, sha, record)
    assert needle in problem and "mcgov card approve churn" in problem


def test_a_matching_record_is_no_problem():
    assert approval_problem("churn", "Approved", 2, SHA, ApprovalRecord(2, SHA, "jane", "t")) is None


@pytest.fixture
def card(emulator, card_session):
    sm = card_session.client("sagemaker", region_name="us-east-1")
    arn = CardStore(sm).publish("churn", CONTENT, status="PendingReview").arn  # records version 1 as written here
    return sm, arn


def _state(sm, arn):
    card = sm.describe_model_card(ModelCardName=arn)
    return card["ModelCardStatus"], card["ModelCardVersion"], content_sha256(card["Content"])


def test_approve_sets_the_status_and_records_version_hash_approver(card, card_session):
    sm, arn = card
    result = approve_card(sm, card_session.client("sts"), POLICY, "churn", version=1, note="reviewed in PR 12", now=NOW)
    status, version, sha = _state(sm, arn)
    assert status == "Approved" and result.status_changed
    assert result.record == ApprovalRecord(
        version, sha, result.record.approver, "2026-11-30T12:00:00Z", "reviewed in PR 12"
    )
    assert ":111111111111:" in result.record.approver
    assert ApprovalStore(sm).read(arn) == result.record
    assert approval_problem("churn", status, version, sha, ApprovalStore(sm).read(arn)) is None


def test_content_changed_after_approval_is_a_problem(card, card_session):
    sm, arn = card
    approve_card(sm, card_session.client("sts"), POLICY, arn, version=1, now=NOW)
    sm.update_model_card(ModelCardName=arn, Content=json.dumps({"model_overview": {"model_description": "edited"}}))
    status, version, sha = _state(sm, arn)
    problem = approval_problem("churn", status, version, sha, ApprovalStore(sm).read(arn))
    assert problem is not None and "changed since" in problem


def test_an_approval_given_outside_mcgov_is_a_problem(card):
    sm, arn = card
    sm.update_model_card(ModelCardName=arn, ModelCardStatus="Approved")
    status, version, sha = _state(sm, arn)
    assert "no approval record" in approval_problem("churn", status, version, sha, ApprovalStore(sm).read(arn))


def test_an_archived_card_cannot_be_approved(card, card_session):
    sm, arn = card
    sm.update_model_card(ModelCardName=arn, ModelCardStatus="Archived")
    with pytest.raises(BadInputError, match="Archived"):
        approve_card(sm, card_session.client("sts"), POLICY, "churn", version=2, now=NOW)
    assert ApprovalStore(sm).read(arn) is None


def test_a_consumer_account_cannot_approve_and_nothing_is_written(card, emulator, staging_session):
    sm, arn = card
    share = (
        emulator.session("card")
        .client("ram", region_name="us-east-1")
        .create_resource_share(name="s", resourceArns=[arn], principals=["222222222222"])["resourceShare"][
            "resourceShareArn"
        ]
    )
    ram = emulator.session("card").client("ram", region_name="us-east-1")
    for kind in ("PRINCIPAL", "RESOURCE"):
        ram.get_resource_share_associations(associationType=kind, resourceShareArns=[share])
    consumer = staging_session.client("sagemaker", region_name="us-east-1")
    assert consumer.describe_model_card(ModelCardName=arn)["ModelCardStatus"] == "PendingReview"  # it is shared
    with pytest.raises(BadInputError, match="credentials of the card account 111111111111.*222222222222"):
        approve_card(consumer, staging_session.client("sts"), POLICY, arn, version=1, now=NOW)
    assert _state(sm, arn)[0] == "PendingReview" and ApprovalStore(sm).read(arn) is None


def test_the_written_versions_tag_keeps_ranges_and_drops_the_oldest_when_full():
    from mcgov.steps.card.written import VALUE_MAX, format_written, parse_written

    assert format_written({1, 2, 3, 5, 8, 9}) == "1-3 5 8-9"
    assert parse_written("1-3 5 8-9") == {1, 2, 3, 5, 8, 9}
    assert parse_written("3-1 x 0 \u0661 7-99999999 4") == {4}  # malformed parts attribute nothing
    many = format_written(set(range(1, 400, 2)))
    assert len(many) <= VALUE_MAX and "399" in many and not many.startswith("1 ")


def test_a_publish_records_only_its_own_content_writes(card):
    sm, arn = card
    store = CardStore(sm)
    assert store.written_versions(arn) == {1}
    store.publish("churn", CONTENT, status="Draft")  # a status change only: nothing recorded
    sm.update_model_card(ModelCardName=arn, Content=json.dumps({"model_overview": {"model_description": "x"}}))
    store.publish("churn", json.dumps({"model_overview": {"model_description": "y"}}))
    assert store.written_versions(arn) == {1, 4}
