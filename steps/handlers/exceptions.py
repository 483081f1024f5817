"""One exception class per way a Lambda handler can fail; Lambda reports the class name as the error type,
which the state machines' Retry and Catch lists name."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class EventError(BadInputError):
    """The Lambda event does not have the documented shape."""


class ConfigurationError(BadInputError):
    """A required Lambda environment variable is missing or invalid."""


class HandlerFailure(GovernanceError):
    """Raised out of a handler so that Lambda, Step Functions and SageMaker see a clear failure message."""


class RetryableHandlerFailure(HandlerFailure):
    """A handler failure the same event may pass later (throttling, 5xx, network): retry it with backoff."""
