"""Process-wide emulator state shared by the patched backends (config, clock, injections, call log)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mcgov.emulator.config import Clock, EmulatorConfig
from mcgov.emulator.events.hub import EventHub

LambdaHandler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Authorization:
    """One IAM decision the emulator made for a checked role session.

    ``by`` says who acted with the role: ``request`` (the session's own API call), or the service that acts with
    the role on its behalf (``lambda`` writing logs or polling a queue, ``ram`` attaching a shared resource's
    policy, ``states`` running a state machine, ``sagemaker`` writing an export, ``events`` or ``scheduler``
    calling a rule's or a schedule's target). ``reason`` is empty when allowed.
    """

    role_arn: str
    action: str
    resource: str
    allowed: bool
    by: str = "request"
    reason: str = ""


@dataclass(frozen=True)
class FailureRule:
    """Make matching ASSOCIATING associations become FAILED with ``message``.

    ``principal`` matches a PRINCIPAL association's entity (account id or ARN), ``resource_arn`` a
    RESOURCE association's entity; ``share_arn`` (optional) restricts the rule to one share.
    """

    message: str
    principal: str | None = None
    resource_arn: str | None = None
    share_arn: str | None = None

    def matches(self, share_arn: str, association_type: str, entity: str) -> bool:
        """True when this rule applies to the association described by the arguments."""
        if self.share_arn is not None and self.share_arn != share_arn:
            return False
        if association_type == "PRINCIPAL":
            return self.principal is not None and self.principal == entity
        return self.resource_arn is not None and self.resource_arn == entity


@dataclass
class EmulatorState:
    """Everything the patched moto backends read besides their own per-account data."""

    config: EmulatorConfig = field(default_factory=EmulatorConfig)
    clock: Clock = field(default_factory=Clock)
    failures: list[FailureRule] = field(default_factory=list)
    api_calls: list[tuple[str, str, str]] = field(default_factory=list)
    lambda_handlers: dict[str, LambdaHandler] = field(default_factory=dict)
    authorizations: list[Authorization] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    events: EventHub = field(init=False)

    def __post_init__(self) -> None:
        self.events = EventHub(self.clock)

    def failure_for(self, share_arn: str, association_type: str, entity: str) -> str | None:
        """The message of the newest injected failure matching an association, if any."""
        for rule in reversed(self.failures):
            if rule.matches(share_arn, association_type, entity):
                return rule.message
        return None

    def record_call(self, account: str, service: str, operation: str) -> None:
        """Append one (account, service, operation) entry to the call log."""
        with self.lock:
            self.api_calls.append((account, service, operation))

    def record_authorization(self, decision: Authorization) -> None:
        """Append one IAM decision to the authorization log."""
        with self.lock:
            self.authorizations.append(decision)


_state = EmulatorState()


def get_state() -> EmulatorState:
    """The state the patched backends currently use."""
    return _state


def set_state(state: EmulatorState) -> EmulatorState:
    """Install ``state`` for the patched backends and return the previous one."""
    global _state
    previous, _state = _state, state
    return previous
