"""The model-card package's failures that are not the caller's input (bad input is ``mcgov.errors.BadInputError``).

``CardError`` is the root: the SageMaker model-card API refused or failed a call, a card is Archived, or an
input could not be read right now (``retryable`` when throttled or unavailable). The two subclasses are the
ones callers catch by name.
"""

from __future__ import annotations

from mcgov.errors import GovernanceError


class CardError(GovernanceError):
    """A model-card call failed, or an input could not be read now; the message names the call and the fix."""


class CardNotFoundError(CardError):
    """No model card with that name or ARN exists in this account and region."""


class CardAlreadyExistsError(CardError):
    """CreateModelCard found the name taken (a concurrent run, or a retried create whose reply was lost)."""
