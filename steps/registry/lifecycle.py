"""The gate's outcome on the model package: ``ModelLifeCycle`` (botocore ``sagemaker/2017-07-24``).

``Stage`` and ``StageStatus`` are ``EntityName`` strings (1-63, ``[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``: botocore
gives no enum), ``StageDescription`` at most 1,024 characters. After an allowed gate: ``Stage`` = the stage,
``StageStatus`` = ``Approved``, ``StageDescription`` = the decision's reason. A blocked gate is recorded as
``StageStatus`` = ``Blocked`` with the blocking reasons, so the registry shows why a version was not promoted.
"""
from __future__ import annotations

import re
from typing import Any

from mcgov.steps.registry.exceptions import LifeCycleStageError
from mcgov.steps.registry.models import LifeCycle
from mcgov.steps.registry.store import STAGE_DESCRIPTION_MAX, ModelPackageStore

APPROVED = "Approved"
BLOCKED = "Blocked"
ENTITY_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", re.ASCII)


def gate_lifecycle(stage: str, allowed: bool, reason: str) -> LifeCycle:
    """The ``ModelLifeCycle`` recording one gate decision (pure)."""
    if not ENTITY_NAME.fullmatch(stage):
        raise LifeCycleStageError(f"stage {stage!r} cannot be a ModelLifeCycle Stage (letters, digits and inner "
                                  "hyphens, 1-63); rename the stage in the policy", field="stage")
    text = " ".join(reason.split()) or ("gate allowed" if allowed else "gate blocked")
    return LifeCycle(stage=stage, stage_status=APPROVED if allowed else BLOCKED,
                     stage_description=text[:STAGE_DESCRIPTION_MAX])


def record_gate(sagemaker: Any, package_arn: str, stage: str, allowed: bool, reason: str) -> LifeCycle:
    """UpdateModelPackage ``ModelLifeCycle`` with the decision; nothing is written when it is already recorded."""
    store = ModelPackageStore(sagemaker)
    lifecycle = gate_lifecycle(stage, allowed, reason)
    if store.describe(package_arn).lifecycle != lifecycle:
        store.set_lifecycle(package_arn, lifecycle)
    return lifecycle
