"""`make demo` end to end: a real card, shares, an allowed gate, a consumer check, and a blocked gate."""
from __future__ import annotations

import json

from demo.run import main


def test_demo_runs_the_whole_job(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main() == 0
    out = capsys.readouterr().out
    assert "created: arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model version 1" in out
    assert "re-run: unchanged, still version 1" in out
    assert "consumer check passed" in out and "prod gate allowed=True" in out
    content = json.loads((tmp_path / "out" / "churn-model.content.json").read_text())
    assert content["model_overview"]["model_owner"] == "churn-analytics@example.com"
    allowed = json.loads((tmp_path / "out" / "gate-staging.json").read_text())
    assert allowed["allowed"] is True and allowed["principals"]["222222222222"]["status"] == "ASSOCIATED"
    blocked = json.loads((tmp_path / "out" / "gate-blocked.json").read_text())
    assert blocked["allowed"] is False and any("FAILED" in r for r in blocked["reasons"])
