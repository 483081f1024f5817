"""One exception class per way a share policy can be unusable.

All are ``BadInputError`` subclasses: the CLI prints the message on one line and exits 2.
Messages start with ``<file>: <field>: `` so the fix can be made in place.
"""
from __future__ import annotations

from mcgov.errors import BadInputError


class PolicyError(BadInputError):
    """Base class of every share-policy input error."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None) -> None:
        self.source = source
        self.field = field
        prefix = f"{source}: " if source else ""
        prefix += f"{field}: " if field else ""
        super().__init__(prefix + message)


class PolicyFileError(PolicyError):
    """The policy file cannot be read or is not a YAML mapping."""


class PolicyValidationError(PolicyError):
    """The policy breaks the schema (bad account id, forbidden principal, unknown key, ...)."""


class UnknownStageError(PolicyError):
    """A stage named at run time is not defined in the policy."""


class CardArnError(PolicyError):
    """A card name or ARN does not belong to the policy's card account and region."""
