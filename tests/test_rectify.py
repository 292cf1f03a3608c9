"""Rectification: import (rectification list and a report's 问题清单), done, overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_units import UNITS, write_rows

from pbmcli.cycle.rectify import complete, import_file, list_items, overdue, parse_date
from pbmcli.errors import InputError, UsageError
from pbmcli.ledger.store import Ledger


@pytest.fixture
def ledger(tmp_path: Path):
    with Ledger.open(tmp_path / "pbm.sqlite", lambda: dt.datetime(2026, 11, 22)) as led:
        led.upsert_units(UNITS)
        yield led


def rect_list(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "rectification.xlsx", [
        ["2026年绩效整改清单"],
        ["序号", "单位名称", "存在问题", "问题来源", "整改要求", "整改期限", "整改状态"],
        [1, "财政局", "绩效指标不够细化", "2026年目标审核", "细化产出指标", dt.datetime(2026, 10, 31), "未整改"],
        [2, "县教育局", "自评分虚高", "自评复核", "重新自评", "2026年12月31日", ""],
        [3, "城关镇", "资金执行慢", "执行监控", "加快支出", "2026/11/30", "已整改"],
        [4, "县卫健局", "未报送自评表", "", "", "", ""],
        ["", "", "", "", "", "", ""],
    ])


def test_import_rectification_list(ledger: Ledger, tmp_path: Path, pack):
    res = import_file(ledger, rect_list(tmp_path), pack)
    assert len(res.added) == 4 and res.skipped == 0
    assert [f.code for f in res.findings] == ["U401"]  # 县卫健局 is not in the directory
    items = ledger.rectifications()
    assert [(r.unit_code, r.deadline, r.status) for r in items] == [
        ("101", "2026-10-31", "open"), ("102", "2026-12-31", "open"), ("201", "2026-11-30", "done"),
        (None, "2026-12-22", "open")]  # default deadline: today + rank.rectify_days (30)
    again = import_file(ledger, rect_list(tmp_path), pack)
    assert again.added == [] and again.skipped == 4


def test_import_report_problem_sheet(ledger: Ledger, tmp_path: Path, pack):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["文件", "状态"])
    ws = wb.create_sheet("问题清单")
    ws.append(["文件", "实施单位", "代码", "级别", "工作表", "单元格", "问题说明"])
    ws.append(["财政局-目标.xlsx", "县财政局", "G101", "错误", "目标表", "C8", "年度资金总额不等于各项之和"])
    ws.append(["教育-自评.xlsx", "县教育局", "S203", "警告", "自评表", "G15", "得分超过分值"])
    path = tmp_path / "审核报告.xlsx"
    wb.save(path)
    res = import_file(ledger, path, pack, deadline="2026-12-15")
    assert len(res.added) == 2
    first = ledger.rectifications()[0]
    assert first.problem == "年度资金总额不等于各项之和"
    assert first.source == "G101 财政局-目标.xlsx 目标表!C8"
    assert first.deadline == "2026-12-15" and first.unit_code == "101"


def test_import_score_report_without_unit_column(ledger: Ledger, tmp_path: Path, pack):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["文件", "单位", "项目", "复核总分"])
    wb.active.append(["教育-自评.xlsx", "县教育局", "助学", 80])
    ws = wb.create_sheet("问题清单")
    ws.append(["文件", "工作表", "单元格", "代码", "严重程度", "问题说明", "应为", "实为"])
    ws.append(["教育-自评.xlsx", "自评表", "G15", "S203", "错误", "得分超过分值", "≤10", "12"])
    ws.append(["教育-自评.xlsx", "自评表", "G16", "S290", "提示", "仅供参考", "", ""])
    path = tmp_path / "score.xlsx"
    wb.save(path)
    res = import_file(ledger, path, pack)
    assert len(res.added) == 1 and res.findings == []
    item = ledger.rectifications()[0]
    assert (item.unit_code, item.problem, item.source) == ("102", "得分超过分值", "S203 教育-自评.xlsx 自评表!G15")


def test_import_without_header(ledger: Ledger, tmp_path: Path, pack):
    with pytest.raises(InputError, match="问题"):
        import_file(ledger, write_rows(tmp_path / "x.xlsx", [["a", "b"]]), pack)


def test_done_and_overdue(ledger: Ledger, tmp_path: Path, pack):
    import_file(ledger, rect_list(tmp_path), pack)
    late = overdue(ledger)  # today 2026-11-22: item 1 (10-31) overdue; item 3 done
    assert [r.problem for r in late] == ["绩效指标不够细化"]
    assert [r.id for r in overdue(ledger, dt.date(2027, 1, 5))] == [1, 2, 4]
    item = complete(ledger, 1, "已细化指标，见修改后申报表", "2026-11-22")
    assert item.status == "done" and not item.done_on_time()
    assert overdue(ledger) == []
    assert [r.id for r in list_items(ledger, "done")] == [1, 3]
    with pytest.raises(UsageError, match="编号"):
        complete(ledger, 99, "x")
    with pytest.raises(UsageError, match="evidence"):
        complete(ledger, 2, "  ")
    with pytest.raises(UsageError):
        list_items(ledger, "bogus")


@pytest.mark.parametrize(("raw", "iso"), [
    (dt.date(2026, 1, 2), "2026-01-02"), ("2026年3月4日", "2026-03-04"), ("2026.03.04", "2026-03-04"),
    (46022.0, "2025-12-31"), ("下月底", None), ("2026-02-30", None)])
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


def test_title_line_mentioning_problem_is_not_a_header(ledger: Ledger, tmp_path: Path, pack):
    path = write_rows(tmp_path / "r.xlsx", [["示例县预算绩效管理问题整改台账"],
                                            ["序号", "单位", "问题", "整改期限", "状态"],
                                            [1, "县财政局", "执行慢", "2026-11-30", "整改中"]])
    res = import_file(ledger, path, pack)
    assert [(r.unit_code, r.problem, r.status) for r in ledger.rectifications()] == [("101", "执行慢", "open")]
    assert len(res.added) == 1


def test_done_twice_keeps_the_first_record_unless_forced(ledger: Ledger, tmp_path: Path, pack):
    import_file(ledger, rect_list(tmp_path), pack)
    complete(ledger, 1, "已细化指标", "2026-11-22")
    with pytest.raises(UsageError, match="已于 2026-11-22 登记完成") as exc:
        complete(ledger, 1, "另一份材料", "2026-11-25")
    assert "已细化指标" in str(exc.value) and "--force" in str(exc.value)
    item = ledger.rectification(1)
    assert item is not None and (item.evidence, item.done_at) == ("已细化指标", "2026-11-22")
    forced = complete(ledger, 1, "另一份材料", "2026-11-25", force=True)
    assert (forced.evidence, forced.done_at) == ("另一份材料", "2026-11-25")


def test_a_deadline_that_is_no_date_is_not_imported_and_said(ledger: Ledger, tmp_path: Path, pack):
    """A written 整改期限 that is no valid date stops its row (R601 at the cell), never a guessed
    date; a month's end without a year is the import year's; a blank one takes the default."""
    path = write_rows(tmp_path / "清单.xlsx", [
        ["单位名称", "存在问题", "整改期限"],
        ["财政局", "问题甲", "2026-13-45"], ["财政局", "问题乙", "2026/2/30"], ["财政局", "问题丙", "abc"],
        ["财政局", "问题丁", "12月底前"], ["财政局", "问题戊", "2026年6月底"], ["财政局", "问题己", ""],
        ["财政局", "问题庚", "2026.2.28"],
    ])
    res = import_file(ledger, path, pack)
    assert [(f.code, f.cell, f.actual) for f in res.findings] == [
        ("R601", "C2", "2026-13-45"), ("R601", "C3", "2026/2/30"), ("R601", "C4", "abc")]
    assert "第 2 行" in res.findings[0].message and "不是有效日期" in res.findings[0].message
    assert [(r.problem, r.deadline) for r in ledger.rectifications()] == [
        ("问题丁", "2026-12-31"), ("问题戊", "2026-06-30"), ("问题己", "2026-12-22"), ("问题庚", "2026-02-28")]
    assert (res.defaulted, res.default_deadline) == (1, "2026-12-22")  # today 2026-11-22 + 30 days


def test_status_as_the_lists_say_it(ledger: Ledger, tmp_path: Path, pack):
    import_file(ledger, rect_list(tmp_path), pack)
    today = dt.date(2026, 11, 22)
    for word, key in (("已逾期", "overdue"), ("未完成", "open"), ("整改中", "open"), ("已完成", "done")):
        assert [r.id for r in list_items(ledger, word, today)] == [r.id for r in list_items(ledger, key, today)]
    assert [r.problem for r in list_items(ledger, "已逾期", today)] == ["绩效指标不够细化"]  # due 10-31, open
    with pytest.raises(UsageError, match="--status 只能是"):
        list_items(ledger, "全部", today)
