"""boto3 session construction honouring the standard AWS settings.

botocore reads ``AWS_PROFILE``, ``AWS_REGION``/``AWS_DEFAULT_REGION`` and ``AWS_ENDPOINT_URL`` itself, so
the CLI runs unchanged against a moto server.
"""
from __future__ import annotations

import boto3


def make_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """Return a session for ``profile``/``region``, falling back to the environment's defaults."""
    return boto3.Session(profile_name=profile, region_name=region)
