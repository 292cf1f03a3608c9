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
