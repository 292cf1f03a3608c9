"""Shared writers: CSV with BOM and injection guard, XLSX text cells, Markdown, no overwrite."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from pbmcli.errors import OutputExistsError
from pbmcli.outputs import SheetSpec, emit_text, markdown_table, sheet_name, write_csv, write_xlsx

HEADER = ["项目名称", "分值", "说明"]
ROWS = [["=1+1", 10.0, None], ["+SUM(A1:A2)", 5, "@cmd"], ["-2", 2.5, "普通文字"]]


def test_csv_has_bom_and_neutralises_formulas(tmp_path: Path):
    path = tmp_path / "out.csv"
    write_csv(path, HEADER, ROWS, force=False)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1] == ["'=1+1", "10", ""]
    assert rows[2] == ["'+SUM(A1:A2)", "5", "'@cmd"]
    assert rows[3] == ["'-2", "2.5", "普通文字"]  # text "-2" is text; numbers stay numbers


def test_csv_refuses_existing_file_without_force(tmp_path: Path):
    path = tmp_path / "out.csv"
    path.write_text("keep me", "utf-8")
    with pytest.raises(OutputExistsError):
        write_csv(path, HEADER, ROWS, force=False)
    assert path.read_text("utf-8") == "keep me"
    write_csv(path, HEADER, ROWS, force=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_cells_are_text_not_formulas(tmp_path: Path):
    path = tmp_path / "out.xlsx"
    specs = [SheetSpec("问题清单", HEADER, ROWS, hyperlinks={(1, 2): "internal:'汇总'!A1"}),
             SheetSpec("汇总", ["a"], [], freeze=False, autofilter=False)]
    write_xlsx(path, specs, force=False)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["问题清单", "汇总"]
    ws = wb["问题清单"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["A3"].data_type == "s"
    assert ws["B2"].value == 10 and ws["B2"].data_type == "n"
    assert ws["C2"].value is None
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C4"
    assert ws["C3"].hyperlink.location == "'汇总'!A1"
    assert ws.column_dimensions["A"].width >= 8
    assert wb["汇总"].freeze_panes is None and not wb["汇总"].auto_filter.ref


def test_xlsx_refuses_existing_file(tmp_path: Path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        write_xlsx(path, [SheetSpec("a", ["x"], [[1]])], force=False)
    assert path.read_bytes() == b"old"
    assert not list(tmp_path.glob(".out.xlsx.*"))  # no temp file left behind


def test_sheet_names_are_legal_and_unique():
    taken: set[str] = set()
    assert sheet_name("a/b:c?", taken) == "a_b_c_"
    long = "很长的工作表名称" * 5
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second


def test_markdown_table_escapes_pipes_and_newlines():
    text = markdown_table(["a", "b"], [["x|y", "line1\nline2"], [None, 1.5]])
    lines = text.splitlines()
    assert lines[0] == "| a | b |"
    assert lines[2] == "| x\\|y | line1<br>line2 |"
    assert lines[3] == "|  | 1.5 |"


def test_emit_text_to_stdout_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    emit_text("你好", None, False)
    assert capsys.readouterr().out == "你好\n"
    target = tmp_path / "r.txt"
    emit_text("内容", str(target), False)
    assert target.read_text("utf-8") == "内容\n"
    with pytest.raises(OutputExistsError):
        emit_text("再写", str(target), False)


def test_file_formats_need_an_output_path(tmp_path: Path):
    from pbmcli.errors import UsageError

    with pytest.raises(UsageError, match="-o"):
        write_xlsx("", [SheetSpec("a", ["x"], [[1]])], force=True)
    with pytest.raises(UsageError, match="-o"):
        write_csv("-", ["x"], [[1]], force=True)


# ------------------------------------------------------------------ printing (issue 12, item 8)


def test_xlsx_sheets_print_as_documents(tmp_path: Path):
    from pbmcli.outputs import MONEY, PERCENT_POINTS, TWO, Heading

    try:
        from tests import sheets
    except ImportError:
        import sheets  # type: ignore[no-redef]

    path = tmp_path / "out.xlsx"
    lights = [["甲局", "项目一", 1000.5, 87.5, 1.234, "红灯"], ["乙局", "项目二", 20, 100, 0, "黄灯"],
              ["丙局", "项目三", 30, 100, 0, "绿灯"], ["丁局", "项目四", 40, None, None, "蓝灯"],
              ["戊局", "项目五", 50, 100, 0, "无法判断"]]
    wide = [["很长的说明文字" * 12] * 9]
    write_xlsx(path, [SheetSpec("亮灯", ["单位", "项目", "全年预算（万元）", "执行率", "得分", "亮灯"], lights,
                                status=5, num_formats={2: MONEY, 3: PERCENT_POINTS, 4: TWO}),
                      SheetSpec("很宽", [f"栏目{i}" for i in range(9)], wide)],
               force=False, heading=Heading("监控表", "某县财政局", "2026年8月"))
    wb = openpyxl.load_workbook(path)
    ws = wb["亮灯"]
    assert ws["A1"].value == "2026年8月监控表（亮灯）" and ws["A2"].value == "制表单位：某县财政局"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:F1", "A2:F2"}
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "A4"
    sheets.assert_prints_as_document(ws, "监控表")
    assert ws.page_setup.orientation == "portrait"  # narrow: fits A4 portrait unscaled
    # numbers keep their value; formats show 2 decimals, percents from percentage points
    assert ws["C4"].value == 1000.5 and ws["C4"].number_format == "#,##0.00"
    assert ws["D4"].value == 0.875 and ws["D4"].number_format == "0.00%"
    assert ws["E4"].number_format == "0.00"
    # each light: a symbol and the word (black-and-white), its colour, the row tinted
    marks = [ws.cell(r, 6).value for r in range(4, 9)]
    assert marks == ["● 红灯", "▲ 黄灯", "○ 绿灯", "◆ 蓝灯", "无法判断"]
    fills = [ws.cell(r, 6).fill.fgColor.rgb[-6:] for r in range(4, 8)]
    assert fills == ["FFC7CE", "FFEB9C", "C6EFCE", "BDD7EE"]
    assert ws["A4"].fill.fgColor.rgb[-6:] == "FDEDEF" and ws["A8"].fill.fill_type is None
    assert all(ws.cell(r, c).border.left.style == "thin" for r in range(4, 9) for c in range(1, 7))
    # a sheet too wide for A4: landscape, wide columns narrowed so text still prints at 9 pt
    wide_ws = wb["很宽"]
    assert wide_ws.page_setup.orientation == "landscape"
    sheets.assert_prints_as_document(wide_ws, "监控表")


def test_fit_page_keeps_nine_points():
    from pbmcli.printing import MIN_PT, fit_page, printed_pt

    assert fit_page([10, 20, 30]) == (False, [10, 20, 30])
    landscape, widths = fit_page([60] * 8)
    assert landscape and printed_pt(widths, True) >= MIN_PT and widths == sorted(widths)
    landscape, widths = fit_page([6, 60, 30, 60])  # narrow columns stay, wide ones shrink in proportion
    assert landscape and widths[0] == 6 and widths[1] > widths[2]
