"""The event hub: what happens on the emulator clock, in order, outside any request.

Timing model. Nothing here runs on its own thread by default. Work becomes *due* at an emulator-clock time (a RAM
association whose delay ran out, a schedule's next firing, a delayed service event, a target delivery or a Lambda
retry) and is done by ``pump``, which runs

* after every request the emulator serves (``BaseResponse.call_action``), once the response is ready;
* whenever the emulator clock advances: ``Clock.advance`` stops at each due time on the way (``next_due``), sets
  the clock there and pumps, so a flip due at t+60 happens, and its event is delivered, with the clock at t+60;
* after the emulator's control calls (``fail_association``, ``set_association_status`` ...), and
* every ``interval`` seconds of real time from a background thread, if one is started (the server starts one).

``pump`` first lets each *source* (RAM lifecycle, scheduler, DynamoDB TTL) act on the current time, then runs every
queued action that is due, oldest due first, until nothing is due. Only one thread pumps at a time; a pump asked for
while another runs (or from inside a delivered handler) returns at once and the running pump picks the work up.

Best effort, as AWS documents for service events (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ram.html
"Delivery type: Best effort"; https://docs.aws.amazon.com/ram/latest/userguide/using-eventbridge.html: "These events
are not guaranteed, but are emitted on a best effort basis"): ``EventsConfig.drop_rate`` loses that fraction of
service events and ``delay_seconds`` makes them reach the bus that long after the change.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, Protocol

from mcgov.emulator.config import Clock
from mcgov.emulator.exceptions import EmulatorConfigError

RAM_DETAILS = ("full", "documented")


@dataclass(frozen=True)
class EventsConfig:
    """How events behave. ``delay_seconds`` and ``drop_rate`` apply to service events (RAM), ``seed`` makes the
    drops repeatable, ``ram_detail`` chooses the RAM event's detail ("full": the documented fields plus the
    association's fields; "documented": only what AWS documents), ``check_permissions`` makes deliveries need the
    permission AWS needs (a Lambda resource policy for rules, the schedule's role for the scheduler),
    ``ttl_deletion_after_seconds`` deletes DynamoDB items that long after their TTL (None: never, readers filter)."""

    delay_seconds: float = 0.0
    drop_rate: float = 0.0
    seed: int | None = None
    ram_detail: str = "full"
    check_permissions: bool = True
    ttl_deletion_after_seconds: float | None = None

    def __post_init__(self) -> None:
        if self.delay_seconds < 0:
            raise EmulatorConfigError("delay_seconds must be >= 0.")
        if not 0.0 <= self.drop_rate <= 1.0:
            raise EmulatorConfigError("drop_rate must be between 0 and 1.")
        if self.ram_detail not in RAM_DETAILS:
            raise EmulatorConfigError(f"ram_detail must be one of {list(RAM_DETAILS)}.")
        if self.ttl_deletion_after_seconds is not None and self.ttl_deletion_after_seconds < 0:
            raise EmulatorConfigError("ttl_deletion_after_seconds must be >= 0 or None.")


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver to a target: ``via`` is the rule or schedule ARN; ``outcome`` is "delivered",
    "function-error" (the Lambda handler raised; retried) or "failed" (not delivered; ``error`` says why)."""

    time: float
    via: str
    target_id: str
    target_arn: str
    input: str
    attempt: int
    outcome: str
    error: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class Dropped:
    """A service event lost on purpose (``drop_rate``)."""

    time: float
    account: str
    region: str
    event: dict[str, Any]


class Source(Protocol):
    """Something that acts on the clock: it does what is due at ``now`` and tells when it is next due."""

    def run(self, now: float) -> None: ...

    def next_due(self, now: float) -> float | None: ...


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    action: Callable[[], object] = field(compare=False)


class EventHub:
    """Queue, logs and pump of the emulated event world (one per ``EmulatorState``)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.config = EventsConfig()
        self.sources: list[Source] = []
        self._rng = random.Random()
        self._jobs: list[_Job] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()
        self._pumping = threading.Lock()
        self._buses: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        self._deliveries: list[Delivery] = []
        self._dropped: list[Dropped] = []
        self._errors: list[str] = []
        self._stop: threading.Event | None = None

    def configure(self, **changes: Any) -> EventsConfig:
        """Change some ``EventsConfig`` fields; a new ``seed`` restarts the drop sequence."""
        known = {f.name for f in fields(EventsConfig)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise EmulatorConfigError(f"Unknown events settings {unknown}; allowed: {sorted(known)}.")
        with self._lock:
            self.config = replace(self.config, **changes)
            if "seed" in changes:
                self._rng = random.Random(self.config.seed)
        return self.config

    # Queue

    def at(self, due: float, action: Callable[[], object]) -> None:
        """Run ``action`` from a pump once the clock reaches ``due``."""
        with self._lock:
            heapq.heappush(self._jobs, _Job(due, next(self._seq), action))

    def emit_service_event(
        self, account: str, region: str, event: dict[str, Any], publish: Callable[[], object]
    ) -> None:
        """A service (RAM) emitted ``event``: lose it (``drop_rate``) or ``publish`` it after ``delay_seconds``."""
        now = self.clock.now()
        with self._lock:
            dropped = self.config.drop_rate > 0 and self._rng.random() < self.config.drop_rate
            if dropped:
                self._dropped.append(Dropped(now, account, region, event))
                return
            self.at(now + self.config.delay_seconds, publish)

    def next_due(self) -> float | None:
        """The earliest time something is due (a queued action or a source), or None."""
        now = self.clock.now()
        with self._lock:
            times = [self._jobs[0].due] if self._jobs else []
        for source in list(self.sources):
            due = source.next_due(now)
            if due is not None:
                times.append(due)
        return min(times) if times else None

    def busy(self) -> bool:
        """True while some thread pumps."""
        return self._pumping.locked()

    def pump(self) -> int:
        """Do everything due now (see the module docstring); return the number of queued actions run."""
        ran = 0
        for _ in range(3):  # a second round only when work became due while the lock was being released
            if not self._pumping.acquire(blocking=False):
                return ran
            try:
                ran += self._drain()
            finally:
                self._pumping.release()
            due = self.next_due()
            if due is None or due > self.clock.now():
                break
        return ran

    def _drain(self) -> int:
        ran = 0
        while True:
            now = self.clock.now()
            for source in list(self.sources):
                self._guarded(lambda source=source, now=now: source.run(now))  # type: ignore[misc]
            with self._lock:
                job = heapq.heappop(self._jobs) if self._jobs and self._jobs[0].due <= now else None
            if job is None:
                return ran
            self._guarded(job.action)
            ran += 1

    def _guarded(self, action: Callable[[], object]) -> None:
        """Run one action; an exception is logged in ``errors``, never raised into the request that pumped."""
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - the emulator's own fault must not fail the caller's request
            with self._lock:
                self._errors.append(f"{type(exc).__name__}: {exc}")

    def start_background(self, interval: float) -> None:
        """Pump every ``interval`` seconds of real time on a daemon thread (until ``stop_background``)."""
        if self._stop is not None:
            return
        stop = self._stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                self.pump()

        threading.Thread(target=loop, name="emulator-event-pump", daemon=True).start()

    def stop_background(self) -> None:
        """Stop the background pump, if any."""
        if self._stop is not None:
            self._stop.set()
            self._stop = None

    # Logs

    def record_bus(self, account: str, region: str, bus: str, event: dict[str, Any]) -> None:
        """An event entered a bus (PutEvents, a service, a rule forwarding to the bus)."""
        with self._lock:
            self._buses.setdefault((account, region, bus), []).append(event)

    def bus_log(self, account: str, region: str, bus: str) -> list[dict[str, Any]]:
        """Every event that entered the bus, oldest first."""
        with self._lock:
            return list(self._buses.get((account, region, bus), []))

    def record_delivery(self, delivery: Delivery) -> None:
        """Log one delivery attempt."""
        with self._lock:
            self._deliveries.append(delivery)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery attempt, oldest first."""
        with self._lock:
            return list(self._deliveries)

    @property
    def dropped(self) -> list[Dropped]:
        """Service events lost on purpose."""
        with self._lock:
            return list(self._dropped)

    @property
    def errors(self) -> list[str]:
        """Exceptions raised inside the emulator while pumping (a test asserts this stays empty)."""
        with self._lock:
            return list(self._errors)

    @property
    def pending(self) -> int:
        """Queued actions not yet run (due or not)."""
        with self._lock:
            return len(self._jobs)
