"""The inventory page in headless Chromium (driven as tests/test_review_browser.py drives it): the summary shows the
counts per state, the table sorts and filters, nothing loads from anywhere, and hostile names stay text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcgov.steps.inventory.render import render_html
from mcgov.steps.reconcile.run import reconcile
from tests.test_inventory import World, hostile_inventory, make_cards
from tests.test_review_browser import _problems, browser  # noqa: F401 - ``browser`` is the module's Chromium fixture

PROBE = """(() => {
  const visible = () => [...document.querySelectorAll('#cards tbody tr')].filter((r) => !r.hidden);
  const names = () => visible().map((r) => r.cells[0].innerText);
  const summary = {};
  for (const table of document.querySelectorAll('#summary table[data-summary]')) {
    const cells = [...table.querySelectorAll('td[data-pick]')];
    summary[table.dataset.summary] = Object.fromEntries(
      cells.map((td) => [td.dataset.value, Number(td.nextElementSibling.dataset.count)]));
  }
  const out = {summary, rows: visible().length, shown: document.getElementById('shown').textContent,
               scripts: document.scripts.length, images: document.images.length, loaded: names()};
  const card = document.querySelector('#cards thead th');
  card.click(); out.ascending = names();
  card.click(); out.descending = names(); out.sortState = card.getAttribute('aria-sort');
  const prod = [...document.querySelectorAll('select[data-filter]')]
    .find((s) => s.parentElement.textContent.startsWith('Share: prod'));
  prod.value = 'not shared'; prod.dispatchEvent(new Event('change'));
  out.notShared = {rows: visible().length, shown: document.getElementById('shown').textContent};
  prod.value = ''; prod.dispatchEvent(new Event('change'));
  const text = document.getElementById('filter');
  text.value = 'OK-'; text.dispatchEvent(new Event('input'));
  out.text = names();
  text.value = ''; text.dispatchEvent(new Event('input'));
  const pick = document.querySelector('#summary table[data-summary="approval"] td[data-pick][data-value="missing"]');
  pick.click();
  const chosen = document.querySelector(`select[data-filter="${pick.dataset.pick}"]`);
  out.picked = {rows: visible().length, select: chosen.value};
  return out;
})()"""


def test_summary_sort_and_filters_in_chromium(browser, emulator: Any, card_session: Any, tmp_path: Path) -> None:  # noqa: F811
    world = World(emulator, card_session)
    approved = make_cards(["ok-a", "ok-b"], "Approved")
    make_cards(["lost-approval"], "Approved")
    make_cards([f"draft-{i}" for i in range(5)], "PendingReview")
    for arn in approved:
        world.approve(arn)
    reconcile(world.ram, world.sm, world.policy)
    inventory, _ = world.inventory()
    page = tmp_path / "inventory.html"
    page.write_text(render_html(inventory), encoding="utf-8")

    dom, events = browser.open(page.as_uri(), PROBE)
    assert _problems(events, page.as_uri()) == []
    assert dom["scripts"] == 1 and dom["images"] == 0
    summary = inventory.summary()
    assert dom["summary"]["approval"] == summary["approval"] == {"missing": 1, "none": 5, "valid": 2}
    assert dom["summary"]["status"] == summary["status"]
    for stage in ("staging", "prod"):
        key = f"stage-{stage}"
        assert dom["summary"][key] == summary["stages"][stage]
        assert dom["summary"][f"decision-{stage}"] == {"unknown": 8}
    assert dom["rows"] == 8 and dom["shown"] == "8"
    names = sorted(r.card.name for r in inventory.rows)
    assert dom["loaded"] == names and dom["ascending"] == names
    assert dom["descending"] == names[::-1] and dom["sortState"] == "descending"
    assert (
        dom["notShared"] == {"rows": 5, "shown": "5"} == {"rows": summary["stages"]["prod"]["not shared"], "shown": "5"}
    )
    assert sorted(dom["text"]) == ["ok-a", "ok-b"]
    assert dom["picked"] == {"rows": 1, "select": "missing"}


HOSTILE_PROBE = """(() => ({
  scripts: document.scripts.length, images: document.images.length,
  name: document.querySelector('#cards tbody td').innerText,
  approval: document.querySelector('#cards tbody td:nth-child(4)').innerText,
  title: document.title, attrs: [...document.querySelectorAll('[onmouseover],[onerror]')].length,
  rows: document.querySelectorAll('#cards tbody tr').length,
}))()"""


def test_hostile_names_and_tags_stay_text_in_chromium(browser, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_inventory()), encoding="utf-8")
    dom, events = browser.open(page.as_uri(), HOSTILE_PROBE)
    assert _problems(events, page.as_uri()) == []
    assert not [e for e in events if e.get("method") == "Page.javascriptDialogOpening"]
    assert dom["scripts"] == 1 and dom["images"] == 0 and dom["attrs"] == 0 and dom["rows"] == 1
    assert dom["name"].startswith("<script>alert(1)</script>\\x1b[31m\\u202egnp.exe")
    assert '" onmouseover="alert(2)' in dom["approval"]
