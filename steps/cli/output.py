"""``--output json|table|text``: the three forms a command's data is printed in.

* ``json`` (the default of data commands) is the machine contract: the data as indented JSON.
* ``text`` is one line per value, for shell scripts: the value's path (``stages[0].status``), a tab, the value
  (strings as they are, other values as JSON: ``true``, ``3``, ``null``); a tab or line break inside a value is
  written ``\\t`` / ``\\n``, so each value stays one line. An empty list or object is one line (``[]``, ``{}``).
* ``table`` is those paths and values in a two-column box, for a person (the reports of ``reconcile``, ``hub`` and
  ``card assess`` have tables of their own).

The format is chosen once per run (``use_output``, by ``mcgov.steps.cli.main``) and read where data is printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

FORMATS = ("json", "table", "text")
_chosen: ContextVar[str | None] = ContextVar("mcgov_output", default=None)


def use_output(name: str | None) -> None:
    """Choose the run's ``--output`` (None: each command's default)."""
    _chosen.set(name)


def chosen_output(default: str = "json") -> str:
    """The run's ``--output``, else ``default``."""
    return _chosen.get() or default


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, value) of every scalar in ``data``, in order; an empty list or object is one leaf."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list | tuple) and data:
        for index, value in enumerate(data):
            yield from leaves(value, f"{path}[{index}]")
    else:
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
        yield path or "value", text.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def render_text(data: Any) -> str:
    """``path<TAB>value`` lines."""
    return "".join(f"{path}\t{value}\n" for path, value in leaves(data))


def render_table(data: Any) -> str:
    """A two-column box of paths and values."""
    rows = list(leaves(data))
    width = max((len(p) for p, _ in rows), default=0), max((len(v) for _, v in rows), default=0)
    rule = f"+-{'-' * width[0]}-+-{'-' * width[1]}-+\n"
    body = "".join(f"| {p.ljust(width[0])} | {v.ljust(width[1])} |\n" for p, v in rows)
    return rule + body + rule
