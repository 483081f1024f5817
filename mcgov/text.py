"""Characters that make text show something other than what it holds, defined once, and the one output sanitizer.

*Hidden* characters are the C0 and C1 controls (ESC included) and DEL, every character of Unicode category Cf
(format: zero-width characters, bidirectional overrides, U+FEFF, the soft hyphen...), Zl and Zp (U+2028, U+2029),
the tag block U+E0000-E007F, the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), U+034F, U+180E, U+FFF9-FFFB,
and lone surrogates (which no UTF-8 text can hold). Card validation refuses them (tab and line feed aside);
every human output (terminal lines and tables, ``card diff``, Markdown, HTML) shows them escaped, ``\\u202e``,
never raw: an ESC sequence cannot repaint a terminal and a right-to-left override cannot reorder a line.

Markdown output also loses GitHub's autolinks: cmark-gfm's autolink extension makes a link of a bare
``http://``/``https://``/``ftp://`` URL, of ``www.`` and of an e-mail address (``mailto:``/``xmpp:`` included), even
out of text that was backslash-escaped; ``defuse_autolinks`` breaks each trigger so card text opens no link.
"""

from __future__ import annotations

import functools
import re
import unicodedata

HANGUL_FILLERS = "\u115f\u1160\u3164\uffa0"
_ALSO_INVISIBLE = frozenset(map(ord, HANGUL_FILLERS + "\u034f\u180e\ufff9\ufffa\ufffb"))
_TAGS = range(0xE0000, 0xE0080)
# Unicode assigns format (Cf) and separator (Zl, Zp) characters only in planes 0 and 1 and in the tag block
# (plane 14): scanning those ranges, once, on first use, finds every one this Python's Unicode database knows.
_SCANNED = (range(0x20000), range(0xE0000, 0xE1000))


def is_hidden(character: str) -> bool:
    """True for a control, format, separator, tag, filler or lone-surrogate character (the module docstring)."""
    point = ord(character)
    return (
        point < 0x20
        or 0x7F <= point <= 0x9F
        or point in _TAGS
        or point in _ALSO_INVISIBLE
        or unicodedata.category(character) in ("Cf", "Zl", "Zp", "Cs")
    )


@functools.cache
def _pattern() -> re.Pattern[str]:
    points = [p for scanned in _SCANNED for p in scanned if is_hidden(chr(p))]
    points += range(0xD800, 0xE000)  # surrogates
    ranges: list[tuple[int, int]] = []
    for point in sorted(set(points)):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return re.compile("[" + "".join(_class_range(a, b) for a, b in ranges) + "]")


def _class_range(first: int, last: int) -> str:
    def one(point: int) -> str:
        return f"\\U{point:08x}"

    return one(first) if first == last else f"{one(first)}-{one(last)}"


def hidden_characters(text: str, allow: str = "") -> list[str]:
    """The hidden characters of ``text`` in order, as ``U+XXXX``, except those in ``allow`` (say ``"\\t\\n"``)."""
    return [f"U+{ord(c):04X}" for c in _pattern().findall(text) if c not in allow]


def first_hidden(value: object, allow: str = "\t\n") -> str | None:
    """The first hidden character (``U+XXXX``) in a string, or in a list's or dict's strings, keys included."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            for match in _pattern().finditer(node):
                if match.group() not in allow:
                    return f"U+{ord(match.group()):04X}"
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def escape(character: str) -> str:
    """How a hidden character is shown: ``\\x1b``, ``\\u202e``, ``\\U000e0041`` (Python's escapes)."""
    point = ord(character)
    if point <= 0xFF:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with every hidden character escaped, except those in ``keep`` (``"\\n"`` for multi-line output).

    The result holds no hidden character (an escape is plain ASCII), so applying it again changes nothing.
    """
    return _pattern().sub(lambda m: m.group() if m.group() in keep else escape(m.group()), text)


def visible_json(text: str) -> str:
    """JSON text (as ``json.dumps`` writes it) with every hidden character inside its strings written as a JSON
    escape (``\\u202e``; a surrogate pair past U+FFFF), so it parses to exactly the same data.

    ``json.dumps`` escapes tab, line feed and carriage return inside strings itself: raw ones are the document's
    own whitespace (``indent=``) and stay.
    """
    return _pattern().sub(lambda m: m.group() if m.group() in "\t\n\r" else _json_escape(m.group()), text)


def _json_escape(character: str) -> str:
    point = ord(character)
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def strip_invisible(text: str) -> str:
    """``text`` without the hidden characters that take no room (format, tag, filler): how names and values are
    compared (``db\\u200bpassword`` is ``dbpassword``). Controls and line separators stay: they separate words."""
    return _pattern().sub(lambda m: m.group() if _separates(m.group()) else "", text)


def _separates(character: str) -> bool:
    point = ord(character)
    return point < 0x20 or 0x7F <= point <= 0x9F or unicodedata.category(character) in ("Zl", "Zp", "Cs")


_URL_SCHEME = re.compile(r":(?=//)")
_WWW = re.compile(r"(?<=www)\.")


def defuse_autolinks(markdown: str) -> str:
    """Markdown ``markdown`` (already escaped) that cmark-gfm's autolink extension makes no link of.

    A URL link starts at the ``:`` of ``scheme://``, which a backslash escape hides from it; a ``www.`` link
    needs the literal ``www.``, so ``www\\.`` is not one. An e-mail link is found after parsing, in the merged
    text, so no escape helps: an empty ``<wbr>`` element after each ``@`` splits the text node and the address
    in it (``<wbr>`` only marks where a long line may wrap; it shows nothing).
    """
    text = _URL_SCHEME.sub(r"\\:", markdown)
    text = _WWW.sub(r"\\.", text)
    return text.replace("@", "@<wbr>")
