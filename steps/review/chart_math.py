"""The numbers behind the charts (pure, stdlib only): which values can be drawn, ROC/PR curves and their AUC,
a confusion matrix's axes, tick positions, and the heatmap's colours with text that stays readable on them.

Works on plain values (type strings, lists of numbers), so the view model and the SVG drawing both build on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mcgov.steps.review.formatting import is_number

CHART_TYPES = ("linear_graph", "bar_chart", "matrix")
# Inks for text on a heatmap cell: whichever has the higher WCAG contrast with the cell's fill is used.
LIGHT_INK = "#ffffff"
DARK_INK = "#000000"
_HEAT_LOW, _HEAT_HIGH = (247, 251, 255), (8, 48, 107)  # white to dark blue


@dataclass(frozen=True)
class Auc:
    """Area under a curve and where it comes from (a metric of the same group, or the trapezoid rule)."""

    value: float
    source: str


@dataclass(frozen=True)
class MatrixAxes:
    """A matrix's row and column labels and, for a confusion matrix, what the rows and the columns count."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    row_title: str | None = None
    column_title: str | None = None


def fits_chart(kind: str, value: Any) -> bool:
    """True when ``value`` has the shape a ``kind`` chart needs (otherwise it is shown as JSON in the table)."""
    if kind == "linear_graph":
        return (
            isinstance(value, list)
            and len(value) >= 1
            and all(isinstance(p, list) and len(p) == 2 and all(is_number(c) for c in p) for p in value)
        )
    if kind == "bar_chart":
        return isinstance(value, list) and len(value) >= 1 and all(is_number(v) for v in value)
    if kind == "matrix":
        return (
            isinstance(value, list)
            and len(value) >= 1
            and all(isinstance(r, list) and r for r in value)
            and len({len(r) for r in value}) == 1
            and all(is_number(c) for r in value for c in r)
        )
    return False


def curve_kind(name: str, x_axis: Any, y_axis: Any) -> str | None:
    """``roc`` or ``pr`` for a receiver-operating-characteristic or precision-recall curve, else ``None``."""
    text = " ".join(str(t).lower() for t in (name, x_axis, y_axis))
    if "receiver_operating" in text or "roc" in name.lower().replace("_", " ").split() or "false_positive" in text:
        return "roc"
    if "precision_recall" in text or ("recall" in text and "precision" in text):
        return "pr"
    return None


def names_auc(name: str, kind: str) -> bool:
    """Whether a scalar metric called ``name`` is the area under a ``kind`` (``roc`` or ``pr``) curve."""
    n = name.lower()
    if "standard_deviation" in n or "best_constant" in n:
        return False
    if kind == "pr":
        return any(t in n for t in ("pr_auc", "auc_pr", "aupr", "average_precision", "precision_recall_auc"))
    return n in ("auc", "roc_auc", "auc_roc", "auroc") or n.endswith(("roc_auc", ":auc", " auc"))


def curve_auc(kind: str, points: Sequence[Sequence[float]], group: Iterable[tuple[str, str, Any]]) -> Auc | None:
    """The AUC of a ``kind`` curve: the value of an AUC metric of the same ``group`` ((name, type, value)
    triples) when there is one, else the trapezoid rule over ``points``; ``None`` when that is not finite."""
    for name, metric_type, value in group:
        if metric_type in ("number", "") and is_number(value) and names_auc(name, kind):
            return Auc(float(value), f"metric “{name}” of the same group")
    ordered = sorted((float(x), float(y)) for x, y in points)
    area = sum((x1 - x0) * (y0 + y1) / 2 for (x0, y0), (x1, y1) in zip(ordered, ordered[1:], strict=False))
    if not math.isfinite(area):
        return None
    return Auc(area, f"trapezoid rule over the {len(ordered)} plotted points")


# "rows are predicted", "rows: predicted", "columns = actual" ... in a metric's name or notes.
_ROWS_PREDICTED = re.compile(
    r"\brows?\b\W{0,3}(?:are|is|=|:)?\W{0,3}(?:the\s+)?predict|\bcol(?:umn)?s?\b\W{0,3}(?:are|is|=|:)?\W{0,3}"
    r"(?:the\s+)?(?:actual|true|truth|ground)",
    re.IGNORECASE,
)


def matrix_axes(name: str, notes: str | None, value: list[list[Any]], x_axis: Any, y_axis: Any) -> MatrixAxes:
    """Row and column labels of a matrix metric: rows from ``x_axis_name``, columns from ``y_axis_name`` (the
    order the SageMaker Python SDK and ``steps/card/evaluation`` write them; swapped when only the other list
    fits the rows), numbers where no list fits.

    A confusion matrix (``confusion`` in its name) counts actual classes in rows and predicted classes in
    columns, as AWS's model quality metrics do (``{actual: {predicted: count}}``), unless its name or notes say
    that the rows are the predicted classes (or the columns the actual ones).
    """
    n_rows, n_cols = len(value), len(value[0])
    rows, cols = x_axis, y_axis
    if not _fits(rows, n_rows) and _fits(cols, n_rows):
        rows, cols = cols, rows
    row_labels = tuple(str(r) for r in rows) if _fits(rows, n_rows) else tuple(str(i) for i in range(n_rows))
    col_labels = tuple(str(c) for c in cols) if _fits(cols, n_cols) else tuple(str(j) for j in range(n_cols))
    if "confusion" not in name.lower():
        return MatrixAxes(row_labels, col_labels)
    if _ROWS_PREDICTED.search(f"{name} {notes or ''}".replace("_", " ")):
        return MatrixAxes(row_labels, col_labels, "Predicted", "Actual")
    return MatrixAxes(row_labels, col_labels, "Actual", "Predicted")


def bar_labels(x_axis: Any, count: int) -> tuple[str, ...]:
    """A bar chart's bar labels: ``x_axis_name`` when it names every bar, else the bars' indexes."""
    return tuple(str(a) for a in x_axis) if _fits(x_axis, count) else tuple(str(i) for i in range(count))


def _fits(axis: Any, count: int) -> bool:
    return isinstance(axis, list) and len(axis) == count


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick positions covering ``[low, high]``."""
    if high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        if value >= low - step * 1e-9:
            ticks.append(round(value, 12))
        value += step
    return ticks


def axis_range(values: list[float], unit: bool) -> tuple[float, float]:
    """The plotted range of ``values``: [0, 1] for a ``unit`` curve inside it, else padded by 5 %."""
    low, high = min(values), max(values)
    if unit and low >= 0 and high <= 1:
        return 0.0, 1.0
    if low == high:
        pad = abs(low) * 0.1 or 0.5
        return low - pad, high + pad
    pad = (high - low) * 0.05
    return low - pad, high + pad


def heat_fill(level: float) -> str:
    """The heatmap colour of a cell at ``level`` (0: the smallest magnitude, white; 1: the largest, dark blue)."""
    r, g, b = (round(a + (z - a) * level) for a, z in zip(_HEAT_LOW, _HEAT_HIGH, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of a ``#rrggbb`` colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def ink_on(fill: str) -> str:
    """The text colour for a ``fill`` background: light or dark, whichever contrasts more (at least 4.58:1)."""
    return max((LIGHT_INK, DARK_INK), key=lambda ink: contrast_ratio(ink, fill))
