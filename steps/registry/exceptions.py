"""The model-registry failures that are not the caller's input (bad input is ``mcgov.errors.BadInputError``).

``failure`` carries the classified AWS failure (``mcgov.steps.common.aws.AwsFailure``); ``retryable`` is true
for throttling and unavailability only.
"""

from __future__ import annotations

from mcgov.errors import GovernanceError


class RegistryError(GovernanceError):
    """A model-registry call failed or answered what this version does not know; the message says what to do."""


class ModelPackageNotFoundError(RegistryError):
    """No model package with that ARN exists in this account and region."""
