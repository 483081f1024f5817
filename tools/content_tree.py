"""Regenerate ``steps/assess/content_tree.json``: the tree of card content paths, from the content model.

    python tools/content_tree.py

The assessment checks paths and reads content through this table (``mcgov.steps.assess.paths``), so the gate
Lambda, which evaluates ``require_assessment`` and ``required_fields_by_risk_rating``, never loads the pydantic
content model (``mcgov.steps.card.content``). ``tests/test_assess.py`` checks that regenerating gives the file.

Each field of a model is one entry, in the model's field order: ``"leaf"`` (a value with no fields), ``"map"``
(a string map, read one key at a time), ``{"object": {...}}`` (another model) or ``{"list": {...}}`` (a list of
models, read with ``[]``).
"""

from __future__ import annotations

import json
import sys
import types
import typing
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel

from mcgov.steps.card.content import ModelCardContent

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "steps" / "assess" / "content_tree.json"


def _strip(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` -> ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def tree(model: type[BaseModel] = ModelCardContent) -> dict[str, Any]:
    """The fields of ``model`` as the table holds them (see the module docstring)."""
    entries: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = _strip(info.annotation)
        origin = typing.get_origin(annotation)
        if _is_model(annotation):
            entries[name] = {"object": tree(annotation)}
        elif origin is list and _is_model(item := _strip(typing.get_args(annotation)[0])):
            entries[name] = {"list": tree(item)}
        elif origin is dict:
            entries[name] = "map"
        else:
            entries[name] = "leaf"
    return entries


def render() -> str:
    """The file's text."""
    return json.dumps(tree(), indent=2) + "\n"


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
