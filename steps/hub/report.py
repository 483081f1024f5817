"""The outcome of a hub sync as typed records, their JSON form and the terminal table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcgov.errors import exit_code
from mcgov.steps.hub.plan import CardAction, Outcome
from mcgov.text import visible

SCHEMA_VERSION = 1
REPORTED = (Outcome.SYNCED, Outcome.UNCHANGED, Outcome.DRIFT, Outcome.GONE, Outcome.FAILED)
PENDING = "pending"
"""The count of a spoke's cards that are shared but not yet ASSOCIATED: not a failure (exit 0), copied next run."""


@dataclass(frozen=True)
class SpokeReport:
    """One spoke's card outcomes, or the error that stopped it (``retryable``: throttling/5xx, re-run later)."""

    spoke: str
    actions: tuple[CardAction, ...] = ()
    error: str | None = None
    retryable: bool = False
    shared_back: dict[str, Any] | None = None
    failure: Any = None  # the AwsFailure behind ``error``, when there is one
    pending: tuple[str, ...] = ()  # cards shared but not yet ASSOCIATED (invitation pending, or associating)
    accepted: tuple[str, ...] = ()  # invitations of this spoke the run accepted

    @property
    def failed(self) -> bool:
        return self.error is not None or any(a.outcome is Outcome.FAILED for a in self.actions)

    def counts(self, dry_run: bool = False) -> dict[str, int]:
        shown = [Outcome.WOULD_SYNC if (o is Outcome.SYNCED and dry_run) else o for o in REPORTED]
        counts = {o.value: 0 for o in shown}
        for action in self.actions:
            counts[action.outcome.value] = counts.get(action.outcome.value, 0) + 1
        counts[PENDING] = len(self.pending)
        return counts

    def to_dict(self, dry_run: bool = False) -> dict[str, Any]:
        return {
            "spoke": self.spoke,
            "status": "failed" if self.error else "ok",
            "error": self.error,
            "retryable": self.retryable,
            "counts": self.counts(dry_run),
            "pending": list(self.pending),
            "accepted_invitations": list(self.accepted),
            "shared_back": self.shared_back,
            "results": [
                {
                    "hub_card": a.hub_name,
                    "source_arn": a.source_arn,
                    "source_version": a.source_version,
                    "outcome": a.outcome.value,
                    "detail": a.detail,
                }
                for a in self.actions
            ],
        }


@dataclass(frozen=True)
class HubReport:
    """Every spoke of one sync run."""

    hub_account: str
    dry_run: bool
    prune: bool
    spokes: tuple[SpokeReport, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> bool:
        return any(s.failed for s in self.spokes)

    @property
    def drift(self) -> bool:
        return any(a.outcome is Outcome.DRIFT for s in self.spokes for a in s.actions)

    @property
    def exit_code(self) -> int:
        """0 when every spoke synced (drift and gone are reported, not failures), 1 when anything failed."""
        return exit_code(failed=self.failed)

    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for spoke in self.spokes:
            for key, value in spoke.counts(self.dry_run).items():
                total[key] = total.get(key, 0) + value
        total["failed spokes"] = sum(1 for s in self.spokes if s.error)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "hub_account": self.hub_account,
            "dry_run": self.dry_run,
            "prune": self.prune,
            "counts": self.counts(),
            "converged": not self.failed and not self.dry_run,
            "spokes": [s.to_dict(self.dry_run) for s in self.spokes],
        }


def render_table(report: HubReport) -> str:
    """One row of counts per spoke, then the rows that need a look (failed, drift, gone, synced)."""
    columns = (
        list(report.spokes[0].counts(report.dry_run)) if report.spokes else [*(o.value for o in REPORTED), PENDING]
    )
    lines = [
        f"hub sync into {report.hub_account}{' (dry run: nothing written)' if report.dry_run else ''}: "
        f"{len(report.spokes)} spoke(s)",
        "",
        f"{'SPOKE':<14}" + "".join(f"{c.upper():>12}" for c in columns) + "  ERROR",
    ]
    for spoke in report.spokes:
        counts = spoke.counts(report.dry_run)
        lines.append(
            f"{spoke.spoke:<14}" + "".join(f"{counts[c]:>12}" for c in columns) + f"  {spoke.error or ''}".rstrip()
        )
    waiting = [s for s in report.spokes if s.pending]
    if waiting:
        lines.append("")
    for spoke in waiting:
        lines.append(
            f"pending: spoke {spoke.spoke} shares {len(spoke.pending)} card(s) not yet ASSOCIATED (an invitation not "
            "accepted, or an association in progress); not a failure: the next sync copies them"
        )
    for spoke in (s for s in report.spokes if s.accepted):
        lines.append(f"accepted: {len(spoke.accepted)} resource-share invitation(s) from spoke {spoke.spoke}")
    order = {Outcome.FAILED: 0, Outcome.DRIFT: 1, Outcome.GONE: 2, Outcome.SYNCED: 3, Outcome.WOULD_SYNC: 3}
    rows = sorted(
        (a for s in report.spokes for a in s.actions if a.outcome in order),
        key=lambda a: (order[a.outcome], a.spoke, a.hub_name),
    )
    if rows:
        width = max(len(a.hub_name) for a in rows)
        lines += ["", f"{'HUB CARD':<{width}}  {'OUTCOME':<10}  DETAIL"]
        lines += [f"{a.hub_name:<{width}}  {a.outcome.value:<10}  {a.detail}" for a in rows]
    return "".join(visible(line) + "\n" for line in lines)  # names and AWS details from outside: no raw ESC
