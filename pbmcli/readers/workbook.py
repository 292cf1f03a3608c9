"""The only module that opens spreadsheets.

``open_workbook(data, display)`` sniffs the bytes (never trusting the file
extension), opens .xlsx/.xlsm/.xls/.ods with python-calamine and returns a
``Workbook`` whose ``sheet(name)`` gives a bounded grid of values plus merged
ranges.  For OOXML files one cheap regex pass over the zip learns which cells
carry a percent number format (0.96 shown as 96 % is read as 96, percent=True)
and which formula cells have no cached value (value None, formula_uncached).

Limits (module constants, documented in the README): a zip member may declare
at most ``MAX_MEMBER_BYTES`` uncompressed, all members together
``MAX_TOTAL_BYTES``, at most ``MAX_MEMBERS`` members; a form sheet is read up to
``MAX_ROWS`` × ``MAX_COLS``.  Cells beyond are dropped *before* calamine sees
them (a cell at XFD1048576 would otherwise allocate the whole range) and a
ReadIssue(kind="out_of_bounds") says so.  Every failure is an ``InputError``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import CellRef, Field, ReadIssue, col_letter, num_text
from .limits import (  # noqa: F401  (re-exported: the limits live in one place)
    MAX_COLS,
    MAX_FILE_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_ROWS,
    MAX_TOTAL_BYTES,
    SPREADSHEET_SUFFIXES,
    ZIP_ERRORS,
)
from .ooxml import Ooxml

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_FMT_LABEL = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 工作簿（.xls）",
              "ods": "OpenDocument 表格（.ods）"}
_SUFFIX_FMT = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}



@dataclass(frozen=True)
class SheetInfo:
    """A sheet's name, position and visibility (from calamine sheets_metadata)."""

    name: str
    index: int
    visible: bool


@dataclass
class Sheet:
    """A bounded grid of raw calamine values (0-based) with merges and formats."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive
    percent: frozenset[tuple[int, int]] = frozenset()
    uncached: frozenset[tuple[int, int]] = frozenset()
    _anchor: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, repr=False)
    _span: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, repr=False)
    _fields: dict[tuple[int, int], Field] = field(default_factory=dict, repr=False)  # by anchor
    _ncols: int = field(default=-1, repr=False)

    def __post_init__(self) -> None:
        anchor = self._anchor
        for r1, c1, r2, c2 in self.merged:
            top = (r1, c1)
            self._span[top] = (r2, c2)
            kept = anchor.get(top)  # the top-left cell itself keeps what an earlier range said
            anchor.update(dict.fromkeys([(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)], top))
            if kept is None:
                del anchor[top]
            else:
                anchor[top] = kept

    @property
    def nrows(self) -> int:
        return len(self.rows)

    @property
    def ncols(self) -> int:
        if self._ncols < 0:  # rows never change once loaded
            self._ncols = max((len(r) for r in self.rows), default=0)
        return self._ncols

    def raw(self, r: int, c: int) -> Any:
        """The raw value at 0-based (r, c), '' outside the grid."""
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        """Top-left cell of the merged range covering (r, c), else (r, c)."""
        return self._anchor.get((r, c), (r, c))

    def is_continuation(self, r: int, c: int) -> bool:
        return (r, c) in self._anchor

    def continuations(self) -> Container[tuple[int, int]]:
        """The cells covered by a merged range but not its top-left one."""
        return self._anchor.keys()

    def is_merged(self, r: int, c: int) -> bool:
        """(r, c) lies in a merged range (as its anchor or a covered cell)."""
        return (r, c) in self._anchor or (r, c) in self._span

    def span_end(self, r: int, c: int) -> tuple[int, int]:
        """Bottom-right cell of the merged range anchored at (r, c), else (r, c)."""
        return self._span.get(self.anchor(r, c), self.anchor(r, c))

    def text(self, r: int, c: int) -> str:
        """The anchor cell's value as stripped text ('' when blank)."""
        return display_text(self.raw(*self.anchor(r, c)))

    def field(self, r: int, c: int) -> Field:
        """A normalised ``Field`` for 0-based (r, c), read from its merge anchor (made once per
        cell: readers ask for the same cells more than once)."""
        at = self._anchor.get((r, c), (r, c))
        found = self._fields.get(at)
        if found is None:
            found = self._fields[at] = self._field(*at)
        return found

    def _field(self, ar: int, ac: int) -> Field:
        ref = CellRef(self.name, cell_name(ar, ac))
        if (ar, ac) in self.uncached:
            return Field(None, ref, "", formula_uncached=True)
        value = self.raw(ar, ac)
        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, (int, float)) and not math.isfinite(value):
            value = str(value)  # <v>NaN</v> / <v>inf</v>: no number; reported as not_a_number
        if isinstance(value, (int, float)):
            number = float(value)
            if (ar, ac) in self.percent:
                pct = round(number * 100, 10)
                return Field(pct, ref, f"{num_text(pct)}%", percent=True)
            return Field(number, ref, f"{num_text(number)}")
        text = display_text(value)
        return Field(text or None, ref, text)


_LETTERS = [col_letter(c) for c in range(1, MAX_COLS + 2)]


def cell_name(r: int, c: int) -> str:
    """0-based (r, c) -> "B3" (cheap: column letters are precomputed)."""
    return f"{_LETTERS[c] if c <= MAX_COLS else col_letter(c + 1)}{r + 1}"


def display_text(value: Any) -> str:
    """A calamine value as the text a user sees (numbers without .0, dates ISO)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Workbook:
    """An opened workbook: its format, sheets and the notes taken while sniffing."""

    display: str
    fmt: str  # xlsx | xls | ods
    sheets: list[SheetInfo]
    issues: list[ReadIssue]
    _book: Any = field(repr=False, default=None)
    _ooxml: Ooxml | None = field(repr=False, default=None)
    _data: bytes = field(repr=False, default=b"")
    max_rows: int = MAX_ROWS
    max_cols: int = MAX_COLS
    _cache: dict[str, Sheet] = field(default_factory=dict, repr=False)
    framed_errors: bool = False  # set by readers.open_item: its callers print errors as they are

    def pbm_report(self) -> bool:
        """A report pbm wrote (an .xlsx with pbm's report property)."""
        return self._ooxml is not None and self._ooxml.pbm_report()

    def sheet(self, name: str) -> Sheet:
        """Load one sheet (bounded), cached."""
        if name not in self._cache:
            try:
                self._cache[name] = self._load(name)
            except InputError as exc:
                if not self.framed_errors:
                    raise
                from . import framed

                raise framed(exc) from None
        return self._cache[name]

    def _load(self, name: str) -> Sheet:
        percent: frozenset[tuple[int, int]] = frozenset()
        uncached: frozenset[tuple[int, int]] = frozenset()
        if self.fmt in ("xls", "ods"):
            from .formats import ods_percent_cells, xls_percent_cells

            reader = xls_percent_cells if self.fmt == "xls" else ods_percent_cells
            percent = reader(self._data, name)
        if self._ooxml is not None:
            scan = self._ooxml.scan(name)
            percent, uncached = scan.percent, scan.uncached
        try:
            cal = self._book.get_sheet_by_name(name)
            rows = cal.to_python(skip_empty_area=False, nrows=self.max_rows)
            merged = _clip_merges(cal.merged_cell_ranges or [], self.max_rows, self.max_cols)
        except BaseException as exc:  # noqa: BLE001 - calamine raises many types (and Rust panics)
            _reraise_interrupts(exc)
            raise InputError(self.display, f"工作表「{name}」的内容已损坏（{_short(exc)}）", "F001") from None
        rows = [row[:self.max_cols] for row in rows]
        return Sheet(name, rows, merged, percent, uncached)


def _clip_merges(ranges: list[Any], max_rows: int, max_cols: int) -> list[tuple[int, int, int, int]]:
    out = []
    for (r1, c1), (r2, c2) in ranges:
        if r1 < max_rows and c1 < max_cols:
            out.append((r1, c1, min(r2, max_rows - 1), min(c2, max_cols - 1)))
    return out


def _reraise_interrupts(exc: BaseException) -> None:
    """Ctrl-C, exits and the file's time budget pass through; everything else from calamine
    is a broken file."""
    from ..deadline import OverBudget

    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, OverBudget)):
        raise exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


# ---------------------------------------------------------------- sniffing


def _suffix(display: str) -> str:
    dot = display.rfind(".")
    return display[dot:].lower() if dot >= 0 else ""


def sniff(data: bytes, display: str) -> str:
    """The real format of ``data``: xlsx | xls | ods, or raise InputError."""
    return _sniff(data, display)[0]


def _sniff(data: bytes, display: str) -> tuple[str, zipfile.ZipFile | None]:
    if not data:
        raise InputError(display, "文件为空（0 字节）", "F008")
    if len(data) > MAX_FILE_BYTES:
        raise InputError(display, f"文件大于 {MAX_FILE_BYTES // 1024 // 1024} MB，正常的绩效表格不会这么大", "F009")
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data, display), None
    if data.startswith(_ZIP_MAGIC):
        return _sniff_zip(data, display)
    raise _not_spreadsheet(data, display)


def _sniff_ole(data: bytes, display: str) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(display, "文件设置了打开密码", "F002")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        raise InputError(display, "这是 Word 文档（.doc），不是 Excel 表格", "F003")
    raise InputError(display, "这是 Office 复合文档，其中没有工作簿", "F003")


def _sniff_zip(data: bytes, display: str) -> tuple[str, zipfile.ZipFile]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except ZIP_ERRORS:
        raise InputError(display, "文件的压缩结构已损坏或不完整", "F001") from None
    check_zip_limits(zf.infolist(), display)
    if "xl/workbook.xml" in names or any(n.lower() == "xl/workbook.xml" for n in names):
        return "xlsx", zf
    if "mimetype" in names and _member(zf, "mimetype", display).strip().startswith(_ODS_MIME):
        return "ods", zf
    if "word/document.xml" in names:
        raise InputError(display, "这是 Word 文档（.docx），不是 Excel 表格", "F003")
    if "[Content_Types].xml" in names:
        raise InputError(display, "这是 Office 文档，其中没有工作簿", "F003")
    raise InputError(display, "内容是普通 zip 压缩包，不是 Excel 工作簿（若是表格的压缩包，请解压后报送其中的表格）", "F001")


def _member(zf: zipfile.ZipFile, name: str, display: str) -> bytes:
    try:  # never inflate past the declared size: a member lying about it fails its CRC check
        info = zf.getinfo(name)
        with zf.open(info) as fh:
            return fh.read(min(info.file_size, MAX_MEMBER_BYTES) + 1)
    except ZIP_ERRORS:
        raise InputError(display, "压缩内容已损坏，无法解压", "F001") from None


def check_zip_limits(infos: list[zipfile.ZipInfo], display: str) -> None:
    """Refuse zips whose member count or declared sizes exceed the limits (F009)."""
    if len(infos) > MAX_MEMBERS:
        raise InputError(display, f"压缩包内文件数 {len(infos)} 超过上限 {MAX_MEMBERS}", "F009")
    total = 0
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(display, f"压缩包成员「{info.filename}」解压后 {info.file_size // 1024 // 1024} MB，超过单个成员上限 {MAX_MEMBER_BYTES // 1024 // 1024} MB（可能是压缩炸弹）", "F009")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise InputError(display, f"压缩包解压后共 {total // 1024 // 1024} MB，超过上限 {MAX_TOTAL_BYTES // 1024 // 1024} MB", "F009")


def _not_spreadsheet(data: bytes, display: str) -> InputError:
    head = data[:4096]
    if b"\x00" not in head:
        text = _decode_text(head)
        if text is not None:
            low = text.lower()
            if "<html" in low or "<table" in low or "<!doctype html" in low:
                what = "网页（HTML）"
            elif "," in text or "\t" in text or "，" in text:
                what = "CSV/纯文本"
            else:
                what = "纯文本"
            ext = Path(display).suffix.lower()
            if ext in (".csv", ".txt"):  # named as what it is: a text table, not a form workbook
                return InputError(display, f"这是{what}文件，不是 Excel 工作簿；绩效表格请按 .xlsx 报送"
                                           "（执行数据导出的 CSV 请用 pbm monitor 读取）", "F001")
            return InputError(display, f"扩展名是 {ext or '表格'}，但内容是{what}，不是 Excel 工作簿", "F001")
    return InputError(display, "内容无法识别为电子表格（可能已损坏，或不是 Excel/WPS 表格）", "F001")


def _decode_text(head: bytes) -> str | None:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError:
            # a multi-byte character cut at the 4 KB boundary is still text
            try:
                text = head[:-3].decode(enc)
            except UnicodeDecodeError:
                continue
        if all(ch.isprintable() or ch in "\r\n\t" for ch in text):
            return text
    return None


# ---------------------------------------------------------------- opening


def _calamine(data: bytes, display: str) -> Any:
    import python_calamine as pc

    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise InputError(display, "文件设置了打开密码", "F002") from None
    except BaseException as exc:  # noqa: BLE001 - calamine raises many types (and Rust panics)
        _reraise_interrupts(exc)
        raise InputError(display, f"文件内容已损坏（{_short(exc)}）", "F001") from None


def open_workbook(data: bytes, display: str, *, max_rows: int | None = None,
                  max_cols: int | None = None) -> Workbook:
    """Open spreadsheet bytes; ``display`` names the file in messages.

    ``max_rows`` / ``max_cols`` (default MAX_ROWS × MAX_COLS, sized for forms) bound
    every sheet; a reader of long tables (an execution export) may pass larger ones."""
    bounds = (max_rows or MAX_ROWS, max_cols or MAX_COLS)
    fmt, zf = _sniff(data, display)
    issues: list[ReadIssue] = []
    expected = _SUFFIX_FMT.get(_suffix(display))
    if expected is not None and expected != fmt:
        issues.append(ReadIssue(
            "wrong_extension", None, _suffix(display),
            f"扩展名是「{_suffix(display)}」，内容却是{_FMT_LABEL[fmt]}，已按实际格式读取"))
    ooxml = Ooxml(zf, display, bounds) if zf is not None and fmt == "xlsx" else None
    if ooxml is not None and ooxml.sanitized is not None:  # far cells were dropped first
        data = ooxml.sanitized
        issues += [ReadIssue("out_of_bounds", None, name,  # the sheet, not a cell: the message names it
                             f"工作表「{name}」在第 {bounds[0]} 行或第 {bounds[1]} 列之外还有内容，已忽略这些内容")
                   for name in ooxml.cut]
    if fmt == "xls":
        from .formats import xls_dimensions_broken

        if xls_dimensions_broken(data):
            raise InputError(display, "文件已损坏（工作表的行列范围记录不合理），无法安全读取；"
                             "请用 Excel/WPS 打开后另存为 .xlsx 再报送", "F001")
    book = _calamine(data, display)
    try:
        meta = book.sheets_metadata
    except BaseException as exc:  # noqa: BLE001
        _reraise_interrupts(exc)
        raise InputError(display, f"工作表列表已损坏（{_short(exc)}）", "F001") from None
    sheets = [SheetInfo(m.name, i, str(m.visible).endswith("Visible")) for i, m in enumerate(meta)]
    return Workbook(display, fmt, sheets, issues, book, ooxml, data if fmt != "xlsx" else b"", *bounds)
