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
CARD_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
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


def schema_text() -> str:
    """The packaged content schema, as text."""
    return resources.files("mcgov.emulator.sagemaker").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def content_validator() -> Validator:
    """The validator of card content against the packaged schema (loaded once)."""
    return Validator(json.loads(schema_text()))


def _constraint(value: str, member: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    )


def validate_card_name(name: str) -> None:
    """Refuse names outside the EntityName pattern."""
    if not CARD_NAME.match(name or ""):
        raise _constraint(
            name, "modelCardName", f"Member must satisfy regular expression pattern: {CARD_NAME.pattern}"
        )


def validate_status(status: str | None) -> None:
    """Refuse statuses outside Draft | PendingReview | Approved | Archived."""
    if status is not None and status not in CARD_STATUSES:
        raise _constraint(status, "modelCardStatus", f"Member must satisfy enum value set: [{', '.join(CARD_STATUSES)}]")


def parse_content(content: Any) -> dict[str, Any]:
    """The content as a JSON object; refuse non-strings, over-long text, bad JSON and non-objects."""
    if not isinstance(content, str):
        raise ValidationError("Content must be a JSON string.")
    if len(content) > MAX_CONTENT_CHARS:
        raise ValidationError(
            f"1 validation error detected: Value at 'content' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_CONTENT_CHARS} "
            f"(got {len(content)} characters); shorten the card content."
        )
    try:
        parsed = json.loads(content)
    except ValueError as exc:
        raise ValidationError(f"Content is not valid JSON: {exc}.") from exc
    if not isinstance(parsed, dict):
        raise ValidationError("Content must be a JSON object.")
    return parsed


def validate_content(content: str | None) -> None:
    """Refuse content the service refuses: the API limits, then the published schema."""
    if content is None:
        return
    parsed = parse_content(content)
    found = []
    for violation in content_validator().violations(parsed):
        found.append(str(violation))
        if len(found) > MAX_REPORTED:
            break
    if found:
        more = "; ..." if len(found) > MAX_REPORTED else ""
        raise ValidationError(
            "Content does not match the model card JSON schema: " + "; ".join(found[:MAX_REPORTED]) + more
        )
