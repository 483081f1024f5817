"""What every handler shares: structured JSON logs, event parsing, error mapping, JSON-safe results."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ValidationError

from mcgov.errors import BadInputError, GovernanceError, describe_validation_error
from mcgov.steps.card.secrets import redact_text
from mcgov.steps.common.aws import unmapped_aws_error
from mcgov.steps.common.jsonutil import json_safe
from mcgov.steps.handlers.exceptions import HandlerFailure, RetryableHandlerFailure

Event = TypeVar("Event", bound=BaseModel)


HANDLER_ERRORS: tuple[type[HandlerFailure], ...] = (HandlerFailure, RetryableHandlerFailure)
"""Every error a handler wrapped by ``lambda_entry`` raises; Lambda reports the class name as the error type."""
RETRYABLE_ERROR_NAMES: tuple[str, ...] = (RetryableHandlerFailure.__name__,)
"""Error names a state machine retries with backoff (throttling, 5xx, network); it catches every other one."""
CAUGHT_ERROR_NAMES: tuple[str, ...] = tuple(e.__name__ for e in HANDLER_ERRORS)
"""Error names a state machine catches once its retries are spent."""


class _JsonFormatter(logging.Formatter):
    """One JSON object per line; every string in it passes ``redact_text``, so no log line carries a token."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "timestamp": round(record.created, 3),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
        return json.dumps(_redacted(json_safe(entry)), default=str)


def _redacted(node: Any) -> Any:
    if isinstance(node, str):
        return redact_text(node)
    if isinstance(node, dict):
        return {redact_text(str(k)): _redacted(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_redacted(v) for v in node]
    return node


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at emit time (Lambda's log stream, or a test's capture)."""

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def get_logger(name: str) -> logging.Logger:
    """A logger writing one JSON object per line (the Lambda log format)."""
    logger = logging.getLogger(name)
    if not any(isinstance(h.formatter, _JsonFormatter) for h in logger.handlers):
        handler = _StdoutHandler()
        handler.setFormatter(_JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(os.environ.get("MCGOV_LOG_LEVEL", "INFO"))
    return logger


def log(logger: logging.Logger, message: str, **fields: Any) -> None:
    logger.info(message, extra={"fields": fields})


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


def _failed(logger: logging.Logger, name: str, request_id: str | None, exc: GovernanceError) -> HandlerFailure:
    """Log ``exc`` and return the ``HandlerFailure`` (retryable or not) to raise in its place."""
    logger.error(
        "failed",
        extra={
            "fields": {
                "handler": name,
                "request_id": request_id,
                "error": str(exc),
                "error_type": type(exc).__name__,
                "retryable": exc.retryable,
            }
        },
    )
    failure_type = RetryableHandlerFailure if exc.retryable else HandlerFailure
    return failure_type(redact_text(f"{type(exc).__name__}: {exc}"), failure=exc.failure)


def lambda_entry(name: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Wrap a handler: log start/end as JSON, return JSON-safe output, re-raise failures as ``HandlerFailure``.

    A failure worth a retry (``GovernanceError.retryable``) is raised as ``RetryableHandlerFailure``, the error
    name a Step Functions ``Retry`` can match; a botocore error no adapter mapped becomes an ``AwsCallError`` first;
    any other exception (a bug) becomes ``HandlerFailure``. So every error leaving a handler is one of
    ``HANDLER_ERRORS``, and the ASL's Retry (``RETRYABLE_ERROR_NAMES``) and Catch lists name them all.
    """
    logger = get_logger(f"mcgov.{name}")

    def decorate(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @functools.wraps(func)
        def wrapper(event: Any, context: Any = None) -> dict[str, Any]:
            started = time.monotonic()
            request_id = getattr(context, "aws_request_id", None)
            try:
                result = json_safe(func(event, context))
            except (ClientError, BotoCoreError) as exc:
                raise _failed(logger, name, request_id, unmapped_aws_error(exc)) from None
            except GovernanceError as exc:
                raise _failed(logger, name, request_id, exc) from None
            except Exception as exc:  # noqa: BLE001 - a bug still leaves as a typed, caught error
                logger.exception("unexpected error", extra={"fields": {"handler": name, "request_id": request_id}})
                raise HandlerFailure(redact_text(f"unexpected {type(exc).__name__} in {name}: {exc}")) from None
            log(
                logger,
                "done",
                handler=name,
                request_id=request_id,
                duration_ms=round((time.monotonic() - started) * 1000),
                result=result,
            )
            return result

        return wrapper

    return decorate
