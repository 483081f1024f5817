"""Rendering a card for review: section order, charts by metric type, AUC, notes, provenance, escaping, Markdown."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from mcgov.errors import BadInputError
from mcgov.steps.approval.check import approval_problem
from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.card.service import CardSources, build_card
from mcgov.steps.cli.main import main
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.review.chart_math import contrast_ratio, heat_fill, ink_on, matrix_axes
from mcgov.steps.review.diff import FieldChange, diff_cards, recorded_by_mcgov
from mcgov.steps.review.html import render_html
from mcgov.steps.review.layout import build_view, path_label
from mcgov.steps.review.markdown import APPENDIX_SUMMARY, render_markdown
from mcgov.steps.review.view import ApprovalState, CardInfo
from mcgov.steps.share.converge import ensure_readonly_permission
from mcgov.steps.version import __version__
from tests.conftest import REPO, reviewer_role

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


def _section(page: str, key: str) -> str:
    start = page.index(f'data-section="{key}"')
    return page[start : page.index("</section>", start)]


def _appendix(page: str) -> str:
    return page[page.index('<details id="appendix"') : page.index("</details>\n<footer")]


def test_sections_come_in_reviewer_order_then_the_appendix_and_the_footer(churn):
    page = render_html(churn, info=CardInfo(name="churn-xgboost", version=2, status="PendingReview"))
    order = [a["data-section"] for t, a in Dom(page).tags if t == "section" and "data-section" in a]
    assert order == [
        "overview",
        "intended_uses",
        "business_details",
        "training",
        "evaluations",
        "additional_information",
    ]
    assert page.index('id="approval"') < page.index('data-section="overview"')
    appendix = _appendix(page)
    assert "arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn/execution/abc123" in appendix
    sha = churn["evaluation_details"][0]["metadata"]["mcgov.sha256"]
    assert sha in appendix and churn["additional_information"]["custom_details"]["mcgov.training_job_arn"] in appendix
    assert page.index('<details id="appendix"') > page.index('data-section="additional_information"')
    assert page.index('<details id="appendix"') < page.index("<footer")


def test_mcgov_internals_and_parser_notes_are_in_a_collapsed_appendix_only(churn):
    page = render_html(churn)
    main = page[page.index("<main>") : page.index("</main>")]
    custom = churn["additional_information"]["custom_details"]
    internal = {k: v for k, v in custom.items() if k.startswith("mcgov.")}
    assert "mcgov.training.instance_type" in internal and "mcgov.pipeline_execution_arn" in internal
    observation = churn["evaluation_details"][0]["evaluation_observation"]
    assert observation.startswith("Parsing notes")
    appendix = _appendix(page)
    only_internal = [
        internal["mcgov.pipeline_execution_arn"],
        internal["mcgov.training.instance_type"],
        churn["evaluation_details"][0]["metadata"]["mcgov.sha256"],
        '<th scope="row">Instance type</th>',
        '<th scope="row">Billable time seconds</th>',
        '<th scope="row">Built by mcgov</th>',
        '<th scope="row">Report format</th>',
    ]
    for value in only_internal:
        assert value not in main and value in appendix, value
    assert "Parsing notes" not in main and "standard_deviation &quot;NaN&quot;" in appendix
    assert "cost_center" in main and "CC-4821" in main  # the card's own custom details stay in the main view
    details = Dom(page).find("details", id="appendix")
    assert len(details) == 1 and "open" not in details[0]
    text = render_markdown(churn)
    body, appendix_md = text.split("<details>\n<summary>", 1)
    assert custom["mcgov.training.instance_type"] not in body and custom["mcgov.training.instance_type"] in appendix_md
    assert "Parsing notes" not in body and "Parsing notes" in appendix_md


def test_empty_sections_are_hidden_and_nothing_says_nothing_recorded():
    card = {"model_overview": {"model_owner": "team-a"}, "business_details": {}, "evaluation_details": []}
    page = render_html(card, info=CardInfo(name="c"))
    assert [a["data-section"] for a in Dom(page).find("section") if "data-section" in a] == ["overview"]
    assert [a["href"] for a in Dom(page).find("a")] == ["#approval", "#overview"]
    assert "Nothing recorded" not in page and "no provenance" not in page and "<details" not in page
    text = render_markdown(card)
    assert "Nothing recorded" not in text and "## Business details" not in text and "## Overview" in text
    empty = render_html({})
    assert "The card holds no content yet." in empty and 'data-section="' not in empty


@pytest.mark.parametrize(
    "path, expected",
    [
        (("Objective function", "Function", "Function"), "Objective function"),
        (("Objective function", "Function", "Facet"), "Objective function › Facet"),
        (("Training environment", "Container image"), "Training environment › Container image"),
        (("Created by", "User profile name"), "Created by › User profile name"),
        (("Metadata", "Data"), "Metadata › Data"),
        (("Report", "Report"), "Report"),
    ],
)
def test_nested_labels_do_not_repeat_themselves(path, expected):
    assert path_label(path) == expected


def test_the_objective_function_reads_as_one_label(churn):
    training = _section(render_html(churn), "training")
    assert "›" + " Function" not in training and "Function ›" not in training
    assert '<th scope="row">Objective function</th><td>Minimize</td>' in training
    assert '<th scope="row">Objective function › Facet</th><td>Loss</td>' in training
    assert "| Objective function | Minimize |" in render_markdown(churn)


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


def _evaluations_of(view):
    return next(s for s in view.sections if s.key == "evaluations")


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
    group = _evaluations_of(build_view(card)).blocks[0].blocks[0]
    assert group.metrics[0].auc.value == pytest.approx(0.625)
    assert group.metrics[0].auc.source == "trapezoid rule over the 4 plotted points"
    pdp = {**roc, "name": "model_predictions - feature=Age", "x_axis_name": "Age", "y_axis_name": "label0"}
    card["evaluation_details"][0]["metric_groups"][0]["metric_data"] = [pdp]
    assert _evaluations_of(build_view(card)).blocks[0].blocks[0].metrics[0].auc is None


def test_redactions_and_metric_notes_are_shown_beside_what_they_changed(churn):
    card = copy.deepcopy(churn)
    card["additional_information"]["custom_details"]["mcgov.training.redacted_hyperparameters"] = (
        "values hidden because the names look secret: api_token"
    )
    metric = card["evaluation_details"][0]["metric_groups"][0]["metric_data"]
    curve = next(m for m in metric if m["type"] == "linear_graph")
    curve["notes"] = "resampled from 5,000 to 200 points"
    page = render_html(card)
    training = _section(page, "training")
    assert "Redaction" in training and "api_token" in training
    assert training.index("api_token") < training.index('<table class="records"')
    figure = page[page.index(f'data-metric="{curve["name"]}"') :]
    assert "resampled from 5,000 to 200 points" in figure[: figure.index("</figure>")]
    assert 'class="note note-parser-notes"' in _appendix(page)


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
    html = [t.content for t in flat if t.type in ("html_inline", "html_block")]
    appendix = f"<details>\n<summary>{APPENDIX_SUMMARY}</summary>\n"
    assert set(html) <= {"<br>", appendix, "</details>\n"} and html.count(appendix) == 1  # the renderer's own tags
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
        "Approval",
        "Overview",
        "Intended uses",
        "Business details",
        "Training",
        "Evaluations",
        "Additional information",
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


def _record(content: dict, version: int = 3, **changes) -> ApprovalRecord:
    fields = {
        "version": version,
        "content_sha256": content_sha256(content),
        "approver": "arn:aws:sts::111111111111:assumed-role/reviewer/alice",
        "approved_at": "2026-03-04T05:06:07Z",
        "note": "PR #12",
    }
    return ApprovalRecord(**{**fields, **changes})


def test_the_approval_block_shows_who_approved_which_version_and_content(churn):
    record = _record(churn)
    info = CardInfo(
        name="churn",
        arn="arn:aws:sagemaker:us-east-1:111111111111:model-card/churn",
        version=3,
        status="Approved",
        approval=record,
    )
    page = render_html(churn, info=info)
    block = page[page.index('<section id="approval"') : page.index("</section>", page.index('id="approval"'))]
    assert 'data-approval="approved"' in block and "Approved through mcgov: this version and content." in block
    for value in (record.approver, record.approved_at, record.note, record.content_sha256):
        assert value in block, value
    assert '<th scope="row">Approved version</th><td>3</td>' in block
    text = render_markdown(churn, info=info)
    approval = text[text.index("## Approval") : text.index("## Overview")]
    assert "**Approved through mcgov: this version and content.**" in approval and "PR \\#12" in approval


@pytest.mark.parametrize(
    "case, status, version, changes, state, says",
    [
        ("approved", "Approved", 3, {}, ApprovalState.APPROVED, "Approved through mcgov"),
        ("older version", "PendingReview", 4, {}, ApprovalState.NOT_CURRENT, "the record is for version 3"),
        ("content changed", "Approved", 3, {"content_sha256": "0" * 64}, ApprovalState.NOT_CURRENT, "content changed"),
        ("status reset", "PendingReview", 3, {}, ApprovalState.NOT_CURRENT, "status is PendingReview"),
        ("no record", "PendingReview", 3, None, ApprovalState.NONE, "Not approved through mcgov"),
        ("console approval", "Approved", 3, None, ApprovalState.NONE, "set another way"),
    ],
)
def test_approval_state_follows_the_gate_rule(churn, case, status, version, changes, state, says):
    record = None if changes is None else _record(churn, **changes)
    info = CardInfo(name="churn", version=version, status=status, approval=record)
    approval = build_view(churn, info).approval
    assert approval.state is state and says in approval.summary, case
    gate_allows = approval_problem("churn", status, version, content_sha256(churn), record) is None and (
        status == "Approved"
    )
    assert (approval.state is ApprovalState.APPROVED) == gate_allows


def test_without_a_record_the_block_says_not_approved_or_why_it_is_unknown(churn):
    content_file = build_view(churn).approval
    assert content_file.state is ApprovalState.NONE and "content file" in content_file.summary
    unread = build_view(churn, CardInfo(arn="arn:x", approval_error="sagemaker ListTags was refused")).approval
    assert unread.state is ApprovalState.UNKNOWN and "sagemaker ListTags was refused" in unread.summary
    page = render_html(churn, info=CardInfo(name="churn", version=1, status="Draft"))
    assert 'data-approval="none"' in page and "carries no approval record from `mcgov card approve`" in page


def test_the_footer_says_when_and_by_which_mcgov_version_the_page_was_generated(churn):
    at = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    page = render_html(churn, generated_at=at)
    footer = page[page.index("<footer") :]
    assert f'Generated by mcgov <span class="tool-version">{__version__}</span> at 2026-05-06 07:08:09 UTC.' in footer
    assert render_html(churn, generated_at=at) == page
    assert "Generated by mcgov" in render_html(churn) and " at 20" not in render_html(churn)[-200:]
    text = render_markdown(churn, generated_at=at)
    assert text.endswith(
        f"_Generated by mcgov {__version__.replace('.', chr(92) + '.', 1)} at 2026-05-06 07:08:09 UTC._\n"
    )


def test_a_confusion_matrix_labels_actual_rows_and_predicted_columns(churn):
    page = render_html(churn)
    figure = page[page.index('data-type="matrix"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'class="axis-name column-axis">Predicted</text>' in figure and 'class="axis-name row-axis"' in figure
    assert ">Actual</text>" in figure and "rows: actual class, columns: predicted class" in figure
    assert "| actual ↓ · predicted → | 0 | 1 |" in render_markdown(churn)


def test_matrix_axes_follow_the_metric_when_it_says_rows_are_predicted():
    value = [[1, 2], [3, 4]]
    default = matrix_axes("confusion_matrix", None, value, ["no", "yes"], ["n", "y"])
    assert (default.rows, default.columns, default.row_title, default.column_title) == (
        ("no", "yes"),
        ("n", "y"),
        "Actual",
        "Predicted",
    )
    for notes in ("rows are predicted classes", "Rows: predicted; columns: actual", "columns are the actual labels"):
        axes = matrix_axes("confusion_matrix", notes, value, None, None)
        assert (axes.row_title, axes.column_title, axes.rows) == ("Predicted", "Actual", ("0", "1")), notes
    assert matrix_axes("confusion_matrix_rows_predicted", None, value, None, None).row_title == "Predicted"
    assert matrix_axes("confusion_matrix", "rows are actual, columns are predicted", value, None, None).row_title == (
        "Actual"
    )
    plain = matrix_axes("correlation", None, value, ["a", "b"], ["c", "d"])
    assert plain.row_title is None and plain.column_title is None
    wide = matrix_axes("m", None, [[1, 2, 3]], ["c1", "c2", "c3"], ["r1"])  # only y_axis_name fits the rows
    assert (wide.rows, wide.columns) == (("r1",), ("c1", "c2", "c3"))


def test_heatmap_counts_contrast_at_least_4_5_to_1_on_every_cell_colour():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    worst = min(contrast_ratio(ink_on(heat_fill(i / 1000)), heat_fill(i / 1000)) for i in range(1001))
    assert worst >= 4.5
    assert ink_on(heat_fill(1.0)) == "#ffffff" and ink_on(heat_fill(0.0)) == "#000000"
    page = render_html(
        {
            "evaluation_details": [
                {
                    "name": "e",
                    "metric_groups": [
                        {
                            "name": "g",
                            "metric_data": [
                                {"name": "confusion_matrix", "type": "matrix", "value": [[900, 1], [2, 3]]}
                            ],
                        }
                    ],
                }
            ]
        }
    )
    counts = [a for a in Dom(page).find("text") if a.get("class") == "count"]
    assert [c["fill"] for c in counts] == ["#ffffff", "#000000", "#000000", "#000000"]
    assert (
        "svg text:not([fill]){fill:#333}" in page
        and "svg text{font-family:system-ui,Arial,sans-serif;font-size:11px}" in page
    )


POLICY = str(REPO / "share_policies" / "example.yaml")


def _render_cli(capsys, *argv: str) -> str:
    assert main(["card", "render", *argv]) == 0
    return capsys.readouterr().out


def test_cli_render_shows_the_approval_read_from_the_card_tags(emulator, card_session, staging_session, capsys):
    emulator.act_as("card")
    emulator.set_association_delay(polls=0)
    ensure_readonly_permission(card_session.client("ram"))
    sm = card_session.client("sagemaker")
    arn = sm.create_model_card(
        ModelCardName="churn-model",
        Content=json.dumps({"model_overview": {"model_owner": "a"}}),
        ModelCardStatus="Draft",
    )["ModelCardArn"]
    page = _render_cli(capsys, "churn-model")
    assert 'data-approval="none"' in page and "carries no approval record" in page
    assert "mcgov card approve churn-model --policy POLICY.yaml --version 1 --sha256 " in page
    assert main(["share", "ensure", "--card", "churn-model", "--policy", POLICY]) == 0
    emulator.act_as(reviewer_role(emulator))  # the example policy's approver
    approve = ["card", "approve", "churn-model", "--policy", POLICY, "--version", "1", "--note", "ticket 42"]
    assert main([*approve, "--accept-edits-from", "unidentified"]) == 0  # created without mcgov publish
    emulator.act_as("card")
    capsys.readouterr()
    page = _render_cli(capsys, "churn-model")
    block = page[page.index('<section id="approval"') : page.index("</section>", page.index('id="approval"'))]
    assert 'data-approval="approved"' in block and "ticket 42" in block and "arn:aws:sts::111111111111:" in block
    footer = page[page.index("<footer") :]
    assert f'mcgov <span class="tool-version">{__version__}</span> at 20' in footer and "UTC." in footer
    text = _render_cli(capsys, "churn-model", "--version", "1", "--format", "markdown")
    assert "Not approved in this version: the record is for version 2, this page shows version 1" in text

    emulator.act_as("staging")  # a consumer may read the shared card, never its tags
    page = _render_cli(capsys, arn)
    assert 'data-approval="unknown"' in page and "sagemaker ListTags failed with AccessDeniedException" in page


def test_changes_to_what_mcgov_recorded_go_to_the_appendix(churn):
    new = copy.deepcopy(churn)
    entry = new["evaluation_details"][0]
    entry["metadata"]["mcgov.sha256"] = "f" * 64
    entry["metadata"]["mcgov.source"] = "s3://bucket/run-2/evaluation.json"
    entry["evaluation_observation"] = "Parsing notes (what was reduced or left out, and why): nothing"
    new["additional_information"]["custom_details"]["mcgov.pipeline_execution_arn"] = "arn:aws:sagemaker:x:run-2"
    entry["metric_groups"][0]["metric_data"][0]["value"] = 0.9401
    new["model_overview"]["model_owner"] = "team-b"
    diff = diff_cards(churn, new, old_label="v1", new_label="v2")
    assert sum(recorded_by_mcgov(f) for f in diff.fields) == 4
    page = render_html(new, diff=diff)
    changes = page[page.index('<section id="changes"') : page.index("</section>", page.index('id="changes"'))]
    assert "0.9364 -&gt; 0.9401" in changes and "team-b" in changes
    assert "mcgov." not in changes.replace("what mcgov recorded", "") and "Parsing notes" not in changes
    assert "4 changes to what mcgov recorded (report sources and hashes, provenance, parser notes)" in changes
    appendix = _appendix(page)
    assert "Changes to what mcgov recorded since v1" in appendix and "f" * 64 in appendix
    assert "metadata.mcgov.source" in appendix and "custom_details.mcgov.pipeline_execution_arn" in appendix
    text = render_markdown(new, diff=diff)
    body, appendix_md = text.split("<details>", 1)
    assert "metadata" not in body.split("## Changes", 1)[1].split("## Overview", 1)[0]
    assert "metadata.mcgov.source" in appendix_md.replace("\\", "")
    only_recorded = copy.deepcopy(churn)
    only_recorded["evaluation_details"][0]["metadata"]["mcgov.sha256"] = "e" * 64
    page = render_html(only_recorded, diff=diff_cards(churn, only_recorded, old_label="v1", new_label="v2"))
    assert "No changes." in page and "1 change to what mcgov recorded" in page and "is listed in the appendix" in page


def test_a_human_observation_is_a_change_of_the_card_not_of_what_mcgov_recorded():
    human = FieldChange("evaluations", "e › evaluation_observation", "Parsing notes (...): a", "Reviewed by B.")
    notes = FieldChange("evaluations", "e › evaluation_observation", "Parsing notes (...): a", "Parsing notes: b")
    assert not recorded_by_mcgov(human) and recorded_by_mcgov(notes)
    assert recorded_by_mcgov(FieldChange("additional_information", "custom_details.mcgov.x", None, "1"))
    assert not recorded_by_mcgov(FieldChange("additional_information", "custom_details.owner", None, "mcgov.x"))
