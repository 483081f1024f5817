"""Rendered cards opened in headless Chromium, as a reviewer would: every real-world case, a hostile card, all at once.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: NUL-separated JSON on
fds 3 and 4), so the test needs only the stdlib and Debian's ``chromium`` package, which ``.ci/run`` installs.
For each page: no console error, no network request, every chart an SVG with a non-empty box, and the metric
values in the DOM equal to the card's. For an auditor: every heatmap count is readable on its cell (WCAG AA, from
the computed style), the appendix is collapsed, the approval block and the generated-at footer are shown.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.assess.assessment import assess
from mcgov.steps.assess.framework import load_framework
from mcgov.steps.card.service import CardSources, build_card
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.review.chart_math import fits_chart
from mcgov.steps.review.html import render_html
from mcgov.steps.review.view import CardInfo
from mcgov.steps.version import __version__
from tests.conftest import CASES, REPO
from tests.test_review_render import hostile_card

NEGATIVE = {"sdk-issue-4772-empty-explainability"}
JOB = CASES / "sdk-describe-training-job" / "describe_training_job.json"
TEMPLATE = REPO / "examples" / "churn" / "card-template.yaml"
INSTALL = "apt-get update && apt-get install -y chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--remote-debugging-pipe",
)
TIMEOUT = 30.0

PROBE = """(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  const charts = [...document.querySelectorAll('figure.chart')].map((f) => {
    const svg = f.firstElementChild;
    const line = svg && svg.querySelector('polyline');
    const group = f.closest('[data-group]'), entry = f.closest('[data-evaluation]');
    return {evaluation: entry ? entry.dataset.evaluation : null, group: group ? group.dataset.group : null,
            metric: f.dataset.metric, type: f.dataset.type, tag: svg && svg.tagName.toLowerCase(),
            box: svg ? box(svg) : [0, 0], points: line ? Number(line.dataset.points) : null,
            cells: [...f.querySelectorAll('rect.cell')].map((c) => c.dataset.value),
            bars: [...f.querySelectorAll('rect.bar')].map((c) => c.dataset.value),
            auc: f.querySelector('figcaption .auc') ? f.querySelector('figcaption .auc').dataset.value : null};
  });
  const metrics = [...document.querySelectorAll('tr[data-metric]')].map((tr) => {
    const cell = tr.querySelector('td[data-value]');
    const group = tr.closest('[data-group]'), entry = tr.closest('[data-evaluation]');
    return {evaluation: entry ? entry.dataset.evaluation : null, group: group ? group.dataset.group : null,
            metric: tr.dataset.metric, value: cell ? cell.dataset.value : null, text: cell ? cell.textContent : null};
  });
  return {charts, metrics, scripts: document.scripts.length, images: document.images.length,
          sections: [...document.querySelectorAll('section[data-section]')].map((s) => s.dataset.section),
          width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};
})()"""

# What an auditor looks at, as the browser computes it: each heatmap cell's fill and its count's fill, the
# appendix before and after opening it, the approval block and the footer.
AUDIT_PROBE = """(() => {
  const shown = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const heatmaps = [...document.querySelectorAll('figure.chart[data-type="matrix"]')].map((f) =>
    [...f.querySelectorAll('rect.cell')].map((rect) => {
      const text = f.querySelector(`text.count[data-row="${rect.dataset.row}"][data-col="${rect.dataset.col}"]`);
      return {value: Number(rect.dataset.value), cell: getComputedStyle(rect).fill,
              ink: text ? getComputedStyle(text).fill : null, shown: shown(text)};
    }));
  const axes = [...document.querySelectorAll('figure.chart[data-type="matrix"] text.axis-name')]
    .map((t) => [t.getAttribute('class'), t.textContent, shown(t)]);
  const details = document.querySelector('details#appendix');
  const inside = details && details.querySelector('table');
  const appendix = details && {open: details.open, summary: shown(details.querySelector('summary')),
                               closedShown: shown(inside)};
  if (details) { details.open = true; appendix.openedShown = shown(inside); details.open = false; }
  const approval = document.querySelector('#approval');
  const footer = document.querySelector('footer');
  return {heatmaps, axes, appendix,
          approval: approval && {state: approval.dataset.approval, text: approval.innerText, shown: shown(approval)},
          footer: footer && {text: footer.innerText, shown: shown(footer)}};
})()"""


class Chromium:
    """A headless Chromium driven over the DevTools pipe."""

    def __init__(self, executable: str, profile: str) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # the browser's ends move above fd 10 first, so that putting them on 3 and 4 cannot overwrite each other
        child_in, child_out = (
            fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10),
            fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)

        def wire() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,
            pass_fds=(3, 4),
        )
        os.close(child_in)
        os.close(child_out)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> None:
        if any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            return
        while True:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer within 30 s")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError(f"Chromium closed the DevTools pipe (exit code {self.proc.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url: str, probe: str = PROBE) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Load ``url`` in a new tab; return the ``probe``'s result and the tab's events."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        start = len(self.events)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        result = self.send("Runtime.evaluate", {"expression": probe, "returnByValue": True}, session=session)
        events = [e for e in self.events[start:] if e.get("sessionId") == session]
        self.send("Target.closeTarget", {"targetId": target})
        return result["result"]["value"], events

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError, TimeoutError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    executable = chromium_path()
    if executable is None:
        message = f"headless Chromium is needed to test rendered cards: install Debian's chromium ({INSTALL})"
        if not os.environ.get("CI"):
            pytest.skip(message)
        pytest.fail(message + "; .ci/run installs it before make test")
    with tempfile.TemporaryDirectory(prefix="mcgov-chromium-") as profile:
        chrome = Chromium(executable, profile)
        try:
            yield chrome
        finally:
            chrome.close()


def _reports() -> list[Path]:
    if not CASES.exists():
        return []
    return sorted(p for p in CASES.glob("*/input.json") if p.parent.name not in NEGATIVE)


def _problems(events: list[dict[str, Any]], url: str) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent" and params.get("request", {}).get("url") != url:
            found.append(f"network request: {params['request']['url']}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(f"console {params['type']}: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params.get('exceptionDetails')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            found.append(f"log error: {params['entry'].get('text')}")
    return found


def _check_page(browser: Chromium, content: dict[str, Any], tmp_path: Path, name: str) -> dict[str, Any]:
    page = tmp_path / f"{name}.html"
    page.write_text(render_html(content, info=CardInfo(name=name)), encoding="utf-8")
    url = page.as_uri()
    dom, events = browser.open(url)
    assert _problems(events, url) == []
    assert dom["scripts"] == 0 and dom["images"] == 0
    order = ["overview", "intended_uses", "business_details", "training", "evaluations", "additional_information"]
    assert dom["sections"] == [s for s in order if s in dom["sections"]]  # reviewer order, empty ones left out
    assert {"overview", "training", "evaluations"} <= set(dom["sections"])
    for chart in dom["charts"]:
        assert chart["tag"] == "svg" and chart["box"][0] > 10 and chart["box"][1] > 10, chart
    _check_metrics(content, dom)
    return dom


def _check_metrics(content: dict[str, Any], dom: dict[str, Any]) -> None:
    charts = {(c["evaluation"], c["group"], c["metric"]): c for c in dom["charts"]}
    rows = {(r["evaluation"], r["group"], r["metric"]): r for r in dom["metrics"]}
    checked = 0
    for entry in content.get("evaluation_details", []):
        for group in entry.get("metric_groups", []):
            for m in group["metric_data"]:
                if m["type"] in ("linear_graph", "bar_chart", "matrix") and fits_chart(m["type"], m["value"]):
                    chart = charts[(entry["name"], group["name"], m["name"])]
                    assert chart["type"] == m["type"]
                    if m["type"] == "matrix":
                        assert [json.loads(v) for v in chart["cells"]] == [c for row in m["value"] for c in row]
                    elif m["type"] == "bar_chart":
                        assert [json.loads(v) for v in chart["bars"]] == m["value"]
                    else:
                        assert chart["points"] == len(m["value"])
                else:
                    row = rows[(entry["name"], group["name"], m["name"])]
                    assert json.loads(row["value"]) == m["value"]
                    if isinstance(m["value"], (int, float)) and not isinstance(m["value"], bool):
                        assert float(row["text"]) == pytest.approx(m["value"], rel=5e-4, abs=1e-12)
                checked += 1
    job = content.get("training_details", {}).get("training_job_details", {})
    for m in job.get("training_metrics", []):
        row = rows[(None, "Final metrics of the training job", m["name"])]
        assert json.loads(row["value"]) == m["value"]
        checked += 1
    assert checked == len(dom["charts"]) + len(dom["metrics"]) - _untracked(dom)


def _untracked(dom: dict[str, Any]) -> int:
    """Rows the card check above does not walk (user-provided training metrics)."""
    return sum(1 for r in dom["metrics"] if r["group"] == "Training metrics (user provided)")


def test_chromium_is_installed_for_ci():
    if os.environ.get("CI"):
        assert chromium_path(), f"CI needs Debian's chromium: {INSTALL}"


@pytest.mark.skipif(not CASES.exists(), reason="../shared/real-world/cases is absent")
@pytest.mark.parametrize("report", _reports(), ids=lambda p: p.parent.name)
def test_real_world_case_renders_cleanly_in_chromium(report: Path, browser, tmp_path):
    content = build_card(CardSources(training_job_path=str(JOB), evaluations=(str(report),), template=str(TEMPLATE)))
    dom = _check_page(browser, content, tmp_path, report.parent.name)
    assert dom["metrics"] or dom["charts"]


@pytest.mark.skipif(not CASES.exists(), reason="../shared/real-world/cases is absent")
def test_every_case_in_one_card_renders_cleanly_in_chromium(browser, tmp_path):
    content = build_card(
        CardSources(training_job_path=str(JOB), evaluations=tuple(str(p) for p in _reports()), template=str(TEMPLATE))
    )
    dom = _check_page(browser, content, tmp_path, "all-cases")
    assert {"linear_graph", "bar_chart", "matrix"} <= {c["type"] for c in dom["charts"]}
    assert dom["width"] <= 1400


def test_churn_example_shows_roc_with_its_auc(browser, tmp_path):
    examples = REPO / "examples" / "churn"
    content = build_card(
        CardSources(
            training_job_path=str(examples / "describe_training_job.json"),
            evaluations=(str(examples / "evaluation.json"),),
            template=str(TEMPLATE),
        )
    )
    dom = _check_page(browser, content, tmp_path, "churn")
    roc = next(c for c in dom["charts"] if c["metric"] == "receiver_operating_characteristic_curve")
    assert json.loads(roc["auc"]) == 0.9512


def test_hostile_card_runs_nothing_and_loads_nothing_in_chromium(browser, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_card()), encoding="utf-8")
    dom, events = browser.open(page.as_uri())
    assert _problems(events, page.as_uri()) == []
    assert dom["scripts"] == 0 and dom["images"] == 0
    assert all(c["tag"] == "svg" and c["box"][0] > 10 for c in dom["charts"])


def _luminance(rgb: str) -> float:
    """WCAG 2.x relative luminance of a computed colour ``rgb(r, g, b)``."""
    assert rgb.startswith("rgb(") and rgb.endswith(")"), rgb
    channels = [int(c) / 255 for c in rgb[4:-1].split(",")]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_wcag_contrast_of_the_test_itself():
    assert _contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)") == pytest.approx(21.0)
    assert _contrast("rgb(51, 51, 51)", "rgb(8, 48, 107)") == pytest.approx(1.01, abs=0.01)  # the old bug: #333 on navy
    assert _contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


def _churn() -> dict[str, Any]:
    examples = REPO / "examples" / "churn"
    return build_card(
        CardSources(
            training_job_path=str(examples / "describe_training_job.json"),
            evaluations=(str(examples / "evaluation.json"),),
            template=str(TEMPLATE),
            pipeline_execution_arn="arn:aws:sagemaker:us-east-1:111111111111:pipeline/churn/execution/abc123",
        )
    )


def _largest_cell(heatmap: list[dict[str, Any]]) -> dict[str, Any]:
    return max(heatmap, key=lambda c: abs(c["value"]))


def test_an_auditor_reads_the_largest_count_the_approval_and_the_footer(browser, tmp_path):
    content = _churn()
    record = ApprovalRecord(
        version=3,
        content_sha256=content_sha256(content),
        approver="arn:aws:sts::111111111111:assumed-role/reviewer/alice",
        approved_at="2026-03-04T05:06:07Z",
        note="risk review PR 12",
    )
    info = CardInfo(
        name="churn-xgboost",
        arn="arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-xgboost",
        version=3,
        status="Approved",
        approval=record,
    )
    page = tmp_path / "audit.html"
    at = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    page.write_text(render_html(content, info=info, generated_at=at), encoding="utf-8")
    dom, events = browser.open(page.as_uri(), AUDIT_PROBE)
    assert _problems(events, page.as_uri()) == []

    (heatmap,) = dom["heatmaps"]
    largest = _largest_cell(heatmap)
    assert largest["value"] == 812 and largest["shown"]
    assert _contrast(largest["ink"], largest["cell"]) >= 4.5, largest
    assert all(_contrast(c["ink"], c["cell"]) >= 4.5 for c in heatmap), heatmap
    assert [a[1:] for a in dom["axes"]] == [["Predicted", True], ["Actual", True]]

    assert dom["appendix"] == {"open": False, "summary": True, "closedShown": False, "openedShown": True}

    approval = dom["approval"]
    assert approval["state"] == "approved" and approval["shown"]
    for value in (record.approver, record.approved_at, record.note, record.content_sha256, "Approved version\t3"):
        assert value in approval["text"], value
    assert dom["footer"]["shown"] and dom["footer"]["text"] == (
        f"Generated by mcgov {__version__} at 2026-05-06 07:08:09 UTC."
    )


def test_the_contrast_check_catches_css_that_overrides_the_cell_ink(browser, tmp_path):
    """The check reads the computed style: the rule that caused the bug (``svg text{fill:#333}``) fails it."""
    page = tmp_path / "bug.html"
    html = render_html(_churn())
    assert "svg text:not([fill]){fill:#333}" in html
    page.write_text(html.replace("svg text:not([fill]){fill:#333}", "svg text{fill:#333}"), encoding="utf-8")
    dom, _ = browser.open(page.as_uri(), AUDIT_PROBE)
    largest = _largest_cell(dom["heatmaps"][0])
    assert largest["ink"] == "rgb(51, 51, 51)" and _contrast(largest["ink"], largest["cell"]) < 4.5


@pytest.mark.skipif(not CASES.exists(), reason="../shared/real-world/cases is absent")
def test_every_heatmap_of_the_real_world_cases_is_readable(browser, tmp_path):
    content = build_card(
        CardSources(training_job_path=str(JOB), evaluations=tuple(str(p) for p in _reports()), template=str(TEMPLATE))
    )
    page = tmp_path / "all-cases-audit.html"
    page.write_text(render_html(content, info=CardInfo(name="all-cases")), encoding="utf-8")
    dom, _ = browser.open(page.as_uri(), AUDIT_PROBE)
    assert dom["heatmaps"] and dom["approval"]["state"] == "none" and dom["appendix"]["closedShown"] is False
    for heatmap in dom["heatmaps"]:
        worst = min(heatmap, key=lambda c: _contrast(c["ink"], c["cell"]))
        assert _contrast(worst["ink"], worst["cell"]) >= 4.5, worst


COVERAGE_PROBE = """(() => {
  const shown = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const section = document.querySelector('section#coverage');
  const rows = [...document.querySelectorAll('section#coverage tr[data-requirement]')];
  const link = document.querySelector('nav a[href="#coverage"]');
  return {shown: shown(section), framework: section && section.dataset.framework,
          score: section && section.dataset.score,
          badge: section && section.querySelector('.badge').innerText, link: shown(link),
          width: section ? section.getBoundingClientRect().width : 0,
          rows: rows.map((tr) => ({id: tr.dataset.requirement, status: tr.dataset.status, shown: shown(tr),
                                   cells: [...tr.children].map((c) => c.innerText)})),
          pageWidth: document.documentElement.scrollWidth};
})()"""


def test_the_coverage_section_is_visible_with_every_requirement(browser, tmp_path):
    content = _churn()
    assessment = assess(content, load_framework("eu-ai-act-annex-iv"))
    page = tmp_path / "coverage.html"
    page.write_text(render_html(content, info=CardInfo(name="churn"), assessment=assessment), encoding="utf-8")
    dom, events = browser.open(page.as_uri(), COVERAGE_PROBE)
    assert _problems(events, page.as_uri()) == []
    assert dom["shown"] and dom["link"] and dom["framework"] == "eu-ai-act-annex-iv" and dom["score"] == "0.76"
    assert dom["badge"] == "Score 0.76" and dom["width"] > 600 and dom["pageWidth"] <= 1400
    assert [r["id"] for r in dom["rows"]] == [r.requirement.id for r in assessment.results]
    assert all(r["shown"] and len(r["cells"]) == 6 for r in dom["rows"])
    rows = {r["id"]: r for r in dom["rows"]}
    assert rows["IV.1(a).version"]["cells"][3:] == [
        "missing",
        "",
        "model_overview.model_version or model_package_details.model_package_version",
    ]
    hardware = rows["IV.1(b)"]
    assert hardware["status"] == "not_evidenced_by_card" and hardware["cells"][3] == "not evidenced by a card"
    assert hardware["cells"][5].startswith("A model card describes the model")
