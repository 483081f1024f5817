"""RAM state for the emulator: shares, associations with a lifecycle, invitations, permissions.

Replaces the operations of moto's ``ResourceAccessManagerBackend`` (which stores principals and
resources as bare lists, always reports ASSOCIATED and refuses SageMaker ARNs). One backend exists
per (account, region) as in moto; cross-account reads scan the backends of every account.
"""
from __future__ import annotations

import base64
import copy
import fnmatch
import json
import re
from dataclasses import dataclass, field
from typing import Any

from moto.moto_api._internal import mock_random as random
from moto.ram.models import ResourceAccessManagerBackend, ResourceShare, ram_backends

from mcgov.emulator.ram.exceptions import (
    IdempotentParameterMismatchException,
    InvalidClientTokenException,
    InvalidMaxResultsException,
    InvalidNextTokenException,
    InvalidParameterException,
    InvalidStateTransitionException,
    MalformedArnException,
    MalformedPolicyTemplateException,
    OperationNotPermittedException,
    PermissionAlreadyExistsException,
    ResourceShareInvitationAlreadyAcceptedException,
    ResourceShareInvitationAlreadyRejectedException,
    ResourceShareInvitationArnNotFoundException,
    ResourceShareInvitationExpiredException,
    UnknownResourceException,
)
from mcgov.emulator.state import EmulatorState, get_state

MODEL_CARD_TYPE = "sagemaker:ModelCard"
MODEL_CARD_PERMISSION = "AWSRAMPermissionSageMakerModelCards"
MODEL_CARD_EXPORT_PERMISSION = "AWSRAMPermissionSageMakerModelCardsAllowExport"
MODEL_CARD_ACTIONS = [
    "sagemaker:DescribeModelCard",
    "sagemaker:ListModelCardVersions",
    "sagemaker:UpdateModelCard",
]
MODEL_CARD_EXPORT_ACTIONS = MODEL_CARD_ACTIONS + [
    "sagemaker:CreateModelCardExportJob",
    "sagemaker:DescribeModelCardExportJob",
]
MODEL_CARD_ARN = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"model-card/(?P<name>[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})$"
)
GENERIC_ARN = re.compile(r"^arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:[0-9]{12}:([a-z-]+)[/:].*$")
ACCOUNT_PRINCIPAL = re.compile(r"^(\d{12})$")
IAM_PRINCIPAL = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):(root|role/.+|user/.+)$")
ORG_PRINCIPAL = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:(organization|ou)/.+$")
SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9-]+\.amazonaws\.com$")
PERMISSION_NAME = re.compile(r"^[\w.-]{1,36}$")
NOT_IN_ORG_MESSAGE = (
    "The resource you are attempting to share can only be shared within your AWS Organization. "
    "This error may also occur if you have not enabled sharing with your AWS organization, or that "
    "onboarding process is still in progress."
)
SHARE_STATUSES = {"PENDING", "ACTIVE", "FAILED", "DELETING", "DELETED"}
ASSOCIATION_STATUSES = {"ASSOCIATING", "ASSOCIATED", "FAILED", "DISASSOCIATING", "DISASSOCIATED"}


def resource_type_of(arn: str) -> str:
    """RAM resource type of a shareable ARN; raise MalformedArnException otherwise."""
    if MODEL_CARD_ARN.match(arn):
        return MODEL_CARD_TYPE
    match = GENERIC_ARN.match(arn)
    if not match:
        raise MalformedArnException(
            f"The specified resource ARN {arn} is not valid. Verify the ARN and try again."
        )
    service, kind = match.group(1), match.group(2)
    if kind not in ResourceShare.SHAREABLE_RESOURCES:
        raise MalformedArnException("You cannot share the selected resource type.")
    return f"{service}:{''.join(part.capitalize() for part in kind.split('-'))}"


def principal_account(principal: str) -> str | None:
    """Account id a principal belongs to, or None for organization/OU/service principals."""
    for pattern in (ACCOUNT_PRINCIPAL, IAM_PRINCIPAL):
        match = pattern.match(principal)
        if match:
            return match.group(1)
    if ORG_PRINCIPAL.match(principal) or SERVICE_PRINCIPAL.match(principal):
        return None
    raise InvalidParameterException(
        f"Principal ID {principal} is malformed. Verify the ID and try again."
    )


def policy_actions(policy_template: str) -> list[str]:
    """Actions listed by a customer-managed permission's policy template."""
    try:
        policy = json.loads(policy_template)
    except (TypeError, ValueError) as exc:
        raise MalformedPolicyTemplateException(
            f"The policy template is not valid JSON ({exc}); pass a statement such as "
            '{"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"]}.'
        ) from exc
    statements = policy.get("Statement", [policy]) if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not statements:
        raise MalformedPolicyTemplateException(
            "The policy template must be a JSON object with Effect and Action."
        )
    actions: list[str] = []
    for statement in statements:
        action = statement.get("Action") if isinstance(statement, dict) else None
        if statement.get("Effect", "Allow") != "Allow" or not action:
            raise MalformedPolicyTemplateException(
                "Each policy template statement needs \"Effect\": \"Allow\" and a non-empty Action."
            )
        actions.extend([action] if isinstance(action, str) else list(action))
    return actions


def action_allowed(actions: list[str], action: str) -> bool:
    """True when ``action`` (for example sagemaker:UpdateModelCard) matches one of ``actions``."""
    return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in actions)


def paginate(items: list[Any], next_token: str | None, max_results: int | None) -> tuple[list[Any], str | None]:
    """Slice ``items`` by an opaque offset token; return the page and the next token."""
    if max_results is not None and not 1 <= int(max_results) <= 500:
        raise InvalidMaxResultsException("maxResults must be between 1 and 500.")
    start = 0
    if next_token:
        try:
            start = int(base64.b64decode(next_token.encode()).decode())
        except ValueError as exc:
            raise InvalidNextTokenException(
                "The nextToken is not valid; pass the nextToken returned by the previous call."
            ) from exc
    end = len(items) if max_results is None else start + int(max_results)
    token = base64.b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], token


def paged_response(key: str, items: list[Any], params: dict[str, Any], render: Any = None) -> dict[str, Any]:
    """``{key: page, "nextToken": ...}`` for a list call, rendering each item of the page with ``render``."""
    page, token = paginate(items, params.get("nextToken"), params.get("maxResults"))
    out: dict[str, Any] = {key: [render(item) for item in page] if render else page}
    if token:
        out["nextToken"] = token
    return out


@dataclass
class Permission:
    """An AWS-managed or customer-managed RAM permission."""

    arn: str
    name: str
    resource_type: str
    permission_type: str
    actions: list[str]
    creation_time: float
    policy_template: str | None = None
    is_default: bool = False
    tags: list[dict[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """ResourceSharePermissionSummary."""
        return {
            "arn": self.arn,
            "version": "1",
            "defaultVersion": True,
            "name": self.name,
            "resourceType": self.resource_type,
            "status": "ATTACHABLE",
            "creationTime": self.creation_time,
            "lastUpdatedTime": self.creation_time,
            "isResourceTypeDefault": self.is_default,
            "permissionType": self.permission_type,
            "featureSet": "STANDARD",
            "tags": self.tags,
        }

    def detail(self) -> dict[str, Any]:
        """ResourceSharePermissionDetail, with the effective policy text."""
        policy = self.policy_template or json.dumps({"Effect": "Allow", "Action": self.actions})
        out = self.summary()
        out["permission"] = policy
        return out


def managed_model_card_permissions(now: float) -> list[Permission]:
    """The two AWS-managed SageMaker model-card permissions."""
    return [
        Permission(
            arn=f"arn:aws:ram::aws:permission/{MODEL_CARD_PERMISSION}",
            name=MODEL_CARD_PERMISSION,
            resource_type=MODEL_CARD_TYPE,
            permission_type="AWS_MANAGED",
            actions=MODEL_CARD_ACTIONS,
            creation_time=now,
            is_default=True,
        ),
        Permission(
            arn=f"arn:aws:ram::aws:permission/{MODEL_CARD_EXPORT_PERMISSION}",
            name=MODEL_CARD_EXPORT_PERMISSION,
            resource_type=MODEL_CARD_TYPE,
            permission_type="AWS_MANAGED",
            actions=MODEL_CARD_EXPORT_ACTIONS,
            creation_time=now,
        ),
    ]


@dataclass
class Invitation:
    """An invitation to an account outside the organization."""

    arn: str
    share_arn: str
    share_name: str
    sender: str
    receiver: str
    timestamp: float
    status: str = "PENDING"

    def describe(self) -> dict[str, Any]:
        """ResourceShareInvitation."""
        return {
            "resourceShareInvitationArn": self.arn,
            "resourceShareName": self.share_name,
            "resourceShareArn": self.share_arn,
            "senderAccountId": self.sender,
            "receiverAccountId": self.receiver,
            "invitationTimestamp": self.timestamp,
            "status": self.status,
        }


@dataclass
class Association:
    """One principal or resource of a share, with its lifecycle status."""

    share_arn: str
    share_name: str
    entity: str
    association_type: str
    creation_time: float
    status: str = "ASSOCIATING"
    status_message: str | None = None
    external: bool = False
    polls: int = 0
    started_at: float = 0.0
    last_updated_time: float = 0.0
    invitation: Invitation | None = None

    def set_status(self, status: str, now: float, message: str | None = None) -> None:
        """Move to ``status`` and stamp the update time."""
        self.status, self.status_message, self.last_updated_time = status, message, now

    def restart(self, now: float) -> None:
        """Start associating again (re-association after DISASSOCIATED or FAILED)."""
        self.set_status("ASSOCIATING", now)
        self.polls, self.started_at, self.invitation = 0, now, None

    def describe(self) -> dict[str, Any]:
        """ResourceShareAssociation."""
        out: dict[str, Any] = {
            "resourceShareArn": self.share_arn,
            "resourceShareName": self.share_name,
            "associatedEntity": self.entity,
            "associationType": self.association_type,
            "status": self.status,
            "creationTime": self.creation_time,
            "lastUpdatedTime": self.last_updated_time,
            "external": self.external,
        }
        if self.status_message:
            out["statusMessage"] = self.status_message
        return out


def advance(assoc: Association, state: EmulatorState, *, poll: bool) -> None:
    """Apply the emulated lifecycle to one association (``poll``: it is being returned to a poller)."""
    now = state.clock.now()
    cfg = state.config
    if assoc.status == "DISASSOCIATING":
        assoc.set_status("DISASSOCIATED", now)
        return
    if assoc.status != "ASSOCIATING":
        return
    failure = state.failure_for(assoc.share_arn, assoc.association_type, assoc.entity)
    if failure is not None:
        assoc.set_status("FAILED", now, failure)
        return
    invitation = assoc.invitation
    if invitation is not None:
        if invitation.status == "PENDING" and now - invitation.timestamp >= cfg.invitation_ttl_seconds:
            invitation.status = "EXPIRED"
            assoc.set_status(
                "FAILED",
                now,
                f"The resource share invitation {invitation.arn} expired before account "
                f"{invitation.receiver} accepted it. Associate the principal again to send a new one.",
            )
        return
    by_polls = cfg.associate_after_polls is not None and assoc.polls >= cfg.associate_after_polls
    by_time = (
        cfg.associate_after_seconds is not None
        and now - assoc.started_at >= cfg.associate_after_seconds
    )
    immediate = cfg.associate_after_polls is None and cfg.associate_after_seconds is None
    if poll:
        assoc.polls += 1
    if by_polls or by_time or immediate:
        assoc.set_status("ASSOCIATED", now)


@dataclass
class Share:
    """A resource share and its associations."""

    arn: str
    name: str
    owner: str
    region: str
    allow_external: bool
    creation_time: float
    tags: list[dict[str, str]] = field(default_factory=list)
    permission_arns: list[str] = field(default_factory=list)
    status: str = "ACTIVE"
    last_updated_time: float = 0.0
    associations: dict[tuple[str, str], Association] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """ResourceShare."""
        return {
            "resourceShareArn": self.arn,
            "name": self.name,
            "owningAccountId": self.owner,
            "allowExternalPrincipals": self.allow_external,
            "status": self.status,
            "tags": self.tags,
            "creationTime": self.creation_time,
            "lastUpdatedTime": self.last_updated_time,
            "featureSet": "STANDARD",
        }

    def rows(self, association_type: str) -> list[Association]:
        """Associations of one type, in creation order."""
        return [a for (kind, _), a in self.associations.items() if kind == association_type]

    def matches_tags(self, tag_filters: list[dict[str, Any]]) -> bool:
        """True when every tag filter (tagKey, optional tagValues) matches a tag of the share."""
        tags = {t.get("key"): t.get("value") for t in self.tags}
        for tag_filter in tag_filters:
            key, values = tag_filter.get("tagKey"), tag_filter.get("tagValues") or []
            if key not in tags or (values and tags[key] not in values):
                return False
        return True


def principal_has_access(share: Share, account: str, org_accounts: frozenset[str]) -> bool:
    """True when ``account`` is an ASSOCIATED principal of an ACTIVE share (directly or via org)."""
    if share.status != "ACTIVE":
        return False
    for assoc in share.rows("PRINCIPAL"):
        if assoc.status != "ASSOCIATED":
            continue
        if assoc.entity == account:
            return True
        if ORG_PRINCIPAL.match(assoc.entity) and account in org_accounts:
            return True
        iam = IAM_PRINCIPAL.match(assoc.entity)
        if iam and iam.group(1) == account:
            return True
    return False


class EmulatorRamBackend(ResourceAccessManagerBackend):
    """moto's RAM backend with the behaviour the project relies on (see module docstring)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.shares: dict[str, Share] = {}
        self.customer_permissions: dict[str, Permission] = {}
        self.client_tokens: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.model_card_permissions = managed_model_card_permissions(self.state.clock.now())

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
            if self.region_name in regional.keys() and isinstance(regional[self.region_name], EmulatorRamBackend):
                out.append(regional[self.region_name])
        return out

    def idempotent(self, operation: str, params: dict[str, Any], compute: Any) -> dict[str, Any]:
        """Run ``compute`` once per clientToken; replay its response for identical retries."""
        token = params.get("clientToken")
        if token is None:
            result = compute()
            result["clientToken"] = str(random.uuid4())
            return result
        if not isinstance(token, str) or not 1 <= len(token) <= 64:
            raise InvalidClientTokenException("The clientToken must be 1 to 64 characters long.")
        fingerprint = json.dumps({k: v for k, v in params.items() if k != "clientToken"}, sort_keys=True)
        key = (operation, token)
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

    def get_share(self, arn: str | None) -> Share:
        """A share owned by this account."""
        if arn and arn in self.shares:
            return self.shares[arn]
        raise UnknownResourceException(f"ResourceShare {arn} could not be found.")

    def all_permissions(self) -> list[Permission]:
        """AWS-managed (moto's list plus model cards) and this account's customer permissions."""
        moto_managed = [
            Permission(
                arn=p.arn, name=p.name, resource_type=p.resource_type,
                permission_type=p.permission_type, actions=[], creation_time=self.now(),
                is_default=p.is_resource_type_default,
            )
            for p in self.managed_permissions
        ]
        return moto_managed + self.model_card_permissions + list(self.customer_permissions.values())

    def find_permission(self, arn: str) -> Permission:
        """A permission visible to this account, by ARN."""
        for permission in self.all_permissions():
            if permission.arn == arn:
                return permission
        raise UnknownResourceException(
            f"Permission {arn} could not be found; list permissions with list_permissions."
        )

    def check_principals(self, share: Share, principals: list[str]) -> list[str | None]:
        """Validate principals and enforce allowExternalPrincipals; return each principal's account."""
        accounts = [principal_account(p) for p in principals]
        org = self.state.config.org_accounts
        for account in accounts:
            if account is not None and account not in org and not share.allow_external:
                raise OperationNotPermittedException(NOT_IN_ORG_MESSAGE)
        return accounts

    def attach_default_permissions(self, share: Share, resource_arns: list[str]) -> None:
        """Attach the default permission for each new resource type that has no permission yet."""
        attached = {self.find_permission(a).resource_type.lower() for a in share.permission_arns}
        for resource_type in {resource_type_of(arn) for arn in resource_arns}:
            if resource_type.lower() in attached:
                continue
            default = next(
                (p for p in self.all_permissions()
                 if p.resource_type.lower() == resource_type.lower() and p.is_default
                 and p.permission_type == "AWS_MANAGED"),
                None,
            )
            if default:
                share.permission_arns.append(default.arn)

    def add_associations(self, share: Share, principals: list[str], resource_arns: list[str]) -> list[Association]:
        """Create or restart associations; external accounts get a PENDING invitation."""
        for arn in resource_arns:
            resource_type_of(arn)
        accounts = self.check_principals(share, principals)
        now = self.now()
        org = self.state.config.org_accounts
        touched = []
        for kind, entity, account in [("PRINCIPAL", p, a) for p, a in zip(principals, accounts)] + [
            ("RESOURCE", r, None) for r in resource_arns
        ]:
            assoc = share.associations.get((kind, entity))
            if assoc is None:
                assoc = Association(
                    share_arn=share.arn, share_name=share.name, entity=entity,
                    association_type=kind, creation_time=now, started_at=now, last_updated_time=now,
                    external=account is not None and account not in org,
                )
                share.associations[(kind, entity)] = assoc
            elif assoc.status in ("DISASSOCIATED", "FAILED", "DISASSOCIATING"):
                assoc.restart(now)
            else:
                touched.append(assoc)
                continue
            if assoc.external and account is not None:
                assoc.invitation = Invitation(
                    arn=f"arn:aws:ram:{self.region_name}:{self.account_id}:resource-share-invitation/{random.uuid4()}",
                    share_arn=share.arn, share_name=share.name, sender=self.account_id,
                    receiver=account, timestamp=now,
                )
            touched.append(assoc)
        self.attach_default_permissions(share, resource_arns)
        share.last_updated_time = now
        return touched

    def create_resource_share(self, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        """CreateResourceShare with model cards, permissionArns, tags and clientToken."""

        def compute() -> dict[str, Any]:
            name = params.get("name")
            if not name:
                raise InvalidParameterException("The name parameter is required.")
            now = self.now()
            share = Share(
                arn=f"arn:aws:ram:{self.region_name}:{self.account_id}:resource-share/{random.uuid4()}",
                name=name, owner=self.account_id, region=self.region_name,
                allow_external=params.get("allowExternalPrincipals", True),
                creation_time=now, last_updated_time=now, tags=list(params.get("tags") or []),
            )
            for arn in params.get("permissionArns") or []:
                share.permission_arns.append(self.find_permission(arn).arn)
            self.add_associations(share, list(params.get("principals") or []), list(params.get("resourceArns") or []))
            self.shares[share.arn] = share
            return {"resourceShare": share.describe()}

        return self.idempotent("CreateResourceShare", params, compute)

    def update_resource_share(self, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        """UpdateResourceShare (name, allowExternalPrincipals)."""

        def compute() -> dict[str, Any]:
            share = self.get_share(params.get("resourceShareArn"))
            if params.get("name"):
                share.name = params["name"]
            if params.get("allowExternalPrincipals") is not None:
                share.allow_external = params["allowExternalPrincipals"]
            share.last_updated_time = self.now()
            return {"resourceShare": share.describe()}

        return self.idempotent("UpdateResourceShare", params, compute)

    def delete_resource_share(self, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        """DeleteResourceShare: status DELETED, every association DISASSOCIATED."""

        def compute() -> dict[str, Any]:
            share = self.get_share(params.get("resourceShareArn"))
            now = self.now()
            share.status, share.last_updated_time = "DELETED", now
            for assoc in share.associations.values():
                assoc.set_status("DISASSOCIATED", now)
                if assoc.invitation and assoc.invitation.status == "PENDING":
                    assoc.invitation.status = "REJECTED"
            return {"returnValue": True}

        return self.idempotent("DeleteResourceShare", params, compute)

    def associate_resource_share(self, **params: Any) -> dict[str, Any]:
        """AssociateResourceShare: new associations start ASSOCIATING."""

        def compute() -> dict[str, Any]:
            share = self.get_share(params.get("resourceShareArn"))
            if share.status != "ACTIVE":
                raise InvalidStateTransitionException(
                    f"ResourceShare {share.arn} is {share.status}; create a new share instead."
                )
            rows = self.add_associations(
                share, list(params.get("principals") or []), list(params.get("resourceArns") or [])
            )
            return {"resourceShareAssociations": [a.describe() for a in rows]}

        return self.idempotent("AssociateResourceShare", params, compute)

    def disassociate_resource_share(self, **params: Any) -> dict[str, Any]:
        """DisassociateResourceShare: DISASSOCIATING now, DISASSOCIATED on the next read."""

        def compute() -> dict[str, Any]:
            share = self.get_share(params.get("resourceShareArn"))
            now = self.now()
            rows = []
            wanted = [("PRINCIPAL", p) for p in params.get("principals") or []] + [
                ("RESOURCE", r) for r in params.get("resourceArns") or []
            ]
            for key in wanted:
                assoc = share.associations.get(key)
                if assoc is None:
                    raise UnknownResourceException(
                        f"{key[1]} is not associated with ResourceShare {share.arn}."
                    )
                if assoc.status not in ("DISASSOCIATED", "DISASSOCIATING"):
                    assoc.set_status("DISASSOCIATING", now)
                rows.append(assoc.describe())
            share.last_updated_time = now
            return {"resourceShareAssociations": rows}

        return self.idempotent("DisassociateResourceShare", params, compute)

    def get_resource_shares(self, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        """GetResourceShares with every filter and pagination."""
        owner = params.get("resourceOwner")
        if owner not in ("SELF", "OTHER-ACCOUNTS"):
            raise InvalidParameterException(
                f"{owner} is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and try again."
            )
        status = params.get("resourceShareStatus")
        if status is not None and status not in SHARE_STATUSES:
            raise InvalidParameterException(f"{status} is not a valid resource share status.")
        if owner == "SELF":
            shares = list(self.shares.values())
        else:
            org = self.state.config.org_accounts
            shares = []
            for backend in self.backends():
                if backend.account_id == self.account_id:
                    continue
                for share in backend.shares.values():
                    for assoc in share.rows("PRINCIPAL"):
                        advance(assoc, self.state, poll=False)
                    if principal_has_access(share, self.account_id, org):
                        shares.append(share)
        arns = params.get("resourceShareArns")
        permission_arn = params.get("permissionArn")
        selected = [
            s for s in shares
            if (not arns or s.arn in arns)
            and (params.get("name") is None or s.name == params["name"])
            and (status is None or s.status == status)
            and s.matches_tags(params.get("tagFilters") or [])
            and (permission_arn is None or permission_arn in s.permission_arns)
        ]
        return paged_response("resourceShares", selected, params, lambda item: item.describe())

    def get_resource_share_associations(self, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        """GetResourceShareAssociations: each returned row counts as one poll of that association."""
        kind = params.get("associationType")
        if kind not in ("PRINCIPAL", "RESOURCE"):
            raise InvalidParameterException(
                f"{kind} is not a valid association type. Specify either PRINCIPAL or RESOURCE and try again."
            )
        status = params.get("associationStatus")
        if status is not None and status not in ASSOCIATION_STATUSES:
            raise InvalidParameterException(f"{status} is not a valid association status.")
        if kind == "PRINCIPAL" and params.get("resourceArn"):
            raise InvalidParameterException(
                "You cannot specify a resource ARN when the association type is PRINCIPAL."
            )
        if kind == "RESOURCE" and params.get("principal"):
            raise InvalidParameterException(
                "You cannot specify a principal when the association type is RESOURCE."
            )
        arns = params.get("resourceShareArns") or []
        entity = params.get("principal") if kind == "PRINCIPAL" else params.get("resourceArn")
        rows = []
        with self.state.lock:
            for share in self.shares.values():
                if arns and share.arn not in arns:
                    continue
                for assoc in share.rows(kind):
                    if entity and assoc.entity != entity:
                        continue
                    advance(assoc, self.state, poll=True)
                    if status is None or assoc.status == status:
                        rows.append(assoc.describe())
        return paged_response("resourceShareAssociations", rows, params)

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

    def get_resource_share_invitations(self, **params: Any) -> dict[str, Any]:
        """GetResourceShareInvitations for invitations received by the caller."""
        wanted = params.get("resourceShareInvitationArns") or []
        share_arns = params.get("resourceShareArns") or []
        found = [inv for _, inv in self.received_invitations()]
        known = {inv.arn for inv in found}
        for arn in wanted:
            if arn not in known:
                raise ResourceShareInvitationArnNotFoundException(
                    f"ResourceShareInvitationArn {arn} could not be found."
                )
        selected = [
            inv for inv in found
            if (not wanted or inv.arn in wanted) and (not share_arns or inv.share_arn in share_arns)
        ]
        return paged_response("resourceShareInvitations", selected, params, lambda item: item.describe())

    def find_invitation(self, arn: str | None) -> tuple[Association, Invitation]:
        """An invitation received by this account, by ARN."""
        for assoc, invitation in self.received_invitations():
            if invitation.arn == arn:
                return assoc, invitation
        raise ResourceShareInvitationArnNotFoundException(
            f"ResourceShareInvitationArn {arn} could not be found; call get_resource_share_invitations "
            "from the receiving account to list its invitations."
        )

    def respond_to_invitation(self, params: dict[str, Any], accept: bool) -> dict[str, Any]:
        """Accept or reject an invitation received by this account."""

        def compute() -> dict[str, Any]:
            assoc, invitation = self.find_invitation(params.get("resourceShareInvitationArn"))
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
            now = self.now()
            if accept:
                invitation.status = "ACCEPTED"
                assoc.set_status("ASSOCIATED", now)
            else:
                invitation.status = "REJECTED"
                assoc.set_status("DISASSOCIATED", now, "The receiving account rejected the invitation.")
            return {"resourceShareInvitation": invitation.describe()}

        operation = "AcceptResourceShareInvitation" if accept else "RejectResourceShareInvitation"
        return self.idempotent(operation, params, compute)

    def list_resource_types(self, resource_region_scope: str) -> dict[str, Any]:
        """ListResourceTypes including sagemaker:ModelCard."""
        out = super().list_resource_types(resource_region_scope)
        if resource_region_scope in ("ALL", "REGIONAL") and not any(
            t["resourceType"] == MODEL_CARD_TYPE for t in out["resourceTypes"]
        ):
            out["resourceTypes"].append(
                {"resourceType": MODEL_CARD_TYPE, "serviceName": "sagemaker", "resourceRegionScope": "REGIONAL"}
            )
        return out

    def list_permissions(self, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        """ListPermissions over AWS-managed (incl. model cards) and customer-managed permissions."""
        resource_type = params.get("resourceType")
        permission_type = params.get("permissionType") or "ALL"
        if permission_type not in self.PERMISSION_TYPES:
            raise InvalidParameterException(
                f"{permission_type} is not a valid scope. Must be one of: {', '.join(self.PERMISSION_TYPES)}."
            )
        permissions = self.all_permissions()
        if resource_type:
            permissions = [p for p in permissions if p.resource_type.lower() == resource_type.lower()]
            if not permissions:
                raise InvalidParameterException(f"Invalid resource type: {resource_type}")
        wanted = {"AWS": "AWS_MANAGED", "LOCAL": "CUSTOMER_MANAGED"}.get(permission_type)
        if wanted:
            permissions = [p for p in permissions if p.permission_type == wanted]
        return paged_response("permissions", permissions, params, lambda item: item.summary())

    def create_permission(self, **params: Any) -> dict[str, Any]:
        """CreatePermission: a customer-managed permission in this account and region."""

        def compute() -> dict[str, Any]:
            name = params.get("name") or ""
            if not PERMISSION_NAME.match(name):
                raise InvalidParameterException(
                    f"Permission name {name!r} is not valid; use 1-36 letters, digits, '.', '_' or '-'."
                )
            resource_type = params.get("resourceType") or ""
            known = {p.resource_type.lower(): p.resource_type for p in self.all_permissions()}
            if resource_type.lower() not in known:
                raise InvalidParameterException(f"Invalid resource type: {resource_type}")
            arn = f"arn:aws:ram:{self.region_name}:{self.account_id}:permission/{name}"
            if arn in self.customer_permissions:
                raise PermissionAlreadyExistsException(
                    f"Permission {name} already exists; choose another name or reuse {arn}."
                )
            template = params.get("policyTemplate") or ""
            permission = Permission(
                arn=arn, name=name, resource_type=known[resource_type.lower()],
                permission_type="CUSTOMER_MANAGED", actions=policy_actions(template),
                creation_time=self.now(), policy_template=template, tags=list(params.get("tags") or []),
            )
            self.customer_permissions[arn] = permission
            return {"permission": permission.summary()}

        return self.idempotent("CreatePermission", params, compute)

    def get_permission(self, **params: Any) -> dict[str, Any]:
        """GetPermission (any version is reported as version 1)."""
        return {"permission": self.find_permission(params.get("permissionArn") or "").detail()}

    def list_resource_share_permissions(self, **params: Any) -> dict[str, Any]:
        """ListResourceSharePermissions: the permissions attached to one of the caller's shares."""
        share = self.get_share(params.get("resourceShareArn"))
        permissions = [self.find_permission(arn).summary() for arn in share.permission_arns]
        return paged_response("permissions", permissions, params)

    def associate_resource_share_permission(self, **params: Any) -> dict[str, Any]:
        """AssociateResourceSharePermission: attach (or with replace=True, swap) a permission."""

        def compute() -> dict[str, Any]:
            share = self.get_share(params.get("resourceShareArn"))
            permission = self.find_permission(params.get("permissionArn") or "")
            same_type = [
                a for a in share.permission_arns
                if self.find_permission(a).resource_type.lower() == permission.resource_type.lower()
            ]
            if same_type and not params.get("replace") and permission.arn not in same_type:
                raise InvalidParameterException(
                    f"ResourceShare {share.arn} already has a permission for {permission.resource_type}; "
                    "pass replace=True to replace it."
                )
            share.permission_arns = [a for a in share.permission_arns if a not in same_type] + [permission.arn]
            return {"returnValue": True}

        return self.idempotent("AssociateResourceSharePermission", params, compute)

    def list_resources(self, **params: Any) -> dict[str, Any]:
        """ListResources: ASSOCIATED resources of own shares (SELF) or shares received (OTHER-ACCOUNTS)."""
        owner = params.get("resourceOwner")
        if owner not in ("SELF", "OTHER-ACCOUNTS"):
            raise InvalidParameterException(
                f"{owner} is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and try again."
            )
        org = self.state.config.org_accounts
        shares = []
        for backend in self.backends():
            for share in backend.shares.values():
                for assoc in share.associations.values():
                    advance(assoc, self.state, poll=False)
                if owner == "SELF" and share.owner == self.account_id:
                    shares.append(share)
                elif owner == "OTHER-ACCOUNTS" and share.owner != self.account_id and principal_has_access(share, self.account_id, org):
                    shares.append(share)
        rows = []
        for share in shares:
            if params.get("resourceShareArns") and share.arn not in params["resourceShareArns"]:
                continue
            for assoc in share.rows("RESOURCE"):
                rtype = resource_type_of(assoc.entity)
                if assoc.status != "ASSOCIATED":
                    continue
                if params.get("resourceArns") and assoc.entity not in params["resourceArns"]:
                    continue
                if params.get("resourceType") and rtype.lower() != params["resourceType"].lower():
                    continue
                rows.append({
                    "arn": assoc.entity, "type": rtype, "resourceShareArn": share.arn,
                    "status": "AVAILABLE", "creationTime": assoc.creation_time,
                    "lastUpdatedTime": assoc.last_updated_time, "resourceRegionScope": "REGIONAL",
                })
        return paged_response("resources", rows, params)

    def shares_granting(self, resource_arn: str, account: str) -> list[Share]:
        """ACTIVE shares of this (owner) account that give ``account`` access to ``resource_arn``."""
        org = self.state.config.org_accounts
        out = []
        with self.state.lock:
            for share in self.shares.values():
                for assoc in share.associations.values():
                    advance(assoc, self.state, poll=False)
                resource = share.associations.get(("RESOURCE", resource_arn))
                if resource and resource.status == "ASSOCIATED" and principal_has_access(share, account, org):
                    out.append(share)
        return out

    def allowed_actions(self, share: Share) -> list[str]:
        """Actions granted by the permissions attached to one of this account's shares."""
        actions: list[str] = []
        for arn in share.permission_arns:
            try:
                actions.extend(self.find_permission(arn).actions)
            except UnknownResourceException:
                continue
        return actions


def access_allowed(region: str, resource_arn: str, owner: str, caller: str, action: str) -> tuple[bool, bool]:
    """(shared, permitted): is ``resource_arn`` shared with ``caller``, and does a share allow ``action``."""
    backend = ram_backends[owner][region]
    if not isinstance(backend, EmulatorRamBackend):
        return False, False
    shares = backend.shares_granting(resource_arn, caller)
    permitted = any(action_allowed(backend.allowed_actions(s), action) for s in shares)
    return bool(shares), permitted
