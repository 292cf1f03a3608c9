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

import xlsxwriter


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


def truncated_zip(folder: Path) -> Path:
    full = _form(folder / "_full.xlsx")
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


def zip_bomb(folder: Path) -> Path:
    """A sheet whose XML inflates to ~120 MB (compresses to ~120 KB)."""
    filler = b"<!--" + b"0" * (120 * 1024 * 1024) + b"-->"

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", filler + b"<sheetData>", 1)
        return data

    return _rewrite(_form(folder / "_b.xlsx"), folder / "压缩炸弹.xlsx", change)


_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (b"" if i == 1 else str(i - 1).encode())
                                                              for _ in range(10)))
                      for i in range(1, 10))
           + b"]>")


def _inject_laughs(data: bytes) -> bytes:
    head, sep, rest = data.partition(b"?>")
    return head + sep + _LAUGHS + rest


def laughs_sheet(folder: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        return _inject_laughs(data) if name == "xl/worksheets/sheet1.xml" else data

    return _rewrite(_form(folder / "_l.xlsx"), folder / "实体炸弹_sheet.xlsx", change)


def laughs_shared_strings(folder: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            return _inject_laughs(data).replace(b"<t>\xe6\x80\xbb\xe5\x88\x86</t>", b"<t>&lol9;</t>")
        return data

    return _rewrite(_form(folder / "_s.xlsx"), folder / "实体炸弹_sst.xlsx", change)


def encrypted(folder: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = _form(folder / "_plain.xlsx")
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


def far_cell(folder: Path) -> Path:
    """One cell at the last address of a sheet (XFD1048576)."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"</sheetData>",
                                b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>', 1)
        return data

    return _rewrite(_form(folder / "_f.xlsx"), folder / "超大区域.xlsx", change)


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


def evil_zip(folder: Path) -> Path:
    """A zip whose members try to escape: ../ and absolute paths, plus GBK names."""
    form = _form(folder / "_z.xlsx").read_bytes()
    (folder / "_z.xlsx").unlink()
    p = folder / "恶意路径.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("../../逃逸.xlsx", form)
        z.writestr("/tmp/绝对路径.xlsx", form)
    return p


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
