"""Lambda Invoke wire format for registered in-process handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from mcgov.emulator.awslambda.models import find_handler, function_key
from mcgov.emulator.awslambda.runtime import function_config, run_async, run_function


def make_invoke(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap moto's ``LambdaResponse.invoke``: registered functions run their handler, as Lambda runs it
    (``runtime``: the execution role, logs, asynchronous retries and destinations)."""

    def invoke(self: Any) -> Any:
        function_name = unquote(self.path.rsplit("/", 2)[-2])
        handler = find_handler(function_name)
        if handler is None:
            return original(self)
        function = function_config(function_name, self.current_account, self.region)
        headers = {"content-type": "application/json", "x-amz-executed-version": "$LATEST"}
        invocation_type = self.headers.get("X-Amz-Invocation-Type")
        if invocation_type == "DryRun":
            return 204, {**headers, "status": "204"}, b""
        if invocation_type == "Event":
            run_async(handler, function, function_key(function_name), self.body)
            return 202, {**headers, "status": "202"}, b""
        payload, failed = run_function(handler, function, function_key(function_name), self.body)
        if failed:
            headers["x-amz-function-error"] = "Unhandled"
        return 200, headers, payload

    invoke.__wrapped__ = original  # type: ignore[attr-defined]
    return invoke
