"""Imperative shell of the gate: read the card and RAM, evaluate, re-poll on the gate's schedule until decided.

Any exception while reading becomes a blocked decision (fail closed). ``sleep`` and ``clock`` default to the
clock of ``mcgov.clock`` (real time unless an emulator provides its own), looked up at each call. Polls follow
``mcgov.steps.gate.schedule``: anchored on the first pending association's creation time, backing off, jittered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from mcgov import clock as wait_clock
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.approval.signing import signature_problem
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.card.store import CardStore
from mcgov.steps.gate.decision import Decision, blocked, card_summary, evaluate
from mcgov.steps.gate.reader import read_hub_copy, read_stage_state
from mcgov.steps.gate.schedule import gate_key, next_poll_delay

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Progress = Callable[[str], None]


def check_once(
    ram: Any,
    sagemaker: Any,
    policy: SharePolicy,
    stage: PolicyStage,
    card_arn: str,
    now: datetime,
    kms: Any = None,
) -> Decision:
    """One evaluation; errors become a blocked decision whose reason is the exception. ``kms`` verifies a signed
    approval (policies with ``approval_signing_key_arn``; without a client such a stage blocks)."""
    card: dict[str, Any] | None = None
    try:
        card = CardStore(sagemaker).describe(card_arn)  # not found: not shared with us, or no such card
        state = read_stage_state(ram, card_arn, stage, policy.policy_id)
        approval = ApprovalStore(sagemaker).read(card_arn) if stage.required_card_status == "Approved" else None
        key = policy.approval_signing_key_arn
        signature = signature_problem(kms, key, card_arn, approval) if key and approval is not None else None
        hub_copy = read_hub_copy(sagemaker, policy, card_arn) if stage.hub_copy_current else None
        return evaluate(policy, stage, card, state, now, approval, hub_copy, signature)
    except Exception as exc:  # noqa: BLE001 - fail closed on anything
        summary = card_summary(card) if card else {"arn": card_arn}
        text = " ".join(str(exc).split())
        return blocked(
            stage.name,
            f"Gate check failed ({type(exc).__name__}: {text}); fix the cause and re-run.",
            now,
            card=summary,
        )


def run_gate(
    ram: Any,
    sagemaker: Any,
    policy: SharePolicy,
    stage: PolicyStage,
    card_arn: str,
    *,
    timeout: float | None = None,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    progress: Progress | None = None,
    check: Callable[[datetime], Decision] | None = None,
    kms: Any = None,
) -> Decision:
    """Poll until allowed, blocked for a reason waiting cannot fix, or ``timeout`` (default: policy) elapses.

    ``check(now)`` makes one evaluation (default: ``check_once`` of the card); the package gate passes its own.
    Between polls it sleeps until the gate's next poll (``next_poll_delay``), anchored on the first pending
    association's creation time (else this call's start).
    """
    check = check or (lambda now: check_once(ram, sagemaker, policy, stage, card_arn, now, kms))
    waits = wait_clock.for_clients(ram, sagemaker)
    sleep = waits.sleep if sleep is None else sleep
    clock = waits.now if clock is None else clock
    settings = policy.gate
    limit = settings.timeout_seconds if timeout is None else timeout
    key = gate_key(card_arn, stage.name)
    start = clock()
    attempt = 0
    while True:
        decision = check(_now(clock))
        elapsed = clock() - start
        if progress is not None:
            state = "allowed" if decision.allowed else ("waiting" if decision.pending else "blocked")
            progress(
                f"gate {stage.name}: poll {attempt + 1} after {elapsed:.0f}s: {state}: "
                f"{'; '.join(decision.reasons) or 'all associated'}"
            )
        if decision.allowed or not decision.pending:
            return decision
        remaining = limit - elapsed
        if remaining <= 0:
            decision.reasons.append(
                f"Timed out after {elapsed:.0f}s waiting for associations (limit {limit:.0f}s); "
                "re-run the gate later or raise gate.timeout_seconds / --wait."
            )
            decision.pending = False
            return decision
        since = decision.waiting_since()
        anchor = since.timestamp() if since is not None else start
        delay = next_poll_delay(anchor, clock(), settings.poll_interval_seconds, settings.backoff_cap_seconds, key)
        sleep(min(delay, remaining))
        attempt += 1


def run_stages(
    ram: Any,
    sagemaker: Any,
    policy: SharePolicy,
    stages: Sequence[PolicyStage],
    card_arn: str,
    *,
    timeout: float | None = None,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    progress: Progress | None = None,
    kms: Any = None,
) -> list[Decision]:
    """``run_gate`` for each stage in turn, sharing one wait budget (default: the policy's timeout)."""
    waits = wait_clock.for_clients(ram, sagemaker)
    sleep = waits.sleep if sleep is None else sleep
    clock = waits.now if clock is None else clock
    limit = policy.gate.timeout_seconds if timeout is None else timeout
    start = clock()
    return [
        run_gate(
            ram,
            sagemaker,
            policy,
            stage,
            card_arn,
            timeout=max(0.0, limit - (clock() - start)),
            sleep=sleep,
            clock=clock,
            progress=progress,
            kms=kms,
        )
        for stage in stages
    ]


def _now(clock: Clock) -> datetime:
    return datetime.fromtimestamp(clock(), tz=UTC)
