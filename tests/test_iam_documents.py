"""``mcgov policy render-iam --kms-key-arn``: the consumer IAM policy and key-policy statement AWS documents.

Source: "Set up cross-account support for Amazon SageMaker Model Cards"
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-cards-xaccount.html).
"""

from __future__ import annotations

import json

import pytest

import mcgov.steps.cli.main as main
from mcgov.errors import BadInputError
from mcgov.identifiers import KMS_KEY_ARN
from mcgov.share_policies.iam import CARD_ARN_CONTEXT_KEY, consumer_iam_policy, kms_key_policy_statement
from mcgov.steps.policy import load_policy
from tests.conftest import REPO

EXAMPLE = str(REPO / "share_policies" / "example.yaml")
CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, aws_env: None):
    monkeypatch.setattr(main, "COMMAND_MODULES", ("policy",))
    return main.main


def render(cli, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    assert cli(["policy", "render-iam", "--policy", EXAMPLE, "--card", "churn-model", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_with_a_key_both_documents_follow_the_aws_cross_account_page(cli, capsys: pytest.CaptureFixture[str]) -> None:
    out = render(cli, capsys, "--kms-key-arn", KEY)
    assert out["kms_key_arn"] == KEY and list(out["stages"]) == ["staging", "prod"]
    for stage, accounts in (("staging", ["222222222222"]), ("prod", ["333333333333"])):
        documents = out["stages"][stage]
        kms = [
            s for s in documents["consumer_iam_policy"]["Statement"] if any(a.startswith("kms:") for a in s["Action"])
        ]
        assert kms == [
            {
                "Sid": "UseModelCardKey",
                "Effect": "Allow",
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": [KEY],
            }
        ]
        key_policy = documents["kms_key_policy_statement"]
        assert key_policy["Principal"] == {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]}
        assert key_policy["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"] and key_policy["Resource"] == KEY
        assert key_policy["Condition"] == {
            "StringEquals": {
                "kms:ViaService": ["sagemaker.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"],
                "kms:EncryptionContext:aws:sagemaker:model-card-arn": CARD,
            }
        }


def test_without_a_key_the_consumer_policy_has_no_kms_statement(cli, capsys: pytest.CaptureFixture[str]) -> None:
    out = render(cli, capsys, "--stage", "staging")
    statements = out["stages"]["staging"]["consumer_iam_policy"]["Statement"]
    assert statements and not any(a.startswith("kms:") for s in statements for a in s["Action"])
    key_policy = out["stages"]["staging"]["kms_key_policy_statement"]
    assert key_policy["Resource"] == "*"  # in a key policy: this key
    assert key_policy["Condition"]["StringEquals"][CARD_ARN_CONTEXT_KEY] == CARD


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:kms:us-east-1:111111111111:alias/cards",  # an alias is not a key ARN
        "1234abcd-12ab-34cd-56ef-1234567890ab",  # a bare key id names no account
        KEY + "\n",
        KEY + "*",
        KEY.upper(),
        KEY.replace("111111111111", "1111"),
        KEY.replace("us-east-1", "eu-west-1"),  # another region than the policy's
        KEY.replace("arn:aws:", "arn:aws-cn:"),  # another partition than the region's
        "arn:aws:kms:us-east-1:111111111111:key/١٢٣٤abcd-12ab-34cd-56ef-1234567890ab",
    ],
)
def test_a_bad_key_arn_exits_2_with_one_line_naming_the_flag(
    cli, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert cli(["policy", "render-iam", "--policy", EXAMPLE, "--card", "churn-model", "--kms-key-arn", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("mcgov: error: --kms-key-arn: ") and captured.err.count("\n") == 1


def test_the_key_arn_pattern_is_whole_and_ascii() -> None:
    assert KMS_KEY_ARN.fullmatch(KEY)
    assert KMS_KEY_ARN.fullmatch(KEY.replace("1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-" + "a1" * 16))
    assert KMS_KEY_ARN.fullmatch(KEY.replace("arn:aws:", "arn:aws-us-gov:").replace("us-east-1", "us-gov-west-1"))
    for bad in (KEY + "\n", " " + KEY, KEY.replace("key/", "alias/"), KEY.replace("-12ab-", "-12ab")):
        assert not KMS_KEY_ARN.fullmatch(bad), bad


def test_the_library_functions_check_their_inputs() -> None:

    policy = load_policy(EXAMPLE)
    with pytest.raises(BadInputError, match="^--kms-key-arn: "):
        consumer_iam_policy(policy, CARD, policy.stage("prod"), "arn:aws:kms:us-east-1:111111111111:alias/x")
    with pytest.raises(BadInputError, match="^--card: .*not in the policy's card account 111111111111"):
        kms_key_policy_statement(
            policy, policy.stage("prod"), "arn:aws:sagemaker:us-east-1:999999999999:model-card/x", KEY
        )
