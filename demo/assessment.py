"""Demo scene 9: prod requires the card to cover the EU AI Act's Annex IV (``require_assessment`` at 0.8).

The churn card scores 0.76: the gate blocks it, naming the missing items. The team fills those fields in the demo's
copy of the card template, the pipeline re-publishes the card (a new version), a reviewer approves it and the gate
allows it. A card of its own (``churn-model-eu``), so the earlier scenes' versions stay as they are.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from mcgov.demo.scene import policy_uri, title
from mcgov.steps.approval.service import approve_card
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.assess.assessment import assess
from mcgov.steps.assess.framework import load_framework
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.handlers.check_gate import check
from mcgov.steps.policy import load_policy
from mcgov.steps.review.html import render_html
from mcgov.steps.review.view import CardInfo

CARD = "churn-model-eu"
FRAMEWORK = "eu-ai-act-annex-iv"
MIN_SCORE = 0.8
# What the team writes into the template for the items the gate named (human-written fields, which a template
# may set; the evaluation datasets are the pipeline's and stay missing).
FILLED = {
    "model_overview": {
        "model_version": 2,
        "inference_environment": {
            "container_image": ["683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"]
        },
    },
    "training_details": {
        "training_observations": (
            "Twelve months of account and usage records from the billing warehouse, sampled per region; churn "
            "labels from contract end dates; duplicates and test accounts removed, outliers clipped at the 99.9th "
            "percentile. XGBoost was chosen over logistic regression for its AUC on the validation month."
        ),
    },
}


def assessment_scene(emu: Any, workflow: Any, card_event: dict[str, Any], policy: Path, out: Path) -> None:
    """Scene 9: blocked below the score with the missing items, the template filled, re-published, allowed."""
    path = _policy_requiring_annex_iv(policy, out)
    title(f"9. Prod requires EU AI Act Annex IV coverage of {MIN_SCORE:g} (require_assessment, {path})")
    emu.set_association_delay(polls=0)
    event = {**card_event, "card_name": CARD}
    sm = emu.session("card").client("sagemaker")
    with policy_uri(path):
        blocked = workflow.execute({"card": event, "stage": "prod"})
        print(f"   first run: execution {blocked['status']} ({blocked['error']})")
        reasons = check(CARD, "prod", 0).reasons
        for reason in reasons:
            print(f"   reason: {reason}")
        content = json.loads(sm.describe_model_card(ModelCardName=CARD)["Content"])
        todo = assess(content, load_framework(FRAMEWORK)).shortfalls()
        print(f"   `mcgov card assess {CARD} --framework {FRAMEWORK}` lists {len(todo)} items to fill:")
        for result in todo:
            print(f"     {result.requirement.id:20} {result.status.value:8} {', '.join(result.missing)}")

        template = _fill_template(emu, card_event["template_uri"], out)
        print(
            f"   the team fills model_version, the inference image and training_observations in the template "
            f"({template}; evaluation datasets are the pipeline's, left for its next run)"
        )
        republished = workflow.execute({"card": {**event, "template_uri": template}, "stage": "prod"})
        populate = (republished.get("output") or {}).get("populate") or {}
        card = sm.describe_model_card(ModelCardName=CARD)
        print(
            f"   re-published: card v{card['ModelCardVersion']} [{card['ModelCardStatus']}]; "
            f"execution {republished['status']} ({republished['error']})"
            + (f", populate {populate['result']}" if populate else "")
        )
        for reason in check(CARD, "prod", 0).reasons:
            print(f"   reason: {reason}")
        reviewed = load_policy(str(path))
        reviewer = emu.session_for_role(f"arn:aws:iam::{reviewed.card_account}:role/CardReviewer", "jane")
        read = reviewer.client("sagemaker").describe_model_card(ModelCardName=CARD)
        approve_card(
            reviewer.client("sagemaker"),
            reviewer.client("sts"),
            reviewed,
            CARD,
            version=read["ModelCardVersion"],
            sha256=content_sha256(read["Content"]),
            note="Annex IV review",
        )
        print(
            f"   a reviewer approves version {read['ModelCardVersion']} "
            f"(`mcgov card approve {CARD} --version {read['ModelCardVersion']}`)"
        )
        allowed = workflow.execute({"card": {**event, "template_uri": template}, "stage": "prod"})
        print(f"   after the fix: execution {allowed['status']}: {allowed['output']['gate']['reason']}")
        (out / "gate-prod-annex-iv.json").write_text(json.dumps(allowed["output"], indent=2) + "\n")

    card = sm.describe_model_card(ModelCardName=CARD)
    filled = json.loads(card["Content"])
    assessment = assess(filled, load_framework(FRAMEWORK))
    info = CardInfo(  # what `mcgov card render` reads: the card and its approval record
        name=CARD,
        arn=card["ModelCardArn"],
        version=card["ModelCardVersion"],
        status=card["ModelCardStatus"],
        approval=ApprovalStore(sm).read(card["ModelCardArn"]),
    )
    page = out / f"{CARD}.html"
    page.write_text(render_html(filled, info=info, generated_at=datetime.now(UTC), assessment=assessment))
    print(
        f"   score now {assessment.score_text}; `mcgov card render {CARD} --framework {FRAMEWORK}` -> {page} "
        "(coverage section)"
    )


def _policy_requiring_annex_iv(policy: Path, out: Path) -> Path:
    """The demo's policy with ``stages.prod.require_assessment``, written to ``out/policy-annex-iv.yaml``."""
    data = yaml.safe_load(policy.read_text())
    data["stages"]["prod"]["require_assessment"] = {"framework": FRAMEWORK, "min_score": MIN_SCORE}
    path = out / "policy-annex-iv.yaml"
    path.write_text(
        f"# {policy.name} with prod requiring EU AI Act Annex IV coverage (demo/assessment.py)\n"
        + yaml.safe_dump(data, sort_keys=False)
    )
    load_policy(str(path))  # what `mcgov policy validate` checks
    return path


def _fill_template(emu: Any, template_uri: str, out: Path) -> str:
    """The demo's template with ``FILLED`` merged in, uploaded beside it (and kept in ``out``); its URI."""
    s3 = emu.session("card").client("s3")
    bucket, _, key = template_uri.removeprefix("s3://").partition("/")
    template = yaml.safe_load(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    for section, fields in FILLED.items():
        template.setdefault(section, {}).update(fields)
    text = yaml.safe_dump(template, sort_keys=False)
    filled_key = key.replace("card-template.yaml", "card-template-annex-iv.yaml")
    s3.put_object(Bucket=bucket, Key=filled_key, Body=text.encode())
    (out / "card-template-annex-iv.yaml").write_text(text)
    return f"s3://{bucket}/{filled_key}"
