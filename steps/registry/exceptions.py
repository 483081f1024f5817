"""One exception class per way a model-registry call can fail; each message says what to do.

``failure`` carries the classified AWS failure (``mcgov.steps.common.aws.AwsFailure``); ``retryable`` is true
for throttling and unavailability only.
"""
from __future__ import annotations

from mcgov.errors import GovernanceError


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
