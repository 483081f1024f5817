"""Helpers shared by the ``mcgov`` command modules."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from mcgov.errors import BadInputError
from mcgov.identifiers import split_s3_uri
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.common.aws import make_session
from mcgov.steps.common.jsonutil import json_safe
from mcgov.steps.common.policy import load_policy


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
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to {MAX_WAIT_SECONDS:.0f}")
    return value


def print_json(data: Any, stream: Any = None) -> None:
    json.dump(json_safe(data), stream or sys.stdout, indent=2, ensure_ascii=False)
    (stream or sys.stdout).write("\n")


def write_atomic(path: str, text: str, flag: str = "--output") -> None:
    """Write ``text`` to ``path`` through a temporary file, so a failure never leaves half a file.

    A directory, a device, FIFO or other non-regular file (replacing ``/dev/null`` as root would be a disaster),
    or a file in a folder that does not exist, is bad input naming ``flag``: nothing is written.
    """
    target = Path(path)
    if target.is_dir():
        raise BadInputError(f"{flag}: {path} is a directory; name a file")
    if target.exists() and not target.is_file() or target.is_symlink():
        raise BadInputError(
            f"{flag}: {path} is not a regular file (a device, pipe or link); name a plain file, "
            "or leave the flag out to print to stdout"
        )
    if not target.parent.is_dir():
        raise BadInputError(f"{flag}: folder {target.parent} does not exist; create it or name another file")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
