"""Write the shipped ASL files (``mcgov/steps/workflow/*.asl.json``) from the code that authors them.

``python -m mcgov.pipelines.asl_files`` (``make asl``, in the v2 venv: the governance workflow is authored with the
stepfunctions SDK, which imports under sagemaker v2 only) rewrites them; ``--check`` exits 1 when one is stale.
The files hold the default settings and ``${Name}`` substitution variables.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from mcgov.pipelines.hub_workflow import build_hub_definition
from mcgov.pipelines.workflow import build_workflow_definition
from mcgov.steps.workflow.definition import GOVERNANCE_FILE, HUB_FILE

AUTHORS: dict[str, Callable[[], dict[str, Any]]] = {
    GOVERNANCE_FILE: build_workflow_definition,
    HUB_FILE: build_hub_definition,
}


def render(definition: dict[str, Any]) -> str:
    """A definition as the text of its file: pretty JSON, sorted keys, one final newline."""
    return json.dumps(definition, indent=2, sort_keys=True) + "\n"


def package_dir() -> Path:
    """The folder of the package data (``steps/workflow`` of the source tree in an editable install)."""
    return Path(str(resources.files("mcgov.steps.workflow")))


def stale(folder: Path) -> dict[Path, str]:
    """The files of ``folder`` whose text differs from what the authoring code renders now, with that text."""
    wanted = {folder / name: render(author()) for name, author in AUTHORS.items()}
    return {path: text for path, text in wanted.items() if not path.exists() or path.read_text() != text}


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the shipped ASL files."""
    parser = argparse.ArgumentParser(prog="python -m mcgov.pipelines.asl_files")
    parser.add_argument("--check", action="store_true", help="exit 1 instead of writing when a file is stale")
    args = parser.parse_args(argv)
    outdated = stale(package_dir())
    for path, text in outdated.items():
        if args.check:
            print(f"stale: {path.name} (run make asl)", file=sys.stderr)
        else:
            path.write_text(text)
            print(f"wrote {path.name}")
    return 1 if args.check and outdated else 0


if __name__ == "__main__":
    sys.exit(main())
