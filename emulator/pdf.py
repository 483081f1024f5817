"""A minimal PDF 1.4 writer (stdlib only): lines of Helvetica text, wrapped and paginated, with a correct xref.

The emulator's model-card export jobs use it to write a real PDF that ``pdftotext`` and viewers read. It draws
text only: the standard Type 1 fonts Helvetica and Helvetica-Bold (every PDF reader has them, so nothing is
embedded) in WinAnsiEncoding; a character outside that encoding becomes ``?``. The output is a pure function of
its input (no dates, ids or random bytes), so the same card always gives the same bytes.

Format: ISO 32000-1 (PDF 1.7, of which 1.4 is a subset) sections 7.5 (file structure: header, objects, xref
table of 20-byte entries, trailer, ``startxref``), 7.3.4.2 (literal strings and their escapes) and 9.6.2.2
(the standard 14 fonts); the widths are those of Adobe's Helvetica AFM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, points
MARGIN = 54

# Adobe Helvetica AFM widths (1/1000 em) of the printable ASCII characters 32..126.
_WIDTHS = (
    278,
    278,
    355,
    556,
    556,
    889,
    667,
    191,
    333,
    333,
    389,
    584,
    278,
    333,
    278,
    278,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    556,
    278,
    278,
    584,
    584,
    584,
    556,
    1015,
    667,
    667,
    722,
    722,
    667,
    611,
    778,
    722,
    278,
    500,
    667,
    556,
    833,
    722,
    778,
    667,
    778,
    722,
    667,
    611,
    722,
    667,
    944,
    667,
    667,
    611,
    278,
    278,
    278,
    469,
    556,
    333,
    556,
    556,
    500,
    556,
    556,
    278,
    556,
    556,
    222,
    222,
    500,
    222,
    833,
    556,
    556,
    556,
    556,
    333,
    500,
    278,
    556,
    500,
    722,
    500,
    500,
    500,
    334,
    260,
    334,
    584,
)
_BOLD_FACTOR = 1.1  # Helvetica-Bold is at most ~10% wider than Helvetica for these characters
_WIDE = 1000  # any other character: as wide as an em, so a wrapped line never overflows


class Style(Enum):
    """How a line is set: (font resource, size in points, leading in points, indent in points)."""

    TITLE = ("F2", 18, 26, 0)
    HEADING = ("F2", 13, 20, 0)
    SUBHEADING = ("F2", 10.5, 15, 8)
    BODY = ("F1", 9.5, 12.5, 16)
    SMALL = ("F1", 8, 10.5, 16)

    @property
    def font(self) -> str:
        return self.value[0]

    @property
    def size(self) -> float:
        return self.value[1]

    @property
    def leading(self) -> float:
        return self.value[2]

    @property
    def indent(self) -> float:
        return self.value[3]


@dataclass(frozen=True)
class Line:
    """One paragraph of text in a style (wrapped to the page width when it is too long)."""

    text: str
    style: Style = Style.BODY


def text_width(text: str, style: Style) -> float:
    """Width of ``text`` in points when set in ``style``."""
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) <= 126 else _WIDE for c in text)
    return units * style.size / 1000 * (_BOLD_FACTOR if style.font == "F2" else 1.0)


def wrap(text: str, style: Style, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points: at spaces, or inside a word too long for a line."""
    lines: list[str] = []
    current = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, style) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while text_width(word, style) > width:
            cut = max(1, _fit(word, style, width))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def _fit(word: str, style: Style, width: float) -> int:
    """How many leading characters of ``word`` fit in ``width``."""
    for n in range(len(word), 0, -1):
        if text_width(word[:n], style) <= width:
            return n
    return 0


def pdf_string(text: str) -> bytes:
    """A PDF literal string of ``text`` in WinAnsiEncoding: ``\\``, ``(`` and ``)`` escaped, control characters
    dropped, characters outside cp1252 replaced by ``?``."""
    clean = "".join(c for c in text if c >= " " and c != "\x7f")
    raw = clean.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _info_string(text: str) -> bytes:
    """A text string for the document information dictionary: UTF-16BE with a byte-order mark, in hex."""
    clean = "".join(c for c in text if c >= " ")
    return b"<FEFF" + clean.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def paginate(lines: Iterable[Line]) -> list[list[tuple[Line, str, float]]]:
    """Pages of (line, wrapped text, baseline y); a heading never ends a page with nothing after it."""
    pages: list[list[tuple[Line, str, float]]] = [[]]
    y: float = PAGE_HEIGHT - MARGIN
    bottom = MARGIN
    for line in lines:
        width = PAGE_WIDTH - 2 * MARGIN - line.style.indent
        parts = wrap(line.text, line.style, width)
        needed = line.style.leading * (len(parts) + (2 if line.style in (Style.HEADING, Style.SUBHEADING) else 0))
        if pages[-1] and y - min(needed, PAGE_HEIGHT - 2 * MARGIN) < bottom:
            pages.append([])
            y = PAGE_HEIGHT - MARGIN
        for part in parts:
            if y - line.style.leading < bottom:
                pages.append([])
                y = PAGE_HEIGHT - MARGIN
            y -= line.style.leading
            pages[-1].append((line, part, y))
    return pages


def _page_stream(rows: Sequence[tuple[Line, str, float]], footer: str) -> bytes:
    out = [b"BT"]
    for line, text, y in rows:
        x = MARGIN + line.style.indent
        out.append(
            b"/%s %s Tf 1 0 0 1 %s %s Tm %s Tj"
            % (line.style.font.encode(), _num(line.style.size), _num(x), _num(y), pdf_string(text))
        )
    out.append(b"/F1 8 Tf 1 0 0 1 %s %s Tm %s Tj" % (_num(MARGIN), _num(MARGIN / 2), pdf_string(footer)))
    out.append(b"ET")
    return b"\n".join(out) + b"\n"


def _num(value: float) -> bytes:
    return (f"{value:.2f}".rstrip("0").rstrip(".")).encode("ascii")


def build_pdf(lines: Iterable[Line], *, title: str = "", footer: str = "") -> bytes:
    """A complete PDF 1.4 file of ``lines``; each page ends with ``footer`` and "page i of n"."""
    pages = paginate(lines)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    fonts = (
        add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
        add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"),
    )
    info = add(b"<< /Title %s /Producer %s >>" % (_info_string(title), _info_string("mcgov emulator")))
    tree = len(objects) + 1 + 2 * len(pages)
    kids = []
    for number, rows in enumerate(pages, start=1):
        label = f"{footer} - page {number} of {len(pages)}" if footer else f"page {number} of {len(pages)}"
        stream = _page_stream(rows, label)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (tree, PAGE_WIDTH, PAGE_HEIGHT, content, fonts[0], fonts[1])
            )
        )
    assert (
        add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % kid for kid in kids), len(kids)))
        == tree
    )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)
