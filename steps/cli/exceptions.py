"""Bad command lines of ``mcgov workflow``: exit code 2, one line naming the flag.

Every other bad command line raises ``mcgov.errors.BadInputError``; these two stay while
``steps/cli/workflow.py`` (its authoring side is rebuilt on another branch) names them.
"""

from __future__ import annotations

from mcgov.errors import BadInputError


class FlagCombinationError(BadInputError):
    """Flags were given in a combination that does not fit (some of a set that goes together)."""
