"""Strict, bounded parsing of the JSON and YAML documents mcgov reads (reports, jobs, templates, policies, content).

Every input is untrusted: a duplicate key is refused (naming it) instead of silently keeping the last value,
nesting is capped at ``MAX_DEPTH`` levels (and Python's own recursion limit can never surface as a
``RecursionError``), YAML aliases are refused (no alias bombs), and non-finite numbers are refused unless the
caller asks for them. Size caps per kind of document live here too, with an environment override each.

YAML is read with the YAML 1.2 core schema (YAML 1.2.2, 10.3.2 "Tag Resolution"), not PyYAML's YAML 1.1 rules:
only ``true``/``false`` (any of three casings) are booleans, so ``yes``, ``no``, ``on``, ``off``, ``y`` and ``n``
are strings, which a boolean field refuses; integers are decimal, ``0o`` octal or ``0x`` hex (``0755`` is 755,
``0b1``, ``1_000`` and the sexagesimal ``1:00:00`` are strings); floats need no dot (``1e3``) and ``.inf``/``.nan``
are the only specials; ``null``/``~``/empty are null; dates stay strings and ``<<`` is an ordinary key. One
loader reads every YAML input (share policies, card templates), and for the values these inputs hold (quoted
account ids and ARNs, ``true``/``false``, decimal numbers, text) both schemas agree; only the 1.1 spellings change.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mcgov.errors import BadInputError, key_label

MAX_DEPTH = 64


@dataclass(frozen=True)
class SizeLimit:
    """The byte cap of one kind of input; ``MCGOV_MAX_<ENV>_BYTES`` overrides the default."""

    kind: str
    default: int
    env: str

    @property
    def max_bytes(self) -> int:
        raw = os.environ.get(f"MCGOV_MAX_{self.env}_BYTES", "")
        if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 2**40:
            return int(raw)
        return self.default


MiB = 1024 * 1024
REPORT = SizeLimit("evaluation report", 64 * MiB, "REPORT")
TRAINING_JOB = SizeLimit("training job", 8 * MiB, "TRAINING_JOB")
MODEL_PACKAGE = SizeLimit("model package", 8 * MiB, "MODEL_PACKAGE")
TEMPLATE = SizeLimit("card template", 1 * MiB, "TEMPLATE")
POLICY = SizeLimit("share policy", 1 * MiB, "POLICY")
CONTENT = SizeLimit("card content", 4 * MiB, "CONTENT")
LIMITS = (REPORT, TRAINING_JOB, MODEL_PACKAGE, TEMPLATE, POLICY, CONTENT)


def too_large(location: str, limit: SizeLimit) -> BadInputError:
    return BadInputError(
        f"the {limit.kind} is larger than {limit.max_bytes} bytes; shrink it or raise MCGOV_MAX_{limit.env}_BYTES",
        source=location,
    )


def read_file(location: str, limit: SizeLimit) -> bytes:
    """The bytes of a regular local file of at most ``limit.max_bytes``; a FIFO, device or directory is refused
    before anything is read, so ``/dev/zero`` or a pipe can neither hang nor exhaust memory."""
    try:
        info = os.stat(location)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise BadInputError(f"{kind}; name a regular file", source=location)
        if info.st_size > limit.max_bytes:
            raise too_large(location, limit)
        with open(location, "rb") as handle:
            body = handle.read(limit.max_bytes + 1)
    except OSError as exc:
        raise BadInputError(f"cannot read file: {exc.strerror or exc}", source=location) from None
    except ValueError as exc:  # an embedded NUL in the path
        raise BadInputError(f"not a usable path ({exc})", source=location) from None
    if len(body) > limit.max_bytes:
        raise too_large(location, limit)
    return body


def decode_utf8(body: bytes, location: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError("file is not UTF-8 text", source=location) from None


def check_depth(data: Any, source: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse data nested deeper than ``max_depth`` containers (iterative: safe on any depth)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            raise BadInputError(f"nested deeper than {max_depth} levels; flatten the document", source=source)
        stack.extend((child, depth + 1) for child in children)


def _no_duplicates(source: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise BadInputError("duplicate key; keep one of them", source=source, field=key_label(key))
            out[key] = value
        return out

    return hook


def _refuse_constant(source: str) -> Any:
    def hook(name: str) -> float:
        raise BadInputError(f"{name} is not a number; use a finite value", source=source)

    return hook


def parse_json(text: str, source: str, *, allow_nonfinite: bool = False) -> Any:
    """Parse JSON text strictly (see the module docstring)."""
    kwargs: dict[str, Any] = {"object_pairs_hook": _no_duplicates(source)}
    if not allow_nonfinite:
        kwargs["parse_constant"] = _refuse_constant(source)
    try:
        data = json.loads(text, **kwargs)
    except json.JSONDecodeError as exc:
        raise BadInputError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source=source) from None
    except RecursionError:
        raise BadInputError(f"nested deeper than {MAX_DEPTH} levels; flatten the document", source=source) from None
    except ValueError as exc:  # e.g. integer strings longer than Python's limit
        raise BadInputError(f"invalid JSON: {' '.join(str(exc).split())}", source=source) from None
    check_depth(data, source)
    return data


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text with PyYAML's safe loader, strictly (see the module docstring)."""
    import yaml  # imported on use: Lambdas that read no YAML do not pay for it

    try:
        loader = _strict_loader(yaml)(text)
    except yaml.YAMLError as exc:  # the reader refuses NUL and other control characters up front
        raise BadInputError(f"invalid YAML: {' '.join(str(exc).split())}; fix the file", source=source) from None
    try:
        data = loader.get_single_data()
    except BadInputError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise BadInputError(f"invalid YAML: {problem}{where}; fix the file", source=source) from None
    except RecursionError:
        raise BadInputError(f"nested deeper than {MAX_DEPTH} levels; flatten the document", source=source) from None
    finally:
        loader.dispose()
    check_depth(data, source)
    return data


_LOADERS: dict[int, Any] = {}

# The YAML 1.2 core schema's implicit types (YAML 1.2.2, 10.3.2), as (tag, pattern, first characters).
_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"(?:~|null|Null|NULL|)\Z", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"(?:true|True|TRUE|false|False|FALSE)\Z", list("tTfF")),
    ("tag:yaml.org,2002:int", r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z",
        list("-+0123456789."),
    ),
)


def _strict_loader(yaml: Any) -> Any:
    """A SafeLoader subclass that resolves plain scalars by the YAML 1.2 core schema and refuses duplicate keys,
    aliases and over-deep nesting, naming the line."""
    cached = _LOADERS.get(id(yaml))
    if cached is not None:
        return cached

    class StrictLoader(yaml.SafeLoader):
        yaml_implicit_resolvers: dict[Any, list[Any]] = {}  # PyYAML's 1.1 table, replaced below by the core schema

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases are not allowed; write the value out", event.start_mark
                )
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise yaml.composer.ComposerError(
                        None, None, f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark
                    )
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be a plain value", key_node.start_mark
                    ) from None
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_label(key)}; keep one of them", key_node.start_mark
                    )
            return super().construct_mapping(node, deep=deep)

    for tag, pattern, first in _CORE_SCHEMA:
        StrictLoader.add_implicit_resolver(tag, re.compile(pattern), first)

    def core_int(loader: Any, node: Any) -> int:
        text = loader.construct_scalar(node)
        base, digits = (
            (8, text[2:]) if text.startswith("0o") else (16, text[2:]) if text.startswith("0x") else (10, text)
        )
        try:
            return int(digits, base)
        except ValueError:  # longer than Python converts
            raise yaml.constructor.ConstructorError(
                None, None, "an integer too long to read; shorten it", node.start_mark
            ) from None

    StrictLoader.add_constructor("tag:yaml.org,2002:int", core_int)
    _LOADERS[id(yaml)] = StrictLoader
    return StrictLoader
