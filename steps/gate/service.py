"""The gate as one call: build the clients, check once or poll; and the decision's output form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.common.aws import make_session
from mcgov.steps.gate.decision import Decision
from mcgov.steps.gate.poller import check_once, run_gate
from mcgov.steps.share.client import ram_client


def check(policy: SharePolicy, card_arn: str, stage: PolicyStage, wait_seconds: float, session: Any = None) -> Decision:
    """Run the gate of ``policy`` for ``stage`` and ``card_arn``, polling at most ``wait_seconds``.

    Takes what the edge (a handler, the CLI) resolved once: ``policy.stage(...)`` and ``policy.card_arn(...)``.
    """
    session = session or make_session()
    ram = ram_client(session, policy.region)
    sagemaker = session.client("sagemaker", region_name=policy.region)
    kms = kms_client(session, policy)
    if wait_seconds <= 0:
        return check_once(ram, sagemaker, policy, stage, card_arn, datetime.now(UTC), kms)
    return run_gate(ram, sagemaker, policy, stage, card_arn, timeout=wait_seconds, kms=kms)


def kms_client(session: Any, policy: SharePolicy) -> Any:
    """The KMS client that verifies signed approvals, for a policy with ``approval_signing_key_arn`` (else None)."""
    return session.client("kms", region_name=policy.region) if policy.approval_signing_key_arn else None


def decision_output(decision: Decision) -> dict[str, Any]:
    """The decision record plus ``status`` (ALLOWED, PENDING or BLOCKED), ``reason`` (the reasons joined) and
    ``card_arn`` (the card decided on: the workflow allows only a decision on its own card and stage)."""
    record = decision.to_dict()
    status = "ALLOWED" if decision.allowed else ("PENDING" if decision.pending else "BLOCKED")
    reason = " ".join(decision.reasons) or "all associations are ASSOCIATED"
    card_arn = (decision.card or {}).get("arn") or ""
    return {**record, "card_arn": card_arn, "status": status, "reason": reason}
