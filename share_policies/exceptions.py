"""One exception class per way a share policy can be unusable.

``PolicyError`` and its subclasses are ``BadInputError``: the CLI prints the message on one line and exits 2.
Messages start with ``<file>: <field>: `` so the fix can be made in place. ``PolicyUnavailableError`` is the
one failure that is not the input's fault (the policy could not be read right now).
"""

from __future__ import annotations

from mcgov.errors import BadInputError, Failure, GovernanceError


class PolicyError(BadInputError):
    """Base class of every share-policy input error."""

    def __init__(
        self, message: str, *, source: str | None = None, field: str | None = None, failure: Failure | None = None
    ) -> None:
        self.source = source
        self.field = field
        prefix = f"{source}: " if source else ""
        prefix += f"{field}: " if field else ""
        super().__init__(prefix + message, failure=failure)


class PolicyFileError(PolicyError):
    """The policy file cannot be read or is not a YAML mapping."""


class PolicyValidationError(PolicyError):
    """The policy breaks the schema (bad account id, forbidden principal, unknown key, ...)."""


class UnknownStageError(PolicyError):
    """A stage named at run time is not defined in the policy."""


class UnknownSpokeError(PolicyError):
    """An account named at run time is not a spoke of the hub-and-spoke policy."""


class CardArnError(PolicyError):
    """A card name or ARN does not belong to the policy's card account and region."""


class KmsKeyArnError(PolicyError):
    """A KMS key ARN is malformed or not in the policy's partition and region."""


class PolicyUnavailableError(GovernanceError):
    """The policy exists but could not be read right now (S3 throttled or unavailable): retry later."""

    def __init__(self, message: str, *, source: str, failure: Failure | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}", failure=failure)
