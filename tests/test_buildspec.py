"""buildspec.yml (build stage) and buildspec-deploy.yml (prod gate) are valid CodeBuild specs."""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / name).read_text())


def _commands(spec: dict[str, Any], phase: str) -> list[str]:
    return [str(c) for c in spec["phases"][phase]["commands"]]


def test_build_spec_has_the_phases_and_steps() -> None:
    spec = _load("buildspec.yml")
    assert str(spec["version"]) == "0.2"
    assert {"install", "pre_build", "build"} <= set(spec["phases"])
    assert any("pip install -e '.[pipelines]'" in c for c in _commands(spec, "install"))
    assert "make test" in _commands(spec, "pre_build")
    build = "\n".join(_commands(spec, "build"))
    for needle in ("get-pipeline-definition --module-name mcgov.pipelines.churn.pipeline", "run-pipeline --module-name mcgov.pipelines.churn.pipeline",
                   "--role-arn", "workflow definition", "aws cloudformation deploy", "cloudformation/governance.yaml", "lambda_arn_prefix"):
        assert needle in build, needle
    assert "|| true" not in build


def test_deploy_spec_stops_on_a_blocked_prod_gate() -> None:
    spec = _load("buildspec-deploy.yml")
    assert str(spec["version"]) == "0.2"
    gate_phase = spec["phases"]["pre_build"]
    assert gate_phase["on-failure"] == "ABORT"
    [command] = [c for c in _commands(spec, "pre_build") if c.startswith("mcgov gate check")]
    argv = shlex.split(command)
    assert argv[argv.index("--stage") + 1] == "prod"
    assert "--card" in argv and "--policy" in argv
    assert "||" not in command and ";" not in command, "the exit code of the gate must reach CodeBuild"


@pytest.mark.parametrize("name", ["buildspec.yml", "buildspec-deploy.yml"])
def test_commands_are_strings(name: str) -> None:
    spec = _load(name)
    for phase in spec["phases"].values():
        assert all(isinstance(c, str) and c.strip() for c in phase["commands"])
