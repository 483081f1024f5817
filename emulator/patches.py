"""Every change the emulator makes to moto 5.2.5, in one place; ``apply`` and ``revert`` are idempotent.

* RAM and SageMaker: the ``BackendDict``s build emulator subclasses (whose module's ``urls.py``
  routes requests to emulator response classes).
* Lambda: ``LambdaResponse.invoke`` runs registered in-process handlers.
* KMS: ``KmsResponse.sign``/``verify`` sign the message's bytes and fail an invalid signature as AWS does
  (``mcgov.emulator.kms``).
* API input rules: ``BaseResponse.call_action`` refuses a request whose input breaks the botocore model
  (``mcgov.emulator.inputs``) with the error AWS sends, before moto acts on it; ``parse_parameters``
  (moto's own model-driven parsing) no longer crashes on a value of the wrong type, so that refusal is reached.
* IAM for role sessions: ``call_action`` (and S3's ``_bucket_response``/``_key_response``) refuse a request of an
  assumed-role session of an existing role that its policies do not allow (``mcgov.emulator.iam``).
* Step Functions (``mcgov.emulator.stepfunctions``): Lambda tasks and Distributed Map runs act with the state
  machine's role; the ResultWriter writes the result files moto leaves out.
* EventBridge, EventBridge Scheduler: the ``BackendDict``s build emulator subclasses (checked patterns, PutEvents
  and delivery to targets, schedules that fire), and CloudFormation learns ``AWS::Scheduler::Schedule``; after every
  request ``call_action`` pumps the event hub
  (``mcgov.emulator.events.hub``), so what became due is delivered before the caller goes on.
* The call log: ``BaseResponse.call_action`` records (account, service, operation) of every request
  of every service except S3, whose ``S3Response`` never goes through ``call_action``; S3 requests are
  recorded when ``S3Response.setup_class`` has parsed them, with the operation name moto's botocore-based
  router resolves (``PutObject``, ``CopyObject``, ``ListObjectsV2`` ...).
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.responses import LambdaResponse
from moto.core.base_backend import BackendDict
from moto.core.responses import BaseResponse
from moto.events.models import events_backends
from moto.kms.responses import KmsResponse
from moto.ram.models import ram_backends
from moto.s3.responses import S3Response
from moto.sagemaker.models import sagemaker_backends
from moto.scheduler.models import scheduler_backends

from mcgov.emulator import cloudformation
from mcgov.emulator.awslambda.responses import make_invoke
from mcgov.emulator.events.models import EmulatorEventsBackend
from mcgov.emulator.iam.enforce import refusal as iam_refusal
from mcgov.emulator.iam.enforce import s3_refusal
from mcgov.emulator.inputs.enforce import refusal as input_refusal
from mcgov.emulator.kms import sign as kms_sign
from mcgov.emulator.kms import verify as kms_verify
from mcgov.emulator.ram.models import EmulatorRamBackend
from mcgov.emulator.sagemaker.models import EmulatorSageMakerBackend
from mcgov.emulator.scheduler.cloudformation import ScheduleResource
from mcgov.emulator.scheduler.models import EmulatorSchedulerBackend
from mcgov.emulator.state import get_state
from mcgov.emulator.stepfunctions import patch_targets

_originals: dict[str, Any] = {}
_MISSING = object()


def _swap_backend(backends: BackendDict[Any], cls: type) -> None:
    """Make ``backends`` build ``cls`` and drop region backends of any other class."""
    backends.backend = cls
    for account_backends in backends.values():
        account_backends.backend = cls
        for region in list(account_backends.keys()):
            if type(account_backends[region]) is not cls:
                del account_backends[region]


def _record(response: BaseResponse) -> None:
    """Append the request ``response`` is serving to the emulator call log."""
    try:
        get_state().record_call(response.current_account, response.service_name or "", response._get_action() or "")
    except Exception:  # noqa: BLE001 - logging must never break a request
        pass


def _checking_call_action(original: Any) -> Any:
    def call_action(self: BaseResponse) -> Any:
        _record(self)
        refused = input_refusal(self) or iam_refusal(self)
        response = refused if refused is not None else original(self)
        get_state().events.pump()
        return response

    return call_action


def _recording_s3_setup(original: Any) -> Any:
    def setup_class(self: S3Response, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        _record(self)

    return setup_class


def _tolerant_parse_parameters(original: Any) -> Any:
    def parse_parameters(self: BaseResponse, request: Any) -> None:
        try:
            original(self, request)
        except (ValueError, TypeError, AttributeError):  # a value of the wrong type: call_action refuses it
            self.params = {}

    return parse_parameters


def _authorized_s3(original: Any) -> Any:
    def respond(self: S3Response, request: Any, full_url: str) -> Any:
        refused = s3_refusal(self)
        if refused is not None:
            return refused
        return original(self, request, full_url)

    return respond


CLOUDFORMATION_MODELS = (ScheduleResource,)  # resource types moto's CloudFormation lacks


def _register_cloudformation_models() -> None:
    """Make moto's CloudFormation see ``CLOUDFORMATION_MODELS`` (it caches ``CloudFormationModel``'s subclasses)."""
    from moto.cloudformation import parsing

    known = {m.cloudformation_type() for m in parsing.get_model_list()}
    if any(model.cloudformation_type() not in known for model in CLOUDFORMATION_MODELS):
        for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
            cached.cache_clear()


def is_applied() -> bool:
    """True while the patches are in effect."""
    return bool(_originals)


def apply() -> None:
    """Install the patches (a second call does nothing)."""
    if _originals:
        return
    cloudformation.register()
    _originals["ram"] = ram_backends.backend
    _originals["sagemaker"] = sagemaker_backends.backend
    _originals["events"] = events_backends.backend
    _originals["scheduler"] = scheduler_backends.backend
    _originals["invoke"] = LambdaResponse.__dict__["invoke"]
    _originals["call_action"] = BaseResponse.__dict__["call_action"]
    _originals["parse_parameters"] = BaseResponse.__dict__["parse_parameters"]
    _originals["s3_setup_class"] = S3Response.__dict__["setup_class"]
    _originals["s3_bucket"] = S3Response.__dict__["_bucket_response"]
    _originals["s3_key"] = S3Response.__dict__["_key_response"]
    _originals["kms_sign"] = KmsResponse.__dict__["sign"]
    _originals["kms_verify"] = KmsResponse.__dict__["verify"]
    _swap_backend(ram_backends, EmulatorRamBackend)
    _swap_backend(sagemaker_backends, EmulatorSageMakerBackend)
    _swap_backend(events_backends, EmulatorEventsBackend)
    _swap_backend(scheduler_backends, EmulatorSchedulerBackend)
    _register_cloudformation_models()
    LambdaResponse.invoke = make_invoke(_originals["invoke"])  # type: ignore[method-assign]
    BaseResponse.call_action = _checking_call_action(_originals["call_action"])  # type: ignore[method-assign]
    BaseResponse.parse_parameters = _tolerant_parse_parameters(_originals["parse_parameters"])  # type: ignore[method-assign]
    S3Response.setup_class = _recording_s3_setup(_originals["s3_setup_class"])  # type: ignore[method-assign]
    S3Response._bucket_response = _authorized_s3(_originals["s3_bucket"])  # type: ignore[method-assign]
    S3Response._key_response = _authorized_s3(_originals["s3_key"])  # type: ignore[method-assign]
    for index, (owner, name, wrap) in enumerate(patch_targets()):
        own = vars(owner).get(name, _MISSING)
        _originals[f"sfn{index}"] = own
        setattr(owner, name, wrap(getattr(owner, name)))
    KmsResponse.sign = kms_sign  # type: ignore[method-assign,assignment]
    KmsResponse.verify = kms_verify  # type: ignore[method-assign,assignment]


def revert() -> None:
    """Restore moto's original behaviour (a second call does nothing)."""
    if not _originals:
        return
    cloudformation.unregister()
    _swap_backend(ram_backends, _originals.pop("ram"))
    _swap_backend(sagemaker_backends, _originals.pop("sagemaker"))
    _swap_backend(events_backends, _originals.pop("events"))
    _swap_backend(scheduler_backends, _originals.pop("scheduler"))
    LambdaResponse.invoke = _originals.pop("invoke")  # type: ignore[method-assign]
    BaseResponse.call_action = _originals.pop("call_action")  # type: ignore[method-assign]
    BaseResponse.parse_parameters = _originals.pop("parse_parameters")  # type: ignore[method-assign]
    S3Response.setup_class = _originals.pop("s3_setup_class")  # type: ignore[method-assign]
    S3Response._bucket_response = _originals.pop("s3_bucket")  # type: ignore[method-assign]
    S3Response._key_response = _originals.pop("s3_key")  # type: ignore[method-assign]
    for index, (owner, name, _wrap) in enumerate(patch_targets()):
        own = _originals.pop(f"sfn{index}")
        if own is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, own)
    KmsResponse.sign = _originals.pop("kms_sign")  # type: ignore[method-assign]
    KmsResponse.verify = _originals.pop("kms_verify")  # type: ignore[method-assign]
