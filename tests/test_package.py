"""``make package`` and ``mcgov stack package`` (``mcgov.steps.stack.lambda_package``): the Lambda zip is built for
the runtime it deploys to, imports every handler there, and is deterministic. The runtime is named once, in
``lambda-runtime.txt``, and the template's ``PythonRuntime`` default equals it."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from mcgov.errors import GovernanceError
from mcgov.steps.stack import lambda_package as pkg

REPO = Path(__file__).resolve().parents[1]
RUNTIME = (REPO / "lambda-runtime.txt").read_text().strip()
VERSION = pkg.python_version(RUNTIME)
RUNTIME_PYTHON = pkg.runtime_python(VERSION)
NEEDS_RUNTIME_PYTHON = pytest.mark.skipif(
    RUNTIME_PYTHON is None,
    reason=f"no Python {VERSION} interpreter here (set MCGOV_LAMBDA_PYTHON or install it with pyenv)",
)
FORBIDDEN_IMPORTS = ("mcgov.pipelines", "mcgov.emulator", "mcgov.demo", "sagemaker", "stepfunctions", "moto")


@pytest.fixture(scope="session")
def artefact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pkg.build(tmp_path_factory.mktemp("dist"), log=lambda line: None)


@pytest.fixture(scope="session")
def unpacked(artefact: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pkg.unpack(artefact, tmp_path_factory.mktemp("task"))


def _names(artefact: Path) -> list[str]:
    with zipfile.ZipFile(artefact) as archive:
        return archive.namelist()


def test_the_runtime_is_named_once() -> None:
    from cfnlint.decode import decode

    from mcgov.pipelines.cfn_sync import GOVERNANCE_TEMPLATE, render_governance

    template, errors = decode(str(GOVERNANCE_TEMPLATE))
    assert not errors, errors
    parameter = template["Parameters"]["PythonRuntime"]
    assert parameter["Default"] == RUNTIME and RUNTIME in parameter["AllowedValues"]
    stale = GOVERNANCE_TEMPLATE.read_text().replace(f"Default: {RUNTIME}", "Default: python3.9")
    assert render_governance(stale) == render_governance(GOVERNANCE_TEMPLATE.read_text())
    assert f"Default: {RUNTIME}\n" in render_governance(stale)
    assert pkg.default_runtime() == RUNTIME, "mcgov stack package builds for the template's runtime"
    dry_run = subprocess.run(["make", "-n", "package"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    [command] = [line for line in dry_run.splitlines() if "-m mcgov.steps.stack.lambda_package" in line]
    assert command.split()[command.split().index("--runtime") + 1] == RUNTIME


def test_compiled_modules_match_the_runtime(artefact: Path) -> None:
    names = _names(artefact)
    extensions = [n for n in names if n.endswith(".so")]
    assert "pydantic_core/_pydantic_core." + pkg.abi_tag(RUNTIME) + ".so" in extensions
    assert extensions and all(n.rsplit("/", 1)[-1].split(".")[-2] == pkg.abi_tag(RUNTIME) for n in extensions), (
        extensions
    )
    tag = f".cpython-{VERSION.replace('.', '')}.pyc"
    assert all(n.endswith(tag) for n in names if n.endswith(".pyc")), "bytecode for another Python"


@NEEDS_RUNTIME_PYTHON
def test_every_module_is_byte_compiled_for_the_runtime(artefact: Path) -> None:
    magic = subprocess.run(
        [
            str(RUNTIME_PYTHON),
            "-I",
            "-c",
            "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tag = f"cpython-{VERSION.replace('.', '')}"
    with zipfile.ZipFile(artefact) as archive:
        names = set(archive.namelist())
        sources = [n for n in names if n.endswith(".py")]
        for source in sources:
            folder, _, module = source.rpartition("/")
            cached = f"{folder}/__pycache__/{module[:-3]}.{tag}.pyc".lstrip("/")
            assert cached in names, source
            assert archive.read(cached)[:4].hex() == magic, cached
    assert len(sources) > 100


def test_the_package_holds_the_runtime_code_and_its_dependencies_only(artefact: Path, unpacked: Path) -> None:
    names = set(_names(artefact))
    for required in (
        "mcgov/__init__.py",
        "mcgov/errors.py",
        "mcgov/steps/VERSION",
        "mcgov/steps/assess/content_tree.json",  # the gate's path table: assessing loads no content model
        "mcgov/steps/assess/frameworks/eu-ai-act-annex-iv.json",
        "mcgov/share_policies/__init__.py",
        *(f"{h.replace('.', '/')}.py" for h in pkg.HANDLERS),
    ):
        assert required in names, required
    assert any(n.startswith("mcgov/share_policies/") and n.endswith(".yaml") for n in names)
    top = {n.split("/")[0].removesuffix(".py") for n in names if ".dist-info/" not in n}
    assert {
        "mcgov",
        "pydantic",
        "pydantic_core",
        "yaml",
        "typing_extensions",
        "annotated_types",
        "typing_inspection",
        "aws_lambda_powertools",
        "aws_xray_sdk",  # Tracer, when the stack's Tracing parameter turns it on
        *("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3"),  # the bundled SDK
    } <= top
    assert not top & {"bin", "tools", "steps"}, top
    pins = dict(p.split("==") for p in pkg.bundled_sdk())
    for name, version in pins.items():
        assert f"{name}-{version}.dist-info/METADATA" in names, f"{name} {version} (lambda-sdk.txt) is not bundled"
    subpackages = {n.split("/")[1] for n in names if n.startswith("mcgov/") and n.count("/") > 1}
    assert not subpackages & set(pkg.EXCLUDED_SUBPACKAGES), subpackages
    size = pkg.artefact_size(artefact)
    assert size.files == len(names) and size.zipped_bytes == artefact.stat().st_size
    assert size.unpacked_bytes == sum(p.stat().st_size for p in unpacked.rglob("*") if p.is_file())


def _imported_modules(path: Path) -> list[str]:
    """Every module an ``import`` anywhere in ``path`` names (function-level imports too)."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return modules


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def test_no_module_a_handler_can_reach_imports_what_is_left_out(unpacked: Path) -> None:
    reached, queue, offending = set(), list(pkg.HANDLERS), []
    while queue:
        name = queue.pop()
        parts = name.split(".")
        for module in (".".join(parts[:i]) for i in range(1, len(parts) + 1)):
            path = _module_file(unpacked, module) if module.startswith("mcgov") else None
            if module in reached or path is None:
                continue
            reached.add(module)
            for imported in _imported_modules(path):
                if any(imported == f or imported.startswith(f + ".") for f in FORBIDDEN_IMPORTS):
                    offending.append(f"{module}: {imported}")
                queue.append(imported)
    assert set(pkg.HANDLERS) <= reached and "mcgov.share_policies" in reached
    assert offending == []


@NEEDS_RUNTIME_PYTHON
def test_every_handler_imports_in_the_runtime_with_only_the_package(unpacked: Path) -> None:
    """Nothing from the runtime's own boto3: the package's SDK (lambda-sdk.txt) knows every shape the product sends,
    ModelLifeCycle included (absent from botocore 1.35.36, which a Lambda runtime may still provide)."""
    probe = f"""
import importlib, json, sys
sys.path[:0] = [{str(unpacked)!r}]
handlers = {list(pkg.HANDLERS)!r}
callables = [callable(importlib.import_module(name).handler) for name in handlers]
import pydantic_core._pydantic_core as core, yaml, boto3, botocore, botocore.session
model = botocore.session.get_session().get_service_model("sagemaker")
print(json.dumps({{"version": "%d.%d" % sys.version_info[:2], "callables": callables, "core": core.__file__,
                  "cyaml": yaml.__with_libyaml__, "left_out": sorted(m for m in sys.modules if m.split(".")[:2] in
                  (["mcgov", "pipelines"], ["mcgov", "emulator"], ["mcgov", "demo"])),
                  "sdk": {{"boto3": [boto3.__version__, boto3.__file__], "botocore": [botocore.__version__,
                  botocore.__file__]}}, "lifecycle": "ModelLifeCycle" in model.shape_names}}))
"""
    done = subprocess.run(
        [str(RUNTIME_PYTHON), "-I", "-S", "-c", probe],
        capture_output=True,
        text=True,
        env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["version"] == VERSION
    assert found["callables"] == [True] * len(pkg.HANDLERS)
    assert Path(found["core"]).is_relative_to(unpacked) and found["cyaml"] is True
    assert found["left_out"] == []
    pins = dict(p.split("==") for p in pkg.bundled_sdk())
    for name, (version, path) in found["sdk"].items():
        assert version == pins[name] and Path(path).is_relative_to(unpacked), (name, version, path)
    assert found["lifecycle"] is True


def test_the_tests_run_on_the_sdk_the_package_bundles() -> None:
    """AWS advises shipping the SDK you tested: the dev extra pins what lambda-sdk.txt bundles."""
    import boto3
    import botocore

    assert pkg.bundled_sdk() == [f"boto3=={boto3.__version__}", f"botocore=={botocore.__version__}"]


def test_the_sdk_file_must_pin_exact_versions(tmp_path: Path) -> None:
    for text in ("boto3>=1.35\nbotocore==1.35.99\n", "boto3==1.35.99\n", "boto3==1.35.99\nbotocore==x\n"):
        (tmp_path / "sdk.txt").write_text(text)
        with pytest.raises(GovernanceError, match="exact pins"):
            pkg.bundled_sdk(tmp_path / "sdk.txt")


@NEEDS_RUNTIME_PYTHON
def test_compiling_and_zipping_give_the_same_bytes(unpacked: Path, tmp_path: Path) -> None:
    artefacts = []
    for copy in ("one", "two"):
        stage = shutil.copytree(unpacked, tmp_path / copy / "stage", ignore=shutil.ignore_patterns("__pycache__"))
        pkg.byte_compile(stage, RUNTIME_PYTHON)
        pkg.write_zip(stage, tmp_path / copy / pkg.ARTEFACT_NAME)
        artefacts.append((tmp_path / copy / pkg.ARTEFACT_NAME).read_bytes())
    assert artefacts[0] == artefacts[1]
    with zipfile.ZipFile(tmp_path / "one" / pkg.ARTEFACT_NAME) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {pkg.ZIP_DATE}


def test_a_bad_runtime_name_is_one_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mcgov.steps.cli.main import main

    for run in (pkg.main, lambda argv: main(["stack", "package", *argv])):
        assert run(["--runtime", "nodejs20.x", "--out", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--runtime" in err and "nodejs20.x" not in err, err
        assert list(tmp_path.iterdir()) == []


def test_runtime_requirements_pin_the_sdk_of_lambda_sdk_txt(tmp_path: Path) -> None:
    """The wheel asks boto3>=<floor>; the package pins the exact SDK instead (and nothing else changes)."""
    wheel = pkg.build_project_wheel(tmp_path)
    requirements = pkg.runtime_requirements(wheel)
    names = {r.split(">")[0].split("=")[0].split("<")[0].strip().lower() for r in requirements}
    assert names == {"pydantic", "pyyaml", "aws-lambda-powertools[tracer]", "boto3", "botocore"}, requirements
    assert [r for r in requirements if r.lower().startswith(("boto3", "botocore"))] == pkg.bundled_sdk()
