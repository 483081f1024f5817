"""``mcgov policy`` / ``share`` / ``gate`` CLI input errors: exit 2 with one line, before any AWS call."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

import mcgov.steps.cli.main as main
from mcgov.errors import BadInputError, GovernanceError
from tests.conftest import REPO

EXAMPLE = str(REPO / "share_policies" / "example.yaml")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, aws_env: None):
    monkeypatch.setattr(main, "COMMAND_MODULES", ("share", "gate", "policy"))

    def no_aws(*_: object, **__: object) -> None:
        raise AssertionError("no AWS session may be created for bad input")

    monkeypatch.setattr("mcgov.steps.cli.share.make_session", no_aws)
    monkeypatch.setattr("mcgov.steps.cli.gate.make_session", no_aws)
    return main.main


def policy_file(tmp_path: Path, accounts: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(
        f'version: 1\ncard_account: "111111111111"\nregion: us-east-1\n'
        "approvers: [arn:aws:iam::111111111111:role/CardReviewer]\nstages:\n  prod:\n"
        f"    accounts: {accounts}\n    required_card_status: Approved\n"
    )
    return str(path)


def test_validate_ok(cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["policy", "validate", EXAMPLE]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    "accounts", ['["111111111111"]', '["*"]', '["12345"]', '["arn:aws:organizations::111111111111:organization/o-abc"]']
)
@pytest.mark.parametrize("command", ["validate", "share-ensure", "gate-check"])
def test_forbidden_principals_exit_2_with_one_line(
    cli, tmp_path: Path, capsys: pytest.CaptureFixture[str], accounts: str, command: str
) -> None:
    path = policy_file(tmp_path, accounts)
    argv = {
        "validate": ["policy", "validate", path],
        "share-ensure": ["share", "ensure", "--card", "c", "--policy", path],
        "gate-check": ["gate", "check", "--card", "c", "--policy", path],
    }[command]
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mcgov: error: {path}: stages.prod.accounts[0]: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["share", "ensure", "--card", "c", "--policy", EXAMPLE, "--stage", "qa"], "stages.qa"),
        (["gate", "check", "--card", "c", "--policy", EXAMPLE, "--wait", "nan"], "--wait"),
        (["gate", "check", "--card", "c", "--policy", EXAMPLE, "--wait", "inf"], "--wait"),
        (["gate", "check", "--card", "c", "--policy", EXAMPLE, "--wait", "\u0661"], "--wait"),
        (["gate", "check", "--card", "c", "--policy", EXAMPLE, "--wait", "90000"], "--wait"),
        (["gate", "check", "--card", "c", "--policy", EXAMPLE, "--stage", "qa"], "stages.qa"),
        (
            [
                "gate",
                "check",
                "--card",
                "arn:aws:sagemaker:us-east-1:999999999999:model-card/c",
                "--policy",
                EXAMPLE,
                "--stage",
                "prod",
            ],
            "card account",
        ),
        (["share", "status", "--card", "bad name!", "--policy", EXAMPLE], "not a model card name"),
        (["policy", "render-iam", "--policy", EXAMPLE, "--card", "c", "--stage", "qa"], "stages.qa"),
        (["share", "delete", "--card", "c", "--policy", "/nonexistent.yaml"], "cannot read"),
    ],
)
def test_bad_input_exit_2(cli, capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_no_flag_adds_a_principal(cli, capsys: pytest.CaptureFixture[str]) -> None:
    """Security: a run-time account cannot be passed; argparse refuses unknown flags (exit 2)."""
    assert cli(["share", "ensure", "--card", "c", "--policy", EXAMPLE, "--principal", "444444444444"]) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --principal" in err and "444444444444" not in err and err.count("\n") == 1


def test_render_iam_prints_documents(cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["policy", "render-iam", "--policy", EXAMPLE, "--card", "churn-model", "--stage", "prod"]) == 0
    out = json.loads(capsys.readouterr().out)
    actions = out["stages"]["prod"]["consumer_iam_policy"]["Statement"][0]["Action"]
    assert "sagemaker:UpdateModelCard" not in actions and list(out["stages"]) == ["prod"]


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (
            BadInputError("stage 'qa' is not defined", source="p.yaml", field="stages.qa"),
            2,
            "mcgov: error: p.yaml: stages.qa: stage 'qa' is not defined",
        ),
        (GovernanceError("RAM refused the share; retry later"), 1, "mcgov: failed: RAM refused the share; retry later"),
        (
            ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetResourceShares"),
            3,
            "mcgov: failed: GetResourceShares failed: ThrottlingException: Rate exceeded; throttled: retry later, "
            "with backoff",
        ),
        (
            ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeModelCard"),
            3,
            "mcgov: failed: DescribeModelCard failed: AccessDeniedException: no; grant the caller's role "
            "permission for DescribeModelCard",
        ),
        (
            EndpointConnectionError(endpoint_url="https://ram.us-east-1.amazonaws.com"),
            3,
            "mcgov: failed: AWS call failed: EndpointConnectionError: ",
        ),
    ],
)
def test_errors_map_through_the_typed_hierarchy(
    cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: Exception, code: int, line: str
) -> None:
    def failing(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr("mcgov.steps.cli.policy.cmd_validate", failing)
    assert cli(["policy", "validate", EXAMPLE]) == code
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(line) and captured.err.count("\n") == 1
