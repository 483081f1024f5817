"""One exception class per way reviewing a card can fail."""
from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class ReviewError(GovernanceError):
    """Base class of every failure raised by ``mcgov.steps.review``."""


class ReviewInputError(ReviewError, BadInputError):
    """A card to render or compare is not card content (a JSON object); the message names it."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)
