"""``Emulator.events``: how a test or the demo turns event behaviour on, reads what arrived, and pumps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcgov.emulator.dynamodb.ttl import delete_expired
from mcgov.emulator.events.hub import Delivery, Dropped, EventHub, EventsConfig


class EventsControl:
    """The event hub of one emulator, addressed by account labels (``"card"``, ``"staging"``) or ids."""

    def __init__(self, hub: EventHub, account_id: Callable[[str], str], region: str) -> None:
        self._hub = hub
        self._account_id = account_id
        self._region = region

    @property
    def config(self) -> EventsConfig:
        """The current settings."""
        return self._hub.config

    def configure(self, **settings: Any) -> EventsConfig:
        """Change settings: ``delay_seconds``, ``drop_rate``, ``seed``, ``ram_detail``, ``check_permissions``,
        ``ttl_deletion_after_seconds`` (see ``EventsConfig``)."""
        return self._hub.configure(**settings)

    def log(self, bus: str = "default", account: str = "card", region: str | None = None) -> list[dict[str, Any]]:
        """Every event that entered ``bus`` (a name or ARN) of ``account``, oldest first, as targets receive it."""
        if bus.startswith("arn:"):
            parts = bus.split(":", 5)
            account, region, bus = parts[4], parts[3], parts[5].split("/", 1)[1]
        return self._hub.bus_log(self._account_id(account), region or self._region, bus)

    def deliveries(self, target: str | None = None, via: str | None = None) -> list[Delivery]:
        """Delivery attempts, oldest first; ``target`` and ``via`` filter by target ARN and rule/schedule ARN."""
        return [
            d
            for d in self._hub.deliveries
            if (target is None or d.target_arn == target) and (via is None or d.via == via)
        ]

    @property
    def dropped(self) -> list[Dropped]:
        """Service events lost on purpose (``drop_rate``)."""
        return self._hub.dropped

    @property
    def errors(self) -> list[str]:
        """Exceptions the emulator raised while pumping (a test asserts this stays empty)."""
        return self._hub.errors

    def pump(self) -> int:
        """Do now whatever is due (the emulator does this after each request and as its clock advances)."""
        return self._hub.pump()

    def next_due(self) -> float | None:
        """The emulator-clock time at which something is next due, if anything is."""
        return self._hub.next_due()

    def run_background(self, interval: float = 0.2) -> None:
        """Also pump every ``interval`` seconds of real time (for runs on real time, such as the demo)."""
        self._hub.start_background(interval)

    def stop_background(self) -> None:
        """Stop the background pump."""
        self._hub.stop_background()

    def delete_expired_items(self, after_seconds: float = 0.0) -> int:
        """Delete now the DynamoDB items whose TTL passed ``after_seconds`` ago, as AWS's background process does
        at some point; return how many were deleted."""
        return delete_expired(self._hub.clock.now(), after_seconds)
