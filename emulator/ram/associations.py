"""RAM association lifecycle: associations, invitations, emulated delays, injected failures and expiry.

Sources: association statuses are botocore's ``ram/*/service-2.json`` shape
``ResourceShareAssociationStatus`` (ASSOCIATING | ASSOCIATED | FAILED | DISASSOCIATING |
DISASSOCIATED | SUSPENDED | SUSPENDING | RESTORING; the emulator produces the last three only when a
test sets them with ``Emulator.set_association_status``); invitation statuses are shape
``ResourceShareInvitationStatus`` (PENDING | ACCEPTED | REJECTED | EXPIRED). Invitations to accounts
outside the organization, and their expiry, follow
https://docs.aws.amazon.com/ram/latest/userguide/working-with-shared-invitations.html: seven days to
accept for the resource types that page lists, 12 hours for every other type (model cards are not
listed; ``invitation_ttl_seconds`` defaults to 12 hours); an invitation that expires leaves the principal
DISASSOCIATED from the share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mcgov.emulator.state import EmulatorState

ASSOCIATION_STATUSES = (
    "ASSOCIATING",
    "ASSOCIATED",
    "FAILED",
    "DISASSOCIATING",
    "DISASSOCIATED",
    "SUSPENDED",
    "SUSPENDING",
    "RESTORING",
)
ASSOCIATION_TYPES = ("PRINCIPAL", "RESOURCE")
RESTARTABLE = ("DISASSOCIATED", "FAILED", "DISASSOCIATING")
TRANSITIONAL = ("ASSOCIATING", "DISASSOCIATING")


@dataclass
class Invitation:
    """An invitation to an account outside the organization."""

    arn: str
    share_arn: str
    share_name: str
    sender: str
    receiver: str
    timestamp: float
    status: str = "PENDING"


@dataclass
class Association:
    """One principal or resource of a share, with its lifecycle status."""

    share_arn: str
    share_name: str
    entity: str
    association_type: str
    creation_time: float
    status: str = "ASSOCIATING"
    status_message: str | None = None
    external: bool = False
    polls: int = 0
    started_at: float = 0.0
    last_updated_time: float = 0.0
    invitation: Invitation | None = None
    watcher: Callable[[Association], None] | None = field(default=None, repr=False, compare=False)

    def set_status(self, status: str, now: float, message: str | None = None) -> None:
        """Move to ``status`` and stamp the update time; a change of status is told to the ``watcher``."""
        changed = status != self.status
        self.status, self.status_message, self.last_updated_time = status, message, now
        if changed and self.watcher is not None:
            self.watcher(self)

    def restart(self, now: float) -> None:
        """Start associating again (re-association after DISASSOCIATED or FAILED)."""
        self.set_status("ASSOCIATING", now)
        self.polls, self.started_at, self.invitation = 0, now, None

    def disassociate(self, now: float) -> None:
        """Leave the share at once (share deleted); a pending invitation is withdrawn."""
        self.set_status("DISASSOCIATED", now)
        if self.invitation and self.invitation.status == "PENDING":
            self.invitation.status = "REJECTED"


def expire_invitation(assoc: Association, invitation: Invitation, now: float) -> None:
    """The invitation was not answered in time: EXPIRED, and the principal DISASSOCIATED."""
    invitation.status = "EXPIRED"
    assoc.set_status(
        "DISASSOCIATED",
        now,
        f"The resource share invitation {invitation.arn} expired before account "
        f"{invitation.receiver} accepted it. Associate the principal again to send a new one.",
    )


def answer_invitation(assoc: Association, invitation: Invitation, accept: bool, now: float) -> None:
    """Accept (association ASSOCIATED) or reject (association DISASSOCIATED) a pending invitation."""
    if accept:
        invitation.status = "ACCEPTED"
        assoc.set_status("ASSOCIATED", now)
    else:
        invitation.status = "REJECTED"
        assoc.set_status("DISASSOCIATED", now, "The receiving account rejected the invitation.")


def advance(assoc: Association, state: EmulatorState, *, poll: bool) -> None:
    """Apply the emulated lifecycle to one association (``poll``: it is being returned to a poller).

    DISASSOCIATING becomes DISASSOCIATED on the next read. An ASSOCIATING row becomes FAILED when an
    injected failure matches it; with an invitation it waits for the answer (or expires after
    ``invitation_ttl_seconds``); otherwise it becomes ASSOCIATED after ``associate_after_polls``
    earlier polls or ``associate_after_seconds`` emulator-clock seconds (both None: at once).
    """
    now = state.clock.now()
    cfg = state.config
    if assoc.status == "DISASSOCIATING":
        assoc.set_status("DISASSOCIATED", now)
        return
    if assoc.status != "ASSOCIATING":
        return
    failure = state.failure_for(assoc.share_arn, assoc.association_type, assoc.entity)
    if failure is not None:
        assoc.set_status("FAILED", now, failure)
        return
    invitation = assoc.invitation
    if invitation is not None:
        if invitation.status == "PENDING" and now - invitation.timestamp >= cfg.invitation_ttl_seconds:
            expire_invitation(assoc, invitation, now)
        return
    by_polls = cfg.associate_after_polls is not None and assoc.polls >= cfg.associate_after_polls
    by_time = cfg.associate_after_seconds is not None and now - assoc.started_at >= cfg.associate_after_seconds
    immediate = cfg.associate_after_polls is None and cfg.associate_after_seconds is None
    if poll:
        assoc.polls += 1
    if by_polls or by_time or immediate:
        assoc.set_status("ASSOCIATED", now)


def due_time(assoc: Association, state: EmulatorState) -> float | None:
    """When ``advance`` (without a poll) will change this association, or None if only a poll or an answer will.

    A change that needs nothing but a sweep (DISASSOCIATING, an injected failure, no delay, polls already seen) is
    due at the association's last update; a delay in seconds or an invitation's expiry at that time.
    """
    cfg = state.config
    if assoc.status == "DISASSOCIATING":
        return assoc.last_updated_time
    if assoc.status != "ASSOCIATING":
        return None
    if state.failure_for(assoc.share_arn, assoc.association_type, assoc.entity) is not None:
        return assoc.last_updated_time
    invitation = assoc.invitation
    if invitation is not None:
        return invitation.timestamp + cfg.invitation_ttl_seconds if invitation.status == "PENDING" else None
    if cfg.associate_after_polls is None and cfg.associate_after_seconds is None:
        return assoc.last_updated_time
    if cfg.associate_after_polls is not None and assoc.polls >= cfg.associate_after_polls:
        return assoc.last_updated_time
    if cfg.associate_after_seconds is not None:
        return assoc.started_at + cfg.associate_after_seconds
    return None
