"""RAM wire format: JSON bodies in, JSON out, for every operation the emulator models."""
from __future__ import annotations

import json
from typing import Any

from moto.ram.models import ram_backends
from moto.ram.responses import ResourceAccessManagerResponse

from mcgov.emulator.ram.models import EmulatorRamBackend


class EmulatorRamResponse(ResourceAccessManagerResponse):
    """Routes each RAM operation to ``EmulatorRamBackend`` with the request's JSON parameters."""

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

    def _json(self, result: dict[str, Any]) -> str:
        return json.dumps(result)

    def create_resource_share(self) -> str:
        return self._json(self.backend.create_resource_share(**self.params))

    def update_resource_share(self) -> str:
        return self._json(self.backend.update_resource_share(**self.params))

    def delete_resource_share(self) -> str:
        return self._json(self.backend.delete_resource_share(**self.params))

    def get_resource_shares(self) -> str:
        return self._json(self.backend.get_resource_shares(**self.params))

    def get_resource_share_associations(self) -> str:
        return self._json(self.backend.get_resource_share_associations(**self.params))

    def associate_resource_share(self) -> str:
        return self._json(self.backend.associate_resource_share(**self.params))

    def disassociate_resource_share(self) -> str:
        return self._json(self.backend.disassociate_resource_share(**self.params))

    def get_resource_share_invitations(self) -> str:
        return self._json(self.backend.get_resource_share_invitations(**self.params))

    def accept_resource_share_invitation(self) -> str:
        return self._json(self.backend.respond_to_invitation(self.params, accept=True))

    def reject_resource_share_invitation(self) -> str:
        return self._json(self.backend.respond_to_invitation(self.params, accept=False))

    def list_permissions(self) -> str:
        return self._json(self.backend.list_permissions(**self.params))

    def create_permission(self) -> str:
        return self._json(self.backend.create_permission(**self.params))

    def get_permission(self) -> str:
        return self._json(self.backend.get_permission(**self.params))

    def list_resource_share_permissions(self) -> str:
        return self._json(self.backend.list_resource_share_permissions(**self.params))

    def associate_resource_share_permission(self) -> str:
        return self._json(self.backend.associate_resource_share_permission(**self.params))

    def list_resources(self) -> str:
        return self._json(self.backend.list_resources(**self.params))
