"""The ASL executed for real by the emulator's Step Functions interpreter (moto), handlers in-process."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

CARD_ARN = "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn"


def _handlers(statuses: Iterable[str], seen: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    remaining = iter(statuses)
    log = seen if seen is not None else []

    def populate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        log.append({"populate": event})
        return {"card_arn": CARD_ARN, "card_version": 3, "content_sha256": "abc", "result": "updated"}

    def share(event: dict[str, Any], context: Any) -> dict[str, Any]:
        log.append({"share": event})
        return {
            "card_arn": event["card_arn"],
            "shares": [{"stage": "prod", "share_arn": "s", "permission_arn": "p"}],
            "drift": [],
        }

    def gate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        log.append({"gate": event})
        if "task_token" in event:  # WaitForGateEvent: registers; nobody completes the token, it times out
            return {"registration": {"registered": False}}
        status = next(remaining)
        if status == "ERROR":
            raise RuntimeError("RAM is unreachable; retry later")
        return {
            "schema_version": 1,
            "allowed": status == "ALLOWED",
            "status": status,
            "reasons": [f"prod: {status.lower()}"],
            "reason": f"prod: {status.lower()}",
            "next_check_seconds": 1,
            "shares": ["arn:aws:ram:us-east-1:111111111111:resource-share/s"],
            "waiting_since": None,
            "card_arn": event["card_arn"],
            "stage": event["stage"],
        }

    return {"populate": populate, "share": share, "gate": gate}


def _run(statuses: Iterable[str], seen: list[dict[str, Any]] | None = None, **kwargs: Any) -> dict[str, Any]:
    from mcgov.demo.local_run import run_local

    return run_local("allowed", handlers=_handlers(statuses, seen), **kwargs)


def test_pending_then_allowed_succeeds_after_one_token_wait() -> None:
    seen: list[dict[str, Any]] = []
    result = _run(["PENDING", "ALLOWED"], seen, card_event={"card_name": "churn", "evaluation_uris": ["s3://b/e.json"]})
    assert result["status"] == "SUCCEEDED", result
    gate = ["CheckGate", "HasCheckGateOutput", "KeepCheckGateOutput", "GateDecision"]
    assert result["states"] == [
        "CheckInput",
        "Prepare",
        "PopulateCard",
        "HasPopulateCardOutput",
        "KeepPopulateCardOutput",
        "ShareCard",
        "HasShareCardOutput",
        "KeepShareCardOutput",
        *gate,
        "WaitForGateEvent",
        "NextCheck",
        *gate,
        "GateAllowed",
    ]
    assert seen[0] == {"populate": {"card_name": "churn", "evaluation_uris": ["s3://b/e.json"]}}
    assert seen[1] == {"share": {"card_arn": CARD_ARN}}
    check = {"card_arn": CARD_ARN, "stage": "staging", "wait_seconds": 0, "max_wait_seconds": 0}
    assert seen[2] == seen[4] == {"gate": check}
    token_wait = seen[3]["gate"]
    assert token_wait["task_token"] and token_wait["execution_arn"].startswith("arn:aws:states:us-east-1:")
    assert token_wait["shares"] == ["arn:aws:ram:us-east-1:111111111111:resource-share/s"]
    assert result["output"]["gate"]["allowed"] is True
    assert result["output"]["poll"]["attempt"] == 2


def test_blocked_fails_with_the_gate_reason() -> None:
    result = _run(["BLOCKED"])
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "GateBlocked", "prod: blocked")
    assert result["states"][-1] == "GateBlocked"


def test_handler_error_is_caught_into_task_failed() -> None:
    result = _run(["ERROR"])
    assert (result["status"], result["error"]) == ("FAILED", "GovernanceTaskFailed")
    assert "RAM is unreachable" in result["cause"]


def test_unknown_scenario_and_missing_handlers_raise() -> None:
    from mcgov.demo.local_run import run_local
    from mcgov.steps.workflow.exceptions import InvalidWorkflowSettingError

    with pytest.raises(InvalidWorkflowSettingError, match="allowed, blocked, pending"):
        run_local("sideways")
    with pytest.raises(InvalidWorkflowSettingError, match="gate"):
        run_local("allowed", handlers={"populate": print, "share": print})


@pytest.mark.parametrize(
    ("scenario", "status", "error", "cause"),
    [
        ("allowed", "SUCCEEDED", None, None),
        ("blocked", "FAILED", "GateBlocked", "association FAILED (local scenario: association of "),
        ("pending", "FAILED", "GateTimedOut", "is still ASSOCIATING; wait and re-check."),
    ],
)
def test_project_handlers_on_the_emulator(scenario: str, status: str, error: str | None, cause: str | None) -> None:
    """A blocked or timed-out gate carries the gate's reason as the cause, so a crash cannot pass for one."""
    from mcgov.demo.local_run import run_local

    result = run_local(scenario)
    assert (result["status"], result["error"]) == (status, error), result
    if cause is None:
        assert result["cause"] is None
    else:
        assert cause in result["cause"], result
        assert result["states"][-1] == error
    if scenario == "pending":
        assert result["states"].count("CheckGate") == 3, "bounded by LOCAL_SETTINGS.max_attempts"
