"""Promotion gate: allow a stage only when its RAM share is ASSOCIATED and the card status suffices."""
from mcgov.steps.gate.decision import SCHEMA_VERSION, Decision, card_summary, evaluate
from mcgov.steps.gate.poller import backoff_delays, check_once, run_gate
from mcgov.steps.gate.verify import role_arn, verify_consumers

__all__ = [
    "SCHEMA_VERSION",
    "Decision",
    "backoff_delays",
    "card_summary",
    "check_once",
    "evaluate",
    "role_arn",
    "run_gate",
    "verify_consumers",
]
