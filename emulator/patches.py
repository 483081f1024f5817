"""Every change the emulator makes to moto 5.2.5, in one place; ``apply`` and ``revert`` are idempotent.

* RAM and SageMaker: the ``BackendDict``s build emulator subclasses (whose module's ``urls.py``
  routes requests to emulator response classes).
* Lambda: ``LambdaResponse.invoke`` runs registered in-process handlers.
* ``BaseResponse.call_action`` records (account, service, operation) into the emulator call log.
"""
from __future__ import annotations

from typing import Any

from moto.awslambda.responses import LambdaResponse
from moto.core.base_backend import BackendDict
from moto.core.responses import BaseResponse
from moto.ram.models import ram_backends
from moto.sagemaker.models import sagemaker_backends

from mcgov.emulator.awslambda.responses import make_invoke
from mcgov.emulator.ram.models import EmulatorRamBackend
from mcgov.emulator.sagemaker.models import EmulatorSageMakerBackend
from mcgov.emulator.state import get_state

_originals: dict[str, Any] = {}


def _swap_backend(backends: BackendDict[Any], cls: type) -> None:
    """Make ``backends`` build ``cls`` and drop region backends of any other class."""
    backends.backend = cls
    for account_backends in backends.values():
        account_backends.backend = cls
        for region in list(account_backends.keys()):
            if type(account_backends[region]) is not cls:
                del account_backends[region]


def _recording_call_action(original: Any) -> Any:
    def call_action(self: BaseResponse) -> Any:
        try:
            get_state().record_call(self.current_account, self.service_name or "", self._get_action() or "")
        except Exception:  # noqa: BLE001 - logging must never break a request
            pass
        return original(self)

    return call_action


def is_applied() -> bool:
    """True while the patches are in effect."""
    return bool(_originals)


def apply() -> None:
    """Install the patches (a second call does nothing)."""
    if _originals:
        return
    _originals["ram"] = ram_backends.backend
    _originals["sagemaker"] = sagemaker_backends.backend
    _originals["invoke"] = LambdaResponse.__dict__["invoke"]
    _originals["call_action"] = BaseResponse.__dict__["call_action"]
    _swap_backend(ram_backends, EmulatorRamBackend)
    _swap_backend(sagemaker_backends, EmulatorSageMakerBackend)
    LambdaResponse.invoke = make_invoke(_originals["invoke"])  # type: ignore[method-assign]
    BaseResponse.call_action = _recording_call_action(_originals["call_action"])  # type: ignore[method-assign]


def revert() -> None:
    """Restore moto's original behaviour (a second call does nothing)."""
    if not _originals:
        return
    _swap_backend(ram_backends, _originals.pop("ram"))
    _swap_backend(sagemaker_backends, _originals.pop("sagemaker"))
    LambdaResponse.invoke = _originals.pop("invoke")  # type: ignore[method-assign]
    BaseResponse.call_action = _originals.pop("call_action")  # type: ignore[method-assign]
