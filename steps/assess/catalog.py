"""The packaged frameworks, by name: one JSON file per framework under ``frameworks/`` (package data).

This module only lists and locates the files (no parsing), so a share policy can check a framework name
without loading the content models.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.abc import Traversable

from mcgov.errors import BadInputError

FOLDER = "frameworks"
SUFFIX = ".json"


def _folder() -> Traversable:
    return resources.files(__package__).joinpath(FOLDER)


@cache
def framework_names() -> tuple[str, ...]:
    """The names of the packaged frameworks, sorted (``eu-ai-act-annex-iv``, ``iso-42001``, ``nist-ai-rmf``)."""
    return tuple(sorted(p.name.removesuffix(SUFFIX) for p in _folder().iterdir() if p.name.endswith(SUFFIX)))


def unknown_framework() -> str:
    """What to say of a name that is not a packaged framework (the name itself is not echoed)."""
    return f"not a known framework; use one of {', '.join(framework_names())}"


def framework_text(name: str, *, field: str = "--framework") -> tuple[str, str]:
    """(source label, text) of the packaged framework ``name``; ``BadInputError`` naming ``field``."""
    if name not in framework_names():
        raise BadInputError(unknown_framework(), field=field)
    return f"{FOLDER}/{name}{SUFFIX}", _folder().joinpath(name + SUFFIX).read_text(encoding="utf-8")
