"""The SageMaker model registry: model packages, their approval status and their tags.

Public API::

    from mcgov.steps.registry import ModelPackageStore, ModelPackage, ApprovalStatus
    from mcgov.steps.registry.embedded import embed_card, approve_embedded   # the card inside the package
    from mcgov.steps.registry.provenance import provenance, embedded_approval_problem  # light: no content models
    from mcgov.steps.registry.lifecycle import record_gate                   # the gate on ModelLifeCycle

Failure modes are in ``mcgov.steps.registry.exceptions``.
"""

from __future__ import annotations

from mcgov.steps.common.lazy import lazy_exports

_EXPORTS = {
    "ApprovalStatus": "mcgov.steps.registry.models",
    "ArchivedEmbeddedCardError": "mcgov.steps.registry.exceptions",
    "EmbeddedCard": "mcgov.steps.registry.models",
    "EmbeddedCardError": "mcgov.steps.registry.exceptions",
    "EmbeddedContentError": "mcgov.steps.registry.exceptions",
    "LifeCycle": "mcgov.steps.registry.models",
    "LifeCycleStageError": "mcgov.steps.registry.exceptions",
    "ModelPackage": "mcgov.steps.registry.models",
    "ModelPackageNotFoundError": "mcgov.steps.registry.exceptions",
    "ModelPackageStore": "mcgov.steps.registry.store",
    "NotEmbeddableError": "mcgov.steps.registry.exceptions",
    "RegistryAccessDeniedError": "mcgov.steps.registry.exceptions",
    "RegistryError": "mcgov.steps.registry.exceptions",
    "RegistryRequestError": "mcgov.steps.registry.exceptions",
    "RegistryUnavailableError": "mcgov.steps.registry.exceptions",
    "UnexpectedResponseError": "mcgov.steps.registry.exceptions",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
