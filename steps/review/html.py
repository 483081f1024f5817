"""A card as one self-contained HTML page: inline CSS and SVG, no script, no fetch of any kind (pure).

A Content-Security-Policy meta tag forbids scripts and every network load, so even a browser that met
something the escaping missed would neither run it nor call out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcgov.steps.assess.assessment import Assessment
from mcgov.steps.review.charts import chart
from mcgov.steps.review.diff_render import render_diff_html
from mcgov.steps.review.formatting import exact, html_text, is_number, number, scalar_text, shorten
from mcgov.steps.review.layout import build_view
from mcgov.steps.review.view import (
    Approval,
    Block,
    CardInfo,
    CardView,
    Coverage,
    CoverageRow,
    Evaluation,
    Field,
    Fields,
    Generated,
    Metric,
    MetricGroup,
    Note,
    Prose,
    Table,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
:root{--ink:#1b1f24;--muted:#5b6570;--line:#d8dde3;--accent:#1f4e79;--note:#fff7e0;--note-line:#e0b84a}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#f6f7f9}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:980px;margin:0 auto;padding:24px 28px 40px;background:#fff}
header h1{margin:0 0 4px;font-size:1.7em}
h2{margin:32px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--accent);font-size:1.3em;color:var(--accent)}
h3{margin:22px 0 8px;font-size:1.1em}
h4{margin:16px 0 6px;font-size:1em;color:var(--muted)}
nav ol{display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:10px 0 0;list-style:none;font-size:.9em}
nav a{color:var(--accent)}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:.93em}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f3f6;font-weight:600}
table.fields th{width:30%}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font:.88em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.prose{white-space:pre-wrap;margin:4px 0 10px}
.badge{display:inline-block;padding:1px 10px;border-radius:10px;font-size:.85em;font-weight:600;background:#e8edf2}
.risk-high{background:#f8d7d3;color:#8a1c12}.risk-medium{background:#fdebc8;color:#7a4b00}
.risk-low{background:#d9f0dc;color:#1d5e28}
.note{margin:6px 0 12px;padding:6px 10px;background:var(--note);border-left:4px solid var(--note-line)}
.note{font-size:.9em;white-space:pre-wrap}
.note strong{margin-right:6px}
.charts{display:flex;flex-wrap:wrap;gap:14px}
figure.chart{margin:4px 0 10px;padding:8px;border:1px solid var(--line);border-radius:4px;max-width:100%}
figure.chart svg{display:block;max-width:100%;height:auto}
figcaption{font-size:.88em;color:var(--muted);max-width:480px}
figcaption strong{color:var(--ink)}
svg text{font-family:system-ui,Arial,sans-serif;font-size:11px}
svg text:not([fill]){fill:#333}
svg text.axis-name{font-size:12px;font-weight:600}
svg text.auc{font-size:13px;font-weight:700;fill:#1f4e79}
details.chart-data summary{cursor:pointer;font-size:.85em;color:var(--muted)}
.evaluation{border-top:1px solid var(--line);margin-top:18px}
.changes .added{color:#1d5e28}.changes .removed{color:#8a1c12}
.empty{color:var(--muted);font-style:italic}
.approval{margin:18px 0 0;padding:8px 14px 4px;border:1px solid var(--line);background:#fbeeec}
.approval{border-left:6px solid #8a1c12}
.approval h2{margin:0 0 4px;border:0;font-size:1.1em;color:var(--ink)}
.approval p{margin:0 0 8px;font-weight:600}
.approval-approved{border-left-color:#1d5e28;background:#eaf5ec}
.approval-unknown{border-left-color:#5b6570;background:#f0f3f6}
.approval table{background:#fff}
details.appendix{margin-top:36px;padding:8px 12px;border:1px solid var(--line);border-radius:4px;background:#fafbfc}
details.appendix>summary{cursor:pointer;font-weight:600;color:var(--accent)}
details.appendix h3{font-size:1em}
.coverage-score{font-weight:600}
table.coverage{table-layout:fixed}
table.coverage thead th:nth-child(1){width:15%}table.coverage thead th:nth-child(2){width:18%}
table.coverage thead th:nth-child(3){width:16%}table.coverage thead th:nth-child(4){width:11%}
table.coverage td.status{font-weight:600}
table.coverage code{overflow-wrap:normal}
.status-covered{color:#1d5e28}.status-partial{color:#7a4b00}.status-missing{color:#8a1c12}
.status-not_evidenced_by_card{color:var(--muted)}
tr.not-evidenced td{color:var(--muted)}
footer{margin-top:18px;padding-top:10px;border-top:2px solid var(--line);font-size:.85em;color:var(--muted)}
@page{size:A4;margin:14mm}
@media print{
 body{background:#fff;font-size:10.5pt}
 .page{max-width:none;padding:0}
 nav,details.chart-data{display:none}
 h2,h3,h4{break-after:avoid}
 figure.chart,.note,tr{break-inside:avoid}
 a{color:inherit;text-decoration:none}
}
""".strip()


def _e(text: Any) -> str:
    return html_text(text)


def render_html(
    content: Any,
    *,
    info: CardInfo | None = None,
    diff: Any = None,
    generated_at: datetime | None = None,
    assessment: Assessment | None = None,
) -> str:
    """The HTML page of card ``content``; ``diff`` (a ``CardDiff``) adds a "Changes" section at the top,
    ``assessment`` (of ``content`` against a framework) a "Coverage" section after the card's, and
    ``generated_at`` (the caller's clock, so a test can pin it) goes in the footer."""
    view = build_view(content, info, generated_at=generated_at, diff=diff, assessment=assessment)
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{_e(view.title)} · model card</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n",
        '<div class="page">\n',
    ]
    out.append(_header(view, view.changes is not None))
    out.append("<main>\n")
    out.append(_approval(view.approval))
    if view.changes is not None:
        recorded = f'<p class="recorded-changes">{_e(view.changes_note)}</p>\n' if view.changes_note else ""
        out.append(
            f'<section id="changes" class="changes">\n<h2>Changes</h2>\n{render_diff_html(view.changes)}{recorded}'
            "</section>\n"
        )
    for section in view.sections:
        out.append(f'<section id="{_e(section.key)}" data-section="{_e(section.key)}">\n<h2>{_e(section.title)}</h2>\n')
        out.append("".join(_block(b) for b in section.blocks))
        out.append("</section>\n")
    if not view.sections:
        out.append('<p class="empty">The card holds no content yet.</p>\n')
    if view.coverage is not None:
        out.append(_coverage(view.coverage))
    out.append("</main>\n")
    out.append(_appendix(view.appendix))
    out.append(_footer(view.generated))
    out.append("</div>\n</body>\n</html>\n")
    return "".join(out)


def _header(view: CardView, with_changes: bool) -> str:
    risk = ""
    if view.risk_rating:
        risk = (
            f' <span class="badge risk-{_e(view.risk_rating.lower())}" title="Risk rating">'
            f"Risk: {_e(view.risk_rating)}</span>"
        )
    links = (
        [("approval", "Approval")]
        + ([("changes", "Changes")] if with_changes else [])
        + [(s.key, s.title) for s in view.sections]
        + ([("coverage", "Coverage")] if view.coverage is not None else [])
        + ([("appendix", "Appendix")] if view.appendix else [])
    )
    nav = "".join(f'<li><a href="#{_e(k)}">{_e(t)}</a></li>' for k, t in links)
    info = _fields_table(view.info) if view.info else ""
    return (
        f"<header>\n<h1>{_e(view.title)}</h1>\n<div>Model card{risk}</div>\n{info}<nav><ol>{nav}</ol></nav>\n"
        "</header>\n"
    )


def _approval(approval: Approval) -> str:
    rows = _fields_table(approval.rows) if approval.rows else ""
    return (
        f'<section id="approval" class="approval approval-{_e(approval.state.value)}" '
        f'data-approval="{_e(approval.state.value)}">\n<h2>Approval</h2>\n<p>{_e(approval.summary)}</p>\n{rows}'
        "</section>\n"
    )


def _coverage(coverage: Coverage) -> str:
    head = "".join(
        f'<th scope="col">{c}</th>' for c in ("Requirement", "Title", "Source", "Status", "Evidence", "Missing")
    )
    rows = "".join(_coverage_row(r) for r in coverage.rows)
    return (
        f'<section id="coverage" class="coverage" data-framework="{_e(coverage.framework)}" '
        f'data-score="{_e(coverage.score)}">\n<h2>Coverage: {_e(coverage.title)}</h2>\n'
        f'<p class="coverage-score"><span class="badge">Score {_e(coverage.score)}</span> against '
        f"<code>{_e(coverage.framework)}</code>: {_e(coverage.summary)}.</p>\n"
        f'<p class="coverage-source">Text: {_e(coverage.version)}, <code>{_e(coverage.url)}</code></p>\n'
        + _note(Note("Caveat", coverage.caveat))
        + f'<table class="coverage"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>\n</section>\n'
    )


def _path(path: str) -> str:
    """A content path in code, breakable after each dot (``<wbr>``) rather than inside a field name."""
    return "<code>" + _e(path).replace(".", ".<wbr>") + "</code>"


def _coverage_row(row: CoverageRow) -> str:
    evidence = "<br>".join(_path(path) for path in row.evidence)
    if row.reason is not None:
        missing, css = _e(row.reason), ' class="not-evidenced"'
    else:
        missing, css = "<br>".join(_path(path) for path in row.missing), ""
    return (
        f'<tr{css} data-requirement="{_e(row.id)}" data-status="{_e(row.status)}"><th scope="row">{_e(row.id)}</th>'
        f"<td>{_e(row.title)}</td><td>{_e(row.source)}</td>"
        f'<td class="status status-{_e(row.status)}">{_e(row.status_text)}</td>'
        f"<td>{evidence}</td><td>{missing}</td></tr>"
    )


def _appendix(blocks: tuple[Block, ...]) -> str:
    if not blocks:
        return ""
    return (
        '<details id="appendix" class="appendix">\n<summary>Appendix: how mcgov built this card '
        "(provenance, report hashes, parser notes)</summary>\n" + "".join(_block(b) for b in blocks) + "</details>\n"
    )


def _footer(generated: Generated) -> str:
    at = f" at {_e(generated.at)}" if generated.at else ""
    return (
        f'<footer id="generated">Generated by mcgov <span class="tool-version">{_e(generated.tool_version)}</span>'
        f"{at}.</footer>\n"
    )


def _value(field: Field) -> str:
    values = field.value if isinstance(field.value, tuple) else (field.value,)
    cells = [f"<code>{_e(v)}</code>" if field.code else _e(v) for v in values]
    return "<br>".join(cells)


def _fields_table(rows: tuple[Field, ...], css: str = "fields") -> str:
    body = "".join(f'<tr><th scope="row">{_e(r.label)}</th><td>{_value(r)}</td></tr>' for r in rows)
    return f'<table class="{css}"><tbody>{body}</tbody></table>\n'


def _block(block: Block, level: int = 3) -> str:
    if isinstance(block, Fields):
        title = f"<h{level + 1}>{_e(block.title)}</h{level + 1}>\n" if block.title else ""
        return title + _fields_table(block.rows)
    if isinstance(block, Prose):
        return f'<h{level + 1}>{_e(block.title)}</h{level + 1}>\n<p class="prose">{_e(block.text)}</p>\n'
    if isinstance(block, Note):
        return _note(block)
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{_e(c)}</th>' for c in block.columns)
        rows = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in block.rows)
        return (
            f"<h{level + 1}>{_e(block.title)}</h{level + 1}>\n"
            + "".join(_note(n) for n in block.notes)
            + f'<table class="records"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>\n'
        )
    if isinstance(block, MetricGroup):
        return _group(block, level)
    if isinstance(block, Evaluation):
        inner = "".join(_block(b, level + 1) for b in block.blocks)
        return (
            f'<article class="evaluation" data-evaluation="{_e(block.name)}">\n<h{level}>{_e(block.name)}</h{level}>\n'
            f"{inner}</article>\n"
        )
    raise TypeError(f"unknown block {type(block).__name__}")


def _note(note: Note) -> str:
    css = "note-" + "-".join(note.kind.lower().split())
    return f'<aside class="note {_e(css)}"><strong>{_e(note.kind)}</strong>{_e(note.text)}</aside>\n'


def _group(group: MetricGroup, level: int) -> str:
    out = [f'<div class="metric-group" data-group="{_e(group.name)}">\n<h{level + 1}>{_e(group.name)}</h{level + 1}>\n']
    if group.charts:
        out.append('<div class="charts">\n' + "".join(_figure(m) for m in group.charts) + "</div>\n")
    if group.scalars:
        has_notes = any(m.notes for m in group.scalars)
        head = '<th scope="col">Metric</th><th scope="col">Value</th>' + (
            '<th scope="col">Notes</th>' if has_notes else ""
        )
        rows = "".join(_metric_row(m, has_notes) for m in group.scalars)
        out.append(f'<table class="metrics"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>\n')
    out.append("</div>\n")
    return "".join(out)


def _metric_row(metric: Metric, with_notes: bool) -> str:
    value = metric.value
    if is_number(value):
        cell = f'<td class="num" data-value="{_e(exact(value))}" title="{_e(exact(value))}">{_e(number(value))}</td>'
    else:
        text = value if isinstance(value, str) else scalar_text(value)
        code = not isinstance(value, (str, bool))
        shown = f"<code>{_e(shorten(text, 300))}</code>" if code else _e(text)
        cell = f'<td data-value="{_e(exact(value))}">{shown}</td>'
    notes = f'<td class="notes">{_e(metric.notes or "")}</td>' if with_notes else ""
    return (
        f'<tr data-metric="{_e(metric.name)}" data-type="{_e(metric.type)}"><th scope="row">{_e(metric.name)}</th>'
        f"{cell}{notes}</tr>"
    )


def _figure(metric: Metric) -> str:
    caption = [f"<strong>{_e(metric.name)}</strong>"]
    if metric.matrix is not None and metric.matrix.row_title:
        caption.append(
            f' · <span class="matrix-axes">rows: {_e(metric.matrix.row_title.lower())} class, '
            f"columns: {_e(str(metric.matrix.column_title).lower())} class</span>"
        )
    if metric.auc is not None:
        caption.append(
            f' · <span class="auc" data-value="{_e(exact(metric.auc.value))}">AUC {_e(number(metric.auc.value))}</span>'
            f' <span class="auc-source">({_e(metric.auc.source)})</span>'
        )
    note = f'<aside class="note note-reduction"><strong>Note</strong>{_e(metric.notes)}</aside>' if metric.notes else ""
    data = ""
    if metric.type == "linear_graph":
        rows = "".join(
            f'<tr><td class="num" data-value="{_e(exact(x))}">{_e(number(x))}</td>'
            f'<td class="num" data-value="{_e(exact(y))}">{_e(number(y))}</td></tr>'
            for x, y in metric.value
        )
        data = (
            f'<details class="chart-data"><summary>Data ({len(metric.value)} points)</summary>'
            f"<table><thead><tr><th>{_e(metric.x_axis or 'x')}</th><th>{_e(metric.y_axis or 'y')}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></details>"
        )
    return (
        f'<figure class="chart" data-metric="{_e(metric.name)}" data-type="{_e(metric.type)}">{chart(metric)}'
        f"<figcaption>{''.join(caption)}{note}{data}</figcaption></figure>\n"
    )
