"""A card as GitHub-flavoured Markdown: the same sections as the HTML page, metrics as tables (pure).

Card text is escaped so it can open no link, image, HTML tag or code block in a PR comment. Charts become
tables: a curve is summarised (points, range, AUC), a bar chart and a matrix are given cell by cell.
"""

from __future__ import annotations

from typing import Any

from mcgov.steps.review.diff_render import render_diff_markdown
from mcgov.steps.review.formatting import is_number, md_code, md_text, number, scalar_text, shorten
from mcgov.steps.review.layout import (
    Block,
    CardInfo,
    Evaluation,
    Field,
    Fields,
    Metric,
    MetricGroup,
    Note,
    Prose,
    Table,
    build_view,
)


def render_markdown(content: Any, *, info: CardInfo | None = None, diff: Any = None) -> str:
    """The Markdown of card ``content``; ``diff`` (a ``CardDiff``) adds a "Changes" section first."""
    view = build_view(content, info)
    out = [f"# {md_text(view.title)}\n"]
    if view.risk_rating:
        out.append(f"\n**Risk rating:** {md_text(view.risk_rating)}\n")
    if view.info:
        out.append("\n" + _fields(view.info))
    if diff is not None:
        body = render_diff_markdown(diff, heading="##").split("\n", 1)[1]
        out.append(
            f"\n## Changes\n\nCompared with **{md_text(diff.old_label)}** (this page: {md_text(diff.new_label)}).\n{body}"
        )
    for section in view.sections:
        out.append(f"\n## {md_text(section.title)}\n")
        body = "".join(_block(b, 3) for b in section.blocks)
        out.append(body or "\n_Nothing recorded._\n")
    out.append("\n## Provenance\n")
    out.append("\n" + _fields(view.provenance) if view.provenance else "\n_The card records no provenance._\n")
    return "".join(out)


def _cell(field: Field) -> str:
    values = field.value if isinstance(field.value, tuple) else (field.value,)
    return "<br>".join(md_code(v) if field.code else md_text(v) for v in values)


def _fields(rows: tuple[Field, ...]) -> str:
    lines = ["| Field | Value |", "| --- | --- |"]
    lines += [f"| {md_text(r.label)} | {_cell(r)} |" for r in rows]
    return "\n".join(lines) + "\n"


def _table(
    columns: tuple[str, ...] | list[str], rows: list[tuple[str, ...]] | tuple[tuple[str, ...], ...], align: str = "---"
) -> str:
    lines = ["| " + " | ".join(md_text(c) for c in columns) + " |", "| " + " | ".join(align for _ in columns) + " |"]
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _block(block: Block, level: int) -> str:
    h = "#" * min(level, 6)
    if isinstance(block, Fields):
        title = f"\n{h}# {md_text(block.title)}\n" if block.title else ""
        return title + "\n" + _fields(block.rows)
    if isinstance(block, Prose):
        return f"\n**{md_text(block.title)}**\n\n{md_text(block.text)}\n"
    if isinstance(block, Note):
        return f"\n> **{md_text(block.kind)}:** {md_text(block.text)}\n"
    if isinstance(block, Table):
        notes = "".join(_block(n, level) for n in block.notes)
        return f"\n{h}# {md_text(block.title)}\n{notes}\n" + _table(block.columns, block.rows)
    if isinstance(block, MetricGroup):
        return _group(block, level + 1)
    if isinstance(block, Evaluation):
        return f"\n{h} {md_text(block.name)}\n" + "".join(_block(b, level + 1) for b in block.blocks)
    raise TypeError(f"unknown block {type(block).__name__}")


def _group(group: MetricGroup, level: int) -> str:
    out = [f"\n{'#' * min(level, 6)} {md_text(group.name)}\n"]
    if group.scalars:
        has_notes = any(m.notes for m in group.scalars)
        columns = ["Metric", "Value"] + (["Notes"] if has_notes else [])
        rows = [(m.name, _scalar(m.value)) + ((m.notes or "",) if has_notes else ()) for m in group.scalars]
        out.append("\n" + _table(columns, rows))
    for metric in group.charts:
        out.append(_chart(metric))
    return "".join(out)


def _scalar(value: Any) -> str:
    return number(value) if is_number(value) else shorten(scalar_text(value), 300)


def _chart(metric: Metric) -> str:
    title = f"\n**{md_text(metric.name)}** ({md_text(metric.type.replace('_', ' '))})"
    note = f"\n\n> **Note:** {md_text(metric.notes)}" if metric.notes else ""
    if metric.type == "linear_graph":
        xs = [p[0] for p in metric.value]
        ys = [p[1] for p in metric.value]
        rows = [
            ("points", str(len(metric.value))),
            (f"{metric.x_axis or 'x'} range", f"{number(min(xs))} – {number(max(xs))}"),
            (f"{metric.y_axis or 'y'} range", f"{number(min(ys))} – {number(max(ys))}"),
        ]
        if metric.auc is not None:
            rows.append(("AUC", f"{number(metric.auc.value)} ({metric.auc.source})"))
        return f"{title}{note}\n\n" + _table(("Curve", "Value"), rows)
    if metric.type == "bar_chart":
        labels = (
            metric.x_axis
            if isinstance(metric.x_axis, list) and len(metric.x_axis) == len(metric.value)
            else [str(i) for i in range(len(metric.value))]
        )
        rows = [(str(label), number(v)) for label, v in zip(labels, metric.value)]
        return f"{title}{note}\n\n" + _table(("Bar", str(metric.y_axis or "Value")), rows)
    rows_axis, cols_axis = metric.x_axis, metric.y_axis
    n_rows, n_cols = len(metric.value), len(metric.value[0])
    if (
        not (isinstance(rows_axis, list) and len(rows_axis) == n_rows)
        and isinstance(cols_axis, list)
        and len(cols_axis) == n_rows
    ):
        rows_axis, cols_axis = cols_axis, rows_axis
    row_labels = (
        [str(r) for r in rows_axis]
        if isinstance(rows_axis, list) and len(rows_axis) == n_rows
        else [str(i) for i in range(n_rows)]
    )
    col_labels = (
        [str(c) for c in cols_axis]
        if isinstance(cols_axis, list) and len(cols_axis) == n_cols
        else [str(j) for j in range(n_cols)]
    )
    rows = [(label, *(number(c) for c in row)) for label, row in zip(row_labels, metric.value)]
    return f"{title}{note}\n\n" + _table(("", *col_labels), rows)
