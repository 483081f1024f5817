"""Errors of the shared AWS plumbing (one class per failure mode)."""

from __future__ import annotations

from mcgov.errors import GovernanceError


class AwsCallError(GovernanceError):
    """An AWS call failed and no adapter turned it into its own error."""
