"""Model cards: build content from what a pipeline produced, validate it, publish it idempotently.

Public API (each name is imported on first use, so a Lambda that only reads cards never loads the content
models or the report parsers)::

    from steps.card import CardSources, build_card, populate_card, CardStore, validate_content

Failure modes are in ``steps.card.exceptions``.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CardSources": "steps.card.service",
    "build_card": "steps.card.service",
    "populate_card": "steps.card.service",
    "publish_content": "steps.card.service",
    "BuildInputs": "steps.card.build",
    "ReportInput": "steps.card.build",
    "build_content": "steps.card.build",
    "CardStore": "steps.card.store",
    "PublishResult": "steps.card.store",
    "ModelCardContent": "steps.card.content",
    "validate_content": "steps.card.validation",
    "validate_content_text": "steps.card.validation",
    "serialize_content": "steps.card.validation",
    "content_sha256": "steps.common.jsonutil",
    "training_facts": "steps.card.training",
    "model_package_details": "steps.card.model_package",
    "parse_template": "steps.card.template",
    "merge_content": "steps.card.ownership",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'steps.card' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
