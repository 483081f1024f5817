"""boto3 sessions, and the one mapper from what botocore raises to a typed ``AwsFailure``.

``make_session`` is the one session factory (CLI and Lambda handlers): botocore reads ``AWS_PROFILE``,
``AWS_DEFAULT_REGION`` and ``AWS_ENDPOINT_URL`` itself, so the CLI runs unchanged against a moto server, and
``make_session`` adds ``AWS_REGION`` as the AWS CLI reads it. Every adapter turns botocore's exceptions into its
own typed error through ``aws_failure``/``aws_errors``, so each failure is classified once, the same way: throttled
and unavailable are worth a retry (and Step Functions retries them), the others are not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
)

from mcgov.steps.common.exceptions import AwsCallError


def make_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """A session for ``profile`` and ``region``, else the AWS settings: the region is ``region``, else
    ``AWS_REGION``, else what botocore reads (``AWS_DEFAULT_REGION``, then the profile's ``region``).

    The AWS CLI's order: "AWS_REGION ... If defined, this environment variable overrides the values in the
    environment variable AWS_DEFAULT_REGION and the profile setting region" (AWS CLI user guide, "Environment
    variables to configure the AWS CLI", https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html);
    botocore 1.44 reads ``AWS_DEFAULT_REGION`` only, so ``AWS_REGION`` alone gave no region.
    """
    return boto3.Session(profile_name=profile, region_name=region or os.environ.get("AWS_REGION") or None)


# No credentials, region or profile: the caller's settings, not the service, are at fault (no retry helps).
SETTINGS_ERRORS = (
    NoCredentialsError,
    PartialCredentialsError,
    CredentialRetrievalError,
    NoRegionError,
    ProfileNotFound,
)


class AwsErrorKind(StrEnum):
    """What a failed AWS call means for the caller."""

    THROTTLED = "throttled"  # rate or quota exceeded: retry later, with backoff
    UNAVAILABLE = "unavailable"  # 5xx, timeout, network: retry later
    NOT_FOUND = "not_found"
    ACCESS_DENIED = "access_denied"
    CONFLICT = "conflict"  # exists already, in use, a concurrent change
    INVALID = "invalid"  # the request itself is wrong
    SETTINGS = "settings"  # no credentials, region or profile: the caller's AWS settings
    OTHER = "other"

    @property
    def retryable(self) -> bool:
        return self in (AwsErrorKind.THROTTLED, AwsErrorKind.UNAVAILABLE)


# Error codes botocore's standard retry mode treats as throttling, and the service-specific ones seen here.
_THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "EC2ThrottledException",
    }
)
_UNAVAILABLE = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ServerException",
    }
)
_NOT_FOUND = frozenset(
    {
        "ResourceNotFound",
        "ResourceNotFoundException",
        "UnknownResourceException",
        "NoSuchKey",
        "NoSuchBucket",
        "NotFound",
        "NotFoundException",
        "NoSuchEntity",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
    }
)
_ACCESS_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "OperationNotPermittedException",
        "AuthorizationError",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "KMSInvalidStateException",
    }
)
_CONFLICT = frozenset(
    {
        "ConflictException",
        "ResourceInUse",
        "ResourceInUseException",
        "ResourceAlreadyExistsException",
        "PermissionAlreadyExistsException",
        "IdempotentParameterMismatchException",
        "ConcurrentModificationException",
        "ResourceShareLimitExceededException",
    }
)
_INVALID = frozenset(
    {
        "ValidationException",
        "ValidationError",
        "InvalidParameterException",
        "InvalidParameterValueException",
        "InvalidParameterCombination",
        "MalformedArnException",
        "MissingRequiredParameterException",
        "InvalidRequestException",
        "InvalidResourceTypeException",
        "InvalidStateTransitionException",
        "UnknownResourceTypeException",
        "InvalidPolicyException",
        "MalformedPolicyTemplateException",
    }
)


@dataclass(frozen=True)
class AwsFailure:
    """One failed AWS call, classified."""

    service: str
    operation: str
    code: str
    message: str
    kind: AwsErrorKind

    @property
    def retryable(self) -> bool:
        return self.kind.retryable

    @property
    def text(self) -> str:
        """``Code: message`` on one line."""
        return f"{self.code}: {' '.join(self.message.split())}".rstrip(": ")

    @property
    def hint(self) -> str:
        """What to do about the failure, for the end of a message."""
        return _HINTS[self.kind].format(operation=self.operation or "the call")


_HINTS = {
    AwsErrorKind.THROTTLED: "throttled: retry later, with backoff",
    AwsErrorKind.UNAVAILABLE: "the service is unavailable or unreachable: retry later",
    AwsErrorKind.NOT_FOUND: "check the name or ARN, the account and the region",
    AwsErrorKind.ACCESS_DENIED: "grant the caller's role permission for {operation} (and check its credentials)",
    AwsErrorKind.CONFLICT: "a concurrent change or an existing resource: re-read it, then retry",
    AwsErrorKind.INVALID: "fix the request (the parameters named in the message)",
    AwsErrorKind.SETTINGS: "give credentials and a region (--profile, --region, or AWS_PROFILE, AWS_REGION and the "
    "standard AWS settings)",
    AwsErrorKind.OTHER: "look the error code up in the service's documentation",
}


def classify(code: str, message: str = "", status: int | None = None) -> AwsErrorKind:
    """The kind of an AWS error from its code, HTTP status and (for SageMaker's not-found) its message."""
    lowered = message.lower()
    if code in _THROTTLING or status == 429:
        return AwsErrorKind.THROTTLED
    if code in _UNAVAILABLE or (status is not None and status >= 500):
        return AwsErrorKind.UNAVAILABLE
    if code in _NOT_FOUND or status == 404:
        return AwsErrorKind.NOT_FOUND
    if code in _ACCESS_DENIED or status == 403:
        return AwsErrorKind.ACCESS_DENIED
    if code in _CONFLICT:
        return AwsErrorKind.CONFLICT
    if code in _INVALID:
        # SageMaker answers a missing resource with ValidationException "... does not exist".
        if "does not exist" in lowered or "not found" in lowered or "could not find" in lowered:
            return AwsErrorKind.NOT_FOUND
        return AwsErrorKind.INVALID
    if status is not None and 400 <= status < 500:
        return AwsErrorKind.INVALID
    return AwsErrorKind.OTHER


# Where AWS's and botocore's messages quote the value sent: AWS's validation message ("Value 'x' at 'name' failed
# to satisfy constraint", the ValidationException format of every JSON-protocol service) and botocore's parameter
# validation ("Invalid type for parameter N, value: x, type: ...", "Invalid bucket name "x": ...").
_QUOTED_VALUES = (
    (re.compile(r"Value '.*?' at '", re.DOTALL), "Value at '"),
    (re.compile(r", value: .*?, (type|valid)", re.DOTALL), r", \1"),
    (re.compile(r'Invalid bucket name ".*?":', re.DOTALL), "Invalid bucket name:"),
)


def _without_values(message: str) -> str:
    """An AWS or botocore message without the parameter values it quotes (they may be secrets pasted in the wrong
    place); it still names the parameter and the constraint."""
    for pattern, replacement in _QUOTED_VALUES:
        message = pattern.sub(replacement, message)
    return message


def aws_failure(exc: BaseException, service: str, operation: str) -> AwsFailure | None:
    """The ``AwsFailure`` of a botocore exception, the values its message quotes left out; ``None`` for anything
    botocore did not raise."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {}) if isinstance(exc.response, dict) else {}
        code = str(error.get("Code") or "Unknown")
        message = _without_values(str(error.get("Message") or ""))
        status = (
            exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") if isinstance(exc.response, dict) else None
        )
        return AwsFailure(
            service, operation, code, message, classify(code, message, status if isinstance(status, int) else None)
        )
    if isinstance(exc, ParamValidationError):
        return AwsFailure(service, operation, "ParamValidationError", _without_values(str(exc)), AwsErrorKind.INVALID)
    if isinstance(exc, SETTINGS_ERRORS):
        return AwsFailure(service, operation, type(exc).__name__, str(exc), AwsErrorKind.SETTINGS)
    if isinstance(exc, BotoCoreError):
        return AwsFailure(service, operation, type(exc).__name__, f"{exc} (after retries)", AwsErrorKind.UNAVAILABLE)
    return None


@contextmanager
def aws_errors(service: str, operation: str, raise_as: Callable[[AwsFailure], BaseException]) -> Iterator[None]:
    """Run AWS calls; a botocore exception is re-raised as ``raise_as(failure)``, without botocore's traceback."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        failure = aws_failure(exc, service, operation)
        assert failure is not None
        raise raise_as(failure) from None


def unmapped_aws_error(exc: ClientError | BotoCoreError) -> AwsCallError:
    """The typed error of a botocore exception that escaped every adapter (the CLI's and handlers' last resort)."""
    operation = str(getattr(exc, "operation_name", "") or "")
    failure = aws_failure(exc, "", operation)
    assert failure is not None
    return AwsCallError(f"{operation or 'AWS call'} failed: {failure.text}; {failure.hint}", failure=failure)


def error_text(exc: Any) -> str:
    """``Code: Message`` of a botocore exception; the exception's text otherwise."""
    failure = aws_failure(exc, "", "") if isinstance(exc, BaseException) else None
    return failure.text if failure else " ".join(str(exc).split())
