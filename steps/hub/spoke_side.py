"""Spoke side: share the spoke's selected cards with the hub, read-only, through reconcile's batched shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcgov.errors import BadInputError
from mcgov.identifiers import partition_of
from mcgov.share_policies.iam import READ_ONLY_PERMISSION_NAME
from mcgov.share_policies.models import HubSpokePolicy, SharePolicy, Spoke
from mcgov.share_policies.reserved import PUBLISH_STAGE
from mcgov.steps.common.aws import AwsFailure, aws_errors
from mcgov.steps.hub.exceptions import HubError
from mcgov.steps.hub.naming import hub_owner_id
from mcgov.steps.reconcile.plan import Selection
from mcgov.steps.reconcile.report import ReconcileReport
from mcgov.steps.reconcile.run import reconcile
from mcgov.steps.share.converge import ensure_readonly_permission

Progress = Callable[[str], None]


def _identity_error(failure: AwsFailure) -> HubError:
    return HubError(
        f"sts GetCallerIdentity failed: {failure.text}; check the credentials, then re-run", failure=failure
    )


def caller_account(sts: Any) -> str:
    """The account of the credentials in use."""
    with aws_errors("sts", "GetCallerIdentity", _identity_error):
        return str(sts.get_caller_identity()["Account"])


def spoke_of(policy: HubSpokePolicy, account: str) -> Spoke:
    """The policy's spoke for ``account``; ``BadInputError`` for the hub or any account the policy does not name."""
    for spoke in policy.spokes:
        if spoke.account == account:
            return spoke
    role = "the hub" if account == policy.hub_account else "not a spoke"
    raise BadInputError(
        f"account {account} is {role} of this policy (spokes: "
        f"{', '.join(s.account for s in policy.spokes)}); run hub publish with a spoke's credentials"
    )


def publish_policy(policy: HubSpokePolicy, spoke: Spoke, permission_arn: str) -> SharePolicy:
    """The centralized policy a spoke publishes with: its cards, one stage ``hub`` whose only account is the hub,
    owned by the hub's product id (``hub_owner_id``), never by a user policy of the spoke."""
    return SharePolicy.model_validate(
        {
            "version": 1,
            "policy_id": hub_owner_id(policy.hub_account),
            "card_account": spoke.account,
            "region": policy.region,
            "allow_external_principals": policy.allow_external_principals,
            "permission_arn": permission_arn,
            "stages": {
                PUBLISH_STAGE: {
                    "accounts": [policy.hub_account],
                    "required_card_status": spoke.select.status or "Draft",
                }
            },
        }
    )


def publish(
    ram: Any,
    sagemaker: Any,
    sts: Any,
    policy: HubSpokePolicy,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ReconcileReport:
    """Share the spoke's selected cards (``spokes[].select``) with the hub account, read-only and idempotently.

    The spoke is the account of the credentials (STS); an account that is not a spoke of the policy is refused
    before anything is written. The read-only permission (DescribeModelCard, ListModelCardVersions) is the
    customer-managed ``ModelCardReadOnly`` of the spoke, created when missing.
    """
    spoke = spoke_of(policy, caller_account(sts))
    if dry_run:
        permission = (
            f"arn:{partition_of(policy.region)}:ram:{policy.region}:{spoke.account}:"
            f"permission/{READ_ONLY_PERMISSION_NAME}"
        )
    else:
        permission = ensure_readonly_permission(ram)
    selection = Selection(status=spoke.select.status, name_prefix=spoke.select.name_prefix)
    return reconcile(
        ram,
        sagemaker,
        publish_policy(policy, spoke, permission),
        selection=selection,
        dry_run=dry_run,
        claims=False,
        progress=progress,
    )
