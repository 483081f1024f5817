"""The outcome of a reconcile run as plain data, its JSON form and the terminal table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcgov.errors import exit_code
from mcgov.steps.reconcile.plan import Outcome, Selection
from mcgov.text import visible

SCHEMA_VERSION = 1


@dataclass
class ReconcileReport:
    """Per (card, stage) outcomes (``row["outcome"]`` is an ``Outcome``), per-share work and notes of one run."""

    dry_run: bool
    selection: Selection
    stages: list[str]
    cards: int
    policy_id: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    shares: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> dict[Outcome, int]:
        """Number of (card, stage) pairs per outcome (every outcome listed, zeros included)."""
        counts = {o: 0 for o in Outcome if o is not (Outcome.SHARED if self.dry_run else Outcome.WOULD_SHARE)}
        for row in self.rows:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        return counts

    @property
    def failed(self) -> bool:
        return any(r["outcome"] is Outcome.FAILED for r in self.rows)

    @property
    def drift(self) -> bool:
        return any(r["outcome"] is Outcome.DRIFT for r in self.rows)

    @property
    def exit_code(self) -> int:
        """0 converged (drift is reported, not fixed), 1 when any card failed."""
        return exit_code(failed=self.failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "dry_run": self.dry_run,
            "policy_id": self.policy_id,
            "selection": self.selection.to_dict(),
            "stages": self.stages,
            "cards": self.cards,
            "counts": {o.value: n for o, n in self.counts.items()},
            "converged": not self.failed and not self.dry_run,
            "results": [{**r, "outcome": r["outcome"].value} for r in self.rows],
            "shares": self.shares,
            "notes": self.notes,
        }


def render_table(report: ReconcileReport) -> str:
    """Counts per outcome, then one row per (card, stage) that is not 'already shared'."""
    lines = [
        f"reconcile{' (dry run: nothing written)' if report.dry_run else ''}: policy {report.policy_id}: "
        f"{report.cards} card(s) x {len(report.stages)} stage(s) ({', '.join(report.stages)})",
        "",
        f"{'OUTCOME':<18} COUNT",
    ]
    lines += [f"{outcome.value:<18} {count}" for outcome, count in report.counts.items()]
    rows = [r for r in report.rows if r["outcome"] is not Outcome.ALREADY]
    if rows:
        width = max(len(r["name"]) for r in rows)
        stage_width = max(len(r["stage"]) for r in rows)
        lines += ["", f"{'CARD':<{width}}  {'STAGE':<{stage_width}}  {'OUTCOME':<16}  DETAIL"]
        order = {
            Outcome.FAILED: 0,
            Outcome.DRIFT: 1,
            Outcome.OTHER_POLICY: 2,
            Outcome.SHARED: 3,
            Outcome.WOULD_SHARE: 3,
            Outcome.SKIPPED: 4,
        }
        for row in sorted(rows, key=lambda r: (order.get(r["outcome"], 9), r["name"], r["stage"])):
            lines.append(
                f"{row['name']:<{width}}  {row['stage']:<{stage_width}}  {row['outcome'].value:<16}  {row['detail']}"
            )
    for note in report.notes:
        lines.append(f"note: {note['name']} ({note['arn']}): {note['note']}")
    return "".join(visible(line) + "\n" for line in lines)  # names and AWS details from outside: no raw ESC
