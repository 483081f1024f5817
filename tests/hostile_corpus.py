"""One corpus of hostile inputs, shared by every input path's test (``tests/test_hostile_inputs.py``).

``FILES`` are documents (bytes, or a special kind of path); ``IDENTIFIERS`` are strings given where an account,
card name, stage or ARN goes. Each entry says why it is hostile.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HostileFile:
    name: str
    why: str
    content: bytes | None = None  # None: a special path made by ``materialize``
    kind: str = "file"  # file | dir | fifo | device | missing


FILES: tuple[HostileFile, ...] = (
    HostileFile("empty", "no document at all", b""),
    HostileFile("not-utf8", "invalid UTF-8", b"\xff\xfe\x00bad"),
    HostileFile("nul", "a NUL byte", b'{"a": "\x00"}'),
    HostileFile("deep-json", "nesting far past any real report", b"[" * 5000 + b"]" * 5000),
    HostileFile("deep-yaml", "YAML nesting far past any real file", b"a: " + b"[" * 3000 + b"]" * 3000),
    HostileFile("dup-json", "a duplicate key that would silently win", b'{"version": 1, "version": 2}'),
    HostileFile("dup-yaml", "a duplicated stage that would swap accounts", b"version: 1\nstages:\n  s: {}\n  s: {}\n"),
    HostileFile(
        "alias-bomb",
        "YAML alias expansion",
        b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
    ),
    HostileFile("huge-int", "an integer longer than Python parses", b'{"n": ' + b"9" * 5000 + b"}"),
    HostileFile("nan", "non-finite numbers", b'{"x": NaN, "y": Infinity}'),
    HostileFile("scalar", "a bare scalar where an object belongs", json.dumps("just text").encode()),
    HostileFile("list", "a list where an object belongs", b"[1, 2, 3]"),
    HostileFile("bidi", "a right-to-left override in text", '{"\u202e": "\u202etxt.exe"}'.encode()),
    HostileFile("oversized", "over the size cap (set to 4 KiB for the run)", b'{"k": "' + b"x" * 8192 + b'"}'),
    HostileFile("directory", "a directory", kind="dir"),
    HostileFile("fifo", "a FIFO (reading would hang)", kind="fifo"),
    HostileFile("dev-zero", "an endless device", kind="device"),
    HostileFile("missing", "no such file", kind="missing"),
)

IDENTIFIERS: tuple[tuple[str, str], ...] = (
    ("churn-model\n", "a trailing newline"),
    ("churn\nmodel", "an embedded newline"),
    ("\u0661\u0662\u0663", "non-ASCII digits"),
    ("a" * 64, "over 63 characters"),
    ("a" + "-" * 100 + "b", "a name the pattern alone would not bound"),
    ("churn\x00", "a NUL"),
    ("churn\u202e", "a bidi override"),
    ("", "empty"),
    ("*", "a wildcard"),
    ("arn:aws:sagemaker:us-east-1:111111111111:model-card/churn\n", "an ARN with a trailing newline"),
    ("arn:aws:sagemaker:us-east-1:999999999999:model-card/churn", "another account's card"),
)

SIZE_ENV = {
    f"MCGOV_MAX_{kind}_BYTES": "4096"
    for kind in ("REPORT", "TRAINING_JOB", "MODEL_PACKAGE", "TEMPLATE", "POLICY", "CONTENT")
}


def materialize(entry: HostileFile, folder: Path, suffix: str) -> Path:
    """A path holding ``entry`` under ``folder`` (``suffix`` gives the extension the input path expects)."""
    if entry.kind == "device":
        return Path("/dev/zero")
    path = folder / f"{entry.name}{suffix}"
    if entry.kind == "dir":
        path.mkdir()
    elif entry.kind == "fifo":
        os.mkfifo(path)
    elif entry.kind == "file":
        path.write_bytes(entry.content or b"")
    return path
