"""The gate enforces the policy's conditions on card content: a stage's ``require_assessment`` (blocked below the
score, naming the framework, the score, the first missing items and the fix) and ``required_fields_by_risk_rating``;
in the pure decision, through the ``check_gate`` handler and ``mcgov gate check``, with no AWS call beyond the
card's one DescribeModelCard."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcgov.share_policies.loader import parse_policy
from mcgov.share_policies.models import AWS_MANAGED_PERMISSION
from mcgov.steps.card.service import CardSources, build_card
from mcgov.steps.cli.main import main
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.gate.content_rules import content_problems
from mcgov.steps.gate.decision import evaluate
from mcgov.steps.handlers import check_gate, share_card
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.policy import load_policy
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO
from tests.test_assess import EXAMPLES, complete_card
from tests.test_gate_decision import APPROVAL, NOW, assoc, state

EXAMPLE = REPO / "share_policies" / "example.yaml"
CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
ANNEX_IV = {"framework": "eu-ai-act-annex-iv", "min_score": 0.8}


@pytest.fixture(scope="module")
def churn() -> dict[str, Any]:
    """The churn example card: 0.76 against Annex IV, risk rating Medium, no training observations."""
    return build_card(
        CardSources(
            training_job_path=str(EXAMPLES / "describe_training_job.json"),
            evaluations=(str(EXAMPLES / "evaluation.json"),),
            template=str(EXAMPLES / "card-template.yaml"),
        )
    )


def _policy_data(stage: str = "prod", require: Any = ANNEX_IV, required: Any = None) -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text())
    if require is not None:
        data["stages"][stage]["require_assessment"] = require
    if required is not None:
        data["required_fields_by_risk_rating"] = required
    return data


def _write_policy(tmp_path: Path, **kwargs: Any) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(_policy_data(**kwargs)))
    return path


def _card(content: Any, status: str = "Approved") -> dict[str, Any]:
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "ModelCardArn": CARD,
        "ModelCardName": "churn-model",
        "ModelCardVersion": 3,
        "ModelCardStatus": status,
        "Content": text,
    }


def _decide(policy: Any, stage: str, content: Any) -> Any:
    """The decision with every association ASSOCIATED and the approval of this very content: only the content
    conditions can block."""
    card = _card(content)
    approval = dataclasses.replace(APPROVAL, content_sha256=content_sha256(card["Content"]))
    shares = (
        state(stage, principals=[assoc("222222222222", "PRINCIPAL")], permission=AWS_MANAGED_PERMISSION)
        if stage == "staging"
        else state(stage)
    )
    return evaluate(policy, policy.stage(stage), card, shares, NOW, approval=approval)


# --- the pure decision --------------------------------------------------------------------------------------------


def test_the_gate_blocks_a_card_below_the_stage_score_naming_the_missing_items(churn):
    policy = parse_policy(_policy_data())
    decision = _decide(policy, "prod", churn)
    assert not decision.allowed and not decision.pending  # waiting cannot fill a card
    [reason] = decision.reasons
    assert reason.startswith(
        "Stage prod requires an assessment: the card scores 0.76 against eu-ai-act-annex-iv (19 of 25 requirements), "
        "below the 0.8 this stage requires; first missing: IV.1(a).version (missing: model_overview.model_version or "
    )
    assert "IV.1(c) (partial: model_overview.inference_environment.container_image)" in reason
    assert "fill these fields in the card template (or the card) and publish again" in reason
    assert "`mcgov card assess churn-model --framework eu-ai-act-annex-iv` lists them all" in reason

    assert _decide(policy, "prod", complete_card(churn)).allowed
    assert _decide(policy, "staging", churn).allowed  # only the stage that asks for it


def test_the_score_is_compared_as_is_and_a_minimum_of_zero_never_blocks(churn):
    at = parse_policy(_policy_data(require={"framework": "eu-ai-act-annex-iv", "min_score": 0.76}))
    above = parse_policy(_policy_data(require={"framework": "eu-ai-act-annex-iv", "min_score": 0.77}))
    assert _decide(at, "prod", churn).allowed
    assert "scores 0.76 " in _decide(above, "prod", churn).reasons[0]
    zero = parse_policy(_policy_data(require={"framework": "nist-ai-rmf", "min_score": 0}))
    assert _decide(zero, "prod", {}).allowed


def test_required_fields_of_the_cards_risk_rating_block_every_stage(churn):
    required = {"Medium": ["training_details.training_observations"], "High": ["business_details"]}
    policy = parse_policy(_policy_data(require=None, required=required))
    for stage in ("staging", "prod"):
        decision = _decide(policy, stage, churn)
        assert decision.reasons == [
            "Policy required_fields_by_risk_rating: the card's risk rating is Medium and the policy requires for it "
            "training_details.training_observations, which the card leaves empty; fill them in the card template "
            "(or the card) and publish again."
        ]
    assert _decide(policy, "prod", complete_card(churn)).allowed
    unrated = copy.deepcopy(complete_card(churn))
    del unrated["intended_uses"]["risk_rating"]
    assert "has no intended_uses.risk_rating" in _decide(policy, "prod", unrated).reasons[0]


def test_both_conditions_report_together(churn):
    policy = parse_policy(_policy_data(required={"Medium": ["training_details.training_observations"]}))
    reasons = _decide(policy, "prod", churn).reasons
    assert [r.split(":")[0] for r in reasons] == [
        "Stage prod requires an assessment",
        "Policy required_fields_by_risk_rating",
    ]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[1, 2]",
        '"text"',
        "[" * 100_000 + "]" * 100_000,
        '{"model_overview": ' + "[" * 900 + "]" * 900 + "}",
    ],
    ids=["not-json", "array", "string", "too-deep-to-parse", "deep-under-a-field"],
)
def test_content_the_gate_cannot_read_fails_closed(content):
    policy = parse_policy(_policy_data(required={"High": ["model_overview.model_description"]}))
    problems = content_problems(policy, policy.stage("prod"), _card(content))
    assert problems and all(p.startswith(("Stage prod", "Policy required_fields_by_risk_rating")) for p in problems)


@pytest.mark.parametrize("content", ["[1, 2]", '"text"', '{"intended_uses": {"risk_rating": ["High"]}}'])
def test_content_of_the_wrong_shape_blocks_the_decision(content):
    policy = parse_policy(_policy_data(required={"High": ["model_overview.model_description"]}))
    decision = _decide(policy, "prod", content)
    assert not decision.allowed and not decision.pending and decision.reasons
    assert all(r.startswith(("Stage prod", "Policy required_fields_by_risk_rating")) for r in decision.reasons)


def test_without_conditions_the_content_is_not_read():
    policy = load_policy(EXAMPLE)
    assert content_problems(policy, policy.stage("prod"), _card("not json")) == []


def test_a_policy_that_skipped_the_steps_loader_blocks_with_the_fix(churn):
    policy = parse_policy(_policy_data(require={"framework": "sox-404", "min_score": 0.5}))
    [reason] = _decide(policy, "prod", churn).reasons
    assert "the assessment cannot run" in reason and "not a known framework" in reason
    assert "mcgov policy validate" in reason and "sox-404" not in reason


# --- through the handler and the CLI, on the emulator -------------------------------------------------------------


@pytest.fixture
def world(emulator: Any, card_session: Any, churn: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The churn card published PendingReview and shared; staging requires Annex IV at 0.8."""
    clear_policy_cache()
    policy = _write_policy(tmp_path, stage="staging")
    monkeypatch.setenv("MCGOV_POLICY_URI", str(policy))
    card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model", ModelCardStatus="PendingReview", Content=json.dumps(churn)
    )
    ensure_readonly_permission(card_session.client("ram"))
    emulator.act_as("card")
    emulator.set_association_delay(polls=0)
    share_card.handler({"card_arn": CARD})
    yield policy
    clear_policy_cache()


def _sagemaker_calls(emulator: Any, since: int) -> Counter[str]:
    return Counter(operation for _, service, operation in emulator.api_calls[since:] if service == "sagemaker")


def test_the_handler_blocks_below_the_score_then_allows_reading_the_card_once(world, emulator, card_session, churn):
    before = len(emulator.api_calls)
    out = check_gate.handler({"card_arn": CARD, "stage": "staging"})
    assert out["status"] == "BLOCKED" and out["allowed"] is False
    assert "against eu-ai-act-annex-iv" in out["reason"] and "first missing: IV.1(a).version" in out["reason"]
    assert _sagemaker_calls(emulator, before) == {"DescribeModelCard": 1}  # the content comes with the card

    card_session.client("sagemaker").update_model_card(
        ModelCardName="churn-model", Content=json.dumps(complete_card(churn))
    )
    before = len(emulator.api_calls)
    out = check_gate.handler({"card_arn": CARD, "stage": "staging"})
    assert out["status"] == "ALLOWED", out["reason"]
    assert _sagemaker_calls(emulator, before) == {"DescribeModelCard": 1}


def test_mcgov_gate_check_exits_1_below_the_score_and_0_once_the_card_is_filled(world, churn, tmp_path, capsys):
    code = main(["gate", "check", "--card", "churn-model", "--policy", str(world), "--stage", "staging", "--wait", "0"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and any("scores 0.76 against eu-ai-act-annex-iv" in r for r in out["reasons"])
    filled = tmp_path / "filled.json"
    filled.write_text(json.dumps(complete_card(churn)))
    assert main(["card", "publish", "--name", "churn-model", "--content", str(filled)]) == 0
    capsys.readouterr()
    code = main(["gate", "check", "--card", "churn-model", "--policy", str(world), "--stage", "staging", "--wait", "0"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["allowed"], out["reasons"]
