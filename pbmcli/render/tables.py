"""Tables in the Word writer: column widths that fit, repeated header row, 仿宋 小四 or 五号,
numbers right-aligned, header words never broken."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from .ooxml import STYLES, TYPE_WIDTH_MM, east_asian_width, exact_line, font_run, qn_, set_style

# ---------------------------------------------------------------- tables
LINE_BREAK = "<br>"       # explicit line break inside a table cell
CELL_MARGIN_TWIPS = 57   # 1 mm left and right inside each cell
CELL_PAD_MM = 3.2        # both cell margins plus slack
TABLE_SIZES = (12.0, 10.5)   # 小四, 五号 (nothing smaller: GB/T 9704 tables stay legible)
SHORT_CHARS = 6.0        # a column needing at most this many characters is never squeezed
CELL_LINE = 1.2          # exact line height in cells, in font sizes (the same in every font)
TOTAL_LABELS = ("合计", "总计")
INDEX_HEADS = ("序号", "名次")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")


def cell_width(text: str) -> float:
    """Printed width in characters: half-width glyphs at 0.6 (fallback fonts have wider digits
    than 仿宋) plus the quarter-em Word/WPS insert between Chinese and Latin/digits."""
    wide = [unicodedata.east_asian_width(c) in "WF" for c in text]
    switches = sum(a != b for a, b in zip(wide, wide[1:], strict=False))
    return east_asian_width(text, 0.6) + 0.25 * switches


def _need_chars(rows: Sequence[Sequence[str]], c: int) -> float:
    """Characters a column needs: the longest cell (long text may wrap), but never less than
    the longest header line, so no header word is broken (headers break only at <br>)."""
    parts = rows[0][c].split(LINE_BREAK) if c < len(rows[0]) else [""]
    head = max(cell_width(t) for t in parts)
    body = max((cell_width(r[c]) for r in rows[1:] if c < len(r)), default=0)
    return max(min(max(body, 2.0), 18.0), head)


def numeric_columns(rows: Sequence[Sequence[str]]) -> list[bool]:
    """Columns of numbers (every filled body cell a number or "—"), index columns excepted."""
    ncol = max(len(r) for r in rows)
    out = []
    for c in range(ncol):
        cells = [r[c] for r in rows[1:] if c < len(r) and r[c] not in ("", "—")
                 and r[0] not in TOTAL_LABELS]
        head = rows[0][c] if c < len(rows[0]) else ""
        out.append(bool(cells) and all(_NUMBER.match(x) for x in cells) and head not in INDEX_HEADS)
    return out


def head_chars(rows: Sequence[Sequence[str]], c: int) -> float:
    """Width of the longest header line of column ``c`` (headers break only at <br>)."""
    parts = rows[0][c].split(LINE_BREAK) if c < len(rows[0]) else [""]
    return max(cell_width(t) for t in parts)


def table_layout(rows: Sequence[Sequence[str]], total_mm: float = TYPE_WIDTH_MM
                 ) -> tuple[float, list[float]]:
    """The largest table font size at which every column fits, and column widths in mm."""
    ncol = max(len(r) for r in rows)
    need = [_need_chars(rows, c) for c in range(ncol)]
    for size in TABLE_SIZES:
        natural = [n * size * 25.4 / 72 + CELL_PAD_MM for n in need]
        if sum(natural) <= total_mm:
            break
    floor = [head_chars(rows, c) * size * 25.4 / 72 + CELL_PAD_MM for c in range(ncol)]
    return size, _fit(natural, need, floor, total_mm)


def _fit(natural: list[float], need: list[float], floor: list[float], total_mm: float) -> list[float]:
    """Widths summing to ``total_mm``: when the table is too wide even at the smallest size,
    short columns (numbers, grades, ranks) keep their width and only long text columns wrap,
    never narrower than their header."""
    if sum(natural) <= total_mm:
        return [total_mm * n / sum(natural) for n in natural]
    short = [n <= SHORT_CHARS for n in need]
    fixed = sum(w for w, s in zip(natural, short, strict=True) if s)
    wrap = sum(w for w, s in zip(natural, short, strict=True) if not s)
    if not wrap or fixed >= total_mm * 0.7:
        return [total_mm * n / sum(natural) for n in natural]
    scale = (total_mm - fixed) / wrap
    widths = [w if s else max(w * scale, f) for w, s, f in zip(natural, short, floor, strict=True)]
    return [w * total_mm / sum(widths) for w in widths]


def _row_flags(row: Any, header: bool) -> None:
    from docx.oxml import OxmlElement

    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", *(("w:tblHeader",) if header else ())):
        trpr.append(OxmlElement(tag))


def _cell_text(cell: Any, text: str, style: str, size: float, align: str = "") -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell.paragraphs[0]
    set_style(p, p.part.document, style)
    exact_line(p, round(size * CELL_LINE, 1))
    if align:
        p.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
    for i, line in enumerate(text.split(LINE_BREAK)):
        if i:
            p.runs[-1].add_break()
        font_run(p.add_run(line), STYLES[style].font, size)


def _cell_margins(table: Any) -> None:
    from docx.oxml import OxmlElement

    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn_("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn_("w:type"), "dxa")
        mar.append(el)
    tblpr = table._tbl.tblPr
    look = tblpr.find(qn_("w:tblLook"))
    if look is not None:
        look.addprevious(mar)
    else:
        tblpr.append(mar)


def write_table(doc: Any, rows: Sequence[Sequence[str]], groups: dict[int, str] | None = None,
                total_mm: float = TYPE_WIDTH_MM) -> Any:
    """Grid table, repeated header row, fixed column widths, 仿宋 小四 (五号 when wide);
    numbers right-aligned, long text left-aligned, a 合计 row in 黑体."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    ncol = max(len(r) for r in rows)
    size, widths = table_layout(rows, total_mm)
    numeric = numeric_columns(rows)
    table = doc.add_table(rows=0, cols=ncol)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    for i, row in enumerate(rows):
        if groups and i in groups:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, groups[i], "table_head", size, "left")
            merged.paragraphs[0].paragraph_format.keep_with_next = True
            _row_flags(table.rows[-1], header=False)
        new = table.add_row()
        _row_flags(new, header=i == 0)
        total = i > 0 and bool(row) and row[0] in TOTAL_LABELS
        for c, cell in enumerate(new.cells):
            text = row[c] if c < len(row) else ""
            cell.width = Mm(widths[c])
            align = "" if i == 0 else "right" if numeric[c] else \
                "left" if east_asian_width(text) > 12 else ""
            _cell_text(cell, text, "table_head" if i == 0 or (total and c == 0) else "table", size, align)
        if total and len(table.rows) > 2:   # a 合计 row never alone on a page
            for cell in table.rows[-2].cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    for c, col in enumerate(table.columns):
        col.width = Mm(widths[c])
    return table


