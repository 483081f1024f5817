"""This project's wheel, built from a copy of the checkout and installed (not editable) in a fresh venv, as a user
installs it. For speed the venv reuses this venv's installed dependencies (a ``.pth`` line appends its
site-packages to ``sys.path``) and pip installs only the wheel, with ``--no-deps``. That still proves the
non-editable install: a folder a ``.pth`` line appends gets no ``.pth`` processing of its own, so the editable
finder installed there never runs (the tests check ``mcgov`` is imported from the wheel's files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO


def copy_source(destination: Path) -> Path:
    """The checkout's files (tracked and untracked, not ignored) copied to ``destination``."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in tracked)):
        if (REPO / name).is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target)
    return destination


def build_wheel(work: Path) -> Path:
    """The wheel of a copy of the checkout, built in ``work``."""
    source = copy_source(work / "src")
    out = work / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("model_card_governance-*.whl")
    return built


@dataclass(frozen=True)
class WheelVenv:
    """A venv holding the wheel: its interpreter, its ``mcgov`` script and its site-packages."""

    python: Path
    mcgov: Path
    purelib: Path


def install_in_venv(wheel: Path, venv: Path) -> WheelVenv:
    """A fresh venv at ``venv`` with ``wheel`` installed (not editable), reusing this venv's dependencies."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (purelib / "reused-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    return WheelVenv(python, venv / "bin" / "mcgov", purelib)


def clean_env(home: Path) -> dict[str, str]:
    """This process's environment without AWS or Python settings, and with no AWS config or credentials file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
        AWS_CONFIG_FILE=str(home / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env
