"""Print geometry of A4 pages, shared by the report workbooks and the templates.

Excel measures a column in characters of the workbook's default font (Calibri 11: a
digit is 7 pixels wide at 96 dpi; the file stores the width plus 5 pixels of padding),
and "fit to 1 page wide" shrinks the whole sheet by printable width ÷ column width, to a
whole percent.  LibreOffice (with Carlito for Calibri) draws the same column about 6 % wider, so the arithmetic here
takes the wider of the two.  From that, this module chooses portrait or landscape
and narrows the widest (wrapping) columns so that the printed text stays readable:
11 pt body text never shrinks below 9 pt.  Tests use the same arithmetic on the widths
they read back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

A4_INCHES = (8.27, 11.69)  # short side, long side
SIDE_MARGIN = 0.3  # inches, left and right
TOP_MARGIN = 0.6
BOTTOM_MARGIN = 0.7  # room for the page-number footer
FOOTER_MARGIN = 0.3
DPI = 96
CHAR_PX = 7.4  # a character of the default font (Calibri 11) as LibreOffice prints it; Excel: 7
BODY_PT = 11.0
MIN_PT = 9.0
PORTRAIT_PT = 10.0  # a list prints portrait when its text keeps this size there
NARROWEST = 8.0  # a column is never narrowed below this many characters to fit the page
PAGE_FOOTER = "&C第 &P 页，共 &N 页"


def stored_width(width: float) -> float:
    """The width Excel keeps for a column set ``width`` characters wide: whole pixels (7 a
    character) plus 5 pixels of padding, in 1/256 of a character."""
    pixels = int(width * 7 + 0.5) + 5
    return math.floor(pixels / 7 * 256) / 256


def column_px(width: float, stored: bool = False) -> float:
    """Pixels (at 100 %) a column ``width`` characters wide takes on paper; ``stored``: the
    width as read back from a file (padding included)."""
    return (width if stored else stored_width(width)) * CHAR_PX


def page_px(landscape: bool) -> float:
    """Printable width of an A4 page (pixels at 100 %), between the side margins."""
    side = A4_INCHES[1] if landscape else A4_INCHES[0]
    return (side - 2 * SIDE_MARGIN) * DPI


def page_height_pt(landscape: bool) -> float:
    """Printable height of an A4 page in points, between the top and bottom margins."""
    side = A4_INCHES[0] if landscape else A4_INCHES[1]
    return (side - TOP_MARGIN - BOTTOM_MARGIN) * 72


def fit_scale(widths: Sequence[float], landscape: bool, stored: bool = False) -> float:
    """The scale "fit to 1 page wide" prints at (whole percents, never above 1)."""
    total = sum(column_px(w, stored) for w in widths)
    return min(1.0, math.floor(page_px(landscape) / total * 100) / 100) if total else 1.0


def printed_pt(widths: Sequence[float], landscape: bool, font_pt: float = BODY_PT,
               stored: bool = False) -> float:
    """The size ``font_pt`` text prints at after fitting the columns to the page width."""
    return font_pt * fit_scale(widths, landscape, stored)


def _narrowed(widths: Sequence[float], k: float) -> list[float]:
    """Every column wider than NARROWEST keeps ``k`` of its width above it."""
    return [NARROWEST + k * (w - NARROWEST) if w > NARROWEST else w for w in widths]


def fit_page(widths: Sequence[float], font_pt: float = BODY_PT,
             min_pt: float = MIN_PT) -> tuple[bool, list[float]]:
    """(landscape, widths): portrait when the columns fit it at 10 pt or more, else landscape with
    the wide columns narrowed in proportion (text wraps) until fit-to-width keeps ``min_pt``."""
    widths = list(widths)
    if printed_pt(widths, False, font_pt) >= PORTRAIT_PT:
        return False, widths
    if printed_pt(widths, True, font_pt) >= min_pt:
        return True, widths
    lo, hi = 0.0, 1.0
    for _ in range(20):  # the largest share that still fits
        mid = (lo + hi) / 2
        if printed_pt(_round(_narrowed(widths, mid)), True, font_pt) >= min_pt:
            lo = mid
        else:
            hi = mid
    return True, _round(_narrowed(widths, lo))


def _round(widths: Sequence[float]) -> list[float]:
    return [math.floor(w * 4) / 4 for w in widths]
