"""Root exceptions of every mcgov package, the one exit-code mapping, and the one formatter of pydantic
validation errors.

``BadInputError`` marks a failure caused by the caller's input (a file, flag, event field or policy): the
CLI prints its message on one line and exits 2, a handler reports it as a failure naming the field, and
nothing has been written when it is raised. It is the one class of bad input: the message names the
input (``source``) and the field once, as ``source: field: message``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import IntEnum
from typing import Any, Protocol


class Failure(Protocol):
    """What an error may carry about the AWS call behind it (``mcgov.steps.common.aws.AwsFailure``)."""

    @property
    def retryable(self) -> bool: ...


class GovernanceError(Exception):
    """Base class of every error raised by model-card-governance.

    ``failure`` is the classified AWS failure behind the error, when there is one; ``retryable`` says whether
    the same call may pass later (throttling, 5xx, network), which handlers report to Step Functions.
    """

    def __init__(self, *args: Any, failure: Failure | None = None) -> None:
        super().__init__(*args)
        self.failure = failure

    @property
    def retryable(self) -> bool:
        return self.failure is not None and self.failure.retryable


class BadInputError(GovernanceError):
    """Input (a file, flag, event field or policy) is invalid; the message names it and the fix.

    ``source`` (the file, URI, event or flag holding the input) and ``field`` (a key path inside it) prefix the
    message once: ``source: field: message``. ``detail`` is the message without them.
    """

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None) -> None:
        self.source = source
        self.field = field
        self.detail = message
        super().__init__("".join(f"{part}: " for part in (source, field) if part) + message)


class ExitCode(IntEnum):
    """The exit codes of the command lines: 0 success (gate allowed), 1 failure (gate blocked, a card or an AWS
    call failed), 2 bad input."""

    OK = 0
    FAILED = 1
    BAD_INPUT = 2


def exit_code(error: BaseException | None = None, *, failed: bool = False) -> ExitCode:
    """The exit code of a run that raised ``error`` (``BadInputError`` -> 2, anything else -> 1), or, without an
    error, of a run that ``failed`` (1) or not (0)."""
    if error is not None:
        return ExitCode.BAD_INPUT if isinstance(error, BadInputError) else ExitCode.FAILED
    return ExitCode.FAILED if failed else ExitCode.OK


def error_location(loc: Sequence[Any], union_tags: frozenset[str] = frozenset()) -> str:
    """A pydantic ``loc`` as a dotted path with list indexes: ``("a", 0, "b") -> "a[0].b"``.

    Validator wrappers pydantic puts in ``loc`` (``function-after[...]``) are skipped, and so is a
    discriminated-union tag (one of ``union_tags``) that follows a list index.
    """
    out = ""
    previous: Any = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(previous, int) and part in union_tags:
            pass
        elif isinstance(part, str) and part.startswith("function-"):
            pass
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out


_FIXES = {
    "extra_forbidden": "unknown key; remove it or fix its spelling",
    "missing": "required key is missing; add it",
}


def describe_validation_error(
    errors: Sequence[Mapping[str, Any]], *, root: str = "", union_tags: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """(field, message) of the first pydantic error of ``errors`` (``exc.errors()``), saying how many follow.

    ``root`` prefixes the field (for example ``metric_groups``). Messages lose pydantic's ``Value error, `` prefix;
    a validator message of the form ``[index] text`` or ``path: text`` refines the field.
    """
    first = errors[0]
    field = error_location(first.get("loc", ()), union_tags)
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    kind = str(first.get("type", ""))
    if message.startswith("[") and "] " in message:
        index, _, message = message.partition("] ")
        field += index + "]"
    elif not field and ": " in message and "." in message.partition(": ")[0]:
        field, _, message = message.partition(": ")
    if kind in _FIXES:
        message = _FIXES[kind]
    elif kind == "string_type":
        message += " (quote account ids, numbers-as-text and ARNs in YAML)"
    if root:
        field = f"{root}.{field}" if field and not field.startswith("[") else root + field
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return field, message
