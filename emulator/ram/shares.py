"""A resource share and its associations (state only; the backend in ``models`` changes it).

Source: botocore's ``ram/*/service-2.json`` shapes ``ResourceShare`` and ``ResourceShareStatus``
(PENDING | ACTIVE | FAILED | DELETING | DELETED).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcgov.emulator.ram.associations import Association

SHARE_STATUSES = ("PENDING", "ACTIVE", "FAILED", "DELETING", "DELETED")


@dataclass
class Share:
    """A resource share and its associations, keyed by (association type, entity)."""

    arn: str
    name: str
    owner: str
    region: str
    allow_external: bool
    creation_time: float
    tags: list[dict[str, str]] = field(default_factory=list)
    permission_arns: list[str] = field(default_factory=list)
    status: str = "ACTIVE"
    last_updated_time: float = 0.0
    associations: dict[tuple[str, str], Association] = field(default_factory=dict)

    def rows(self, association_type: str) -> list[Association]:
        """Associations of one type, in creation order."""
        return [a for (kind, _), a in self.associations.items() if kind == association_type]

    def matches_tags(self, tag_filters: list[dict[str, Any]]) -> bool:
        """True when every tag filter (tagKey, optional tagValues) matches a tag of the share."""
        tags = {t.get("key"): t.get("value") for t in self.tags}
        for tag_filter in tag_filters:
            key, values = tag_filter.get("tagKey"), tag_filter.get("tagValues") or []
            if key not in tags or (values and tags[key] not in values):
                return False
        return True
