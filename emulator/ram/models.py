"""RAM backend for the emulator: composes shares, the association lifecycle, permissions and access.

Replaces the operations of moto's ``ResourceAccessManagerBackend`` (which stores principals and
resources as bare lists, always reports ASSOCIATED and refuses SageMaker ARNs). One backend exists
per (account, region) as in moto; cross-account reads scan the backends of every account. Request
parsing and response shapes live in ``responses``; the rules live in ``associations``,
``permissions``, ``access`` and ``arns``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from moto.moto_api._internal import mock_random as random
from moto.ram.models import ResourceAccessManagerBackend, ram_backends

from mcgov.emulator.ram.access import NO_ACCESS, Access, access_of, principal_has_access, reaches, shares_granting
from mcgov.emulator.ram.arns import principal_account, resource_type_of
from mcgov.emulator.ram.associations import (
    ASSOCIATION_STATUSES,
    ASSOCIATION_TYPES,
    RESTARTABLE,
    TRANSITIONAL,
    Association,
    Invitation,
    advance,
    answer_invitation,
    due_time,
)
from mcgov.emulator.ram.events import announce
from mcgov.emulator.ram.exceptions import (
    IdempotentParameterMismatchException,
    InvalidClientTokenException,
    InvalidParameterException,
    InvalidStateTransitionException,
    OperationNotPermittedException,
    PermissionAlreadyExistsException,
    ResourceShareInvitationAlreadyAcceptedException,
    ResourceShareInvitationAlreadyRejectedException,
    ResourceShareInvitationArnNotFoundException,
    ResourceShareInvitationExpiredException,
    UnknownResourceException,
)
from mcgov.emulator.ram.permissions import (
    MODEL_CARD_TYPE,
    PERMISSION_NAME,
    PERMISSION_TYPES,
    Permission,
    managed_model_card_permissions,
    policy_actions,
)
from mcgov.emulator.ram.shares import SHARE_STATUSES, Share
from mcgov.emulator.state import EmulatorState, get_state

RESOURCE_OWNERS = ("SELF", "OTHER-ACCOUNTS")
NOT_IN_ORG_MESSAGE = (
    "The resource you are attempting to share can only be shared within your AWS Organization. "
    "This error may also occur if you have not enabled sharing with your AWS organization, or that "
    "onboarding process is still in progress."
)


def check_owner(owner: str | None) -> str:
    """``resourceOwner`` must be SELF or OTHER-ACCOUNTS."""
    if owner not in RESOURCE_OWNERS:
        raise InvalidParameterException(
            f"{owner} is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and try again."
        )
    return owner


class EmulatorRamBackend(ResourceAccessManagerBackend):
    """moto's RAM backend with the behaviour the project relies on (see module docstring)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.shares: dict[str, Share] = {}
        self.customer_permissions: dict[str, Permission] = {}
        self.client_tokens: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.model_card_permissions = managed_model_card_permissions(self.state.clock.now())
        self.pending: dict[int, Association] = {}  # ASSOCIATING / DISASSOCIATING rows, for the clock's sweep
        self.changes = 0  # bumped when a row changes status or is polled: the cached next due time is stale
        self._due: tuple[tuple[Any, ...], float | None] | None = None

    @property
    def state(self) -> EmulatorState:
        """The process-wide emulator state."""
        return get_state()

    def now(self) -> float:
        """Emulator-clock time."""
        return self.state.clock.now()

    def backends(self) -> list[EmulatorRamBackend]:
        """Every RAM backend of this region (all accounts seen so far)."""
        out = []
        for account in list(ram_backends.keys()):
            regional = ram_backends[account]
            backend = regional[self.region_name] if self.region_name in regional.keys() else None
            if isinstance(backend, EmulatorRamBackend):
                out.append(backend)
        return out

    def idempotent(
        self, operation: str, params: dict[str, Any], compute: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """Run ``compute`` once per clientToken; replay its response for identical retries.

        Source: https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html
        (clientToken: same token and parameters return the first result; other parameters raise
        IdempotentParameterMismatchException). The check runs under the state lock, so concurrent
        requests sharing a token create one resource.
        """
        token = params.get("clientToken")
        if token is None:
            result = compute()
            result["clientToken"] = str(random.uuid4())
            return result
        if not isinstance(token, str) or not 1 <= len(token) <= 64:
            raise InvalidClientTokenException("The clientToken must be 1 to 64 characters long.")
        fingerprint = json.dumps({k: v for k, v in params.items() if k != "clientToken"}, sort_keys=True)
        key = (operation, token)
        with self.state.lock:  # look-up, compute and record as one step: concurrent retries make one share
            if key in self.client_tokens:
                previous, response = self.client_tokens[key]
                if previous != fingerprint:
                    raise IdempotentParameterMismatchException(
                        f"The clientToken {token} was already used with different parameters; "
                        "use a new clientToken for a different request."
                    )
                return copy.deepcopy(response)
            result = compute()
            result["clientToken"] = token
            self.client_tokens[key] = (fingerprint, copy.deepcopy(result))
            return result

    # Association changes: the clock's sweep and the state-change events

    def watch(self, assoc: Association) -> None:
        """Follow a new association: its status changes are swept on the clock and announced as events."""
        assoc.watcher = self.association_changed
        self.association_changed(assoc)

    def association_changed(self, assoc: Association) -> None:
        """An association is new or changed status: index it while transitional, and announce it."""
        self.changes += 1
        if assoc.status in TRANSITIONAL:
            self.pending[id(assoc)] = assoc
        else:
            self.pending.pop(id(assoc), None)
        announce(assoc, self.state)

    def sweep(self, now: float) -> None:
        """Apply the lifecycle (no poll) to the transitional associations once one is due: it happens now."""
        due = self.next_due()
        if due is None or due > now:
            return
        with self.state.lock:
            for assoc in list(self.pending.values()):
                advance(assoc, self.state, poll=False)

    def next_due(self) -> float | None:
        """The earliest time a transitional association changes without a poll, if any (cached until a row changes
        or is polled, or the delays or injected failures change)."""
        cfg = self.state.config
        key = (
            self.changes,
            len(self.state.failures),
            cfg.associate_after_polls,
            cfg.associate_after_seconds,
            cfg.invitation_ttl_seconds,
        )
        if self._due is not None and self._due[0] == key:
            return self._due[1]
        with self.state.lock:
            times = [t for t in (due_time(a, self.state) for a in list(self.pending.values())) if t is not None]
        due = min(times) if times else None
        self._due = (key, due)
        return due

    # Shares and associations

    def get_share(self, arn: str | None) -> Share:
        """A share owned by this account."""
        if arn and arn in self.shares:
            return self.shares[arn]
        raise UnknownResourceException(f"ResourceShare {arn} could not be found.")

    def check_principals(self, share: Share, principals: list[str]) -> list[str | None]:
        """Validate principals and enforce allowExternalPrincipals; return each principal's account."""
        accounts = [principal_account(p) for p in principals]
        org = self.state.config.org_accounts
        for account in accounts:
            if account is not None and account not in org and not share.allow_external:
                raise OperationNotPermittedException(NOT_IN_ORG_MESSAGE)
        return accounts

    def add_associations(self, share: Share, principals: list[str], resource_arns: list[str]) -> list[Association]:
        """Create or restart associations; external accounts get a PENDING invitation."""
        for arn in resource_arns:
            resource_type_of(arn)
        accounts = self.check_principals(share, principals)
        now = self.now()
        org = self.state.config.org_accounts
        touched = []
        for kind, entity, account in [("PRINCIPAL", p, a) for p, a in zip(principals, accounts, strict=False)] + [
            ("RESOURCE", r, None) for r in resource_arns
        ]:
            assoc = share.associations.get((kind, entity))
            if assoc is None:
                assoc = Association(
                    share_arn=share.arn,
                    share_name=share.name,
                    entity=entity,
                    association_type=kind,
                    creation_time=now,
                    started_at=now,
                    last_updated_time=now,
                    external=account is not None and account not in org,
                )
                share.associations[(kind, entity)] = assoc
                self.watch(assoc)
            elif assoc.status in RESTARTABLE:
                assoc.restart(now)
            else:
                touched.append(assoc)
                continue
            if assoc.external and account is not None:
                assoc.invitation = Invitation(
                    arn=f"arn:aws:ram:{self.region_name}:{self.account_id}:resource-share-invitation/{random.uuid4()}",
                    share_arn=share.arn,
                    share_name=share.name,
                    sender=self.account_id,
                    receiver=account,
                    timestamp=now,
                )
            touched.append(assoc)
        self.attach_default_permissions(share, resource_arns)
        share.last_updated_time = now
        return touched

    def create_resource_share(  # type: ignore[override]
        self,
        name: str | None,
        principals: list[str],
        resource_arns: list[str],
        allow_external: bool = True,
        tags: list[dict[str, str]] | None = None,
        permission_arns: list[str] | None = None,
    ) -> Share:
        """CreateResourceShare with model cards, permissionArns and tags."""
        if not name:
            raise InvalidParameterException("The name parameter is required.")
        now = self.now()
        share = Share(
            arn=f"arn:aws:ram:{self.region_name}:{self.account_id}:resource-share/{random.uuid4()}",
            name=name,
            owner=self.account_id,
            region=self.region_name,
            allow_external=allow_external,
            creation_time=now,
            last_updated_time=now,
            tags=list(tags or []),
        )
        for arn in permission_arns or []:
            share.permission_arns.append(self.find_permission(arn).arn)
        self.add_associations(share, principals, resource_arns)
        self.shares[share.arn] = share
        return share

    def update_resource_share(  # type: ignore[override]
        self, arn: str | None, name: str | None = None, allow_external: bool | None = None
    ) -> Share:
        """UpdateResourceShare (name, allowExternalPrincipals)."""
        share = self.get_share(arn)
        if name:
            share.name = name
        if allow_external is not None:
            share.allow_external = allow_external
        share.last_updated_time = self.now()
        return share

    def delete_resource_share(self, arn: str | None) -> None:  # type: ignore[override]
        """DeleteResourceShare: status DELETED, every association DISASSOCIATED."""
        share = self.get_share(arn)
        now = self.now()
        share.status, share.last_updated_time = "DELETED", now
        for assoc in share.associations.values():
            assoc.disassociate(now)

    def associate_resource_share(
        self, arn: str | None, principals: list[str], resource_arns: list[str]
    ) -> list[Association]:
        """AssociateResourceShare: new associations start ASSOCIATING."""
        share = self.get_share(arn)
        if share.status != "ACTIVE":
            raise InvalidStateTransitionException(
                f"ResourceShare {share.arn} is {share.status}; create a new share instead."
            )
        return self.add_associations(share, principals, resource_arns)

    def disassociate_resource_share(
        self, arn: str | None, principals: list[str], resource_arns: list[str]
    ) -> list[Association]:
        """DisassociateResourceShare: DISASSOCIATING now, DISASSOCIATED on the next read."""
        share = self.get_share(arn)
        now = self.now()
        rows = []
        for key in [("PRINCIPAL", p) for p in principals] + [("RESOURCE", r) for r in resource_arns]:
            assoc = share.associations.get(key)
            if assoc is None:
                raise UnknownResourceException(f"{key[1]} is not associated with ResourceShare {share.arn}.")
            if assoc.status not in ("DISASSOCIATED", "DISASSOCIATING"):
                assoc.set_status("DISASSOCIATING", now)
            rows.append(assoc)
        share.last_updated_time = now
        return rows

    def set_association_status(self, share_arn: str, entity: str, status: str, message: str | None = None) -> None:
        """Force one association into ``status`` (a test hook for statuses the lifecycle never produces)."""
        if status not in ASSOCIATION_STATUSES:
            raise InvalidParameterException(f"{status} is not a valid association status.")
        share = self.get_share(share_arn)
        with self.state.lock:
            for assoc in share.associations.values():
                if assoc.entity == entity:
                    assoc.set_status(status, self.now(), message)
                    return
        raise UnknownResourceException(f"{entity} is not associated with ResourceShare {share_arn}.")

    def received_shares(self) -> list[Share]:
        """Other accounts' shares that give this account access (after applying the lifecycle)."""
        org = self.state.config.org_accounts
        out = []
        with self.state.lock:
            for backend in self.backends():
                if backend.account_id == self.account_id:
                    continue
                for share in backend.shares.values():
                    for assoc in share.rows("PRINCIPAL"):
                        advance(assoc, self.state, poll=False)
                    if principal_has_access(share, self.account_id, org):
                        out.append(share)
        return out

    def get_resource_shares(  # type: ignore[override]
        self,
        owner: str | None,
        status: str | None = None,
        arns: list[str] | None = None,
        name: str | None = None,
        tag_filters: list[dict[str, Any]] | None = None,
        permission_arn: str | None = None,
    ) -> list[Share]:
        """GetResourceShares with every filter."""
        owner = check_owner(owner)
        if status is not None and status not in SHARE_STATUSES:
            raise InvalidParameterException(f"{status} is not a valid resource share status.")
        shares = list(self.shares.values()) if owner == "SELF" else self.received_shares()
        return [
            s
            for s in shares
            if (not arns or s.arn in arns)
            and (name is None or s.name == name)
            and (status is None or s.status == status)
            and s.matches_tags(tag_filters or [])
            and (permission_arn is None or permission_arn in s.permission_arns)
        ]

    def get_resource_share_associations(  # type: ignore[override]
        self,
        association_type: str | None,
        status: str | None = None,
        arns: list[str] | None = None,
        principal: str | None = None,
        resource_arn: str | None = None,
    ) -> list[Association]:
        """GetResourceShareAssociations: each returned row counts as one poll of that association."""
        if association_type not in ASSOCIATION_TYPES:
            raise InvalidParameterException(
                f"{association_type} is not a valid association type. "
                "Specify either PRINCIPAL or RESOURCE and try again."
            )
        if status is not None and status not in ASSOCIATION_STATUSES:
            raise InvalidParameterException(f"{status} is not a valid association status.")
        if association_type == "PRINCIPAL" and resource_arn:
            raise InvalidParameterException("You cannot specify a resource ARN when the association type is PRINCIPAL.")
        if association_type == "RESOURCE" and principal:
            raise InvalidParameterException("You cannot specify a principal when the association type is RESOURCE.")
        entity = principal if association_type == "PRINCIPAL" else resource_arn
        rows = []
        with self.state.lock:
            for share in self.shares.values():
                if arns and share.arn not in arns:
                    continue
                for assoc in share.rows(association_type):
                    if entity and assoc.entity != entity:
                        continue
                    advance(assoc, self.state, poll=True)
                    self.changes += 1
                    if status is None or assoc.status == status:
                        rows.append(assoc)
        return rows

    def list_resources(
        self,
        owner: str | None,
        share_arns: list[str] | None = None,
        resource_arns: list[str] | None = None,
        resource_type: str | None = None,
    ) -> list[tuple[Share, Association, str, str]]:
        """ListResources: (share, resource row, resource type, status) of own or received shares.

        An ASSOCIATED resource is AVAILABLE. A received share's resource that is still ASSOCIATING, or reaches
        this account through an in-organization principal still ASSOCIATING, is listed PENDING (botocore's
        ``ResourceStatus``); a share that waits for this account's invitation is not listed (the invitation is,
        with its resources: ``list_pending_invitation_resources``).
        """
        owner = check_owner(owner)
        rows = []
        if owner == "SELF":
            for share in self.shares.values():
                for assoc in share.associations.values():
                    advance(assoc, self.state, poll=False)
                rows += [(share, a, "AVAILABLE") for a in share.rows("RESOURCE") if a.status == "ASSOCIATED"]
        else:
            for share in self.shares_reaching(self.account_id):
                principal_ready = principal_has_access(share, self.account_id, self.state.config.org_accounts)
                for assoc in share.rows("RESOURCE"):
                    advance(assoc, self.state, poll=False)
                    if assoc.status == "ASSOCIATED":
                        rows.append((share, assoc, "AVAILABLE" if principal_ready else "PENDING"))
                    elif assoc.status == "ASSOCIATING":
                        rows.append((share, assoc, "PENDING"))
        out = []
        for share, assoc, status in rows:
            if share_arns and share.arn not in share_arns:
                continue
            rtype = resource_type_of(assoc.entity)
            if resource_arns and assoc.entity not in resource_arns:
                continue
            if resource_type and rtype.lower() != resource_type.lower():
                continue
            out.append((share, assoc, rtype, status))
        return out

    def shares_reaching(self, account: str) -> list[Share]:
        """Other accounts' ACTIVE shares whose principal for ``account`` is ASSOCIATED, or ASSOCIATING without an
        invitation (inside the organization)."""
        org = self.state.config.org_accounts
        out = []
        with self.state.lock:
            for backend in self.backends():
                if backend.account_id == account:
                    continue
                for share in backend.shares.values():
                    if share.status != "ACTIVE":
                        continue
                    for assoc in share.rows("PRINCIPAL"):
                        advance(assoc, self.state, poll=False)
                    if principal_has_access(share, account, org) or any(
                        a.status == "ASSOCIATING" and a.invitation is None and reaches(a.entity, account, org)
                        for a in share.rows("PRINCIPAL")
                    ):
                        out.append(share)
        return out

    def list_pending_invitation_resources(self, invitation_arn: str | None) -> list[tuple[Share, Association, str]]:
        """ListPendingInvitationResources: the resources of a share whose invitation this account has not answered
        (https://docs.aws.amazon.com/ram/latest/APIReference/API_ListPendingInvitationResources.html)."""
        _assoc, invitation = self.find_invitation(invitation_arn)
        if invitation.status == "REJECTED":
            raise ResourceShareInvitationAlreadyRejectedException(
                f"ResourceShareInvitation {invitation.arn} has already been rejected."
            )
        if invitation.status == "EXPIRED":
            raise ResourceShareInvitationExpiredException(
                f"ResourceShareInvitation {invitation.arn} has expired; ask the owner to re-invite."
            )
        share = next(
            (b.shares[invitation.share_arn] for b in self.backends() if invitation.share_arn in b.shares), None
        )
        if share is None:
            return []
        return [
            (share, a, resource_type_of(a.entity))
            for a in share.rows("RESOURCE")
            if a.status in ("ASSOCIATED", "ASSOCIATING")
        ]

    # Invitations

    def received_invitations(self) -> list[tuple[Association, Invitation]]:
        """Invitations sent to this account by any owner, after applying expiry."""
        out = []
        with self.state.lock:
            for backend in self.backends():
                for share in backend.shares.values():
                    for assoc in share.rows("PRINCIPAL"):
                        advance(assoc, self.state, poll=False)
                        if assoc.invitation and assoc.invitation.receiver == self.account_id:
                            out.append((assoc, assoc.invitation))
        return out

    def get_resource_share_invitations(
        self, invitation_arns: list[str] | None = None, share_arns: list[str] | None = None
    ) -> list[Invitation]:
        """GetResourceShareInvitations for invitations received by the caller."""
        found = [inv for _, inv in self.received_invitations()]
        known = {inv.arn for inv in found}
        for arn in invitation_arns or []:
            if arn not in known:
                raise ResourceShareInvitationArnNotFoundException(
                    f"ResourceShareInvitationArn {arn} could not be found."
                )
        return [
            inv
            for inv in found
            if (not invitation_arns or inv.arn in invitation_arns) and (not share_arns or inv.share_arn in share_arns)
        ]

    def find_invitation(self, arn: str | None) -> tuple[Association, Invitation]:
        """An invitation received by this account, by ARN."""
        for assoc, invitation in self.received_invitations():
            if invitation.arn == arn:
                return assoc, invitation
        raise ResourceShareInvitationArnNotFoundException(
            f"ResourceShareInvitationArn {arn} could not be found; call get_resource_share_invitations "
            "from the receiving account to list its invitations."
        )

    def respond_to_invitation(self, arn: str | None, accept: bool) -> Invitation:
        """Accept or reject an invitation received by this account."""
        assoc, invitation = self.find_invitation(arn)
        if invitation.status == "EXPIRED":
            raise ResourceShareInvitationExpiredException(
                f"ResourceShareInvitation {invitation.arn} has expired; ask the owner to re-invite."
            )
        if invitation.status == "ACCEPTED":
            raise ResourceShareInvitationAlreadyAcceptedException(
                f"ResourceShareInvitation {invitation.arn} has already been accepted."
            )
        if invitation.status == "REJECTED":
            raise ResourceShareInvitationAlreadyRejectedException(
                f"ResourceShareInvitation {invitation.arn} has already been rejected."
            )
        if assoc.status != "ASSOCIATING":
            raise OperationNotPermittedException(
                f"ResourceShare {invitation.share_arn} no longer includes account {self.account_id} "
                f"(association is {assoc.status}); ask the owner to associate it again."
            )
        answer_invitation(assoc, invitation, accept, self.now())
        return invitation

    # Permissions

    def list_resource_types(self, resource_region_scope: str) -> dict[str, Any]:
        """ListResourceTypes including sagemaker:ModelCard (moto's result plus one row)."""
        out = super().list_resource_types(resource_region_scope)
        if resource_region_scope in ("ALL", "REGIONAL") and not any(
            t["resourceType"] == MODEL_CARD_TYPE for t in out["resourceTypes"]
        ):
            out["resourceTypes"].append(
                {"resourceType": MODEL_CARD_TYPE, "serviceName": "sagemaker", "resourceRegionScope": "REGIONAL"}
            )
        return out

    def all_permissions(self) -> list[Permission]:
        """AWS-managed (moto's list plus model cards) and this account's customer permissions."""
        moto_managed = [
            Permission(
                arn=p.arn,
                name=p.name,
                resource_type=p.resource_type,
                permission_type=p.permission_type,
                actions=[],
                creation_time=self.now(),
                is_default=p.is_resource_type_default,
            )
            for p in self.managed_permissions
        ]
        return moto_managed + self.model_card_permissions + list(self.customer_permissions.values())

    def find_permission(self, arn: str | None) -> Permission:
        """A permission visible to this account, by ARN."""
        for permission in self.all_permissions():
            if permission.arn == arn:
                return permission
        raise UnknownResourceException(f"Permission {arn} could not be found; list permissions with list_permissions.")

    def attach_default_permissions(self, share: Share, resource_arns: list[str]) -> None:
        """Attach the default permission for each new resource type that has no permission yet."""
        attached = [self.find_permission(a) for a in share.permission_arns]
        for resource_type in {resource_type_of(arn) for arn in resource_arns}:
            if any(p.same_type(resource_type) for p in attached):
                continue
            default = next(
                (
                    p
                    for p in self.all_permissions()
                    if p.same_type(resource_type) and p.is_default and p.permission_type == "AWS_MANAGED"
                ),
                None,
            )
            if default:
                share.permission_arns.append(default.arn)

    def list_permissions(  # type: ignore[override]
        self, resource_type: str | None = None, permission_type: str | None = None
    ) -> list[Permission]:
        """ListPermissions over AWS-managed (incl. model cards) and customer-managed permissions."""
        permission_type = permission_type or "ALL"
        if permission_type not in PERMISSION_TYPES:
            raise InvalidParameterException(
                f"{permission_type} is not a valid scope. Must be one of: {', '.join(PERMISSION_TYPES)}."
            )
        permissions = self.all_permissions()
        if resource_type:
            permissions = [p for p in permissions if p.same_type(resource_type)]
            if not permissions:
                raise InvalidParameterException(f"Invalid resource type: {resource_type}")
        return [p for p in permissions if permission_type == "ALL" or p.permission_type == permission_type]

    def create_permission(
        self,
        name: str | None,
        resource_type: str | None,
        policy_template: str | None,
        tags: list[dict[str, str]] | None = None,
    ) -> Permission:
        """CreatePermission: a customer-managed permission in this account and region."""
        name = name or ""
        if not PERMISSION_NAME.fullmatch(name):
            raise InvalidParameterException(
                f"Permission name {name!r} is not valid; use 1-36 letters, digits, '.', '_' or '-'."
            )
        resource_type = resource_type or ""
        known = {p.resource_type.lower(): p.resource_type for p in self.all_permissions()}
        if resource_type.lower() not in known:
            raise InvalidParameterException(f"Invalid resource type: {resource_type}")
        arn = f"arn:aws:ram:{self.region_name}:{self.account_id}:permission/{name}"
        if arn in self.customer_permissions:
            raise PermissionAlreadyExistsException(
                f"Permission {name} already exists; choose another name or reuse {arn}."
            )
        template = policy_template or ""
        permission = Permission(
            arn=arn,
            name=name,
            resource_type=known[resource_type.lower()],
            permission_type="CUSTOMER_MANAGED",
            actions=policy_actions(template),
            creation_time=self.now(),
            policy_template=template,
            tags=list(tags or []),
        )
        self.customer_permissions[arn] = permission
        return permission

    def share_permissions(self, share_arn: str | None) -> list[Permission]:
        """ListResourceSharePermissions: the permissions attached to one of the caller's shares."""
        return [self.find_permission(arn) for arn in self.get_share(share_arn).permission_arns]

    def associate_resource_share_permission(
        self, share_arn: str | None, permission_arn: str | None, replace: bool = False
    ) -> None:
        """AssociateResourceSharePermission: attach (or with replace=True, swap) a permission."""
        share = self.get_share(share_arn)
        permission = self.find_permission(permission_arn)
        same_type = [a for a in share.permission_arns if self.find_permission(a).same_type(permission.resource_type)]
        if same_type and not replace and permission.arn not in same_type:
            raise InvalidParameterException(
                f"ResourceShare {share.arn} already has a permission for {permission.resource_type}; "
                "pass replace=True to replace it."
            )
        share.permission_arns = [a for a in share.permission_arns if a not in same_type] + [permission.arn]

    def replace_permission_associations(self, from_arn: str | None, to_arn: str | None) -> dict[str, Any]:
        """ReplacePermissionAssociations: every share of this account carrying ``from_arn`` gets ``to_arn`` instead.

        Source: https://docs.aws.amazon.com/ram/latest/APIReference/API_ReplacePermissionAssociations.html
        (updates all resource shares that use a managed permission; shape ``ReplacePermissionAssociationsWork``).
        The emulator completes the work at once; the shares' tags are left unchanged, as RAM leaves them.
        """
        source, target = self.find_permission(from_arn), self.find_permission(to_arn)
        if not source.same_type(target.resource_type):
            raise InvalidParameterException(
                f"Permission {target.arn} is for {target.resource_type}, not {source.resource_type}; "
                "replace a permission with one of the same resource type."
            )
        now = self.now()
        with self.state.lock:
            for share in self.shares.values():
                if source.arn in share.permission_arns and share.status == "ACTIVE":
                    share.permission_arns = [a for a in share.permission_arns if a not in (source.arn, target.arn)]
                    share.permission_arns.append(target.arn)
                    share.last_updated_time = now
        return {
            "id": str(random.uuid4()),
            "fromPermissionArn": source.arn,
            "fromPermissionVersion": "1",
            "toPermissionArn": target.arn,
            "toPermissionVersion": "1",
            "status": "COMPLETED",
            "creationTime": now,
            "lastUpdatedTime": now,
        }

    # Access

    def allowed_actions(self, share: Share) -> list[str]:
        """Actions granted by the permissions attached to one of this account's shares."""
        actions: list[str] = []
        for arn in share.permission_arns:
            try:
                actions.extend(self.find_permission(arn).actions)
            except UnknownResourceException:
                continue
        return actions

    def access_for(self, resource_arn: str, account: str, action: str) -> Access:
        """What this (owner) account's ACTIVE shares give ``account`` on ``resource_arn`` for ``action``."""
        with self.state.lock:
            for share in self.shares.values():
                for assoc in share.associations.values():
                    advance(assoc, self.state, poll=False)
            granting = shares_granting(self.shares.values(), resource_arn, account, self.state.config.org_accounts)
            return access_of(granting, self.allowed_actions, action)


def access_allowed(region: str, resource_arn: str, owner: str, caller: str, action: str) -> Access:
    """Is ``resource_arn`` (owned by ``owner``) shared with ``caller``, and may the caller do ``action``?"""
    backend = ram_backends[owner][region]
    if not isinstance(backend, EmulatorRamBackend):
        return NO_ACCESS
    return backend.access_for(resource_arn, caller, action)
