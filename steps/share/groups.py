"""The model package group shared beside the card, for the stages that set ``model_package_group``: which group
(from a versioned model package ARN), checked against the policy before anything is written.

Two shares per stage, not one: the card's share keeps its one permission (the policy's) and its selection by
permission tag unchanged, and the group's share (``mcgov-<card>-<stage>-mpg``, ``mcgov.steps.share.naming``)
carries the RAM default permission of ``sagemaker:ModelPackageGroup`` (no ``permissionArns`` on create: RAM
attaches the resource type's default AWS-managed permission, which lets the account describe the group and list
and describe its versions). ``mcgov.steps.share.converge`` converges both with one algorithm.
"""

from __future__ import annotations

from collections.abc import Sequence

from mcgov.errors import BadInputError
from mcgov.identifiers import MODEL_PACKAGE_ARN, partition_of
from mcgov.share_policies.models import PolicyStage, SharePolicy

MODEL_PACKAGE_GROUP_RESOURCE_TYPE = "sagemaker:ModelPackageGroup"


def group_arn_of_package(package_arn: str) -> str:
    """``arn:...:model-package-group/<group>`` of a versioned ``arn:...:model-package/<group>/<n>`` (checked whole:
    ``mcgov.identifiers.MODEL_PACKAGE_ARN``, so no trailing newline, non-ASCII digit or extra path gets through)."""
    match = (
        MODEL_PACKAGE_ARN.fullmatch(package_arn) if isinstance(package_arn, str) and len(package_arn) <= 2048 else None
    )
    if match is None:
        raise BadInputError(
            "the model package ARN is not a versioned model package ARN "
            "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<n>)",
            field="--model-package",
        )
    return (
        f"arn:{match['partition']}:sagemaker:{match['region']}:{match['account']}:model-package-group/{match['group']}"
    )


def check_package_arn(policy: SharePolicy, package_arn: str) -> str:
    """``package_arn`` when it is a versioned model package ARN in the policy's partition, card account and region
    (the account whose RAM shares its group and whose SageMaker records the gate's ``ModelLifeCycle``), else
    ``BadInputError`` naming ``--model-package`` (never quoting the ARN)."""
    group_arn_of_package(package_arn)
    match = MODEL_PACKAGE_ARN.fullmatch(package_arn)
    assert match is not None
    partition = partition_of(policy.region)
    if (match["partition"], match["account"], match["region"]) != (partition, policy.card_account, policy.region):
        raise BadInputError(
            f"the model package is not in the policy's card account {policy.card_account} / region "
            f"{policy.region} (partition {partition}); only the card account can share its model package group",
            field="--model-package",
        )
    return package_arn


def resolve_package(
    policy: SharePolicy, stages: Sequence[PolicyStage], package_arn: str | None, card_arn: str | None = None
) -> str | None:
    """The model package whose group the stages share (``--model-package``, else the one the card names in its
    ``model_package_details``: the caller reads it), checked; None when no stage needs a group.
    ``BadInputError`` naming ``--model-package`` when one does and no versioned package is named, or (given
    ``card_arn``) when the package's group is not the group the policy names for such a stage: a group is shared
    only with the stages that promote its packages."""
    needed = [stage for stage in stages if stage.model_package_group]
    if package_arn is None:
        if needed:
            raise BadInputError(
                f"stage {needed[0].name} sets model_package_group but the card names no model package "
                "(model_package_details.model_package_arn); pass --model-package ARN",
                field="--model-package",
            )
        return None
    check_package_arn(policy, package_arn)
    group = group_arn_of_package(package_arn).rsplit("/", 1)[-1]
    for stage in needed if card_arn else ():
        if stage.package_group_name(str(card_arn)) != group:
            raise BadInputError(
                f"the package's group is not the group stage {stage.name} promotes (model_package_group); share "
                "a package of that group, or name this group in the policy",
                field="--model-package",
            )
    return package_arn
