"""QA findings on real workbooks: unit mismatches, uncached targets, 元 amounts, H103.

Each workbook is built by tests/factory.py; cells Excel would write differently
(a formula with its cached value, a formula saved by a script without one) are
patched into the sheet XML, as Excel/openpyxl store them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from factory import SELFEVAL_INDICATORS, Ind, make_goal, make_selfeval

from pbmcli.engine import check
from pbmcli.readers import read_submission
from pbmcli.scoring import score_submission


def set_cell_xml(path: Path, cell: str, inner: str) -> Path:
    """Replace one cell of the form sheet by raw XML (``<f>…</f><v>…</v>``)."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    pattern = re.compile(rf'<c r="{cell}"(?:\s[^>]*)?(?:/>|>.*?</c>)', re.S)
    sheets = [n for n in members if n.startswith("xl/worksheets/sheet")]
    name = next(n for n in sheets if pattern.search(members[n].decode()))
    members[name] = pattern.sub(f'<c r="{cell}">{inner}</c>', members[name].decode(), count=1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def _codes(findings) -> list[tuple[str, str | None]]:
    return [(f.code, f.cell) for f in findings]


def _second(target, actual) -> list[Ind]:
    inds = list(SELFEVAL_INDICATORS)
    inds[1] = Ind("产出指标", "质量指标", "路面完好率", target, actual, 15, 15)
    return inds


def _cell(sub, key: str, n: int = 1) -> str:
    return sub.indicators[n].get(key).cell


# ---------------------------------------------------------------- units of % values


def test_target_typed_as_formula_100_percent(tmp_path, pack):
    path = make_selfeval(tmp_path / "s.xlsx", indicators=_second("=100%", "98%"))
    cell = _cell(read_submission(path), "target")
    set_cell_xml(path, cell, "<f>100%</f><v>1</v>")  # what Excel saves for =100%
    sub = read_submission(path)
    assert sub.indicators[1].target.number == 1.0
    found = check(sub, pack)
    assert _codes(found) == [("S214", cell)]  # not I107 "缺少计量单位" as well
    assert "目标值 1 与实际值 98% 单位不一致，可能是把 100% 输成了 1 或公式，请核对" in found[0].message
    result = score_submission(sub, pack)
    assert _codes(result.findings) == [("X310", cell)]  # no X302 "98 倍", no full marks
    assert result.indicators[1].score is None and result.total is None


def test_percent_actual_written_as_a_plain_decimal(tmp_path, pack):
    sub = read_submission(make_selfeval(tmp_path / "s.xlsx", indicators=_second("≥95%", 0.93)))
    cell = _cell(sub, "actual")
    found = check(sub, pack)
    assert _codes(found) == [("S214", cell)]  # no S206 (0.15 points), no S208
    assert "实际完成值 0.93 与目标值 95% 单位不一致：若为 93%，请填写 93% 或设置百分比格式" in found[0].message
    result = score_submission(sub, pack)
    assert _codes(result.findings) == [("X310", cell)]  # no X305, no X301 derived from it
    assert result.total is None and not result.inflated


def test_percent_format_is_still_a_percentage(tmp_path, pack):
    sub = read_submission(make_selfeval(tmp_path / "s.xlsx", indicators=_second("≥90%", "93%"),
                                        percent_format=True))
    assert sub.indicators[1].actual.number == 93.0
    assert check(sub, pack) == [] and score_submission(sub, pack).total == 99.5


# ---------------------------------------------------------------- amounts in 元


def relabel(path: Path, old: str, new: str) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == old]
    assert cells, old
    for c in cells:
        c.value = new
    wb.save(path)
    return path


_NEW_GOAL = {"new_project": "是", "attribute": "新增项目"}
_GOAL_YUAN = {"midterm": {"total": 900000.0, "appropriation": 900000.0, "other": 0.0},
              "annual": {"total": 300000.0, "appropriation": 300000.0, "other": 0.0}}
_SELF_YUAN = {"total": {"initial": 1e6, "budget": 1e6, "spent": 950000.0},
              "appropriation": {"initial": 8e5, "budget": 8e5, "spent": 760000.0},
              "other": {"initial": 2e5, "budget": 2e5, "spent": 190000.0}}


def test_goal_funds_labelled_in_yuan_are_read_in_wan(tmp_path, pack):
    path = make_goal(tmp_path / "g.xlsx", header=_NEW_GOAL, funds=_GOAL_YUAN)
    sub = read_submission(relabel(path, "项目资金（万元）", "项目资金（元）"))
    total = sub.fund("annual", "total", "amount")
    assert (total.value, total.text) == (30.0, "300000元")  # 30 万元 < 50 万元: no G107
    found = check(sub, pack)
    assert [(f.code, f.severity.value) for f in found] == [("H104", "info")]
    assert "金额单位为元，已换算为万元" in found[0].message


def test_selfeval_funds_in_yuan_column_headers(tmp_path, pack):
    path = make_selfeval(tmp_path / "s.xlsx", funds=_SELF_YUAN)
    for col in ("年初预算数", "全年预算数", "全年执行数"):
        relabel(path, col, f"{col}（元）")
    sub = read_submission(path)
    assert [sub.fund("annual", "total", c).value for c in ("initial", "budget", "spent", "rate")] \
        == [100.0, 100.0, 95.0, 95.0]  # amounts in 万元, the rate untouched
    assert [f.code for f in check(sub, pack)] == ["H104"]
    result = score_submission(sub, pack)
    assert (result.execution.budget, result.execution.spent, result.total) == (100.0, 95.0, 99.5)
    assert any("已换算为万元" in n for n in result.notes)


def test_unit_line_states_yuan(tmp_path, pack):
    path = make_selfeval(tmp_path / "s.xlsx", funds=_SELF_YUAN, extra_title_lines=1,
                         overrides={"A1": "金额单位：元"})
    sub = read_submission(relabel(path, "项目资金（万元）", "项目资金"))
    assert sub.fund("annual", "total", "budget").value == 100.0
    assert [(f.code, f.cell) for f in check(sub, pack)] == [("H104", "A1")]


def test_wan_yuan_stays_as_written(tmp_path, pack):
    sub = read_submission(make_selfeval(tmp_path / "s.xlsx", extra_title_lines=1,
                                        overrides={"A1": "单位：万元"}))
    assert sub.fund("annual", "total", "budget").value == 100.0
    assert check(sub, pack) == []


# ---------------------------------------------------------------- uncached formula target


def test_uncached_formula_target_points_at_the_target(tmp_path, pack):
    path = make_selfeval(tmp_path / "s.xlsx", writer="openpyxl")
    sub = read_submission(path)
    target, actual = _cell(sub, "target"), _cell(sub, "actual")
    set_cell_xml(path, target, '<f>"≥"&amp;90&amp;"%"</f>')  # saved by a script: no <v>
    sub = read_submission(path)
    assert _codes(check(sub, pack)) == [("F005", target)]
    found = [f for f in score_submission(sub, pack).findings if f.code == "X307"]
    assert _codes(found) == [("X307", target)] and target != actual
    assert "没有保存计算结果" in found[0].message and "为空" not in found[0].message


# ---------------------------------------------------------------- H103 location


def test_no_indicators_is_not_pinned_to_a1(tmp_path, pack):
    sub = read_submission(make_goal(tmp_path / "g.xlsx", indicators=[]))
    h103 = [f for f in check(sub, pack) if f.code == "H103"]
    assert [(f.sheet, f.cell) for f in h103] == [(sub.sheet, None)]
    assert h103[0].message.startswith(f"工作表「{sub.sheet}」：没有读到任何绩效指标")


@pytest.mark.parametrize("code", ["X305", "S206"])
def test_a_wrong_self_score_is_an_error_in_both_commands(tmp_path, pack, code):
    sub = read_submission(make_selfeval(tmp_path / "s.xlsx", indicators=_second("≥95%", "80%")))
    found = check(sub, pack) if code == "S206" else list(score_submission(sub, pack).findings)
    assert {f.severity.value for f in found if f.code == code} == {"error"}
