"""The policy's approvers: strict patterns of the card account's principals, and who they match (STS caller ARNs)."""

from __future__ import annotations

from typing import Any

import pytest

from mcgov.errors import BadInputError
from mcgov.share_policies.approvers import find_approver, parse_approver
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.cli.main import main

KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def policy(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "card_account": "111111111111",
        "region": "us-east-1",
        "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
        "stages": {
            "staging": {"accounts": ["222222222222"], "required_card_status": "PendingReview"},
            "prod": {"accounts": ["333333333333"], "required_card_status": "Approved"},
        },
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "pattern, caller, matches",
    [
        (
            "arn:aws:iam::111111111111:role/CardReviewer",
            "arn:aws:sts::111111111111:assumed-role/CardReviewer/jane",
            True,
        ),
        (
            "arn:aws:iam::111111111111:role/ml/CardReviewer",
            "arn:aws:sts::111111111111:assumed-role/CardReviewer/j",
            True,
        ),
        (
            "arn:aws:iam::111111111111:role/CardReviewer",
            "arn:aws:sts::111111111111:assumed-role/CardReviewers/j",
            False,
        ),
        ("arn:aws:iam::111111111111:role/CardReviewer", "arn:aws:sts::222222222222:assumed-role/CardReviewer/j", False),
        ("arn:aws:iam::111111111111:role/CardReviewer", "arn:aws:iam::111111111111:role/CardReviewer", False),
        (
            "arn:aws:sts::111111111111:assumed-role/Board/alice-*",
            "arn:aws:sts::111111111111:assumed-role/Board/alice-1",
            True,
        ),
        (
            "arn:aws:sts::111111111111:assumed-role/Board/alice-*",
            "arn:aws:sts::111111111111:assumed-role/Board/bob",
            False,
        ),
        ("arn:aws:sts::111111111111:assumed-role/Board/*", "arn:aws:sts::111111111111:assumed-role/Board/bob", True),
        (
            "arn:aws:sts::111111111111:assumed-role/Board/alice",
            "arn:aws:sts::111111111111:assumed-role/Board/alice2",
            False,
        ),
        ("arn:aws:iam::111111111111:user/ops/jane", "arn:aws:iam::111111111111:user/ops/jane", True),
        ("arn:aws:iam::111111111111:user/ops/jane", "arn:aws:iam::111111111111:user/jane", False),
        ("arn:aws:iam::111111111111:role/CardReviewer", "arn:aws:sts::111111111111:assumed-role/CardReviewer/*", False),
        (
            "arn:aws:iam::111111111111:role/CardReviewer",
            "arn:aws:sts::111111111111:assumed-role/CardReviewer/j\n",
            False,
        ),
    ],
)
def test_who_an_approver_pattern_matches(pattern: str, caller: str, matches: bool) -> None:
    assert (find_approver([parse_approver(pattern)], caller) is not None) is matches


@pytest.mark.parametrize(
    "entry, words",
    [
        ("*", "wildcard"),
        ("arn:aws:iam::111111111111:role/*", "not an approver ARN"),
        ("arn:aws:sts::111111111111:assumed-role/*/jane", "wildcard"),
        ("arn:aws:sts::111111111111:assumed-role/Board/a*b", "wildcard"),
        ("arn:aws:sts::111111111111:assumed-role/Board/a**", "wildcard"),
        ("arn:aws:iam::111111111111:root", "not an approver ARN"),
        ("arn:aws:iam::111111111111:role/Card,Reviewer", "not an approver ARN"),
        ("arn:aws:iam::111111111111:group/reviewers", "not an approver ARN"),
        ("arn:aws:sts::111111111111:assumed-role/Board/", "not an approver ARN"),
        ("arn:aws:iam::111111111111:role/CardReviewer\n", "not an approver ARN"),
        ("arn:aws:iam::１１１111111111:role/CardReviewer", "not an approver ARN"),
        ("111111111111", "not an approver ARN"),
        ("arn:aws:iam::111111111111:role/" + "r" * 300, "at most 256"),
    ],
)
def test_approver_entries_are_strict(entry: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_approver(entry)
    with pytest.raises(BadInputError) as info:
        parse_policy(policy(approvers=[entry]), source="p.yaml")
    message = str(info.value)
    assert message.startswith("p.yaml: approvers[0]: ") and (len(entry) < 4 or entry.strip() not in message)


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"approvers": []}, "approvers", "stage prod requires an Approved card"),
        ({"approvers": ["arn:aws:iam::222222222222:role/CardReviewer"]}, "approvers[0]", "card account 111111111111"),
        ({"approvers": ["arn:aws-cn:iam::111111111111:role/CardReviewer"]}, "approvers[0]", "partition aws"),
        (
            {"approvers": ["arn:aws:iam::111111111111:role/A", "arn:aws:iam::111111111111:role/A"]},
            "approvers",
            "listed twice",
        ),
        ({"approval_signing_key_arn": KEY.replace("key/", "alias/")}, "approval_signing_key_arn", "not a KMS key ARN"),
        (
            {"approval_signing_key_arn": KEY.replace("us-east-1", "eu-west-1")},
            "approval_signing_key_arn",
            "card account 111111111111 and region us-east-1",
        ),
    ],
)
def test_policy_validation_of_approvers_and_the_signing_key(changes: dict, field: str, words: str) -> None:
    with pytest.raises(BadInputError, match=words) as info:
        parse_policy(policy(**changes), source="p.yaml")
    assert str(info.value).startswith(f"p.yaml: {field}")


def test_signed_approvals_need_approvers_and_a_pending_review_policy_needs_none() -> None:
    no_prod = policy(approvers=[], stages={"staging": {"accounts": ["222222222222"], "required_card_status": "Draft"}})
    assert parse_policy(no_prod).approvers == []
    with pytest.raises(BadInputError, match="signed approvals need approvers"):
        parse_policy({**no_prod, "approval_signing_key_arn": KEY})
    assert parse_policy(policy(approval_signing_key_arn=KEY)).approval_signing_key_arn == KEY


@pytest.mark.parametrize("value", ["yes", "on", "No", "true", "bad name!", "-x", "a" * 64])
def test_model_package_group_is_true_false_or_a_group_name(value: str) -> None:
    data = policy()
    data["stages"]["prod"]["model_package_group"] = value
    with pytest.raises(BadInputError, match="model_package_group"):
        parse_policy(data)


def test_policy_validate_refuses_an_approved_stage_without_approvers(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        'version: 1\ncard_account: "111111111111"\nregion: us-east-1\n'
        'stages:\n  prod: {accounts: ["333333333333"], required_card_status: Approved}\n'
    )
    assert main(["policy", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "approvers: stage prod requires an Approved card" in err
