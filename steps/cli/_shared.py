"""Helpers shared by the ``mcgov`` command modules."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from mcgov.share_policies import SharePolicy
from mcgov.steps.common.aws import make_session
from mcgov.steps.common.jsonutil import json_safe
from mcgov.steps.common.policy import load_policy


def session(args: argparse.Namespace) -> Any:
    return make_session(getattr(args, "profile", None), getattr(args, "region", None))


def read_policy(args: argparse.Namespace, uri: str) -> SharePolicy:
    """The share policy at ``uri`` (a path, or s3:// read with the command's AWS settings)."""
    return load_policy(uri, s3_client=session(args).client("s3") if uri.startswith("s3://") else None)


def print_json(data: Any, stream: Any = None) -> None:
    json.dump(json_safe(data), stream or sys.stdout, indent=2, ensure_ascii=False)
    (stream or sys.stdout).write("\n")


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a failure never leaves half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
