"""EventBridge Scheduler schedule expressions: ``rate()``, ``at()`` and ``cron()``, and when they fire.

Source: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html: ``rate(value unit)`` with a
positive whole value and the unit minute(s), hour(s) or day(s), starting at ``StartDate`` or, without one, at once;
``at(yyyy-mm-ddThh:mm:ss)`` once, in ``ScheduleExpressionTimezone``; ``cron(minutes hours day-of-month month
day-of-week year)`` in that time zone, with ``?`` in one of the two day fields. Scheduler invokes with 60-second
precision; the emulator fires at the exact time. ``L``, ``W`` and ``#`` in cron fields are refused as not emulated
(the product does not use them) instead of being guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", re.ASCII)
AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)", re.ASCII)
CRON = re.compile(r"cron\((.*)\)", re.ASCII)
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
CRON_SEARCH_LIMIT = timedelta(days=366 * 5)


class ExpressionError(ValueError):
    """A schedule expression or time zone EventBridge Scheduler refuses (or one the emulator does not run)."""


@dataclass(frozen=True)
class Expression:
    """A parsed schedule expression; ``next_after(t)`` is the first firing strictly after epoch ``t`` (None: none)."""

    kind: str
    text: str
    zone: ZoneInfo
    period: float = 0.0
    at: float = 0.0
    fields: tuple[frozenset[int] | None, ...] = ()

    def first(self, start: float) -> float | None:
        """The first firing at or after ``start`` (a schedule's start)."""
        if self.kind == "rate":
            return start
        if self.kind == "at":
            return self.at
        return self.next_after(start - 1)

    def next_after(self, fired: float) -> float | None:
        """The firing after the one at ``fired``."""
        if self.kind == "rate":
            return fired + self.period
        if self.kind == "at":
            return None
        return _next_cron(self.fields, self.zone, fired)


def zone_of(name: str | None) -> ZoneInfo:
    """The IANA time zone of ``ScheduleExpressionTimezone`` (default UTC)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ExpressionError(f"Invalid timezone: {name}") from exc


def parse(text: str, timezone: str | None = None) -> Expression:
    """Parse a ScheduleExpression; ExpressionError says what is wrong."""
    zone = zone_of(timezone)
    match = RATE.fullmatch(text)
    if match:
        value, unit = int(match.group(1)), match.group(2).rstrip("s")
        if value < 1:
            raise ExpressionError(f"Invalid Schedule Expression {text}: the rate value must be a positive number.")
        return Expression("rate", text, zone, period=float(value * UNIT_SECONDS[unit]))
    match = AT.fullmatch(text)
    if match:
        try:
            local = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
        except ValueError as exc:
            raise ExpressionError(f"Invalid Schedule Expression {text}.") from exc
        return Expression("at", text, zone, at=local.replace(tzinfo=zone).timestamp())
    match = CRON.fullmatch(text)
    if match:
        return Expression("cron", text, zone, fields=_cron_fields(match.group(1), text))
    raise ExpressionError(f"Invalid Schedule Expression {text}: use at(), rate() or cron().")


def _cron_fields(body: str, text: str) -> tuple[frozenset[int] | None, ...]:
    parts = body.split()
    if len(parts) != 6:
        raise ExpressionError(f"Invalid Schedule Expression {text}: cron() takes six fields.")
    minute, hour, dom, month, dow, year = parts
    if (dom == "?") == (dow == "?"):
        raise ExpressionError(f"Invalid Schedule Expression {text}: use ? in one of day-of-month and day-of-week.")
    return (
        _field(minute, 0, 59, (), text),
        _field(hour, 0, 23, (), text),
        None if dom == "?" else _field(dom, 1, 31, (), text),
        _field(month, 1, 12, MONTHS, text),
        None if dow == "?" else _field(dow, 1, 7, DAYS, text),
        _field(year, 1970, 2199, (), text),
    )


def _value(token: str, names: tuple[str, ...], text: str) -> int:
    if token.upper() in names:
        return names.index(token.upper()) + 1
    if not token.isdigit():
        if any(c in token for c in "LW#"):
            raise ExpressionError(f"cron() with L, W or # is not emulated: {text}")
        raise ExpressionError(f"Invalid Schedule Expression {text}.")
    return int(token)


def _field(spec: str, low: int, high: int, names: tuple[str, ...], text: str) -> frozenset[int]:
    values: set[int] = set()
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise ExpressionError(f"Invalid Schedule Expression {text}.")
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _value(first, names, text), _value(last, names, text)
        else:
            start = _value(part, names, text)
            end = high if step > 1 else start
        if not low <= start <= end <= high:
            raise ExpressionError(f"Invalid Schedule Expression {text}: {part} is outside {low}-{high}.")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _next_cron(fields: tuple[frozenset[int] | None, ...], zone: ZoneInfo, after: float) -> float | None:
    minute, hour, dom, month, dow, year = fields
    local = datetime.fromtimestamp(after, UTC).astimezone(zone) + timedelta(minutes=1)
    local = local.replace(second=0, microsecond=0)
    limit = local + CRON_SEARCH_LIMIT
    while local < limit:
        if year is not None and local.year not in year:
            local = local.replace(year=local.year + 1, month=1, day=1, hour=0, minute=0)
            continue
        if month is not None and local.month not in month:
            local = (local.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
            continue
        cron_weekday = (local.isoweekday() % 7) + 1  # SUN=1 ... SAT=7
        if (dom is not None and local.day not in dom) or (dow is not None and cron_weekday not in dow):
            local = (local + timedelta(days=1)).replace(hour=0, minute=0)
            continue
        if hour is not None and local.hour not in hour:
            local = (local + timedelta(hours=1)).replace(minute=0)
            continue
        if minute is not None and local.minute not in minute:
            local += timedelta(minutes=1)
            continue
        return local.timestamp()
    return None
