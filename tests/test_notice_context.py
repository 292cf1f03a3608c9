"""Notice contexts: built from the public JSON contracts (plain dicts), formatted once."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from pbmcli.config import RulePack
from pbmcli.errors import UsageError
from pbmcli.ledger.units import Unit
from pbmcli.render import context as C
from pbmcli.render import fmt as F
from pbmcli.render import letters as L
from pbmcli.render import samples as S

DAY = dt.date(2026, 11, 22)


def _with_notice(pack: RulePack, **kw: object) -> RulePack:
    return dataclasses.replace(pack, notice=dataclasses.replace(pack.notice, **kw))


def _with_rank(pack: RulePack, **kw: object) -> RulePack:
    return dataclasses.replace(pack, rank=dataclasses.replace(pack.rank, **kw))


def test_date_number_and_period_formats(pack: RulePack) -> None:
    assert F.cn_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert F.doc_number(pack, DAY, 12) == "示财绩〔2026〕12号"
    assert F.doc_number(pack, dt.date(2027, 1, 3), 7) == "示财绩〔2027〕7号"
    assert F.doc_number(pack, DAY, None) == "示财绩〔2026〕　号"
    assert F.period_label("2026-03") == "2026年3月"
    assert F.period_label("2026q3") == "2026年第三季度"
    assert F.period_label("2026") == "2026年度"
    with pytest.raises(UsageError, match="期间"):
        F.period_label("26年10月")


@pytest.mark.parametrize(("gap", "text"), [
    (-7.14, "低于序时进度7.14个百分点"),
    (6.666, "高于序时进度6.67个百分点"),
    (-4.375, "低于序时进度4.38个百分点"),   # half up, like the monitor
    (-0.125, "低于序时进度0.13个百分点"),   # not half-even (0.12)
    (2.675, "高于序时进度2.68个百分点"),    # not binary (2.67)
    (-0.004, "与序时进度持平"),
    (None, "无法计算与序时进度的差距（没有预算数）"),
])
def test_gap_phrase(gap: float | None, text: str) -> None:
    assert F.gap_phrase(gap) == text


def _monitor_of(lines: list[tuple[str, str, float, float]], period: str = "2026-10") -> dict:
    """The public JSON of `pbm monitor` for some export lines (the monitor's own arithmetic)."""
    from pbmcli.config import default_pack
    from pbmcli.cycle.monitor import ExportLine, Period, compute_execution

    export = [ExportLine(i, name, code, "项目", b, s) for i, (code, name, b, s) in enumerate(lines, 1)]
    return compute_execution(export, Period.parse(period), default_pack()).to_dict()


def test_monthly_gaps_are_the_monitors_not_from_rounded_rates(pack: RulePack) -> None:
    # 35.53 / 45 = 78.9556 %, time progress 83.3333 %: gap -4.3778 → -4.38 (78.96 - 83.33 = -4.37)
    monitor = _monitor_of([("101002", "示例县第一中学", 45.0, 35.53), ("101001", "示例县教育局", 970.0, 733.42)])
    ctx = C.build_monthly(monitor, {}, [], pack, DAY)
    table = {r[1]: r[5] for r in ctx["table_rows"]}
    assert table["示例县第一中学"] == "-4.38"
    for u in monitor["units"]:
        assert table[u["unit"]] == f"{u['gap']:.2f}"
    total_gap = monitor["total"]["gap"]
    assert ctx["gap_phrase"] == f"低于序时进度{abs(total_gap):.2f}个百分点"
    # without the monitor's gap (older JSON): from the unrounded rate, not the rounded one
    for item in [*monitor["units"], monitor["total"]]:
        del item["gap"]
    monitor["time_progress"] = 250 / 3
    ctx = C.build_monthly(monitor, {}, [], pack, DAY)
    assert {r[1]: r[5] for r in ctx["table_rows"]}["示例县第一中学"] == "-4.38"
    assert ctx["gap_phrase"] == f"低于序时进度{abs(total_gap):.2f}个百分点"


def test_monthly_body_and_table_use_one_figure(pack: RulePack) -> None:
    from pbmcli.render import blocks as B
    from pbmcli.render.markdown import to_markdown

    monitor = _monitor_of([("101002", "示例县第一中学", 45.0, 35.53)])
    ctx = C.build_monthly(monitor, {}, [], pack, DAY)
    text = to_markdown(B.render_blocks("monthly", ctx), None)
    assert "执行率为78.96%，序时进度为83.33%，低于序时进度4.38个百分点" in text
    assert "| 1 | 示例县第一中学 | 45.00 | 35.53 | 78.96 | -4.38 | 正常 |" in text


@pytest.mark.parametrize(("change", "text"), [
    (2, "上升2位"), (-1, "下降1位"), (0, "持平"), (None, "新进"),
    ("↑3", "上升3位"), ("↓2", "下降2位"), ("—", "持平"), ("新", "新进"),
])
def test_change_accepts_numbers_and_ranking_texts(change: object, text: str) -> None:
    assert F.fmt_change(change) == text


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
    # by hand (序时进度 83.33): on schedule 交通 +8.75, 教育 +7.29, 城关 +6.67, 民政 +2.22;
    # warned 文旅 -7.95 (yellow), 河口 -18.96, 农业 -22.22, 水利 -30.64; 卫健 -4.76 neither
    assert ctx["red_list"] == ["县交通运输局", "县教育局", "城关镇人民政府", "县民政局"]
    assert ctx["black_list"] == ["县文化旅游局", "河口镇人民政府", "县农业农村局", "县水利局"]
    many = _with_rank(pack, top=6, bottom=6)
    assert "县卫生健康局" not in {*C.build_monthly(monitor, {}, [], many, DAY)["red_list"],
                                  *C.build_monthly(monitor, {}, [], many, DAY)["black_list"]}
    ledger_item = {"unit_name": "县水利局", "problem": "问题", "deadline": "2026-09-30", "status": "open"}
    assert F.overdue_rows([ledger_item])[0] == {"unit": "县水利局", "problem": "问题",
                                                "deadline": "2026年9月30日", "status": "目前仍未完成"}
    late = {**ledger_item, "status": "done", "done_at": "2026-10-20"}
    assert F.overdue_rows([late])[0]["status"] == "已于2026年10月20日逾期完成"


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


def test_quarterly_lists_per_group_and_interviews(pack: RulePack) -> None:
    small = _with_notice(_with_rank(pack, top=2, bottom=1), interview_bottom=1)
    ctx = C.build_quarterly(S.rank(), [], small, DAY, 3)
    # by hand: 红榜 needs 优 (≥ 90): only 县教育局 (92.5); 城关镇 86 is 良 → none in 乡镇;
    # 黑榜 needs 中/差 (< 80), the last one per group: 县水利局 55.5, 河口镇 58
    assert ctx["red_list"] == ["县教育局"]
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


def test_annual_budget_consequences_come_from_apply_not_the_composite_grade(pack: RulePack) -> None:
    ctx = C.build_annual(S.rank("2026", "year"), S.scores(), S.apply(), pack=pack, date=DAY)
    by_grade = {g["grade"]: g for g in ctx["grade_groups"]}
    assert by_grade["差"]["units"] == ["县水利局", "河口镇人民政府"]
    assert "action" not in by_grade["差"]            # no budget cut attached to a unit's grade
    assert ctx["grade_interview_units"] == ["县水利局", "河口镇人民政府"]   # 差: 55.5, 58
    assert ctx["interview_units"] == ["县交通运输局", "县民政局"]   # last of the 黑榜 (中: 79.5, 71)
    assert ctx["inflated_projects"] == ["县水利局“小型水库维修养护”"]
    groups = [(g["label"], g["count"], g["action"], g["change"], g["projects"]) for g in ctx["apply_groups"]]
    assert groups == [("自评复核等级为“优”", 1, "优先保障", "", []),
                      ("自评复核等级为“中”", 1, "核减", "-10%", ["县水利局“小型水库维修养护”"]),
                      ("未开展绩效自评", 1, "未自评：先完成自评再安排", "", ["县农业农村局“高标准农田建设”"])]
    assert ctx["balance_projects"] == ["县农业农村局“高标准农田建设”"]
    rows = ctx["apply_rows"]
    assert rows[0][1:] == ["县水利局", "小型水库维修养护", "中", "核减", "-10%", "300.00", "270.00"]
    assert rows[-1] == ["合计", "", "", "", "", "", "2600.00", "2450.00"]
    assert (ctx["apply_budget"], ctx["apply_suggested"], ctx["apply_count"]) == ("2600.00", "2450.00", 3)
    assert rows[2][3] == "未自评"   # as `pbm apply` shows it


def test_annual_apply_states_are_told_apart(pack: RulePack) -> None:
    apply = S.apply()
    apply.append({**apply[0], "project": "村级组织运转补助", "grade": None, "state": "insufficient",
                  "action": "自评数据不全，待补正后确定", "change": 0.0})
    ctx = C.build_annual(S.rank("2026", "year"), None, apply, pack=pack, date=DAY)
    labels = [(g["label"], g["action"]) for g in ctx["apply_groups"]]
    assert labels[-2:] == [("未开展绩效自评", "未自评：先完成自评再安排"),
                           ("已报送自评表但复核数据不全", "自评数据不全，待补正后确定")]
    assert [r[3] for r in ctx["apply_rows"][:-1]] == ["中", "优", "未自评", "数据不足"]


def test_annual_text_numbers_equal_the_attachment(pack: RulePack) -> None:
    from pbmcli.render import blocks as B
    from pbmcli.render.markdown import to_markdown

    apply = S.apply()
    apply[0]["suggested"] = 270.004   # the total of the printed amounts, not of the raw ones
    apply[1]["suggested"] = 800.004
    ctx = C.build_annual(S.rank("2026", "year"), S.scores(), apply, pack=pack, date=DAY)
    text = to_markdown(B.render_blocks("annual", ctx), None)
    body, attachment = text.split("**附件2**")
    assert "建议下年度安排2450.00万元" in body and "| 合计 |  |  |  |  |  | 2600.00 | 2450.00 |" in attachment
    assert "幅度为50%" not in text and "-50%" not in body   # 差 units: interview, no budget cut
    assert "应用建议为“核减”，预算调整-10%。" in body and "| 中 | 核减 | -10% |" in attachment
    assert "对综合评价等级为“差”及各组别综合评价排名靠后的单位" in body
    without = to_markdown(B.render_blocks("annual", C.build_annual(
        S.rank("2026", "year"), pack=pack, date=DAY)), None)
    assert "**附件2**" not in without and "按各项目支出绩效自评复核等级安排：“优”优先保障" in without


def test_interview_wording_follows_groups(pack: RulePack) -> None:
    rank = S.rank()
    ctx = C.build_quarterly(rank, [], pack, DAY)
    assert ctx["interview_phrase"] == "各组别综合排名靠后"
    single = {**rank, "groups": [{"group": "全部单位", "rows": rank["groups"][0]["rows"]}]}
    ctx = C.build_quarterly(single, [], pack, DAY)
    assert ctx["interview_units"] == ["县交通运输局", "县民政局", "县水利局"]
    assert ctx["interview_phrase"] == "综合排名后3位"
    one = C.build_quarterly(single, [], _with_notice(pack, interview_bottom=1), DAY)
    assert one["interview_phrase"] == "综合排名末位" and one["interview_units"] == ["县水利局"]
    two = {**rank, "groups": [{"group": "全部单位", "rows": rank["groups"][1]["rows"]}]}
    assert C.honours(two, pack)["interview"] == ["河口镇人民政府"]   # 城关镇 86 is 良: not on the 黑榜


def test_return_letter_lists_errors_and_warnings_only(pack: RulePack) -> None:
    units = L.group_for_return(S.validate()).letters
    assert list(units) == ["县农业农村局"]  # 县教育局 has no findings
    ctx = L.build_return(units["县农业农村局"], "县农业农村局", pack, DAY, 5, "2027")
    items = ctx["files"][0]["items"]
    assert [i["code"] for i in items] == ["G103", "I105"]
    assert items[0]["where"] == "工作表“绩效目标申报表”，单元格C8"
    assert items[0]["fix"] == "现为“150.00”，应为“120.00”"
    assert ctx["files"][0]["file"] == "高标准农田建设"   # no file extension in a letter
    assert (ctx["error_count"], ctx["warning_count"]) == (1, 1)
    assert ctx["deadline_cn"] == "2026年11月29日"   # [notice] return_days = 7


DIRECTORY = [Unit("201003", "示例县河口乡人民政府", ("河口乡", "河口乡政府")),
             Unit("102001", "示例县卫生健康局", ("县卫健局", "卫健局")),
             Unit("101001", "示例县教育局", ("县教育局",))]


def _file(path: str, unit: str | None, code: str = "G103") -> dict:
    finding = {"code": code, "severity": "error", "sheet": "表", "cell": "C8", "message": "有错"}
    return {"path": path, "form": "goal" if unit else "unknown", "unit": unit, "project": "项目",
            "findings": [finding]}


def messy_validate() -> dict:
    return {"files": [_file("收件/河口乡-村级组织运转补助.xlsx", "河口乡"),
                      _file("收件/河口乡-人居环境整治.xlsx", "示例县河口乡人民政府"),
                      _file("收件/卫健局-村卫生室.xlsx", "县卫健局"),
                      _file("收件/各单位绩效联络员通讯录.xlsx", None, "F003"),
                      _file("收件/县教育局/说明.xlsx", None, "F003"),
                      _file("收件/林业局-造林补助.xlsx", "县林业局"),
                      {**_file("收件/教育局-学生资助.xlsx", "县教育局"), "findings": []}]}


def test_return_letters_follow_the_units_directory() -> None:
    groups = L.group_for_return(messy_validate(), DIRECTORY)
    assert list(groups.letters) == ["示例县卫生健康局", "示例县教育局", "示例县河口乡人民政府"]
    assert len(groups.letters["示例县河口乡人民政府"]) == 2           # 河口乡 + official name: one letter
    # by folder; the letter also counts the unit's file without problems (2 sent, 1 returned)
    assert [f["path"] for f in groups.letters["示例县教育局"]] == ["收件/县教育局/说明.xlsx", "收件/教育局-学生资助.xlsx"]
    lost = {f["path"]: f["reason"] for f in groups.unidentified}
    assert list(lost) == ["收件/各单位绩效联络员通讯录.xlsx", "收件/林业局-造林补助.xlsx"]
    assert "表内没有填写单位名称" in lost["收件/各单位绩效联络员通讯录.xlsx"]
    assert "「县林业局」在单位名录中找不到" in lost["收件/林业局-造林补助.xlsx"]


def test_a_return_letter_counts_every_file_the_unit_sent(pack: RulePack) -> None:
    groups = L.group_for_return(messy_validate(), DIRECTORY)
    ctx = L.build_return(groups.letters["示例县教育局"], "示例县教育局", pack, DAY, 3, "2026")
    assert (ctx["file_count"], ctx["problem_file_count"], ctx["error_count"]) == (2, 1, 1)
    assert [r[1] for r in ctx["table_rows"]] == ["说明"]  # only the file with problems is listed


def test_return_letters_without_directory_use_the_form_names(pack: RulePack) -> None:
    groups = L.group_for_return(messy_validate())
    assert list(groups.letters) == ["县卫健局", "县林业局", "河口乡", "示例县河口乡人民政府"]
    assert len(groups.unidentified) == 2 and "未识别单位" not in groups.letters
    ctx = L.build_unidentified(groups.unidentified, pack, DAY)
    assert ctx["title"] == "无法识别报送单位的文件清单" and ctx["file_count"] == 2
    assert ctx["table_rows"][0][1:5] == ["收件/各单位绩效联络员通讯录.xlsx", "（未填写）",
                                         "表内没有填写单位名称（或不是可识别的绩效表格）", "必须修改1处"]


def test_return_letter_does_not_repeat_location_or_fix(pack: RulePack) -> None:
    finding = {"code": "H101", "severity": "error", "sheet": "绩效目标申报表", "cell": "F4",
               "message": "工作表「绩效目标申报表」F4 单元格：必填项「实施单位」为空。请填写实施单位。",
               "expected": "填写实施单位", "actual": "（空）"}
    (row,) = L.finding_rows([{"path": "a.xlsx", "form": "goal", "unit": "甲", "findings": [finding]}])
    item = row["items"][0]
    assert item["message"] == "必填项“实施单位”为空。请填写实施单位" and item["fix"] == ""   # mainland quotes
    assert item["where"] == "工作表“绩效目标申报表”，单元格F4"


def test_text_is_cleaned_of_line_breaks_and_directives(pack: RulePack) -> None:
    monitor = S.monitor()
    monitor["units"][0]["unit"] = "坏单位\n@title 注入"
    ctx = C.build_monthly(monitor, {}, [], pack, DAY)
    assert "坏单位 @title 注入" in [r[1] for r in ctx["table_rows"]]
    assert F.clean("@p 开头") == "p 开头"
