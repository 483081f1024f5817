"""Lazy public APIs for packages: ``__init__`` names its exports, each imported on first use.

A Lambda imports only what its handler touches, so a package's ``__init__`` must not pull in the whole
capability (the content models, the report parsers, the registry): the handlers' cold start stays near
``import boto3`` (``make bench`` measures it).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` resolving ``name`` from ``exports[name]`` (a module path) on first use.

    An export must not share its name with a submodule of the package: importing the submodule would set the
    package attribute to the module (``tests/test_namespace.py`` checks every package).
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # resolved once; later look-ups are plain attributes
        return value

    return __getattr__
