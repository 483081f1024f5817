"""The SageMaker model registry: model packages, their approval status and their tags.

Public API::

    from mcgov.steps.registry import ModelPackageStore, ModelPackage, ApprovalStatus

Failure modes are in ``mcgov.steps.registry.exceptions``.
"""
from mcgov.steps.registry.exceptions import (
    ModelPackageNotFoundError,
    RegistryAccessDeniedError,
    RegistryError,
    RegistryRequestError,
    RegistryUnavailableError,
    UnexpectedResponseError,
)
from mcgov.steps.registry.models import ApprovalStatus, ModelPackage
from mcgov.steps.registry.store import ModelPackageStore

__all__ = [
    "ApprovalStatus",
    "ModelPackage",
    "ModelPackageNotFoundError",
    "ModelPackageStore",
    "RegistryAccessDeniedError",
    "RegistryError",
    "RegistryRequestError",
    "RegistryUnavailableError",
    "UnexpectedResponseError",
]
