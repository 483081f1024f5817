"""Emulator configuration and the emulator clock (pure data, no AWS calls)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from mcgov.emulator.exceptions import EmulatorConfigError

SEVEN_DAYS = 7 * 24 * 3600
TWELVE_HOURS = 12 * 3600
"""RAM's invitation expiry for model cards (not on the seven-day list of working-with-shared-invitations.html)."""


@dataclass
class EmulatorConfig:
    """How the emulated AWS behaves.

    ``accounts`` maps free labels to 12-digit account ids; ``organization_accounts`` is the set of
    accounts inside the AWS Organization (``None``: the card account plus every account in
    ``accounts``). A new association becomes ASSOCIATED once it has been returned by
    ``associate_after_polls`` GetResourceShareAssociations calls, or once ``associate_after_seconds``
    emulator-clock seconds have passed, whichever happens first (``None`` disables that trigger;
    both ``None``: ASSOCIATED immediately). Invitations to accounts outside the organization expire
    after ``invitation_ttl_seconds`` (default 12 hours, RAM's expiry for model cards).
    ``any_account_in_organization`` puts every 12-digit account in the organization (what
    ``python -m mcgov.emulator.server`` uses without ``--config``: a hub and its spokes share within it).
    """

    region: str = "us-east-1"
    card_account: str = "111111111111"
    accounts: dict[str, str] = field(default_factory=lambda: {"staging": "222222222222", "prod": "333333333333"})
    organization_accounts: list[str] | None = None
    associate_after_polls: int | None = 1
    associate_after_seconds: float | None = None
    invitation_ttl_seconds: float = TWELVE_HOURS
    any_account_in_organization: bool = False

    def __post_init__(self) -> None:
        for label, account in {"card_account": self.card_account, **self.accounts}.items():
            if not (isinstance(account, str) and len(account) == 12 and account.isdigit()):
                raise EmulatorConfigError(
                    f"Account {label}={account!r} is not a 12-digit account id; "
                    "give account ids as strings such as '222222222222'."
                )
        if self.associate_after_polls is not None and self.associate_after_polls < 0:
            raise EmulatorConfigError("associate_after_polls must be >= 0 or None.")
        if self.associate_after_seconds is not None and self.associate_after_seconds < 0:
            raise EmulatorConfigError("associate_after_seconds must be >= 0 or None.")

    @property
    def all_accounts(self) -> list[str]:
        """The card account followed by every labelled account, without duplicates."""
        return list(dict.fromkeys([self.card_account, *self.accounts.values()]))

    @property
    def org_accounts(self) -> frozenset[str]:
        """Account ids that are members of the emulated organization."""
        if self.any_account_in_organization:
            return AnyAccount()
        if self.organization_accounts is None:
            return frozenset(self.all_accounts)
        return frozenset(self.organization_accounts)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmulatorConfig:
        """Build a config from a JSON-like mapping, rejecting unknown keys."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise EmulatorConfigError(f"Unknown emulator config keys {unknown}; allowed keys are {sorted(known)}.")
        return cls(**data)

    @classmethod
    def from_file(cls, path: str | Path) -> EmulatorConfig:
        """Load a config from a JSON file."""
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise EmulatorConfigError(
                f"Cannot read emulator config {path}: {exc}; pass a readable JSON object file."
            ) from exc
        if not isinstance(data, dict):
            raise EmulatorConfigError(f"Emulator config {path} must contain a JSON object.")
        return cls.from_dict(data)


class AnyAccount(frozenset[str]):
    """The organization of ``any_account_in_organization``: every 12-digit account id is a member."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and len(item) == 12 and item.isascii() and item.isdigit()


class ClockListener(Protocol):
    """What the clock tells when it advances (the event hub): due times to stop at, and a pump to run there."""

    def next_due(self) -> float | None: ...

    def pump(self) -> int: ...

    def busy(self) -> bool: ...


MAX_STOPS = 1_000_000


class Clock:
    """Emulator clock: wall-clock time plus an offset that ``advance`` moves forward.

    With ``frozen=True`` the clock only moves when ``advance`` is called (deterministic tests). ``now`` and
    ``sleep`` make it a ``mcgov.clock.WaitClock``: under virtual time a wait advances it at once. With a
    ``listener`` (the event hub), ``advance`` stops at every due time on the way and lets the listener pump there.
    """

    def __init__(self, frozen: bool = False, start: float | None = None) -> None:
        self._frozen = frozen
        self._base = time.time() if start is None else start
        self._offset = 0.0
        self.listener: ClockListener | None = None

    def now(self) -> float:
        """Current emulator time as epoch seconds."""
        base = self._base if self._frozen else time.time()
        return base + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (>= 0) and return the new time."""
        if seconds < 0:
            raise EmulatorConfigError("The emulator clock cannot go backwards; pass seconds >= 0.")
        listener = self.listener
        end = self._offset + seconds
        if listener is None or listener.busy():  # inside a pump (a handler that waits): just move
            self._offset = end
            return self.now()
        previous: float | None = None
        for _ in range(MAX_STOPS):
            due = listener.next_due()
            if due is None or (previous is not None and due <= previous):
                break  # nothing due, or the pump could not make progress at this instant
            step = max(due - self.now(), 0.0)
            if self._offset + step > end:
                break
            self._offset += step
            listener.pump()
            previous = due
        self._offset = max(self._offset, end)
        listener.pump()
        return self.now()

    def sleep(self, seconds: float) -> None:
        """A virtual sleep: advance by ``seconds`` (negative counts as 0) without waiting."""
        self.advance(max(0.0, seconds))
