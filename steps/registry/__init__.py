"""The SageMaker model registry: model packages, their approval status and their tags.

Public API::

    from mcgov.steps.registry import ModelPackageStore, ModelPackage, ApprovalStatus
    from mcgov.steps.registry.embedded import embed_card, approve_embedded   # the card inside the package
    from mcgov.steps.registry.lifecycle import record_gate                   # the gate on ModelLifeCycle

Failure modes are in ``mcgov.steps.registry.exceptions``.
"""
from mcgov.steps.registry.exceptions import (
    ArchivedEmbeddedCardError,
    EmbeddedCardError,
    EmbeddedContentError,
    LifeCycleStageError,
    NotEmbeddableError,
    ModelPackageNotFoundError,
    RegistryAccessDeniedError,
    RegistryError,
    RegistryRequestError,
    RegistryUnavailableError,
    UnexpectedResponseError,
)
from mcgov.steps.registry.models import ApprovalStatus, EmbeddedCard, LifeCycle, ModelPackage
from mcgov.steps.registry.store import ModelPackageStore

__all__ = [
    "ApprovalStatus",
    "ArchivedEmbeddedCardError",
    "EmbeddedCard",
    "EmbeddedCardError",
    "EmbeddedContentError",
    "LifeCycle",
    "LifeCycleStageError",
    "ModelPackage",
    "ModelPackageNotFoundError",
    "ModelPackageStore",
    "NotEmbeddableError",
    "RegistryAccessDeniedError",
    "RegistryError",
    "RegistryRequestError",
    "RegistryUnavailableError",
    "UnexpectedResponseError",
]
