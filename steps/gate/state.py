"""The gate's read model: what RAM reports for one (card, stage), as a typed record (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mcgov.steps.share.naming import principals_digest
from mcgov.steps.share.plan import live_entities
from mcgov.steps.share.ram_rows import Association, ResourceShare


@dataclass(frozen=True)
class StageShareState:
    """What RAM reports for one (card, stage) of one policy: its shares and the chosen live share's associations.

    ``shares`` are the policy's own and those made before ownership tags (``ownership`` says which, by ARN:
    ``mcgov.steps.share.ownership``); ``other_policies`` are live shares of the card and stage another policy
    owns (ARN -> its policy id), which the gate does not judge. ``permissions`` maps each live candidate share's ARN
    to the permission ARNs RAM lists for it (ListResourceSharePermissions), the permission the gate judges instead
    of the share's tag. ``drift_shares``: the other shares read (the policy's, or made before ownership tags) that
    hold the card live and grant accounts the stage does not name (ARN -> those accounts).
    """

    stage: str
    share_name: str
    shares: tuple[ResourceShare, ...]
    active: ResourceShare | None
    principal_associations: tuple[Association, ...]
    resource_associations: tuple[Association, ...]
    permissions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    policy_id: str = ""
    accounts: tuple[str, ...] = ()
    ownership: Mapping[str, str] = field(default_factory=dict)
    drift_shares: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    other_policies: Mapping[str, str] = field(default_factory=dict)

    def other_permission(self, permission_arn: str) -> tuple[ResourceShare, ...]:
        """Live shares read for this stage whose verified permissions do not include ``permission_arn``."""
        return tuple(
            s
            for s in self.shares
            if s.live and s.arn in self.permissions and permission_arn not in self.permissions[s.arn]
        )

    def drift(self) -> dict[str, Any]:
        """Where the chosen share's principals differ from the stage's accounts, and the other shares that grant the
        card beyond them (pure: ``share status`` prints it, the gate blocks on the same facts)."""
        live = live_entities(self.principal_associations) if self.active else []
        return {
            "extra_principals": sorted(p for p in live if p not in self.accounts),
            "missing_principals": [a for a in self.accounts if a not in live],
            "other_shares": {arn: list(extra) for arn, extra in sorted(self.drift_shares.items())},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "policy_id": self.policy_id,
            "principals": principals_digest(self.accounts),
            "share_name": self.share_name,
            "share": self.active.to_wire() if self.active else None,
            "shares": [{**s.to_wire(), "ownership": self.ownership.get(s.arn)} for s in self.shares],
            "principal_associations": [a.to_wire() for a in self.principal_associations],
            "resource_associations": [a.to_wire() for a in self.resource_associations],
            "permissions": {arn: list(arns) for arn, arns in self.permissions.items()},
            "drift": self.drift(),
            "other_policies": dict(self.other_policies),
        }
