"""Everything installs under one package, ``mcgov``, so a user's own ``pipelines``/``steps`` packages keep working."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.wheel_install import build_wheel, clean_env, install_in_venv

FOLDERS = ("steps", "pipelines", "share_policies", "emulator", "demo")
OUR_CODE = ("mcgov", *FOLDERS, "tests", "benchmarks")
DOTTED_BARE = re.compile(rf"^({'|'.join(FOLDERS)})(\.[a-z_]\w*)+(:\w+)?$")


def _sources() -> list[Path]:
    own = Path(__file__).resolve()  # its samples of bare imports are the point of the tests below
    return [p for folder in OUR_CODE for p in (REPO / folder).rglob("*.py") if p.resolve() != own] + [REPO / "setup.py"]


def _bare_imports(source: str) -> list[tuple[int, str]]:
    """(line, name) of every import, or dotted module string, that names one of our folders without ``mcgov.``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [part for part in re.split(r"[=\s]+", node.value) if DOTTED_BARE.match(part)]
        found += [(node.lineno, name) for name in names if name.split(".")[0] in FOLDERS]
    return found


def test_no_module_imports_a_bare_top_level_package():
    offenders = [
        f"{path.relative_to(REPO)}:{line}: {name}"
        for path in _sources()
        for line, name in _bare_imports(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "sample",
    [
        "import steps.card",
        "import demo",
        "from pipelines.governance import x",
        "m = 'emulator.core'",
        "e = 'mcgov=steps.cli.main:main'",
    ],
)
def test_the_check_sees_each_form_of_bare_import(sample):
    assert len(_bare_imports(sample)) == 1


def test_the_check_accepts_namespaced_imports():
    assert _bare_imports("import mcgov.steps.card\nfrom mcgov.pipelines import x\nm = 'mcgov.emulator.core'") == []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_exactly_one_top_level_package(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert tops == {"mcgov"}
    assert "mcgov/__init__.py" in names and "mcgov/errors.py" in names
    for folder in FOLDERS:
        assert f"mcgov/{folder}/__init__.py" in names
    assert "mcgov/steps/VERSION" in names and "mcgov/share_policies/example.yaml" in names
    assert "mcgov/steps/handlers/populate_card.py" in names
    assert {"mcgov/steps/workflow/governance.asl.json", "mcgov/steps/workflow/hub.asl.json"} <= set(names)


def test_the_wheel_names_the_namespaced_entry_points(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text = archive.read(entry_points).decode()
    assert "mcgov = mcgov.steps.cli.main:main" in text
    assert "mcgov_emulator = mcgov.emulator.pytest_plugin" in text
    scripts = text.split("[console_scripts]")[1].split("[")[0]
    assert [line.split(" = ")[0] for line in scripts.strip().splitlines()] == ["mcgov"], "no generic console script"


def test_a_seed_project_with_its_own_pipelines_and_steps_packages_imports_ours(tmp_path):
    for package in ("pipelines", "steps"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(f"OWNER = 'user-{package}'\n")
    (tmp_path / "pipelines" / "governance.py").write_text("USER_MODULE = True\n")
    code = textwrap.dedent("""
        import pipelines, steps, pipelines.governance
        from mcgov.pipelines.governance import governance_steps, GovernanceLambdas
        from mcgov.steps.handlers import populate_card
        import mcgov.pipelines, mcgov.steps
        assert pipelines.OWNER == 'user-pipelines' and steps.OWNER == 'user-steps'
        assert pipelines.governance.USER_MODULE is True
        assert callable(governance_steps) and callable(populate_card.handler)
        assert mcgov.pipelines is not pipelines and mcgov.steps is not steps
        print('ok')
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_seed_code_project_on_sdk_v3_renders_the_churn_definition_from_the_built_wheel(wheel, tmp_path):
    """The done-when of SDK v3 support: a fresh venv, a seed-code project with its own ``pipelines`` package (and its
    own ``pipelines.churn.pipeline``), ``sagemaker>=3`` and this project's wheel (built, not editable) render the
    churn example with ``mcgov pipeline definition``.

    The venv reuses this venv's dependencies (``tests.wheel_install``); mcgov comes from the wheel's files.
    """
    venv, project = install_in_venv(wheel, tmp_path / "venv"), tmp_path / "project"
    python, purelib = venv.python, venv.purelib
    (project / "pipelines" / "churn").mkdir(parents=True)
    (project / "pipelines" / "__init__.py").write_text("OWNER = 'user-pipelines'\n")
    (project / "pipelines" / "churn" / "__init__.py").write_text("")
    (project / "pipelines" / "churn" / "pipeline.py").write_text("def get_pipeline(**kwargs):\n    return 'user'\n")
    env = clean_env(tmp_path)
    env["PYTHONPATH"] = str(project)  # the seed code pip-installs its own package; on the path is the same here
    probe = (
        "import importlib.metadata as m, mcgov, pipelines, pipelines.churn.pipeline as user\n"
        "import mcgov.pipelines.churn.pipeline as ours\n"
        "assert pipelines.OWNER == 'user-pipelines' and user.get_pipeline() == 'user' and ours is not user\n"
        "print(mcgov.__file__, m.version('sagemaker'))"
    )
    found, version = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, env=env, cwd=project, check=True
    ).stdout.split()
    assert Path(found).is_relative_to(purelib), f"mcgov is imported from {found}, not from the wheel"
    assert int(version.split(".")[0]) >= 3, f"sagemaker {version}"
    result = subprocess.run(
        [str(venv.mcgov), "pipeline", "definition", "--module-name", "mcgov.pipelines.churn.pipeline"],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    definition = json.loads(result.stdout)
    names = [step["Name"] for step in definition["Steps"]]
    assert names[:3] == ["TrainChurnModel", "EvaluateChurnModel", "RegisterChurnModel-RegisterModel"], names
    gate = next(step for step in definition["Steps"] if step["Name"] == "GovernanceCheckGate")
    assert gate["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:mcgov-check-gate", "no region set"


def test_package_init_files_hold_a_docstring_only():
    """Imports name the defining module: a package ``__init__`` exports nothing, so importing a package is free."""
    offenders = []
    for folder in ("mcgov", "steps", "share_policies"):
        for init in sorted((REPO / folder).rglob("__init__.py")):
            body = ast.parse(init.read_text()).body
            if body[1:] or (body and not (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant))):
                offenders.append(str(init.relative_to(REPO)))
    assert offenders == []
