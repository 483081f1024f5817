"""A seed-code pipeline module (``get_pipeline(...)`` and its optional hooks) and the ``--kwargs``/``--tags`` it is
called with, for ``mcgov pipeline definition`` and ``mcgov pipeline run``."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from typing import Any

from mcgov.pipelines.exceptions import InvalidKwargsError, PipelineModuleError

PLACEHOLDER_MARK = ":000000000000:"


def convert_struct(text: str | None) -> Any:
    """Parse ``--kwargs``/``--tags``: JSON first, then a Python literal (the seed code's ``ast.literal_eval``)."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise InvalidKwargsError(
            f'cannot parse {text[:80]!r} as JSON or a Python literal ({exc}); pass e.g. \'{{"region": "eu-west-1"}}\'.'
        ) from exc


def parse_kwargs(text: str | None) -> dict[str, Any]:
    """``--kwargs`` as a dict."""
    value = convert_struct(text)
    if not isinstance(value, dict):
        raise InvalidKwargsError(
            f'--kwargs must be a JSON object, got {type(value).__name__}; pass e.g. \'{{"region": "eu-west-1"}}\'.'
        )
    return value


def parse_tags(text: str | None) -> list[dict[str, str]]:
    """``--tags`` as ``[{"Key": ..., "Value": ...}]``."""
    value = convert_struct(text) or []
    if not isinstance(value, list) or not all(isinstance(t, dict) and set(t) == {"Key", "Value"} for t in value):
        raise InvalidKwargsError('--tags must be a JSON list of {"Key": ..., "Value": ...} objects.')
    return value


def import_pipeline_module(module_name: str) -> Any:
    """Import ``module_name`` and check it exposes ``get_pipeline``."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise PipelineModuleError(
            f"cannot import --module-name {module_name!r} ({exc}); use a dotted path such as "
            "mcgov.pipelines.churn.pipeline."
        ) from exc
    if not callable(getattr(module, "get_pipeline", None)):
        raise PipelineModuleError(
            f"module {module_name!r} has no get_pipeline(...) function; point --module-name at a pipeline module."
        )
    return module


def accepted_kwargs(func: Any, kwargs: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` plus each ``defaults`` entry the function accepts and the caller did not set."""
    params = inspect.signature(func).parameters
    merged = dict(kwargs)
    for key, value in defaults.items():
        if key in params and merged.get(key) is None and value is not None:
            merged[key] = value
    return merged


def parameter_default(func: Any, name: str) -> Any:
    """Default value of parameter ``name`` of ``func`` (None when absent)."""
    param = inspect.signature(func).parameters.get(name)
    return None if param is None or param.default is inspect.Parameter.empty else param.default


def get_pipeline_custom_tags(module: Any, kwargs: dict[str, Any], tags: list[dict[str, str]]) -> list[dict[str, str]]:
    """Tags from the module's optional ``get_pipeline_custom_tags(tags, region, project_arn)`` hook."""
    hook = getattr(module, "get_pipeline_custom_tags", None)
    if hook is None:
        return tags
    return hook(tags, kwargs.get("region"), kwargs.get("sagemaker_project_arn"))
