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
