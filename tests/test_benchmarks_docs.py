"""The figures of docs/performance.md and docs/reliability.md are exactly what ``benchmarks.docs`` renders from the
recorded run (``benchmarks/results.json``, written by ``python -m benchmarks --write-docs``): a hand-edited figure
fails."""

from __future__ import annotations

import json
import re

import pytest

from benchmarks.docs import BLOCK, DOCS, RESULTS, MissingBlockError, render_blocks, replace_blocks

# A measured-looking figure (a number with a unit of time, size or ratio) outside the generated blocks.
LOOSE_FIGURE = re.compile(r"(?<![\w.-])\d[\d,]*(\.\d+)?\s?(x|ms|s|MiB|KiB|B|chars|%)(?![\w-])")


@pytest.fixture(scope="module")
def blocks() -> dict[str, dict[str, str]]:
    assert RESULTS.exists(), "benchmarks/results.json is missing: run `make bench BENCH_FLAGS=--write-docs` once"
    return render_blocks(json.loads(RESULTS.read_text(encoding="utf-8")))


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_doc_figures_are_the_recorded_run(doc: str, blocks: dict[str, dict[str, str]]) -> None:
    text = DOCS[doc].read_text(encoding="utf-8")
    assert text == replace_blocks(text, blocks[doc], source=doc), (
        f"docs/{DOCS[doc].name} differs from benchmarks/results.json: run `python -m benchmarks --write-docs`"
    )


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_no_figure_outside_the_generated_blocks(doc: str) -> None:
    outside = BLOCK.sub("", DOCS[doc].read_text(encoding="utf-8"))
    assert [m.group(0) for m in LOOSE_FIGURE.finditer(outside)] == []


def test_a_hand_edited_figure_is_detected(blocks: dict[str, dict[str, str]]) -> None:
    text = DOCS["performance"].read_text(encoding="utf-8")
    summary = next(m for m in BLOCK.finditer(text) if m.group("name") == "summary")
    digit = re.search(r"\d", summary.group("body"))
    assert digit is not None
    at = summary.start("body") + digit.start()
    edited = text[:at] + str((int(text[at]) + 1) % 10) + text[at + 1 :]
    assert replace_blocks(edited, blocks["performance"]) == text != edited


def test_a_missing_or_unknown_block_is_refused(blocks: dict[str, dict[str, str]]) -> None:
    text = DOCS["reliability"].read_text(encoding="utf-8")
    with pytest.raises(MissingBlockError, match="missing"):
        replace_blocks(BLOCK.sub("", text, count=1), blocks["reliability"])
    with pytest.raises(MissingBlockError, match="unknown"):
        replace_blocks(text + "<!-- bench:start stray -->\n<!-- bench:end -->\n", blocks["reliability"])
