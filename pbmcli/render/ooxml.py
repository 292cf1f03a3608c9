"""GB/T 9704-2012 page, styles and OOXML helpers for the Word writer (python-docx + raw XML).

Page: A4, margins top 37 / left 28 / bottom 35 / right 26 mm, fixed 28.95 pt line pitch.
Fonts: every style and every run carries w:eastAsia (and ascii/hAnsi/cs) so Word and WPS
never fall back to a theme font.  Page numbers "— 1 —" in 4号宋体, odd pages right and
even pages left (w:evenAndOddHeaders).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from . import fonts

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
def qn_(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def set_fonts(rpr: Any, name: str) -> None:
    """rFonts ascii/hAnsi/eastAsia/cs = name; theme fonts removed (they would win)."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn_(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn_(attr), name)


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
    el = ppr.find(qn_(tag))
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
        ind.attrib.pop(qn_(f"w:{key}"), None)
    for key, value in attrs.items():
        ind.set(qn_(f"w:{key}"), str(value))


def border(ppr: Any, side: str, size: int, color: str = "000000", space: int = 1) -> None:
    """A paragraph border line (sz in eighths of a point)."""
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space)), ("color", color)):
        el.set(qn_(f"w:{key}"), value)
    ppr_child(ppr, "w:pBdr").append(el)


_BREAK_AFTER = set("于的局度作府会年月效位室心")   # a title line may end well after these


def title_lines(text: str, capacity: float = TYPE_WIDTH_MM / 25.4 * 72 / TITLE_PT) -> list[str]:
    """Split a long title into balanced lines (回行时词意完整、排列对称), each ≤ capacity."""
    import math

    cap = int(capacity)
    n = math.ceil(east_asian_width(text) / cap)
    if n <= 1:
        return [text]
    while (lines := _balanced(text, n, cap)) is None:
        n += 1
    return lines


def _balanced(text: str, n: int, cap: int) -> list[str] | None:
    """``text`` in ``n`` lines near the average width, or None when it cannot fit."""
    target = east_asian_width(text) / n
    lines: list[str] = []
    rest = text
    while len(lines) < n - 1:
        left = n - len(lines) - 1   # lines still to come after this one
        cands = [k for k in range(1, len(rest)) if east_asian_width(rest[:k]) <= cap
                 and east_asian_width(rest[k:]) <= cap * left]
        if not cands:
            return None
        best = min(cands, key=lambda k: abs(east_asian_width(rest[:k]) - target)
                   + (0 if rest[k - 1] in _BREAK_AFTER else 3.0))
        lines.append(rest[:best])
        rest = rest[best:]
    return [*lines, rest] if east_asian_width(rest) <= cap else None


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
        ppr_child(ppr, "w:snapToGrid").set(qn_("w:val"), "0")
    if spec.outline is not None:
        ppr_child(ppr, "w:outlineLvl").set(qn_("w:val"), str(spec.outline))
    return style


def _doc_defaults(doc: Any) -> None:
    """docDefaults rPr: East-Asian font too, so even unstyled text is 仿宋."""
    rpr_default = doc.styles.element.find(qn_("w:docDefaults"))
    rpr = rpr_default.find(qn_("w:rPrDefault")).find(qn_("w:rPr"))
    set_fonts(rpr, fonts.BODY)
    lang = rpr.find(qn_("w:lang"))
    if lang is not None:
        lang.set(qn_("w:eastAsia"), "zh-CN")


def _page(doc: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    sec.header_distance, sec.footer_distance = Mm(15), Mm(22)
    grid = sec._sectPr.find(qn_("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sec._sectPr.append(grid)
    grid.set(qn_("w:type"), "lines")
    grid.set(qn_("w:linePitch"), str(int(round(LINE_PT * 20))))


def _page_field(paragraph: Any) -> None:
    """'— PAGE —' with a complex field (updates in Word, WPS and LibreOffice)."""
    from docx.oxml import OxmlElement

    spec = STYLES["footer"]
    font_run(paragraph.add_run("— "), spec.font, spec.size)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = font_run(paragraph.add_run(), spec.font, spec.size)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn_("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn_("xml:space"), "preserve")
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


