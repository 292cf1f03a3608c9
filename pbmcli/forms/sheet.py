"""A thin grid builder over an xlsxwriter worksheet for official-layout forms.

Rows and columns are 0-based here (xlsxwriter's convention).  Labels are
written locked, inputs unlocked; every input may carry a key (``project``,
``unit`` …) so a caller can pre-fill it (pre-filled inputs are written locked).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FONT = "宋体"
TITLE_FONT = "黑体"
ROW_PT = 15.0  # Excel's height of a row without one of its own (grows as the unit types)

# style name -> xlsxwriter format properties (every style has thin borders)
_BASE: dict[str, Any] = {"font_name": FONT, "font_size": 10, "border": 1,
                         "valign": "vcenter", "text_wrap": True}
_STYLES: dict[str, dict[str, Any]] = {
    "title": {"font_name": TITLE_FONT, "font_size": 18, "bold": True, "border": 0,
              "align": "center"},
    "subtitle": {"font_size": 12, "border": 0, "align": "center", "locked": False},
    "label": {"bold": True, "align": "center", "bg_color": "#F2F2F2"},
    "head": {"bold": True, "align": "center", "bg_color": "#DDEBF7"},
    "dash": {"align": "center", "bg_color": "#F2F2F2"},
    "fixed": {"align": "center", "num_format": "0.00"},
    "text": {"locked": False, "align": "left", "num_format": "@"},
    "center": {"locked": False, "align": "center", "num_format": "@"},
    "money": {"locked": False, "align": "right", "num_format": "#,##0.00"},
    "number": {"locked": False, "align": "center", "num_format": "0.00"},
    "month": {"locked": False, "align": "center", "num_format": "0"},
    "filled": {"align": "left", "num_format": "@", "bg_color": "#F2F2F2"},
    "pct": {"align": "center", "num_format": "0.00%", "bg_color": "#F2F2F2"},
    "score": {"align": "center", "num_format": "0.00", "bg_color": "#F2F2F2"},
    "guide_title": {"font_name": TITLE_FONT, "font_size": 16, "bold": True, "border": 0,
                    "align": "center"},
    "guide_head": {"bold": True, "font_size": 11, "border": 0, "align": "left"},
    "guide": {"font_size": 11, "border": 0, "align": "left"},
    "plain": {"border": 0, "text_wrap": False, "valign": "top"},
}


@dataclass(frozen=True)
class Check:
    """A data validation: a drop-down list or a number range, plus an input message."""

    title: str
    message: str
    options: tuple[str, ...] = ()  # drop-down list (empty: no list)
    source: str = ""  # drop-down list from a formula (=INDIRECT($B$10)): a list that depends on a cell
    strict: bool = False  # list only: warn on values outside the list (else accept silently)
    number: tuple[float, float] | None = None  # allowed range (warning only)
    whole: bool = False

    def to_xlsxwriter(self) -> dict[str, Any]:
        opts: dict[str, Any] = {"input_title": self.title[:32], "input_message": self.message[:255]}
        if self.options or self.source:
            opts.update(validate="list", source=self.source or list(self.options), show_error=self.strict)
        elif self.number is not None:
            opts.update(validate="integer" if self.whole else "decimal", criteria="between",
                        minimum=self.number[0], maximum=self.number[1])
        else:
            return {"validate": "any", **opts}
        opts.update(error_type="warning", error_title="请核对",
                    error_message=f"{self.message[:200]}\n确定要保留这个值吗？")
        return opts


@dataclass
class FormSheet:
    """Write labels, inputs and formulas on one worksheet; remember keyed inputs."""

    workbook: Any
    sheet: Any
    prefill: Mapping[str, str] = field(default_factory=dict)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (row, col)
    breaks: list[int] = field(default_factory=list)  # rows that start a new printed page
    _formats: dict[str, Any] = field(default_factory=dict)
    _widths: list[float] = field(default_factory=list)
    _heights: dict[int, float] = field(default_factory=dict)

    def fmt(self, style: str) -> Any:
        """The (cached) xlsxwriter format of a named style."""
        if style not in self._formats:
            props = {**_BASE, **_STYLES[style]}
            if "locked" not in _STYLES[style]:
                props["locked"] = True
            self._formats[style] = self.workbook.add_format(props)
        return self._formats[style]

    def put(self, row: int, col: int, value: Any, style: str, span: int = 1,
            rows: int = 1) -> None:
        """Write ``value`` at (row, col), merged over ``span`` columns and ``rows`` rows."""
        f = self.fmt(style)
        if span > 1 or rows > 1:
            self.sheet.merge_range(row, col, row + rows - 1, col + span - 1, "", f)
        if value is None or value == "":
            self.sheet.write_blank(row, col, None, f)
        elif isinstance(value, str):
            self.sheet.write_string(row, col, value, f)
        else:
            self.sheet.write_number(row, col, value, f)

    def label(self, row: int, col: int, text: str, span: int = 1, rows: int = 1,
              style: str = "label") -> None:
        self.put(row, col, text, style, span, rows)

    def input(self, row: int, col: int, span: int = 1, *, key: str | None = None,
              style: str = "text", value: Any = None, check: Check | None = None,
              rows: int = 1) -> None:
        """An input cell; a pre-filled key is written locked with its value."""
        if key is not None:
            self.cells[key] = (row, col)
            if self.prefill.get(key):
                self.put(row, col, self.prefill[key], "filled", span, rows)
                return
        self.put(row, col, value, style, span, rows)
        if check is not None:
            self.validate(row, col, row + rows - 1, col + span - 1, check)

    def validate(self, r1: int, c1: int, r2: int, c2: int, check: Check) -> None:
        self.sheet.data_validation(r1, c1, r2, c2, check.to_xlsxwriter())

    def formula(self, row: int, col: int, formula: str, style: str, cached: float = 0) -> None:
        """A locked formula cell with a cached value (value readers never see it empty)."""
        self.sheet.write_formula(row, col, formula, self.fmt(style), cached)

    def widths(self, widths: Sequence[float]) -> None:
        self._widths = list(widths)
        for col, width in enumerate(widths):
            self.sheet.set_column(col, col, width)

    def heights(self, heights: Mapping[int, float]) -> None:
        self._heights.update(heights)
        for row, height in heights.items():
            self.sheet.set_row(row, height)

    def page_heights(self, last_row: int, title_rows: int) -> list[float]:
        """Points each printed page takes at 100 % (rows, plus the repeated title rows)."""
        starts = [0, *self.breaks, last_row + 1]
        title = sum(self._heights.get(r, ROW_PT) for r in range(title_rows))
        return [sum(self._heights.get(r, ROW_PT) for r in range(a, b)) + (title if a else 0)
                for a, b in zip(starts, starts[1:], strict=False)]

    def fixed_scale(self, last_row: int, title_rows: int, landscape: bool) -> int | None:
        """The largest print scale (100, 95, 90 %) at which the columns fit the page width with
        room to spare and every page, as broken by ``breaks``, fits its height; None if none."""
        from ..printing import column_px, page_height_pt, page_px

        width = sum(column_px(w) for w in self._widths)
        pages = self.page_heights(last_row, title_rows)
        for pct in (100, 95, 90):
            if width * pct / 100 <= page_px(landscape) * 0.96 and \
                    max(pages) * pct / 100 <= page_height_pt(landscape):
                return pct
        return None

    def finish(self, last_row: int, last_col: int, landscape: bool = True,
               title_rows: int = 2, options: Mapping[str, bool] | None = None,
               fixed: bool = False) -> None:
        """Print setup (A4, repeated title rows, page numbers) and password-less protection.
        ``fixed``: print at a fixed scale that keeps each page (``breaks``) whole, so no row
        spills onto a page of its own (Excel ignores page breaks under fit-to-width); else
        fit to one page wide."""
        from .. import printing

        ws = self.sheet
        ws.set_paper(9)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_margins(left=printing.SIDE_MARGIN, right=printing.SIDE_MARGIN, top=printing.TOP_MARGIN,
                       bottom=printing.BOTTOM_MARGIN)
        scale = self.fixed_scale(last_row, title_rows, landscape) if fixed else None
        if scale is not None:
            ws.set_print_scale(scale)
            ws.set_h_pagebreaks(self.breaks)
        else:
            ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_footer(printing.PAGE_FOOTER, {"margin": printing.FOOTER_MARGIN})
        if title_rows:
            ws.repeat_rows(0, title_rows - 1)
        ws.print_area(0, 0, last_row, last_col)
        protect = {"insert_rows": True, "format_rows": True, "format_columns": True,
                   "select_locked_cells": True, "select_unlocked_cells": True}
        ws.protect("", {**protect, **(options or {})})
