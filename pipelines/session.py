"""Build SageMaker sessions that can render a pipeline definition offline (no credentials, no AWS call)."""

from __future__ import annotations

import os
from typing import Any

import boto3

from mcgov.pipelines import sdk

DEFAULT_REGION = "us-east-1"
OFFLINE_BUCKET = "mcgov-offline-placeholder-bucket"
SDK_CONFIG: dict = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}
"""Explicit SDK defaults: no config-file lookup and no telemetry request while rendering."""


def resolve_region(region: str | None) -> str:
    """Return ``region``, else ``AWS_REGION``/``AWS_DEFAULT_REGION``, else ``us-east-1``."""
    return region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def pipeline_session(region: str | None = None, default_bucket: str | None = None) -> Any:
    """A ``PipelineSession`` of the installed SDK on a plain boto3 session that never calls AWS while rendering.

    Building clients needs only a region; the bucket is fixed up front so ``default_bucket()`` does no
    lookup, telemetry is opted out, and no SDK config file is read, so ``Pipeline.definition()`` works
    without credentials or network.
    """
    boto_session = boto3.Session(region_name=resolve_region(region))
    session = sdk.load().PipelineSession(
        boto_session=boto_session, default_bucket=default_bucket or OFFLINE_BUCKET, sagemaker_config=SDK_CONFIG
    )
    session._default_bucket = default_bucket or OFFLINE_BUCKET  # skip the bucket-exists lookup of default_bucket()
    return session
