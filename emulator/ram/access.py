"""Who may use a shared resource: ACTIVE shares, ASSOCIATED principals and the share's permissions.

Source: https://docs.aws.amazon.com/ram/latest/userguide/working-with-shared-invitations.html (who
gets access, and when: organization members at once, other accounts after accepting) and
https://docs.aws.amazon.com/ram/latest/userguide/shareable.html (the permission attached to the share
decides which actions a consumer may call on the shared resource, which it names by ARN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mcgov.emulator.ram.arns import IAM_PRINCIPAL, ORG_PRINCIPAL
from mcgov.emulator.ram.permissions import action_allowed
from mcgov.emulator.ram.shares import Share


@dataclass(frozen=True)
class Access:
    """Whether a resource is shared with the caller, and whether a share allows the action."""

    shared: bool
    permitted: bool


NO_ACCESS = Access(shared=False, permitted=False)


def principal_has_access(share: Share, account: str, org_accounts: frozenset[str]) -> bool:
    """True when ``account`` is an ASSOCIATED principal of an ACTIVE share (directly or via org)."""
    if share.status != "ACTIVE":
        return False
    for assoc in share.rows("PRINCIPAL"):
        if assoc.status != "ASSOCIATED":
            continue
        if assoc.entity == account:
            return True
        if ORG_PRINCIPAL.fullmatch(assoc.entity) and account in org_accounts:
            return True
        iam = IAM_PRINCIPAL.fullmatch(assoc.entity)
        if iam and iam.group(1) == account:
            return True
    return False


def reaches(principal: str, account: str, org_accounts: frozenset[str]) -> bool:
    """True when a share's principal entry names ``account`` (itself, its organization, or one of its IAM ARNs)."""
    if principal == account:
        return True
    if ORG_PRINCIPAL.fullmatch(principal) and account in org_accounts:
        return True
    iam = IAM_PRINCIPAL.fullmatch(principal)
    return bool(iam and iam.group(1) == account)


def shares_granting(
    shares: Iterable[Share], resource_arn: str, account: str, org_accounts: frozenset[str]
) -> list[Share]:
    """The shares that give ``account`` access to ``resource_arn`` (resource ASSOCIATED too)."""
    out = []
    for share in shares:
        resource = share.associations.get(("RESOURCE", resource_arn))
        if resource and resource.status == "ASSOCIATED" and principal_has_access(share, account, org_accounts):
            out.append(share)
    return out


def access_of(shares: list[Share], actions_of: Callable[[Share], list[str]], action: str) -> Access:
    """Access through ``shares`` (already filtered by ``shares_granting``) for ``action``."""
    permitted = any(action_allowed(actions_of(share), action) for share in shares)
    return Access(shared=bool(shares), permitted=permitted)
