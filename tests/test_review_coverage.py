"""``mcgov card render --framework``: the coverage section of the HTML and Markdown pages (score, each requirement's
status, evidence and what is missing; rows a card cannot evidence shown as such), escaped like every card text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from mcgov.steps.assess.assessment import Assessment, Status, assess
from mcgov.steps.assess.framework import load_framework, load_framework_file
from mcgov.steps.cli.main import main
from mcgov.steps.review.html import render_html
from mcgov.steps.review.layout import COVERAGE_CAVEAT
from mcgov.steps.review.markdown import render_markdown
from tests.test_assess import complete_card
from tests.test_review_render import HOSTILE, Dom, churn  # noqa: F401 - churn is the module's card fixture

ANNEX_IV = "eu-ai-act-annex-iv"


@pytest.fixture(scope="module")
def annex(churn: dict[str, Any]) -> Assessment:  # noqa: F811 - the fixture imported above
    return assess(churn, load_framework(ANNEX_IV))


def _section(page: str) -> str:
    start = page.index('<section id="coverage"')
    return page[start : page.index("</section>", start)]


def test_the_html_page_gets_a_coverage_section_after_the_cards_sections(churn, annex):  # noqa: F811
    page = render_html(churn, assessment=annex)
    dom = Dom(page)
    (section,) = dom.find("section", id="coverage")
    assert section["data-framework"] == ANNEX_IV and section["data-score"] == "0.76"
    assert page.index('id="additional_information"') < page.index('id="coverage"') < page.index('id="appendix"')
    assert dom.find("a", href="#coverage")
    block = _section(page)
    assert (
        "Score 0.76</span> against <code>eu-ai-act-annex-iv</code>: 17 covered, 4 partial, 4 missing of 25 counted; "
        "16 not evidenced by a card (not counted)."
    ) in block
    assert "<code>https://eur-lex.europa.eu/eli/reg/2024/1689/oj</code>" in block
    assert COVERAGE_CAVEAT.split(":")[0] in block

    rows = {r["data-requirement"]: r for r in dom.find("tr") if "data-requirement" in r}
    assert list(rows) == [r.requirement.id for r in annex.results]
    assert {i: r["data-status"] for i, r in rows.items()} == {r.requirement.id: r.status.value for r in annex.results}
    assert rows["IV.1(b)"]["class"] == "not-evidenced" and rows["IV.1(a).purpose"].get("class") is None


def test_each_row_shows_its_evidence_what_is_missing_or_why_a_card_cannot_evidence_it(churn, annex):  # noqa: F811
    block = _section(render_html(churn, assessment=annex))

    def row(requirement: str) -> str:
        start = block.index(f'data-requirement="{requirement}"')
        return block[start : block.index("</tr>", start)]

    purpose = row("IV.1(a).purpose")
    # a path breaks only after a dot (<wbr>), never inside a field name
    assert (
        "<code>intended_uses.<wbr>purpose_of_model</code><br><code>intended_uses.<wbr>intended_uses</code>" in purpose
    )
    assert '<td class="status status-covered">covered</td>' in purpose
    version = row("IV.1(a).version")
    assert '<td class="status status-missing">missing</td><td></td>' in version
    assert (
        "<code>model_overview.<wbr>model_version or model_package_details.<wbr>model_package_version</code>" in version
    )
    hardware = row("IV.1(b)")
    reason = next(r.requirement.reason for r in annex.results if r.requirement.id == "IV.1(b)")
    assert "not evidenced by a card</td><td></td>" in hardware and reason is not None
    assert Dom(hardware + "</tr>").text[-1] == reason


def test_without_a_framework_the_page_has_no_coverage(churn):  # noqa: F811
    assert 'id="coverage"' not in render_html(churn) and "## Coverage" not in render_markdown(churn)


def test_a_complete_card_covers_every_counted_row(churn):  # noqa: F811
    full = complete_card(churn)
    dom = Dom(render_html(full, assessment=assess(full, load_framework(ANNEX_IV))))
    statuses = {r["data-status"] for r in dom.find("tr") if "data-requirement" in r}
    assert statuses == {Status.COVERED.value, Status.NOT_EVIDENCED.value}
    assert dom.find("section", id="coverage")[0]["data-score"] == "1.00"


def _markdown_rows(text: str) -> list[list[str]]:
    """The body rows of the coverage table, cell by cell, as CommonMark + GFM tables parse them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text[text.index("## Coverage") :])
    rows: list[list[str]] = []
    cells: list[str] | None = None
    in_body = False
    for tok in tokens:
        if tok.type == "tbody_open":
            in_body = True
        elif tok.type == "tbody_close":
            break
        elif in_body and tok.type == "tr_open":
            cells = []
        elif in_body and tok.type == "inline" and cells is not None:
            cells.append(tok.content)
        elif in_body and tok.type == "tr_close" and cells is not None:
            rows.append(cells)
    return rows


def test_the_markdown_page_gets_the_same_section(churn, annex):  # noqa: F811
    text = render_markdown(churn, assessment=annex)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert headings[-2:] == ["Additional information", f"Coverage: {annex.framework.title}"]
    assert "**Score 0\\.76** against `eu-ai-act-annex-iv`" in text
    rows = _markdown_rows(text)
    assert [r[0].replace("\\", "") for r in rows] == [r.requirement.id for r in annex.results]
    by_id = {r[0].replace("\\", ""): r for r in rows}
    assert by_id["IV.1(a).purpose"][3:5] == [
        "covered",
        "`intended_uses.purpose_of_model`<br>`intended_uses.intended_uses`",
    ]
    assert by_id["IV.1(a).version"][3] == "missing" and by_id["IV.1(a).version"][5].startswith("`model_overview.")
    assert by_id["IV.1(b)"][3] == "not evidenced by a card" and by_id["IV.1(b)"][4] == ""
    assert by_id["IV.1(b)"][5].startswith("A model card describes the model")


@pytest.fixture
def hostile_assessment(tmp_path: Path) -> Assessment:
    """A framework of one's own (``load_framework_file``) whose texts are hostile: the renderers escape them."""
    rows = [
        {"id": "R1", "title": HOSTILE[0], "source": HOSTILE[1], "fields": ["model_overview.model_description"]},
        {
            "id": "R2",
            "title": HOSTILE[4],
            "source": HOSTILE[2],
            "evidence": "not_evidenced_by_card",
            "reason": HOSTILE[3],
        },
    ]
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            {
                "name": "mine",
                "title": HOSTILE[4],
                "version": HOSTILE[0],
                "url": "https://evil.example/<script>",
                "scope": "s",
                "requirements": rows,
            }
        )
    )
    return assess({"model_overview": {"model_description": "x"}}, load_framework_file(path))


def test_framework_texts_cannot_inject_html(hostile_assessment):
    page = render_html({"model_overview": {"model_description": "x"}}, assessment=hostile_assessment)
    dom = Dom(page)
    assert not {t for t, _ in dom.tags} & {"script", "img", "iframe"}
    for tag, attrs in dom.tags:
        assert not any(k.startswith("on") for k in attrs) and "src" not in attrs
        assert tag != "a" or str(attrs["href"]).startswith("#")
    text = "".join(dom.text)
    assert all(bad in text for bad in HOSTILE[:5])


def test_framework_texts_cannot_inject_markdown(hostile_assessment):
    text = render_markdown({"model_overview": {"model_description": "x"}}, assessment=hostile_assessment)
    flat = [t for tok in MarkdownIt("commonmark").enable("table").parse(text) for t in [tok, *(tok.children or [])]]
    assert {t.content for t in flat if t.type in ("html_inline", "html_block")} <= {"<br>"}
    assert not [t for t in flat if t.type in ("link_open", "image", "fence", "code_block")]


def test_cli_render_with_a_framework(tmp_path, capsys, churn):  # noqa: F811
    content = tmp_path / "churn.json"
    content.write_text(json.dumps(churn))
    out = tmp_path / "page.md"
    argv = ["card", "render", "--content", str(content), "--format", "markdown", "--out", str(out)]
    assert main([*argv, "--framework", "nist-ai-rmf"]) == 0
    assert "## Coverage: " in out.read_text() and "`nist-ai-rmf`" in out.read_text()
    html = tmp_path / "page.html"
    assert main(["card", "render", "--content", str(content), "--out", str(html), "--framework", ANNEX_IV]) == 0
    assert 'data-score="0.76"' in html.read_text()
    capsys.readouterr()

    out.unlink()
    assert main([*argv, "--framework", "../sox-404"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--framework: not a known framework; use one of eu-ai-act-annex-iv" in err
    assert "sox" not in err and not out.exists()
