"""Errors of the workflow settings and Lambda ARNs a definition is loaded with (bad input: the message says the fix)."""

from __future__ import annotations

from mcgov.errors import BadInputError


class InvalidLambdaArnError(BadInputError):
    """A governance Lambda ARN is missing or malformed."""


class InvalidWorkflowSettingError(BadInputError):
    """A Step Functions workflow setting (attempts, waits, intervals, names) is out of range."""
