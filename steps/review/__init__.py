"""Review model cards as people do: render one as a self-contained HTML page or GitHub Markdown, and diff two versions.

Everything here is a pure, deterministic function of card content (plain dicts): no AWS call, stdlib only.
Submodules load on first use, so importing this package costs nothing.
"""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "CardInfo": "mcgov.steps.review.view",
    "CardView": "mcgov.steps.review.view",
    "build_view": "mcgov.steps.review.layout",
    "render_html": "mcgov.steps.review.html",
    "render_markdown": "mcgov.steps.review.markdown",
    "CardDiff": "mcgov.steps.review.diff",
    "FieldChange": "mcgov.steps.review.diff",
    "MetricChange": "mcgov.steps.review.diff",
    "diff_cards": "mcgov.steps.review.diff",
    "diff_to_dict": "mcgov.steps.review.diff_render",
    "render_diff_text": "mcgov.steps.review.diff_render",
    "render_diff_markdown": "mcgov.steps.review.diff_render",
    "ReviewError": "mcgov.steps.review.exceptions",
    "ReviewInputError": "mcgov.steps.review.exceptions",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
