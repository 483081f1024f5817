"""The gate's read model: what RAM reports for one (card, stage), as a typed record (pure)."""
from __future__ import annotations

from dataclasses import dataclass

from mcgov.steps.share.records import Association, ResourceShare


@dataclass(frozen=True)
class StageShareState:
    """What RAM reports for one (card, stage): its shares and the chosen live share's associations."""

    stage: str
    share_name: str
    shares: tuple[ResourceShare, ...]
    active: ResourceShare | None
    principal_associations: tuple[Association, ...]
    resource_associations: tuple[Association, ...]

    def to_dict(self) -> dict:
        return {
            "stage": self.stage,
            "share_name": self.share_name,
            "share": self.active.to_wire() if self.active else None,
            "shares": [s.to_wire() for s in self.shares],
            "principal_associations": [a.to_wire() for a in self.principal_associations],
            "resource_associations": [a.to_wire() for a in self.resource_associations],
        }
