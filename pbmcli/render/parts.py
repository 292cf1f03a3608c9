"""Section breaks and the running parts of a notice: the 信函 版头 (first page's header and
footer) and the 版记 (last section's even-page footer), GB/T 9704-2012 7.4 and 10.1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .blocks import Block
from .ooxml import (
    BODY_PT,
    FOOTER_PT,
    RED,
    STYLES,
    TYPE_WIDTH_MM,
    border,
    east_asian_width,
    exact_line,
    font_run,
    indent_chars,
    number_top_mm,
    page_number,
    page_setup,
    ppr_child,
    qn_,
    set_style,
)

LETTER_MARK_TOP_MM = 30.0       # 信函: 发文机关标志 top edge below the paper's top edge
LETTER_LINE_MM = 170.0          # 信函: length of the red double lines
LETTER_RULE_GAP_PT = 7          # 信函: double line 4 mm below the 标志 (7 pt + the glyph's descent)
SEVEN_EIGHTHS_PT = BODY_PT * 7 / 8   # 信函: 发文字号 below the first double line
COLOPHON_RULES = (8, 6, 8)      # 版记 lines in eighths of a point: first 0.35 mm, middle 0.25 mm, last 0.35 mm


def mark_size(text: str) -> float:
    """The 发文机关标志: as large as fits the type area, at most 36 pt (小初)."""
    return min(36.0, TYPE_WIDTH_MM / 25.4 * 72 / max(east_asian_width(text), 1) * 0.95)


# ---------------------------------------------------------------- sections
def spacer(doc: Any) -> Any:
    """An empty 1 pt paragraph (after a table, to carry a section break)."""
    p = doc.add_paragraph()
    set_style(p, doc, "flush")
    exact_line(p, 1)
    rpr = ppr_child(p._p.get_or_add_pPr(), "w:rPr")
    for tag in ("w:sz", "w:szCs"):
        rpr.append(rpr.makeelement(qn_(tag), {qn_("w:val"): "2"}))
    return p


def end_section(doc: Any) -> Any:
    """Close the current section at its last paragraph and return the next section (which
    inherits the headers and footers, and has no first page of its own)."""
    body = doc.element.body
    sentinel = body.sectPr
    last = sentinel.getprevious()
    if last is None or last.tag != qn_("w:p") or last.xpath("./w:pPr/w:sectPr"):
        last = spacer(doc)._p
    last.set_sectPr(sentinel.clone())
    for ref in sentinel.xpath("w:headerReference|w:footerReference|w:titlePg"):
        sentinel.remove(ref)
    return doc.sections[-1]


# ---------------------------------------------------------------- 信函 版头
def letterhead(doc: Any, text: str) -> None:
    """信函 format: 标志 30 mm below the paper's top edge with a red double line 4 mm under
    it, a second double line 20 mm above the bottom edge (the footer distance); no page
    number on page 1."""
    from docx.shared import Mm

    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    sec.header_distance = Mm(LETTER_MARK_TOP_MM)
    head = sec.first_page_header
    head.is_linked_to_previous = False
    p = head.paragraphs[0]
    set_style(p, doc, "redheader")
    size = mark_size(text)
    font_run(p.add_run(text), STYLES["redheader"].font, size, color=RED)
    exact_line(p, size)
    # thickThin: the thick line toward the text, so 上粗下细 under the 标志 and
    # 上细下粗 over the foot of the page
    _letter_line(p, "bottom", space=LETTER_RULE_GAP_PT)
    foot = sec.first_page_footer
    foot.is_linked_to_previous = False
    q = foot.paragraphs[0]
    set_style(q, doc, "flush")
    exact_line(q, 1)
    _letter_line(q, "top", space=0)


def _letter_line(p: Any, side: str, space: int) -> None:
    """A red double line of 170 mm centred on the type area."""
    out = int(round((LETTER_LINE_MM - TYPE_WIDTH_MM) / 2 / 25.4 * 1440))
    ind = ppr_child(p._p.get_or_add_pPr(), "w:ind")
    for key in ("left", "right"):
        ind.set(qn_(f"w:{key}"), str(-out))
    border(p._p.get_or_add_pPr(), side, 18, RED, space, "thickThinSmallGap")


def letter_number(doc: Any, text: str) -> None:
    """信函: the 发文字号 in the 版头, flush right, 7/8 of a character under the double line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.sections[0].first_page_header.add_paragraph()
    set_style(p, doc, "flush")
    font_run(p.add_run(text), STYLES["flush"].font, BODY_PT)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    exact_line(p, BODY_PT, before=SEVEN_EIGHTHS_PT)


# ---------------------------------------------------------------- 版记
def file_colophon(doc: Any, rows: Sequence[Block]) -> None:
    """版记 at the foot of the last, even page: a section of its own that starts on an even
    page, with the 版记 in its even-page footer; its last line lies on the type area's
    bottom edge, the page number 7 mm below it.  A blank page before it (odd footer) has no
    page number (GB/T 9704 9.3).  The lines are paragraphs of their own, so they span the
    type area while the text stands one character in."""
    from docx.enum.section import WD_SECTION
    from docx.shared import Mm

    sec = end_section(doc)
    sec.start_type = WD_SECTION.EVEN_PAGE
    page_setup(sec, False)
    spacer(doc)
    sec.footer.is_linked_to_previous = False
    set_style(sec.footer.paragraphs[0], doc, "footer")
    foot = sec.even_page_footer
    foot.is_linked_to_previous = False
    first, middle, last = COLOPHON_RULES
    paras = iter([foot.paragraphs[0]])
    spec = STYLES["colophon"]
    for i, b in enumerate(rows):
        _rule(doc, next(paras, None) or foot.add_paragraph(), first if i == 0 else middle)
        p = foot.add_paragraph()
        set_style(p, doc, "colophon")
        if b.kind == "copyto":   # 左右各空一字; a second line starts under the first name
            font_run(p.add_run(b.text), spec.font, spec.size)
            indent_chars(p._p.get_or_add_pPr(), left=1 + 3, right=1, hanging=3, size=FOOTER_PT)
        else:
            _printed(p, b)
    _rule(doc, foot.add_paragraph(), last)
    number = foot.add_paragraph()
    page_number(number, doc, even=True)
    number.paragraph_format.space_before = Mm(number_top_mm())


def _rule(doc: Any, p: Any, eighths: int) -> None:
    """A 版记 line across the type area: an empty 0.5 pt paragraph with a top border."""
    set_style(p, doc, "colophon")
    exact_line(p, 0.5)
    border(p._p.get_or_add_pPr(), "top", eighths, space=0)


def _printed(p: Any, b: Block) -> None:
    """印发机关 left, 印发日期 right, one character in each."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    spec = STYLES["colophon"]
    office, day = ([*b.parts, ""])[:2]
    font_run(p.add_run(office + "\t" + day), spec.font, spec.size)
    indent_chars(p._p.get_or_add_pPr(), left=1, right=1, size=FOOTER_PT)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TYPE_WIDTH_MM) - Pt(2 * FOOTER_PT),
                                              WD_TAB_ALIGNMENT.RIGHT)


def letter_colophon(doc: Any, rows: Sequence[Block], width_mm: float) -> None:
    """信函: 抄送 only, no lines, at the foot of the last page (a frame on the bottom margin)."""
    spec = STYLES["colophon"]
    for b in rows:
        if b.kind != "copyto":
            continue
        p = doc.add_paragraph()
        set_style(p, doc, "colophon")
        font_run(p.add_run(b.text), spec.font, spec.size)
        ppr = p._p.get_or_add_pPr()
        indent_chars(ppr, left=1 + 3, right=1, hanging=3, size=FOOTER_PT)
        frame = ppr_child(ppr, "w:framePr")
        for key, value in (("w", str(int(round(width_mm / 25.4 * 1440)))), ("wrap", "around"),
                           ("hAnchor", "margin"), ("vAnchor", "margin"), ("xAlign", "center"),
                           ("yAlign", "bottom")):
            frame.set(qn_(f"w:{key}"), value)
