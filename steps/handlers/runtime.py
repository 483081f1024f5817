"""What every handler shares: Powertools for AWS Lambda's Logger (JSON lines with ``cold_start`` and a correlation
id), Metrics (CloudWatch EMF) and, when the stack turns it on, Tracer; event parsing, error mapping, JSON-safe
results.

* **Logger** writes one JSON object per line to stdout (Lambda's log stream). Every string in a line passes
  ``redact_text``, and an exception is logged by its type only (``exception_name``: no message or stack trace, which
  could quote an input value). The level is ``MCGOV_LOG_LEVEL``, else Powertools' (``POWERTOOLS_LOG_LEVEL``, or the
  function's ``LoggingConfig`` ``ApplicationLogLevel``). The correlation id is the event's pipeline execution ARN,
  else its card ARN, else its model package ARN (each only when it has an ARN's shape).
* **Metrics** (namespace ``ModelCardGovernance``, dimension ``service``): ``GateAllowed``, ``GateBlocked``,
  ``GateWaitSeconds``, ``GuardReverts``, ``NotificationsFailed`` (events ``notify`` could not put); flushed after
  each invocation that recorded one.
* **Tracer** is built only when ``POWERTOOLS_TRACE_DISABLED`` is ``false`` (the stack's ``Tracing`` parameter): its
  construction imports the X-Ray SDK, which a function without tracing never loads.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.logger import Logger
from aws_lambda_powertools.metrics.metrics import Metrics
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.metric_properties import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ValidationError

from mcgov.errors import BadInputError, GovernanceError, describe_validation_error
from mcgov.steps.card.secrets import redact_text
from mcgov.steps.common.aws import unmapped_aws_error
from mcgov.steps.common.jsonutil import json_safe
from mcgov.steps.handlers.exceptions import HandlerFailure, RetryableHandlerFailure
from mcgov.steps.notify.bus import put_events
from mcgov.steps.notify.entries import Entry

Event = TypeVar("Event", bound=BaseModel)

SERVICE = "mcgov"
METRICS_NAMESPACE = "ModelCardGovernance"
TRACING_ENV = "POWERTOOLS_TRACE_DISABLED"

HANDLER_ERRORS: tuple[type[HandlerFailure], ...] = (HandlerFailure, RetryableHandlerFailure)
"""Every error a handler wrapped by ``lambda_entry`` raises; Lambda reports the class name as the error type."""
RETRYABLE_ERROR_NAMES: tuple[str, ...] = (RetryableHandlerFailure.__name__,)
"""Error names a state machine retries with backoff (throttling, 5xx, network); it catches every other one."""
CAUGHT_ERROR_NAMES: tuple[str, ...] = tuple(e.__name__ for e in HANDLER_ERRORS)
"""Error names a state machine catches once its retries are spent."""
_UNLOGGED = ("exception", "stack_trace", "exception_notes")  # may quote an input value; the type is kept
_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[A-Za-z0-9/_.:+=@-]{1,1600}")


class _RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON line, without exception messages and stack traces, every string through ``redact_text``."""

    def serialize(self, log: dict[str, Any]) -> str:  # type: ignore[override]
        kept = {key: value for key, value in log.items() if key not in _UNLOGGED}
        return json.dumps(_redacted(json_safe(kept)), default=str)


def _redacted(node: Any) -> Any:
    if isinstance(node, str):
        return redact_text(node)
    if isinstance(node, dict):
        return {redact_text(str(k)): _redacted(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_redacted(v) for v in node]
    return node


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stdout`` is at emit time (Lambda's log stream, or a test's capture)."""

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


logger = Logger(
    service=SERVICE,
    level=os.environ.get("MCGOV_LOG_LEVEL") or None,
    logger_handler=_StdoutHandler(),
    logger_formatter=_RedactingFormatter(),
)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE)


def _tracer() -> Any:
    """Powertools' Tracer when the stack turned tracing on, else None (nothing of X-Ray is imported)."""
    if os.environ.get(TRACING_ENV, "true").strip().lower() != "false":
        return None
    from aws_lambda_powertools.tracing.tracer import Tracer  # only with tracing on: it imports the X-Ray SDK

    return Tracer(service=SERVICE)


tracer = _tracer()


def record_gate(status: str, waited_seconds: float | None = None) -> None:
    """The gate's metrics for one decision: ``GateAllowed`` or ``GateBlocked`` (PENDING counts neither) and, when the
    gate waited, ``GateWaitSeconds``."""
    if status in ("ALLOWED", "BLOCKED"):
        metrics.add_metric(name=f"Gate{status.title()}", unit=MetricUnit.Count, value=1)
    if waited_seconds is not None:
        metrics.add_metric(name="GateWaitSeconds", unit=MetricUnit.Seconds, value=round(max(0.0, waited_seconds), 3))


def record_guard_revert() -> None:
    """``GuardReverts``: the approval guard set a model package back to PendingManualApproval."""
    metrics.add_metric(name="GuardReverts", unit=MetricUnit.Count, value=1)


def notify(session: Any, entries: Sequence[Entry | None]) -> None:
    """Put the notification ``entries`` (None: the policy sets no notifications) on their bus. A failure never
    changes the handler's outcome: it is logged (a warning) and counted (``NotificationsFailed``)."""
    wanted = [entry for entry in entries if entry is not None]
    if not wanted:
        return
    delivery = put_events(session.client("events", region_name=wanted[0].region), wanted)
    if delivery.failed:
        logger.warning(
            "notification not sent",
            extra={"failed": delivery.failed, "sent": delivery.sent, "error": delivery.problem},
        )
        metrics.add_metric(name="NotificationsFailed", unit=MetricUnit.Count, value=delivery.failed)


def correlation_id(event: Any) -> str | None:
    """The event's pipeline execution ARN, else its card ARN, else its model package ARN (an ARN's shape only)."""
    if not isinstance(event, dict):
        return None
    detail = event.get("detail")
    detail = detail if isinstance(detail, dict) else {}
    for value in (
        event.get("pipeline_execution_arn"),
        event.get("card_arn"),
        event.get("model_package_arn"),
        detail.get("ModelPackageArn"),
    ):
        if isinstance(value, str) and _ARN.fullmatch(value):
            return value
    return None


_cold = {"start": True}


def _cold_start() -> bool:
    """True on the first invocation of this container (Powertools' rule: never under provisioned concurrency)."""
    first, _cold["start"] = _cold["start"], False
    return first and os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") != "provisioned-concurrency"


def parse_event(model: type[Event], event: Any) -> Event:
    """Validate the event against ``model``; a bad event raises ``BadInputError`` naming the field
    (``event: <field>: <message>``)."""
    try:
        return model.model_validate(event)
    except ValidationError as exc:
        field, message = describe_validation_error(exc.errors(include_url=False))
        raise BadInputError(message, source="event", field=field or None) from None


def remaining_seconds(context: Any, default: float = 60.0) -> float:
    getter = getattr(context, "get_remaining_time_in_millis", None)
    return getter() / 1000.0 if callable(getter) else default


def _failed(name: str, exc: GovernanceError) -> HandlerFailure:
    """Log ``exc`` and return the ``HandlerFailure`` (retryable or not) to raise in its place."""
    logger.error(
        "failed",
        extra={"handler": name, "error": str(exc), "error_type": type(exc).__name__, "retryable": exc.retryable},
    )
    failure_type = RetryableHandlerFailure if exc.retryable else HandlerFailure
    return failure_type(redact_text(f"{type(exc).__name__}: {exc}"), failure=exc.failure)


def lambda_entry(name: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Wrap a handler: log start and end (``cold_start``, request id, correlation id), flush its metrics, return
    JSON-safe output, re-raise failures as ``HandlerFailure``; traced when tracing is on.

    A failure worth a retry (``GovernanceError.retryable``) is raised as ``RetryableHandlerFailure``, the error
    name a Step Functions ``Retry`` can match; a botocore error no adapter mapped becomes an ``AwsCallError`` first;
    any other exception (a bug) becomes ``HandlerFailure``. So every error leaving a handler is one of
    ``HANDLER_ERRORS``, and the ASL's Retry (``RETRYABLE_ERROR_NAMES``) and Catch lists name them all.
    """

    def decorate(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        traced = tracer.capture_lambda_handler(func) if tracer is not None else func

        @functools.wraps(func)
        def wrapper(event: Any, context: Any = None) -> dict[str, Any]:
            # read per invocation (a process may change it after the import); unset: Powertools' own chain
            logger.setLevel(os.environ.get("MCGOV_LOG_LEVEL") or None)
            logger.append_keys(
                cold_start=_cold_start(),
                handler=name,
                function_request_id=getattr(context, "aws_request_id", None),
                function_name=getattr(context, "function_name", None),
            )
            logger.set_correlation_id(correlation_id(event))
            logger.info("start")
            try:
                result: dict[str, Any] = json_safe(traced(event, context))
            except (ClientError, BotoCoreError) as exc:
                raise _failed(name, unmapped_aws_error(exc)) from None
            except GovernanceError as exc:
                raise _failed(name, exc) from None
            except Exception as exc:  # noqa: BLE001 - a bug still leaves as a typed, caught error
                logger.exception("unexpected error", extra={"error_type": type(exc).__name__})
                raise HandlerFailure(redact_text(f"unexpected {type(exc).__name__} in {name}: {exc}")) from None
            finally:
                if metrics.metric_set:
                    metrics.flush_metrics()
                    metrics.clear_metrics()  # POWERTOOLS_METRICS_DISABLED: flush neither prints nor clears
            logger.info("done", extra={"result": result})
            return result

        return wrapper

    return decorate
