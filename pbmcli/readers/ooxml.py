"""The cheap OOXML pass: sheet parts, percent number formats, uncached formulas, bounds.

Regexes over the zip's bytes (cheaper than an XML parser, and no entity is ever
expanded).  Cells beyond MAX_ROWS × MAX_COLS are removed from the sheet XML
before python-calamine sees it: calamine allocates the whole used range densely.

Every pattern here runs in time linear in the part's size, whatever the bytes: a
tag's attributes never run past the next ``<`` (an opener without ``>`` cannot make
each later opener rescan the rest of the part), element bodies are never matched
by a regex (rows and cells are walked tag by tag, comments and CDATA skipped), and
backtracking inside one tag is cut by possessive quantifiers.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InputError
from ..model import col_number
from .limits import MAX_COLS, MAX_ROWS, ZIP_ERRORS

# OOXML fragments (regex over bytes: cheaper than an XML parser, and no entities are expanded).
# _IN_TAG: a tag's attributes; it stops at "<", so a scan from one opener ends at the next.
_IN_TAG = rb"[^<>]*+"
_XF_OPEN = re.compile(rb"<cellXfs\b(" + _IN_TAG + rb")>")
_XF = re.compile(rb"<xf\b(" + _IN_TAG + rb")")
_NUMFMT = re.compile(rb"<numFmt\b(" + _IN_TAG + rb")")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b(" + _IN_TAG + rb")>")
_ATTR = re.compile(rb"(?<![\w:])([\w:]++)\s*+=\s*+([\"'])(.*?)\2", re.S)
_REL = re.compile(rb"<(?:\w+:)?Relationship\b(" + _IN_TAG + rb")>")
_REF = re.compile(rb"\br=\"([A-Z]++)(\d++)\"")
# bounds: any spelling XML allows (either quote, spaces around =, lower case, x: prefixes,
# rows and cells without r= whose position follows from their order)
# (?<!\wr) after the r, not \b before it: the same match, but the regex engine can then
# look for the literal "r" first (several times faster on a sheet's thousands of r="…")
_R_ATTR = rb"r(?<!\wr)\s*+=\s*+[\"']"
_BIG_ROW = re.compile(_R_ATTR + rb"[A-Za-z]{0,3}+(\d{4,}+)")
_WIDE_COL = re.compile(_R_ATTR + rb"([A-Za-z]{2,}+)\d")
_ANY_ROW = re.compile(_R_ATTR + rb"[A-Za-z]{0,3}+(\d++)")
_ANY_COL = re.compile(_R_ATTR + rb"([A-Za-z]++)\d")
_NO_REF = re.compile(rb"<(?:\w+:)?(?:c|row)(?=[\s/>])(?:(?!\br\s*=)[^<>])*+>")
_R_VALUE = re.compile(rb"\br\s*+=\s*+([\"'])([A-Za-z]*+)(\d++)\1")
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")
_FORMULA = re.compile(rb"<c\b(" + _IN_TAG + rb")>\s*+<f\b" + _IN_TAG
                      + rb"(?:(?<=/)>|>[^<]*+</f>)\s*+(?:<v>([^<]*+)</v>|<v\s*/>)?")
# rows and cells, tag by tag: (close "/")(prefix)(name)(attributes, a trailing "/" = empty)
_SKIPPED = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>", b"<!": b">"}
_ROW_OR_CELL = re.compile(rb"<!--|<!\[CDATA\[|<\?|<!|<(/?)((?:\w+:)?)(row|c)(?=[\s/>])(" + _IN_TAG + rb")>")
_PERCENT_BUILTIN = {9, 10}


@dataclass(frozen=True)
class Scan:
    percent: frozenset[tuple[int, int]]
    uncached: frozenset[tuple[int, int]]


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {k: v for k, _, v in _ATTR.findall(raw)}


# the custom document property outputs.write_xlsx gives every report (see Ooxml.pbm_report)
REPORT_PROPERTY = ("pbm", "report")
REPORT_MARK = b'name="pbm"><vt:lpwstr>report</vt:lpwstr>'


class Ooxml:
    """Lazy, regex-based look at an .xlsx zip: sheet parts, percent styles, formulas."""

    def __init__(self, zf: zipfile.ZipFile, display: str, bounds: tuple[int, int] = (MAX_ROWS, MAX_COLS)) -> None:
        self.display = display
        self.zf = zf
        self.bounds = bounds
        self._names = {n.lower(): n for n in self.zf.namelist()}
        self._xml: dict[str, bytes] = {}
        self.parts = self._sheet_parts()
        self.percent_styles = self._percent_styles()
        self.sanitized, self.cut = self._bound_all()

    def _worksheet_parts(self) -> list[str]:
        """Every part calamine may read as a sheet: the workbook's targets and xl/worksheets/*."""
        listed = {p.lower() for p in self.parts.values() if p}
        return [n for low, n in sorted(self._names.items())
                if low in listed or (low.startswith("xl/worksheets/") and low.endswith(".xml"))]

    def _sheet_xml(self, part: str) -> bytes:
        if part.lower() not in self._xml:
            self._xml[part.lower()] = self._read(part)
        return self._xml[part.lower()]

    def _bound_all(self) -> tuple[bytes | None, list[str]]:
        """Drop cells beyond MAX_ROWS × MAX_COLS from every sheet part, before calamine
        (which allocates the whole used range) sees them: (rewritten zip or None, sheets cut)."""
        changed: dict[str, bytes] = {}
        for part in self._worksheet_parts():
            xml = self._sheet_xml(part)
            if _out_of_bounds(xml, self.bounds):
                new, dropped = _drop_out_of_bounds(xml, self.bounds)
                self._xml[part.lower()] = new
                if dropped:  # valueless far cells are harmless: calamine skips them
                    changed[part.lower()] = new
        if not changed:
            return None, []
        names = {p.lower(): n for n, p in self.parts.items() if p}
        return self._rewrite(changed), [names.get(p, p) for p in changed]

    def pbm_report(self) -> bool:
        """The workbook is a report pbm wrote (its custom property pbm = report), not a form."""
        custom = self._read("docProps/custom.xml") if "docprops/custom.xml" in self._names else b""
        return REPORT_MARK in custom

    def _read(self, name: str) -> bytes:
        real = self._names.get(name.lower())
        if real is None:
            return b""
        try:
            info = self.zf.getinfo(real)
            with self.zf.open(info) as fh:  # never more than the declared size (a lying zip bomb)
                data = fh.read(info.file_size + 1)
        except ZIP_ERRORS as exc:
            raise InputError(self.display, f"部件「{real}」已损坏，无法解压（{str(exc)[:120]}）", "F001") from None
        if len(data) > info.file_size:
            raise InputError(self.display, f"部件「{real}」解压后超过其声明的大小，文件已损坏（或是压缩炸弹）", "F001")
        return data

    def _sheet_parts(self) -> dict[str, str]:
        rels = {}
        for m in _REL.finditer(self._read("xl/_rels/workbook.xml.rels")):
            attrs = _attrs(m.group(1))
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            rels[attrs.get(b"Id", b"")] = target
        parts = {}
        for m in _SHEET.finditer(self._read("xl/workbook.xml")):
            attrs = _attrs(m.group(1))
            name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
            rid = next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
            parts[name] = rels.get(rid, "")
        return parts

    def _percent_styles(self) -> frozenset[int]:
        styles = self._read("xl/styles.xml")
        custom = set()
        for m in _NUMFMT.finditer(styles):  # attributes in any order, either quote
            attrs = _attrs(m.group(1))
            fid, code = attrs.get(b"numFmtId", b""), attrs.get(b"formatCode", b"")
            if fid.isdigit() and _is_percent_code(code):
                custom.add(int(fid))
        block = _xf_block(styles)
        if not block:
            return frozenset()
        out = set()
        for idx, m in enumerate(_XF.finditer(block)):
            fid = _attrs(m.group(1)).get(b"numFmtId", b"0")
            num = int(fid) if fid.isdigit() else 0
            if num in _PERCENT_BUILTIN or num in custom:
                out.add(idx)
        return frozenset(out)

    def scan(self, sheet: str) -> Scan:
        """Percent-formatted and uncached formula cells of one sheet."""
        part = self.parts.get(sheet, "")
        xml = self._sheet_xml(part) if part else b""
        return Scan(self._percent_cells(xml), _uncached_cells(xml))

    def _percent_cells(self, xml: bytes) -> frozenset[tuple[int, int]]:
        if not self.percent_styles:
            return frozenset()
        ids = b"|".join(str(i).encode() for i in sorted(self.percent_styles))
        # atomic: once the s= attribute is found, a tag without ">" fails without retrying
        styled = re.compile(rb"<c\b((?>[^<>]*?\bs=\"(?:" + ids + rb")\")[^<>]*+)>")
        return frozenset(p for p in map(_pos, (m.group(1) for m in styled.finditer(xml))) if p)

    def _rewrite(self, changed: dict[str, bytes]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.zf.infolist():
                body = changed.get(info.filename.lower())
                out.writestr(info.filename, body if body is not None else self._read(info.filename))
        return buf.getvalue()


def _xf_block(styles: bytes) -> bytes:
    """The body of the first <cellXfs> (to the end of the part when it is never closed)."""
    start = _XF_OPEN.search(styles)
    if start is None or start.group(1).endswith(b"/"):
        return b""
    end = styles.find(b"</cellXfs>", start.end())
    return styles[start.end():end if end >= 0 else len(styles)]


def _is_percent_code(code: bytes) -> bool:
    plain = re.sub(rb"\"[^\"]*\"|\\.", b"", html.unescape(code.decode("utf-8", "replace")).encode())
    return b"%" in plain


def _pos(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if not m:
        return None
    return int(m.group(2)) - 1, _col_number(m.group(1)) - 1


def _uncached_cells(xml: bytes) -> frozenset[tuple[int, int]]:
    if b"<f" not in xml:
        return frozenset()
    out = set()
    for m in _FORMULA.finditer(xml):
        # openpyxl writes <v></v> for "no value"; Excel marks an empty text result t="str"
        if not m.group(2) and b't="str"' not in m.group(1):
            pos = _pos(m.group(1))
            if pos:
                out.add(pos)
    return frozenset(out)


def _col_number(letters: bytes) -> int:
    return col_number(letters.decode("ascii", "replace"))


def _out_of_bounds(xml: bytes, bounds: tuple[int, int] = (MAX_ROWS, MAX_COLS)) -> bool:
    """Cheap and conservative: True when some cell may lie beyond rows × columns."""
    max_rows, max_cols = bounds
    big_row = _BIG_ROW if max_rows >= 1000 else _ANY_ROW
    if any(int(m.group(1)) > max_rows for m in big_row.finditer(xml)):
        return True
    wide = _WIDE_COL if max_cols >= 26 else _ANY_COL
    if any(_col_number(m.group(1)) > max_cols for m in wide.finditer(xml)):
        return True
    return _NO_REF.search(xml) is not None  # positions follow from order: count them


def _tags(xml: bytes) -> Iterator[tuple[int, int, bool, bytes, bytes]]:
    """Row and cell tags in document order: (start, end, closing, name, attributes), with
    comments, CDATA, processing instructions and declarations skipped (an unclosed one runs to
    the end of the part).  Linear: each search resumes where the previous one ended."""
    pos = 0
    while (m := _ROW_OR_CELL.search(xml, pos)) is not None:
        if m.group(3) is None:  # <!-- … -->, <![CDATA[ … ]]>, <? … ?>, <! … >
            end = xml.find(_SKIPPED[m.group(0)], m.end())
            pos = len(xml) if end < 0 else end + len(_SKIPPED[m.group(0)])
            continue
        yield m.start(), m.end(), m.group(1) == b"/", m.group(3), m.group(4)
        pos = m.end()


class _Dropper:
    """Copies a sheet part, leaving out rows and cells beyond the bounds (tag by tag)."""

    def __init__(self, xml: bytes, bounds: tuple[int, int]) -> None:
        self.xml, (self.max_rows, self.max_cols) = xml, bounds
        self.parts: list[bytes] = []
        self.copied = 0  # xml[:copied] is decided
        self.dropped = False  # a left-out element held a value
        self.open_from: int | None = None  # start of a left-out row or cell not closed yet
        self.open_kind = b""
        self.row, self.col = -1, -1

    def drop(self, start: int, end: int) -> None:
        self.parts.append(self.xml[self.copied:start])
        self.dropped = self.dropped or _HAS_VALUE.search(self.xml, start, end) is not None
        self.copied = end
        self.open_from = None

    def close_open(self, at: int) -> None:
        """An element left out but never closed ends where the next row (or cell) starts."""
        if self.open_from is not None:
            self.drop(self.open_from, at)

    def feed(self, start: int, end: int, closing: bool, name: bytes, attrs: bytes) -> None:
        if closing:
            if self.open_from is not None and name == self.open_kind:
                self.drop(self.open_from, end)
            elif self.open_from is not None and name == b"row":  # a left-out cell never closed
                self.drop(self.open_from, start)
            return
        if name == b"c" and self.open_kind == b"row" and self.open_from is not None:
            return  # a cell inside a row that is left out anyway
        self.close_open(start)
        if self._beyond(name, attrs):
            if attrs.endswith(b"/"):
                self.drop(start, end)
            else:
                self.open_from, self.open_kind = start, name

    def _beyond(self, name: bytes, attrs: bytes) -> bool:
        ref = _R_VALUE.search(attrs)
        if name == b"row":
            self.row, self.col = (int(ref.group(3)) - 1 if ref else self.row + 1), -1
            return self.row >= self.max_rows
        row = self.row
        if ref:
            self.col = _col_number(ref.group(2)) - 1 if ref.group(2) else self.col + 1
            row = int(ref.group(3)) - 1
        else:
            self.col += 1
        return row >= self.max_rows or self.col >= self.max_cols

    def result(self) -> tuple[bytes, bool]:
        self.close_open(len(self.xml))
        self.parts.append(self.xml[self.copied:])
        return b"".join(self.parts), self.dropped


def _drop_out_of_bounds(xml: bytes, bounds: tuple[int, int] = (MAX_ROWS, MAX_COLS)) -> tuple[bytes, bool]:
    """Remove rows/cells beyond the limits; report whether any of them held a value."""
    dropper = _Dropper(xml, bounds)
    for tag in _tags(xml):
        dropper.feed(*tag)
    return dropper.result()
