"""boto3 session construction honouring the standard AWS settings.

botocore reads ``AWS_PROFILE``, ``AWS_REGION``/``AWS_DEFAULT_REGION`` and ``AWS_ENDPOINT_URL`` itself, so
the CLI runs unchanged against a moto server.
"""
from __future__ import annotations

from typing import Any

import boto3


def make_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """Return a session for ``profile``/``region``, falling back to the environment's defaults."""
    return boto3.Session(profile_name=profile, region_name=region)


def error_code(exc: Any) -> str:
    """The AWS error code of a botocore ``ClientError`` ("Unknown" for anything else)."""
    response = getattr(exc, "response", None)
    return str(response.get("Error", {}).get("Code", "Unknown")) if isinstance(response, dict) else "Unknown"


def error_text(exc: Any) -> str:
    """``Code: Message`` of a ``ClientError``; the exception's text otherwise."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        return f"{error.get('Code', 'Unknown')}: {error.get('Message', '')}".strip()
    return " ".join(str(exc).split())
