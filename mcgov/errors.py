"""Root exceptions of every mcgov package, the one exit-code mapping, and the one formatter of pydantic
validation errors.

``BadInputError`` marks a failure caused by the caller's input (a file, flag, event field or policy): the
CLI prints its message on one line and exits 2, a handler reports it as a failure naming the field, and
nothing has been written when it is raised. It is the one class of bad input: the message names the
input (``source``) and the field once, as ``source: field: message``.
"""

from __future__ import annotations

import re
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
    """The exit codes of the command lines: 0 success (gate allowed), 1 failure (gate blocked, a card, spoke or
    build failed), 2 bad input, 3 an AWS, credentials or permission error (the message ends with a hint)."""

    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    AWS = 3


def exit_code(error: BaseException | None = None, *, failed: bool = False) -> ExitCode:
    """The exit code of a run that raised ``error`` (``BadInputError`` -> 2; an error carrying the AWS call's
    ``failure`` -> 3; anything else -> 1), or, without an error, of a run that ``failed`` (1) or not (0)."""
    if error is not None:
        if isinstance(error, BadInputError):
            return ExitCode.BAD_INPUT
        return ExitCode.AWS if getattr(error, "failure", None) is not None else ExitCode.FAILED
    return ExitCode.FAILED if failed else ExitCode.OK


KEY_LABEL_MAX = 64
"""The longest mapping key a message names as written; a longer one (a pasted value, a 100 KB key) is named by its
length, so one line stays short and never carries what was pasted."""


def key_label(key: object, *, quote: bool = True) -> str:
    """A mapping key as a message names it: ``'key'`` (or ``key`` unquoted), or ``<a key of N characters>`` when it
    is longer than ``KEY_LABEL_MAX``."""
    text = key if isinstance(key, str) else repr(key)
    if len(text) > KEY_LABEL_MAX:
        return f"<a key of {len(text)} characters>"
    return repr(key) if quote else text


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
            label = key_label(part, quote=False)
            out += f".{label}" if out else label
        previous = part
    return out


_FIXES = {
    "extra_forbidden": "unknown key; remove it or fix its spelling",
    "missing": "required key is missing; add it",
}
_FIELD_PREFIX = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (.+)", re.DOTALL)


def describe_validation_error(
    errors: Sequence[Mapping[str, Any]], *, root: str = "", union_tags: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """(field, message) of the first pydantic error of ``errors`` (``exc.errors()``), saying how many follow.

    ``root`` prefixes the field (for example ``metric_groups``). Messages lose pydantic's ``Value error, `` prefix;
    a validator message of the form ``[index] text``, ``name: text`` or ``path.to: text`` refines the field.
    The message never holds the input value: pydantic's own messages that quote it are reworded, and a string
    input a validator message quotes is replaced by ``the value`` (an input may be a secret pasted in the wrong
    place, and the message goes to terminals and logs).
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
    elif kind == "value_error" and (named := _FIELD_PREFIX.fullmatch(message)):
        field = f"{field}.{named.group(1)}" if field else named.group(1)
        message = named.group(2)
    if kind in _FIXES:
        message = _FIXES[kind]
    elif kind == "union_tag_invalid":
        expected = (first.get("ctx") or {}).get("expected_tags", "")
        message = f"unknown type; use one of {expected}" if expected else "unknown type"
    elif kind == "string_type":
        message += " (quote account ids, numbers-as-text and ARNs in YAML)"
    elif kind == "bool_type":
        message += " (write true or false: YAML 1.2 reads yes, no, on and off as text)"
    message = _without_input(message, first.get("input"))
    if root:
        field = f"{root}.{field}" if field and not field.startswith("[") else root + field
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return field, message


def _without_input(message: str, value: Any) -> str:
    """``message`` with any quoting of a string input (or of a string in a list input) replaced by ``the value``."""
    strings = (
        [value]
        if isinstance(value, str)
        else [v for v in value if isinstance(v, str)]
        if isinstance(value, list)
        else []
    )
    for text in sorted(strings, key=len, reverse=True):
        if len(text) >= 3:
            message = message.replace(repr(text), "the value").replace(text, "the value")
    return message
