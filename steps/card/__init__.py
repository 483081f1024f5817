"""Model cards: build content from what a pipeline produced, validate it, publish it idempotently.

Public API (each name is imported on first use, so a Lambda that only reads cards never loads the content
models or the report parsers)::

    from mcgov.steps.card import CardSources, build_card, populate_card, CardStore, validate_content

Failure modes are in ``steps.card.exceptions``.
"""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "CardSources": "mcgov.steps.card.service",
    "build_card": "mcgov.steps.card.service",
    "populate_card": "mcgov.steps.card.service",
    "publish_content": "mcgov.steps.card.service",
    "BuildInputs": "mcgov.steps.card.build",
    "ReportInput": "mcgov.steps.card.build",
    "build_content": "mcgov.steps.card.build",
    "CardStore": "mcgov.steps.card.store",
    "PublishResult": "mcgov.steps.card.store",
    "ModelCardContent": "mcgov.steps.card.content",
    "validate_content": "mcgov.steps.card.validation",
    "validate_content_text": "mcgov.steps.card.validation",
    "serialize_content": "mcgov.steps.card.validation",
    "content_sha256": "mcgov.steps.common.jsonutil",
    "training_facts": "mcgov.steps.card.training",
    "model_package_details": "mcgov.steps.card.model_package",
    "parse_template": "mcgov.steps.card.template",
    "merge_content": "mcgov.steps.card.ownership",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
