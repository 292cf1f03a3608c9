"""Rules on real workbooks built by tests/factory.py and read back by the reader.

A clean form (any layout variant) gives zero findings; each planted mistake gives
exactly its finding, at the cell the reader found.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from factory import GOAL_INDICATORS, SELFEVAL_INDICATORS, make_goal, make_selfeval

from pbmcli.engine import check
from pbmcli.model import Submission
from pbmcli.readers import read_submission


def _read(path) -> tuple[Submission, list[tuple[str, str | None]]]:
    from pbmcli.config import default_pack

    sub = read_submission(path)
    return sub, [(f.code, f.cell) for f in check(sub, default_pack())]


def _cell(sub: Submission, name: str, key: str) -> str | None:
    ind = next(i for i in sub.indicators if i.name == name)
    return ind.get(key).cell


@pytest.mark.parametrize("variant", ["national", "city_ab", "sichuan"])
@pytest.mark.parametrize(
    "layout",
    [{}, {"percent_format": True}, {"formulas": True}, {"merge_levels": False},
     {"blank_rows": True, "gap_rows": 2, "extra_title_lines": 2}, {"execution_in_table": True},
     {"meta": ("selfeval", "2026.1"), "instructions_sheet": True}],
)
def test_clean_selfeval_workbooks_have_no_findings(tmp_path, variant, layout):
    _, found = _read(make_selfeval(tmp_path / "s.xlsx", variant=variant, **layout))
    assert found == []


@pytest.mark.parametrize("variant", ["national", "sichuan"])
@pytest.mark.parametrize("layout", [{}, {"midterm": True}, {"merge_levels": False, "blank_rows": True},
                                    {"writer": "openpyxl"}])
def test_clean_goal_workbooks_have_no_findings(tmp_path, variant, layout):
    _, found = _read(make_goal(tmp_path / "g.xlsx", variant=variant, **layout))
    assert found == []


def _with(inds, n: int, **changes):
    items = list(inds)
    items[n] = replace(items[n], **changes)
    return items


def test_selfeval_score_not_matching_actual(tmp_path):
    inds = _with(SELFEVAL_INDICATORS, 0, actual="80公里")  # 80/100 × 20 = 16, self-score 20
    sub, found = _read(make_selfeval(tmp_path / "s.xlsx", indicators=inds))
    name = SELFEVAL_INDICATORS[0].name
    assert found == [("S206", _cell(sub, name, "score")), ("S208", _cell(sub, name, "reason"))]


def test_selfeval_total_wrong(tmp_path):
    sub, found = _read(make_selfeval(tmp_path / "s.xlsx", totals={"score": 95.0}))
    assert found == [("S209", sub.totals["score"].cell)]


def test_selfeval_actual_missing(tmp_path):
    inds = _with(SELFEVAL_INDICATORS, 1, actual=None)
    sub, found = _read(make_selfeval(tmp_path / "s.xlsx", indicators=inds))
    assert found == [("S211", _cell(sub, SELFEVAL_INDICATORS[1].name, "actual"))]


def test_selfeval_weights_do_not_add_up(tmp_path):
    inds = _with(SELFEVAL_INDICATORS, 4, weight=5, score=5)
    sub, found = _read(make_selfeval(tmp_path / "s.xlsx", indicators=inds))
    assert found == [("S203", sub.totals["weight"].cell)]


def test_selfeval_qualitative_out_of_band(tmp_path):
    inds = _with(SELFEVAL_INDICATORS, 4, target="保持良好", actual="部分达成年度指标并具有一定效果",
                 reason="个别路段损坏")
    sub, found = _read(make_selfeval(tmp_path / "s.xlsx", indicators=inds))
    assert found == [("S207", _cell(sub, SELFEVAL_INDICATORS[4].name, "score"))]


def test_selfeval_uncached_formulas(tmp_path):
    sub, found = _read(make_selfeval(tmp_path / "s.xlsx", formulas=True, writer="openpyxl"))
    assert found and {code for code, _ in found} == {"F005"}
    assert len(found) == len(set(found))


def test_goal_unit_missing(tmp_path):
    sub, found = _read(make_goal(tmp_path / "g.xlsx", header={"unit": None}))
    assert found == [("H101", sub.header["unit"].cell)]


def test_whole_department_form_needs_no_project(tmp_path):
    # 部门整体支出绩效目标申报表: the department is the subject; the form has no 项目名称 to fill
    whole = make_goal(tmp_path / "d.xlsx", header={"project": None}, overrides={"A1": "部门整体支出绩效目标申报表"})
    sub, found = _read(whole)
    assert sub.variant == "department" and found == []
    project = make_goal(tmp_path / "p.xlsx", header={"project": None})  # a project's form still needs one
    sub, found = _read(project)
    assert sub.variant == "national" and found == [("H101", sub.header["project"].cell)]


def test_goal_funds_unbalanced(tmp_path):
    sub, found = _read(make_goal(tmp_path / "g.xlsx", funds={"annual": {"total": 100.0, "appropriation": 80.0,
                                                                      "other": 10.0}}))
    assert found == [("G101", sub.fund("annual", "total", "amount").cell)]


def test_goal_target_without_unit_and_low_satisfaction(tmp_path):
    inds = _with(_with(GOAL_INDICATORS, 0, target="≥90"), 5, target="≥80%")
    sub, found = _read(make_goal(tmp_path / "g.xlsx", indicators=inds))
    assert found == [("I107", _cell(sub, GOAL_INDICATORS[0].name, "target")),
                     ("G104", _cell(sub, GOAL_INDICATORS[5].name, "target"))]


def test_goal_missing_coverage(tmp_path):
    inds = [i for i in GOAL_INDICATORS if i.level2 != "时效指标"]
    sub, found = _read(make_goal(tmp_path / "g.xlsx", indicators=inds))
    assert [code for code, _ in found] == ["G103"]


def test_goal_new_project_without_pre_assessment(tmp_path):
    sub, found = _read(make_goal(tmp_path / "g.xlsx", header={"new_project": "是", "pre_assessment": "否"}))
    assert found == [("G107", sub.header["pre_assessment"].cell)]
    _, ok = _read(make_goal(tmp_path / "h.xlsx", header={"new_project": "是", "pre_assessment": "是"}))
    assert ok == []


def test_a_heading_written_another_way_is_said_once_not_on_every_row(tmp_path):
    """分值 written 考核权数, 实际完成值 written 年末实际达成: one S220 at the heading row each, not
    a false S211 error on every row (nor a silent pass)."""
    sub, found = _read(make_selfeval(tmp_path / "a.xlsx", overrides={"G12": "考核权数", "F12": "年末实际达成"}))
    assert sorted(found) == [("S220", "A12"), ("S220", "A12")]
    assert [i.text for i in sub.issues if i.kind == "column_missing"] == ["weight", "actual"]
    detail = next(i.detail for i in sub.issues if i.text == "actual")
    assert "「年末实际达成」" in detail and "[labels.indicator] actual" in detail
    from pbmcli.config import default_pack

    s220 = [f for f in check(sub, default_pack()) if f.code == "S220"]
    assert {f.expected for f in s220} == {"「分值」栏", "「实际完成值」栏"} and all(f.severity.value == "warning" for f in s220)


def test_a_rate_of_zero_beside_amounts_typed_as_text_says_to_make_them_numbers(tmp_path):
    """全年预算数 "1,200" and 全年执行数 "1,080" typed as text: pbm reads 1200 and 1080 (90 %), but
    the form's own formula shows 0 %. S201 says the amounts are text, not only that 0 % is wrong."""
    from pbmcli.config import default_pack

    path = make_selfeval(tmp_path / "a.xlsx", overrides={"C6": "1,200", "D6": "1,200", "E6": "1,080", "G6": 0})
    found = [f for f in check(read_submission(path), default_pack()) if f.code == "S201"]
    assert [(f.cell, f.expected) for f in found] == [("G6", "90%")]
    assert "D6「1,200」、E6「1,080」是以文字存放的数字" in found[0].message and "改为数值" in found[0].message
    plain = make_selfeval(tmp_path / "b.xlsx", overrides={"G6": 90})  # a plain wrong rate: the usual advice
    found = [f for f in check(read_submission(plain), default_pack()) if f.code == "S201"]
    assert [f.cell for f in found] == ["G6"] and "可用公式 =执行数/预算数" in found[0].message
