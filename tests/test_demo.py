"""`make demo` end to end through the Step Functions workflow: allowed, consumer check, prod review, blocked."""

from __future__ import annotations

import json
import os
import shutil

import yaml

from mcgov.demo.run import main
from mcgov.demo.states import steps_text


def test_demo_runs_the_whole_job_through_the_state_machine(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    before = {name: os.environ.get(name) for name in ("MCGOV_LOG_LEVEL", "POWERTOOLS_METRICS_DISABLED")}
    assert main() == 0
    assert {name: os.environ.get(name) for name in before} == before  # the demo's quiet logs end with it
    out = capsys.readouterr().out
    assert "card: arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model v1 (created)" in out
    assert "gate decision: allowed=True status=ALLOWED" in out
    assert "re-run: populate unchanged, still version 1; 0 shares created" in out
    assert "consumer check passed" in out and "prod cannot update it" in out
    assert "before review: execution FAILED (GateBlocked)" in out and "after review: execution SUCCEEDED" in out
    assert "execution FAILED with GateBlocked" in out
    # scene 5: the decision events the platform team's rule forwarded from the policy's bus (source mcgov)
    events = out[out.index("events the platform team's queue received") : out.index("== 5b.")].splitlines()[1:]
    lines = [line.split()[:3] for line in events if line.strip()]
    staging = [line for line in lines if line == ["Gate", "Decision", "staging:"]]
    # two staging runs, each allowed; on a loaded machine the first run's gate can be decided twice (its own poll
    # and the RAM event's re-check of its registration, racing), each decision a real one: at most one more
    assert 2 <= len(staging) <= 3 and lines[: len(staging)] == staging
    assert lines[len(staging) :] == [
        ["Gate", "Decision", "prod:"],
        ["Card", "Approved", "churn-model"],
        ["Gate", "Decision", "prod:"],
    ]
    assert "Gate Decision  staging: BLOCKED" not in "\n".join(events)
    assert "Gate Decision  prod: BLOCKED (churn-model v1)" in out and "Gate Decision  prod: ALLOWED" in out
    assert "Card Approved  churn-model v2 by arn:aws:sts::111111111111:assumed-role/CardReviewer/jane" in out
    # human step names, not the state machine's bookkeeping
    assert "steps: populate card -> share -> gate: waiting ×2 -> gate: allowed (25 states of the state machine)" in out
    assert "steps: populate card -> share -> gate: blocked (13 states" in out
    assert "HasPopulateCardOutput" not in out and "KeepShareCardOutput" not in out
    roles = out[out.index("== 11. Under the stacks' roles") :]
    assert ", 0 denied" in roles and "DENIED" not in roles  # every Lambda and state machine ran under its role
    hub = out[out.index("== 8. Hub-and-spoke") : out.index("== 9.")]
    assert hub.count("`mcgov hub publish` shared fraud-score with the hub, read-only (shared now 1)") == 2
    assert "execution SUCCEEDED; 444444444444 synced 1; 555555555555 synced 1 (2 card writes)" in hub
    assert "re-run: execution SUCCEEDED; 444444444444 unchanged 1; 555555555555 unchanged 1 (0 card writes)" in hub
    assert (
        "after the change: execution SUCCEEDED; 444444444444 synced 1; 555555555555 unchanged 1 (1 card writes)" in hub
    )
    assert (
        "hub copy 444444444444-fraud-score v2 [PendingReview] from "
        "arn:aws:sagemaker:us-east-1:444444444444:model-card/fraud-score v2" in hub
    )
    # scene 5b: the card inside the package; prod describes the package after the allowed package gate
    scene = out[out.index("== 5b.") : out.index("== 6.")]
    assert "not embedded (outside the model package model card schema): model_overview.model_description" in scene
    assert "(why: a model package holds its card in SageMaker's model package model card schema" in scene
    assert (
        "prod describes arn:aws:sagemaker:us-east-1:111111111111:model-package/churn-packages/1 by ARN: "
        "lifecycle prod/Approved, embedded card Approved"
    ) in out
    content = json.loads((tmp_path / "out" / "churn-model.content.json").read_text())
    assert content["model_overview"]["model_owner"] == "churn-analytics@example.com"
    allowed = json.loads((tmp_path / "out" / "gate-staging.json").read_text())
    assert allowed["allowed"] is True and allowed["principals"]["222222222222"]["status"] == "ASSOCIATED"
    blocked = json.loads((tmp_path / "out" / "gate-blocked.json").read_text())
    assert blocked["allowed"] is False and any("FAILED" in r for r in blocked["reasons"])
    # scene 7: the diff after a changed run, the renders (and screenshot), the PDF exported from staging
    assert "accuracy 0.9364 -> 0.9401 (+0.0037)" in out and "auc 0.9512 -> 0.9634 (+0.0122)" in out
    html = (tmp_path / "out" / "churn-model.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "0.9634" in html and "<script" not in html
    assert 'data-approval="not-current"' in html and "the record is for version 2, this page shows version 4" in out
    assert "| auc | 0\\.9634 |" in (tmp_path / "out" / "churn-model.md").read_text()  # GFM-escaped digits
    if shutil.which("chromium"):
        assert (tmp_path / "out" / "churn-model.png").read_bytes().startswith(b"\x89PNG")
    else:
        assert "no screenshot: chromium is not installed" in out
    assert "PDF s3://mcgov-demo-exports-222222222222/cards/churn-model/churn-model-v" in out
    pdf = (tmp_path / "out" / "churn-model.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-1.4") and b"(churn-model)" in pdf and b"(auc: 0.9634)" in pdf
    # scene 9: prod requires Annex IV at 0.8: blocked with the missing items, template filled, re-published, allowed
    scene = out[out.index("== 9. Prod requires EU AI Act Annex IV coverage of 0.8") :]
    assert "first run: execution FAILED (GateBlocked)" in scene
    assert "reason: Stage prod requires an assessment: the card scores 0.74 against eu-ai-act-annex-iv" in scene
    assert "first missing: IV.1(a).version (missing: model_overview.model_version or" in scene
    assert "IV.2(d).provenance   missing  training_details.training_observations" in scene
    assert "re-published: card v2 [PendingReview]" in scene
    after = scene[scene.index("re-published") :]
    assert "requires an assessment" not in after and "below Approved required for stage prod" in after
    assert "after the fix: execution SUCCEEDED: all associations are ASSOCIATED" in scene and "score now 0.94" in scene
    template = yaml.safe_load((tmp_path / "out" / "card-template-annex-iv.yaml").read_text())
    assert template["training_details"]["training_observations"] and template["model_overview"]["model_version"] == 2
    page = (tmp_path / "out" / "churn-model-eu.html").read_text()
    assert 'data-framework="eu-ai-act-annex-iv" data-score="0.94"' in page and 'data-approval="approved"' in page
    # scene 10: the event-driven gate on the deployed stack
    scene = out[out.index("== 10. An event-driven gate") :]
    assert "CallbackStep message -> gate-watcher: PENDING, registered True" in scene
    assert "RAM event (" in scene and "associated) -> gate-events re-checked the gate: ALLOWED" in scene
    assert "-> pipeline step success" in scene and "waiting gates left: 0" in scene


def test_step_names_read_as_what_each_step_does():
    assert steps_text(
        ["CheckInput", "Prepare", "PopulateCard", "HasPopulateCardOutput", "PopulateCardOutputMissing"]
    ) == ("populate card -> populate card: output incomplete")
    assert steps_text(["ShareCard", "TaskFailed"]) == "share -> a task failed"
    assert steps_text(["CheckGate", "GateDecision", "WaitForGateEvent", "NextCheck", "CheckGate"]) == "gate: waiting"
    assert steps_text(["WaitForGateEvent", "WaitForAssociation", "NextCheck"]) == "gate: waiting ×2"
    assert steps_text(["CheckGate", "GateTimedOut", "SomethingNew"]) == "gate: timed out -> SomethingNew"
    assert steps_text(["InvalidExecutionInput"]) == "invalid input"
