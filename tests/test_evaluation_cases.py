"""Every real-world case in ../shared/real-world/cases against the SDK v2 oracles."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_evaluation_support import CASES, assert_card_valid  # noqa: E402

from mcgov.errors import BadInputError
from mcgov.steps.card.evaluation.api import parse_report
from mcgov.steps.card.evaluation.clarify import bias_group_name, top_shap_text_group_name
from mcgov.steps.card.evaluation.differences import INTENTIONAL_DIFFERENCES

pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason=f"real-world cases not found at {CASES} (../shared absent)")


def _case_dirs() -> list[str]:
    if not CASES.is_dir():
        return []
    return sorted(d.name for d in CASES.iterdir() if (d / "input.json").exists())


def _oracle_dirs() -> list[str]:
    return [name for name in _case_dirs() if _expected_path(name) is not None]


def _expected_path(name: str) -> Path | None:
    for file_name in ("expected_metric_groups.json", "expected_metric_groups.derived.json"):
        if (CASES / name / file_name).exists():
            return CASES / name / file_name
    return None


def _load(name: str) -> object:
    return json.loads((CASES / name / "input.json").read_text())


def _canon(data: object) -> str:
    return json.dumps(data, sort_keys=True)


_V2_BIAS = re.compile(
    r"^(?P<s>(?:pre|post)_training_bias_metrics) - label (?P<l>.*?) = (?P<lv>.*?) and facet (?P<f>[^=]*)=(?P<v>.*)$"
)
_V2_TEXT = re.compile(r"^explanations - global_top_shap_text, label=(?P<l>[^,]*), feature=(?P<f>.*)$")


def _documented_rename(v2_name: str) -> str:
    """Apply the rename INTENTIONAL_DIFFERENCES documents to a v2 group name."""
    bias = _V2_BIAS.match(v2_name)
    if bias:
        return bias_group_name(bias["s"], bias["l"], bias["lv"], bias["f"], bias["v"])
    text = _V2_TEXT.match(v2_name)
    if text:
        return top_shap_text_group_name(text["l"], text["f"])
    return v2_name


def test_cases_are_present() -> None:
    assert len(_oracle_dirs()) >= 12


NEGATIVE_CASES = {"sdk-issue-4772-empty-explainability"}  # see test_empty_explainability_report_is_rejected


@pytest.mark.parametrize("name", [n for n in _case_dirs() if n not in NEGATIVE_CASES])
def test_every_case_parses_to_valid_card_content(name: str) -> None:
    report = parse_report(_load(name), source=name)
    assert report.metric_groups
    assert_card_valid(report.metric_groups)


@pytest.mark.parametrize("name", _oracle_dirs())
def test_matches_oracle_or_differs_exactly_as_documented(name: str) -> None:
    expected = json.loads(_expected_path(name).read_text())
    ours = parse_report(_load(name), source=name).to_dict()
    if name not in INTENTIONAL_DIFFERENCES:
        assert _canon(ours) == _canon(expected)
        return
    assert _canon(ours) != _canon(expected), f"{name} now equals the oracle: drop it from INTENTIONAL_DIFFERENCES"
    renamed = [{**g, "name": _documented_rename(g["name"])} for g in expected["metric_groups"]]
    assert _canon(ours) == _canon({"metric_groups": renamed})
    assert all(len(g["name"]) <= 63 for g in ours["metric_groups"])


def test_intentional_differences_name_real_cases() -> None:
    assert set(INTENTIONAL_DIFFERENCES) <= set(_oracle_dirs())


def test_sdk_bias_names_are_the_compact_form() -> None:
    names = [g["name"] for g in parse_report(_load("sdk-clarify-bias")).metric_groups]
    assert names == [
        "post_training_bias · Target=1 · Gender=0",
        "post_training_bias · Target=1 · Gender=1",
        "pre_training_bias · Target=1 · Gender=0",
    ]


def test_fraud_bias_null_metrics_are_recorded_with_their_error() -> None:
    report = parse_report(_load("clarify-fraud-bias-1"))
    skipped = [r for r in report.reductions if "skipped" in r]
    assert len(skipped) == 2
    assert any("'CDDPL'" in r and "Group variable is empty" in r for r in skipped)
    assert all(m["name"] not in ("CDDPL", "CDDL") for g in report.metric_groups for m in g["metric_data"])


def test_empty_explainability_report_is_rejected() -> None:
    data = _load("sdk-issue-4772-empty-explainability")
    for fmt in (None, "clarify-explainability", "Clarify Explainability"):
        with pytest.raises(BadInputError, match="empty"):
            parse_report(data, fmt=fmt, source="analysis.json")


def test_invalid_json_docs_example_is_rejected() -> None:
    text = (CASES / "awsdocs-clarify-pdp-INVALID-json" / "analysis_fragment_verbatim.txt").read_text()
    with pytest.raises(BadInputError, match="not valid JSON .*line"):
        parse_report(text, source="analysis.json")
    with pytest.raises(BadInputError, match="not valid JSON"):
        parse_report(text.encode(), fmt="clarify-explainability")


def test_sdk_mm_regression_ignores_version_and_dataset() -> None:
    report = parse_report(_load("sdk-mm-regression"))
    assert report.format == "model-monitor"
    assert [g["name"] for g in report.metric_groups] == ["regression_metrics"]
