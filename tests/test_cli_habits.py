"""AWS CLI habits: ``--version``; ``--region``/``--profile``/``--output`` before or after any subcommand; ``--output``
json|table|text on data commands; ``AWS_REGION`` and ``AWS_DEFAULT_REGION``; exit codes 0/1/2/3 through the one
mapping; the caller's account checked against the policy's ``card_account``."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from mcgov.errors import BadInputError, ExitCode, GovernanceError, exit_code
from mcgov.steps.cli.main import build_parser, main
from mcgov.steps.cli.output import render_table, render_text
from mcgov.steps.common.aws import make_session, unmapped_aws_error
from mcgov.steps.share.converge import ensure_readonly_permission
from mcgov.steps.version import __version__
from tests.conftest import REPO

POLICY = str(REPO / "share_policies" / "example.yaml")
GLOBAL = ("--profile", "--region", "--output")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every parser under ``parser`` (groups and commands), with its command path."""
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _parsers(child, (*path, name))
    return found


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--version")
    assert code == 0 and out.startswith(f"mcgov/{__version__} Python/")


def test_every_command_takes_the_global_options_without_overwriting_them() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) > 30
    for path, parser in parsers[1:]:
        options = {o: a for a in parser._actions for o in a.option_strings}
        assert all(options[o].default is argparse.SUPPRESS for o in GLOBAL), path
    parser = build_parser()
    before = parser.parse_args(["--region", "eu-west-1", "--profile", "p", "--output", "text", "card", "show", "c"])
    after = parser.parse_args(["card", "show", "c", "--region", "eu-west-1", "--profile", "p", "--output", "text"])
    middle = parser.parse_args(["card", "--region", "eu-west-1", "--profile", "p", "--output", "text", "show", "c"])
    for args in (before, after, middle):
        assert (args.region, args.profile, args.output, args.card) == ("eu-west-1", "p", "text", "c")
    assert parser.parse_args(["--region", "a-1", "card", "show", "c", "--region", "b-2"]).region == "b-2"
    assert parser.parse_args(["card", "show", "c"]).output is None  # the command's default form


def test_bad_output_form_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "policy", "validate", POLICY, "--output", "yaml")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--output" in err and "yaml" not in err


def test_publish_help_does_not_list_approved(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "card", "publish", "--help")[1].count("Approved") == 0
    code, _, err = _run(capsys, "card", "publish", "--name", "churn", "--status", "Approved")
    assert code == 2 and "mcgov card approve" in err and err.count("\n") == 1


def test_text_and_table_forms() -> None:
    data = {"allowed": False, "reasons": ["a\tb", "c\nd"], "stages": {"staging": {"n": 2, "x": None}}, "e": []}
    assert render_text(data) == (
        "allowed\tfalse\nreasons[0]\ta\\tb\nreasons[1]\tc\\nd\nstages.staging.n\t2\nstages.staging.x\tnull\ne\t[]\n"
    )
    table = render_table(data).splitlines()
    assert table[0] == table[-1] == "+-" + "-" * len("stages.staging.n") + "-+-" + "-" * len("false") + "-+"
    assert table[1] == "| allowed          | false |" and len({len(line) for line in table}) == 1


@pytest.mark.parametrize(
    ("env", "region", "expected"),
    [
        ({"AWS_REGION": "eu-west-1"}, None, "eu-west-1"),
        ({"AWS_DEFAULT_REGION": "eu-central-1"}, None, "eu-central-1"),
        ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-central-1"}, None, "eu-west-1"),
        ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-central-1"}, "ap-south-1", "ap-south-1"),
    ],
)
def test_aws_region_and_aws_default_region(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, env: dict[str, str], region: str | None, expected: str
) -> None:
    """The AWS CLI's order: --region, then AWS_REGION, then AWS_DEFAULT_REGION (botocore alone reads only the last)."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert make_session(region=region).region_name == expected


def test_one_exit_code_mapping() -> None:
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "GetResourceShares")
    assert exit_code() is ExitCode.OK and exit_code(failed=True) is ExitCode.FAILED
    assert exit_code(BadInputError("x")) is ExitCode.BAD_INPUT
    assert exit_code(GovernanceError("x")) is ExitCode.FAILED
    assert exit_code(unmapped_aws_error(throttled)) is ExitCode.AWS == 3


def test_missing_credentials_exit_3_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    code, out, err = _run(capsys, "card", "show", "churn")
    assert code == 3 and out == "" and err.count("\n") == 1
    assert err.startswith("mcgov: failed: ") and "NoCredentialsError" in err and "give credentials" in err


@pytest.fixture
def cli(emulator: Any, card_session: Any, capsys: pytest.CaptureFixture[str]) -> Any:
    emulator.act_as("card")
    ensure_readonly_permission(card_session.client("ram"))
    return lambda *argv: _run(capsys, *argv)


def test_the_callers_account_is_the_policys_card_account(cli: Any, emulator: Any, tmp_path: Any) -> None:
    content = tmp_path / "card.json"
    content.write_text(json.dumps({"model_overview": {"model_owner": "team"}}))
    publish = ("card", "publish", "--name", "churn-model", "--content", str(content), "--policy", POLICY)
    assert cli(*publish)[0] == 0
    emulator.act_as("staging")
    for argv in (
        publish,
        ("share", "ensure", "--card", "churn-model", "--policy", POLICY),
        ("share", "status", "--card", "churn-model", "--policy", POLICY),
        ("gate", "check", "--card", "churn-model", "--policy", POLICY, "--wait", "0"),
    ):
        code, out, err = cli(*argv)
        assert code == 3 and out == "" and err.count("\n") == 1, (argv, err)
        assert "card_account is 111111111111" in err and "of account 222222222222" in err, err
        assert "run with credentials of account 111111111111" in err


def test_data_commands_honour_output(cli: Any) -> None:
    cli("share", "ensure", "--card", "churn-model", "--policy", POLICY)
    code, out, _ = cli("gate", "check", "--card", "churn-model", "--policy", POLICY, "--output", "text", "--wait", "0")
    lines = dict(line.split("\t", 1) for line in out.splitlines())
    assert code == 1 and lines["allowed"] == "false" and lines["stages.staging.stage"] == "staging"
    code, out, _ = cli("--output", "table", "share", "status", "--card", "churn-model", "--policy", POLICY)
    assert code == 0 and out.startswith("+-") and "| card_arn" in out
    code, out, _ = cli("reconcile", "--policy", POLICY, "--dry-run", "--output", "json")
    assert code == 0 and "cards" in json.loads(out)
    code, out, _ = cli("reconcile", "--policy", POLICY, "--dry-run")
    assert code == 0 and not out.startswith("{"), "a report defaults to its table"
    code, out, _ = cli("policy", "render-iam", "--policy", POLICY, "--card", "churn-model", "--output", "text")
    assert code == 0 and all("\t" in line for line in out.splitlines())
