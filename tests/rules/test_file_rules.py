"""F-family rules: reader issues on a submission, and file-level findings for the batch."""

from __future__ import annotations

import dataclasses

import pytest

from pbmcli.engine import check, file_finding, input_error_finding
from pbmcli.errors import InputError
from pbmcli.model import CellRef, ReadIssue, Severity


def _issue(kind: str, cell: str, text: str = "", sheet: str = "目标申报表") -> ReadIssue:
    return ReadIssue(kind, CellRef(sheet, cell), text, "")


@pytest.mark.parametrize(
    ("issues", "expected"),
    [
        ((_issue("formula_uncached", "B6"),), [("F005", "B6")]),
        ((_issue("hidden_sheet", "A1"),), [("F010", "A1")]),
        ((_issue("multiple_forms", "A1"),), [("F010", "A1")]),
        ((_issue("unknown_template_version", "A1", "goal 9.9"),), [("F004", "A1")]),
        ((_issue("not_a_number", "B7", "八十"),), [("F012", "B7")]),
        ((_issue("not_a_number", "B8", "——"),), []),  # a dash in an amount means none
        ((_issue("out_of_bounds", "A1"),), [("F009", "A1")]),
    ],
)
def test_reader_issues_become_findings(goal, run, issues, expected):
    assert run(goal(issues=issues)) == expected


def test_uncached_formula_cell_without_issue_is_reported_once(goal, run, uncached):
    assert run(goal({"B6": uncached})) == [("F005", "B6")]
    sub = goal({"B6": uncached}, issues=(_issue("formula_uncached", "B6"),))
    assert run(sub) == [("F005", "B6")]


@pytest.mark.parametrize(
    ("code", "severity"),
    [("F001", Severity.ERROR), ("F002", Severity.ERROR), ("F003", Severity.ERROR),
     ("F006", Severity.WARNING), ("F007", Severity.WARNING), ("F008", Severity.ERROR),
     ("F009", Severity.ERROR), ("F011", Severity.WARNING)],
)
def test_file_level_findings_use_registry_message_and_severity(code, severity, national):
    f = file_finding(code, "县农业局/培训.xlsx", national, reason="原因", related="其他.xlsx",
                     unit="县农业局", project="培训", actual=".xlsx", expected="xls 格式")
    assert (f.code, f.severity, f.path) == (code, severity, "县农业局/培训.xlsx")
    assert f.message.startswith("文件") and "{" not in f.message


def test_file_level_severity_override(national):
    pack = dataclasses.replace(national, rules=dataclasses.replace(national.rules, severity={"F006": "error"}))
    assert file_finding("F006", "a.xlsx", pack).severity is Severity.ERROR


@pytest.mark.parametrize("code", ["F001", "F002", "F003", "F008", "F009"])
def test_input_error_finding(code, national):
    f = input_error_finding(InputError("坏.xlsx", "压缩包损坏", code), national)
    assert (f.code, f.path) == (code, "坏.xlsx")


def test_file_rules_do_not_run_on_a_parsed_form(goal, national):
    assert [f.code for f in check(goal(), national)] == []


def _zip_with(member: str, data: bytes) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(member, data)
    return buf.getvalue()


def _plain_sheet(path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "预算明细"
    wb.save(path)


# (file content, F code, the frame said once, a word of the specific cause)
_BAD_FILES = {
    "random.xlsx": (bytes(range(256)) * 8, "F001", "无法读取", "无法识别为电子表格"),
    "empty.xlsx": (b"", "F008", "空文件", "0 字节"),
    # not a workbook at all: unreadable, an error (F011, a warning, is for renamed files still read)
    "csv.xlsx": ("项目,金额\n道路,100\n".encode(), "F001", "无法读取", "扩展名是 .xlsx，但内容是CSV"),
    "page.xlsx": (b"<html><table><tr><td>1</td></tr></table></html>", "F001", "无法读取", "HTML"),
    "zip.xlsx": (_zip_with("a.txt", b"x"), "F001", "无法读取", "zip 压缩包"),
    "word.xlsx": (_zip_with("word/document.xml", b"<w/>"), "F003", "不是可识别的绩效表格", "Word"),
    "notform.xlsx": (None, "F003", "不是可识别的绩效表格", "没有找到标题"),
}


@pytest.mark.parametrize("name", list(_BAD_FILES))
def test_f_messages_say_frame_and_cause_once(tmp_path, name, national):
    from pbmcli.readers import read_submission

    data, code, frame, cause = _BAD_FILES[name]
    path = tmp_path / name
    _plain_sheet(path) if data is None else path.write_bytes(data)
    with pytest.raises(InputError) as exc:
        read_submission(path)
    f = input_error_finding(exc.value, national)
    assert f.code == code
    assert f.message.count(frame) == 1 and cause in f.message, f.message
    assert f.message.count("请") <= 2 and "。。" not in f.message and "：：" not in f.message
    assert f.message.startswith("文件")  # the file, never a sheet, has an extension or a size


def test_wrong_extension_on_a_readable_form_names_the_file_not_the_sheet(tmp_path, national):
    import xlwt

    from pbmcli.readers import read_submission

    book = xlwt.Workbook()
    sheet = book.add_sheet("自评表")
    for r, (label, value) in enumerate([("项目支出绩效自评表", ""), ("项目名称", "道路"), ("三级指标", "年度指标值"),
                                        ("里程", "≥10公里")]):
        sheet.write(r, 0, label)
        sheet.write(r, 1, value)
    book.save(str(tmp_path / "改名.xlsx"))
    sub = read_submission(tmp_path / "改名.xlsx")
    found = [f for f in check(sub, national) if f.code == "F011"]
    assert [f.message for f in found] == [
        "文件的扩展名与内容不符：扩展名是「.xlsx」，内容却是Excel 97-2003 工作簿（.xls），已按实际格式读取。"
        "请用 Excel/WPS 打开后另存为 .xlsx，不要直接改扩展名。"]
