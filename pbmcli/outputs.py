"""Shared output writers: stdout/text files, CSV, XLSX and Markdown tables.

Every file goes through :mod:`pbmcli.fileio` (atomic, never overwrites an
existing file without ``force``).  Cells that come from submissions are data,
never formulas: CSV cells pass through ``safe_cell_text`` (a leading ``=`` gets a
quote) and XLSX cells are written with ``write_string`` so Excel/WPS show them
as text.  Numbers stay numbers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError
from .fileio import atomic_path, safe_cell_text, write_text

Row = Sequence[Any]

_MAX_WIDTH = 60
_MIN_WIDTH = 6
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet of an XLSX output.

    ``rows`` hold plain values (str, int, float, bool, None).  ``widths`` are
    column widths in Excel units (default: fitted to the content, CJK counted
    double).  ``hyperlinks`` maps (row index in ``rows``, column index) to a URL;
    ``internal:'Sheet'!A1`` links inside the workbook.
    """

    name: str
    header: Sequence[str]
    rows: Sequence[Row]
    widths: Sequence[float] | None = None
    freeze: bool = True
    autofilter: bool = True
    hyperlinks: Mapping[tuple[int, int], str] = field(default_factory=dict)
    wrap: bool = True  # wrap long text in body cells
    num_formats: Mapping[int, str] = field(default_factory=dict)  # column -> Excel number format


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn an OS error while writing ``path`` into one Chinese line (exit 2), not a crash."""
    try:
        yield
    except OSError as exc:
        from .fileio import write_error

        raise write_error(Path(path), exc) from None


def emit_text(text: str, output: str | Path | None, force: bool) -> None:
    """Write ``text`` to stdout (``output`` None or "-") or atomically to a file.  On stdout,
    control characters from inputs are written out as ``\\u001b`` (a valid JSON escape too):
    an ESC sequence in a cell must not reach the terminal."""
    if not text.endswith("\n"):
        text += "\n"
    if output is None or str(output) == "-":
        from .textsafe import visible

        sys.stdout.write(visible(text))
        sys.stdout.flush()
        return
    with writing(output):
        write_text(output, text, force)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return format(value, ".15g")
    return safe_cell_text(value if isinstance(value, int | str) else str(value))


def csv_text(header: Sequence[str], rows: Sequence[Row]) -> str:
    """CSV as a string (no BOM); every text cell neutralised against formula injection."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_csv_value(h) for h in header])
    writer.writerows([_csv_value(v) for v in row] for row in rows)
    return buf.getvalue()


def write_csv(path: str | Path, header: Sequence[str], rows: Sequence[Row], force: bool) -> Path:
    """UTF-8 CSV with a BOM (Excel detects the encoding from it); atomic."""
    _require_path(path, "csv")
    with writing(path):
        return write_text(path, "\ufeff" + csv_text(header, rows), force)


def display_width(text: str) -> int:
    """Columns a string takes in a fixed-width font (CJK and full-width count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_widths(header: Sequence[str], rows: Sequence[Row]) -> list[float]:
    widths = [display_width(str(h)) + 2 for h in header]
    for row in rows[:2000]:  # a sample is enough to size columns
        for i, value in enumerate(row[: len(widths)]):
            longest = max((display_width(p) for p in str(value or "").splitlines()), default=0)
            widths[i] = max(widths[i], longest + 2)
    return [float(min(max(w, _MIN_WIDTH), _MAX_WIDTH)) for w in widths]


def row_height(values: Row, widths: Sequence[float], line: float = 15.0) -> float | None:
    """Height (points) that shows every wrapped cell of a row in full; None for one line.

    Excel and LibreOffice do not always grow rows for wrapped text on opening, so
    writers set the height explicitly.
    """
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            usable = max(width - 1, 1)
            n = sum(max(1, math.ceil(display_width(part) / usable)) for part in value.splitlines())
            lines = max(lines, n)
    return None if lines == 1 else min(line * lines + 3, 409.0)


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique worksheet name (≤ 31 chars, no []:*?/\\)."""
    base = _SHEET_BAD.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _write_cell(ws: Any, r: int, c: int, value: Any, fmt: Any) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _write_sheet(wb: Any, spec: SheetSpec, name: str, formats: dict[str, Any]) -> None:
    ws = wb.add_worksheet(name)
    ncols = len(spec.header)
    widths = list(spec.widths) if spec.widths else _fit_widths(spec.header, spec.rows)
    for c, width in enumerate(widths[:ncols]):
        ws.set_column(c, c, width)
    for c, title in enumerate(spec.header):
        ws.write_string(0, c, str(title), formats["header"])
    body = formats["wrap"] if spec.wrap else formats["body"]
    numbers = {c: wb.add_format({"valign": "top", "num_format": fmt})
               for c, fmt in spec.num_formats.items()}
    for r, row in enumerate(spec.rows, start=1):
        height = row_height(row, widths) if spec.wrap else None
        if height:
            ws.set_row(r, height)
        for c, value in enumerate(row):
            url = spec.hyperlinks.get((r - 1, c))
            if url:
                ws.write_url(r, c, url, formats["link"], string=str(value if value is not None else url))
            else:
                _write_cell(ws, r, c, value, numbers.get(c, body))
    ws.set_landscape()  # print: A4 landscape, one page wide, header on every page
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    if spec.freeze:
        ws.freeze_panes(1, 0)
    if spec.autofilter and ncols:
        ws.autofilter(0, 0, max(len(spec.rows), 1), ncols - 1)


def _require_path(path: str | Path, kind: str) -> None:
    if not str(path) or str(path) == "-":
        raise UsageError(f"{kind} 格式需要用 -o 指定输出文件，例如：-o 结果.{kind}")


def write_xlsx(path: str | Path, sheets: Sequence[SheetSpec], force: bool) -> Path:
    """An XLSX workbook with one worksheet per SheetSpec; atomic, text stays text."""
    import xlsxwriter

    _require_path(path, "xlsx")
    with writing(path), atomic_path(path, force) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        })
        formats = {
            "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                     "text_wrap": True, "valign": "vcenter"}),
            "body": wb.add_format({"valign": "top"}),
            "wrap": wb.add_format({"valign": "top", "text_wrap": True}),
            "link": wb.add_format({"valign": "top", "font_color": "blue", "underline": 1}),
        }
        taken: set[str] = set()
        for spec in sheets:
            _write_sheet(wb, spec, sheet_name(spec.name, taken), formats)
        wb.close()
    return Path(path)


# Markdown that text from inputs must not produce: emphasis, code, links and images
# ([x](javascript:…)), strike-through, raw HTML (<script>, <img onerror>), entities, headings
# (an underscore inside a word, as in 县_教育局.xlsx, never emphasises: left as it is)
_MD_ESCAPE = re.compile(r"[\\`*\[\]~|]|(?<![^\W_])_|_(?![^\W_])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LINE_START = re.compile(r"^(\s*)(#{1,6}|[+-]|\d{1,9}(?=[.)]))(?=[.)]?(?:\s|$))", re.M)  # heading, list


def md_text(value: Any) -> str:
    """Text from inputs for a Markdown document: shown as written, never as Markdown or HTML
    (control characters written out as \\u001b)."""
    from .textsafe import visible

    text = visible("" if value is None else str(value))
    text = _MD_ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_ESCAPE.sub(lambda m: "\\" + m.group(), text)
    return _MD_LINE_START.sub(_md_block_marker, text)


def _md_block_marker(m: re.Match[str]) -> str:
    """"# 标题" → "\\# 标题", "- 项" → "\\- 项", "1. 项" → "1\\. 项" (the marker's last character)."""
    lead, marker = m.group(1), m.group(2)
    return f"{lead}{marker}\\" if marker.isdigit() else f"{lead}\\{marker}"


def _md_cell(value: Any) -> str:
    if value is None:
        return ""
    text = format(value, ".15g") if isinstance(value, float) else str(value)
    return "<br>".join(md_text(line) for line in text.replace("\r\n", "\n").split("\n"))


def markdown_table(header: Sequence[str], rows: Sequence[Row]) -> str:
    """A GitHub-flavoured Markdown table; cells are text (``md_text``), newlines become <br>."""
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
