"""The runtime core (Lambda handlers, `mcgov`) imports boto3 + pydantic only: never sagemaker, stepfunctions or moto."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from mcgov.steps.stack.lambda_package import HANDLERS  # every handler module the Lambda artefact ships
from tests.conftest import REPO

FORBIDDEN = ("sagemaker", "stepfunctions", "moto")


def _loaded_after(modules: list[str]) -> set[str]:
    code = (
        "import json, sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return set(json.loads(out.stdout))


def test_handlers_and_cli_never_load_the_authoring_sdks_or_moto():
    assert "mcgov.steps.handlers.hub_sync" in HANDLERS
    loaded = _loaded_after([*HANDLERS, "mcgov.steps.cli.main"])
    assert not loaded & set(FORBIDDEN)
    assert {"boto3", "pydantic"} <= loaded


def test_gate_lambdas_do_not_load_the_content_models_parsers_or_yaml():
    code = (
        "import sys\nimport mcgov.steps.handlers.check_gate\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith(('mcgov.steps.card.content', 'mcgov.steps.card.evaluation', 'yaml'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_no_runtime_source_imports_them():
    pattern = re.compile(r"^\s*(import|from)\s+(sagemaker|stepfunctions|moto)\b", re.M)
    offenders = [
        str(p.relative_to(REPO))
        for folder in ("mcgov", "steps", "share_policies")
        for p in (REPO / folder).rglob("*.py")
        if pattern.search(p.read_text())
    ]
    assert offenders == []
