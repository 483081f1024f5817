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


def test_the_gate_evaluates_assessment_and_required_fields_without_the_content_models():
    """The conditions on content run on the path table (package data), not on the pydantic content model."""
    code = (
        "import json, sys\nimport mcgov.steps.handlers.check_gate\n"
        "from mcgov.share_policies.loader import parse_policy\n"
        "from mcgov.steps.assess.policy import check_policy_fields\n"
        "from mcgov.steps.gate.content_rules import content_problems\n"
        "policy = parse_policy({'version': 1, 'card_account': '111111111111', 'region': 'us-east-1',\n"
        "    'stages': {'prod': {'accounts': ['333333333333'], 'required_card_status': 'Approved',\n"
        "        'require_assessment': {'framework': 'eu-ai-act-annex-iv', 'min_score': 0.8}}},\n"
        "    'required_fields_by_risk_rating': {'High': ['evaluation_details[].datasets']},\n"
        "    'approvers': ['arn:aws:iam::111111111111:role/CardReviewer']})\n"
        "check_policy_fields(policy, source='p.yaml')\n"
        "card = {'ModelCardName': 'c', 'Content': json.dumps({'intended_uses': {'risk_rating': 'High'}})}\n"
        "problems = content_problems(policy, policy.stage('prod'), card)\n"
        "models = ('mcgov.steps.card.content', 'mcgov.steps.card.evaluation')\n"
        "print(json.dumps([len(problems), 'mcgov.steps.assess.checks' in sys.modules,\n"
        "    sorted(m for m in sys.modules if m.startswith(models))]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert json.loads(out.stdout) == [2, True, []]


def test_no_runtime_source_imports_them():
    pattern = re.compile(r"^\s*(import|from)\s+(sagemaker|stepfunctions|moto)\b", re.M)
    offenders = [
        str(p.relative_to(REPO))
        for folder in ("mcgov", "steps", "share_policies")
        for p in (REPO / folder).rglob("*.py")
        if pattern.search(p.read_text())
    ]
    assert offenders == []
