"""Root exception classes shared by every capability (card, share, gate, handlers).

``BadInputError`` marks a failure caused by the caller's input: the CLI prints its message on one line
and exits 2, and nothing has been written when it is raised.
"""
from __future__ import annotations


class GovernanceError(Exception):
    """Base class of every error raised by model-card-governance."""


class BadInputError(GovernanceError):
    """Input (a file, flag, event field or policy) is invalid; the message names it and the fix."""
