"""Inline SVG charts for card metrics: line charts, horizontal bar charts and heatmaps (pure, stdlib only).

Drawing only: the numbers (ticks, ranges, AUC, matrix axes, colours) come from ``chart_math``. Every text that
comes from a card is escaped. Each chart is one ``<svg>`` with a ``viewBox`` so it scales to the page and prints
sharply; values are carried in ``data-value`` attributes for tools and tests.
"""

from __future__ import annotations

from mcgov.steps.review.chart_math import (
    axis_range,
    bar_labels,
    curve_kind,
    heat_fill,
    ink_on,
    matrix_axes,
    nice_ticks,
)
from mcgov.steps.review.formatting import exact, html_text, number, shorten
from mcgov.steps.review.view import Metric

_W, _H = 480, 320
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 16, 14, 50
_AXIS = "#555"
_GRID = "#e3e3e3"
_INK = "#1f4e79"


def _e(text: object) -> str:
    return html_text(text)


def _svg(width: float, height: float, title: str, body: list[str], kind: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {kind}" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def line_chart(metric: Metric) -> str:
    """A line chart with axes, tick labels, axis names and, for ROC curves, the chance diagonal."""
    points = [(float(x), float(y)) for x, y in metric.value]
    kind = curve_kind(metric.name, metric.x_axis, metric.y_axis)
    x0, x1 = axis_range([p[0] for p in points], unit=kind is not None)
    y0, y1 = axis_range([p[1] for p in points], unit=kind is not None)
    pw, ph = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def sx(x: float) -> float:
        return _LEFT + (x - x0) / (x1 - x0) * pw

    def sy(y: float) -> float:
        return _TOP + ph - (y - y0) / (y1 - y0) * ph

    body = [f'<rect x="{_LEFT}" y="{_TOP}" width="{pw}" height="{ph}" fill="#fff" stroke="{_AXIS}"/>']
    for t in nice_ticks(x0, x1):
        body.append(
            f'<line x1="{sx(t):.2f}" y1="{_TOP}" x2="{sx(t):.2f}" y2="{_TOP + ph}" stroke="{_GRID}"/>'
            f'<text x="{sx(t):.2f}" y="{_TOP + ph + 16}" text-anchor="middle" class="tick">{_e(number(t))}</text>'
        )
    for t in nice_ticks(y0, y1):
        body.append(
            f'<line x1="{_LEFT}" y1="{sy(t):.2f}" x2="{_LEFT + pw}" y2="{sy(t):.2f}" stroke="{_GRID}"/>'
            f'<text x="{_LEFT - 6}" y="{sy(t) + 4:.2f}" text-anchor="end" class="tick">{_e(number(t))}</text>'
        )
    if kind == "roc":
        body.append(
            f'<line x1="{sx(0):.2f}" y1="{sy(0):.2f}" x2="{sx(1):.2f}" y2="{sy(1):.2f}" stroke="#999" '
            'stroke-dasharray="4 4" class="chance"/>'
        )
    path = " ".join(f"{sx(x):.2f},{sy(y):.2f}" for x, y in points)
    body.append(
        f'<polyline points="{path}" fill="none" stroke="{_INK}" stroke-width="2" class="series" '
        f'data-points="{len(points)}"/>'
    )
    if len(points) <= 40:
        body += [f'<circle cx="{sx(x):.2f}" cy="{sy(y):.2f}" r="2.5" fill="{_INK}"/>' for x, y in points]
    if metric.auc is not None:
        body.append(
            f'<text x="{_LEFT + pw - 8}" y="{_TOP + ph - 10}" text-anchor="end" class="auc" '
            f'data-value="{_e(exact(metric.auc.value))}">AUC {_e(number(metric.auc.value))}</text>'
        )
    body.append(
        f'<text x="{_LEFT + pw / 2}" y="{_H - 10}" text-anchor="middle" class="axis-name">'
        f"{_e(shorten(str(metric.x_axis or 'x'), 63))}</text>"
    )
    body.append(
        f'<text x="14" y="{_TOP + ph / 2}" text-anchor="middle" class="axis-name" '
        f'transform="rotate(-90 14 {_TOP + ph / 2})">{_e(shorten(str(metric.y_axis or "y"), 63))}</text>'
    )
    return _svg(_W, _H, f"Line chart: {metric.name}", body, "line-chart")


def bar_chart(metric: Metric) -> str:
    """Horizontal bars, one a row, labelled with the class or bin and the value; a zero line when values cross 0."""
    values = [float(v) for v in metric.value]
    names = bar_labels(metric.x_axis, len(values))
    row, left, right, top = 22, 150, 70, 8
    width = 480
    height = top + row * len(values) + 30
    low, high = min(0.0, min(values)), max(0.0, max(values))
    span = (high - low) or 1.0
    pw = width - left - right

    def sx(v: float) -> float:
        return left + (v - low) / span * pw

    body: list[str] = []
    for i, (name, value, raw) in enumerate(zip(names, values, metric.value, strict=True)):
        y = top + i * row
        start, end = sorted((sx(0.0), sx(value)))
        body.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" class="bar-label"><title>{_e(name)}</title>'
            f"{_e(shorten(name, 24))}</text>"
            f'<rect x="{start:.2f}" y="{y + 3}" width="{max(end - start, 0.5):.2f}" height="{row - 6}" '
            f'fill="{_INK if value >= 0 else "#b5472d"}" class="bar" data-value="{_e(exact(raw))}"/>'
            f'<text x="{end + 4:.2f}" y="{y + 15}" class="bar-value">{_e(number(value))}</text>'
        )
    base = top + row * len(values)
    body.append(f'<line x1="{sx(0.0):.2f}" y1="{top}" x2="{sx(0.0):.2f}" y2="{base}" stroke="{_AXIS}"/>')
    body.append(
        f'<text x="{left + pw / 2}" y="{base + 22}" text-anchor="middle" class="axis-name">'
        f"{_e(shorten(str(metric.y_axis or 'value'), 63))}</text>"
    )
    return _svg(width, height, f"Bar chart: {metric.name}", body, "bar-chart")


def heatmap(metric: Metric) -> str:
    """A matrix as coloured cells with the count in each, in the ink that contrasts most with the cell; rows and
    columns labelled, and for a confusion matrix the axes named (actual / predicted)."""
    cells = [[float(c) for c in row] for row in metric.value]
    n_rows, n_cols = len(cells), len(cells[0])
    axes = metric.matrix or matrix_axes(metric.name, metric.notes, metric.value, metric.x_axis, metric.y_axis)
    size = max(18.0, min(56.0, 440.0 / max(n_rows, n_cols)))
    left = 110 if axes.row_title else 90
    top = 58 if axes.column_title else 40
    width, height = left + size * n_cols + 10, top + size * n_rows + 10
    peak = max((abs(c) for row in cells for c in row), default=0.0) or 1.0
    font = max(7.0, min(14.0, size / 3.2))
    body: list[str] = []
    if axes.column_title:
        body.append(
            f'<text x="{left + size * n_cols / 2:.2f}" y="16" text-anchor="middle" class="axis-name column-axis">'
            f"{_e(axes.column_title)}</text>"
        )
    if axes.row_title:
        middle = top + size * n_rows / 2
        body.append(
            f'<text x="14" y="{middle:.2f}" text-anchor="middle" class="axis-name row-axis" '
            f'transform="rotate(-90 14 {middle:.2f})">{_e(axes.row_title)}</text>'
        )
    for j, name in enumerate(axes.columns):
        x = left + (j + 0.5) * size
        body.append(
            f'<text x="{x:.2f}" y="{top - 8}" text-anchor="middle" class="tick"><title>{_e(name)}</title>'
            f"{_e(shorten(name, 8))}</text>"
        )
    for i, (name, row) in enumerate(zip(axes.rows, cells, strict=True)):
        y = top + i * size
        body.append(
            f'<text x="{left - 6}" y="{y + size / 2 + 4:.2f}" text-anchor="end" class="tick">'
            f"<title>{_e(name)}</title>{_e(shorten(name, 12))}</text>"
        )
        for j, value in enumerate(row):
            fill = heat_fill(abs(value) / peak)
            x = left + j * size
            body.append(
                f'<rect x="{x:.2f}" y="{y:.2f}" width="{size:.2f}" height="{size:.2f}" fill="{fill}" '
                f'stroke="#fff" class="cell" data-row="{i}" data-col="{j}" '
                f'data-value="{_e(exact(metric.value[i][j]))}"/>'
                f'<text x="{x + size / 2:.2f}" y="{y + size / 2 + font / 3:.2f}" text-anchor="middle" '
                f'font-size="{font:.1f}" fill="{ink_on(fill)}" class="count" data-row="{i}" data-col="{j}">'
                f"{_e(number(value))}</text>"
            )
    return _svg(width, height, f"Heatmap: {metric.name}", body, "heatmap")


def chart(metric: Metric) -> str:
    return {"linear_graph": line_chart, "bar_chart": bar_chart, "matrix": heatmap}[metric.type](metric)
