"""Powertools for AWS Lambda in the handlers: JSON logs with ``cold_start`` and a correlation id at the right levels,
EMF metrics (gate allowed/blocked, wait seconds, guard reverts), the policy cached with a max age, Tracer built only
when the stack turns tracing on, and logs that never carry an exception's message or stack trace."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any

import pytest

from mcgov.steps.handlers import approval_guard, check_gate, config, gate_watcher, populate_card, runtime, share_card
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.handlers.exceptions import HandlerFailure
from mcgov.steps.share.converge import ensure_readonly_permission
from tests.conftest import REPO

CARD = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"
EXECUTION = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/churn/execution/abc123def456"


@pytest.fixture
def world(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    clear_policy_cache()
    monkeypatch.setenv("MCGOV_POLICY_URI", str(REPO / "share_policies" / "example.yaml"))
    card_session.client("sagemaker").create_model_card(
        ModelCardName="churn-model",
        ModelCardStatus="PendingReview",
        Content=json.dumps({"model_overview": {"model_owner": "team"}}),
    )
    ensure_readonly_permission(card_session.client("ram"))
    emulator.act_as("card")
    yield emulator
    clear_policy_cache()


def _lines(capsys: pytest.CaptureFixture[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(log records, EMF metric blobs) printed since the last read."""
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    return [r for r in records if "_aws" not in r], [r for r in records if "_aws" in r]


def _metrics(blobs: list[dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for blob in blobs:
        [directive] = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "ModelCardGovernance" and directive["Dimensions"] == [["service"]]
        found.update({m["Name"]: (blob[m["Name"]], m["Unit"]) for m in directive["Metrics"]})
    return found


def test_logs_carry_cold_start_and_the_correlation_id(world, capsys, monkeypatch) -> None:
    monkeypatch.setitem(runtime._cold, "start", True)
    capsys.readouterr()
    share_card.handler({"card_arn": CARD})
    share_card.handler({"card_arn": CARD})
    logs, _ = _lines(capsys)
    starts = [r for r in logs if r["message"] == "start"]
    assert [r["cold_start"] for r in starts] == [True, False]
    assert {r["correlation_id"] for r in logs} == {CARD}
    assert all({"level", "message", "timestamp", "service", "handler"} <= set(r) for r in logs)
    assert {r["level"] for r in logs} == {"INFO"}


def test_the_pipeline_execution_arn_wins_and_a_non_arn_is_no_correlation_id() -> None:
    assert runtime.correlation_id({"card_arn": CARD, "pipeline_execution_arn": EXECUTION}) == EXECUTION
    assert runtime.correlation_id({"card_name": "churn", "card_arn": "churn-model"}) is None
    assert runtime.correlation_id({"detail": {"ModelPackageArn": CARD}}) == CARD
    assert runtime.correlation_id(["not", "a", "dict"]) is None


def test_gate_metrics_allowed_blocked_and_wait_seconds(world, capsys) -> None:
    share_card.handler({"card_arn": CARD})
    world.set_association_delay(polls=0)
    capsys.readouterr()
    assert check_gate.handler({"card_arn": CARD, "stage": "staging", "wait_seconds": 30})["status"] == "ALLOWED"
    _, blobs = _lines(capsys)
    metrics = _metrics(blobs)
    assert metrics["GateAllowed"] == ([1.0], "Count")
    assert metrics["GateWaitSeconds"][1] == "Seconds"
    assert check_gate.handler({"card_arn": CARD, "stage": "prod"})["status"] in ("BLOCKED", "PENDING")
    for _ in range(3):
        out = check_gate.handler({"card_arn": CARD, "stage": "prod"})
    _, blobs = _lines(capsys)
    assert out["status"] == "BLOCKED" and "GateBlocked" in _metrics(blobs)
    assert "GateWaitSeconds" not in _metrics(blobs), "no wait asked, none recorded"


def test_disabled_metrics_do_not_outlive_their_invocation(world, capsys, monkeypatch) -> None:
    """With POWERTOOLS_METRICS_DISABLED an invocation prints no metric, and a later one (a warm container whose
    metrics are on) prints only its own."""
    share_card.handler({"card_arn": CARD})
    world.set_association_delay(polls=0)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    for _ in range(2):
        assert check_gate.handler({"card_arn": CARD, "stage": "staging"})["status"] == "ALLOWED"
    _, blobs = _lines(capsys)
    assert blobs == [] and not runtime.metrics.metric_set
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED")
    assert check_gate.handler({"card_arn": CARD, "stage": "staging"})["status"] == "ALLOWED"
    _, blobs = _lines(capsys)
    assert _metrics(blobs)["GateAllowed"] == ([1.0], "Count")


def test_guard_reverts_are_counted(world, card_session, capsys) -> None:
    sm = card_session.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName="churn-model")
    arn = sm.create_model_package(
        ModelPackageGroupName="churn-model",
        ModelApprovalStatus="Approved",
        InferenceSpecification={
            "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    capsys.readouterr()
    event = {
        "detail-type": "SageMaker Model Package State Change",
        "detail": {"ModelPackageArn": arn, "ModelApprovalStatus": "Approved"},
    }
    assert approval_guard.handler(event)["action"] == "reverted"
    logs, blobs = _lines(capsys)
    assert _metrics(blobs)["GuardReverts"][1] == "Count"
    assert {r["correlation_id"] for r in logs} == {arn}


def test_a_dropped_message_is_a_warning(world, capsys) -> None:
    capsys.readouterr()
    gate_watcher.handler({"Records": [{"messageId": "m1", "body": "not json"}]})
    logs, _ = _lines(capsys)
    [dropped] = [r for r in logs if r["message"].startswith("dropped")]
    assert dropped["level"] == "WARNING" and dropped["message_id"] == "m1"


def test_an_unexpected_error_is_logged_by_type_only(world, capsys, monkeypatch) -> None:
    secret = "no-such-field-" + "x" * 12

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError(secret)

    monkeypatch.setattr(populate_card, "populate_card", broken)
    capsys.readouterr()
    with pytest.raises(HandlerFailure):
        populate_card.handler({"card_name": "churn", "pipeline_execution_arn": EXECUTION})
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    [error] = [r for r in records if r["level"] == "ERROR"]
    assert error["exception_name"] == "KeyError" and secret not in out and "stack_trace" not in error
    assert error["correlation_id"] == EXECUTION


def test_the_policy_is_cached_for_its_max_age(world, monkeypatch) -> None:
    import mcgov.steps.policy as policy_loader

    reads: list[Any] = []
    original = policy_loader.read_policy_text
    monkeypatch.setattr(policy_loader, "read_policy_text", lambda *a, **k: reads.append(a) or original(*a, **k))
    share_card.handler({"card_arn": CARD})
    share_card.handler({"card_arn": CARD})
    assert len(reads) == 1, "read once within the max age (default 300 s)"
    [(key, cached)] = config._provider.store.items()
    assert timedelta(seconds=290) < cached.ttl - datetime.now() <= timedelta(seconds=300)
    config._provider.store[key] = cached._replace(ttl=datetime.now() - timedelta(seconds=1))  # the max age ran out
    share_card.handler({"card_arn": CARD})
    assert len(reads) == 2
    clear_policy_cache()
    monkeypatch.setenv("MCGOV_POLICY_MAX_AGE", "0")
    share_card.handler({"card_arn": CARD})
    share_card.handler({"card_arn": CARD})
    assert len(reads) == 4, "0: read every time"
    monkeypatch.setenv("MCGOV_POLICY_MAX_AGE", "soon")
    with pytest.raises(HandlerFailure, match="MCGOV_POLICY_MAX_AGE must be a whole number"):
        share_card.handler({"card_arn": CARD})


@pytest.mark.parametrize("tracing", ["true", "false"])
def test_tracer_only_when_tracing_is_on(tracing: str) -> None:
    probe = (
        "import sys\n"
        "from mcgov.steps.handlers import check_gate, runtime\n"
        "print(runtime.tracer is not None, 'aws_xray_sdk' in sys.modules)\n"
    )
    env = {"POWERTOOLS_TRACE_DISABLED": tracing, "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"}
    env["LAMBDA_TASK_ROOT"] = "/var/task"  # Powertools enables its Tracer inside Lambda only
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    expected = "False False" if tracing == "true" else "True True"
    assert done.stdout.strip() == expected, done.stderr
