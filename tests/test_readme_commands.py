"""The README's commands run as written: every command of its shell blocks runs (``mcgov`` ones through the CLI on
the emulator, in the account and region their ARNs name, with the cards and files they refer to; ``mcgov stack
package``, which ``tests/test_package.py`` and ``tests/test_stack_deploy.py`` run, is parsed), the ``make`` targets
exist, the ``aws`` uploads and deploy fit what ``mcgov stack`` writes and name the template's parameters and every
required one, and every ``python -m`` module and ``mcgov`` command the text mentions exists."""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout

import pytest

from mcgov.emulator import Emulator, EmulatorConfig
from tests.conftest import REPO

README = REPO / "README.md"
SHELL_BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)
ARN_PLACE = re.compile(r"arn:aws:[a-z0-9-]+:(?P<region>[a-z]{2}-[a-z]+-\d):(?P<account>\d{12}):")
CARD_ACCOUNT, TOOLS_ACCOUNT = "111111111111", "111122223333"


def shell_commands() -> list[list[str]]:
    """Every command of the README's ``bash`` blocks, as its words: continuation lines joined, comments removed."""
    commands = []
    for block in SHELL_BLOCK.findall(README.read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


COMMANDS = shell_commands()


def _named(program: str) -> list[list[str]]:
    return [c for c in COMMANDS if c[0] == program]


def test_the_readme_has_the_commands_this_test_runs() -> None:
    programs = sorted({c[0] for c in COMMANDS})
    assert programs == ["aws", "make", "mcgov"], programs
    assert len(_named("mcgov")) >= 9


@pytest.mark.parametrize("command", _named("make"), ids=" ".join)
def test_make_targets_exist(command: list[str]) -> None:
    done = subprocess.run(["make", "-n", *command[1:]], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_deploy_commands_fit_the_template_and_the_package() -> None:
    from mcgov.emulator.stack import load_template
    from mcgov.steps.cli.main import build_parser
    from mcgov.steps.stack.lambda_package import ARTEFACT_NAME
    from mcgov.steps.stack.template import TEMPLATE

    [package] = [c for c in _named("mcgov") if c[1:3] == ["stack", "package"]]
    [template_command] = [c for c in _named("mcgov") if c[1:3] == ["stack", "template"]]
    uploads = {c[3]: c[4] for c in _named("aws") if c[1:3] == ["s3", "cp"]}
    [deploy] = [c for c in _named("aws") if c[1:3] == ["cloudformation", "deploy"]]
    assert template_command[-2] == ">" and deploy[deploy.index("--template-file") + 1] == template_command[-1]
    declared = load_template(TEMPLATE)["Parameters"]
    overrides = dict(w.split("=", 1) for w in deploy[deploy.index("--parameter-overrides") + 1 :])
    assert set(overrides) <= set(declared), set(overrides) - set(declared)
    assert {name for name, spec in declared.items() if "Default" not in spec} <= set(overrides)
    out_dir = build_parser().parse_args(package[1:]).out
    assert uploads.pop(f"{out_dir}/{ARTEFACT_NAME}") == f"s3://{overrides['CodeBucket']}/{overrides['CodeKey']}"
    assert list(uploads.values()) == [overrides["PolicyUri"]]
    assert "CAPABILITY_IAM" in deploy


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The cards, files and buckets the README's commands name."""
    config = EmulatorConfig(card_account=CARD_ACCOUNT, accounts={"tools": TOOLS_ACCOUNT})
    folder = tmp_path_factory.mktemp("readme")
    with Emulator(config, virtual_time=True) as emu:
        sagemaker = emu.session("card").client("sagemaker")
        contents = [
            {"model_overview": {"model_description": "churn v1"}},
            {"model_overview": {"model_description": "churn v2"}, "intended_uses": {"risk_rating": "Low"}},
        ]
        sagemaker.create_model_card(
            ModelCardName="churn-xgboost", Content=json.dumps(contents[0]), ModelCardStatus="Draft"
        )
        sagemaker.update_model_card(ModelCardName="churn-xgboost", Content=json.dumps(contents[1]))
        for name, content in (("card.json", contents[1]), ("v1.json", contents[0]), ("v2.json", contents[1])):
            (folder / name).write_text(json.dumps(content))
        for bucket in ("review-bucket", "staging-bucket"):
            emu.session("card").client("s3").create_bucket(Bucket=bucket)
        (folder / "share_policies").mkdir()  # the user's policy of the "Deploy" steps: the example's
        shutil.copyfile(REPO / "share_policies" / "example.yaml", folder / "share_policies" / "churn.yaml")
        emu.folder = folder  # type: ignore[attr-defined]
        yield emu


@pytest.mark.parametrize("command", [c for c in _named("mcgov") if c[1:3] != ["stack", "package"]], ids=" ".join)
def test_each_mcgov_command_runs_as_written(
    world: Emulator, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mcgov.steps.cli.main import main

    folder = world.folder  # type: ignore[attr-defined]
    monkeypatch.chdir(folder)
    place = ARN_PLACE.search(" ".join(command))
    account, region = (place["account"], place["region"]) if place else (CARD_ACCOUNT, world.config.region)
    if account == TOOLS_ACCOUNT:
        world.session(account).client("iam").create_role(RoleName="SageMakerPipelines", AssumeRolePolicyDocument="{}")
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    world.act_as(account)
    out, err = io.StringIO(), io.StringIO()
    redirected = command[-2:-1] == [">"]  # the shell's redirection of stdout to a file
    if redirected:
        written, command = folder / command[-1], command[:-2]
    else:
        written = folder / command[command.index("--out") + 1] if "--out" in command else None
    if written is not None and written.exists():
        written.unlink()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(command[1:])
    assert code == 0, err.getvalue()
    if redirected and written is not None:
        written.write_text(out.getvalue())
    assert out.getvalue().strip() or (written is not None and written.read_text().strip()), "nothing was printed"


def test_every_python_module_the_readme_names_exists() -> None:
    modules = set(re.findall(r"python -m ([\w.]+)", README.read_text()))
    assert "mcgov.emulator.server" in modules
    missing = sorted(m for m in modules if importlib.util.find_spec(m) is None)
    assert missing == []


def test_every_mcgov_command_the_readme_names_exists() -> None:
    """Every ``mcgov <group> <command>`` of the text and tables is a command of the CLI."""
    from mcgov.steps.cli.main import build_parser

    parser = build_parser()
    groups = next(a for a in parser._actions if a.dest == "group").choices  # noqa: SLF001 - argparse's own table
    named = set(re.findall(r"`mcgov ([a-z]+)(?: ([a-z-]+))?", README.read_text()))
    unknown = []
    for group, command in named:
        if group not in groups:
            unknown.append(group)
            continue
        sub = [a for a in groups[group]._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
        if command and sub and command not in sub[0].choices:
            unknown.append(f"{group} {command}")
    assert unknown == []
