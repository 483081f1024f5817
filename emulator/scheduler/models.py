"""EventBridge Scheduler backend for the emulator: checked expressions, and schedules that fire on the emulator clock.

moto 5.2.5 stores schedules but never invokes their targets, accepts any expression and answers a missing group
with a server error. Here CreateSchedule/UpdateSchedule check the expression and time zone (``expressions``) and the
group, and each ENABLED schedule fires on the emulator clock: the hub's pump asks ``fire_due`` to queue a delivery for
every firing time that has come (``StartDate`` or creation first for rate(), each period after; at() once; no firing
after ``EndDate``), with the target's ``Input`` and its context attributes filled in
(https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html). A one-time
schedule with ``ActionAfterCompletion`` DELETE is deleted after it fires
(https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html). Without ``Input`` the target
gets ``{}`` (AWS sends "a default notification" it does not describe,
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html). A flexible time window fires at its start.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from moto.scheduler.exceptions import ValidationException
from moto.scheduler.models import EventBridgeSchedulerBackend, Schedule, scheduler_backends

from mcgov.emulator.events.delivery import Via, deliver
from mcgov.emulator.events.envelope import iso_time
from mcgov.emulator.scheduler.expressions import Expression, ExpressionError, parse
from mcgov.emulator.state import get_state


def _epoch(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def context_input(text: str, schedule_arn: str, scheduled: float, execution_id: str, attempt: int) -> str:
    """The target's Input with the Scheduler context attributes replaced."""
    return (
        text.replace("<aws.scheduler.schedule-arn>", schedule_arn)
        .replace("<aws.scheduler.scheduled-time>", iso_time(scheduled))
        .replace("<aws.scheduler.execution-id>", execution_id)
        .replace("<aws.scheduler.attempt-number>", str(attempt))
    )


class Timing:
    """When a schedule fires next (kept beside moto's ``Schedule``)."""

    def __init__(self, expression: str, timezone: str | None, start_date: Any, end_date: Any, now: float) -> None:
        self.expression: Expression = parse(expression, timezone)
        self.end = _epoch(end_date)
        start = _epoch(start_date)
        self.next: float | None = self.expression.first(max(start, now) if start is not None else now)
        if self.expression.kind == "at":
            self.end = None  # one-time schedules ignore StartDate and EndDate

    def due(self) -> float | None:
        """The next firing time, or None when the schedule has finished."""
        if self.next is None or (self.end is not None and self.next > self.end):
            return None
        return self.next


class EmulatorSchedulerBackend(EventBridgeSchedulerBackend):
    """moto's Scheduler backend with checked input and firing (see the module docstring)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.timings: dict[str, Timing] = {}

    def _timing(self, expression: str, timezone: str | None, start_date: Any, end_date: Any) -> Timing:
        try:
            return Timing(expression, timezone, start_date, end_date, get_state().clock.now())
        except (ExpressionError, ValueError) as exc:
            raise ValidationException(str(exc)) from exc

    def create_schedule(self, **kwargs: Any) -> Schedule:  # type: ignore[override]
        """CreateSchedule: the group must exist and the expression must parse."""
        self.get_schedule_group(kwargs.get("group_name"))
        timing = self._timing(
            kwargs["schedule_expression"],
            kwargs.get("schedule_expression_timezone"),
            kwargs.get("start_date"),
            kwargs.get("end_date"),
        )
        schedule = super().create_schedule(**kwargs)
        self.timings[schedule.arn] = timing
        return schedule

    def update_schedule(self, **kwargs: Any) -> Schedule:  # type: ignore[override]
        """UpdateSchedule: the new expression must parse; firing restarts from now (or the new StartDate)."""
        timing = self._timing(
            kwargs["schedule_expression"],
            kwargs.get("schedule_expression_timezone"),
            kwargs.get("start_date"),
            kwargs.get("end_date"),
        )
        schedule = super().update_schedule(**kwargs)
        self.timings[schedule.arn] = timing
        return schedule

    def delete_schedule(self, group_name: str | None, name: str) -> None:
        """DeleteSchedule, forgetting its timing."""
        schedule = self.get_schedule(group_name, name)
        super().delete_schedule(group_name, name)
        self.timings.pop(schedule.arn, None)

    def _schedules(self) -> list[Schedule]:
        return [s for group in list(self.schedule_groups.values()) for s in list(group.schedules.values())]

    def next_due(self) -> float | None:
        """The earliest firing of an ENABLED schedule, if any."""
        times = []
        for schedule in self._schedules():
            timing = self.timings.get(schedule.arn)
            due = timing.due() if timing is not None and schedule.state == "ENABLED" else None
            if due is not None:
                times.append(due)
        return min(times) if times else None

    def fire_due(self, now: float) -> None:
        """Queue a delivery for every firing that has come (a DISABLED schedule skips its firings)."""
        hub = get_state().events
        for schedule in self._schedules():
            timing = self.timings.get(schedule.arn)
            if timing is None:
                continue
            while (due := timing.due()) is not None and due <= now:
                timing.next = timing.expression.next_after(due)
                if schedule.state != "ENABLED":
                    continue
                target = dict(schedule.target)
                execution_id = uuid.uuid4().hex[:16]
                text = target.get("Input")
                payload = context_input(text, schedule.arn, due, execution_id, 1) if text is not None else "{}"
                via = Via("schedule", schedule.arn, self.account_id, self.region_name)
                hub.at(due, lambda via=via, target=target, payload=payload: deliver(hub, via, target, payload))  # type: ignore[misc]
            if timing.due() is None and timing.expression.kind == "at" and schedule.action_after_completion == "DELETE":
                self.delete_schedule(schedule.group_name, schedule.name)


def scheduler_backends_in_use() -> list[EmulatorSchedulerBackend]:
    """Every emulator Scheduler backend created so far (all accounts and regions)."""
    out = []
    for account in list(scheduler_backends.keys()):
        for backend in list(scheduler_backends[account].values()):
            if isinstance(backend, EmulatorSchedulerBackend):
                out.append(backend)
    return out
