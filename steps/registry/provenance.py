"""What an embedded card records about where it came from (``mcgov.card.arn``, ``mcgov.card.content_sha256``).

Light on purpose (no content models): the approval guard and the share code read provenance without loading
the conversion in ``embedded``. Whether a package may pass is ``mcgov.steps.registry.binding``'s check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcgov.steps.registry.models import EmbeddedCard

PROVENANCE_CARD_ARN = "mcgov.card.arn"
PROVENANCE_SHA256 = "mcgov.card.content_sha256"


def provenance(card: EmbeddedCard | None) -> dict[str, str]:
    """``mcgov.card.arn`` and ``mcgov.card.content_sha256`` recorded in an embedded card ({} when absent)."""
    content = parsed_json(card.content) if card else None
    additional = content.get("additional_information") if isinstance(content, dict) else None
    custom = additional.get("custom_details") if isinstance(additional, dict) else None
    if not isinstance(custom, dict):
        return {}
    return {k: custom[k] for k in (PROVENANCE_CARD_ARN, PROVENANCE_SHA256) if isinstance(custom.get(k), str)}


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
