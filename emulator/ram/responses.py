"""RAM wire format: JSON request bodies in, JSON responses out, for every operation the emulator models.

Parameter and response member names are botocore's ``ram/*/service-2.json`` shapes
(``ResourceShare``, ``ResourceShareAssociation``, ``ResourceShareInvitation``,
``ResourceSharePermissionSummary``/``Detail``, ``Resource``); list operations paginate with
``maxResults`` (1-500) and an opaque ``nextToken``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from moto.ram.models import ram_backends
from moto.ram.responses import ResourceAccessManagerResponse

from mcgov.emulator.ram.associations import Association, Invitation
from mcgov.emulator.ram.exceptions import InvalidMaxResultsException, InvalidNextTokenException
from mcgov.emulator.ram.models import EmulatorRamBackend
from mcgov.emulator.ram.permissions import Permission
from mcgov.emulator.ram.shares import Share


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


def paged(key: str, items: list[Any], params: dict[str, Any], render: Callable[[Any], Any]) -> dict[str, Any]:
    """``{key: rendered page, "nextToken": ...}`` for a list call."""
    page, token = paginate(items, params.get("nextToken"), params.get("maxResults"))
    out: dict[str, Any] = {key: [render(item) for item in page]}
    if token:
        out["nextToken"] = token
    return out


def share_json(share: Share) -> dict[str, Any]:
    """ResourceShare."""
    return {
        "resourceShareArn": share.arn,
        "name": share.name,
        "owningAccountId": share.owner,
        "allowExternalPrincipals": share.allow_external,
        "status": share.status,
        "tags": share.tags,
        "creationTime": share.creation_time,
        "lastUpdatedTime": share.last_updated_time,
        "featureSet": "STANDARD",
    }


def association_json(assoc: Association) -> dict[str, Any]:
    """ResourceShareAssociation."""
    out: dict[str, Any] = {
        "resourceShareArn": assoc.share_arn,
        "resourceShareName": assoc.share_name,
        "associatedEntity": assoc.entity,
        "associationType": assoc.association_type,
        "status": assoc.status,
        "creationTime": assoc.creation_time,
        "lastUpdatedTime": assoc.last_updated_time,
        "external": assoc.external,
    }
    if assoc.status_message:
        out["statusMessage"] = assoc.status_message
    return out


def invitation_json(invitation: Invitation) -> dict[str, Any]:
    """ResourceShareInvitation."""
    return {
        "resourceShareInvitationArn": invitation.arn,
        "resourceShareName": invitation.share_name,
        "resourceShareArn": invitation.share_arn,
        "senderAccountId": invitation.sender,
        "receiverAccountId": invitation.receiver,
        "invitationTimestamp": invitation.timestamp,
        "status": invitation.status,
    }


def permission_summary_json(permission: Permission) -> dict[str, Any]:
    """ResourceSharePermissionSummary (every permission has the single version 1)."""
    return {
        "arn": permission.arn,
        "version": "1",
        "defaultVersion": True,
        "name": permission.name,
        "resourceType": permission.resource_type,
        "status": "ATTACHABLE",
        "creationTime": permission.creation_time,
        "lastUpdatedTime": permission.creation_time,
        "isResourceTypeDefault": permission.is_default,
        "permissionType": permission.permission_type,
        "featureSet": "STANDARD",
        "tags": permission.tags,
    }


def permission_detail_json(permission: Permission) -> dict[str, Any]:
    """ResourceSharePermissionDetail, with the effective policy text."""
    return {**permission_summary_json(permission), "permission": permission.policy}


def resource_json(row: tuple[Share, Association, str, str]) -> dict[str, Any]:
    """Resource (a shared resource as ListResources reports it; status AVAILABLE or PENDING)."""
    share, assoc, resource_type, status = row
    return {
        "arn": assoc.entity,
        "type": resource_type,
        "resourceShareArn": share.arn,
        "status": status,
        "creationTime": assoc.creation_time,
        "lastUpdatedTime": assoc.last_updated_time,
        "resourceRegionScope": "REGIONAL",
    }


class EmulatorRamResponse(ResourceAccessManagerResponse):
    """Parses each RAM request, calls ``EmulatorRamBackend`` and shapes its result as JSON."""

    @property
    def backend(self) -> EmulatorRamBackend:
        """The caller's RAM backend in the request's region."""
        return ram_backends[self.current_account][self.region]  # type: ignore[return-value]

    @property
    def params(self) -> dict[str, Any]:
        """JSON body parameters plus query-string parameters (DeleteResourceShare uses those)."""
        out: dict[str, Any] = {k: v[0] for k, v in self.querystring.items() if v}
        out.update(self.request_params)
        return out

    def _list(self, name: str) -> list[Any]:
        return list(self.params.get(name) or [])

    def _idempotent(self, operation: str, compute: Callable[[], dict[str, Any]]) -> str:
        return json.dumps(self.backend.idempotent(operation, self.params, compute))

    def create_resource_share(self) -> str:
        p = self.params
        return self._idempotent(
            "CreateResourceShare",
            lambda: {
                "resourceShare": share_json(
                    self.backend.create_resource_share(
                        name=p.get("name"),
                        principals=self._list("principals"),
                        resource_arns=self._list("resourceArns"),
                        allow_external=p.get("allowExternalPrincipals", True),
                        tags=p.get("tags"),
                        permission_arns=p.get("permissionArns"),
                    )
                )
            },
        )

    def update_resource_share(self) -> str:
        p = self.params
        return self._idempotent(
            "UpdateResourceShare",
            lambda: {
                "resourceShare": share_json(
                    self.backend.update_resource_share(
                        p.get("resourceShareArn"), name=p.get("name"), allow_external=p.get("allowExternalPrincipals")
                    )
                )
            },
        )

    def delete_resource_share(self) -> str:
        def compute() -> dict[str, Any]:
            self.backend.delete_resource_share(self.params.get("resourceShareArn"))
            return {"returnValue": True}

        return self._idempotent("DeleteResourceShare", compute)

    def get_resource_shares(self) -> str:
        p = self.params
        shares = self.backend.get_resource_shares(
            p.get("resourceOwner"),
            status=p.get("resourceShareStatus"),
            arns=p.get("resourceShareArns"),
            name=p.get("name"),
            tag_filters=p.get("tagFilters"),
            permission_arn=p.get("permissionArn"),
        )
        return json.dumps(paged("resourceShares", shares, p, share_json))

    def get_resource_share_associations(self) -> str:
        p = self.params
        rows = self.backend.get_resource_share_associations(
            p.get("associationType"),
            status=p.get("associationStatus"),
            arns=p.get("resourceShareArns"),
            principal=p.get("principal"),
            resource_arn=p.get("resourceArn"),
        )
        return json.dumps(paged("resourceShareAssociations", rows, p, association_json))

    def associate_resource_share(self) -> str:
        return self._idempotent(
            "AssociateResourceShare",
            lambda: {
                "resourceShareAssociations": [
                    association_json(a)
                    for a in self.backend.associate_resource_share(
                        self.params.get("resourceShareArn"), self._list("principals"), self._list("resourceArns")
                    )
                ]
            },
        )

    def disassociate_resource_share(self) -> str:
        return self._idempotent(
            "DisassociateResourceShare",
            lambda: {
                "resourceShareAssociations": [
                    association_json(a)
                    for a in self.backend.disassociate_resource_share(
                        self.params.get("resourceShareArn"), self._list("principals"), self._list("resourceArns")
                    )
                ]
            },
        )

    def get_resource_share_invitations(self) -> str:
        invitations = self.backend.get_resource_share_invitations(
            invitation_arns=self._list("resourceShareInvitationArns"), share_arns=self._list("resourceShareArns")
        )
        return json.dumps(paged("resourceShareInvitations", invitations, self.params, invitation_json))

    def _answer_invitation(self, operation: str, accept: bool) -> str:
        return self._idempotent(
            operation,
            lambda: {
                "resourceShareInvitation": invitation_json(
                    self.backend.respond_to_invitation(self.params.get("resourceShareInvitationArn"), accept)
                )
            },
        )

    def accept_resource_share_invitation(self) -> str:
        return self._answer_invitation("AcceptResourceShareInvitation", accept=True)

    def reject_resource_share_invitation(self) -> str:
        return self._answer_invitation("RejectResourceShareInvitation", accept=False)

    def list_permissions(self) -> str:
        p = self.params
        permissions = self.backend.list_permissions(p.get("resourceType"), p.get("permissionType"))
        return json.dumps(paged("permissions", permissions, p, permission_summary_json))

    def create_permission(self) -> str:
        p = self.params
        return self._idempotent(
            "CreatePermission",
            lambda: {
                "permission": permission_summary_json(
                    self.backend.create_permission(
                        p.get("name"), p.get("resourceType"), p.get("policyTemplate"), p.get("tags")
                    )
                )
            },
        )

    def get_permission(self) -> str:
        return json.dumps(
            {"permission": permission_detail_json(self.backend.find_permission(self.params.get("permissionArn")))}
        )

    def list_resource_share_permissions(self) -> str:
        permissions = self.backend.share_permissions(self.params.get("resourceShareArn"))
        return json.dumps(paged("permissions", permissions, self.params, permission_summary_json))

    def associate_resource_share_permission(self) -> str:
        p = self.params

        def compute() -> dict[str, Any]:
            self.backend.associate_resource_share_permission(
                p.get("resourceShareArn"), p.get("permissionArn"), replace=bool(p.get("replace"))
            )
            return {"returnValue": True}

        return self._idempotent("AssociateResourceSharePermission", compute)

    def replace_permission_associations(self) -> str:
        p = self.params
        return self._idempotent(
            "ReplacePermissionAssociations",
            lambda: {
                "replacePermissionAssociationsWork": self.backend.replace_permission_associations(
                    p.get("fromPermissionArn"), p.get("toPermissionArn")
                )
            },
        )

    def list_resources(self) -> str:
        p = self.params
        rows = self.backend.list_resources(
            p.get("resourceOwner"),
            share_arns=p.get("resourceShareArns"),
            resource_arns=p.get("resourceArns"),
            resource_type=p.get("resourceType"),
        )
        return json.dumps(paged("resources", rows, p, resource_json))

    def list_pending_invitation_resources(self) -> str:
        rows = self.backend.list_pending_invitation_resources(self.params.get("resourceShareInvitationArn"))
        return json.dumps(paged("resources", [(*row, "PENDING") for row in rows], self.params, resource_json))
