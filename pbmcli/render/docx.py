"""Blocks → Word (.docx) in the GB/T 9704-2012 layout (page and styles: ooxml.py, tables: tables.py).

Sections: the notice itself (portrait); a landscape section for each run of attachment pages
holding a table of more than ``WIDE_TABLE_COLUMNS`` columns; and, for the 文件 format, a last
section that starts on an even page and holds only the 版记 in its even-page footer, so the
版记 always sits at the foot of the last, even, page (Word adds the blank page before it when
the attachments end on an even page).  A return letter uses the 信函 format (GB/T 9704 10.1):
the 发文机关标志 and the two red double lines in the first page's header and footer.

Output is byte-deterministic for the same input (fixed core properties and zip timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from . import parts
from .blocks import Block
from .ooxml import (  # noqa: F401  (east_asian_width: public helper)
    BODY_PT,
    LANDSCAPE_MARGINS_MM,
    LINE_PT,
    RED,
    STYLES,
    TITLE_PT,
    TYPE_WIDTH_MM,
    border,
    east_asian_width,
    exact_line,
    font_run,
    indent_chars,
    new_document,
    page_setup,
    qn_,
    set_style,
)
from .tables import table_layout, write_table  # noqa: F401
from .titles import title_lines  # noqa: F401  (public helper)

WIDE_TABLE_COLUMNS = 6          # a table with more columns is printed on landscape pages
MARK_TOP_MM = 35.0              # 文件: 发文机关标志 top edge below the type area's top edge
RULE_GAP_PT = 9                 # red rule 4 mm below the 发文字号 (9 pt + the glyph's descent)


def _mm_pt(mm: float) -> float:
    return mm / 25.4 * 72


# ---------------------------------------------------------------- block writers
class _Writer:
    def __init__(self, doc: Any, chart_png: bytes | None) -> None:
        self.doc = doc
        self.chart_png = chart_png
        self.head = ""               # "file" (文件, red 版头) | "letter" (信函) | "" (plain)
        self.page_break = False
        self.attach_seen = 0
        self.closing = False         # inside the 附件说明 / 落款 chain
        self.landscape = False

    @property
    def width_mm(self) -> float:
        """Width of the type area of the current section."""
        m = LANDSCAPE_MARGINS_MM
        return 297.0 - m["left"] - m["right"] if self.landscape else TYPE_WIDTH_MM

    def para(self, style: str, text: str = "", color: str | None = None, size: float | None = None) -> Any:
        spec = STYLES[style]
        p = self.doc.add_paragraph()
        set_style(p, self.doc, style)
        if self.page_break:
            p.paragraph_format.page_break_before = True
            self.page_break = False
        if self.closing:
            p.paragraph_format.keep_with_next = True
        if text:
            font_run(p.add_run(text), spec.font, size or spec.size, spec.bold, color)
        return p

    def blank(self) -> None:
        self.para("flush")

    # one method per block kind ------------------------------------------------
    def redheader(self, b: Block) -> None:
        """文件 format: red 发文机关标志, top edge 35 mm below the type area's top edge."""
        self.head = "file"
        size = parts.mark_size(b.text)
        p = self.para("redheader", b.text, RED, size)
        exact_line(p, size, before=_mm_pt(MARK_TOP_MM))

    def letterhead(self, b: Block) -> None:
        """信函 format (GB/T 9704 10.1): the 版头 in the first page's header and footer."""
        self.head = "letter"
        parts.letterhead(self.doc, b.text)

    def docnum(self, b: Block) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        if self.head == "letter":   # part of the 信函 版头
            parts.letter_number(self.doc, b.text)
            return
        p = self.para("flush", b.text)
        ppr = p._p.get_or_add_pPr()
        if self.head == "file":    # 标志下空二行, centred; the red rule 4 mm below, type-area wide
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            exact_line(p, BODY_PT, before=2 * LINE_PT)
            border(ppr, "bottom", 18, RED, space=RULE_GAP_PT)
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            indent_chars(ppr, right=1)
            self.blank()

    def title(self, b: Block, before: float | None = None, after_line: bool = True) -> None:
        from docx.enum.text import WD_BREAK
        from docx.shared import Pt

        p = self.para("title")
        if before is None and self.head:   # two lines below the red rule / the 发文字号
            before = 2 * LINE_PT
        if before:
            p.paragraph_format.space_before = Pt(before)
        spec = STYLES["title"]
        for i, line in enumerate(title_lines(b.text, self.width_mm / 25.4 * 72 / TITLE_PT)):
            if i:
                p.runs[-1].add_break(WD_BREAK.LINE)
            font_run(p.add_run(line), spec.font, spec.size)
        if after_line:
            self.blank()
        else:   # half a line, so a table fits its page more often
            p.paragraph_format.space_after = Pt(LINE_PT / 2)
            p.paragraph_format.keep_with_next = True

    def subtitle(self, b: Block) -> None:
        """附件标题 on the third line of its page (the label on the first)."""
        self.title(b, before=LINE_PT, after_line=False)

    def _close_body(self) -> None:
        """From the last body paragraph on, everything keeps with the next paragraph, so the
        附件说明 and the 落款 never start a page without body text."""
        from docx.text.paragraph import Paragraph

        if self.closing:
            return
        self.closing = True
        for el in reversed(self.doc.element.body[:-1]):   # the body's sectPr is last
            if el.tag != qn_("w:p"):
                return                                     # a table ends the body
            p = Paragraph(el, self.doc._body)
            p.paragraph_format.keep_with_next = True
            if p.text:
                p.paragraph_format.widow_control = True   # its last two lines at least
                return

    def attach(self, b: Block) -> None:
        """附件说明: 正文下空一行左空二字; a long name wraps under its own first character
        ("附件：" is three characters, a number "1." one; the next numbers stand under "1.")."""
        self._close_body()
        first = not self.attach_seen
        if first:
            self.blank()
        self.attach_seen += 1
        numbered = re.match(r"\d+\.", b.text.removeprefix("附件：")) is not None
        name_at = 2 + 3 + (1 if numbered else 0)
        p = self.para("flush", b.text)
        # the first line starts two characters in; a further number stands under "1."
        indent_chars(p._p.get_or_add_pPr(), left=name_at, hanging=name_at - 2 if first else 1)

    def sign(self, b: Block, date_width: float = 8.0) -> None:
        """落款, centred over the date; kept on one page with the last body lines."""
        self._close_body()
        for _ in range(2):
            self.blank()
        p = self.para("right", b.text)
        shift = max(0.0, (date_width - east_asian_width(b.text)) / 2)
        indent_chars(p._p.get_or_add_pPr(), right=4 + int(round(shift)))

    def date(self, b: Block) -> None:
        p = self.para("right", b.text)
        indent_chars(p._p.get_or_add_pPr(), right=4)
        self.closing = False
        p.paragraph_format.keep_with_next = False

    def note(self, b: Block) -> None:
        """附注 under the date (kept with it)."""
        if self.doc.paragraphs:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        self.para("body", b.text)

    def pagebreak(self, landscape: bool) -> None:
        """The next page; a new section when the orientation changes."""
        from docx.enum.section import WD_SECTION

        self.closing = False
        if landscape == self.landscape:
            self.page_break = True
            return
        sec = parts.end_section(self.doc)
        sec.start_type = WD_SECTION.NEW_PAGE
        page_setup(sec, landscape)
        self.landscape = landscape

    def chart(self, b: Block) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        if not self.chart_png:
            return
        self.blank()
        p = self.para("table")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        width, _ = _png_size(self.chart_png)
        dpi = _png_dpi(self.chart_png) or 300.0
        w_mm = min(width / dpi * 25.4, self.width_mm)   # printed at the resolution it was drawn
        p.add_run().add_picture(io.BytesIO(self.chart_png), width=Mm(w_mm))
        self.para("caption", b.text)

    def label(self, b: Block) -> None:
        self.para("label", b.text)

    def table(self, b: Block) -> None:
        write_table(self.doc, b.rows, b.groups, self.width_mm)

    def keep_table_with_note(self) -> None:
        """A note under a table never stands alone on a page: the last row goes with it."""
        for cell in self.doc.tables[-1].rows[-1].cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True

    def note_under_table(self, b: Block) -> None:
        """A note under a table is not split across pages."""
        self.para("body", b.text).paragraph_format.keep_together = True

    def colophon(self, rows: Sequence[Block]) -> None:
        """版记: 文件 format at the foot of an even last page; a letter's (抄送 only, no 印发
        line) at the foot of its last page."""
        self.closing = False
        if not rows:
            return
        if self.head == "letter" or not any(b.kind == "printed" for b in rows):
            parts.letter_colophon(self.doc, rows, self.width_mm)
        else:
            parts.file_colophon(self.doc, rows)
            self.landscape = False


_TEXT_STYLE = {"p": "body", "h1": "h1", "h2": "h2", "salutation": "flush"}
COLOPHON_KINDS = ("copyto", "printed")


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _png_dpi(png: bytes) -> float | None:
    """Horizontal resolution from the pHYs chunk (pixels per metre), if any."""
    at = png.find(b"pHYs")
    if at < 0 or png[at + 12] != 1:
        return None
    return int.from_bytes(png[at + 4:at + 8], "big") * 0.0254


def _landscape_pages(blocks: Sequence[Block]) -> dict[int, bool]:
    """For each @pagebreak: whether the pages up to the next one hold a wide table."""
    out: dict[int, bool] = {}
    breaks = [i for i, b in enumerate(blocks) if b.kind == "pagebreak"] + [len(blocks)]
    for here, nxt in zip(breaks, breaks[1:], strict=False):
        out[here] = any(b.kind == "table" and max(map(len, b.rows)) > WIDE_TABLE_COLUMNS
                        for b in blocks[here + 1:nxt])
    return out


# ---------------------------------------------------------------- entry points
def build(blocks: Sequence[Block], chart_png: bytes | None = None) -> Any:
    """A python-docx Document for ``blocks``."""
    doc = new_document()
    w = _Writer(doc, chart_png)
    body = [b for b in blocks if b.kind not in COLOPHON_KINDS]
    landscape = _landscape_pages(body)
    note = False   # inside the notes right under a table
    for i, b in enumerate(body):
        if i and body[i - 1].kind == "table" and b.kind == "p":
            w.keep_table_with_note()
        note = b.kind == "p" and i > 0 and (note or body[i - 1].kind == "table")
        if note:
            w.note_under_table(b)
        elif b.kind in _TEXT_STYLE:
            w.para(_TEXT_STYLE[b.kind], b.text)
        elif b.kind == "pagebreak":
            w.pagebreak(landscape[i])
        else:
            getattr(w, b.kind)(b)
    w.colophon([b for b in blocks if b.kind in COLOPHON_KINDS])
    element = doc.element.body
    first = element[0]
    if first.tag == qn_("w:p") and not first.xpath("string(.)") and len(element) > 1 \
            and not first.xpath("./w:pPr/w:sectPr"):
        element.remove(first)   # the template document's empty first paragraph
    return doc


def _core(doc: Any, title: str, author: str, day: dt.date) -> None:
    cp = doc.core_properties
    stamp = dt.datetime(day.year, day.month, day.day)
    cp.title, cp.author, cp.last_modified_by = title, author, author
    cp.created = cp.modified = stamp
    cp.last_printed = stamp
    cp.revision = 1
    cp.comments = cp.keywords = cp.subject = cp.category = ""


def _deterministic_zip(data: bytes) -> bytes:
    """Same bytes for the same document: fixed timestamps, stable member order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            clone = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            clone.compress_type = zipfile.ZIP_DEFLATED
            clone.external_attr = 0o644 << 16
            dst.writestr(clone, src.read(info.filename))
    return out.getvalue()


def to_docx_bytes(blocks: Sequence[Block], *, title: str, author: str, day: dt.date,
                  chart_png: bytes | None = None) -> bytes:
    doc = build(blocks, chart_png)
    _core(doc, title, author, day)
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic_zip(buf.getvalue())
