"""Rendering a card for review: section order, charts by metric type, AUC, notes, provenance, escaping, Markdown."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from mcgov.errors import BadInputError
from mcgov.steps.card.service import CardSources, build_card
from mcgov.steps.review.html import render_html
from mcgov.steps.review.layout import CardInfo, build_view
from mcgov.steps.review.markdown import render_markdown
from tests.conftest import REPO

EXAMPLES = REPO / "examples" / "churn"
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</style><script>alert(3)</script>",
    "]]></svg><iframe src=https://evil.example/></iframe>",
    "[click](https://evil.example/) ![x](https://evil.example/p.png) <https://evil.example/>",
    "` code | pipe & &amp; \n# heading\n- list\n1. item",
]


@pytest.fixture(scope="module")
def churn() -> dict:
    return build_card(
        CardSources(
            training_job_path=str(EXAMPLES / "describe_training_job.json"),
            evaluations=(str(EXAMPLES / "evaluation.json"),),
            template=str(EXAMPLES / "card-template.yaml"),
            pipeline_execution_arn="arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn/execution/abc123",
        )
    )


class Dom(HTMLParser):
    """Tags, attributes and text of a page, as a browser's tokenizer sees them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def hostile_card() -> dict:
    bad = HOSTILE
    return {
        "model_overview": {
            "model_name": bad[0],
            "model_description": bad[5],
            "model_owner": bad[1],
            "model_artifact": [bad[3]],
        },
        "intended_uses": {"purpose_of_model": bad[2], "risk_rating": bad[1]},
        "business_details": {"business_problem": bad[4]},
        "training_details": {
            "training_job_details": {
                "training_arn": bad[1],
                "hyper_parameters": [{"name": bad[0], "value": bad[2]}],
                "training_metrics": [{"name": bad[1], "value": 1.5, "notes": bad[0]}],
            }
        },
        "evaluation_details": [
            {
                "name": bad[2],
                "evaluation_observation": bad[4],
                "metadata": {bad[0]: bad[1], "mcgov.sha256": bad[0], "mcgov.source": bad[3]},
                "metric_groups": [
                    {
                        "name": bad[0],
                        "metric_data": [
                            {"name": bad[1], "type": "number", "value": 0.5, "notes": bad[2]},
                            {"name": bad[3], "type": "string", "value": bad[0]},
                            {
                                "name": bad[0],
                                "type": "linear_graph",
                                "value": [[0, 0], [1, 1]],
                                "x_axis_name": bad[1],
                                "y_axis_name": bad[2],
                            },
                            {
                                "name": bad[2],
                                "type": "bar_chart",
                                "value": [1, 2],
                                "x_axis_name": [bad[0], bad[1]],
                                "y_axis_name": bad[3],
                            },
                            {
                                "name": bad[4],
                                "type": "matrix",
                                "value": [[1, 2], [3, 4]],
                                "x_axis_name": [bad[0], bad[1]],
                                "y_axis_name": [bad[2], bad[3]],
                            },
                            {"name": bad[5], "type": "linear_graph", "value": bad[0]},
                        ],
                    }
                ],
            }
        ],
        "additional_information": {
            "ethical_considerations": bad[3],
            "custom_details": {bad[0]: bad[1], "mcgov.pipeline_execution_arn": bad[2]},
        },
        bad[0]: {bad[1]: bad[2]},
    }


def test_sections_come_in_reviewer_order_with_a_provenance_footer(churn):
    page = render_html(churn, info=CardInfo(name="churn-xgboost", version=2, status="PendingReview"))
    order = [a["data-section"] for t, a in Dom(page).tags if t == "section"]
    assert order == [
        "overview",
        "intended_uses",
        "business_details",
        "training",
        "evaluations",
        "additional_information",
    ]
    footer = page[page.index("<footer") :]
    assert "arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn/execution/abc123" in footer
    sha = churn["evaluation_details"][0]["metadata"]["mcgov.sha256"]
    assert sha in footer and churn["additional_information"]["custom_details"]["mcgov.training_job_arn"] in footer
    assert page.index("<footer") > page.index('data-section="additional_information"')


def test_charts_follow_metric_types_and_every_other_metric_is_in_a_table(churn):
    page = render_html(churn)
    dom = Dom(page)
    metrics = [m for g in churn["evaluation_details"][0]["metric_groups"] for m in g["metric_data"]]
    charts = {a["data-metric"]: a["data-type"] for a in dom.find("figure")}
    assert charts == {m["name"]: m["type"] for m in metrics if m["type"] != "number"}
    assert {"linear_graph", "matrix"} <= set(charts.values())
    rows = {a["data-metric"] for a in dom.find("tr") if a.get("data-metric")}
    assert {m["name"] for m in metrics if m["type"] == "number"} <= rows
    assert len(dom.find("svg")) == len(charts)
    cells = [a["data-value"] for a in dom.find("rect", **{"class": "cell"})]
    matrix = next(m for m in metrics if m["type"] == "matrix")
    assert cells == [json.dumps(c) for row in matrix["value"] for c in row]


def test_auc_comes_from_the_group_metric_or_the_trapezoid_rule_and_says_which(churn):
    page = render_html(churn)
    assert "AUC 0.9512" in page and "(metric “auc” of the same group)" in page
    roc = {
        "name": "roc_curve",
        "type": "linear_graph",
        "value": [[0, 0], [0.5, 0.5], [0.5, 1], [1, 1]],
        "x_axis_name": "false_positive_rates",
        "y_axis_name": "true_positive_rates",
    }
    card = {"evaluation_details": [{"name": "e", "metric_groups": [{"name": "g", "metric_data": [roc]}]}]}
    group = build_view(card).sections[4].blocks[0].blocks[0]
    assert group.metrics[0].auc.value == pytest.approx(0.625)
    assert group.metrics[0].auc.source == "trapezoid rule over the 4 plotted points"
    pdp = {**roc, "name": "model_predictions - feature=Age", "x_axis_name": "Age", "y_axis_name": "label0"}
    card["evaluation_details"][0]["metric_groups"][0]["metric_data"] = [pdp]
    assert build_view(card).sections[4].blocks[0].blocks[0].metrics[0].auc is None


def test_reductions_and_redactions_are_shown_beside_what_they_changed(churn):
    card = copy.deepcopy(churn)
    card["additional_information"]["custom_details"]["mcgov.training.redacted_hyperparameters"] = (
        "values hidden because the names look secret: api_token"
    )
    metric = card["evaluation_details"][0]["metric_groups"][0]["metric_data"]
    curve = next(m for m in metric if m["type"] == "linear_graph")
    curve["notes"] = "resampled from 5,000 to 200 points"
    page = render_html(card)
    training = page[page.index('data-section="training"') : page.index('data-section="evaluations"')]
    assert "Redaction" in training and "api_token" in training
    assert training.index("api_token") < training.index('<table class="records"')
    figure = page[page.index(f'data-metric="{curve["name"]}"') :]
    assert "resampled from 5,000 to 200 points" in figure[: figure.index("</figure>")]
    observation = card["evaluation_details"][0]["evaluation_observation"]
    assert observation.startswith("Parsing notes") and 'class="note note-reduction"' in page


def test_hostile_card_cannot_inject_html_or_load_anything():
    page = render_html(hostile_card(), info=CardInfo(name=HOSTILE[0], arn=HOSTILE[1]))
    dom = Dom(page)
    assert {t for t, _ in dom.tags} <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "div",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "span",
        "table",
        "tbody",
        "thead",
        "tr",
        "th",
        "td",
        "nav",
        "ol",
        "li",
        "a",
        "main",
        "section",
        "p",
        "br",
        "code",
        "article",
        "aside",
        "strong",
        "figure",
        "figcaption",
        "svg",
        "rect",
        "line",
        "polyline",
        "circle",
        "text",
        "details",
        "summary",
        "footer",
        "ul",
    }
    for tag, attrs in dom.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert "src" not in attrs
        assert tag != "a" or attrs["href"].startswith("#")
    text = "".join(dom.text)
    for bad in HOSTILE[:5]:
        assert bad in text, bad
    assert (
        len(dom.find("style")) == 1
        and "default-src 'none'" in dom.find("meta", http_equiv="Content-Security-Policy")[0]["content"]
    )


def test_hostile_card_cannot_inject_markdown():
    text = render_markdown(hostile_card())
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    flat = [t for tok in tokens for t in ([tok] + list(tok.children or []))]
    assert {t.content for t in flat if t.type in ("html_inline", "html_block")} <= {"<br>"}
    assert not [t for t in flat if t.type in ("link_open", "image", "fence", "code_block")]
    assert not [t for t in flat if t.type in ("bullet_list_open", "ordered_list_open")]
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in rendered and "<img" not in rendered and "<iframe" not in rendered


def test_markdown_has_the_same_sections_and_metric_tables(churn):
    text = render_markdown(churn)
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert headings == [
        "Overview",
        "Intended uses",
        "Business details",
        "Training",
        "Evaluations",
        "Additional information",
        "Provenance",
    ]
    html = md.render(text)
    assert html.count("<table>") >= 6
    metrics = {
        m["name"]: m["value"]
        for g in churn["evaluation_details"][0]["metric_groups"]
        for m in g["metric_data"]
        if m["type"] == "number"
    }
    cells = _table_rows(tokens)
    for name, value in metrics.items():
        assert float(cells[name]) == pytest.approx(value, rel=5e-4), name
    assert "AUC" in cells and cells["AUC"].startswith("0.9512")


def _table_rows(tokens) -> dict[str, str]:
    """First cell -> second cell of every table body row."""
    rows: dict[str, str] = {}
    cells: list[str] = []
    for tok in tokens:
        if tok.type == "tr_open":
            cells = []
        elif tok.type == "inline" and cells is not None:
            cells.append(tok.content)
        elif tok.type == "tr_close" and len(cells) >= 2:
            rows.setdefault(cells[0].replace("\\", ""), cells[1].replace("\\", ""))
    return rows


def test_rendering_is_deterministic_and_rejects_non_objects(churn):
    assert render_html(churn) == render_html(copy.deepcopy(churn))
    assert render_markdown(churn) == render_markdown(copy.deepcopy(churn))
    with pytest.raises(BadInputError, match="JSON object"):
        render_html([churn])


def test_malformed_chart_values_fall_back_to_the_table():
    dom = Dom(render_html(hostile_card()))
    assert HOSTILE[5] not in {a["data-metric"] for a in dom.find("figure")}
    assert HOSTILE[0] in {a["data-metric"] for a in dom.find("figure")}
    rows = [a for a in dom.find("tr") if a.get("data-type") == "linear_graph"]
    assert [r["data-metric"] for r in rows] == [HOSTILE[5]]


def test_importing_the_package_loads_no_submodule_and_the_renderer_no_sdk():
    code = (
        "import sys, mcgov.steps.review; assert 'mcgov.steps.review.html' not in sys.modules; "
        "from mcgov.steps.review.html import render_html; assert 'mcgov.steps.review.html' in sys.modules; "
        "assert not {'pydantic', 'boto3', 'botocore'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
