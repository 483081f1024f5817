"""Provenance of a hub copy, kept in its content under ``additional_information.custom_details["mcgov.hub.*"]`` (pure).

``mcgov.hub.copy_sha256`` is the sha256 of the copy's content without that key, as the sync wrote it: a hub copy
whose content no longer hashes to it was edited in the hub (drift).

A spoke's card may carry ``mcgov.*`` keys of its own (its pipeline's, or forged ones such as a
``mcgov.hub.source_arn`` naming another card): the hub cannot check them, so ``build_copy`` drops every key the
product owns (``mcgov.steps.card.ownership.is_step_key``: however cased, padded or disguised) and writes its own
provenance in their place. Nothing in a copy's ``mcgov.*`` keys comes from the spoke.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, cast

from mcgov.steps.card.ownership import is_step_key
from mcgov.steps.common.jsonutil import content_sha256

PREFIX = "mcgov.hub."
SOURCE_ARN = PREFIX + "source_arn"
SOURCE_VERSION = PREFIX + "source_version"
SOURCE_SHA256 = PREFIX + "source_sha256"
SOURCE_STATUS = PREFIX + "source_status"
SYNCED_AT = PREFIX + "synced_at"
COPY_SHA256 = PREFIX + "copy_sha256"


@dataclass(frozen=True)
class Provenance:
    """Which source version a hub copy holds, and when it was written."""

    source_arn: str
    source_version: int
    source_sha256: str
    source_status: str
    synced_at: str

    def to_details(self) -> dict[str, str]:
        return {
            SOURCE_ARN: self.source_arn,
            SOURCE_VERSION: str(self.source_version),
            SOURCE_SHA256: self.source_sha256,
            SOURCE_STATUS: self.source_status,
            SYNCED_AT: self.synced_at,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_arn": self.source_arn,
            "source_version": self.source_version,
            "source_sha256": self.source_sha256,
            "source_status": self.source_status,
            "synced_at": self.synced_at,
        }


def _details(content: dict[str, Any]) -> dict[str, Any]:
    info = content.get("additional_information")
    details = info.get("custom_details") if isinstance(info, dict) else None
    return details if isinstance(details, dict) else {}


def read_provenance(content: dict[str, Any]) -> Provenance | None:
    """The provenance recorded in a card's content; None when it is not a (well-formed) hub copy."""
    details = _details(content)
    version = details.get(SOURCE_VERSION)
    values = [details.get(k) for k in (SOURCE_ARN, SOURCE_SHA256, SOURCE_STATUS, SYNCED_AT)]
    if not (isinstance(version, str) and version.isascii() and version.isdigit()) or not all(
        isinstance(v, str) for v in values
    ):
        return None
    arn, digest, status, at = cast("list[str]", values)  # each checked to be a str above
    return Provenance(arn, int(version), digest, status, at)


def recorded_copy_sha256(content: dict[str, Any]) -> str | None:
    value = _details(content).get(COPY_SHA256)
    return value if isinstance(value, str) else None


def copy_sha256(content: dict[str, Any]) -> str:
    """sha256 of ``content`` without its ``mcgov.hub.copy_sha256`` key (what that key records)."""
    stripped = copy.deepcopy(content)
    _details(stripped).pop(COPY_SHA256, None)
    return content_sha256(stripped)


def build_copy(source_content: dict[str, Any], provenance: Provenance) -> dict[str, Any]:
    """The hub copy: the source's content, its own ``mcgov.*`` keys dropped, plus ``provenance``."""
    content = copy.deepcopy(source_content)
    info = content.get("additional_information")
    if not isinstance(info, dict):
        info = content["additional_information"] = {}
    details = info.get("custom_details")
    kept = {k: v for k, v in details.items() if not is_step_key(k)} if isinstance(details, dict) else {}
    info["custom_details"] = {**kept, **provenance.to_details()}
    info["custom_details"][COPY_SHA256] = copy_sha256(content)
    return content
