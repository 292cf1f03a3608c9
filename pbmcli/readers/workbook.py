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
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..model import CellRef, Field, ReadIssue, a1

MAX_FILE_BYTES = 100 * 1024 * 1024  # a whole spreadsheet file
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one zip member, declared uncompressed size
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all members of one zip, declared
MAX_MEMBERS = 10_000  # members of one zip
MAX_ROWS = 5_000  # rows of a sheet that are read
MAX_COLS = 200  # columns of a sheet that are read

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_FMT_LABEL = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 工作簿（.xls）",
              "ods": "OpenDocument 表格（.ods）"}
_SUFFIX_FMT = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}

# OOXML fragments (regex over bytes: cheaper than an XML parser, and no entities are expanded)
_XF_BLOCK = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_XF = re.compile(rb"<xf\b([^>]*)")
_NUMFMT = re.compile(rb"<numFmt\b[^>]*?numFmtId=\"(\d+)\"[^>]*?formatCode=\"([^\"]*)\"")
_NUMFMT_ID = re.compile(rb"numFmtId=\"(\d+)\"")
_SHEET = re.compile(rb"<sheet\b([^>]*)/?>")
_ATTR = re.compile(rb"([\w:]+)=\"([^\"]*)\"")
_REL = re.compile(rb"<Relationship\b([^>]*)/?>")
_ROW_R = re.compile(rb"<row\b[^>]*?\br=\"(\d+)\"")
_WIDE_REF = re.compile(rb"<c\b[^>]*?\br=\"(?:[A-Z]{3,}|[H-Z][A-Z]|G[S-Z])\d")
_CELL = re.compile(rb"<c\b([^>]*?)(/>|>.*?</c>)", re.S)
_ROW = re.compile(rb"<row\b([^>]*?)(/>|>.*?</row>)", re.S)
_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")
_FORMULA = re.compile(rb"<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v>([^<]*)</v>|<v\s*/>)?")
_PERCENT_BUILTIN = {9, 10}


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

    def __post_init__(self) -> None:
        for r1, c1, r2, c2 in self.merged:
            self._span[(r1, c1)] = (r2, c2)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        self._anchor[(r, c)] = (r1, c1)

    @property
    def nrows(self) -> int:
        return len(self.rows)

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

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

    def span_end(self, r: int, c: int) -> tuple[int, int]:
        """Bottom-right cell of the merged range anchored at (r, c), else (r, c)."""
        return self._span.get(self.anchor(r, c), self.anchor(r, c))

    def text(self, r: int, c: int) -> str:
        """The anchor cell's value as stripped text ('' when blank)."""
        return display_text(self.raw(*self.anchor(r, c)))

    def field(self, r: int, c: int) -> Field:
        """A normalised ``Field`` for 0-based (r, c), read from its merge anchor."""
        ar, ac = self.anchor(r, c)
        ref = CellRef(self.name, a1(ar + 1, ac + 1))
        if (ar, ac) in self.uncached:
            return Field(None, ref, "", formula_uncached=True)
        value = self.raw(ar, ac)
        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, (int, float)):
            number = float(value)
            if (ar, ac) in self.percent:
                pct = round(number * 100, 10)
                return Field(pct, ref, f"{pct:g}%", percent=True)
            return Field(number, ref, f"{number:g}")
        text = display_text(value)
        return Field(text or None, ref, text)


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
    _ooxml: _Ooxml | None = field(repr=False, default=None)
    _data: bytes = field(repr=False, default=b"")
    _cache: dict[str, Sheet] = field(default_factory=dict, repr=False)

    def sheet(self, name: str) -> Sheet:
        """Load one sheet (bounded), cached."""
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def _load(self, name: str) -> Sheet:
        book, percent, uncached = self._book, frozenset(), frozenset()
        if self.fmt in ("xls", "ods"):
            from .formats import ods_percent_cells, xls_percent_cells

            reader = xls_percent_cells if self.fmt == "xls" else ods_percent_cells
            percent = reader(self._data, name)
        if self._ooxml is not None:
            scan = self._ooxml.scan(name)
            percent, uncached = scan.percent, scan.uncached
            if scan.sanitized is not None:
                book = _calamine(scan.sanitized, self.display)
                self.issues.append(ReadIssue(
                    "out_of_bounds", CellRef(name, "A1"), "",
                    f"工作表「{name}」在第 {MAX_ROWS} 行或第 {MAX_COLS} 列之外还有内容，已忽略（表格不应超出此范围）"))
        try:
            cal = book.get_sheet_by_name(name)
            rows = cal.to_python(skip_empty_area=False, nrows=MAX_ROWS)
            merged = _clip_merges(cal.merged_cell_ranges or [])
        except Exception as exc:  # noqa: BLE001 - calamine raises many types for broken parts
            raise InputError(self.display, f"工作表「{name}」无法读取（{_short(exc)}），文件可能已损坏，请用 Excel/WPS 打开后另存再报送", "F001") from None
        rows = [row[:MAX_COLS] for row in rows]
        return Sheet(name, rows, merged, percent, uncached)


def _clip_merges(ranges: list[Any]) -> list[tuple[int, int, int, int]]:
    out = []
    for (r1, c1), (r2, c2) in ranges:
        if r1 < MAX_ROWS and c1 < MAX_COLS:
            out.append((r1, c1, min(r2, MAX_ROWS - 1), min(c2, MAX_COLS - 1)))
    return out


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
        raise InputError(display, "文件为空（0 字节），请重新导出或重新报送", "F008")
    if len(data) > MAX_FILE_BYTES:
        raise InputError(display, f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，超出允许的大小，不是正常的绩效表格", "F009")
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data, display), None
    if data.startswith(_ZIP_MAGIC):
        return _sniff_zip(data, display)
    raise _not_spreadsheet(data, display)


def _sniff_ole(data: bytes, display: str) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(display, "文件已加密（设置了打开密码），请去掉密码后重新报送", "F002")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        raise InputError(display, "这是 Word 文档（.doc），不是 Excel 表格，请报送绩效表格的 Excel 文件", "F003")
    raise InputError(display, "文件是 Office 复合文档但不含工作簿，无法作为表格读取", "F003")


def _sniff_zip(data: bytes, display: str) -> tuple[str, zipfile.ZipFile]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(display, "文件已损坏或不完整（压缩结构无法读取），请用 Excel/WPS 打开后另存为 .xlsx 重新报送", "F001") from None
    check_zip_limits(zf.infolist(), display)
    if "xl/workbook.xml" in names or any(n.lower() == "xl/workbook.xml" for n in names):
        return "xlsx", zf
    if "mimetype" in names and zf.read("mimetype").strip().startswith(_ODS_MIME):
        return "ods", zf
    if "word/document.xml" in names:
        raise InputError(display, "这是 Word 文档（.docx），不是 Excel 表格，请报送绩效表格的 Excel 文件", "F003")
    if "[Content_Types].xml" in names:
        raise InputError(display, "文件是 Office 文档但不含工作簿（不是 Excel 表格）", "F003")
    raise InputError(display, "文件是普通 zip 压缩包，不是 Excel 表格；请解压后报送其中的表格，或直接把 .zip 交给 pbm", "F011")


def check_zip_limits(infos: list[zipfile.ZipInfo], display: str) -> None:
    """Refuse zips whose member count or declared sizes exceed the limits (F009)."""
    if len(infos) > MAX_MEMBERS:
        raise InputError(display, f"压缩包内文件数 {len(infos)} 超过上限 {MAX_MEMBERS}，已拒绝读取", "F009")
    total = 0
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(display, f"压缩包成员「{info.filename}」解压后 {info.file_size // 1024 // 1024} MB，超过单个成员上限 {MAX_MEMBER_BYTES // 1024 // 1024} MB（可能是压缩炸弹），已拒绝读取", "F009")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise InputError(display, f"压缩包解压后共 {total // 1024 // 1024} MB，超过上限 {MAX_TOTAL_BYTES // 1024 // 1024} MB，已拒绝读取", "F009")


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
            return InputError(display, f"文件内容是{what}，不是 Excel 工作簿（扩展名与内容不符）；请在 Excel/WPS 中打开后另存为 .xlsx 再报送", "F011")
    return InputError(display, "文件内容无法识别为电子表格（可能已损坏或不是表格文件），请重新导出或重新报送", "F001")


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
        raise InputError(display, "文件已加密（设置了打开密码），请去掉密码后重新报送", "F002") from None
    except Exception as exc:  # noqa: BLE001 - calamine raises many types for broken files
        raise InputError(display, f"文件已损坏，无法读取（{_short(exc)}）；请用 Excel/WPS 打开后另存再报送", "F001") from None


def open_workbook(data: bytes, display: str) -> Workbook:
    """Open spreadsheet bytes; ``display`` names the file in messages."""
    fmt, zf = _sniff(data, display)
    issues: list[ReadIssue] = []
    expected = _SUFFIX_FMT.get(_suffix(display))
    if expected is not None and expected != fmt:
        issues.append(ReadIssue(
            "wrong_extension", None, _suffix(display),
            f"文件扩展名是「{_suffix(display)}」，但内容是{_FMT_LABEL[fmt]}；已按实际格式读取，建议改正扩展名"))
    ooxml = _Ooxml(zf, display) if zf is not None and fmt == "xlsx" else None
    book = _calamine(data, display)
    try:
        meta = book.sheets_metadata
    except Exception as exc:  # noqa: BLE001
        raise InputError(display, f"无法读取工作表列表（{_short(exc)}），文件可能已损坏", "F001") from None
    sheets = [SheetInfo(m.name, i, str(m.visible).endswith("Visible")) for i, m in enumerate(meta)]
    return Workbook(display, fmt, sheets, issues, book, ooxml, data if fmt != "xlsx" else b"")


# ---------------------------------------------------------------- OOXML pass


@dataclass(frozen=True)
class _Scan:
    percent: frozenset[tuple[int, int]]
    uncached: frozenset[tuple[int, int]]
    sanitized: bytes | None = None  # a rewritten zip when cells beyond the limits were dropped


class _Ooxml:
    """Lazy, regex-based look at an .xlsx zip: sheet parts, percent styles, formulas."""

    def __init__(self, zf: zipfile.ZipFile, display: str) -> None:
        self.display = display
        self.zf = zf
        self._names = {n.lower(): n for n in self.zf.namelist()}
        self.parts = self._sheet_parts()
        self.percent_styles = self._percent_styles()

    def _read(self, name: str) -> bytes:
        real = self._names.get(name.lower())
        if real is None:
            return b""
        try:
            return self.zf.read(real)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(self.display, f"文件已损坏，部件「{real}」无法解压（{_short(exc)}）", "F001") from None

    def _sheet_parts(self) -> dict[str, str]:
        rels = {}
        for m in _REL.finditer(self._read("xl/_rels/workbook.xml.rels")):
            attrs = dict(_ATTR.findall(m.group(1)))
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            rels[attrs.get(b"Id", b"")] = target
        parts = {}
        for m in _SHEET.finditer(self._read("xl/workbook.xml")):
            attrs = dict(_ATTR.findall(m.group(1)))
            name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
            parts[name] = rels.get(attrs.get(b"r:id", b""), "")
        return parts

    def _percent_styles(self) -> frozenset[int]:
        styles = self._read("xl/styles.xml")
        custom = {int(i) for i, code in _NUMFMT.findall(styles) if _is_percent_code(code)}
        block = _XF_BLOCK.search(styles)
        if not block:
            return frozenset()
        out = set()
        for idx, m in enumerate(_XF.finditer(block.group(1))):
            fid = _NUMFMT_ID.search(m.group(1))
            num = int(fid.group(1)) if fid else 0
            if num in _PERCENT_BUILTIN or num in custom:
                out.add(idx)
        return frozenset(out)

    def scan(self, sheet: str) -> _Scan:
        part = self.parts.get(sheet, "")
        xml = self._read(part) if part else b""
        sanitized = None
        if _out_of_bounds(xml):
            xml, dropped = _drop_out_of_bounds(xml)
            if dropped:
                sanitized = self._rewrite(part, xml)
        return _Scan(self._percent_cells(xml), _uncached_cells(xml), sanitized)

    def _percent_cells(self, xml: bytes) -> frozenset[tuple[int, int]]:
        if not self.percent_styles:
            return frozenset()
        ids = b"|".join(str(i).encode() for i in sorted(self.percent_styles))
        styled = re.compile(rb"<c\b([^>]*?\bs=\"(?:" + ids + rb")\"[^>]*?)/?>")
        return frozenset(p for p in map(_pos, (m.group(1) for m in styled.finditer(xml))) if p)

    def _rewrite(self, part: str, xml: bytes) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.zf.infolist():
                body = xml if info.filename.lower() == part.lower() else self.zf.read(info)
                out.writestr(info.filename, body)
        return buf.getvalue()


def _is_percent_code(code: bytes) -> bool:
    plain = re.sub(rb"\"[^\"]*\"|\\.", b"", html.unescape(code.decode("utf-8", "replace")).encode())
    return b"%" in plain


def _pos(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ch - 64
    return int(m.group(2)) - 1, col - 1


def _uncached_cells(xml: bytes) -> frozenset[tuple[int, int]]:
    if b"<f" not in xml:
        return frozenset()
    out = set()
    for m in _FORMULA.finditer(xml):
        if not m.group(2):
            pos = _pos(m.group(1))
            if pos:
                out.add(pos)
    return frozenset(out)


def _out_of_bounds(xml: bytes) -> bool:
    if _WIDE_REF.search(xml):
        return True
    return any(int(r) > MAX_ROWS for r in _ROW_R.findall(xml))


def _drop_out_of_bounds(xml: bytes) -> tuple[bytes, bool]:
    """Remove rows/cells beyond the limits; report whether any of them held a value."""
    dropped = False

    def drop(element: bytes) -> bytes:
        nonlocal dropped
        dropped = dropped or b"<v" in element or b"<is>" in element
        return b""

    def keep_cell(m: re.Match[bytes]) -> bytes:
        pos = _pos(m.group(1))
        if pos and (pos[0] >= MAX_ROWS or pos[1] >= MAX_COLS):
            return drop(m.group(0))
        return m.group(0)

    def keep_row(m: re.Match[bytes]) -> bytes:
        r = _ROW_R.search(b"<row " + m.group(1))
        if r and int(r.group(1)) > MAX_ROWS:
            return drop(m.group(0))
        return _CELL.sub(keep_cell, m.group(0))

    return _ROW.sub(keep_row, xml), dropped
