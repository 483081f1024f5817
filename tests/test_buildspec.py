"""buildspec.yml (build stage) and buildspec-deploy.yml (prod gate) are valid CodeBuild specs: every failing line
fails the build, the tests are published as a JUnit report, and the Lambda package is built by ``make package``
for the runtime of ``lambda-runtime.txt``."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SPECS = ["buildspec.yml", "buildspec-deploy.yml"]
MAKE_VARIABLES = ("PYTEST_ARGS", "PYTEST_WORKERS")


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / name).read_text())


def _commands(spec: dict[str, Any], phase: str) -> list[str]:
    return [str(c) for c in spec["phases"][phase]["commands"]]


def test_build_spec_has_the_phases_and_steps() -> None:
    spec = _load("buildspec.yml")
    assert str(spec["version"]) == "0.2"
    assert {"install", "pre_build", "build"} <= set(spec["phases"])
    assert any("pip install -e '.[pipelines]'" in c for c in _commands(spec, "install"))
    assert any(shlex.split(c)[:2] == ["make", "test"] for c in _commands(spec, "pre_build"))
    assert "mkdir -p out && mcgov stack template > out/governance.yaml" in _commands(spec, "pre_build")
    build = "\n".join(_commands(spec, "build"))
    for needle in (
        "mcgov pipeline definition --module-name mcgov.pipelines.churn.pipeline",
        "mcgov pipeline run --module-name mcgov.pipelines.churn.pipeline",
        "--role-arn",
        "workflow definition",
        "aws cloudformation deploy",
        "--template-file out/governance.yaml",
        "lambda_arn_prefix",
    ):
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


@pytest.mark.parametrize("name", SPECS)
def test_commands_are_strings(name: str) -> None:
    spec = _load(name)
    for phase in spec["phases"].values():
        assert all(isinstance(c, str) and c.strip() for c in phase["commands"])


def test_tests_are_published_as_a_junit_report() -> None:
    spec = _load("buildspec.yml")
    [make_test] = [shlex.split(c) for c in _commands(spec, "pre_build") if shlex.split(c)[:2] == ["make", "test"]]
    [junit] = [a.split("=", 2)[2] for a in make_test if a.startswith("PYTEST_ARGS=--junitxml=")]
    [report] = spec["reports"].values()
    assert report["file-format"] == "JUNITXML"
    base = Path(report.get("base-directory", "."))
    assert any(Path(junit) == base / pattern for pattern in report["files"]), (junit, report)


def _make_test_args(*overrides: str) -> list[str]:
    """The arguments `make -n test` gives pytest, free of the make variables of a `make test` running this test."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", *MAKE_VARIABLES)}
    dry_run = subprocess.run(
        ["make", "-n", "test", *overrides], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    [pytest_line] = [line for line in dry_run.stdout.splitlines() if " -m pytest " in line]
    return pytest_line.split(" -m pytest ")[1].split()


def test_make_test_passes_pytest_args_through() -> None:
    assert _make_test_args("PYTEST_ARGS=--junitxml=out/junit.xml")[-1] == "--junitxml=out/junit.xml"
    assert _make_test_args() == ["-q", "-n", "2", "--dist", "loadfile"]
    assert _make_test_args("PYTEST_WORKERS=0") == ["-q", "-n", "0", "--dist", "loadfile"]


@pytest.mark.parametrize("name", SPECS)
def test_multi_line_commands_fail_on_any_line(name: str) -> None:
    spec = _load(name)
    assert spec["env"]["shell"] == "bash", "pipefail needs bash; the default /bin/sh may be dash"
    multi_line = [c for phase in spec["phases"].values() for c in phase["commands"] if "\n" in c.strip()]
    for command in multi_line:
        assert command.strip().splitlines()[0] == "set -euo pipefail", command


def test_exported_variables_are_exported() -> None:
    spec = _load("buildspec.yml")
    script = "\n".join(c for phase in spec["phases"].values() for c in phase["commands"])
    for name in spec["env"]["exported-variables"]:
        exported = [
            line for line in script.splitlines() if line.strip().startswith("export ") and name in line.split()[1:]
        ]
        assert exported, f"{name} is listed in exported-variables but never exported"


def test_deploys_use_make_package_and_the_runtime_file() -> None:
    spec = _load("buildspec.yml")
    build = _commands(spec, "build")
    assert "make package" in build
    [upload] = [c for c in build if c.startswith("aws s3 cp ")]
    assert shlex.split(upload)[3] == "dist/mcgov-lambda.zip"
    [deploy] = [c for c in build if "aws cloudformation deploy" in c]
    assert 'LAMBDA_RUNTIME="$(cat lambda-runtime.txt)"' in deploy and 'PythonRuntime="${LAMBDA_RUNTIME}"' in deploy
    assert "pip install --target" not in "\n".join(build), "the package is built by make package only"


@pytest.mark.parametrize("name", SPECS)
def test_build_python_is_the_lambda_runtime(name: str) -> None:
    runtime = (REPO / "lambda-runtime.txt").read_text().strip()
    version = _load(name)["phases"]["install"]["runtime-versions"]["python"]
    assert isinstance(version, str), "quote the version: YAML reads 3.10 as the number 3.1"
    assert f"python{version}" == runtime
