"""Every real report in ../shared, built into a whole card with a training job and the template, is valid content."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mcgov.steps.card.service import CardSources, build_card
from tests.conftest import CASES, REPO

TEMPLATE = str(REPO / "examples" / "churn" / "card-template.yaml")
JOB = CASES / "sdk-describe-training-job" / "describe_training_job.json"
NEGATIVE = {"sdk-issue-4772-empty-explainability"}


def _reports() -> list[Path]:
    if not CASES.exists():
        return []
    return sorted(p for p in CASES.glob("*/input.json") if p.parent.name not in NEGATIVE)


@pytest.mark.skipif(not CASES.exists(), reason="../shared/real-world/cases is absent")
def test_there_are_real_reports():
    assert len(_reports()) >= 12


@pytest.mark.parametrize("report", _reports(), ids=lambda p: p.parent.name)
def test_whole_card_from_a_real_report_is_valid(report: Path, strict_schema):
    content = build_card(CardSources(training_job_path=str(JOB), evaluations=(str(report),), template=TEMPLATE))
    jsonschema.validate(content, strict_schema)
    entry = content["evaluation_details"][0]
    assert entry["metadata"]["mcgov.source"] == str(report) and entry["metric_groups"]
    assert all(len(g["name"]) <= 63 for g in entry["metric_groups"])
    assert len(json.dumps(content, separators=(",", ":"))) <= 100_000


@pytest.mark.skipif(not CASES.exists(), reason="../shared/real-world/cases is absent")
def test_all_real_reports_in_one_card_is_valid_and_entries_are_unique(strict_schema):
    content = build_card(CardSources(evaluations=tuple(str(p) for p in _reports())))
    jsonschema.validate(content, strict_schema)
    names = [e["name"] for e in content["evaluation_details"]]
    assert len(names) == len(set(names)) == len(_reports())
