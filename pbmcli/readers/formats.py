"""Percent-formatted cells of .xls and .ods files (python-calamine does not expose formats).

.ods: cells with office:value-type="percentage" in content.xml (rows and columns
counted with their number-*-repeated attributes).  .xls: a minimal reader of the
OLE2 container and the BIFF8 FORMAT / XF / BOUNDSHEET / NUMBER / RK / MULRK /
FORMULA records.  Both are bounded by the workbook limits and return an empty set
on anything unexpected: a missing percent flag is the old behaviour, never a crash.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
from collections.abc import Iterator

from .limits import MAX_COLS, MAX_MEMBER_BYTES, MAX_ROWS, ZIP_ERRORS

Cells = frozenset[tuple[int, int]]

# ---------------------------------------------------------------- ODS

# linear whatever the bytes: a tag's attributes never run past the next "<" (an opener without
# ">" cannot make each later opener rescan the rest of content.xml), no backtracking inside one
_ODS_TOKEN = re.compile(
    rb"<table:table\b(?>[^<>]*?table:name=\"([^\"<]*+)\")[^<>]*+>|</table:table>"
    rb"|<table:table-row\b([^<>]*?)(/?)>|</table:table-row>"
    rb"|<table:(?:covered-)?table-cell\b([^<>]*?)(/?)>")
_REPEAT_COLS = re.compile(rb"table:number-columns-repeated=\"(\d+)\"")
_REPEAT_ROWS = re.compile(rb"table:number-rows-repeated=\"(\d+)\"")


def _repeat(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    m = pattern.search(attrs)
    return int(m.group(1)) if m else 1


def ods_percent_cells(data: bytes, sheet: str) -> Cells:
    """(row, col) of percentage cells of ``sheet`` (0-based)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("content.xml")
            if info.file_size > MAX_MEMBER_BYTES:
                return frozenset()
            with zf.open(info) as fh:  # bounded: never inflate past the declared size
                xml = fh.read(info.file_size + 1)
    except ZIP_ERRORS:
        return frozenset()
    target = sheet.encode("utf-8")
    out: set[tuple[int, int]] = set()
    inside, row, col, row_rep = False, -1, 0, 1
    for m in _ODS_TOKEN.finditer(xml):
        token = m.group(0)
        if token.startswith(b"<table:table ") or token.startswith(b"<table:table>"):
            inside, row = _unescape(m.group(1)) == target, -1
        elif token == b"</table:table>":
            inside = False
        elif not inside:
            continue
        elif token.startswith(b"<table:table-row"):
            row += row_rep
            col, row_rep = 0, _repeat(_REPEAT_ROWS, m.group(2) or b"")
            if m.group(3):  # <table:table-row/>: an empty (repeated) row
                row, row_rep = row + row_rep - 1, 1
        elif token == b"</table:table-row>":
            row, row_rep = row + row_rep - 1, 1
        else:
            attrs = m.group(4) or b""
            rep = _repeat(_REPEAT_COLS, attrs)
            if b'office:value-type="percentage"' in attrs and row < MAX_ROWS:
                out.update((row, c) for c in range(col, min(col + rep, MAX_COLS)))
            col += rep
        if row >= MAX_ROWS:
            break
    return frozenset(out)


def _unescape(raw: bytes | None) -> bytes:
    return html.unescape((raw or b"").decode("utf-8", "replace")).encode("utf-8")


# ---------------------------------------------------------------- XLS (OLE2 + BIFF8)

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


class _Cfb:
    """Just enough of a compound file to read one stream."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.ssize = 1 << struct.unpack_from("<H", data, 30)[0]
        self.msize = 1 << struct.unpack_from("<H", data, 32)[0]
        nfat, self.dir_start = struct.unpack_from("<I", data, 44)[0], struct.unpack_from("<I", data, 48)[0]
        self.cutoff, self.minifat_start = struct.unpack_from("<II", data, 56)
        difat_start, ndifat = struct.unpack_from("<II", data, 68)
        sectors = [s for s in struct.unpack_from("<109I", data, 76) if s not in (_END, _FREE)]
        sid = difat_start
        for _ in range(ndifat):
            if sid in (_END, _FREE):
                break
            block = self.sector(sid)
            entries = struct.unpack_from(f"<{self.ssize // 4}I", block)
            sectors += [s for s in entries[:-1] if s not in (_END, _FREE)]
            sid = entries[-1]
        fat = b"".join(self.sector(s) for s in sectors[:nfat])
        self.fat = struct.unpack(f"<{len(fat) // 4}I", fat)

    def sector(self, sid: int) -> bytes:
        start = (sid + 1) * self.ssize
        return self.data[start:start + self.ssize]

    def chain(self, start: int, table: tuple[int, ...]) -> list[int]:
        out: list[int] = []
        sid = start
        while sid < len(table) and len(out) <= len(table):
            out.append(sid)
            sid = table[sid]
        return out

    def stream(self, name: str) -> bytes | None:
        dirdata = b"".join(self.sector(s) for s in self.chain(self.dir_start, self.fat))
        entries = [dirdata[i:i + 128] for i in range(0, len(dirdata) - 127, 128)]
        for entry in entries:
            nlen = struct.unpack_from("<H", entry, 64)[0]
            if entry[:max(nlen - 2, 0)].decode("utf-16-le", "replace") != name:
                continue
            start, size = struct.unpack_from("<II", entry, 116)
            if size > MAX_MEMBER_BYTES:
                return None
            if size >= self.cutoff:
                return b"".join(self.sector(s) for s in self.chain(start, self.fat))[:size]
            return self._mini(entries[0], start, size)
        return None

    def _mini(self, root: bytes, start: int, size: int) -> bytes:
        root_start = struct.unpack_from("<I", root, 116)[0]
        ministream = b"".join(self.sector(s) for s in self.chain(root_start, self.fat))
        raw = b"".join(self.sector(s) for s in self.chain(self.minifat_start, self.fat))
        minifat = struct.unpack(f"<{len(raw) // 4}I", raw)
        parts = [ministream[s * self.msize:(s + 1) * self.msize] for s in self.chain(start, minifat)]
        return b"".join(parts)[:size]


def _records(stream: bytes, pos: int = 0) -> Iterator[tuple[int, bytes]]:
    while pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4:pos + 4 + length]
        if rtype == 0x000A and pos:  # EOF of a sheet substream
            return
        pos += 4 + length


def _xl_string(body: bytes, pos: int, count_size: int) -> str:
    cch = body[pos] if count_size == 1 else struct.unpack_from("<H", body, pos)[0]
    flags = body[pos + count_size]
    raw = body[pos + count_size + 1:]
    return raw[:cch * 2].decode("utf-16-le", "replace") if flags & 1 else raw[:cch].decode("latin-1")


def _globals(stream: bytes) -> tuple[set[int], dict[str, int]]:
    """Percent XF indexes and sheet name → substream offset."""
    percent_formats, xfs, sheets = {9, 10}, [], {}
    for rtype, body in _records(stream):
        if rtype == 0x041E and len(body) >= 5:
            code = re.sub(r"\"[^\"]*\"|\\.", "", _xl_string(body, 2, 2))
            if "%" in code:
                percent_formats.add(struct.unpack_from("<H", body, 0)[0])
        elif rtype == 0x00E0 and len(body) >= 4:
            xfs.append(struct.unpack_from("<H", body, 2)[0])
        elif rtype == 0x0085 and len(body) >= 8:
            sheets[_xl_string(body, 6, 1)] = struct.unpack_from("<I", body, 0)[0]
        elif rtype == 0x000A:
            break
    return {i for i, fmt in enumerate(xfs) if fmt in percent_formats}, sheets


def _sheet_cells(stream: bytes, offset: int, percent_xf: set[int]) -> Cells:
    out: set[tuple[int, int]] = set()
    for rtype, body in _records(stream, offset):
        if rtype in (0x0203, 0x027E, 0x0006) and len(body) >= 6:
            row, col, xf = struct.unpack_from("<HHH", body, 0)
            if xf in percent_xf and row < MAX_ROWS and col < MAX_COLS:
                out.add((row, col))
        elif rtype == 0x00BD and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body, 0)
            for i in range((len(body) - 6) // 6):
                if struct.unpack_from("<H", body, 4 + 6 * i)[0] in percent_xf \
                        and row < MAX_ROWS and first + i < MAX_COLS:
                    out.add((row, first + i))
    return frozenset(out)


def xls_dimensions_broken(data: bytes) -> bool:
    """True when a sheet's DIMENSIONS record is impossible (first row after the last, beyond
    65,536 rows or 256 columns).  python-calamine sizes the sheet from it before reading a
    cell: a corrupt record makes it allocate hundreds of GB and abort the whole process."""
    try:
        stream = (cfb := _Cfb(data)).stream("Workbook") or cfb.stream("Book")
        if stream is None:
            return False
        _, sheets = _globals(stream)
        for offset in sheets.values():
            for rtype, body in _records(stream, offset):
                if rtype == 0x0200 and _bad_dimensions(body):
                    return True
                if rtype == 0x0200:
                    break
    except (struct.error, IndexError, ValueError, MemoryError):
        return False  # not parseable here: calamine decides (and reports F001)
    return False


def _bad_dimensions(body: bytes) -> bool:
    if len(body) >= 14:  # BIFF8: 32-bit rows
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body, 0)
        max_rows = 65_536
    elif len(body) >= 8:  # BIFF5: 16-bit rows
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body, 0)
        max_rows = 16_384
    else:
        return True
    return not (first_row <= last_row <= max_rows and first_col <= last_col <= 256)


def xls_percent_cells(data: bytes, sheet: str) -> Cells:
    """(row, col) of number cells of ``sheet`` whose format is a percent format (0-based)."""
    try:
        cfb = _Cfb(data)
        stream = cfb.stream("Workbook") or cfb.stream("Book")
        if stream is None:
            return frozenset()
        percent_xf, sheets = _globals(stream)
        if not percent_xf or sheet not in sheets:
            return frozenset()
        return _sheet_cells(stream, sheets[sheet], percent_xf)
    except (struct.error, IndexError, ValueError, MemoryError):
        return frozenset()
