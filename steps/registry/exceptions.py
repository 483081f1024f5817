"""One exception class per way a model-registry call can fail; each message says what to do.

``failure`` carries the classified AWS failure (``mcgov.steps.common.aws.AwsFailure``); ``retryable`` is true
for throttling and unavailability only.
"""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class RegistryError(GovernanceError):
    """Base class of every model-registry failure."""


class ModelPackageNotFoundError(RegistryError):
    """No model package with that ARN exists in this account and region."""


class RegistryAccessDeniedError(RegistryError):
    """The caller's role may not make the call."""


class RegistryUnavailableError(RegistryError):
    """SageMaker throttled the call or was unavailable: retry later."""


class RegistryRequestError(RegistryError):
    """SageMaker refused the request (invalid, conflicting or otherwise failed)."""


class UnexpectedResponseError(RegistryError):
    """SageMaker answered with a value this version does not know (for example a new approval status)."""


class EmbeddedCardError(RegistryError):
    """The card inside a model package (``ModelCard``) cannot be written as asked."""


class _Located:
    """Prefix the message with the source and the field it names (``source: field: message``)."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None) -> None:
        self.source, self.field = source, field
        prefix = "".join(f"{part}: " for part in (source, field) if part)
        super().__init__(prefix + message)  # type: ignore[call-arg]


class EmbeddedContentError(_Located, EmbeddedCardError, BadInputError):
    """The converted content does not fit the model package model card schema (the message names the field)."""


class ArchivedEmbeddedCardError(EmbeddedCardError):
    """The package's card is Archived: SageMaker refuses content updates to it; register a new package version."""


class NotEmbeddableError(_Located, EmbeddedCardError, BadInputError):
    """The card cannot be embedded (Archived, no content, or no model package to embed it in)."""


class LifeCycleStageError(_Located, RegistryError, BadInputError):
    """A stage name SageMaker does not accept as ``ModelLifeCycle.Stage`` (``EntityName``)."""
