"""Review model cards as people do: render one as a self-contained HTML page or GitHub Markdown, and diff two versions.

Everything here is a pure, deterministic function of card content (plain dicts): no AWS call, stdlib only.
Submodules load on first use, so importing this package costs nothing.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CardInfo": "layout",
    "CardView": "layout",
    "build_view": "layout",
    "render_html": "html",
    "render_markdown": "markdown",
    "CardDiff": "diff",
    "FieldChange": "diff",
    "MetricChange": "diff",
    "diff_cards": "diff",
    "diff_to_dict": "diff_render",
    "render_diff_text": "diff_render",
    "render_diff_markdown": "diff_render",
    "ReviewError": "exceptions",
    "ReviewInputError": "exceptions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
