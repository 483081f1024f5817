"""The inventory as a terminal table and as one self-contained HTML page (pure).

The page loads nothing: inline CSS, one inline script allowed by its sha256 in the Content-Security-Policy (no other
script can run, no request can leave), and every text from a card, a tag or AWS goes through ``mcgov.text``
(``html_text``: hidden characters shown escaped, then HTML-escaped). The script only sorts and filters the rows the
page already holds; it reads no card data as code.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from mcgov.steps.inventory.rows import ApprovalState, CardRow, HubState, Inventory, ShareState
from mcgov.steps.review.formatting import html_text
from mcgov.steps.version import __version__
from mcgov.text import visible

SCRIPT = """
(() => {
  const table = document.getElementById('cards');
  const body = table.tBodies[0];
  const rows = [...body.rows];
  const text = document.getElementById('filter');
  const selects = [...document.querySelectorAll('select[data-filter]')];
  const shown = document.getElementById('shown');
  const apply = () => {
    const words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let count = 0;
    for (const row of rows) {
      const hay = row.dataset.search;
      const ok = words.every((w) => hay.includes(w)) &&
        selects.every((s) => !s.value || row.dataset[s.dataset.filter] === s.value);
      row.hidden = !ok;
      if (ok) count += 1;
    }
    shown.textContent = String(count);
  };
  text.addEventListener('input', apply);
  for (const s of selects) s.addEventListener('change', apply);
  for (const cell of document.querySelectorAll('#summary [data-pick]')) {
    cell.addEventListener('click', () => {
      const select = document.querySelector(`select[data-filter="${cell.dataset.pick}"]`);
      if (select) { select.value = cell.dataset.value; apply(); }
    });
  }
  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((th, column) => {
    th.addEventListener('click', () => {
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const key = (row) => row.cells[column].dataset.sort;
      const numeric = th.dataset.type === 'number';
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      for (const row of rows) body.appendChild(row);
    });
  });
  apply();
})();
""".strip()

SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_HASH}'; base-uri 'none'; "
    "form-action 'none'"
)

CSS = """
:root{--ink:#1b1f24;--muted:#5b6570;--line:#d8dde3;--accent:#1f4e79}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#f6f7f9}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.page{margin:0 auto;padding:20px 24px 36px;background:#fff;max-width:1600px}
h1{margin:0 0 4px;font-size:1.6em}
h2{margin:24px 0 8px;font-size:1.15em;color:var(--accent)}
.meta{color:var(--muted);margin:0 0 6px}
table{border-collapse:collapse;font-size:.93em}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f3f6;font-weight:600}
#summary{display:flex;flex-wrap:wrap;gap:10px 24px}
#summary table td[data-pick]{cursor:pointer}
#summary table td.count{text-align:right;font-variant-numeric:tabular-nums}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:8px 0}
#cards{width:100%}
#cards thead th{cursor:pointer;position:sticky;top:0}
#cards th[aria-sort=ascending]::after{content:" \\25b2"}
#cards th[aria-sort=descending]::after{content:" \\25bc"}
.state{display:inline-block;padding:0 8px;border-radius:9px;font-weight:600;white-space:nowrap;background:#e8edf2}
.good{background:#d9f0dc;color:#1d5e28}.wait{background:#fdebc8;color:#7a4b00}.bad{background:#f8d7d3;color:#8a1c12}
.detail{display:block;color:var(--muted);font-size:.88em;white-space:pre-wrap}
details.detail summary{cursor:pointer}
.name{white-space:nowrap}
code{font:.88em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
footer{margin-top:18px;color:var(--muted);font-size:.85em}
""".strip()

_GOOD = {
    ShareState.ASSOCIATED.value,
    ApprovalState.VALID.value,
    HubState.CURRENT.value,
    "ALLOWED",
}
_WAIT = {ShareState.PENDING.value, HubState.STALE.value, "PENDING", ShareState.NOT_SHARED.value, "unknown"}
_NEUTRAL = {ApprovalState.NONE.value, ShareState.OTHER_POLICY.value}


def _e(text: Any) -> str:
    return html_text("" if text is None else text)


def _tone(state: str) -> str:
    if state in _GOOD:
        return "good"
    if state in _WAIT:
        return "wait"
    return "" if state in _NEUTRAL else "bad"


def _badge(state: str, tone: str | None = None) -> str:
    return f'<span class="state {_tone(state) if tone is None else tone}">{_e(state)}</span>'


def _columns(inventory: Inventory) -> list[tuple[str, str, str]]:
    """(key, title, type) of each column; a column's filter attribute is ``data-f<index>`` (stage names are the
    policy's: they never become attribute names)."""
    columns = [("name", "Card", "text"), ("status", "Status", "text"), ("version", "Version", "number")]
    columns.append(("approval", "Approval", "text"))
    for stage in inventory.policy.stages:
        columns.append((f"stage-{stage}", f"Share: {stage}", "text"))
        columns.append((f"decision-{stage}", f"Last decision: {stage}", "text"))
    if inventory.hub:
        columns.append(("hub", "Hub copy", "text"))
    return columns


def _why(text: str | None) -> str:
    """The gate's reasons, folded: a row stays one line high until someone opens them."""
    return f'<details class="detail"><summary>why</summary>{_e(text)}</details>' if text else ""


def _cells(row: CardRow, inventory: Inventory) -> list[tuple[str, str, str]]:
    """(filter value, sort key, inner HTML) per column of ``row``."""
    card = row.card
    approval = row.approval
    who = approval.record.approver if approval.record else ""
    allowed = {True: "", False: " (not in approvers)", None: ""}[approval.approver_allowed]
    cells = [
        ("", card.name, f'<span class="name" title="{_e(card.arn)}">{_e(card.name)}</span>'),
        (card.status, card.status, f'<span class="name">{_e(card.status)}</span>'),
        ("", str(card.version or 0), _e(card.version if card.version is not None else "-")),
        (
            approval.state.value,
            approval.state.value,
            _badge(approval.state.value)
            + (f'<span class="detail">{_e(who)}{_e(allowed)}</span>' if who else "")
            + _why(approval.problem),
        ),
    ]
    for stage in inventory.policy.stages:
        share = row.stages[stage]
        detail = "\n".join(share.problems)
        eligible = "" if share.eligible else '<span class="detail">status below the stage</span>'
        cells.append(
            (
                share.state.value,
                share.state.value,
                _badge(share.state.value) + eligible + _why(detail),
            )
        )
        decision = row.decisions.get(stage)
        status = decision.status if decision else "unknown"
        when = f'<span class="detail">{_e(decision.checked_at)}</span>' if decision and decision.checked_at else ""
        title = f' title="{_e(decision.reason)}"' if decision and decision.reason else ""
        cells.append((status, status, f"<span{title}>{_badge(status)}</span>{when}"))
    if inventory.hub:
        hub = row.hub
        if hub is None:
            cells.append(("", "", '<span class="detail">not a hub copy</span>'))
        else:
            prov = hub.provenance
            cells.append(
                (
                    hub.state.value,
                    hub.state.value,
                    _badge(hub.state.value) + f'<span class="detail">{_e(prov.source_arn)} v{_e(prov.source_version)}, '
                    f"synced {_e(prov.synced_at)}</span>" + _why(hub.detail),
                )
            )
    return cells


def _summary(inventory: Inventory) -> str:
    summary = inventory.summary()
    tables = [("Status", "status", summary["status"]), ("Approval", "approval", summary["approval"])]
    for stage in inventory.policy.stages:
        tables.append((f"Share: {stage}", f"stage-{stage}", summary["stages"][stage]))
        tables.append((f"Last decision: {stage}", f"decision-{stage}", summary["last_decision"][stage]))
    if inventory.hub:
        tables.append(("Hub copies", "hub", summary["hub"]))
    index = {key: i for i, (key, _, _) in enumerate(_columns(inventory))}

    def tone(key: str) -> str | None:
        return "" if key == "status" else None

    out = [f'<section id="summary" data-cards="{summary["cards"]}">\n']
    for title, key, counts in tables:
        body = "".join(
            f'<tr><td data-pick="f{index[key]}" data-value="{_e(state)}">{_badge(state, tone(key))}</td>'
            f'<td class="count" data-count="{count}">{count}</td></tr>'
            for state, count in counts.items()
        )
        out.append(
            f'<table data-summary="{_e(key)}"><thead><tr><th colspan="2">{_e(title)}</th></tr></thead>'
            f"<tbody>{body or '<tr><td colspan=2>none</td></tr>'}</tbody></table>\n"
        )
    out.append("</section>\n")
    return "".join(out)


def _filters(inventory: Inventory) -> str:
    summary = inventory.summary()
    choices: dict[str, list[str]] = {"status": list(summary["status"]), "approval": list(summary["approval"])}
    for stage in inventory.policy.stages:
        choices[f"stage-{stage}"] = list(summary["stages"][stage])
        choices[f"decision-{stage}"] = list(summary["last_decision"][stage])
    if inventory.hub:
        choices["hub"] = list(summary["hub"])
    columns = {key: (index, title) for index, (key, title, _) in enumerate(_columns(inventory))}
    selects = "".join(
        f'<label>{_e(columns[key][1])} <select data-filter="f{columns[key][0]}"><option value="">any</option>'
        + "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
        + "</select></label>"
        for key, values in choices.items()
    )
    return (
        '<div class="filters"><label>Filter <input id="filter" type="search" placeholder="name, ARN, approver...">'
        f'</label>{selects}<span><span id="shown">{len(inventory.rows)}</span> of {len(inventory.rows)} cards'
        "</span></div>\n"
    )


def render_html(inventory: Inventory) -> str:
    """The inventory page: header, summary (counts per state; a click filters), filters, the sortable table."""
    policy = inventory.policy
    columns = _columns(inventory)
    head = "".join(
        f'<th data-key="{_e(key)}" data-type="{typ}" scope="col">{_e(title)}</th>' for key, title, typ in columns
    )
    body = []
    for row in inventory.rows:
        cells = _cells(row, inventory)
        attrs = "".join(f' data-f{index}="{_e(value)}"' for index, (value, _, _) in enumerate(cells) if value)
        search = " ".join([row.card.name, row.card.arn, row.approval.record.approver if row.approval.record else ""])
        tds = "".join(f'<td data-sort="{_e(sort)}">{html}</td>' for _, sort, html in cells)
        body.append(f'<tr data-arn="{_e(row.card.arn)}" data-search="{_e(search.lower())}"{attrs}>{tds}</tr>\n')
    when = inventory.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    source = inventory.decision_source or "none (no decision source given)"
    notes = "".join(f'<p class="meta">{_e(note)}</p>\n' for note in inventory.notes)
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            '<meta name="referrer" content="no-referrer">\n',
            f"<title>Model card inventory · {_e(policy.policy_id)}</title>\n<style>\n{CSS}\n</style>\n</head>\n",
            '<body>\n<div class="page">\n<header>\n',
            f'<h1>Model card inventory</h1>\n<p class="meta">Policy <code>{_e(policy.policy_id)}</code>, '
            f"account {_e(policy.card_account)}, {_e(policy.region)}"
            f"{' (hub copies)' if inventory.hub else ''}; last decisions from: {_e(source)}</p>\n{notes}",
            "</header>\n<main>\n<h2>Summary</h2>\n",
            _summary(inventory),
            "<h2>Cards</h2>\n",
            _filters(inventory),
            f'<table id="cards">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{"".join(body)}</tbody>\n</table>\n',
            f"</main>\n<footer>Generated by mcgov {_e(__version__)} at {when}.</footer>\n</div>\n",
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n",
        ]
    )


def render_table(inventory: Inventory) -> str:
    """Counts per state, then one line per card: status, version, approval, each stage's share state and last
    decision, and the hub copy's state (hidden characters shown escaped)."""
    summary = inventory.summary()
    policy = inventory.policy
    lines = [
        f"inventory: policy {policy.policy_id}: {summary['cards']} card(s) in {policy.card_account} "
        f"{policy.region}{' (hub copies)' if inventory.hub else ''}; last decisions from "
        f"{inventory.decision_source or 'no source'}",
        "",
        "approval: " + _line(summary["approval"]),
    ]
    for stage in policy.stages:
        lines.append(f"{stage}: " + _line(summary["stages"][stage]))
    if inventory.hub:
        lines.append("hub copies: " + _line(summary["hub"]))
    header = ["CARD", "STATUS", "VER", "APPROVAL", *(s.upper() for s in policy.stages), "LAST DECISION"]
    if inventory.hub:
        header.append("HUB")
    table = [header]
    for row in inventory.rows:
        decided = ", ".join(f"{s}:{d.status}" for s, d in row.decisions.items() if d) or "-"
        cells = [
            row.card.name,
            row.card.status,
            str(row.card.version if row.card.version is not None else "-"),
            row.approval.state.value,
            *(row.stages[s].state.value for s in policy.stages),
            decided,
        ]
        if inventory.hub:
            cells.append(row.hub.state.value if row.hub else "-")
        table.append([visible(c) for c in cells])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines.append("")
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines += [f"note: {note}" for note in inventory.notes]
    return "".join(visible(line) + "\n" for line in lines)


def _line(counts: dict[str, int]) -> str:
    return ", ".join(f"{state} {count}" for state, count in counts.items()) or "none"
