"""The README's "Guarantees" table names real tests: every file exists, every named test (or name pattern) is
defined in the file the row names, and each row names at least one test file."""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _rows() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Guarantees\n", 1)[1].split("\n## ", 1)[0]
    return [
        line for line in section.splitlines() if line.startswith("| ") and not line.startswith(("| promise", "| ---"))
    ]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def _references(proof: str) -> list[tuple[str, list[str]]]:
    """(file glob, test-name patterns) for each `tests/...` reference; `::name` and (`name_*`) follow their file."""
    refs: list[tuple[str, list[str]]] = []
    for token in re.findall(r"`([^`]+)`", proof):
        if token.startswith("tests/"):
            path, _, name = token.partition("::")
            refs.append((path, [name] if name else []))
        elif token.startswith("::") and refs:
            refs[-1][1].append(token[2:])
        elif token.startswith("test_") and refs:
            refs[-1][1].append(token)
    return refs


def test_the_guarantees_table_has_rows() -> None:
    assert len(_rows()) >= 20


def test_every_guarantee_names_tests_that_exist() -> None:
    problems: list[str] = []
    for row in _rows():
        promise, proof = row.rsplit(" | ", 1)
        refs = _references(proof)
        if not refs:
            problems.append(f"no test named for: {promise[:60]}")
        for pattern, names in refs:
            files = sorted(REPO.glob(pattern.split(" ")[0]))
            if not files:
                problems.append(f"missing file {pattern}")
                continue
            defined = set().union(*(_tests_in(f) for f in files))
            problems += [f"{pattern}: no test {n}" for n in names if not fnmatch.filter(defined, n)]
    assert problems == []
