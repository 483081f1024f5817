"""Console scripts: get-pipeline-definition (subprocess, offline) and run-pipeline's input checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT_DIR = Path(sys.executable).parent


def _offline_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONPATH=str(REPO),
    )
    return env


def _script(name: str) -> list[str]:
    path = SCRIPT_DIR / name
    if path.exists():
        return [str(path)]
    module = {
        "get-pipeline-definition": "mcgov.pipelines.get_pipeline_definition",
        "run-pipeline": "mcgov.pipelines.run_pipeline",
    }[name]
    return [sys.executable, "-m", module]


def test_get_pipeline_definition_prints_json_offline(tmp_path: Path) -> None:
    out_file = tmp_path / "definition.json"
    result = subprocess.run(
        [
            *_script("get-pipeline-definition"),
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
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=_offline_env(tmp_path),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    definition = json.loads(result.stdout)
    assert json.loads(out_file.read_text()) == definition
    names = [s["Name"] for s in definition["Steps"]]
    assert "GovernancePopulateCard" in names and "PreprocessChurnData" not in names
    gate = next(s for s in definition["Steps"] if s["Name"] == "GovernanceCheckGate")
    assert gate["Arguments"]["wait_seconds"] == 60
    assert gate["FunctionArn"] == "arn:aws:lambda:eu-central-1:000000000000:function:mcgov-check-gate", (
        "offline placeholder"
    )
    assert "s3://my-bucket/" in json.dumps(definition)


def test_get_pipeline_definition_rejects_unknown_module(tmp_path: Path) -> None:
    result = subprocess.run(
        [*_script("get-pipeline-definition"), "--module-name", "mcgov.pipelines.nope"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_offline_env(tmp_path),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "mcgov.pipelines.nope" in result.stderr and result.stdout == ""


def test_run_pipeline_needs_module_and_role(capsys: pytest.CaptureFixture[str]) -> None:
    from mcgov.pipelines.run_pipeline import main

    assert main(["--module-name", "mcgov.pipelines.churn.pipeline"]) == 2
    assert "--role-arn" in capsys.readouterr().err


def test_run_pipeline_refuses_placeholder_definitions() -> None:
    from mcgov.pipelines.exceptions import PlaceholderInDefinitionError
    from mcgov.pipelines.run_pipeline import check_no_placeholders

    with pytest.raises(PlaceholderInDefinitionError, match="lambda_arn_prefix"):
        check_no_placeholders('{"FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:mcgov-populate-card"}')
    check_no_placeholders('{"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:gov-populate-card"}')


def test_kwargs_and_tags_parsing() -> None:
    from mcgov.pipelines._utils import parse_kwargs, parse_tags
    from mcgov.pipelines.exceptions import InvalidKwargsError

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


def test_run_pipeline_local_rejects_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    from mcgov.pipelines.run_pipeline import main

    assert main(["--local", "sideways"]) == 2
    assert "allowed, blocked, pending" in capsys.readouterr().err
