"""How naming or loading a framework can fail (``BadInputError``: exit code 2, one line naming the file or flag)."""

from __future__ import annotations

from mcgov.errors import BadInputError, DocumentError


class UnknownFrameworkError(BadInputError):
    """A framework name that is not one of the packaged frameworks; the message lists them."""


class FrameworkFileError(DocumentError):
    """A framework file breaks the framework schema; the message names the file, the row and the field."""
