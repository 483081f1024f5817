"""What the emulator adds to moto's Step Functions engine: the state machine's role, and Distributed Map results.

* **The role.** A state machine whose role exists in the emulator's IAM and trusts ``states.amazonaws.com`` calls
  Lambda with a session of that role, so its policies authorize ``lambda:InvokeFunction``. A Distributed Map
  starts, describes and stops its child executions with the role: before a Map Run starts, the role must allow
  ``states:StartExecution`` on the state machine and ``states:DescribeExecution`` and ``states:StopExecution`` on
  its executions ("IAM policies for using Distributed Map states",
  https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html); otherwise the Map fails.
  A role that does not exist or does not trust Step Functions (a test's placeholder) keeps moto's behaviour.
* **ResultWriter.** moto 5.2.5 writes only an empty ``manifest.json`` ("TODO: generate result files"). The
  emulator writes what AWS documents (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html):
  the child executions' records grouped by status in ``<Prefix>/<map run id>/SUCCEEDED_0.json`` (and
  ``FAILED_0.json``, ``PENDING_0.json`` when there are such), each record with ``ExecutionArn``, ``Input``,
  ``InputDetails``, ``Name``, ``Output``, ``OutputDetails``, ``StartDate``, ``StateMachineArn``, ``Status`` and
  ``StopDate`` (``Error`` and ``Cause`` for a failed one), and ``manifest.json`` listing the files with their
  sizes. The Map state's output is ``{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}``. The bucket must be
  the state machine's account's (else ``States.ResultWriterFailed``), and the role must allow what the page's
  "IAM policies for ResultWriter" grants on the prefix: ``s3:PutObject``, ``s3:GetObject``,
  ``s3:ListMultipartUploadParts`` and ``s3:AbortMultipartUpload``.
* **Task tokens** (``.waitForTaskToken``). moto keeps a token's callback after its task timed out or was completed,
  and accepts SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat for it again. AWS refuses them with
  ``TaskTimedOut``: "The task token has either expired or the task associated with the token has already been
  closed" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors).
  A callback whose wait ended (an outcome came, or the wait timed out) refuses every later completion so.
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from botocore.config import Config
from botocore.exceptions import ClientError

from mcgov.emulator.iam.enforce import role_caller, service_check, trusts_service
from mcgov.emulator.iam.sessions import assume_role

STATES_PRINCIPAL = "states.amazonaws.com"
MAP_RUN_ACTIONS: tuple[tuple[str, str], ...] = (
    ("states:StartExecution", "state machine"),
    ("states:DescribeExecution", "execution"),
    ("states:StopExecution", "execution"),
)
RESULT_WRITER_ACTIONS = ("s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload")

_children: dict[str, list[dict[str, Any]]] = {}
_children_lock = threading.Lock()
_selected = threading.local()


def _role_of(env: Any) -> str | None:
    role = getattr(getattr(env, "aws_execution_details", None), "role_arn", None)
    return role if isinstance(role, str) and trusts_service(role, STATES_PRINCIPAL) else None


def role_client(original: Callable[..., Any]) -> Callable[..., Any]:
    """``boto_client_for`` creating clients with the state machine role's session (see the module docstring)."""

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        from moto.core.models import botocore_stubber

        role = getattr(state_credentials, "role_arn", None)
        if not botocore_stubber.enabled or not isinstance(role, str) or not trusts_service(role, STATES_PRINCIPAL):
            return original(region=region, service=service, state_credentials=state_credentials)
        session = assume_role(role, region, "states").session(region)
        config = Config(parameter_validation=False, retries={"max_attempts": 0, "total_max_attempts": 1})
        return session.client(service, config=config)

    return boto_client_for


def _failure(env: Any, error: str, cause: str) -> Exception:
    from moto.stepfunctions.parser.api import ExecutionFailedEventDetails, HistoryEventType
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    return FailureEventException(
        failure_event=FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=StatesErrorNameType["States" + error.removeprefix("States.")]),
            event_type=HistoryEventType.ExecutionFailed,
            event_details=cast(
                EventDetails,
                {"executionFailedEventDetails": ExecutionFailedEventDetails(error=error, cause=cause)},
            ),
        )
    )


def checked_map_run(original: Callable[..., Any]) -> Callable[..., Any]:
    """``DistributedIterationComponent._map_run``: the role must allow what a Distributed Map does with it."""

    def _map_run(self: Any, env: Any, eval_input: Any) -> None:
        role = _role_of(env)
        record = eval_input.map_run_record
        with _children_lock:
            _children[record.map_run_arn] = []
        if role is not None:
            caller = role_caller(role, "states")
            machine = env.states.context_object.context_object_data["StateMachine"]["Id"]
            executions = machine.replace(":stateMachine:", ":execution:") + "/*"
            region = machine.split(":")[3]
            for action, kind in MAP_RUN_ACTIONS:
                resource = machine if kind == "state machine" else executions
                denied = service_check(caller, action, resource, region, by="states") if caller else None
                if denied:
                    raise _failure(env, "States.Runtime", f"The Map Run could not start its child executions: {denied}")
        original(self, env, eval_input)

    return _map_run


def remembered_input(original: Callable[..., Any]) -> Callable[..., Any]:
    """``DistributedItemProcessorWorker._eval_input``: keep the child's input (after ItemSelector)."""

    def _eval_input(self: Any, env_frame: Any) -> None:
        original(self, env_frame)
        _selected.value = copy.deepcopy(env_frame.states.get_input())

    return _eval_input


def recorded_child(original: Callable[..., Any]) -> Callable[..., Any]:
    """``DistributedItemProcessorWorker._eval_job``: record the child execution for the ResultWriter."""

    def _eval_job(self: Any, env: Any, job: Any) -> None:
        from moto.stepfunctions.parser.asl.eval.program_state import ProgramError, ProgramStopped

        started = datetime.now(UTC)
        _selected.value = job.job_input
        original(self, env, job)
        state = env.program_state()
        record = self._map_run_record
        name = uuid.uuid4().hex
        child: dict[str, Any] = {
            "ExecutionArn": record.map_state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}",
            "Input": json.dumps(_selected.value),
            "InputDetails": {"Included": True},
            "Name": name,
            "StartDate": started.isoformat(timespec="milliseconds"),
            "StateMachineArn": record.map_state_machine_arn,
            "StopDate": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "index": job.job_index,
        }
        if isinstance(state, ProgramError):
            error = state.error or {}
            child.update({"Status": "FAILED", "Error": error.get("error"), "Cause": error.get("cause")})
        elif isinstance(state, ProgramStopped):
            child["Status"] = "ABORTED"
        else:
            child.update(
                {"Status": "SUCCEEDED", "Output": json.dumps(job.job_output), "OutputDetails": {"Included": True}}
            )
        with _children_lock:
            _children.setdefault(record.map_run_arn, []).append(child)

    return _eval_job


def _handle_put_object(env: Any, resource_runtime_part: Any, state_credentials: Any) -> None:
    """The ResultWriter's ``arn:aws:states:::s3:putObject``: the result files and the manifest (module docstring)."""
    from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for as moto_client_for

    parameters = env.stack.pop()
    env.stack.pop()  # the children's outputs: the records below carry them
    record = env.map_run_record_pool_manager.get_all().pop()
    bucket, prefix = str(parameters["Bucket"]), str(parameters.get("Prefix", ""))
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    folder = f"{prefix}{record.map_run_arn.rsplit(':', 1)[-1]}/"
    with _children_lock:
        children = sorted(_children.pop(record.map_run_arn, []), key=lambda c: c.pop("index"))
    files: dict[str, list[dict[str, Any]]] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    bodies: dict[str, bytes] = {}
    for status in files:
        chosen = [c for c in children if c["Status"] == status or (status == "FAILED" and c["Status"] == "ABORTED")]
        if chosen:
            key = f"{folder}{status}_0.json"
            bodies[key] = json.dumps(chosen).encode()
            files[status].append({"Key": key, "Size": len(bodies[key])})
    manifest_key = f"{folder}manifest.json"
    manifest = {"DestinationBucket": bucket, "MapRunArn": record.map_run_arn, "ResultFiles": files}
    bodies[manifest_key] = json.dumps(manifest, indent=2).encode()

    region = resource_runtime_part.region
    role = _role_of(env)
    if role is not None:
        caller = role_caller(role, "states")
        for action in RESULT_WRITER_ACTIONS[1:]:
            denied = (
                service_check(caller, action, f"arn:aws:s3:::{bucket}/{folder}*", region, by="states")
                if caller
                else None
            )
            if denied:
                raise _failure(env, "States.ResultWriterFailed", denied)
    from moto.s3.models import s3_backends

    account = record.execution_arn.split(":")[4]
    if s3_backends.bucket_accounts.get(bucket, (None, None))[1] != account:
        raise _failure(
            env, "States.ResultWriterFailed", f"The bucket {bucket} is not in the state machine's account {account}."
        )
    s3 = role_client(moto_client_for)(region=region, service="s3", state_credentials=state_credentials)
    try:
        for key, body in bodies.items():
            s3.put_object(Bucket=bucket, Key=key, Body=body)
    except ClientError as exc:
        raise _failure(env, "States.ResultWriterFailed", str(exc)) from None
    env.stack.append({"MapRunArn": record.map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": manifest_key}})


def closed_on_return(original: Callable[..., Any]) -> Callable[..., Any]:
    """``CallbackEndpoint.wait``: once the wait returns (an outcome, or the task's timeout), the token is closed."""
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackConsumerTimeout

    def wait(self: Any, timeout: float | None = None) -> Any:
        outcome = original(self, timeout)
        if self.consumer_error is None:
            self.consumer_error = CallbackConsumerTimeout()  # moto maps it to TaskTimedOut
        return outcome

    return wait


def patch_targets() -> list[tuple[Any, str, Callable[[Any], Any]]]:
    """(owner, attribute, wrap) of every change this module makes to moto (``patches`` applies and reverts them)."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import distributed_iteration_component
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.itemprocessor import (
        distributed_item_processor_worker,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.result_writer.resource_eval import (
        resource_eval_s3,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint

    worker = distributed_item_processor_worker.DistributedItemProcessorWorker
    return [
        (lambda_eval_utils, "boto_client_for", role_client),
        (distributed_iteration_component.DistributedIterationComponent, "_map_run", checked_map_run),
        (worker, "_eval_input", remembered_input),
        (worker, "_eval_job", recorded_child),
        (resource_eval_s3.ResourceEvalS3, "_handle_put_object", lambda _original: staticmethod(_handle_put_object)),
        (CallbackEndpoint, "wait", closed_on_return),
    ]
