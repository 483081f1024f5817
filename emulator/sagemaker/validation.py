"""What SageMaker refuses in model-card requests: the API limits and the published content schema.

Sources, all written here rather than borrowed from the product (testing the product against its own
validator would prove nothing):

* botocore's ``sagemaker/2017-07-24/service-2.json``: shape ``ModelCardContent`` (string, max 100000),
  ``EntityName`` (``[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``, 1-63; the API reference anchors it as
  ``^...$``: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelCard.html) and
  ``ModelCardStatus`` (Draft | PendingReview | Approved | Archived). ``tests/test_emulator_schema.py``
  checks these constants against the installed botocore.
* the content schema in ``schema/model_card_schema.json`` (see ``schema/SOURCE.md``), checked by
  ``schema_check.Validator``.
* Content and ModelCardStatus cannot change in one UpdateModelCard: the operation's documentation in
  botocore's model ("You cannot update both model card content and model card status in a single call").
* an Archived card's content cannot change: ``ModelCardStatus`` in
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateModelCard.html ("Archived: ... No
  more updates should be made to the model card").
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from moto.sagemaker.exceptions import ValidationError

from mcgov.emulator.sagemaker.schema_check import Validator

MAX_CONTENT_CHARS = 100_000
CARD_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", re.ASCII)  # EntityName; use is_entity_name
CARD_STATUSES = ("Draft", "PendingReview", "Approved", "Archived")
SCHEMA_FILE = "model_card_schema.json"
MAX_REPORTED = 5
COMBINED_UPDATE_MESSAGE = (
    "You cannot update both model card content and model card status in a single call; "
    "update the content, then the status."
)
ARCHIVED_MESSAGE = (
    "Model card {name} is Archived and its content cannot be updated. "
    "Only ModelCardStatus can be changed on an archived model card."
)


def schema_text(file: str = SCHEMA_FILE) -> str:
    """A packaged schema (the card content schema by default), as text."""
    return resources.files("mcgov.emulator.sagemaker").joinpath("schema", file).read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def schema_validator(file: str = SCHEMA_FILE) -> Validator:
    """The validator of one packaged schema (loaded once per file)."""
    return Validator(json.loads(schema_text(file)))


def content_validator() -> Validator:
    """The validator of card content against the packaged schema (loaded once)."""
    return schema_validator(SCHEMA_FILE)


def _constraint(value: str, member: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    )


def is_entity_name(value: Any) -> bool:
    """True for a string matching botocore's ``EntityName`` as a whole (``fullmatch``: ``$`` alone would let a
    trailing newline through, which SageMaker refuses)."""
    return isinstance(value, str) and CARD_NAME.fullmatch(value) is not None


def validate_card_name(name: str) -> None:
    """Refuse names outside the EntityName pattern."""
    if not is_entity_name(name):
        raise _constraint(name, "modelCardName", f"Member must satisfy regular expression pattern: {CARD_NAME.pattern}")


def validate_status(status: str | None) -> None:
    """Refuse statuses outside Draft | PendingReview | Approved | Archived."""
    if status is not None and status not in CARD_STATUSES:
        raise _constraint(
            status, "modelCardStatus", f"Member must satisfy enum value set: [{', '.join(CARD_STATUSES)}]"
        )


def parse_content(content: Any, member: str = "content", label: str = "Content") -> dict[str, Any]:
    """The content as a JSON object; refuse non-strings, over-long text, bad JSON and non-objects.

    ``member``/``label`` name the parameter in messages (``modelCard.modelCardContent`` for a package's card).
    """
    if not isinstance(content, str):
        raise ValidationError(f"{label} must be a JSON string.")
    if len(content) > MAX_CONTENT_CHARS:
        raise ValidationError(
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_CONTENT_CHARS} "
            f"(got {len(content)} characters); shorten the card content."
        )
    try:
        parsed = json.loads(content)
    except ValueError as exc:
        raise ValidationError(f"{label} is not valid JSON: {exc}.") from exc
    if not isinstance(parsed, dict):
        raise ValidationError(f"{label} must be a JSON object.")
    return parsed


def check_schema(validator: Validator, parsed: dict[str, Any], what: str) -> None:
    """Refuse ``parsed`` when ``validator`` finds violations, naming at most ``MAX_REPORTED`` of them."""
    found = [str(v) for _, v in zip(range(MAX_REPORTED + 1), validator.violations(parsed), strict=False)]
    if found:
        more = "; ..." if len(found) > MAX_REPORTED else ""
        raise ValidationError(f"{what}: " + "; ".join(found[:MAX_REPORTED]) + more)


def validate_content(content: str | None) -> None:
    """Refuse content the service refuses: the API limits, then the published schema."""
    if content is None:
        return
    check_schema(content_validator(), parse_content(content), "Content does not match the model card JSON schema")
