"""Blocks → Word (.docx) in the GB/T 9704-2012 layout (page and styles: ooxml.py, tables: tables.py).

Output is byte-deterministic for the same input (fixed core properties and zip timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from .blocks import Block
from .ooxml import (  # noqa: F401  (title_lines, east_asian_width: public helpers)
    BODY_PT,
    FOOTER_PT,
    RED,
    STYLES,
    TYPE_WIDTH_MM,
    border,
    east_asian_width,
    font_run,
    indent_chars,
    new_document,
    qn_,
    set_style,
    title_lines,
)
from .tables import table_layout, write_table  # noqa: F401


# ---------------------------------------------------------------- block writers
class _Writer:
    def __init__(self, doc: Any, chart_png: bytes | None) -> None:
        self.doc = doc
        self.chart_png = chart_png
        self.red_header = False
        self.page_break = False
        self.attach_seen = False

    def para(self, style: str, text: str = "", color: str | None = None, size: float | None = None) -> Any:
        spec = STYLES[style]
        p = self.doc.add_paragraph()
        set_style(p, self.doc, style)
        if self.page_break:
            p.paragraph_format.page_break_before = True
            self.page_break = False
        if text:
            font_run(p.add_run(text), spec.font, size or spec.size, spec.bold, color)
        return p

    def blank(self) -> None:
        self.para("flush")

    # one method per block kind ------------------------------------------------
    def redheader(self, b: Block) -> None:
        from docx.shared import Mm, Pt

        self.red_header = True
        size = min(36.0, TYPE_WIDTH_MM / 25.4 * 72 / max(east_asian_width(b.text), 1) * 0.95)
        p = self.para("redheader", b.text, RED, size)
        p.paragraph_format.space_before = Mm(12)
        p.paragraph_format.space_after = Pt(BODY_PT)

    def docnum(self, b: Block) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.para("flush", b.text)
        ppr = p._p.get_or_add_pPr()
        if self.red_header:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            border(ppr, "bottom", 18, RED, space=11)   # red separator 4 mm below, type-area wide
            self.blank()
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            indent_chars(ppr, right=1)
        self.blank()

    def title(self, b: Block) -> None:
        from docx.enum.text import WD_BREAK

        p = self.para("title")
        spec = STYLES["title"]
        for i, line in enumerate(title_lines(b.text)):
            if i:
                p.runs[-1].add_break(WD_BREAK.LINE)
            font_run(p.add_run(line), spec.font, spec.size)
        self.blank()

    subtitle = title

    def attach(self, b: Block) -> None:
        if not self.attach_seen:
            self.blank()
            self.para("body", b.text)
        else:
            p = self.para("flush", b.text)
            indent_chars(p._p.get_or_add_pPr(), left=5)
        self.attach_seen = True

    def sign(self, b: Block, date_width: float = 8.0) -> None:
        """落款, centred over the date; kept on one page with the last body lines."""
        for prev in self.doc.paragraphs[-2:]:
            prev.paragraph_format.keep_with_next = True
        for _ in range(2):
            self.blank()
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        p = self.para("right", b.text)
        p.paragraph_format.keep_with_next = True
        shift = max(0.0, (date_width - east_asian_width(b.text)) / 2)
        indent_chars(p._p.get_or_add_pPr(), right=4 + int(round(shift)))

    def date(self, b: Block) -> None:
        p = self.para("right", b.text)
        indent_chars(p._p.get_or_add_pPr(), right=4)

    def pagebreak(self, b: Block) -> None:
        self.page_break = True

    def chart(self, b: Block) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        if not self.chart_png:
            return
        self.blank()
        p = self.para("table")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width, height = _png_size(self.chart_png)
        w_mm = min(150.0, 200.0 * width / max(height, 1))
        p.add_run().add_picture(io.BytesIO(self.chart_png), width=Mm(w_mm))
        self.para("table", b.text)

    def copyto(self, b: Block) -> None:
        self.blank()
        p = self.para("colophon", "\u3000" + b.text)   # 左右各空一字; lines span the type area
        ppr = p._p.get_or_add_pPr()
        border(ppr, "top", 8)
        border(ppr, "bottom", 4)

    def printed(self, b: Block) -> None:
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Mm, Pt

        prev = self.doc.paragraphs[-1] if self.doc.paragraphs else None
        has_copy = prev is not None and prev.style.name == STYLES["colophon"].name
        if not has_copy:
            self.blank()
        office, day = ([*b.parts, ""])[:2]
        p = self.para("colophon", "\u3000" + office + "\t" + day)
        ppr = p._p.get_or_add_pPr()
        if not has_copy:
            border(ppr, "top", 8)
        border(ppr, "bottom", 8)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(TYPE_WIDTH_MM) - Pt(FOOTER_PT),
                                                  WD_TAB_ALIGNMENT.RIGHT)

    def table(self, b: Block) -> None:
        write_table(self.doc, b.rows, b.groups)


_TEXT_STYLE = {"p": "body", "h1": "h1", "h2": "h2", "salutation": "flush", "note": "body",
               "label": "label"}


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# ---------------------------------------------------------------- entry points
def build(blocks: Sequence[Block], chart_png: bytes | None = None) -> Any:
    """A python-docx Document for ``blocks``."""
    doc = new_document()
    w = _Writer(doc, chart_png)
    for b in blocks:
        if b.kind in _TEXT_STYLE:
            w.para(_TEXT_STYLE[b.kind], b.text)
        else:
            getattr(w, b.kind)(b)
    body = doc.element.body
    first = body[0]
    if first.tag == qn_("w:p") and not first.xpath("string(.)") and len(body) > 1:
        body.remove(first)   # the template document's empty first paragraph
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
