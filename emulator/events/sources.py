"""What acts on the emulator clock besides queued deliveries: the RAM lifecycle, schedules and DynamoDB TTL."""

from __future__ import annotations

from moto.ram.models import ram_backends

from mcgov.emulator.dynamodb.ttl import delete_expired
from mcgov.emulator.events.hub import EventHub, Source
from mcgov.emulator.ram.models import EmulatorRamBackend
from mcgov.emulator.scheduler.models import scheduler_backends_in_use


def _ram_backends() -> list[EmulatorRamBackend]:
    out = []
    for account in list(ram_backends.keys()):
        for backend in list(ram_backends[account].values()):
            if isinstance(backend, EmulatorRamBackend):
                out.append(backend)
    return out


def _earliest(times: list[float | None]) -> float | None:
    found = [t for t in times if t is not None]
    return min(found) if found else None


class RamLifecycle:
    """Associations whose delay, expiry or injected failure has come change status (and announce it)."""

    def run(self, now: float) -> None:
        for backend in _ram_backends():
            if backend.pending:
                backend.sweep(now)

    def next_due(self, now: float) -> float | None:
        return _earliest([b.next_due() for b in _ram_backends() if b.pending])


class Schedules:
    """EventBridge Scheduler schedules fire."""

    def run(self, now: float) -> None:
        for backend in scheduler_backends_in_use():
            backend.fire_due(now)

    def next_due(self, now: float) -> float | None:
        return _earliest([b.next_due() for b in scheduler_backends_in_use()])


class TimeToLive:
    """DynamoDB items expired long enough ago are deleted (only with ``ttl_deletion_after_seconds``)."""

    def __init__(self, hub: EventHub) -> None:
        self.hub = hub
        self.last: float | None = None

    def run(self, now: float) -> None:
        after = self.hub.config.ttl_deletion_after_seconds
        if after is None or (self.last is not None and now - self.last < 1.0):
            return  # TTL is in whole seconds: one scan per emulator-clock second is enough
        self.last = now
        delete_expired(now, after)

    def next_due(self, now: float) -> float | None:
        return None


def clock_sources(hub: EventHub) -> list[Source]:
    """The sources a running emulator's hub pumps."""
    return [RamLifecycle(), Schedules(), TimeToLive(hub)]
