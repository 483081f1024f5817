"""What the churn example's job steps take, the same for both SDKs (``jobs_v2``, ``jobs_v3``)."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

CODE_DIR = "/opt/ml/processing/input/code"
VOLUME_SIZE_GB = 30
MAX_RUNTIME_SECONDS = 86400
"""The training job's StoppingCondition (v2's Estimator default; v3's ModelTrainer would write 3600)."""


@dataclass(frozen=True)
class DataIn:
    """A processing input: S3 ``source`` (a URI or pipeline variable) downloaded to ``local_path``."""

    name: str
    source: Any
    local_path: str


@dataclass(frozen=True)
class DataOut:
    """A processing output: ``local_path`` uploaded to ``uri`` at the end of the job."""

    name: str
    local_path: str
    uri: Any


def for_sdk(major: int) -> ModuleType:
    """The job-step module written for SDK ``major`` (3 and later: ``jobs_v3``)."""
    if major >= 3:
        from mcgov.pipelines.churn import jobs_v3

        return jobs_v3
    from mcgov.pipelines.churn import jobs_v2

    return jobs_v2
