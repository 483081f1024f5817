"""Build the Lambda deployment package ``mcgov-lambda.zip`` for a Lambda Python runtime (``mcgov stack package``).

The package is built for Lambda, not for the machine running the build, from the installed ``mcgov``:

* the ``mcgov`` package as the wheel lays it out: from the installed distribution's files (a wheel install, no
  clone needed), or, in a source checkout (an editable install), from a wheel built from a copy of the sources;
  without ``mcgov.pipelines``, ``mcgov.emulator`` and ``mcgov.demo`` (never imported at run time);
* its runtime requirements (``Requires-Dist`` without extras, boto3 and botocore replaced by the exact versions of
  ``lambda-sdk.txt`` beside this module: the package ships the SDK the tests ran on, as AWS advises, instead of the
  runtime's, whose version AWS changes) are resolved for the runtime's CPython version on ``manylinux2014_x86_64``,
  binary wheels only. Downloaded wheels are cached (``--wheel-cache``; default
  ``$XDG_CACHE_HOME/mcgov/lambda-wheels``); ``--refresh`` resolves again;
* everything is byte-compiled by an interpreter of the runtime's version when one is found (``$MCGOV_LAMBDA_PYTHON``,
  ``python3.X`` on PATH, or pyenv's ``versions/3.X*``); otherwise the package ships ``.py`` only and says so;
* the zip is deterministic: sorted entries, fixed timestamps and permissions.

The runtime defaults to the stack template's ``PythonRuntime`` default (``mcgov.steps.stack.template``), so the
package fits the stack it deploys with. ``make package`` runs ``python -m mcgov.steps.stack.lambda_package``.
"""

from __future__ import annotations

import argparse
import email.parser
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mcgov.errors import BadInputError, GovernanceError, exit_code
from mcgov.steps.stack.template import python_runtime

DISTRIBUTION = "model-card-governance"
SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the checkout, when this module is run from one
ARTEFACT_NAME = "mcgov-lambda.zip"
PLATFORM = "manylinux2014_x86_64"
PACKAGE = "mcgov"
EXCLUDED_SUBPACKAGES = ("pipelines", "emulator", "demo")
# The SDK the package bundles, pinned exactly (package data; setup.py's dev extra pins the same versions).
SDK_FILE = Path(__file__).with_name("lambda-sdk.txt")
BUNDLED_SDK = frozenset({"boto3", "botocore"})
HANDLERS = tuple(
    f"mcgov.steps.handlers.{name}"
    for name in (
        "populate_card",
        "share_card",
        "check_gate",
        "approval_guard",
        "gate_watcher",
        "gate_events",
        "approve_model_package",
        "hub_sync",
    )
)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
_SOURCE_IGNORED = {
    ".git",
    ".venv",
    ".venv-v2",
    "build",
    "dist",
    "out",
    "tests",
    "benchmarks",
    ".ci",
    ".pytest_cache",
    ".hypothesis",
}
_RUNTIME = re.compile(r"python(?P<version>3\.\d+)", re.ASCII)


@dataclass(frozen=True)
class ArtefactSize:
    """Sizes of a built package: the zip on disk, its unpacked content, and its number of files."""

    zipped_bytes: int
    unpacked_bytes: int
    files: int


def default_runtime() -> str:
    """The runtime the stack deploys (the template's ``PythonRuntime`` default), e.g. ``python3.12``."""
    runtime = python_runtime()
    python_version(runtime)
    return runtime


def python_version(runtime: str) -> str:
    """``python3.12`` -> ``3.12``."""
    match = _RUNTIME.fullmatch(runtime)
    if not match:
        raise BadInputError("not a Lambda Python runtime; use one such as python3.12", field="--runtime")
    return match.group("version")


def abi_tag(runtime: str) -> str:
    """The extension-module tag compiled modules must carry for ``runtime`` (``cpython-312-x86_64-linux-gnu``)."""
    return f"cpython-{python_version(runtime).replace('.', '')}-x86_64-linux-gnu"


def default_wheel_cache() -> Path:
    """Where downloaded wheels are kept between builds: ``$XDG_CACHE_HOME/mcgov/lambda-wheels``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mcgov" / "lambda-wheels"


def runtime_python(version: str) -> Path | None:
    """An interpreter of ``version`` (``3.12``) on this machine, or None."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [
        os.environ.get("MCGOV_LAMBDA_PYTHON"),
        sys.executable,
        shutil.which(f"python{version}"),
        *sorted(map(str, pyenv_root.glob(f"versions/{version}*/bin/python")), reverse=True),
    ]
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found.returncode == 0 and found.stdout.strip() == version:
            return Path(candidate)
    return None


def _run(argv: Sequence[str | Path], **kwargs: object) -> None:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise GovernanceError(f"{' '.join(map(str, argv[:4]))} ... failed:\n{done.stdout}{done.stderr}")


def _ignore_build_outputs(directory: str, names: list[str]) -> set[str]:
    top = Path(directory).resolve() == SOURCE_ROOT
    return {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or (top and n in _SOURCE_IGNORED)}


def build_project_wheel(work: Path, source_root: Path = SOURCE_ROOT) -> Path:
    """Wheel of the checkout at ``source_root``, built from a copy of the sources (the tree is never written)."""
    source = work / "source"
    shutil.copytree(source_root, source, ignore=_ignore_build_outputs, symlinks=True)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            work / "wheel",
            source,
        ]
    )
    [wheel] = (work / "wheel").glob("*.whl")
    return wheel


def bundled_sdk(path: Path = SDK_FILE) -> list[str]:
    """The pinned SDK requirements of ``lambda-sdk.txt`` (``boto3==X``, ``botocore==X``)."""
    pins = [line.strip() for line in path.read_text().splitlines() if line.strip()[:1].isalpha()]
    if sorted(re.split(r"==", p, maxsplit=1)[0].lower() for p in pins) != sorted(BUNDLED_SDK) or not all(
        re.fullmatch(r"[a-z0-9]+==\d+(\.\d+)+", p) for p in pins
    ):
        raise GovernanceError(f"{path.name}: expected exact pins of {sorted(BUNDLED_SDK)} (boto3==X.Y.Z)")
    return pins


def _unconditional(requirements: Sequence[str]) -> list[str]:
    """``Requires-Dist`` entries without a marker (no extra), the SDK pinned to ``lambda-sdk.txt``."""
    kept = [r.strip() for r in requirements if ";" not in r]
    unpinned = [r for r in kept if _distribution_name(re.split(r"[\s<>=!~\[(]", r, maxsplit=1)[0]) not in BUNDLED_SDK]
    return [*unpinned, *bundled_sdk()]


def _distribution_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(wheel: Path) -> list[str]:
    """The wheel's unconditional ``Requires-Dist`` entries, the SDK pinned to ``lambda-sdk.txt``."""
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = email.parser.Parser().parsestr(archive.read(metadata).decode())
    return _unconditional(message.get_all("Requires-Dist") or [])


def _is_runtime_member(name: str) -> bool:
    parts = name.split("/")
    return (
        parts[0] == PACKAGE and not (len(parts) > 2 and parts[1] in EXCLUDED_SUBPACKAGES) and "__pycache__" not in parts
    )


def extract_package(wheel: Path, stage: Path) -> None:
    """Unpack the ``mcgov`` package from ``wheel`` into ``stage``, without the subpackages not needed at run time."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(stage, members=[n for n in archive.namelist() if _is_runtime_member(n)])


def installed_files() -> dict[str, Path]:
    """The installed distribution's files of the ``mcgov`` package needed at run time (zip name -> file), or an
    empty dict when the install is editable (its record lists an import hook, not the package's files)."""
    try:
        files = importlib.metadata.distribution(DISTRIBUTION).files or []
    except importlib.metadata.PackageNotFoundError:
        return {}
    found = {f.as_posix(): Path(str(f.locate())) for f in files if _is_runtime_member(f.as_posix())}
    return found if f"{HANDLERS[0].replace('.', '/')}.py" in found else {}


def stage_package(work: Path, stage: Path, *, log: Callable[[str], None] = print) -> list[str]:
    """Lay the ``mcgov`` package out in ``stage`` as the wheel does and return its runtime requirements: from the
    installed files of a wheel install, else from a wheel built from the source checkout."""
    files = installed_files()
    if files:
        for name, path in sorted(files.items()):
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        return _unconditional(importlib.metadata.requires(DISTRIBUTION) or [])
    if not (SOURCE_ROOT / "setup.py").is_file():
        raise GovernanceError(f"{DISTRIBUTION} is neither installed from a wheel nor a source checkout; reinstall it")
    log(f"note: building from the source checkout {SOURCE_ROOT}")
    wheel = build_project_wheel(work)
    extract_package(wheel, stage)
    return runtime_requirements(wheel)


def install_dependencies(
    requirements: Sequence[str], stage: Path, version: str, *, refresh: bool = False, cache_root: Path | None = None
) -> None:
    """Install ``requirements`` into ``stage`` for CPython ``version`` on Lambda's platform (wheels cached)."""
    cache = (cache_root or default_wheel_cache()) / f"cp{version.replace('.', '')}-{PLATFORM}"
    cache.mkdir(parents=True, exist_ok=True)
    target = ["--platform", PLATFORM, "--python-version", version, "--implementation", "cp", "--only-binary=:all:"]
    install: list[str | Path] = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--no-index",
        "--find-links",
        cache,
        "--target",
        stage,
        *target,
        *requirements,
    ]
    installed = False
    if not refresh:
        try:
            _run(install)
            installed = True
        except GovernanceError:
            pass  # not all in the cache: resolve against the index, then install from the cache
    if not installed:
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", cache, *target, *requirements])
        _run(install)


def byte_compile(stage: Path, interpreter: Path) -> None:
    """Compile every module in ``stage`` with ``interpreter``: hash-based pycs, paths as on Lambda (/var/task)."""
    _run(
        [
            interpreter,
            "-I",
            "-m",
            "compileall",
            "-q",
            "-s",
            stage,
            "-p",
            "/var/task",
            "--invalidation-mode",
            "unchecked-hash",
            stage,
        ],
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


def _files(root: Path) -> Iterator[Path]:
    """Files under ``root``, sorted by their name in the zip."""
    yield from sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())


def write_zip(stage: Path, artefact: Path) -> None:
    """Zip ``stage`` deterministically: sorted names, fixed date, fixed permissions, fixed compression."""
    artefact.parent.mkdir(parents=True, exist_ok=True)
    partial = artefact.with_name(artefact.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for path in _files(stage):
            info = zipfile.ZipInfo(path.relative_to(stage).as_posix(), date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = (0o100755 if path.suffix == ".so" else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    partial.replace(artefact)


def build(
    out_dir: Path,
    *,
    runtime: str | None = None,
    refresh: bool = False,
    wheel_cache: Path | None = None,
    log: Callable[[str], None] = print,
) -> Path:
    """Build ``out_dir/mcgov-lambda.zip`` for ``runtime`` (default: the template's) and return its path."""
    runtime = runtime or default_runtime()
    version = python_version(runtime)
    interpreter = runtime_python(version)
    with tempfile.TemporaryDirectory(prefix="mcgov-package-") as tmp:
        work, stage = Path(tmp), Path(tmp) / "stage"
        stage.mkdir()
        requirements = stage_package(work, stage, log=log)
        install_dependencies(requirements, stage, version, refresh=refresh, cache_root=wheel_cache)
        shutil.rmtree(stage / "bin", ignore_errors=True)
        if interpreter:
            byte_compile(stage, interpreter)
        else:
            log(
                f"note: no Python {version} interpreter found (set MCGOV_LAMBDA_PYTHON); shipping .py files "
                "without .pyc"
            )
        unpacked = sum(p.stat().st_size for p in _files(stage))
        if unpacked > LAMBDA_UNZIPPED_LIMIT:
            raise GovernanceError(f"unpacked package is {unpacked} bytes, over Lambda's {LAMBDA_UNZIPPED_LIMIT}")
        artefact = Path(out_dir) / ARTEFACT_NAME
        write_zip(stage, artefact)
    size = artefact_size(artefact)
    compiled = f"byte-compiled by {interpreter}" if interpreter else "not byte-compiled"
    log(
        f"{artefact}: {runtime}, {size.files} files, {size.zipped_bytes} bytes zipped, {size.unpacked_bytes} "
        f"unpacked, {compiled}"
    )
    return artefact


def artefact_size(artefact: Path) -> ArtefactSize:
    """Sizes of the built zip."""
    with zipfile.ZipFile(artefact) as archive:
        infos = archive.infolist()
    return ArtefactSize(
        zipped_bytes=Path(artefact).stat().st_size, unpacked_bytes=sum(i.file_size for i in infos), files=len(infos)
    )


def unpack(artefact: Path, dest: Path) -> Path:
    """Unpack the zip into ``dest`` (as Lambda does into /var/task) and return ``dest``."""
    with zipfile.ZipFile(artefact) as archive:
        archive.extractall(dest)
    return Path(dest)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The packager's options (``mcgov stack package`` and ``python -m mcgov.steps.stack.lambda_package``)."""
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help=f"write DIR/{ARTEFACT_NAME}")
    parser.add_argument("--runtime", help="Lambda runtime, e.g. python3.12 (default: the template's PythonRuntime)")
    parser.add_argument("--wheel-cache", type=Path, metavar="DIR", help="downloaded wheels (default: the user cache)")
    parser.add_argument(
        "--refresh", action="store_true", help="resolve dependencies again instead of using the wheel cache"
    )


def run(args: argparse.Namespace, log: Callable[[str], None] = print) -> Path:
    """Build the package the parsed options of ``add_arguments`` ask for."""
    return build(args.out, runtime=args.runtime, refresh=args.refresh, wheel_cache=args.wheel_cache, log=log)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the package; exit 2 with one line on a bad runtime name, 1 on a build failure."""
    parser = argparse.ArgumentParser(
        prog="python -m mcgov.steps.stack.lambda_package", description=__doc__.splitlines()[0]
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        run(args)
    except GovernanceError as exc:
        print(f"package: {exc}", file=sys.stderr)
        return exit_code(exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
