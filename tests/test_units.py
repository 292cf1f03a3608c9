"""Units directory: reading units.xlsx by labels, matching by code / name / alias, 未报送."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pbmcli.errors import InputError
from pbmcli.ledger.units import Unit, UnitMatcher, missing_units, read_units, split_aliases


def write_rows(path: Path, rows: list[list[Any]], sheet: str = "Sheet1") -> Path:
    """A real .xlsx with ``rows`` on one sheet (shared by the ledger test files)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


UNITS = [
    Unit("101", "县财政局", ("财政局", "县财政"), "县政府", "部门"),
    Unit("102", "县教育局", ("教育局",), "县政府", "部门"),
    Unit("201", "城关镇人民政府", ("城关镇",), "县政府", "乡镇"),
]


def test_read_units_tolerant_column_order_and_title_rows(tmp_path: Path):
    path = write_rows(tmp_path / "units.xlsx", [
        ["2026年预算单位名录"],
        [],
        ["类别", "单位名称", "联系人", "单位编码", "简称/别名", "主管部门"],
        ["部门", "县财政局", "张三", 101, "财政局、县财政，czj", "县政府"],
        ["乡镇", "城关镇人民政府", "", "201", "城关镇 城关", ""],
        [None, None, None, None, None, None],
    ])
    units = read_units(path)
    assert [u.code for u in units] == ["101", "201"]
    assert units[0].aliases == ("财政局", "县财政", "czj")
    assert units[0].category == "部门" and units[0].contact == "张三"
    assert units[1].aliases == ("城关镇", "城关")


def test_read_units_without_header_is_input_error(tmp_path: Path):
    path = write_rows(tmp_path / "bad.xlsx", [["名字", "电话"], ["甲", "1"]])
    with pytest.raises(InputError, match="单位编码"):
        read_units(path)


@pytest.mark.parametrize("text", ["财政局、县财政", "财政局,县财政", "财政局；县财政", "财政局/县财政", "财政局 县财政"])
def test_split_aliases(text: str):
    assert split_aliases(text) == ("财政局", "县财政")


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("102", "写错的名字", "102"),  # code wins
        (None, "县教育局", "102"),  # exact name
        (None, " 县 教育局 ", "102"),  # normalised name (spaces)
        (None, "城关镇", "201"),  # alias
        ("１０１", None, "101"),  # full-width code
        ("0101", None, "101"),  # leading zeros lost or added by a spreadsheet
        (None, "县卫健局", None),
    ],
)
def test_match_order(code: str | None, name: str | None, expected: str | None):
    unit = UnitMatcher(UNITS).match(code, name)
    assert (unit.code if unit else None) == expected


def test_unmatched_finding_names_text_and_suggests():
    finding = UnitMatcher(UNITS).unmatched("县教育", "a.xlsx")
    assert finding.code == "U401"
    assert "县教育" in finding.message and "县教育局" in finding.message


def test_missing_units_are_weibaosong():
    assert missing_units(UNITS, ["101"]) == [
        {"unit": "县教育局", "code": "102"}, {"unit": "城关镇人民政府", "code": "201"}]


def test_duplicate_codes_are_refused_with_rows(tmp_path: Path):
    path = write_rows(tmp_path / "units.xlsx", [
        ["单位编码", "单位名称"], ["101", "县财政局"], ["102", "县教育局"], ["101", "县卫健局"]])
    with pytest.raises(InputError, match="重复") as exc:
        read_units(path)
    assert "「101」" in exc.value.reason and "第 2、4 行" in exc.value.reason and "未导入" in exc.value.reason


def test_a_unit_without_code_or_a_short_name_of_two_units_is_refused(tmp_path: Path):
    """A form written 县局 would go to either unit; a row without 单位编码 would be keyed by its
    name: the directory is refused, naming the rows, and nothing is imported."""
    path = write_rows(tmp_path / "units.xlsx", [
        ["单位编码", "单位名称", "简称/别名"], ["101", "县财政局", "县局、财政局"], ["102", "县教育局", "县局"],
        ["", "无编码单位", ""]])
    with pytest.raises(InputError) as exc:
        read_units(path)
    reason = exc.value.reason
    assert "第 4 行「无编码单位」没有填单位编码" in reason
    assert "「县局」同时是第 2、3 行几个单位的名称或简称" in reason and "未导入" in reason
    fine = write_rows(tmp_path / "ok.xlsx", [["单位编码", "单位名称", "简称/别名"], ["101", "县财政局", "财政局"],
                                             ["102", "县教育局", "教育局"]])
    assert [u.code for u in read_units(fine)] == ["101", "102"]
