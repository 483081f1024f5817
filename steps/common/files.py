"""Writing the files a command or tool was asked to write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mcgov.errors import BadInputError


def write_atomic(path: str, text: str, flag: str = "--out") -> None:
    """Write ``text`` to ``path`` through a temporary file, so a failure never leaves half a file.

    A directory, a device, FIFO or other non-regular file (replacing ``/dev/null`` as root would be a disaster),
    a file in a folder that does not exist, or one the system refuses to create there (a read-only or ``/proc``
    folder, no permission, a full disk) is bad input naming ``flag``: nothing is written.
    """
    target = check_writable(path, flag)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise _unwritable(path, flag, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _unwritable(path, flag, exc) from None
        raise


def _unwritable(path: str, flag: str, exc: OSError) -> BadInputError:
    return BadInputError(
        f"{flag}: cannot write {path} ({exc.strerror or 'refused'}); name a file in a folder you can write"
    )


def check_writable(path: str, flag: str = "--out") -> Path:
    """The checks ``write_atomic`` makes, for a command to run before its work: bad input naming ``flag``."""
    target = Path(path)
    if "\x00" in path:
        raise BadInputError(f"{flag}: a path cannot hold a NUL character; name a plain file")
    if target.is_dir():
        raise BadInputError(f"{flag}: {path} is a directory; name a file")
    if target.exists() and not target.is_file() or target.is_symlink():
        raise BadInputError(
            f"{flag}: {path} is not a regular file (a device, pipe or link); name a plain file, "
            "or leave the flag out to print to stdout"
        )
    if not target.parent.is_dir():
        raise BadInputError(f"{flag}: folder {target.parent} does not exist; create it or name another file")
    return target
