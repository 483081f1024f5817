"""RAM errors as the real service names them (one class per error code)."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class RamError(JsonRESTError):
    """Base class: the error code is the class name."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(type(self).__name__, message)


class InvalidParameterException(RamError):
    """A parameter value is not valid."""


class MalformedArnException(RamError):
    """An ARN is malformed or names a resource type RAM cannot share."""


class UnknownResourceException(RamError):
    """A referenced share, permission or principal does not exist."""


class OperationNotPermittedException(RamError):
    """The operation is not allowed (for example sharing outside the organization)."""


class IdempotentParameterMismatchException(RamError):
    """A clientToken was reused with different parameters."""


class InvalidClientTokenException(RamError):
    """The clientToken is not valid."""


class InvalidNextTokenException(RamError):
    """The nextToken does not come from a previous call."""


class InvalidMaxResultsException(RamError):
    """maxResults is out of range."""


class InvalidStateTransitionException(RamError):
    """The share is in a state that does not allow this operation."""


class ResourceShareInvitationArnNotFoundException(RamError):
    """No invitation with that ARN was sent to the caller."""


class ResourceShareInvitationAlreadyAcceptedException(RamError):
    """The invitation was already accepted."""


class ResourceShareInvitationAlreadyRejectedException(RamError):
    """The invitation was already rejected."""


class ResourceShareInvitationExpiredException(RamError):
    """The invitation expired."""


class PermissionAlreadyExistsException(RamError):
    """A customer-managed permission with that name already exists."""


class MalformedPolicyTemplateException(RamError):
    """The policyTemplate is not a valid permission statement."""
