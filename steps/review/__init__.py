"""Review model cards as people do: render one as a self-contained HTML page or GitHub Markdown, and diff two versions.

Everything here is a pure, deterministic function of card content (plain dicts): no AWS call, stdlib only.
Import from the defining module (``html``, ``markdown``, ``diff``, ``diff_render``, ``export`` ...); this file
exports nothing, so importing the package costs nothing.
"""
