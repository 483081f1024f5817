"""The gate's event path: a waiting gate registers itself; a RAM event (or the scheduled re-check) wakes it.

* ``register_pending``: a PENDING gate (the Step Functions token wait, the CallbackStep's SQS watcher) records
  itself (``mcgov.steps.gate.registrations``). A failed registration is returned, never raised: the gate's polling
  path decides anyway.
* ``shares_named``: the RAM share ARNs a "Resource Sharing State Change" event names (``detail.resourceShareArn``
  and ``resources``). AWS documents only ``detail.event`` and ``detail.status``, so an event may name none.
* ``wake``: the registrations of the shares named (all of them when none is named, or on the schedule) are
  re-checked with the normal gate check; an allowed or blocked gate is completed through its handle
  (``mcgov.steps.gate.completion``) and its registration deleted; a pending one stays. The event is a hint
  to look again, never the decision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mcgov.errors import GovernanceError
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.gate.completion import complete
from mcgov.steps.gate.decision import Decision
from mcgov.steps.gate.registrations import (
    SHARE_ARN,
    TTL_SECONDS,
    Handle,
    Registration,
    RegistrationStore,
    registration,
)
from mcgov.steps.gate.schedule import gate_key, next_poll_delay

Check = Callable[[SharePolicy, str, PolicyStage], Decision]
Output = Callable[[Decision], dict[str, Any]]
FINISHED = ("ALLOWED", "BLOCKED", "REFUSED", "DROPPED")
"""Outcomes after which a registration is deleted (the gate is completed, or its handle is no longer accepted)."""


def register_pending(
    store: RegistrationStore | None,
    policy: SharePolicy,
    card_arn: str,
    stage: PolicyStage,
    decision: Decision,
    handle: Handle,
    now: float,
) -> dict[str, Any]:
    """Register the PENDING ``decision``'s gate (its shares, its first pending association time); ``register``."""
    since = decision.waiting_since()
    anchor = since.timestamp() if since is not None else None
    return register(store, policy, card_arn, stage, decision.shares, anchor, handle, now)


def register(
    store: RegistrationStore | None,
    policy: SharePolicy,
    card_arn: str,
    stage: PolicyStage,
    shares: Sequence[str],
    anchor: float | None,
    handle: Handle,
    now: float,
    ttl_seconds: int = TTL_SECONDS,
) -> dict[str, Any]:
    """Check and write a waiting gate's registration, alive ``ttl_seconds``; ``{"registered": bool, ...}`` (never
    raises: a gate that cannot register is decided by its polling path)."""
    if store is None:
        return {"registered": False, "reason": "no registrations table (MCGOV_GATE_TABLE unset): polling only"}
    try:
        record = registration(
            policy,
            card_arn=card_arn,
            stage=stage.name,
            share_arns=shares,
            handle=handle,
            anchor=anchor,
            now=now,
            ttl_seconds=ttl_seconds,
        )
        store.put(record)
    except GovernanceError as exc:
        return {"registered": False, "reason": f"not registered ({exc}); the gate's polling decides"}
    return {"registered": True, "gate_id": record.gate_id, "shares": list(record.share_arns)}


def next_check_seconds(
    policy: SharePolicy, card_arn: str, stage: str, decision: Decision, start: float, now: float
) -> int:
    """Whole seconds (at least 1) until the gate's next poll (``mcgov.steps.gate.schedule``), anchored on its
    first pending association (else ``start``): the Step Functions wait and the SQS redelivery delay."""
    since = decision.waiting_since()
    anchor = since.timestamp() if since is not None else start
    gate = policy.gate
    delay = next_poll_delay(
        anchor, now, gate.poll_interval_seconds, gate.backoff_cap_seconds, gate_key(card_arn, stage)
    )
    return max(1, math.ceil(delay))


def shares_named(event: Mapping[str, Any]) -> tuple[str, ...]:
    """The RAM share ARNs an EventBridge RAM event names (``detail.resourceShareArn``, ``resources``); may be ()."""
    detail = event.get("detail")
    named = [detail.get("resourceShareArn")] if isinstance(detail, Mapping) else []
    resources = event.get("resources")
    named += list(resources) if isinstance(resources, list) else []
    return tuple(dict.fromkeys(a for a in named if isinstance(a, str) and SHARE_ARN.fullmatch(a)))


def wake(
    store: RegistrationStore,
    policy: SharePolicy,
    shares: tuple[str, ...] | None,
    now: float,
    *,
    check: Check,
    output: Output,
    sagemaker: Any,
    sfn: Any,
    decided: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Re-check the registrations of ``shares`` (every registration when None or empty) and finish the decided
    ones. ``check(policy, card_arn, stage)`` is the gate's one check, made once per card and stage (gates waiting
    on the same card and stage share its decision); ``output`` its ``decision_output``;
    ``decided`` sees the decision record of each waiting gate this wake-up ended (the handler's notifications)."""
    found, unreadable = store.for_shares(policy, shares, now) if shares else store.all(policy, now)
    decisions: dict[tuple[str, str], dict[str, Any]] = {}  # one check per (card, stage), however many gates wait on it
    outcomes = []
    for record in found:
        key = (record.card_arn, record.stage)
        if key not in decisions:
            decisions[key] = output(
                check(policy, record.card_arn, policy.stage(record.stage, source="registration.stage"))
            )
        outcomes.append(_wake_one(store, record, decisions[key], sagemaker, sfn, decided))
    return {
        "shares": list(shares or ()),
        "checked": len(found),
        "outcomes": outcomes,
        "unreadable": [{"share_arn": u.share_arn, "gate_id": u.gate_id, "reason": u.reason} for u in unreadable],
    }


def _wake_one(
    store: RegistrationStore,
    record: Registration,
    decision: dict[str, Any],
    sagemaker: Any,
    sfn: Any,
    decided: Callable[[dict[str, Any]], None] | None,
) -> dict[str, Any]:
    base = {"gate_id": record.gate_id, "card_arn": record.card_arn, "stage": record.stage, "kind": record.handle.kind}
    outcome = {**base, "status": decision["status"], "reason": decision["reason"]}
    if outcome["status"] not in ("ALLOWED", "BLOCKED"):
        return outcome
    outcome = complete(record.handle, outcome, decision, sagemaker=sagemaker, sfn=sfn)
    if outcome["status"] in FINISHED:
        store.delete(record)
    if decided is not None and outcome["status"] in ("ALLOWED", "BLOCKED", "REFUSED"):
        decided(decision)  # this wake-up ended a waiting gate (not one its own poll had ended: DROPPED)
    return outcome
