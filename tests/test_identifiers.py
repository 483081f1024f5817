"""Identifiers are checked whole, in ASCII: no trailing newline, no non-ASCII digits, no over-long names."""

from __future__ import annotations

import re

import pytest

from mcgov import identifiers as ids
from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.card.identifiers import card_name_from, validate_card_name
from tests.conftest import REPO

ARABIC_DIGITS = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"
FULLWIDTH = "\uff11" * 12


@pytest.mark.parametrize(
    "value",
    [
        "111111111111\n",
        "111111111111 ",
        " 111111111111",
        ARABIC_DIGITS,
        FULLWIDTH,
        "11111111111",
        "1111111111111",
        111111111111,
        None,
        "",
        "*",
    ],
)
def test_bad_accounts(value):
    assert not ids.is_account(value)


@pytest.mark.parametrize(
    "name", ["abc\n", "abc ", "-abc", "abc-", "a_b", "a" * 64, "a" + "-" * 100 + "b", "\u0430bc", "abc\x00"]
)
def test_bad_card_names(name):
    assert not ids.is_card_name(name)
    with pytest.raises(BadInputError, match="not a model card name"):
        validate_card_name(name)


@pytest.mark.parametrize("name", ["a", "churn-model", "a--b", "A" * 63, "a" + "-" * 30 + "b"])
def test_good_card_names(name):
    assert validate_card_name(name) == name


def test_card_arns_are_checked_whole():
    good = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn"
    assert ids.parse_card_arn(good)["name"] == "churn"
    for bad in (good + "\n", good.replace("111111111111", ARABIC_DIGITS), good + "/x", "x" + good):
        assert ids.parse_card_arn(bad) is None
        assert card_name_from(bad) == bad


POLICY = {
    "version": 1,
    "card_account": "111111111111",
    "region": "us-east-1",
    "stages": {"staging": {"accounts": ["222222222222"], "required_card_status": "PendingReview"}},
}


@pytest.mark.parametrize(
    "path, value, field",
    [
        (("card_account",), "111111111111\n", "card_account"),
        (("stages", "staging", "accounts"), ["111111111111\n"], "stages.staging.accounts[0]"),
        (("stages", "staging", "accounts"), ["222222222222", "222222222222\n"], "stages.staging.accounts[1]"),
        (("stages", "staging", "accounts"), [ARABIC_DIGITS], "stages.staging.accounts[0]"),
        (("region",), "us-east-1\n", "region"),
        (("permission_arn",), "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCards\n", "permission_arn"),
    ],
)
def test_policy_identifiers_are_checked_whole(path, value, field):
    data = {**POLICY, "stages": {"staging": dict(POLICY["stages"]["staging"])}}
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(BadInputError) as exc:
        parse_policy(data, source="p.yaml")
    assert str(exc.value).startswith(f"p.yaml: {field}: ")


def test_a_stage_name_with_a_newline_is_refused():
    data = {**POLICY, "stages": {"staging\n": POLICY["stages"]["staging"]}}
    with pytest.raises(BadInputError, match="stage name"):
        parse_policy(data, source="p.yaml")


def test_every_identifier_pattern_is_ascii():
    patterns = [v for v in vars(ids).values() if isinstance(v, re.Pattern)]
    assert len(patterns) >= 9
    assert all(p.flags & re.ASCII for p in patterns)


def test_product_code_checks_identifiers_with_fullmatch_only():
    """``re.match``/``.match(`` with ``^...$`` let a trailing newline through; the product uses ``fullmatch``."""
    call = re.compile(r"(\bre\.match\(|[A-Z_]+\.match\()")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("mcgov", "steps", "share_policies", "pipelines")
        for path in (REPO / folder).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if call.search(line)
    ]
    assert offenders == []
