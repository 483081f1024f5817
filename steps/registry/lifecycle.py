"""The gate's outcome on the model package: ``ModelLifeCycle`` (botocore ``sagemaker/2017-07-24``).

``Stage`` and ``StageStatus`` are ``EntityName`` strings (1-63, ``[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``: botocore
gives no enum), ``StageDescription`` at most 1,024 characters. After an allowed gate: ``Stage`` = the stage,
``StageStatus`` = ``Approved``, ``StageDescription`` = the decision's reason. A blocked gate is recorded as
``StageStatus`` = ``Blocked`` with the blocking reasons (``Pending`` while associations are still in progress),
so the registry shows why a version was not promoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mcgov.errors import BadInputError
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.gate.decision import Decision, blocked
from mcgov.steps.gate.package import verify_package_consumers
from mcgov.steps.gate.poller import Progress, run_gate
from mcgov.steps.gate.service import decision_output, kms_client
from mcgov.steps.gate.verify import verify_consumers
from mcgov.steps.registry.binding import check_bound_package_once, identity_problem
from mcgov.steps.registry.models import LifeCycle
from mcgov.steps.registry.store import STAGE_DESCRIPTION_MAX, ModelPackageStore
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.groups import check_package_arn

APPROVED = "Approved"
BLOCKED = "Blocked"
PENDING = "Pending"
STATUS_OF = {"ALLOWED": APPROVED, "PENDING": PENDING, "BLOCKED": BLOCKED}
ENTITY_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", re.ASCII)


def gate_lifecycle(stage: str, outcome: str, reason: str) -> LifeCycle:
    """The ``ModelLifeCycle`` recording one gate decision whose ``outcome`` is ALLOWED, PENDING or BLOCKED (pure)."""
    if not ENTITY_NAME.fullmatch(stage):
        raise BadInputError(
            "the stage name cannot be a ModelLifeCycle Stage (letters, digits and inner "
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


def gate_package(
    session: Any,
    policy: SharePolicy,
    stage: PolicyStage,
    card_arn: str,
    package_arn: str,
    *,
    wait: float | None,
    progress: Progress | None = None,
    verify_roles: Mapping[str, Any] | None = None,
) -> tuple[Decision, dict[str, Any]]:
    """The gate of ``stage`` for a card and a package bound to it (``mcgov.steps.registry.binding``), consumer checks
    (card and package by ARN) when ``verify_roles`` is given, and the outcome recorded as the package's
    ``ModelLifeCycle``. A package that is not the card's for the stage (another group, no card embedded from this
    card) blocks and is left untouched.

    Returns the decision and the ``model_package`` part of the gate's JSON (the package and the lifecycle).
    """
    check_package_arn(policy, package_arn)  # before any call: a package of another account is refused, not recorded
    ram = ram_client(session, policy.region)
    sagemaker = session.client("sagemaker", region_name=policy.region)
    kms = kms_client(session, policy)
    package = ModelPackageStore(sagemaker).describe(package_arn)
    unrelated = identity_problem(stage, card_arn, package)
    if unrelated:  # not this card's package: nothing is written to it
        return blocked(stage.name, unrelated, datetime.now(UTC), card={"arn": card_arn}), {
            "arn": package_arn,
            "lifecycle": None,
            "note": "not recorded: the package is not this card's package for the stage",
        }

    def check(now: datetime) -> Decision:
        return check_bound_package_once(ram, sagemaker, policy, stage, card_arn, package, now, kms)

    if wait is not None and wait <= 0:
        decision = check(datetime.now(UTC))
    else:
        decision = run_gate(ram, sagemaker, policy, stage, card_arn, timeout=wait, progress=progress, check=check)
    if verify_roles and decision.allowed:
        decision = verify_consumers(decision, verify_roles, base_session=session, region=policy.region)
        decision = verify_package_consumers(
            decision, package_arn, verify_roles, base_session=session, region=policy.region
        )
    output = decision_output(decision)
    lifecycle = record_gate(sagemaker, package_arn, stage.name, output["status"], output["reason"])
    return decision, {"arn": package_arn, "lifecycle": lifecycle.to_wire()}
