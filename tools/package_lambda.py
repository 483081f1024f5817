"""Build the Lambda deployment package ``dist/mcgov-lambda.zip`` for the runtime named in ``lambda-runtime.txt``.

The package is built for Lambda, not for the machine running the build:

* the ``mcgov`` package comes from a wheel build of this project, without ``mcgov.pipelines``,
  ``mcgov.emulator`` and ``mcgov.demo`` (never imported at run time);
* its runtime requirements (the wheel's ``Requires-Dist`` without extras, boto3 and botocore replaced by the exact
  versions of ``lambda-sdk.txt``: the package ships the SDK the tests ran on, as AWS advises, instead of the
  runtime's, whose version AWS changes) are resolved for the runtime's CPython version on ``manylinux2014_x86_64``,
  binary wheels only; downloaded wheels are cached under ``build/lambda-wheels/`` (delete it, or pass
  ``--refresh``, to resolve again);
* everything is byte-compiled by an interpreter of the runtime's version when one is found (``$MCGOV_LAMBDA_PYTHON``,
  ``python3.X`` on PATH, or pyenv's ``versions/3.X*``); otherwise the package ships ``.py`` only and says so;
* the zip is deterministic: sorted entries, fixed timestamps and permissions.

``python tools/package_lambda.py [--out dist]`` (what ``make package`` runs). Benchmarks use :func:`build`,
:func:`artefact_size`, :func:`unpack`, :func:`runtime_python` and :data:`HANDLERS`.
"""

from __future__ import annotations

import argparse
import email.parser
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

REPO = Path(__file__).resolve().parents[1]
RUNTIME_FILE = REPO / "lambda-runtime.txt"
SDK_FILE = REPO / "lambda-sdk.txt"
WHEEL_CACHE = REPO / "build" / "lambda-wheels"
ARTEFACT_NAME = "mcgov-lambda.zip"
PLATFORM = "manylinux2014_x86_64"
PACKAGE = "mcgov"
EXCLUDED_SUBPACKAGES = ("pipelines", "emulator", "demo")
BUNDLED_SDK = frozenset({"boto3", "botocore"})
HANDLERS = tuple(
    f"mcgov.steps.handlers.{name}"
    for name in (
        "populate_card",
        "share_card",
        "check_gate",
        "approval_guard",
        "gate_watcher",
        "approve_model_package",
        "hub_sync",
    )
)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
_SOURCE_IGNORED = {
    ".git",
    ".venv",
    "build",
    "dist",
    "out",
    "tests",
    "benchmarks",
    ".ci",
    ".pytest_cache",
    ".hypothesis",
}
_RUNTIME = re.compile(r"^python(?P<version>3\.\d+)$")


class PackagingError(Exception):
    """The package could not be built (resolution or compile failure, size over Lambda's limit)."""


class RuntimeNameError(PackagingError):
    """The runtime is not a Lambda Python runtime name such as ``python3.12``."""


@dataclass(frozen=True)
class ArtefactSize:
    """Sizes of a built package: the zip on disk, its unpacked content, and its number of files."""

    zipped_bytes: int
    unpacked_bytes: int
    files: int


def lambda_runtime(path: Path = RUNTIME_FILE) -> str:
    """The Lambda runtime identifier (``python3.12``) named in ``lambda-runtime.txt``."""
    runtime = path.read_text().strip()
    if not _RUNTIME.match(runtime):
        raise RuntimeNameError(f"{path.name}: expected a Lambda Python runtime such as python3.12, got {runtime!r}")
    return runtime


def python_version(runtime: str) -> str:
    """``python3.12`` -> ``3.12``."""
    match = _RUNTIME.match(runtime)
    if not match:
        raise RuntimeNameError(f"not a Lambda Python runtime: {runtime!r}")
    return match.group("version")


def abi_tag(runtime: str) -> str:
    """The extension-module tag compiled modules must carry for ``runtime`` (``cpython-312-x86_64-linux-gnu``)."""
    return f"cpython-{python_version(runtime).replace('.', '')}-x86_64-linux-gnu"


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
        except OSError:
            continue
        if found.returncode == 0 and found.stdout.strip() == version:
            return Path(candidate)
    return None


def _run(argv: Sequence[str | Path], **kwargs: object) -> None:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise PackagingError(f"{' '.join(map(str, argv[:4]))} ... failed:\n{done.stdout}{done.stderr}")


def _ignore_build_outputs(directory: str, names: list[str]) -> set[str]:
    top = Path(directory).resolve() == REPO
    return {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or (top and n in _SOURCE_IGNORED)}


def build_project_wheel(work: Path) -> Path:
    """Wheel of this project, built from a copy of the sources (the shared working tree is never written)."""
    source = work / "source"
    shutil.copytree(REPO, source, ignore=_ignore_build_outputs, symlinks=True)
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
        raise PackagingError(f"{path.name}: expected exact pins of {sorted(BUNDLED_SDK)} (boto3==X.Y.Z)")
    return pins


def runtime_requirements(wheel: Path) -> list[str]:
    """The wheel's unconditional ``Requires-Dist`` entries, the SDK pinned to ``lambda-sdk.txt``."""
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = email.parser.Parser().parsestr(archive.read(metadata).decode())
    requirements = [r.strip() for r in message.get_all("Requires-Dist") or [] if ";" not in r]
    kept = [r for r in requirements if re.split(r"[\s<>=!~\[(]", r, maxsplit=1)[0].lower() not in BUNDLED_SDK]
    return [*kept, *bundled_sdk()]


def _is_runtime_member(name: str) -> bool:
    parts = name.split("/")
    return (
        parts[0] == PACKAGE and not (len(parts) > 2 and parts[1] in EXCLUDED_SUBPACKAGES) and "__pycache__" not in parts
    )


def extract_package(wheel: Path, stage: Path) -> None:
    """Unpack the ``mcgov`` package from ``wheel`` into ``stage``, without the subpackages not needed at run time."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(stage, members=[n for n in archive.namelist() if _is_runtime_member(n)])


def install_dependencies(requirements: Sequence[str], stage: Path, version: str, *, refresh: bool = False) -> None:
    """Install ``requirements`` into ``stage`` for CPython ``version`` on Lambda's platform (wheels cached)."""
    cache = WHEEL_CACHE / f"cp{version.replace('.', '')}-{PLATFORM}"
    cache.mkdir(parents=True, exist_ok=True)
    target = ["--platform", PLATFORM, "--python-version", version, "--implementation", "cp", "--only-binary=:all:"]
    install = [
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
    if not refresh:
        try:
            _run(install)
            return
        except PackagingError:
            pass  # not all in the cache: resolve against the index, then install from the cache
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
    out_dir: Path, *, runtime: str | None = None, refresh: bool = False, log: Callable[[str], None] = print
) -> Path:
    """Build ``out_dir/mcgov-lambda.zip`` for ``runtime`` (default: ``lambda-runtime.txt``) and return its path."""
    runtime = runtime or lambda_runtime()
    version = python_version(runtime)
    interpreter = runtime_python(version)
    with tempfile.TemporaryDirectory(prefix="mcgov-package-") as tmp:
        work, stage = Path(tmp), Path(tmp) / "stage"
        wheel = build_project_wheel(work)
        extract_package(wheel, stage)
        install_dependencies(runtime_requirements(wheel), stage, version, refresh=refresh)
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
            raise PackagingError(f"unpacked package is {unpacked} bytes, over Lambda's {LAMBDA_UNZIPPED_LIMIT}")
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


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: build the package; exit 2 with one line on a bad runtime name, 1 on a build failure."""
    parser = argparse.ArgumentParser(prog="python tools/package_lambda.py", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output directory (default: dist/)")
    parser.add_argument("--runtime", help=f"Lambda runtime (default: {RUNTIME_FILE.name})")
    parser.add_argument(
        "--refresh", action="store_true", help="resolve dependencies again instead of using the wheel cache"
    )
    args = parser.parse_args(argv)
    try:
        build(args.out, runtime=args.runtime, refresh=args.refresh)
    except RuntimeNameError as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 2
    except PackagingError as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
