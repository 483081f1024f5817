"""Import the stepfunctions SDK 2.3.0 on current Python tooling.

stepfunctions 2.3.0 imports ``pkg_resources`` only for its version string, and setuptools >= 81 no longer
ships ``pkg_resources``; it also sets the *root* logger to ERROR on import. ``load_stepfunctions`` provides
a minimal ``pkg_resources.require`` (backed by ``importlib.metadata``) when the real module is absent and
restores the root logger level.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import sys
import types
import warnings
from typing import Any


class _Distribution:
    def __init__(self, name: str) -> None:
        self.project_name = name
        self.version = importlib.metadata.version(name)


def _require(name: str) -> list[_Distribution]:
    return [_Distribution(name)]


def _install_pkg_resources_shim() -> None:
    try:
        importlib.import_module("pkg_resources")
    except ModuleNotFoundError:
        shim = types.ModuleType("pkg_resources")
        shim.require = _require  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim


def load_stepfunctions() -> Any:
    """Import and return the ``stepfunctions`` package, leaving the root logger level untouched."""
    if "stepfunctions" in sys.modules:
        return sys.modules["stepfunctions"]
    root = logging.getLogger()
    level = root.level
    with warnings.catch_warnings():  # setuptools < 81 warns that pkg_resources is deprecated; it is what 2.3.0 needs
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        _install_pkg_resources_shim()
        try:
            return importlib.import_module("stepfunctions")
        finally:
            root.setLevel(level)
