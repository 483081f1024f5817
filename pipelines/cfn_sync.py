"""Keep the generated parts of ``cloudformation/governance.yaml`` equal to their sources.

The state machine equals ``build_workflow_definition()``; the ``PythonRuntime`` parameter's default equals the
Lambda runtime named in ``lambda-runtime.txt`` (the one runtime the package is built for).
``python -m mcgov.pipelines.cfn_sync`` rewrites the ``Definition:`` and runtime ``Default:`` lines in place (one-line
JSON, valid YAML); ``python -m mcgov.pipelines.cfn_sync --check`` exits 1 when the template is stale. Also writes the stand-alone
state-machine template ``cloudformation/state-machine.json`` (functions deployed elsewhere).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from mcgov.pipelines.workflow import build_workflow_definition, cloudformation_template

REPO_ROOT = Path(__file__).resolve().parents[1]
GOVERNANCE_TEMPLATE = REPO_ROOT / "cloudformation" / "governance.yaml"
STATE_MACHINE_TEMPLATE = REPO_ROOT / "cloudformation" / "state-machine.json"
LAMBDA_RUNTIME_FILE = REPO_ROOT / "lambda-runtime.txt"
_DEFINITION_LINE = re.compile(r"^(?P<indent>\s+)Definition: .*$", re.MULTILINE)
_RUNTIME_DEFAULT = re.compile(r"^(?P<head>  PythonRuntime:\n(?:    .*\n)*?    Default: ).*$", re.MULTILINE)


def lambda_runtime() -> str:
    """The Lambda runtime (``python3.12``) named in ``lambda-runtime.txt``."""
    return LAMBDA_RUNTIME_FILE.read_text().strip()


def render_governance(text: str, runtime: str | None = None) -> str:
    """``text`` with its ``Definition:`` line replaced by the current ASL (substitution variables) and the
    ``PythonRuntime`` default set to ``runtime`` (default: ``lambda-runtime.txt``)."""
    definition = json.dumps(build_workflow_definition(None), sort_keys=True, separators=(", ", ": "))
    matches = _DEFINITION_LINE.findall(text)
    if len(matches) != 1:
        raise ValueError(f"expected exactly one 'Definition:' line in the template, found {len(matches)}; restore it as '      Definition: {{}}'.")
    if len(_RUNTIME_DEFAULT.findall(text)) != 1:
        raise ValueError("expected one 'PythonRuntime' parameter with a 'Default:' line in the template.")
    text = _RUNTIME_DEFAULT.sub(lambda m: f"{m.group('head')}{runtime or lambda_runtime()}", text)
    return _DEFINITION_LINE.sub(lambda m: f"{m.group('indent')}Definition: {definition}", text)


def render_state_machine_template() -> str:
    """Stand-alone state-machine template as pretty JSON."""
    return json.dumps(cloudformation_template(), indent=2, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the generated parts of the CloudFormation templates."""
    parser = argparse.ArgumentParser(prog="python -m mcgov.pipelines.cfn_sync")
    parser.add_argument("--check", action="store_true", help="exit 1 instead of writing when a template is stale")
    args = parser.parse_args(argv)
    current = GOVERNANCE_TEMPLATE.read_text()
    wanted = {GOVERNANCE_TEMPLATE: render_governance(current), STATE_MACHINE_TEMPLATE: render_state_machine_template()}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(REPO_ROOT)} (run python -m mcgov.pipelines.cfn_sync)", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
