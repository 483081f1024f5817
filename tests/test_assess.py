"""Assessment against frameworks: the packaged framework files, content paths, the scoring, and the gate checks.

Corpus per framework: an empty card (score 0), the churn card (its known gaps), and a complete card that fills
every field a countable row reads (score 1.0).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mcgov.errors import BadInputError
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.assess.assessment import Assessment, RequirementResult, Status, assess
from mcgov.steps.assess.catalog import framework_names
from mcgov.steps.assess.checks import assessment_problem, required_fields_problem
from mcgov.steps.assess.framework import NOT_EVIDENCED, Framework, Requirement, load_framework, load_framework_file
from mcgov.steps.assess.paths import content_paths, is_present, parse_content_path
from mcgov.steps.assess.report import assessment_json, assessment_table, score_line
from mcgov.steps.card.content import ModelCardContent
from mcgov.steps.card.service import CardSources, build_card
from mcgov.steps.card.validation import validate_content
from tests.conftest import REPO
from tools import content_tree

EXAMPLES = REPO / "examples" / "churn"
FRAMEWORKS = REPO / "steps" / "assess" / "frameworks"
NAMES = ("eu-ai-act-annex-iv", "iso-42001", "nist-ai-rmf")


@pytest.fixture(scope="module")
def churn() -> dict[str, Any]:
    return build_card(
        CardSources(
            training_job_path=str(EXAMPLES / "describe_training_job.json"),
            evaluations=(str(EXAMPLES / "evaluation.json"),),
            template=str(EXAMPLES / "card-template.yaml"),
        )
    )


def complete_card(churn: dict[str, Any]) -> dict[str, Any]:
    """The churn card with every field a countable row of any framework reads."""
    card = copy.deepcopy(churn)
    card["model_overview"]["model_version"] = 3
    card["model_overview"]["inference_environment"] = {
        "container_image": ["683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"]
    }
    card["training_details"]["training_observations"] = (
        "Twelve months of account and usage records from the billing warehouse, sampled per region; churn labels "
        "from contract end dates; duplicates and test accounts removed, outliers clipped at the 99.9th percentile."
    )
    entry = card["evaluation_details"][0]
    entry["datasets"] = ["s3://mcgov-demo-111111111111/churn/data/test/"]
    entry["evaluation_job_arn"] = "arn:aws:sagemaker:us-east-1:111111111111:processing-job/churn-eval"
    card["model_package_details"] = {
        "model_package_version": 3,
        "model_approval_status": "Approved",
        "approval_description": "Meets the retention team's AUC target on the held-out month.",
    }
    return validate_content(card, source="complete card")


def _statuses(assessment: Any) -> dict[str, Status]:
    return {r.requirement.id: r.status for r in assessment.results}


# --- the packaged framework files ---------------------------------------------------------------------------


def test_the_three_frameworks_are_packaged_and_named_after_their_files():
    assert framework_names() == NAMES
    assert sorted(p.stem for p in FRAMEWORKS.glob("*.json")) == list(NAMES)
    for name in NAMES:
        assert load_framework(name).name == name


@pytest.mark.parametrize("name", NAMES)
def test_every_row_has_an_id_a_title_and_a_source_clause_and_ids_are_unique(name):
    raw = json.loads((FRAMEWORKS / f"{name}.json").read_text())
    assert raw["url"].startswith("https://")
    ids = [row["id"] for row in raw["requirements"]]
    assert len(ids) == len(set(ids)) and all(ids)
    for row in raw["requirements"]:
        assert row["title"].strip() and row["source"].strip(), row["id"]
        if row.get("evidence") == NOT_EVIDENCED:
            assert row["reason"].strip() and "fields" not in row, row["id"]
        else:
            assert row["fields"] and "reason" not in row, row["id"]


@pytest.mark.parametrize(
    "name, clause",
    [("eu-ai-act-annex-iv", "Annex IV, point "), ("nist-ai-rmf", "NIST AI 100-1, Table "), ("iso-42001", "Annex A")],
)
def test_each_source_names_the_clause_of_its_text(name, clause):
    framework = load_framework(name)
    assert all(clause in r.source for r in framework.requirements)
    if name == "nist-ai-rmf":
        assert all(r.source.endswith(r.id) for r in framework.requirements)
        functions = {r.id.split()[0] for r in framework.requirements}
        assert functions == {"MAP", "MEASURE", "MANAGE"}
        assert len(framework.requirements) == 18 + 22 + 13  # every subcategory of the three functions
    if name == "iso-42001":
        assert all(r.source.endswith(f"control {r.id}") for r in framework.requirements)


def test_annex_iv_lists_every_point_and_marks_post_market_monitoring_as_not_evidenced():
    framework = load_framework("eu-ai-act-annex-iv")
    points = {r.id.split(".")[1].split("(")[0] for r in framework.requirements}
    assert points == {str(n) for n in range(1, 10)}
    nine = next(r for r in framework.requirements if r.id == "IV.9")
    assert not nine.countable and "post-market" in nine.title.lower() and nine.reason
    split = [r.id for r in framework.requirements if r.id.startswith("IV.2(b).")]
    assert len(split) == 6  # 2(b) lists six items: logic, choices, classification, optimisation, output, trade-offs


def test_sources_note_gives_the_url_of_each_text():
    sources = (FRAMEWORKS / "SOURCES.md").read_text()
    for name in NAMES:
        assert f"## {name}.json" in sources
        assert load_framework(name).url in sources


# --- loading a framework file -------------------------------------------------------------------------------

GOOD_ROW = {
    "id": "R.1",
    "title": "Intended purpose",
    "source": "Clause 1",
    "fields": ["intended_uses.purpose_of_model"],
}


def _write(tmp_path: Path, rows: list[Any], name: str = "mine", **top: Any) -> Path:
    doc = {
        "name": name,
        "title": "Mine",
        "version": "1",
        "url": "https://example.com/mine",
        "scope": "All of it.",
        "requirements": rows,
        **top,
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_framework_file_of_your_own_loads(tmp_path):
    other = {"id": "R.2", "title": "Monitoring", "source": "Clause 2", "evidence": NOT_EVIDENCED, "reason": "Later."}
    framework = load_framework_file(_write(tmp_path, [GOOD_ROW, other]))
    assert [r.id for r in framework.requirements] == ["R.1", "R.2"] and len(framework.countable) == 1


@pytest.mark.parametrize(
    "rows, field, words",
    [
        ([GOOD_ROW, {**GOOD_ROW, "fields": ["model_overview.nope"]}], "requirements[1] (R.1).fields[0]", "no field"),
        ([GOOD_ROW, GOOD_ROW], "requirements[1]", "id repeats the one of requirements[0]"),
        ([{**GOOD_ROW, "fields": None, "evidence": NOT_EVIDENCED}], "requirements[0] (R.1)", "takes a reason"),
        ([{**GOOD_ROW, "evidence": NOT_EVIDENCED, "reason": "x"}], "requirements[0] (R.1)", "takes a reason and no"),
        ([{k: v for k, v in GOOD_ROW.items() if k != "fields"}], "requirements[0] (R.1)", "give exactly one"),
        ([{**GOOD_ROW, "source": " "}], "requirements[0] (R.1).source", "pattern"),
        ([{**GOOD_ROW, "id": "bad id\n"}], "requirements[0].id", "pattern"),
        (
            [{**GOOD_ROW, "fields": [{"any_of": ["intended_uses.intended_uses"]}]}],
            "requirements[0] (R.1).fields[0].any_of",
            "at least 2",
        ),
        ([{**GOOD_ROW, "extra": 1}], "requirements[0] (R.1).extra", "unknown key"),
        ([{**GOOD_ROW, "evidence": NOT_EVIDENCED, "fields": None, "reason": "x"}], "requirements", "nothing could"),
    ],
)
def test_a_bad_framework_file_is_refused_naming_the_file_the_row_and_the_field(tmp_path, rows, field, words):
    path = _write(tmp_path, rows)
    with pytest.raises(BadInputError) as caught:
        load_framework_file(path)
    message = str(caught.value)
    assert isinstance(caught.value, BadInputError)
    assert message.startswith(f"{path}: {field}: "), message
    assert words in message


@pytest.mark.parametrize(
    "text, words",
    [("{", "invalid JSON"), ("[]", "JSON object"), ('{"name": "mine", "name": "x"}', "duplicate key")],
)
def test_a_framework_file_that_is_not_a_json_object_is_refused(tmp_path, text, words):
    path = tmp_path / "mine.json"
    path.write_text(text)
    with pytest.raises(BadInputError, match=words):
        load_framework_file(path)


def test_a_framework_file_must_carry_its_own_name(tmp_path):
    path = _write(tmp_path, [GOOD_ROW], name="mine")
    path.rename(tmp_path / "other.json")
    with pytest.raises(BadInputError, match=r"other.json: name: must equal the file name, other"):
        load_framework_file(tmp_path / "other.json")


def test_an_unknown_framework_name_lists_the_known_ones_without_echoing_it():
    with pytest.raises(BadInputError) as caught:
        load_framework("../../etc/passwd")
    assert str(caught.value) == "--framework: not a known framework; use one of " + ", ".join(NAMES)


# --- content paths ------------------------------------------------------------------------------------------


def test_the_path_table_is_what_the_content_model_generates():
    """``steps/assess/content_tree.json`` is current: regenerating it (``python tools/content_tree.py``) changes
    nothing, so a field added to the content model is a path the moment the table is regenerated."""
    shipped = (REPO / "steps" / "assess" / "content_tree.json").read_text(encoding="utf-8")
    assert content_tree.render() == shipped
    assert json.loads(shipped)["evaluation_details"]["list"]["metadata"] == "map"


def test_the_path_table_follows_the_content_model_field_by_field():
    paths = set(content_paths())
    assert {f for f in ModelCardContent.model_fields} <= paths
    assert "model_overview.inference_environment.container_image" in paths
    assert "evaluation_details[].metric_groups" in paths and "evaluation_details[].metric_groups[].name" in paths
    assert "additional_information.custom_details" in paths and "model_overview.model_description.x" not in paths


def test_every_path_a_framework_reads_is_a_content_path():
    known = set(content_paths())
    for name in NAMES:
        for requirement in load_framework(name).countable:
            for piece in requirement.evidence:
                for path in piece.alternatives:
                    base = path.text.split("[mcgov.")[0].removesuffix("custom_details") + "custom_details"
                    assert path.text in known or base in known, path.text


@pytest.mark.parametrize(
    "text, words",
    [
        ("model_overview.nope", "model_overview has no field by that name; use one of model_description"),
        ("nope", "the card content has no field by that name; use one of model_overview"),
        ("evaluation_details.datasets", "evaluation_details is a list; write evaluation_details[]"),
        ("model_overview[].model_owner", "model_overview is not a list of objects"),
        ("evaluation_details[]", "must be followed by one of its fields"),
        ("model_overview.model_description.x", "model_overview.model_description has no fields"),
        ("additional_information.custom_details[]", "is not a list of objects"),
        ("additional_information.custom_details[k].x", "[KEY] ends a path"),
        ("intended_uses.risk_rating[High]", "is not a map of keys"),
        ("additional_information.custom_details[ ]", "1-256 printable characters"),
        ("Model_Overview", "not a card content path"),
        ("model_overview.", "after model_overview: not a card content path"),
        ("model_overview.model_description\u202e", "not a card content path"),
    ],
)
def test_a_bad_path_says_what_is_wrong_and_the_fix(text, words):
    with pytest.raises(ValueError) as caught:
        parse_content_path(text)
    assert words in str(caught.value)


def test_presence_is_non_empty_after_stripping():
    assert not is_present("  \n\t") and is_present(" x ") and is_present(0) and is_present(False)
    assert not is_present([]) and not is_present(["", "  "]) and is_present(["", "a"])
    assert not is_present({"a": " "}) and is_present({"a": {"b": 1}}) and not is_present(None)


def test_a_list_path_is_present_when_any_item_has_the_field():
    path = parse_content_path("evaluation_details[].datasets")
    assert not path.present({"evaluation_details": [{"name": "a"}, {"name": "b", "datasets": [" "]}]})
    assert path.present({"evaluation_details": [{"name": "a"}, {"name": "b", "datasets": ["s3://b/k"]}]})
    key = parse_content_path("additional_information.custom_details[mcgov.training.instance_type]")
    assert key.present({"additional_information": {"custom_details": {"mcgov.training.instance_type": "ml.m5"}}})
    assert not key.present({"additional_information": {"custom_details": {"mcgov": {"training": "ml.m5"}}}})


@pytest.mark.parametrize(
    "content",
    [
        {"evaluation_details": "text"},
        {"evaluation_details": [None, 3, "x"]},
        {"model_overview": ["model_description"]},
        {"additional_information": {"custom_details": ["mcgov.training.instance_type"]}},
    ],
)
def test_odd_shapes_count_as_absent(content):
    for name in NAMES:
        assessment = assess(content, load_framework(name))
        assert assessment.score == 0.0


# --- the corpus ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_card_scores_zero_and_still_lists_what_a_card_cannot_evidence(name):
    framework = load_framework(name)
    assessment = assess({}, framework)
    assert assessment.score == 0.0
    assert len(assessment.results) == len(framework.requirements)
    for result in assessment.results:
        if result.requirement.countable:
            assert result.status is Status.MISSING and result.evidence == ()
            assert len(result.missing) == len(result.requirement.evidence)
        else:
            assert result.status is Status.NOT_EVIDENCED and result.missing == ()
    assert assessment.count(Status.NOT_EVIDENCED) == len(framework.requirements) - len(framework.countable) > 0


CHURN_GAPS = {
    "eu-ai-act-annex-iv": (
        0.76,
        {"IV.1(a).version", "IV.2(d).provenance", "IV.2(d).preparation", "IV.2(g).data"},
        {"IV.1(c)", "IV.2(a)", "IV.2(b).choices", "IV.2(d).datasets"},
    ),
    "nist-ai-rmf": (0.85, {"MAP 2.3", "MANAGE 1.1"}, {"MEASURE 2.1", "MEASURE 2.3"}),
    "iso-42001": (0.7333, {"A.7.4", "A.7.6"}, {"A.4.3", "A.6.2.3", "A.6.2.4", "A.7.3"}),
}


@pytest.mark.parametrize("name", NAMES)
def test_the_churn_card_has_the_gaps_its_template_leaves(churn, name):
    score, missing, partial = CHURN_GAPS[name]
    assessment = assess(churn, load_framework(name))
    statuses = _statuses(assessment)
    assert round(assessment.score, 4) == score
    assert {i for i, s in statuses.items() if s is Status.MISSING} == missing
    assert {i for i, s in statuses.items() if s is Status.PARTIAL} == partial


def test_a_partial_row_names_its_evidence_and_what_is_missing(churn):
    result = next(
        r for r in assess(churn, load_framework("eu-ai-act-annex-iv")).results if r.requirement.id == "IV.1(c)"
    )
    assert result.status is Status.PARTIAL
    assert result.evidence == ("training_details.training_job_details.training_environment.container_image",)
    assert result.missing == ("model_overview.inference_environment.container_image",)


def test_alternatives_are_one_piece_of_evidence(churn):
    framework = load_framework("eu-ai-act-annex-iv")
    row = next(r for r in assess(churn, framework).results if r.requirement.id == "IV.1(a).version")
    assert row.missing == ("model_overview.model_version or model_package_details.model_package_version",)
    card = {**churn, "model_package_details": {"model_package_version": 2}}
    row = next(r for r in assess(card, framework).results if r.requirement.id == "IV.1(a).version")
    assert row.status is Status.COVERED and row.evidence == ("model_package_details.model_package_version",)


@pytest.mark.parametrize("name", NAMES)
def test_a_complete_card_covers_every_countable_row(churn, name):
    framework = load_framework(name)
    assessment = assess(complete_card(churn), framework)
    assert assessment.score == 1.0
    assert all(r.status is Status.COVERED for r in assessment.counted)
    assert len(assessment.counted) == len(framework.countable)


def test_blanking_a_field_lowers_the_score_of_every_row_that_reads_it(churn):
    card = complete_card(churn)
    card["additional_information"]["ethical_considerations"] = "   "
    assessment = assess(card, load_framework("eu-ai-act-annex-iv"))
    touched = {r.requirement.id for r in assessment.shortfalls()}
    assert touched == {"IV.2(b).choices", "IV.2(b).trade-offs", "IV.2(g).discrimination", "IV.3.risks"}
    assert assessment.score == (25 - 0.5 - 0.5 - 1 - 0.5) / 25


def test_json_and_table_carry_every_requirement_and_the_score(churn):
    assessment = assess(churn, load_framework("iso-42001"))
    data = assessment_json(assessment)
    assert data["framework"] == "iso-42001" and data["score"] == 0.7333 and data["counted"] == 15
    assert [r["id"] for r in data["requirements"]] == [r.id for r in load_framework("iso-42001").requirements]
    assert set(data["requirements"][0]) == {"id", "title", "source", "status", "evidence", "missing", "reason"}
    assert data["summary"] == {"covered": 9, "partial": 4, "missing": 2, "not_evidenced_by_card": 15}
    table = assessment_table(assessment)
    assert table.splitlines()[3].split() == ["REQUIREMENT", "TITLE", "STATUS", "EVIDENCE", "MISSING"]
    assert "A.7.4" in table and "not evidenced" in table
    assert table.rstrip().endswith(
        "score 0.73: 9 covered, 4 partial, 2 missing of 15 counted; 15 not evidenced by a card (not counted)"
    )


# --- the policy checks the gate will call ---------------------------------------------------------------------

POLICY = {
    "version": 1,
    "card_account": "111111111111",
    "region": "us-east-1",
    "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
    "stages": {
        "prod": {
            "accounts": ["333333333333"],
            "required_card_status": "Approved",
            "require_assessment": {"framework": "eu-ai-act-annex-iv", "min_score": 0.8},
        }
    },
}


def test_assessment_problem_names_the_framework_the_score_and_the_first_missing_items(churn):
    requirement = parse_policy(POLICY).stages["prod"].require_assessment
    problem = assessment_problem(churn, requirement)
    assert problem is not None
    assert problem.startswith("the card scores 0.76 against eu-ai-act-annex-iv (19 of 25 requirements), below the 0.8")
    assert "first missing: IV.1(a).version (missing: model_overview.model_version or model_package_details." in problem
    assert "IV.1(c) (partial: model_overview.inference_environment.container_image)" in problem
    assert "and 5 more" in problem and "fill these fields in the card template" in problem
    assert "mcgov card assess NAME --framework eu-ai-act-annex-iv" in problem
    assert assessment_problem(complete_card(churn), requirement) is None


def test_a_score_just_below_the_minimum_never_prints_as_the_minimum(churn):
    policy = copy.deepcopy(POLICY)
    policy["stages"]["prod"]["require_assessment"]["min_score"] = 0.77
    problem = assessment_problem(churn, parse_policy(policy).stages["prod"].require_assessment)
    assert problem is not None and "scores 0.76 " in problem
    policy["stages"]["prod"]["require_assessment"]["min_score"] = 0.76
    assert assessment_problem(churn, parse_policy(policy).stages["prod"].require_assessment) is None


def _with_required(table: dict[str, list[str]]) -> Any:
    return parse_policy({**POLICY, "required_fields_by_risk_rating": table})


def test_required_fields_apply_to_the_cards_risk_rating(churn):
    policy = _with_required({"Medium": ["model_overview.model_description", "training_details.training_observations"]})
    problem = required_fields_problem(churn, policy)
    assert problem == (
        "the card's risk rating is Medium and the policy requires for it training_details.training_observations, "
        "which the card leaves empty; fill them in the card template (or the card) and publish again"
    )
    assert required_fields_problem(complete_card(churn), policy) is None
    low = copy.deepcopy(churn)
    low["intended_uses"]["risk_rating"] = "Low"
    assert required_fields_problem(low, policy) is None  # nothing listed for Low
    assert required_fields_problem(churn, parse_policy(POLICY)) is None  # no table at all


@pytest.mark.parametrize(
    "rating, words", [(None, "has no intended_uses.risk_rating"), ("high", "has an unknown value")]
)
def test_a_card_without_a_valid_risk_rating_fails_a_policy_with_required_fields(churn, rating, words):
    card = copy.deepcopy(churn)
    if rating is None:
        del card["intended_uses"]["risk_rating"]
    else:
        card["intended_uses"]["risk_rating"] = rating
    problem = required_fields_problem(card, _with_required({"High": ["model_overview.model_description"]}))
    assert problem is not None and words in problem and "set it to High, Medium, Low, Unknown" in problem


def _assessment_of(covered: int, partial: int, missing: int) -> Assessment:
    statuses = [Status.COVERED] * covered + [Status.PARTIAL] * partial + [Status.MISSING] * missing
    rows = tuple(Requirement(id=f"R{i}", title="t", source="s", evidence=()) for i in range(len(statuses)))
    framework = Framework(name="f", title="t", version="1", url="https://x", scope="s", requirements=rows)
    return Assessment(framework, tuple(RequirementResult(r, s, (), ()) for r, s in zip(rows, statuses, strict=True)))


@pytest.mark.parametrize(
    "covered, partial, missing, text",
    [
        (14, 1, 10, "0.58"),
        (19, 0, 6, "0.76"),
        (1, 0, 2, "0.33"),
        (2, 0, 1, "0.66"),
        (3, 0, 0, "1.00"),
        (0, 0, 4, "0.00"),
    ],
)
def test_the_score_prints_rounded_down_exactly(covered, partial, missing, text):
    """29/50 prints 0.58 (``floor(0.58 * 100)`` is 57 in floating point); 2/3 prints 0.66, never the 0.67 above it."""
    assessment = _assessment_of(covered, partial, missing)
    assert assessment.score_text == text
    assert score_line(assessment).startswith(f"score {text}: ")
