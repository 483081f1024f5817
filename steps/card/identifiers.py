"""Card names, statuses and ARNs: checks that need no content model."""

from __future__ import annotations

from mcgov.errors import BadInputError
from mcgov.identifiers import is_card_name, parse_card_arn
from mcgov.steps.card import limits as L


def validate_card_name(name: str) -> str:
    if not is_card_name(name):
        raise BadInputError(
            "not a model card name: use 1-63 letters, digits and hyphens, starting and ending with a letter or digit",
            field="name",
        )
    return name


def validate_card_status(status: str) -> str:
    if status not in L.CARD_STATUSES:
        raise BadInputError(f"not a card status: use one of {', '.join(L.CARD_STATUSES)}", field="status")
    return status


def card_name_from(name_or_arn: str) -> str:
    """The card name in a model-card ARN, or the argument unchanged when it is a name."""
    match = parse_card_arn(name_or_arn)
    return match["name"] if match else name_or_arn
