"""EventBridge backend for the emulator: checked event patterns, PutEvents as AWS answers it, and rule delivery.

moto 5.2.5's ``EventsBackend`` keeps rules and targets but its ``PutEvents`` raises for Lambda, SNS and Step
Functions targets, delivers to disabled rules, matches unknown pattern operators as "anything" and drops the
``account`` field on the way to a target. This subclass replaces ``put_rule`` (the pattern is checked by
``patterns``), ``put_events`` and ``test_event_pattern``; an event that enters a bus (``publish``) is logged
(``EventHub.bus_log``) and, for every ENABLED rule whose pattern matches, queued for delivery to each target on the
event hub (``delivery.deliver``), so targets run after the request, on the emulator clock.

PutEvents sources: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html (entries, 256 KB
total), https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html (per-entry error
codes), https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html (entry size: Time 14 bytes,
Source, DetailType, Detail and each Resources entry in UTF-8) and
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html (a customer event's source does not
begin with "aws.").
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from moto.events.exceptions import InvalidEventPatternException, ValidationException
from moto.events.models import EventBus, EventsBackend, Rule, events_backends
from moto.events.utils import EventMessageType

from mcgov.emulator.events.delivery import Via, deliver
from mcgov.emulator.events.envelope import make_event, target_input
from mcgov.emulator.events.patterns import EventPattern, PatternError, compile_pattern
from mcgov.emulator.state import get_state

MAX_ENTRIES_BYTES = 256 * 1024
ENABLED_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


@lru_cache(maxsize=4096)
def checked_pattern(text: str) -> EventPattern:
    """The compiled pattern of a rule (cached by its text)."""
    return compile_pattern(text)


def entry_size(entry: dict[str, Any]) -> int:
    """The PutEvents entry size as EventBridge calculates it."""
    size = 14 if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        if entry.get(key) is not None:
            size += len(str(entry[key]).encode())
    return size + sum(len(str(r).encode()) for r in entry.get("Resources") or [])


def _epoch(value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def _principal_allows(principal: Any, account: str) -> bool:
    values = principal.get("AWS") if isinstance(principal, dict) else principal
    values = values if isinstance(values, list) else [values]
    return any(v in ("*", account, f"arn:aws:iam::{account}:root") for v in values)


def bus_allows(bus: EventBus, account: str) -> bool:
    """Whether another account may put events on ``bus`` (its resource-based policy)."""
    if not bus.policy:
        return False
    for statement in json.loads(bus.policy)["Statement"]:
        actions = statement.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        if (
            statement.get("Effect") == "Allow"
            and any(a in ("events:PutEvents", "events:*", "*") for a in actions)
            and _principal_allows(statement.get("Principal"), account)
        ):
            return True
    return False


def publish(account: str, region: str, bus_name: str, event: dict[str, Any]) -> bool:
    """``event`` enters the bus ``bus_name`` of ``account``: log it and queue its matching rules' deliveries."""
    backend = events_backends[account][region]
    if not isinstance(backend, EmulatorEventsBackend):
        return False
    return backend.ingest(bus_name, event)


class EmulatorEventsBackend(EventsBackend):
    """moto's EventBridge backend with the behaviour above."""

    def put_rule(
        self,
        name: str,
        description: str | None = None,
        event_bus_arn: str | None = None,
        event_pattern: str | None = None,
        role_arn: str | None = None,
        scheduled_expression: str | None = None,
        state: str | None = None,
        managed_by: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> Rule:
        """PutRule with the event pattern checked (InvalidEventPatternException, as AWS answers)."""
        if event_pattern:
            try:
                checked_pattern(event_pattern)
            except PatternError as exc:
                raise InvalidEventPatternException(str(exc)) from exc
        return super().put_rule(
            name,
            description=description,
            event_bus_arn=event_bus_arn,
            event_pattern=event_pattern,
            role_arn=role_arn,
            scheduled_expression=scheduled_expression,
            state=state,
            managed_by=managed_by,
            tags=tags,
        )

    def resolve_bus(self, name_or_arn: str | None) -> tuple[str, str, str]:
        """(account, region, bus name) of an EventBusName (name or ARN; None: this account's default bus)."""
        if not name_or_arn:
            return self.account_id, self.region_name, "default"
        if name_or_arn.startswith("arn:"):
            parts = name_or_arn.split(":", 5)
            if len(parts) == 6 and parts[5].startswith("event-bus/"):
                return parts[4], parts[3], parts[5].split("/", 1)[1]
        return self.account_id, self.region_name, name_or_arn

    def _entry_error(self, entry: dict[str, Any]) -> tuple[str, str] | None:
        for key in ("Source", "DetailType", "Detail"):
            if not entry.get(key):
                return "InvalidArgument", f"Parameter {key} is not valid. Reason: {key} is a required argument."
        if str(entry["Source"]).startswith("aws."):
            return (
                "NotAuthorizedForSourceException",
                "Not authorized for the source. Sources beginning with 'aws.' are reserved for AWS services.",
            )
        try:
            detail = json.loads(entry["Detail"])
        except ValueError:
            return "MalformedDetail", "Detail is malformed."
        if not isinstance(detail, dict):
            return "MalformedDetail", "Detail is malformed."
        return None

    def put_events(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """PutEvents: each entry is checked, then enters its bus (this account's, or another's by ARN)."""
        if sum(entry_size(e) for e in events) > MAX_ENTRIES_BYTES:
            raise ValidationException("Total size of the entries in the request is over the limit.")
        now = get_state().clock.now()
        results: list[dict[str, Any]] = []
        for entry in events:
            error = self._entry_error(entry)
            account, region, bus_name = self.resolve_bus(entry.get("EventBusName"))
            if error is None:
                error = self._bus_error(account, region, bus_name)
            if error is not None:
                results.append({"ErrorCode": error[0], "ErrorMessage": error[1]})
                continue
            event = make_event(
                source=entry["Source"],
                detail_type=entry["DetailType"],
                detail=json.loads(entry["Detail"]),
                account=self.account_id,
                region=self.region_name,
                time=_epoch(entry.get("Time"), now),
                resources=entry.get("Resources") or [],
            )
            results.append({"EventId": event["id"]})
            publish(account, region, bus_name, event)
        return results

    def _bus_error(self, account: str, region: str, bus_name: str) -> tuple[str, str] | None:
        target = events_backends[account][region]
        bus = target.event_buses.get(bus_name)
        if bus is None:
            return "ResourceNotFoundException", f"Event bus {bus_name} does not exist."
        if account != self.account_id and not bus_allows(bus, self.account_id):
            return "AccessDeniedException", f"Account {self.account_id} is not authorized to put events on {bus.arn}."
        return None

    def test_event_pattern(self, pattern: str, event: str) -> bool:  # type: ignore[override]
        """TestEventPattern: whether the event matches the pattern (both checked)."""
        try:
            compiled = checked_pattern(pattern)
        except PatternError as exc:
            raise InvalidEventPatternException(str(exc)) from exc
        try:
            parsed = json.loads(event)
        except ValueError as exc:
            raise ValidationException("Parameter Event is not valid. Reason: Event is not valid JSON.") from exc
        if not isinstance(parsed, dict):
            raise ValidationException("Parameter Event is not valid. Reason: Event is not a JSON object.")
        return compiled.matches(parsed)

    def ingest(self, bus_name: str, event: dict[str, Any]) -> bool:
        """An event enters ``bus_name``: log it, queue a delivery per target of each matching ENABLED rule."""
        bus = self.event_buses.get(bus_name)
        if bus is None:
            return False
        hub = get_state().events
        hub.record_bus(self.account_id, self.region_name, bus_name, event)
        now = hub.clock.now()
        for rule in list(bus.rules.values()):
            raw = rule.event_pattern.dump()
            if rule.state not in ENABLED_STATES or not raw or not checked_pattern(raw).matches(event):
                continue
            via = Via("rule", rule.arn, self.account_id, self.region_name)
            for target in list(rule.targets):
                if self._archive(target, event):
                    continue
                payload = target_input(target, event, rule.arn, rule.name)
                hub.at(
                    now,
                    lambda via=via, target=dict(target), payload=payload: deliver(  # type: ignore[misc]
                        hub, via, target, payload, event_id=event["id"], forward=event
                    ),
                )
        return True

    def _archive(self, target: dict[str, Any], event: dict[str, Any]) -> bool:
        """moto's archive rules target ``arn:aws:events:<region>:::``: keep the event in the archive."""
        parts = str(target.get("Arn", "")).split(":")
        if len(parts) < 6 or parts[2] != "events" or parts[5]:
            return False
        name = str(target.get("Id", "")).removeprefix("Events-Archive-")
        archive = self.archives.get(name)
        if archive is not None:
            archive.events.append(cast("EventMessageType", event))  # an envelope of make_event
        return True
