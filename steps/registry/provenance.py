"""What an embedded card records about where it came from, and whether its approval can be trusted.

Light on purpose (no content models): the approval guard and the share code read provenance without loading
the conversion in ``embedded``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.registry.models import EmbeddedCard, ModelPackage

PROVENANCE_CARD_ARN = "mcgov.card.arn"
PROVENANCE_SHA256 = "mcgov.card.content_sha256"
TAG_EMBEDDED_SHA256 = "mcgov:approval:embedded-content-sha256"


def provenance(card: EmbeddedCard | None) -> dict[str, str]:
    """``mcgov.card.arn`` and ``mcgov.card.content_sha256`` recorded in an embedded card ({} when absent)."""
    content = parsed_json(card.content) if card else None
    additional = content.get("additional_information") if isinstance(content, dict) else None
    custom = additional.get("custom_details") if isinstance(additional, dict) else None
    if not isinstance(custom, dict):
        return {}
    return {k: custom[k] for k in (PROVENANCE_CARD_ARN, PROVENANCE_SHA256) if isinstance(custom.get(k), str)}


def embedded_approval_problem(package: ModelPackage, tags: Mapping[str, str]) -> str | None:
    """Why the package's Approved embedded card cannot be trusted (None when it can, or is not Approved).

    ``mcgov card approve`` records on the package the approved card's content sha256 and the embedded content's
    own sha256; an Approved status without them, or with content changed since, is not a reviewed approval.
    """
    card = package.model_card
    if card is None or card.status != "Approved":
        return None
    record = ApprovalRecord.from_tags(dict(tags))
    recorded = provenance(card).get(PROVENANCE_SHA256)
    if record is None or tags.get(TAG_EMBEDDED_SHA256) is None:
        return f"the card embedded in {package.arn} is Approved without an approval record from `mcgov card approve`"
    if record.content_sha256 != recorded or tags.get(TAG_EMBEDDED_SHA256) != _sha_or_none(card.content):
        return f"the card embedded in {package.arn} changed since it was approved; re-run `mcgov card approve`"
    return None


def package_arn_from_card(card: Mapping[str, Any]) -> str | None:
    """``model_package_details.model_package_arn`` of a DescribeModelCard response (None when absent)."""
    content = parsed_json(card.get("Content"))
    details = content.get("model_package_details") if isinstance(content, dict) else None
    arn = details.get("model_package_arn") if isinstance(details, dict) else None
    return arn if isinstance(arn, str) and ":model-package/" in arn else None


def parsed_json(text: str | None) -> Any:
    """``text`` parsed, or None when it is not JSON (also too deep for the parser, or an over-long integer)."""
    try:
        return json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return None


def _sha_or_none(text: str | None) -> str | None:
    return content_sha256(text) if parsed_json(text) is not None else None
