"""Promotion gate: allow a stage only when its RAM share is ASSOCIATED and the card status suffices."""
from mcgov.steps.gate.decision import SCHEMA_VERSION, Decision, card_summary, combined, evaluate
from mcgov.steps.gate.poller import backoff_delays, check_once, run_gate, run_stages
from mcgov.steps.gate.reader import read_stage_state, share_status
from mcgov.steps.gate.service import check, decision_output
from mcgov.steps.gate.state import StageShareState
from mcgov.steps.gate.verify import role_arn, verify_consumers

__all__ = [
    "SCHEMA_VERSION",
    "Decision",
    "StageShareState",
    "backoff_delays",
    "card_summary",
    "check",
    "check_once",
    "combined",
    "decision_output",
    "evaluate",
    "read_stage_state",
    "role_arn",
    "run_gate",
    "run_stages",
    "share_status",
    "verify_consumers",
]
