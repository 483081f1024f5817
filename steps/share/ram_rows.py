"""Typed RAM rows: resource shares and associations, parsed once from what boto3 returns.

``from_wire`` is the only place that reads RAM's field names; everything past the adapter works on these
frozen records. ``to_wire`` gives the row back in RAM's shape for ``mcgov share status`` output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from mcgov.steps.share.exceptions import ShareError


class ShareStatus(StrEnum):
    """Status of a RAM resource share."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    FAILED = "FAILED"
    DELETING = "DELETING"
    DELETED = "DELETED"

    @property
    def live(self) -> bool:
        """ACTIVE or PENDING: the share grants (or is about to grant) access."""
        return self in (ShareStatus.ACTIVE, ShareStatus.PENDING)


class AssociationStatus(StrEnum):
    """Status of one principal or resource association of a share (botocore's ``ResourceShareAssociationStatus``)."""

    ASSOCIATING = "ASSOCIATING"
    ASSOCIATED = "ASSOCIATED"
    FAILED = "FAILED"
    DISASSOCIATING = "DISASSOCIATING"
    DISASSOCIATED = "DISASSOCIATED"
    SUSPENDED = "SUSPENDED"
    SUSPENDING = "SUSPENDING"
    RESTORING = "RESTORING"

    @property
    def live(self) -> bool:
        """ASSOCIATING or ASSOCIATED: the entity is (or is becoming) part of the share."""
        return self in (AssociationStatus.ASSOCIATING, AssociationStatus.ASSOCIATED)

    @property
    def transient(self) -> bool:
        """ASSOCIATING or RESTORING: waiting may turn it ASSOCIATED."""
        return self in (AssociationStatus.ASSOCIATING, AssociationStatus.RESTORING)


class AssociationType(StrEnum):
    """What an association attaches to a share."""

    PRINCIPAL = "PRINCIPAL"
    RESOURCE = "RESOURCE"


def as_datetime(value: Any) -> datetime | None:
    """A RAM timestamp (datetime from boto3, epoch number from JSON) as an aware datetime; None if absent."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def epoch(value: datetime | None) -> float:
    """A timestamp in epoch seconds (0 when absent), for ordering."""
    return value.timestamp() if value else 0.0


def _enum(kind: type[StrEnum], value: Any, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ShareError(
            f"RAM returned {what} status {value!r}, which this tool does not know; inspect it with `mcgov share status`"
        ) from None


def _optional(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class ResourceShare:
    """A RAM resource share (one row of GetResourceShares / CreateResourceShare)."""

    arn: str
    name: str
    status: ShareStatus
    tags: tuple[tuple[str, str], ...] = ()
    allow_external_principals: bool | None = None
    status_message: str | None = None
    owning_account_id: str | None = None
    feature_set: str | None = None
    creation_time: datetime | None = None
    last_updated_time: datetime | None = None

    @classmethod
    def from_wire(cls, row: Mapping[str, Any]) -> ResourceShare:
        external = row.get("allowExternalPrincipals")
        return cls(
            arn=str(row["resourceShareArn"]),
            name=str(row.get("name") or ""),
            status=_enum(ShareStatus, row.get("status"), f"share {row.get('resourceShareArn')}"),
            tags=tuple((str(t.get("key", "")), str(t.get("value", ""))) for t in row.get("tags") or []),
            allow_external_principals=None if external is None else bool(external),
            status_message=_optional(row, "statusMessage"),
            owning_account_id=_optional(row, "owningAccountId"),
            feature_set=_optional(row, "featureSet"),
            creation_time=as_datetime(row.get("creationTime")),
            last_updated_time=as_datetime(row.get("lastUpdatedTime")),
        )

    @property
    def tag_map(self) -> dict[str, str]:
        return dict(self.tags)

    def tag(self, key: str) -> str | None:
        return self.tag_map.get(key)

    @property
    def live(self) -> bool:
        return self.status.live

    def to_wire(self) -> dict[str, Any]:
        return _drop_none(
            {
                "resourceShareArn": self.arn,
                "name": self.name,
                "owningAccountId": self.owning_account_id,
                "allowExternalPrincipals": self.allow_external_principals,
                "status": self.status.value,
                "statusMessage": self.status_message,
                "tags": [{"key": k, "value": v} for k, v in self.tags],
                "creationTime": self.creation_time,
                "lastUpdatedTime": self.last_updated_time,
                "featureSet": self.feature_set,
            }
        )


@dataclass(frozen=True)
class Association:
    """One principal or resource association of a share (a row of GetResourceShareAssociations)."""

    share_arn: str
    entity: str
    type: AssociationType
    status: AssociationStatus
    share_name: str | None = None
    status_message: str | None = None
    creation_time: datetime | None = None
    last_updated_time: datetime | None = None
    external: bool = False

    @classmethod
    def from_wire(cls, row: Mapping[str, Any]) -> Association:
        return cls(
            share_arn=str(row["resourceShareArn"]),
            entity=str(row["associatedEntity"]),
            type=_enum(AssociationType, row.get("associationType"), "association type"),
            status=_enum(AssociationStatus, row.get("status"), f"association of {row.get('associatedEntity')}"),
            share_name=_optional(row, "resourceShareName"),
            status_message=_optional(row, "statusMessage"),
            creation_time=as_datetime(row.get("creationTime")),
            last_updated_time=as_datetime(row.get("lastUpdatedTime")),
            external=bool(row.get("external", False)),
        )

    @property
    def live(self) -> bool:
        return self.status.live

    def to_wire(self) -> dict[str, Any]:
        return _drop_none(
            {
                "resourceShareArn": self.share_arn,
                "resourceShareName": self.share_name,
                "associatedEntity": self.entity,
                "associationType": self.type.value,
                "status": self.status.value,
                "statusMessage": self.status_message,
                "creationTime": self.creation_time,
                "lastUpdatedTime": self.last_updated_time,
                "external": self.external,
            }
        )
