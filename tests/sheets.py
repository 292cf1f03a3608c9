"""Reading back the report workbooks pbm writes (openpyxl): where the header row is, the
table under it, and whether a sheet prints as a document (A4, one page wide at 9 pt or
more, title, repeated header, page numbers, frozen header)."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils import get_column_letter

from pbmcli.printing import MIN_PT, printed_pt


def header_row(ws: Any) -> int:
    """The header's row number: the row printed on every page."""
    m = re.fullmatch(r"\$(\d+):\$(\d+)", str(ws.print_title_rows or ""))
    assert m, f"{ws.title}: no print titles"
    return int(m[2])


def header(ws: Any) -> list[Any]:
    row = header_row(ws)
    return [c.value for c in ws[row]][: ws.max_column]


def rows(ws: Any) -> list[tuple[Any, ...]]:
    """The data rows under the header (values)."""
    return list(ws.iter_rows(min_row=header_row(ws) + 1, max_col=len(header(ws)), values_only=True))


def column(ws: Any, title: str) -> list[Any]:
    return [r[header(ws).index(title)] for r in rows(ws)]


def stored_widths(ws: Any) -> list[float]:
    """Column widths as stored (padding included), one per header column (openpyxl reads
    neighbouring columns of equal width as one group)."""
    groups = [(d.min, d.max, d.width) for d in list(ws.column_dimensions.values()) if d.customWidth]
    out = []
    for c in range(1, len(header(ws)) + 1):
        width = next((w for lo, hi, w in groups if lo <= c <= hi), None)
        assert width is not None, f"{ws.title}: column {get_column_letter(c)} has no width"
        out.append(float(width))
    return out


def assert_prints_as_document(ws: Any, title: str | None = None) -> None:
    """A4, one page wide at ≥ 9 pt, a title above the header, the header repeated and frozen,
    page numbers in the footer."""
    setup = ws.page_setup
    head = header_row(ws)
    assert int(setup.paperSize) == 9, ws.title
    assert setup.orientation in ("portrait", "landscape")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and int(setup.fitToHeight) == 0
    assert ws.freeze_panes == f"A{head + 1}", ws.title
    assert "第 &P 页，共 &N 页" in ws.oddFooter.center.text
    landscape = setup.orientation == "landscape"
    assert printed_pt(stored_widths(ws), landscape, stored=True) >= MIN_PT, ws.title
    if title is not None:
        assert head >= 2 and title in str(ws["A1"].value), (ws.title, ws["A1"].value)
    for cell in ws[head]:
        assert cell.border.left.style == "thin" and cell.font.b
