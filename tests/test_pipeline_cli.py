"""``mcgov pipeline definition`` (a subprocess, offline, as the README runs it) and ``mcgov pipeline run``'s checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def offline_env(tmp_path: Path) -> dict[str, str]:
    """No AWS settings at all (no region either): what a fresh CodeBuild or laptop shell may have."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def mcgov(*args: str) -> list[str]:
    return [sys.executable, "-m", "mcgov.steps.cli.main", *args]


def test_the_readme_command_prints_the_churn_definition_offline_and_writes_the_file(tmp_path: Path) -> None:
    out_file = tmp_path / "definition.json"
    result = subprocess.run(
        mcgov(
            "pipeline",
            "definition",
            "--module-name",
            "mcgov.pipelines.churn.pipeline",
            "--kwargs",
            '{"gate_wait_seconds": 60, "include_preprocessing": false}',
            "--region",
            "eu-central-1",
            "--default-bucket",
            "my-bucket",
            "--file-name",
            str(out_file),
        ),
        capture_output=True,
        text=True,
        timeout=300,
        env=offline_env(tmp_path),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    definition = json.loads(result.stdout)  # stdout holds the JSON only: the SDKs log to stderr
    assert json.loads(out_file.read_text()) == definition
    names = [s["Name"] for s in definition["Steps"]]
    assert "GovernancePopulateCard" in names and "PreprocessChurnData" not in names
    gate = next(s for s in definition["Steps"] if s["Name"] == "GovernanceCheckGate")
    assert gate["Arguments"]["wait_seconds"] == 60
    assert gate["FunctionArn"] == "arn:aws:lambda:eu-central-1:000000000000:function:mcgov-check-gate", (
        "offline placeholder"
    )
    assert "s3://my-bucket/" in json.dumps(definition)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--module-name", "mcgov.pipelines.nope"], "cannot import --module-name"),
        (["--module-name", "mcgov.pipelines.sdk"], "has no get_pipeline(...) function"),
        (["--module-name", "mcgov.pipelines.churn.pipeline", "--kwargs", "[1, 2]"], "--kwargs must be a JSON object"),
    ],
)
def test_definition_bad_input_is_one_line_and_exit_2(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from mcgov.steps.cli.main import main

    assert main(["pipeline", "definition", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("mcgov: error: ") and said in err and err.count("\n") == 1


def test_run_needs_module_and_role(capsys: pytest.CaptureFixture[str]) -> None:
    from mcgov.steps.cli.main import main

    assert main(["pipeline", "run", "--module-name", "mcgov.pipelines.churn.pipeline"]) == 2
    assert "--role-arn" in capsys.readouterr().err


def test_run_refuses_placeholder_definitions() -> None:
    from mcgov.pipelines.exceptions import PlaceholderInDefinitionError
    from mcgov.pipelines.upsert import check_no_placeholders

    with pytest.raises(PlaceholderInDefinitionError, match="lambda_arn_prefix"):
        check_no_placeholders('{"FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:mcgov-populate-card"}')
    check_no_placeholders('{"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:gov-populate-card"}')


def test_kwargs_and_tags_parsing() -> None:
    from mcgov.pipelines.exceptions import InvalidKwargsError
    from mcgov.pipelines.pipeline_module import parse_kwargs, parse_tags

    assert parse_kwargs('{"region": "eu-west-1", "include_preprocessing": true}') == {
        "region": "eu-west-1",
        "include_preprocessing": True,
    }
    assert parse_kwargs("{'region': 'eu-west-1'}") == {"region": "eu-west-1"}, "seed-code literal_eval form"
    assert parse_kwargs(None) == {}
    assert parse_tags('[{"Key": "sagemaker:project-name", "Value": "p"}]') == [
        {"Key": "sagemaker:project-name", "Value": "p"}
    ]
    with pytest.raises(InvalidKwargsError):
        parse_kwargs("[1, 2]")
    with pytest.raises(InvalidKwargsError):
        parse_kwargs("{not json")
    with pytest.raises(InvalidKwargsError):
        parse_tags('[{"Key": "k"}]')


def test_an_sdk_failure_while_upserting_is_reported_with_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import mcgov.pipelines.upsert as upsert
    from mcgov.steps.cli.main import main

    def failing(*args: object, **kwargs: object) -> None:
        raise ValueError("the SDK refused the step arguments")

    monkeypatch.setattr(upsert, "upsert_and_start", failing)
    code = main(
        [
            "pipeline",
            "run",
            "--module-name",
            "m",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--region",
            "eu-west-1",
        ]
    )
    err = capsys.readouterr().err
    assert (
        code == 1 and err == "mcgov: failed: the SageMaker SDK failed: ValueError: the SDK refused the step arguments\n"
    )


def test_the_console_scripts_are_gone_and_the_group_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.metadata

    from mcgov.steps.cli.main import main

    scripts = {e.name for e in importlib.metadata.entry_points(group="console_scripts") if e.value.startswith("mcgov.")}
    assert scripts == {"mcgov"}
    assert main(["pipeline", "--help"]) == 0
    assert "definition" in capsys.readouterr().out
