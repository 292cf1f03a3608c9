"""Blocks → Word (.docx) in the GB/T 9704-2012 layout, with python-docx plus direct OOXML.

Page: A4, margins top 37 / left 28 / bottom 35 / right 26 mm, fixed 28.95 pt line pitch.
Fonts: every style and every run carries w:eastAsia (and ascii/hAnsi/cs) so Word and WPS
never fall back to a theme font.  Page numbers "— 1 —" in 4号宋体, odd pages right and
even pages left (w:evenAndOddHeaders).  Output is byte-deterministic for the same input.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import fonts
from .blocks import Block

BODY_PT = 16.0          # 3号
TITLE_PT = 22.0         # 2号
FOOTER_PT = 14.0        # 4号
LINE_PT = 28.95         # fixed line pitch
TYPE_WIDTH_MM = 156.0   # 版心宽
MARGINS_MM = {"top": 37.0, "left": 28.0, "bottom": 35.0, "right": 26.0}
RED = "FF0000"


@dataclass(frozen=True)
class StyleSpec:
    name: str
    font: str
    size: float
    align: str = "justify"      # left | center | right | justify
    indent_chars: int = 2       # first-line indent in characters
    exact: bool = True          # exact 28.95 pt line spacing
    outline: int | None = None  # heading level for the navigation pane
    bold: bool = False


STYLES = {
    "body": StyleSpec("Normal", fonts.BODY, BODY_PT),
    "title": StyleSpec("GW Title", fonts.TITLE, TITLE_PT, "center", 0),
    "h1": StyleSpec("GW Heading 1", fonts.HEI, BODY_PT, outline=0),
    "h2": StyleSpec("GW Heading 2", fonts.KAI, BODY_PT, outline=1),
    "flush": StyleSpec("GW Flush", fonts.BODY, BODY_PT, "justify", 0),
    "right": StyleSpec("GW Right", fonts.BODY, BODY_PT, "right", 0),
    "label": StyleSpec("GW Label", fonts.HEI, BODY_PT, "left", 0),
    "redheader": StyleSpec("GW Red Header", fonts.TITLE, 36.0, "center", 0, exact=False),
    "table": StyleSpec("GW Table", fonts.TABLE, 12.0, "center", 0, exact=False),
    "table_head": StyleSpec("GW Table Head", fonts.TABLE_HEAD, 12.0, "center", 0, exact=False),
    "footer": StyleSpec("GW Footer", fonts.SONG, FOOTER_PT, "right", 0, exact=False),
    "colophon": StyleSpec("GW Colophon", fonts.BODY, FOOTER_PT, "left", 0),
}


# ---------------------------------------------------------------- OOXML helpers
def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def set_fonts(rpr: Any, name: str) -> None:
    """rFonts ascii/hAnsi/eastAsia/cs = name; theme fonts removed (they would win)."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(_qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(_qn(attr), name)


def font_run(run: Any, name: str, size: float, bold: bool = False, color: str | None = None) -> Any:
    from docx.shared import Pt, RGBColor

    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    set_fonts(run._r.get_or_add_rPr(), name)
    return run


PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)


def ppr_child(ppr: Any, tag: str) -> Any:
    """The pPr child ``tag``, created in schema order when missing."""
    el = ppr.find(_qn(tag))
    if el is None:
        from docx.oxml import OxmlElement

        el = OxmlElement(tag)
        ppr.insert_element_before(el, *PPR_ORDER[PPR_ORDER.index(tag) + 1:])
    return el


def indent_chars(ppr: Any, first: int = 0, left: int = 0, right: int = 0, size: float = BODY_PT) -> None:
    """Indents in characters (w:*Chars, 100 = 1 char) with twip fallbacks for other readers."""
    tw = int(round(size * 20))
    attrs = {"firstLineChars": first * 100, "firstLine": first * tw}
    if left:
        attrs |= {"leftChars": left * 100, "left": left * tw}
    if right:
        attrs |= {"rightChars": right * 100, "right": right * tw}
    ind = ppr_child(ppr, "w:ind")
    for key in ("firstLineChars", "firstLine", "hangingChars", "hanging"):
        ind.attrib.pop(_qn(f"w:{key}"), None)
    for key, value in attrs.items():
        ind.set(_qn(f"w:{key}"), str(value))


def border(ppr: Any, side: str, size: int, color: str = "000000", space: int = 1) -> None:
    """A paragraph border line (sz in eighths of a point)."""
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space)), ("color", color)):
        el.set(_qn(f"w:{key}"), value)
    ppr_child(ppr, "w:pBdr").append(el)


_BREAK_AFTER = set("于的局度作府会年月效位室心")   # a title line may end well after these


def title_lines(text: str, capacity: float = TYPE_WIDTH_MM / 25.4 * 72 / TITLE_PT) -> list[str]:
    """Split a long title into balanced lines (回行时词意完整、排列对称), each ≤ capacity."""
    import math

    width = east_asian_width(text)
    n = math.ceil(width / int(capacity))
    if n <= 1:
        return [text]
    target = width / n
    lines: list[str] = []
    rest = text
    while len(lines) < n - 1:
        cands = [k for k in range(1, len(rest)) if east_asian_width(rest[:k]) <= int(capacity)]
        best = min(cands, key=lambda k: abs(east_asian_width(rest[:k]) - target)
                   + (0 if rest[k - 1] in _BREAK_AFTER else 3.0))
        lines.append(rest[:best])
        rest = rest[best:]
    return [*lines, rest]


def east_asian_width(text: str, half: float = 0.5) -> float:
    """Width in body characters (full-width = 1, half-width = ``half``)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else half for c in text)


# ---------------------------------------------------------------- document setup
def _style(doc: Any, spec: StyleSpec) -> Any:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    styles = doc.styles
    style = styles[spec.name] if spec.name in [s.name for s in styles] else \
        styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    if spec.name != "Normal":
        style.base_style = styles["Normal"]
        style.quick_style = True
    style.font.size = Pt(spec.size)
    style.font.bold = spec.bold
    set_fonts(style.element.get_or_add_rPr(), spec.font)
    pf = style.paragraph_format
    pf.alignment = getattr(WD_ALIGN_PARAGRAPH, spec.align.upper())
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = False
    if spec.exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = style.element.get_or_add_pPr()
    indent_chars(ppr, first=spec.indent_chars, size=spec.size)
    if spec.size != BODY_PT:   # only 3号 text sits on the 28.95 pt document grid
        ppr_child(ppr, "w:snapToGrid").set(_qn("w:val"), "0")
    if spec.outline is not None:
        ppr_child(ppr, "w:outlineLvl").set(_qn("w:val"), str(spec.outline))
    return style


def _doc_defaults(doc: Any) -> None:
    """docDefaults rPr: East-Asian font too, so even unstyled text is 仿宋."""
    rpr_default = doc.styles.element.find(_qn("w:docDefaults"))
    rpr = rpr_default.find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
    set_fonts(rpr, fonts.BODY)
    lang = rpr.find(_qn("w:lang"))
    if lang is not None:
        lang.set(_qn("w:eastAsia"), "zh-CN")


def _page(doc: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    sec.header_distance, sec.footer_distance = Mm(15), Mm(22)
    grid = sec._sectPr.find(_qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sec._sectPr.append(grid)
    grid.set(_qn("w:type"), "lines")
    grid.set(_qn("w:linePitch"), str(int(round(LINE_PT * 20))))


def _page_field(paragraph: Any) -> None:
    """'— PAGE —' with a complex field (updates in Word, WPS and LibreOffice)."""
    from docx.oxml import OxmlElement

    spec = STYLES["footer"]
    font_run(paragraph.add_run("— "), spec.font, spec.size)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = font_run(paragraph.add_run(), spec.font, spec.size)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(_qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(_qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    font_run(paragraph.add_run(" —"), spec.font, spec.size)


def _footers(doc: Any) -> None:
    """Odd pages: right, 1 char in; even pages: left, 1 char in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.settings.odd_and_even_pages_header_footer = True
    sec = doc.sections[0]
    for footer, align, side in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        set_style(p, doc, "footer")
        p.alignment = align
        indent_chars(p._p.get_or_add_pPr(), **{side: 1}, size=FOOTER_PT)
        _page_field(p)


def set_style(paragraph: Any, doc: Any, key: str) -> None:
    """Apply one of STYLES by its id (python-docx's lookup by name is slow in big tables)."""
    paragraph._p.get_or_add_pPr().style = STYLES[key].name.replace(" ", "")


def new_document() -> Any:
    import docx

    doc = docx.Document()
    _doc_defaults(doc)
    for spec in STYLES.values():
        _style(doc, spec)
    _page(doc)
    _footers(doc)
    return doc


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


# ---------------------------------------------------------------- tables
LINE_BREAK = "<br>"       # explicit line break inside a table cell
CELL_MARGIN_TWIPS = 57   # 1 mm left and right inside each cell
CELL_PAD_MM = 3.2        # both cell margins plus slack
TABLE_SIZES = (12.0, 10.5, 9.0)   # 小四, 五号, 小五


def cell_width(text: str) -> float:
    """Printed width in characters: half-width glyphs at 0.6 (fallback fonts have wider digits
    than 仿宋) plus the quarter-em Word/WPS insert between Chinese and Latin/digits."""
    wide = [unicodedata.east_asian_width(c) in "WF" for c in text]
    switches = sum(a != b for a, b in zip(wide, wide[1:], strict=False))
    return east_asian_width(text, 0.6) + 0.25 * switches


def _need_chars(rows: Sequence[Sequence[str]], c: int) -> float:
    """Characters a column needs: the longest cell; a long header line may wrap once."""
    parts = rows[0][c].split(LINE_BREAK) if c < len(rows[0]) else [""]
    head_w = max(cell_width(t) for t in parts)
    head = head_w / 2 if head_w > 6 else head_w
    body = max((cell_width(r[c]) for r in rows[1:] if c < len(r)), default=0)
    return min(max(head, body, 2.0), 18.0)


def table_layout(rows: Sequence[Sequence[str]], total_mm: float = TYPE_WIDTH_MM
                 ) -> tuple[float, list[float]]:
    """The largest table font size at which every column fits, and column widths in mm."""
    ncol = max(len(r) for r in rows)
    need = [_need_chars(rows, c) for c in range(ncol)]
    for size in TABLE_SIZES:
        natural = [n * size * 25.4 / 72 + CELL_PAD_MM for n in need]
        if sum(natural) <= total_mm:
            break
    return size, [total_mm * n / sum(natural) for n in natural]


def _row_flags(row: Any, header: bool) -> None:
    from docx.oxml import OxmlElement

    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", *(("w:tblHeader",) if header else ())):
        trpr.append(OxmlElement(tag))


def _cell_text(cell: Any, text: str, style: str, size: float, left: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell.paragraphs[0]
    set_style(p, p.part.document, style)
    if left:
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for i, line in enumerate(text.split(LINE_BREAK)):
        if i:
            p.runs[-1].add_break()
        font_run(p.add_run(line), STYLES[style].font, size)


def _cell_margins(table: Any) -> None:
    from docx.oxml import OxmlElement

    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(_qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(_qn("w:type"), "dxa")
        mar.append(el)
    tblpr = table._tbl.tblPr
    look = tblpr.find(_qn("w:tblLook"))
    if look is not None:
        look.addprevious(mar)
    else:
        tblpr.append(mar)


def write_table(doc: Any, rows: Sequence[Sequence[str]], groups: dict[int, str] | None = None) -> Any:
    """Grid table, repeated header row, fixed column widths, 仿宋 小四 (五号 when wide)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    ncol = max(len(r) for r in rows)
    size, widths = table_layout(rows)
    table = doc.add_table(rows=0, cols=ncol)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    for i, row in enumerate(rows):
        if groups and i in groups:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, groups[i], "table_head", size, left=True)
            merged.paragraphs[0].paragraph_format.keep_with_next = True
            _row_flags(table.rows[-1], header=False)
        new = table.add_row()
        _row_flags(new, header=i == 0)
        for c, cell in enumerate(new.cells):
            text = row[c] if c < len(row) else ""
            cell.width = Mm(widths[c])
            _cell_text(cell, text, "table_head" if i == 0 else "table", size,
                       left=i > 0 and east_asian_width(text) > 12)
    for c, col in enumerate(table.columns):
        col.width = Mm(widths[c])
    return table


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
    if first.tag == _qn("w:p") and not first.xpath("string(.)") and len(body) > 1:
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
