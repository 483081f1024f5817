"""The one place that knows which SageMaker Python SDK is installed: v3 first (``sagemaker>=3``), v2 still working.

v3 splits the SDK into ``sagemaker.core`` (sessions, pipeline variables, conditions, the Lambda helper) and
``sagemaker.mlops.workflow`` (Pipeline and its steps); v2 keeps everything under ``sagemaker.workflow``. ``load()``
imports the classes the authoring layer uses from wherever the installed SDK keeps them, so ``governance_steps()``
and the churn example are written once. When neither SDK is usable it raises ``SdkUnavailableError``, naming the
version it found and the extra that fixes it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.exceptions import NoRegionError

from mcgov.pipelines.exceptions import SdkUnavailableError

MIN_V2 = (2, 257, 5)
INSTALL_HINT = (
    "pip install 'model-card-governance[pipelines]' (sagemaker>=3) or "
    "'model-card-governance[pipelines-v2]' (sagemaker>=2.257.5,<3)"
)


@dataclass(frozen=True)
class Sdk:
    """The installed SDK's version and the workflow classes the authoring layer uses, wherever that SDK keeps them."""

    version: str
    major: int
    PipelineSession: Any
    Pipeline: Any
    ParameterString: Any
    ExecutionVariables: Any
    Join: Any
    ConditionEquals: Any
    Lambda: Any
    LambdaStep: Any
    LambdaOutput: Any
    LambdaOutputTypeEnum: Any
    CallbackStep: Any
    CallbackOutput: Any
    CallbackOutputTypeEnum: Any
    ConditionStep: Any
    FailStep: Any
    image_uris: Any


def installed_version() -> str | None:
    """Version of the installed ``sagemaker`` distribution (None when absent)."""
    try:
        return importlib.metadata.version("sagemaker")
    except importlib.metadata.PackageNotFoundError:
        return None


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


@cache
def load() -> Sdk:
    """The installed SDK's classes; ``SdkUnavailableError`` (bad input: exit 2 from the CLI) when none is usable."""
    version = installed_version()
    if version is None:
        raise SdkUnavailableError(f"the SageMaker Python SDK (sagemaker) is not installed; {INSTALL_HINT}.")
    release = _release(version)
    if not release or (release < MIN_V2):
        raise SdkUnavailableError(f"sagemaker {version} is installed, which mcgov does not support; {INSTALL_HINT}.")
    try:
        return _classes(version, release[0])
    except ImportError as exc:
        missing = getattr(exc, "name", None) or str(exc)
        raise SdkUnavailableError(
            f"sagemaker {version} is installed but its workflow classes do not import (missing {missing}); "
            f"{INSTALL_HINT}."
        ) from exc
    except NoRegionError as exc:  # v3 builds a boto3 client while its workflow package loads
        raise SdkUnavailableError(
            f"sagemaker {version} needs an AWS region to load its workflow classes; set AWS_REGION "
            "(or AWS_DEFAULT_REGION, or a profile's region)."
        ) from exc


# Where each class of ``Sdk`` lives: (module under v3, module under v2). ``image_uris`` is the module itself.
_LOCATIONS: dict[str, tuple[str, str]] = {
    "PipelineSession": ("sagemaker.core.workflow.pipeline_context", "sagemaker.workflow.pipeline_context"),
    "Pipeline": ("sagemaker.mlops.workflow.pipeline", "sagemaker.workflow.pipeline"),
    "ParameterString": ("sagemaker.core.workflow.parameters", "sagemaker.workflow.parameters"),
    "ExecutionVariables": ("sagemaker.core.workflow.execution_variables", "sagemaker.workflow.execution_variables"),
    "Join": ("sagemaker.core.workflow.functions", "sagemaker.workflow.functions"),
    "ConditionEquals": ("sagemaker.core.workflow.conditions", "sagemaker.workflow.conditions"),
    "Lambda": ("sagemaker.core.lambda_helper", "sagemaker.lambda_helper"),
    "LambdaStep": ("sagemaker.mlops.workflow.lambda_step", "sagemaker.workflow.lambda_step"),
    "LambdaOutput": ("sagemaker.mlops.workflow.lambda_step", "sagemaker.workflow.lambda_step"),
    "LambdaOutputTypeEnum": ("sagemaker.mlops.workflow.lambda_step", "sagemaker.workflow.lambda_step"),
    "CallbackStep": ("sagemaker.mlops.workflow.callback_step", "sagemaker.workflow.callback_step"),
    "CallbackOutput": ("sagemaker.mlops.workflow.callback_step", "sagemaker.workflow.callback_step"),
    "CallbackOutputTypeEnum": ("sagemaker.mlops.workflow.callback_step", "sagemaker.workflow.callback_step"),
    "ConditionStep": ("sagemaker.mlops.workflow.condition_step", "sagemaker.workflow.condition_step"),
    "FailStep": ("sagemaker.mlops.workflow.fail_step", "sagemaker.workflow.fail_step"),
    "image_uris": ("sagemaker.core.image_uris", "sagemaker.image_uris"),
}


def _classes(version: str, major: int) -> Sdk:
    """Import every class of ``Sdk`` from where SDK ``major`` keeps it (the optional extra: imported on use)."""
    found: dict[str, Any] = {}
    for name, (v3, v2) in _LOCATIONS.items():
        module = importlib.import_module(v3 if major >= 3 else v2)
        found[name] = module if name == "image_uris" else getattr(module, name)
    return Sdk(version=version, major=3 if major >= 3 else 2, **found)


@contextmanager
def role_validation_off() -> Iterator[None]:
    """v3's ModelTrainer checks its role with IAM calls as it is built (unless ``SAGEMAKER_VALIDATE_ROLE=false``).

    A definition renders offline, without credentials; SageMaker checks the role when the pipeline runs.
    """
    saved = os.environ.get("SAGEMAKER_VALIDATE_ROLE")
    os.environ["SAGEMAKER_VALIDATE_ROLE"] = "false"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SAGEMAKER_VALIDATE_ROLE", None)
        else:
            os.environ["SAGEMAKER_VALIDATE_ROLE"] = saved
