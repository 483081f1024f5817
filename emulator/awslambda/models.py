"""In-process Lambda handlers: run a registered Python callable instead of echoing the payload."""

from __future__ import annotations

import json
import traceback

from mcgov.emulator.exceptions import HandlerRegistrationError
from mcgov.emulator.state import EmulatorState, LambdaHandler, get_state


def function_key(function_name_or_arn: str) -> str:
    """Function name from a name, partial ARN or full ARN, without any qualifier."""
    parts = function_name_or_arn.split(":")
    if function_name_or_arn.startswith("arn:") and len(parts) >= 7:
        return parts[6]
    if len(parts) >= 3 and parts[1] == "function":
        return parts[2]
    return parts[0]


def register_handler(function_name_or_arn: str, handler: LambdaHandler, state: EmulatorState | None = None) -> str:
    """Register ``handler(event, context)`` for a function; return the key it is stored under."""
    if not callable(handler):
        raise HandlerRegistrationError(
            f"The handler for {function_name_or_arn!r} is not callable; pass a function(event, context)."
        )
    key = function_key(function_name_or_arn)
    if not key:
        raise HandlerRegistrationError("Pass a non-empty Lambda function name or ARN.")
    (state or get_state()).lambda_handlers[key] = handler
    return key


def find_handler(function_name_or_arn: str) -> LambdaHandler | None:
    """The handler registered for a function name or ARN, if any."""
    return get_state().lambda_handlers.get(function_key(function_name_or_arn))


class LambdaContext:
    """The subset of the Lambda context object handlers commonly read."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.aws_request_id = "emulator-request"
        self.memory_limit_in_mb = 128

    def get_remaining_time_in_millis(self) -> int:
        """A constant: the emulator imposes no timeout."""
        return 900_000


def run_handler(handler: LambdaHandler, function_name: str, body: bytes | str | None) -> tuple[bytes, bool]:
    """Run a handler on a raw payload; return (JSON payload, failed) like Lambda's Invoke."""
    try:
        raw = body.decode() if isinstance(body, bytes) else (body or "")
        event = json.loads(raw) if raw.strip() else {}
        result = handler(event, LambdaContext(function_name))
        return json.dumps(result).encode(), False
    except Exception as exc:  # noqa: BLE001 - any handler error becomes an Unhandled function error
        error = {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "stackTrace": traceback.format_tb(exc.__traceback__),
        }
        return json.dumps(error).encode(), True
