"""Java regular expressions (the dialect of botocore's ``pattern`` traits) translated to Python ``re``.

AWS validates input members server-side with ``java.util.regex`` and whole-value matching (``Matcher.matches``);
``compile_java(pattern).fullmatch(value)`` gives the same verdict. What differs between the dialects and how it
is translated:

* ``.`` excludes every Java line terminator (``\\n \\r \\u0085 \\u2028 \\u2029``), not only ``\\n``.
* ``$`` and ``\\Z`` match at the end or before one final line terminator (``\\r\\n`` counts as one); ``\\z`` is the
  very end. Anchors and look-arounds may be quantified (``${1,128}``).
* ``\\d \\w \\s`` and POSIX classes (``\\p{Alnum}``, ``\\p{Print}``...) are US-ASCII; ``\\p{L}``-style general
  categories are Unicode; ``\\h \\v \\R`` are Java's horizontal/vertical whitespace and line break; ``\\b`` uses
  Java 17's word characters (letters, decimal digits, ``_``).
* Character classes nest (``[a[b]]``), intersect (``[a-z&&[^aeiou]]``) and negate as a whole; they are emitted
  as explicit code point ranges.
* ``\\Q...\\E`` quotes; ``\\uXXXX`` takes exactly four digits and joins an escaped surrogate pair into one code
  point; ``\\x{...}``, ``\\0ooo``, ``\\cX``, ``\\e``, ``\\a``; ``(?<name>...)`` and ``\\k<name>``.
* Inline flags ``(?i)``/``(?s)`` (also ``(?i:...)``, ``(?-i)``) apply to the rest of the enclosing group, across
  ``|``; case-insensitivity is ASCII-only, as in Java without ``(?u)``. They are applied while translating.
* Possessive quantifiers and atomic groups are kept (Python 3.11+ has them).

Anything else Java has and this does not (other flags, ``\\G``, ``\\X``, scripts and blocks) raises
``UnsupportedJavaRegex`` rather than being guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from mcgov.emulator.inputs import charsets
from mcgov.emulator.inputs.charsets import Ranges


class UnsupportedJavaRegex(ValueError):
    """The pattern uses a Java construct this translator does not implement (or is not valid Java)."""


_DOLLAR = r"(?:(?=\r\n\Z|(?<!\r)\n\Z|[\r\x85\u2028\u2029]\Z|\Z))"
_LINEBREAK = r"(?>\r\n|[\n\x0b\x0c\r\x85\u2028\u2029])"
_QUANTIFIER = re.compile(r"(?:[*+?]|\{(\d+)(,(\d*))?\})[?+]?")
_SIMPLE_ESCAPES = {"t": 0x09, "n": 0x0A, "r": 0x0D, "f": 0x0C, "a": 0x07, "e": 0x1B}
_CLASS_ESCAPES: dict[str, Ranges] = {
    "d": charsets.DIGIT,
    "w": charsets.WORD,
    "s": charsets.SPACE,
    "h": charsets.HORIZONTAL_SPACE,
    "v": charsets.VERTICAL_SPACE,
}
_SUPPORTED_FLAGS = frozenset("is")


@dataclass
class _Flags:
    ignore_case: bool = False
    dotall: bool = False

    def copy(self) -> _Flags:
        return _Flags(self.ignore_case, self.dotall)


def _emit_ranges(ranges: Ranges) -> str:
    if not ranges:
        return "(?!)"
    parts = []
    for low, high in ranges:
        parts.append(f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}")
    return "[" + "".join(parts) + "]"


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.flags = _Flags()

    def error(self, what: str) -> UnsupportedJavaRegex:
        return UnsupportedJavaRegex(f"{what} at index {self.i} of Java pattern {self.p!r}")

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.p[j] if j < len(self.p) else ""

    # --- sequences and groups -------------------------------------------------------------------------------

    def translate(self) -> str:
        out = self.sequence()
        if self.i < len(self.p):
            raise self.error("unmatched ')'")
        return out

    def sequence(self) -> str:
        """Translate up to the ``)`` closing the current group (not consumed) or the end."""
        out: list[str] = []
        quantifiable = False
        while self.i < len(self.p):
            ch = self.p[self.i]
            if ch == ")":
                break
            if ch == "|":
                self.i += 1
                out.append("|")
                quantifiable = False
                continue
            quantifier = _QUANTIFIER.match(self.p, self.i)
            if quantifier and ch in "*+?{":
                if not quantifiable:
                    raise self.error("dangling quantifier")
                low, high = quantifier.group(1), quantifier.group(3)
                if high and low and int(high) < int(low):
                    raise self.error("illegal repetition range")
                out.append(quantifier.group(0))
                self.i = quantifier.end()
                quantifiable = False
                continue
            if ch == "{":
                raise self.error("illegal repetition")
            atoms = self.atom()
            out.extend(atoms)
            quantifiable = bool(atoms)
        return "".join(out)

    def atom(self) -> list[str]:
        """One or more atoms (``\\Q..\\E`` gives one per character; an inline flag group gives none)."""
        ch = self.p[self.i]
        if ch == "(":
            return self.group()
        if ch == "[":
            return [_emit_ranges(self.case_folded(self.char_class()))]
        if ch == "\\":
            return self.escape()
        self.i += 1
        if ch == ".":
            dot = charsets.complement(()) if self.flags.dotall else charsets.complement(charsets.LINE_TERMINATORS)
            return [_emit_ranges(dot)]
        if ch == "^":
            return ["(?:^)"]
        if ch == "$":
            return [_DOLLAR]
        return [self.literal(ord(ch))]

    def literal(self, cp: int) -> str:
        ranges = self.case_folded(charsets.chars(cp))
        if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
            return f"\\U{cp:08x}"
        return _emit_ranges(ranges)

    def case_folded(self, ranges: Ranges) -> Ranges:
        return charsets.case_variants(ranges) if self.flags.ignore_case else ranges

    def group(self) -> list[str]:
        self.i += 1  # (
        saved = self.flags.copy()
        opener = "(?:"
        if self.peek() == "?":
            kind = self.p[self.i + 1 : self.i + 4]
            if kind.startswith((":", "=", "!", ">")):
                opener = "(?" + kind[0]
                self.i += 2
            elif kind.startswith(("<=", "<!")):
                opener = "(?" + kind[:2]
                self.i += 3
            elif kind.startswith("<"):
                end = self.p.find(">", self.i)
                name = self.p[self.i + 2 : end] if end > 0 else ""
                if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
                    raise self.error("bad group name")
                opener = f"(?P<{name}>"
                self.i = end + 1
            else:
                inline = self.inline_flags()
                if inline:  # (?i) alone: applies to the rest of the enclosing group, emits nothing
                    return []
                opener = "(?:"  # (?i:...) : flags set for the new group only
        else:
            opener = "("
        inner = self.sequence()
        if self.peek() != ")":
            raise self.error("unclosed group")
        self.i += 1
        self.flags = saved
        return [opener + inner + ")"]

    def inline_flags(self) -> bool:
        """Parse ``?flags)`` or ``?flags:``; True for the former (flags for the rest of the enclosing group)."""
        match = re.compile(r"\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([):])").match(self.p, self.i)
        if not match:
            raise self.error("unknown group construct")
        on, off = match.group(1), match.group(2) or ""
        for flag in on + off:
            if flag not in _SUPPORTED_FLAGS:
                raise self.error(f"flag {flag!r}")
        if "i" in on:
            self.flags.ignore_case = True
        if "s" in on:
            self.flags.dotall = True
        if "i" in off:
            self.flags.ignore_case = False
        if "s" in off:
            self.flags.dotall = False
        self.i = match.end()
        return match.group(3) == ")"

    # --- escapes --------------------------------------------------------------------------------------------

    def escape(self) -> list[str]:
        """Translate an escape outside a class."""
        nxt = self.peek(1)
        if nxt == "Q":
            return [self.literal(cp) for cp in self.quoted()]
        simple = {
            "A": "(?:\\A)",
            "z": "(?:\\Z)",
            "Z": _DOLLAR,
            "R": _LINEBREAK,
        }
        if nxt in simple:
            self.i += 2
            return [simple[nxt]]
        if nxt in "bB":
            self.i += 2
            word = _emit_ranges(charsets.letter_or_digit())
            boundary = f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"
            return [boundary if nxt == "b" else f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))"]
        if nxt.isdigit() and nxt != "0":
            self.i += 2
            if self.flags.ignore_case:
                raise self.error("case-insensitive back reference")
            return [f"(?:\\{nxt})"]
        if nxt == "k":
            end = self.p.find(">", self.i)
            if self.peek(2) != "<" or end < 0:
                raise self.error("bad named back reference")
            name = self.p[self.i + 3 : end]
            self.i = end + 1
            return [f"(?P={name})"]
        ranges = self.class_escape()
        if ranges is not None:
            return [_emit_ranges(self.case_folded(ranges))]
        return [self.literal(self.char_escape())]

    def quoted(self) -> list[int]:
        """``\\Q...\\E`` (or to the end): the quoted characters."""
        end = self.p.find("\\E", self.i + 2)
        text = self.p[self.i + 2 : end if end >= 0 else len(self.p)]
        self.i = end + 2 if end >= 0 else len(self.p)
        return [ord(c) for c in text]

    def class_escape(self) -> Ranges | None:
        """A predefined or property class at ``\\``, or None if the escape is a single character."""
        nxt = self.peek(1)
        if nxt.lower() in _CLASS_ESCAPES:
            self.i += 2
            ranges = _CLASS_ESCAPES[nxt.lower()]
            return charsets.complement(ranges) if nxt.isupper() else ranges
        if nxt in "pP":
            self.i += 2
            if self.peek() == "{":
                end = self.p.find("}", self.i)
                if end < 0:
                    raise self.error("unclosed property")
                name = self.p[self.i + 1 : end]
                self.i = end + 1
            else:
                name = self.peek()
                self.i += 1
            ranges = self.property(name)
            return charsets.complement(ranges) if nxt == "P" else ranges
        return None

    def property(self, name: str) -> Ranges:
        if name in charsets.POSIX:
            return charsets.POSIX[name]
        for prefix in ("Is", "gc=", "general_category="):
            if name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix) :]
                break
        ranges = charsets.general_category(name)
        if ranges is None:
            raise self.error(f"property {name!r}")
        return ranges

    def char_escape(self) -> int:
        """A single-character escape at ``\\``: its code point."""
        nxt = self.peek(1)
        if nxt in _SIMPLE_ESCAPES:
            self.i += 2
            return _SIMPLE_ESCAPES[nxt]
        if nxt == "u":
            cp = self.hex_digits(2, 4)
            if 0xD800 <= cp <= 0xDBFF and self.p.startswith("\\u", self.i):
                saved = self.i
                low = self.hex_digits(2, 4)
                if 0xDC00 <= low <= 0xDFFF:
                    return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                self.i = saved
            return cp
        if nxt == "x":
            if self.peek(2) == "{":
                end = self.p.find("}", self.i)
                digits = self.p[self.i + 3 : end]
                if end < 0 or not re.fullmatch(r"[0-9a-fA-F]+", digits) or int(digits, 16) > charsets.MAX_CODE_POINT:
                    raise self.error("bad \\x{...}")
                self.i = end + 1
                return int(digits, 16)
            return self.hex_digits(2, 2)
        if nxt == "0":
            match = re.compile(r"[0-3][0-7]{2}|[0-7]{1,2}").match(self.p, self.i + 2)
            if not match:
                raise self.error("bad octal escape")
            self.i = match.end()
            return int(match.group(0), 8)
        if nxt == "c":
            if self.i + 2 >= len(self.p):
                raise self.error("bad control escape")
            self.i += 3
            return ord(self.p[self.i - 1]) ^ 64
        if nxt and not nxt.isalnum():
            self.i += 2
            return ord(nxt)
        raise self.error(f"escape \\{nxt}")

    def hex_digits(self, skip: int, count: int) -> int:
        digits = self.p[self.i + skip : self.i + skip + count]
        if len(digits) != count or not re.fullmatch(r"[0-9a-fA-F]+", digits):
            raise self.error("bad hexadecimal escape")
        self.i += skip + count
        return int(digits, 16)

    # --- character classes ----------------------------------------------------------------------------------

    def char_class(self) -> Ranges:
        """``[...]`` at ``self.i`` with Java's nesting, ``&&`` intersection and whole-class negation."""
        self.i += 1
        negate = self.peek() == "^"
        if negate:
            self.i += 1
        result = self.class_union(first=True)
        if self.peek() != "]":
            raise self.error("unclosed character class")
        self.i += 1
        return charsets.complement(result) if negate else result

    def class_union(self, first: bool) -> Ranges:
        """Items up to ``]`` (not consumed); ``&&`` intersects what precedes with what follows."""
        collected: Ranges = ()
        while True:
            ch = self.peek()
            if ch == "":
                raise self.error("unclosed character class")
            if ch == "]" and not first:
                return collected
            first = False
            if ch == "[":
                collected = charsets.union(collected, self.char_class())
                continue
            if self.p.startswith("&&", self.i):
                self.i += 2
                right = self.class_union(first=False)
                return charsets.intersect(collected, right)
            collected = charsets.union(collected, self.class_range())

    def class_range(self) -> Ranges:
        """A single character, a range ``a-z`` or an escaped class inside ``[...]``."""
        if self.peek() == "\\":
            if self.peek(1) == "Q":
                return charsets.chars(*self.quoted())
            ranges = self.class_escape()
            if ranges is not None:
                return ranges
            low = self.char_escape()
        else:
            low = ord(self.p[self.i])
            self.i += 1
        if self.peek() == "-" and self.peek(1) not in ("]", "[", "") and not self.p.startswith("-&&", self.i):
            self.i += 1
            if self.peek() == "\\":
                if self.peek(1) in "QdDwWsShHvVpP":
                    raise self.error("illegal character range")
                high = self.char_escape()
            else:
                high = ord(self.p[self.i])
                self.i += 1
            if high < low:
                raise self.error("illegal character range")
            return ((low, high),)
        return charsets.chars(low)


def translate(pattern: str) -> str:
    """The Python ``re`` source equivalent to Java ``pattern`` (compile it with ``re.ASCII``)."""
    return _Translator(pattern).translate()


@cache
def compile_java(pattern: str) -> re.Pattern[str]:
    """Compiled Python equivalent of a Java pattern; use ``fullmatch`` for AWS's whole-value matching."""
    try:
        return re.compile(translate(pattern), re.ASCII)
    except re.error as exc:
        raise UnsupportedJavaRegex(f"Java pattern {pattern!r} translates to invalid Python: {exc}") from exc
