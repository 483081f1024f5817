"""Model packages' ``ModelCard`` and ``ModelLifeCycle``, which moto 5.2.5 does not keep.

Sources, written here rather than borrowed from the product:

* botocore's ``sagemaker/2017-07-24/service-2.json``: ``ModelPackageModelCard`` (``ModelCardContent`` string of
  at most 100,000 characters, ``ModelCardStatus`` Draft | PendingReview | Approved | Archived) and
  ``ModelLifeCycle`` (``Stage`` and ``StageStatus`` required ``EntityName`` strings, 1-63 characters matching
  ``[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``; ``StageDescription`` at most 1,024 characters);
* the content schema ``schema/model_package_model_card_schema.json`` (``schema/PACKAGE_CARD_SOURCE.md``),
  checked by the emulator's own ``schema_check.Validator``;
* an Archived card accepts no content update (``UpdateModelCard``'s ``ModelCardStatus`` documentation); the
  emulator applies the same rule to the card inside a package: its status may change, its content may not.
"""

from __future__ import annotations

from typing import Any

from moto.sagemaker.exceptions import ValidationError

from mcgov.emulator.sagemaker.schema_check import Validator
from mcgov.emulator.sagemaker.validation import (
    CARD_NAME,
    CARD_STATUSES,
    check_schema,
    is_entity_name,
    parse_content,
    schema_text,
    schema_validator,
)

PACKAGE_SCHEMA_FILE = "model_package_model_card_schema.json"
STAGE_DESCRIPTION_MAX = 1024
ARCHIVED_PACKAGE_CARD = (
    "The model card of model package {arn} is Archived and its content cannot be updated. "
    "Only ModelCardStatus can be changed."
)


def package_schema_text() -> str:
    return schema_text(PACKAGE_SCHEMA_FILE)


def package_card_validator() -> Validator:
    return schema_validator(PACKAGE_SCHEMA_FILE)


def _constraint(value: Any, member: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    )


def check_model_card(card: Any) -> dict[str, Any]:
    """A ``ModelPackageModelCard`` as sent, checked (shape, status, length, schema)."""
    if not isinstance(card, dict):
        raise ValidationError("ModelCard must be a structure with ModelCardContent and ModelCardStatus.")
    status = card.get("ModelCardStatus")
    if status is not None and status not in CARD_STATUSES:
        raise _constraint(
            status, "modelCard.modelCardStatus", f"Member must satisfy enum value set: [{', '.join(CARD_STATUSES)}]"
        )
    content = card.get("ModelCardContent")
    if content is not None:
        parsed = parse_content(content, member="modelCard.modelCardContent", label="ModelCardContent")
        check_schema(
            package_card_validator(), parsed, "ModelCardContent does not match the model package model card schema"
        )
    return {k: v for k, v in (("ModelCardContent", content), ("ModelCardStatus", status)) if v is not None}


def check_lifecycle(lifecycle: Any) -> dict[str, str]:
    """A ``ModelLifeCycle`` as sent, checked against botocore's constraints."""
    if not isinstance(lifecycle, dict):
        raise ValidationError("ModelLifeCycle must be a structure with Stage and StageStatus.")
    for key, member in (("Stage", "modelLifeCycle.stage"), ("StageStatus", "modelLifeCycle.stageStatus")):
        value = lifecycle.get(key)
        if not is_entity_name(value):
            raise _constraint(value, member, f"Member must satisfy regular expression pattern: {CARD_NAME.pattern}")
    description = lifecycle.get("StageDescription")
    if description is not None and (not isinstance(description, str) or len(description) > STAGE_DESCRIPTION_MAX):
        raise _constraint(
            "***",
            "modelLifeCycle.stageDescription",
            f"Member must have length less than or equal to {STAGE_DESCRIPTION_MAX}",
        )
    return {k: lifecycle[k] for k in ("Stage", "StageStatus", "StageDescription") if lifecycle.get(k) is not None}


def merge_model_card(arn: str, current: dict[str, Any] | None, update: dict[str, Any]) -> dict[str, Any]:
    """The package's card after an update: what is not sent is kept; an Archived card keeps its content."""
    merged = {**(current or {}), **update}
    if (current or {}).get("ModelCardStatus") == "Archived" and merged.get("ModelCardContent") != (current or {}).get(
        "ModelCardContent"
    ):
        raise ValidationError(ARCHIVED_PACKAGE_CARD.format(arn=arn))
    return merged
