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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import printing
from .errors import UsageError
from .fileio import atomic_path, safe_cell_text, write_text

Row = Sequence[Any]

_MAX_WIDTH = 40  # longer text wraps
_MIN_WIDTH = 6
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

# number formats for SheetSpec.num_formats
TWO = "0.00"  # scores, points
MONEY = "#,##0.00"  # 万元 (say so in the header)
PERCENT = "0.00%"  # the value is a fraction (0.875 shows 87.50%)
PERCENT_POINTS = "percent points"  # the value is in percent (87.5): written 0.875, shows 87.50%


@dataclass(frozen=True)
class Heading:
    """The title rows above every sheet of a report workbook: what it is, for which period,
    and which office issues it (``pack.workspace.authority``)."""

    title: str
    office: str = ""
    period: str = ""  # as printed: 2026年10月, 2026年度 … (put before the title)

    def line(self, sheet: str) -> str:
        """The title of one sheet: the workbook's, and the sheet's name unless the title says it."""
        head = f"{self.period}{self.title}"
        return head if sheet in self.title else f"{head}（{sheet}）"

    def byline(self) -> str:
        return f"制表单位：{self.office}" if self.office else ""


@dataclass(frozen=True)
class Mark:
    """How a row whose status cell holds a given word is shown: a symbol before the word (it
    survives black-and-white printing), the status cell's fill and text colour, the row's tint."""

    symbol: str
    fill: str
    color: str
    tint: str


_RED = Mark("●", "#FFC7CE", "#9C0006", "#FDEDEF")
_YELLOW = Mark("▲", "#FFEB9C", "#7F6000", "#FFF8DE")
_GREEN = Mark("○", "#C6EFCE", "#006100", "#EEF8F0")
_BLUE = Mark("◆", "#BDD7EE", "#1F4E78", "#EDF3FA")
MARKS = {"错误": _RED, "红灯": _RED, "红色预警": _RED, "警告": _YELLOW, "黄灯": _YELLOW,
         "黄色预警": _YELLOW, "绿灯": _GREEN, "蓝灯": _BLUE}


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet of an XLSX output.

    ``rows`` hold plain values (str, int, float, bool, None).  ``widths`` are
    column widths in Excel units (default: fitted to the content, CJK counted
    double); either way the widest columns are narrowed so the sheet prints one A4 page
    wide at 9 pt or more.  ``hyperlinks`` maps (row index in ``rows``, column index) to a
    URL; ``internal:'Sheet'!A1`` links inside the workbook.  ``title`` is the sheet's
    title line (default: the workbook heading and the sheet name); ``status`` the column
    whose word (错误, 警告, 红灯 … see MARKS) colours the row.
    """

    name: str
    header: Sequence[str]
    rows: Sequence[Row]
    widths: Sequence[float] | None = None
    freeze: bool = True
    autofilter: bool = True
    hyperlinks: Mapping[tuple[int, int], str] = field(default_factory=dict)
    wrap: bool = True  # wrap long text in body cells
    num_formats: Mapping[int, str] = field(default_factory=dict)  # column -> format (TWO, MONEY …)
    title: str = ""
    status: int | None = None


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
    emit_chunks((text,), output, force)


def emit_chunks(chunks: Iterable[str], output: str | Path | None, force: bool) -> None:
    """``emit_text`` for text made piece by piece: a long report is written as its results
    arrive (memory stays flat), to stdout or atomically to a file, and ends with a newline."""
    last = ""
    if output is None or str(output) == "-":
        from .textsafe import visible

        for chunk in chunks:
            if chunk:
                sys.stdout.write(visible(chunk))
                last = chunk
        if not last.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    with writing(output), atomic_path(output, force) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        for chunk in chunks:
            if chunk:
                fh.write(chunk)
                last = chunk
        if not last.endswith("\n"):
            fh.write("\n")


_ITEMS = "\x00pbm-items\x00"


def json_chunks(head: Mapping[str, Any], key: str, items: Iterable[Any],
                tail: Callable[[], Mapping[str, Any]]) -> Iterator[str]:
    """``json.dumps({**head, key: list(items), **tail()}, ensure_ascii=False, indent=2)``, the
    same text, made one item at a time (``tail`` is asked for after the last item)."""
    import json

    def dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, indent=2)

    it = iter(items)
    first = next(it, _ITEMS)
    if first is _ITEMS:
        yield dumps({**head, key: [], **tail()})
        return
    mark = dumps(_ITEMS)
    shell = dumps({**head, key: [_ITEMS]})
    yield shell[:shell.index(mark)]
    yield dumps(first).replace("\n", "\n    ")  # an item sits two levels deep
    for item in it:
        yield ",\n    " + dumps(item).replace("\n", "\n    ")
    whole = dumps({**head, key: [_ITEMS], **tail()})
    yield whole[whole.index(mark) + len(mark):]


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Row]], bom: bool) -> Iterator[str]:
    """``csv_text(header, rows)`` (with a BOM for a file), one group of rows at a time."""
    yield ("\ufeff" if bom else "") + _csv_lines([header])
    for group in rows:
        yield _csv_lines(group)


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
    return _csv_lines([header, *rows])


def _csv_lines(rows: Iterable[Row]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([_csv_value(v) for v in row] for row in rows)
    return buf.getvalue()


def write_csv(path: str | Path, header: Sequence[str], rows: Sequence[Row], force: bool) -> Path:
    """UTF-8 CSV with a BOM (Excel detects the encoding from it); atomic."""
    _require_path(path, "csv")
    with writing(path):
        return write_text(path, "\ufeff" + csv_text(header, rows), force)


def display_width(text: str) -> int:
    """Columns a string takes in a fixed-width font (CJK and full-width count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value: Any, fmt: str | None = None) -> str:
    """A cell's value roughly as Excel shows it (for sizing columns)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else "是"
    if isinstance(value, int | float):
        if fmt in (PERCENT_POINTS, PERCENT):
            return f"{value:.2f}%"
        return f"{value:,.2f}" if fmt or isinstance(value, float) else str(value)
    text = str(value)
    return f"{MARKS[text].symbol} {text}" if text in MARKS else text


def _header_width(title: str) -> int:
    """A header may wrap onto two lines: before its bracket (全年预算 / （万元）), else in half."""
    parts = [p for line in str(title).splitlines() for p in re.split(r"(?=（)", line) if p]
    longest = max((display_width(p) for p in parts), default=0)
    if len(parts) == 1:
        longest = min(longest, max(math.ceil(longest / 2), 8))
    return longest + 3  # bold CJK is a little wider than two characters


def _fit_widths(header: Sequence[str], rows: Sequence[Row],
                formats: Mapping[int, str] | None = None) -> list[float]:
    formats = formats or {}
    widths = [_header_width(h) for h in header]
    for row in rows[:2000]:  # a sample is enough to size columns
        for i, value in enumerate(row[: len(widths)]):
            text = _shown(value, formats.get(i))
            longest = max((display_width(p) for p in text.splitlines()), default=0)
            widths[i] = max(widths[i], longest + 2)
    return [float(min(max(w, _MIN_WIDTH), _MAX_WIDTH)) for w in widths]


def row_height(values: Row, widths: Sequence[float], line: float = 16.0) -> float | None:
    """Height (points) that shows every wrapped cell of a row in full; None for one line.

    Excel and LibreOffice do not always grow rows for wrapped text on opening, so
    writers set the height explicitly.  A line of 11 pt CJK text takes about 16 pt (Noto
    Sans CJK, 等线); a column of ``width`` characters holds about ``width - 2`` of them.
    """
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            usable = max(width - 2, 1)
            n = sum(max(1, math.ceil(display_width(part) / usable)) for part in value.splitlines())
            lines = max(lines, n)
    return None if lines == 1 else min(line * lines + 4, 409.0)


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


class _Formats:
    """xlsxwriter formats made once per distinct set of properties."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.made:
            self.made[key] = self.wb.add_format(props)
        return self.made[key]

    def cell(self, spec: SheetSpec, col: int, mark: Mark | None, status: bool) -> Any:
        """A body cell: bordered, top-aligned, its number format, the row's mark."""
        props: dict[str, Any] = {"valign": "vcenter", "border": 1, "text_wrap": spec.wrap}
        fmt = spec.num_formats.get(col)
        if fmt:
            props["num_format"] = PERCENT if fmt == PERCENT_POINTS else fmt
        if mark is not None:
            props["bg_color"] = mark.fill if status else mark.tint
            if status:
                props.update(bold=True, font_color=mark.color)
        return self(**props)


def _write_cell(ws: Any, r: int, c: int, value: Any, fmt: Any) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _title_rows(ws: Any, spec: SheetSpec, heading: Heading | None, widths: Sequence[float],
                fmt: _Formats) -> int:
    """The title (and by-line) above the header; returns the header's row."""
    title = spec.title or (heading.line(spec.name) if heading else "")
    if not title:
        return 0
    lines = [(title, fmt(bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True), 16)]
    if heading and heading.byline():
        lines.append((heading.byline(), fmt(valign="vcenter"), 11))
    last = max(len(widths) - 1, 0)
    for r, (text, f, size) in enumerate(lines):
        if last:
            ws.merge_range(r, 0, r, last, text, f)
        else:
            ws.write_string(r, 0, text, f)
        height = row_height([text], [sum(widths) * 11 / size], line=size * 1.5)
        ws.set_row(r, height or size * 1.5 + 4)
    return len(lines)


def _body_row(ws: Any, r: int, row: Row, spec: SheetSpec, fmt: _Formats, link: Any,
              index: int) -> list[Any]:
    """Write one data row; returns the values as shown (for the row height)."""
    status = row[spec.status] if spec.status is not None and spec.status < len(row) else None
    mark = MARKS.get(str(status)) if status is not None else None
    shown = list(row) + [None] * (len(spec.header) - len(row))
    for c, value in enumerate(shown):
        is_status = c == spec.status and mark is not None
        if is_status:
            value = f"{mark.symbol} {value}"  # type: ignore[union-attr]
        elif spec.num_formats.get(c) == PERCENT_POINTS and isinstance(value, int | float):
            value = value / 100
        shown[c] = value
        url = spec.hyperlinks.get((index, c))
        if url:
            ws.write_url(r, c, url, link, string=str(value if value is not None else url))
        else:
            _write_cell(ws, r, c, value, fmt.cell(spec, c, mark, is_status))
    return shown


def _write_sheet(wb: Any, spec: SheetSpec, name: str, fmt: _Formats,
                 heading: Heading | None) -> None:
    ws = wb.add_worksheet(name)
    ncols = len(spec.header)
    fitted = list(spec.widths) if spec.widths else _fit_widths(spec.header, spec.rows, spec.num_formats)
    landscape, widths = printing.fit_page(fitted[:ncols])
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    head = _title_rows(ws, spec, heading, widths, fmt)
    header_fmt = fmt(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, align="center",
                     valign="vcenter")
    for c, title in enumerate(spec.header):
        ws.write_string(head, c, str(title), header_fmt)
    ws.set_row(head, row_height(list(spec.header), widths) or 20)
    link = fmt(valign="vcenter", border=1, font_color="blue", underline=1, text_wrap=True)
    for i, row in enumerate(spec.rows):
        shown = _body_row(ws, head + 1 + i, row, spec, fmt, link, i)
        height = row_height(shown, widths) if spec.wrap else None
        if height:
            ws.set_row(head + 1 + i, height)
    ws.set_default_row(16)  # a line of 11 pt CJK text
    ws.set_paper(9)  # A4, one page wide, header row on every page, page numbers
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=printing.SIDE_MARGIN, right=printing.SIDE_MARGIN, top=printing.TOP_MARGIN,
                   bottom=printing.BOTTOM_MARGIN)
    ws.set_footer(printing.PAGE_FOOTER, {"margin": printing.FOOTER_MARGIN})
    ws.center_horizontally()
    ws.repeat_rows(head)
    if spec.freeze:
        ws.freeze_panes(head + 1, 0)
    if spec.autofilter and ncols:
        ws.autofilter(head, 0, head + max(len(spec.rows), 1), ncols - 1)


def _require_path(path: str | Path, kind: str) -> None:
    if not str(path) or str(path) == "-":
        raise UsageError(f"{kind} 格式需要用 -o 指定输出文件，例如：-o 结果.{kind}")


def write_xlsx(path: str | Path, sheets: Sequence[SheetSpec], force: bool,
               heading: Heading | None = None) -> Path:
    """An XLSX workbook with one worksheet per SheetSpec, each printing as a document
    (``heading`` on top, A4, page numbers); atomic, text stays text."""
    import xlsxwriter

    _require_path(path, "xlsx")
    with writing(path), atomic_path(path, force) as tmp:
        # the zip is built in memory, then written in one go: a full disk fails that one write
        # (exit 2), never leaves xlsxwriter's zip half-written and unclosed
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        })
        from .readers.ooxml import REPORT_PROPERTY

        wb.set_custom_property(*REPORT_PROPERTY)  # a report, not a form: pbm does not read it as one
        fmt = _Formats(wb)
        taken: set[str] = set()
        for spec in sheets:
            _write_sheet(wb, spec, sheet_name(spec.name, taken), fmt, heading)
        close_xlsx(wb)
        tmp.write_bytes(buf.getvalue())
    return Path(path)


def close_xlsx(wb: Any) -> None:
    """Close an xlsxwriter workbook; its FileCreateError (the temporary folder it packs the
    parts in is full …) is the OSError it wraps, reported by the caller in Chinese (exit 2)."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        wb.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(exc)) from None


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
