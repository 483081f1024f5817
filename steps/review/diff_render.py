"""A ``CardDiff`` as plain text, GitHub Markdown, JSON-ready data or an HTML fragment (pure).

Card text in every line (names, paths, values, labels) shows hidden characters escaped (``mcgov.text.visible``),
so an ESC sequence or a bidi override written into a card cannot repaint the terminal or hide a change.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from mcgov.steps.review.diff import SECTIONS, CardDiff, FieldChange, MetricChange, ParameterChange
from mcgov.steps.review.formatting import html_text, is_number, md_code, md_text, number, shorten, signed
from mcgov.text import visible


def diff_to_dict(diff: CardDiff) -> dict[str, Any]:
    """The diff as JSON-ready data, with each metric's status."""
    data = asdict(diff)
    for item, change in zip(data["metrics"], diff.metrics, strict=False):
        item["status"] = change.status
    data["unchanged"] = diff.unchanged
    return data


def _pair(old: Any, new: Any) -> tuple[str, str]:
    """Both values as text; numbers get more digits when four would hide the change."""
    if is_number(old) and is_number(new):
        for digits in (4, 8, 17):
            a, b = number(old, digits), number(new, digits)
            if a != b or old == new:
                return a, b
    return _show(old), _show(new)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if is_number(value):
        return number(value)
    if isinstance(value, str):
        return json.dumps(shorten(value, 100), ensure_ascii=False)
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return f"{len(value)}×{len(value[0]) if isinstance(value[0], list) else 0} values"
    return shorten(json.dumps(value, ensure_ascii=False, sort_keys=True), 100)


def _delta(change: MetricChange) -> str:
    return f" ({signed(change.delta)})" if change.delta is not None and change.delta != 0 else ""


def metric_line(change: MetricChange) -> str:
    """``scope › group › auc 0.9512 -> 0.9634 (+0.0122)``."""
    where = f"{change.scope} › {change.group} › {change.name}"
    if change.status == "added":
        return f"{where}: added {_show(change.new)}"
    if change.status == "removed":
        return f"{where}: removed (was {_show(change.old)})"
    old, new = _pair(change.old, change.new)
    return f"{where} {old} -> {new}{_delta(change)}"


def _parameter_line(change: ParameterChange) -> str:
    prefix = "user-provided hyperparameter" if change.list.startswith("user_") else "hyperparameter"
    if change.old is None:
        return f"{prefix} {change.name}: added {_show(change.new)}"
    if change.new is None:
        return f"{prefix} {change.name}: removed (was {_show(change.old)})"
    return f"{prefix} {change.name}: {_show(change.old)} -> {_show(change.new)}"


def field_line(change: FieldChange) -> str:
    """``path: old -> new`` (or added, removed)."""
    if change.old is None:
        return f"{change.path}: added {_show(change.new)}"
    if change.new is None:
        return f"{change.path}: removed (was {_show(change.old)})"
    old, new = _pair(change.old, change.new)
    return f"{change.path}: {old} -> {new}"


def _sections(diff: CardDiff) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(kind, line)]) per section with changes; kind is added/removed/changed."""
    out = []
    for key, title in SECTIONS:
        fields, metrics = diff.in_section(key)
        lines: list[tuple[str, str]] = []
        if key == "evaluations":
            lines += [("added", f"evaluation added: {n}") for n in diff.evaluations_added]
            lines += [("removed", f"evaluation removed: {n}") for n in diff.evaluations_removed]
        if key == "training":
            lines += [(_kind(c.old, c.new), _parameter_line(c)) for c in diff.hyperparameters]
        lines += [
            (c.status, metric_line(c))
            for c in metrics
            if key != "evaluations" or c.scope not in diff.evaluations_added + diff.evaluations_removed
        ]
        lines += [(_kind(c.old, c.new), field_line(c)) for c in fields]
        if lines:
            out.append((title, [(kind, visible(line)) for kind, line in lines]))
    return out


def _kind(old: Any, new: Any) -> str:
    return "added" if old is None else "removed" if new is None else "changed"


def render_diff_text(diff: CardDiff) -> str:
    head = f"Card diff: {visible(diff.old_label)} -> {visible(diff.new_label)}\n"
    if diff.unchanged:
        return head + "No changes.\n"
    body = "".join(f"\n{title}\n" + "".join(f"  {line}\n" for _, line in lines) for title, lines in _sections(diff))
    return head + body


def render_diff_markdown(diff: CardDiff, *, heading: str = "##") -> str:
    """GitHub Markdown: one heading per section, metric changes as a table (fit for a PR comment)."""
    out = [f"{heading} Card diff: {md_text(diff.old_label)} → {md_text(diff.new_label)}\n"]
    if diff.unchanged:
        return out[0] + "\nNo changes.\n"
    for key, title in SECTIONS:
        fields, metrics = diff.in_section(key)
        parts: list[str] = []
        if key == "evaluations":
            parts += [f"- **added** evaluation {md_code(n)}" for n in diff.evaluations_added]
            parts += [f"- **removed** evaluation {md_code(n)}" for n in diff.evaluations_removed]
            metrics = tuple(m for m in metrics if m.scope not in diff.evaluations_added + diff.evaluations_removed)
        if parts:
            parts.append("")
        if metrics:
            parts += ["| Metric | Old | New | Change |", "| --- | ---: | ---: | ---: |"]
            for c in metrics:
                old, new = _pair(c.old, c.new) if c.status == "changed" else (_show(c.old), _show(c.new))
                change = signed(c.delta) if c.delta is not None else c.status
                name = " › ".join(md_text(p) for p in (c.scope, c.group, c.name))
                parts.append(f"| {name} | {md_text(old)} | {md_text(new)} | {md_text(change)} |")
            parts.append("")
        rows = (
            [(_parameter_line(c).split(":")[0], _show(c.old), _show(c.new)) for c in diff.hyperparameters]
            if key == "training"
            else []
        )
        rows += [(f.path, *_pair(f.old, f.new)) for f in fields]
        if rows:
            parts += ["| Field | Old | New |", "| --- | --- | --- |"]
            parts += [f"| {md_text(a)} | {md_text(b)} | {md_text(c)} |" for a, b, c in rows]
            parts.append("")
        if parts:
            out.append(f"\n{heading}# {title}\n\n" + "\n".join(parts))
    return "".join(out).rstrip("\n") + "\n"


def render_diff_html(diff: CardDiff) -> str:
    """An HTML fragment (escaped) for the "Changes" section of a rendered card."""
    old, new = html_text(diff.old_label), html_text(diff.new_label)
    head = f"<p>Compared with <strong>{old}</strong> (this page: {new}).</p>\n"
    if diff.unchanged:
        return head + '<p class="empty">No changes.</p>\n'
    parts = [head]
    for title, lines in _sections(diff):
        items = "".join(f'<li class="{kind}">{html_text(line)}</li>' for kind, line in lines)
        parts.append(f"<h3>{html_text(title)}</h3>\n<ul>{items}</ul>\n")
    return "".join(parts)
