"""The gate's outcome on the model package: ``ModelLifeCycle`` (botocore ``sagemaker/2017-07-24``).

``Stage`` and ``StageStatus`` are ``EntityName`` strings (1-63, ``[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``: botocore
gives no enum), ``StageDescription`` at most 1,024 characters. After an allowed gate: ``Stage`` = the stage,
``StageStatus`` = ``Approved``, ``StageDescription`` = the decision's reason. A blocked gate is recorded as
``StageStatus`` = ``Blocked`` with the blocking reasons (``Pending`` while associations are still in progress),
so the registry shows why a version was not promoted.
"""

from __future__ import annotations

import re
from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.registry.models import LifeCycle
from mcgov.steps.registry.store import STAGE_DESCRIPTION_MAX, ModelPackageStore

APPROVED = "Approved"
BLOCKED = "Blocked"
PENDING = "Pending"
STATUS_OF = {"ALLOWED": APPROVED, "PENDING": PENDING, "BLOCKED": BLOCKED}
ENTITY_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", re.ASCII)


def gate_lifecycle(stage: str, outcome: str, reason: str) -> LifeCycle:
    """The ``ModelLifeCycle`` recording one gate decision whose ``outcome`` is ALLOWED, PENDING or BLOCKED (pure)."""
    if not ENTITY_NAME.fullmatch(stage):
        raise BadInputError(
            f"stage {stage!r} cannot be a ModelLifeCycle Stage (letters, digits and inner "
            "hyphens, 1-63); rename the stage in the policy",
            field="stage",
        )
    text = " ".join(reason.split()) or f"gate {outcome.lower()}"
    return LifeCycle(stage=stage, stage_status=STATUS_OF[outcome], stage_description=text[:STAGE_DESCRIPTION_MAX])


def record_gate(sagemaker: Any, package_arn: str, stage: str, outcome: str, reason: str) -> LifeCycle:
    """UpdateModelPackage ``ModelLifeCycle`` with the decision; nothing is written when it is already recorded."""
    store = ModelPackageStore(sagemaker)
    lifecycle = gate_lifecycle(stage, outcome, reason)
    if store.describe(package_arn).lifecycle != lifecycle:
        store.set_lifecycle(package_arn, lifecycle)
    return lifecycle
