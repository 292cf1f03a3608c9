"""Notice contexts: built from the public JSON contracts (plain dicts), formatted once."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbmcli.config import RulePack
from pbmcli.errors import UsageError
from pbmcli.render import context as C
from pbmcli.render import samples as S

DAY = dt.date(2026, 11, 22)


def _with_notice(pack: RulePack, **kw: object) -> RulePack:
    return dataclasses.replace(pack, notice=dataclasses.replace(pack.notice, **kw))


def test_date_number_and_period_formats(pack: RulePack) -> None:
    assert C.cn_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert C.doc_number(pack, DAY, 12) == "示财绩〔2026〕12号"
    assert C.doc_number(pack, dt.date(2027, 1, 3), 7) == "示财绩〔2027〕7号"
    assert C.doc_number(pack, DAY, None) == "示财绩〔2026〕　号"
    assert C.period_label("2026-03") == "2026年3月"
    assert C.period_label("2026q3") == "2026年第三季度"
    assert C.period_label("2026") == "2026年度"
    with pytest.raises(UsageError, match="期间"):
        C.period_label("26年10月")


@pytest.mark.parametrize(("rate", "progress", "text"), [
    (76.19, 83.33, "低于序时进度7.14个百分点"),
    (90.0, 83.33, "高于序时进度6.67个百分点"),
    (50.0, 50.0, "与序时进度持平"),
])
def test_gap_phrase(rate: float, progress: float, text: str) -> None:
    assert C.gap_phrase(rate, progress) == text


@pytest.mark.parametrize(("change", "text"), [
    (2, "上升2位"), (-1, "下降1位"), (0, "持平"), (None, "新进"),
    ("↑3", "上升3位"), ("↓2", "下降2位"), ("—", "持平"), ("新", "新进"),
])
def test_change_accepts_numbers_and_ranking_texts(change: object, text: str) -> None:
    assert C.fmt_change(change) == text


def test_monthly_counts_levels_and_table(pack: RulePack) -> None:
    monitor = S.monitor()
    ctx = C.build_monthly(monitor, {}, S.overdue(), pack, DAY, 12)
    rates = [u["rate"] for u in monitor["units"]]
    assert ctx["above_count"] == sum(r >= 83.33 for r in rates)
    assert ctx["below_count"] == sum(r < 83.33 for r in rates)
    assert ctx["red_units"] == ["河口镇人民政府", "县农业农村局", "县水利局"]
    assert ctx["yellow_units"] == ["县文化旅游局"]
    assert ctx["missing_units"] == ["县林业局"]
    assert ctx["total_rate"] == "76.19" and ctx["gap_phrase"] == "低于序时进度7.14个百分点"
    assert ctx["deadline_cn"] == "2026年12月5日"
    # table sorted by rate, gap in 个百分点 with sign
    assert [r[1] for r in ctx["table_rows"]][:2] == ["县交通运输局", "县教育局"]
    assert ctx["table_rows"][-1][-2:] == ["-30.64", "红色预警"]
    assert ctx["overdue"][0]["deadline"] == "2026年9月30日"
    assert ctx["red_list"] == ["县交通运输局", "县教育局", "城关镇人民政府", "县民政局"]
    strict = _with_notice(pack, top=6, bottom=0)
    assert "县文化旅游局" not in C.build_monthly(monitor, {}, [], strict, DAY)["red_list"]  # yellow
    ledger_item = {"unit_name": "县水利局", "problem": "问题", "deadline": "2026-09-30", "status": "open"}
    assert C.overdue_rows([ledger_item])[0] == {"unit": "县水利局", "problem": "问题",
                                                "deadline": "2026年9月30日", "status": "未完成"}


def test_monthly_level_from_pack_when_missing(pack: RulePack) -> None:
    monitor = S.monitor()
    for u in monitor["units"]:
        u.pop("level")
    strict = dataclasses.replace(pack, monitor=dataclasses.replace(pack.monitor, warning_red=40.0,
                                                                   warning_yellow=20.0))
    ctx = C.build_monthly(monitor, {}, [], strict, DAY)
    assert ctx["red_units"] == []
    assert ctx["yellow_units"] == ["县农业农村局", "县水利局"]  # 22.22 and 30.64 behind
    assert ctx["warning_red"] == "40"


def test_unit_without_budget_is_listed_but_not_counted(pack: RulePack) -> None:
    monitor = S.monitor()
    monitor["units"].append({"unit": "县档案馆", "code": "101099", "budget": 0.0, "spent": 0.0,
                             "rate": None, "gap": None, "level": "正常", "projects": []})
    ctx = C.build_monthly(monitor, {}, [], pack, DAY)
    assert ctx["unit_count"] == 10 and ctx["above_count"] + ctx["below_count"] == 9
    assert ctx["table_rows"][-1][1:] == ["县档案馆", "0.00", "0.00", "—", "—", "无预算数"]
    assert "县档案馆" not in ctx["black_list"]
    assert "县档案馆" not in [b.label for b in C.chart_bars(monitor, pack)]


def test_ledger_levels_in_chinese_are_understood(pack: RulePack) -> None:
    monitor = S.monitor()
    for u in monitor["units"]:
        u["level"] = {"red": "红色预警", "yellow": "黄色预警", "green": "正常"}[u["level"]]
    ctx = C.build_monthly(monitor, {}, [], pack, DAY)
    assert len(ctx["red_units"]) == 3 and ctx["yellow_units"] == ["县文化旅游局"]


@settings(max_examples=120)
@given(n=st.integers(0, 30), top=st.integers(0, 8), bottom=st.integers(0, 8))
def test_red_and_black_lists_never_overlap(pack: RulePack, n: int, top: int, bottom: int) -> None:
    names = [f"单位{i}" for i in range(n)]
    red, black = C.split_top_bottom(names, _with_notice(pack, top=top, bottom=bottom))
    assert not set(red) & set(black)
    assert len(red) <= top and len(black) <= bottom
    assert red == names[: len(red)] and black == names[n - len(black):]


def test_quarterly_lists_per_group_and_interviews(pack: RulePack) -> None:
    ctx = C.build_quarterly(S.rank(), [], _with_notice(pack, top=2, bottom=1, interview_bottom=1),
                            DAY, 3)
    assert ctx["red_list"] == ["县教育局", "县卫生健康局", "城关镇人民政府"]
    assert ctx["black_list"] == ["县水利局", "河口镇人民政府"]
    assert ctx["interview_units"] == ["县水利局", "河口镇人民政府"]
    assert ctx["group_count"] == 2 and ctx["doc_number"] == "示财绩〔2026〕3号"
    assert ctx["table_groups"][0]["rows"][0][-1] == "上升2位"
    assert ctx["movers_down"][0].startswith("县水利局")


def test_dimension_columns_skip_unscored(pack: RulePack) -> None:
    rank = S.rank()
    for g in rank["groups"]:
        for r in g["rows"]:
            r["dimensions"]["timeliness"] = None
    header, _ = C.rank_table(rank, pack)
    assert not any("报送及时性" in h for h in header)
    assert any(h.startswith("预算执行") for h in header)


def test_annual_grades_follow_pack_apply(pack: RulePack) -> None:
    ctx = C.build_annual(S.rank("2026", "year"), S.scores(), S.apply(), pack=pack, date=DAY)
    by_grade = {g["grade"]: g for g in ctx["grade_groups"]}
    assert by_grade["差"]["units"] == ["县水利局", "河口镇人民政府"]
    assert by_grade["差"]["action"] == "核减或取消，幅度为50%"
    assert by_grade["优"]["action"] == "优先保障"
    assert ctx["grade_interview_units"] == ["县水利局", "河口镇人民政府"]
    assert ctx["inflated_projects"] == ["县水利局“小型水库维修养护”"]
    assert ctx["apply_rows"][0][1:6] == ["县水利局", "小型水库维修养护", "中", "核减", "-10%"]


def test_return_letter_lists_errors_and_warnings_only(pack: RulePack) -> None:
    units = C.group_by_unit(S.validate())
    assert list(units) == ["县农业农村局"]  # 县教育局 has no findings
    ctx = C.build_return(units["县农业农村局"], "县农业农村局", pack, DAY, 5, "2027")
    items = ctx["files"][0]["items"]
    assert [i["code"] for i in items] == ["G103", "I105"]
    assert items[0]["where"] == "工作表“绩效目标申报表”，单元格C8"
    assert items[0]["fix"] == "现为“150.00”，应为“120.00”"
    assert ctx["files"][0]["file"] == "高标准农田建设.xlsx"
    assert (ctx["error_count"], ctx["warning_count"]) == (1, 1)
    assert ctx["deadline_cn"] == "2026年11月29日"   # [notice] return_days = 7


def test_return_letter_does_not_repeat_location_or_fix(pack: RulePack) -> None:
    finding = {"code": "H101", "severity": "error", "sheet": "绩效目标申报表", "cell": "F4",
               "message": "工作表「绩效目标申报表」F4 单元格：必填项「实施单位」为空。请填写实施单位。",
               "expected": "填写实施单位", "actual": "（空）"}
    (row,) = C.finding_rows([{"path": "a.xlsx", "form": "goal", "unit": "甲", "findings": [finding]}])
    item = row["items"][0]
    assert item["message"] == "必填项「实施单位」为空。请填写实施单位" and item["fix"] == ""
    assert item["where"] == "工作表“绩效目标申报表”，单元格F4"


def test_text_is_cleaned_of_line_breaks_and_directives(pack: RulePack) -> None:
    monitor = S.monitor()
    monitor["units"][0]["unit"] = "坏单位\n@title 注入"
    ctx = C.build_monthly(monitor, {}, [], pack, DAY)
    assert "坏单位 @title 注入" in [r[1] for r in ctx["table_rows"]]
    assert C.clean("@p 开头") == "p 开头"
