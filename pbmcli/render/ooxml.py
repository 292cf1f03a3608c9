"""GB/T 9704-2012 page, styles and OOXML helpers for the Word writer (python-docx + raw XML).

Page: A4, margins top 37 / left 28 / bottom 35 / right 26 mm, a lines-and-characters
document grid of 22 lines (28.95 pt) by 28 characters.  Landscape pages (wide tables) turn
the portrait page a quarter turn, so their margins are the portrait ones rotated.
Fonts: every style and every run carries w:eastAsia (and ascii/hAnsi/cs) so Word and WPS
never fall back to a theme font.  Page numbers "— 1 —" in 4号宋体, 7 mm below the type
area, odd pages right and even pages left (w:evenAndOddHeaders).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from . import fonts

BODY_PT = 16.0          # 3号
TITLE_PT = 22.0         # 2号
FOOTER_PT = 14.0        # 4号
LINE_PT = 28.95         # fixed line pitch
TYPE_WIDTH_MM = 156.0   # 版心宽
TYPE_HEIGHT_MM = 225.0  # 版心高
MARGINS_MM = {"top": 37.0, "left": 28.0, "bottom": 35.0, "right": 26.0}
# a landscape page is the portrait page turned so that its binding edge is at the top
# (GB/T 9704 10.3: the head of a landscape table faces the binding on odd pages)
LANDSCAPE_MARGINS_MM = {"top": 28.0, "left": 35.0, "bottom": 26.0, "right": 37.0}
RED = "FF0000"
CHARS_PER_LINE = 28     # GB/T 9704 7.1: 28 characters a line
PAGE_NUMBER_GAP_MM = 7.0    # page number: its dashes (一字线) 7 mm below the type area
FOOTER_LINE_PT = 17.0       # exact height of the page-number line
DASH_DROP_PT = 8.3          # the dash's height below the top of that line (baseline at 80 %
                            # of the line, the dash 0.38 em above it)
FOOTER_DISTANCE_MM = 20.0   # portrait footer distance: a 信函's lower red line sits on it
                            # (GB/T 9704 10.1); the page number stands on a space above it
# Glyph width for characters on the grid (w:w, percent).  Word and WPS put every
# Chinese character into one 15.79 pt grid cell whatever its width; LibreOffice instead
# gives a 16 pt glyph TWO cells of a grid narrower than the glyph (14 characters a line).
# 98 % makes the glyph (15.68 pt) narrower than the cell everywhere; the difference is
# invisible in print.
GRID_GLYPH_SCALE = 98
# The twip fallback of character indents (w:firstLine beside w:firstLineChars), which is
# what LibreOffice reads: it stores the grid cell as 15.75 pt (315 twips) and starts a
# line that is indented by more than n cells at cell n + 1.
GRID_CELL_TWIPS = 315


def grid_char_space(width_pt: float = math.floor(TYPE_WIDTH_MM / 25.4 * 72 * 10) / 10,
                    chars: int = CHARS_PER_LINE, size: float = BODY_PT) -> int:
    """w:docGrid/@w:charSpace for ``chars`` characters of ``size`` pt in ``width_pt``.

    ECMA-376 17.6.5: charSpace = (character pitch - Normal font size) x 4096, and the pitch
    applies to every character of the section.  Rounded down so that ``chars`` pitches
    never exceed the width (the type width is taken to 0.1 pt: 156 mm = 442.2 pt)."""
    return math.floor((width_pt / chars - size) * 4096)


@dataclass(frozen=True)
class StyleSpec:
    name: str
    font: str
    size: float
    align: str = "justify"      # left | center | right | justify
    indent_chars: int = 2       # first-line indent in characters
    exact: bool = True          # exact line spacing (``line`` pt)
    outline: int | None = None  # heading level for the navigation pane
    bold: bool = False
    line: float = LINE_PT       # exact line height when ``exact``
    keep_next: bool = False     # a heading stays with the text under it

    @property
    def on_grid(self) -> bool:
        """3号 text sits on the document grid (lines and characters); other sizes do not."""
        return self.size == BODY_PT


STYLES = {
    "body": StyleSpec("Normal", fonts.BODY, BODY_PT),
    "title": StyleSpec("GW Title", fonts.TITLE, TITLE_PT, "center", 0),
    "h1": StyleSpec("GW Heading 1", fonts.HEI, BODY_PT, outline=0, keep_next=True),
    "h2": StyleSpec("GW Heading 2", fonts.KAI, BODY_PT, outline=1, keep_next=True),
    "flush": StyleSpec("GW Flush", fonts.BODY, BODY_PT, "justify", 0),
    "right": StyleSpec("GW Right", fonts.BODY, BODY_PT, "right", 0),
    "label": StyleSpec("GW Label", fonts.HEI, BODY_PT, "left", 0),
    "redheader": StyleSpec("GW Red Header", fonts.TITLE, 36.0, "center", 0, exact=False),
    "table": StyleSpec("GW Table", fonts.TABLE, 12.0, "center", 0, exact=False),
    "table_head": StyleSpec("GW Table Head", fonts.TABLE_HEAD, 12.0, "center", 0, exact=False),
    "footer": StyleSpec("GW Footer", fonts.SONG, FOOTER_PT, "right", 0, line=FOOTER_LINE_PT),
    "colophon": StyleSpec("GW Colophon", fonts.BODY, FOOTER_PT, "left", 0),
    "caption": StyleSpec("GW Caption", fonts.BODY, FOOTER_PT, "center", 0, exact=False),
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


def indent_chars(ppr: Any, first: int = 0, left: int = 0, right: int = 0, size: float = BODY_PT,
                 hanging: int = 0) -> None:
    """Indents in characters (w:*Chars, 100 = 1 char) with twip fallbacks for other readers
    (a grid cell for 3号 text, the font size otherwise)."""
    tw = GRID_CELL_TWIPS if size == BODY_PT else int(round(size * 20))
    attrs = ({"hangingChars": hanging * 100, "hanging": hanging * tw} if hanging else
             {"firstLineChars": first * 100, "firstLine": first * tw})
    if left:
        attrs |= {"leftChars": left * 100, "left": left * tw}
    if right:
        attrs |= {"rightChars": right * 100, "right": right * tw}
    ind = ppr_child(ppr, "w:ind")
    for key in ("firstLineChars", "firstLine", "hangingChars", "hanging"):
        ind.attrib.pop(qn_(f"w:{key}"), None)
    for key, value in attrs.items():
        ind.set(qn_(f"w:{key}"), str(value))


def border(ppr: Any, side: str, size: int, color: str = "000000", space: int = 1,
           style: str = "single") -> None:
    """A paragraph border line (sz in eighths of a point, space in points)."""
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{side}")
    for key, value in (("val", style), ("sz", str(size)), ("space", str(space)), ("color", color)):
        el.set(qn_(f"w:{key}"), value)
    pbdr = ppr_child(ppr, "w:pBdr")
    order = ("top", "left", "bottom", "right", "between", "bar")
    later = [c for c in pbdr if c.tag in {qn_(f"w:{t}") for t in order[order.index(side) + 1:]}]
    if later:
        later[0].addprevious(el)
    else:
        pbdr.append(el)


def exact_line(paragraph: Any, points: float, before: float = 0.0, grid: bool = False) -> None:
    """Exact line height and space before (points); off the document grid unless ``grid``."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(points)
    pf.space_before = Pt(before)
    if not grid:
        ppr_child(paragraph._p.get_or_add_pPr(), "w:snapToGrid").set(qn_("w:val"), "0")


def east_asian_width(text: str, half: float = 0.5) -> float:
    """Width in body characters (full-width = 1, half-width = ``half``)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else half for c in text)


# ---------------------------------------------------------------- document setup
_RPR_AFTER_W = ("w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _glyph_scale(rpr: Any, percent: int) -> None:
    """w:w (character width in percent), in schema order."""
    from docx.oxml import OxmlElement

    el = rpr.find(qn_("w:w"))
    if el is None:
        el = OxmlElement("w:w")
        rpr.insert_element_before(el, *_RPR_AFTER_W)
    el.set(qn_("w:val"), str(percent))


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
    rpr = style.element.get_or_add_rPr()
    set_fonts(rpr, spec.font)
    _glyph_scale(rpr, GRID_GLYPH_SCALE if spec.on_grid else 100)
    pf = style.paragraph_format
    pf.alignment = getattr(WD_ALIGN_PARAGRAPH, spec.align.upper())
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = False
    pf.keep_with_next = spec.keep_next or None
    if spec.exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(spec.line)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = style.element.get_or_add_pPr()
    indent_chars(ppr, first=spec.indent_chars, size=spec.size)
    if not spec.on_grid:
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


def number_top_mm() -> float:
    """Top of the page-number line below the type area's bottom edge (dashes at 7 mm)."""
    return PAGE_NUMBER_GAP_MM - DASH_DROP_PT * 25.4 / 72


def number_pad_mm() -> float:
    """Space under the page number that, over a 20 mm footer distance, puts its dashes
    7 mm below the type area of a portrait page."""
    return MARGINS_MM["bottom"] - number_top_mm() - FOOTER_LINE_PT * 25.4 / 72 - FOOTER_DISTANCE_MM


def footer_distance_mm(bottom_mm: float) -> float:
    """Footer distance that puts the page number's dashes 7 mm below the type area."""
    return bottom_mm - number_top_mm() - FOOTER_LINE_PT * 25.4 / 72 - number_pad_mm()


def page_setup(section: Any, landscape: bool = False) -> None:
    """A4 and the type area of GB/T 9704 on ``section`` (portrait, or turned for a wide table).

    Portrait pages carry the 28 x 22 lines-and-characters grid; landscape pages (tables
    only) a line grid."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    margins = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(round(footer_distance_mm(margins["bottom"]), 1))
    sectpr = section._sectPr
    grid = sectpr.find(qn_("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    grid.set(qn_("w:linePitch"), str(int(round(LINE_PT * 20))))
    if landscape:
        grid.set(qn_("w:type"), "lines")
        grid.attrib.pop(qn_("w:charSpace"), None)
    else:
        grid.set(qn_("w:type"), "linesAndChars")
        grid.set(qn_("w:charSpace"), str(grid_char_space()))


def page_field(paragraph: Any) -> None:
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


def page_number(paragraph: Any, doc: Any, even: bool) -> None:
    """The page number: odd pages right, even pages left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    set_style(paragraph, doc, "footer")
    paragraph.paragraph_format.space_after = Mm(round(number_pad_mm(), 2))
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if even else WD_ALIGN_PARAGRAPH.RIGHT
    indent_chars(paragraph._p.get_or_add_pPr(), **{"left" if even else "right": 1}, size=FOOTER_PT)
    page_field(paragraph)


def _footers(doc: Any) -> None:
    """Odd pages: right, 1 char in; even pages: left, 1 char in."""
    doc.settings.odd_and_even_pages_header_footer = True
    sec = doc.sections[0]
    for footer, even in ((sec.footer, False), (sec.even_page_footer, True)):
        footer.is_linked_to_previous = False
        page_number(footer.paragraphs[0], doc, even)


def set_style(paragraph: Any, doc: Any, key: str) -> None:
    """Apply one of STYLES by its id (python-docx's lookup by name is slow in big tables)."""
    paragraph._p.get_or_add_pPr().style = STYLES[key].name.replace(" ", "")


def new_document() -> Any:
    import docx

    doc = docx.Document()
    _doc_defaults(doc)
    for spec in STYLES.values():
        _style(doc, spec)
    page_setup(doc.sections[0])
    _footers(doc)
    return doc
