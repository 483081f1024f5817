"""Helpers shared by the ``mcgov`` command modules."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from mcgov.identifiers import split_s3_uri
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.common.aws import make_session
from mcgov.steps.common.jsonutil import json_safe
from mcgov.steps.policy import load_policy
from mcgov.text import visible_json


def session(args: argparse.Namespace) -> Any:
    return make_session(getattr(args, "profile", None), getattr(args, "region", None))


def read_policy(args: argparse.Namespace, uri: str) -> SharePolicy:
    """The share policy at ``uri`` (a path, or s3:// read with the command's AWS settings)."""
    if not uri.startswith("s3://"):
        return load_policy(uri)
    split_s3_uri(uri)  # a malformed URI is refused before any AWS session is made
    return load_policy(uri, s3_client=session(args).client("s3"))


MAX_WAIT_SECONDS = 86400.0


def seconds(text: str) -> float:
    """argparse type of a wait: finite ASCII seconds, 0 to 86400 (``nan``, ``inf`` and ``١٢`` are refused)."""
    try:
        value = float(text) if text.isascii() else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_WAIT_SECONDS:
        raise argparse.ArgumentTypeError(f"not a number of seconds from 0 to {MAX_WAIT_SECONDS:.0f}")
    return value


def print_json(data: Any, stream: Any = None) -> None:
    """``data`` as indented JSON; hidden characters are JSON escapes (the same data, none shown raw)."""
    (stream or sys.stdout).write(visible_json(json.dumps(json_safe(data), indent=2, ensure_ascii=False)) + "\n")
