"""The errors a Lambda handler raises; Lambda reports the class name as the error type, which the state
machines' Retry and Catch lists name (a bad event or configuration is ``mcgov.errors.BadInputError`` inside)."""

from __future__ import annotations

from mcgov.errors import GovernanceError


class HandlerFailure(GovernanceError):
    """Raised out of a handler so that Lambda, Step Functions and SageMaker see a clear failure message."""


class RetryableHandlerFailure(HandlerFailure):
    """A handler failure the same event may pass later (throttling, 5xx, network): retry it with backoff."""
