"""The gate's read model: what RAM reports for one (card, stage), as a typed record (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mcgov.steps.share.ram_rows import Association, ResourceShare


@dataclass(frozen=True)
class StageShareState:
    """What RAM reports for one (card, stage): its shares and the chosen live share's associations.

    ``permissions`` maps each live candidate share's ARN to the permission ARNs RAM lists for it
    (ListResourceSharePermissions), the permission the gate judges instead of the share's tag.
    """

    stage: str
    share_name: str
    shares: tuple[ResourceShare, ...]
    active: ResourceShare | None
    principal_associations: tuple[Association, ...]
    resource_associations: tuple[Association, ...]
    permissions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def other_permission(self, permission_arn: str) -> tuple[ResourceShare, ...]:
        """Live shares read for this stage whose verified permissions do not include ``permission_arn``."""
        return tuple(
            s
            for s in self.shares
            if s.live and s.arn in self.permissions and permission_arn not in self.permissions[s.arn]
        )

    def to_dict(self) -> dict:
        return {
            "stage": self.stage,
            "share_name": self.share_name,
            "share": self.active.to_wire() if self.active else None,
            "shares": [s.to_wire() for s in self.shares],
            "principal_associations": [a.to_wire() for a in self.principal_associations],
            "resource_associations": [a.to_wire() for a in self.resource_associations],
            "permissions": {arn: list(arns) for arn, arns in self.permissions.items()},
        }
