"""One exception class per way a command line itself can be wrong (exit code 2, one line naming the flag)."""

from __future__ import annotations

from mcgov.errors import BadInputError


class FlagCombinationError(BadInputError):
    """Flags were given in a combination that does not fit (some of a set that goes together)."""
