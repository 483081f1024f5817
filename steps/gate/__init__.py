"""Promotion gate: allow a stage only when its RAM share is ASSOCIATED and the card status suffices."""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "Decision": "mcgov.steps.gate.decision",
    "SCHEMA_VERSION": "mcgov.steps.gate.decision",
    "StageShareState": "mcgov.steps.gate.state",
    "backoff_delays": "mcgov.steps.gate.poller",
    "card_summary": "mcgov.steps.gate.decision",
    "check": "mcgov.steps.gate.service",
    "check_once": "mcgov.steps.gate.poller",
    "combined": "mcgov.steps.gate.decision",
    "decision_output": "mcgov.steps.gate.service",
    "evaluate": "mcgov.steps.gate.decision",
    "read_stage_state": "mcgov.steps.gate.reader",
    "role_arn": "mcgov.steps.gate.verify",
    "run_gate": "mcgov.steps.gate.poller",
    "run_stages": "mcgov.steps.gate.poller",
    "share_status": "mcgov.steps.gate.reader",
    "verify_consumers": "mcgov.steps.gate.verify",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
