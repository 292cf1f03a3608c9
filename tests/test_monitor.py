"""Execution monitoring: export reading (xlsx / GBK csv), time progress, warnings, lights."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_units import UNITS, write_rows

from pbmcli.cycle.lights import cutoff_month, indicator_light, monitor_forms
from pbmcli.cycle.monitor import (
    LEVEL_OK,
    LEVEL_RED,
    LEVEL_YELLOW,
    Period,
    detect_kind,
    monitor_export,
    parse_amount,
    time_progress,
    warning_level,
)
from pbmcli.errors import InputError, UsageError
from pbmcli.model import Field, FormKind, Indicator, IndicatorValue, Operator, Submission, ValueKind

HEADER = ["单位编码", "单位名称", "项目名称", "全年预算数（万元）", "累计支出（万元）"]
LINES = [
    ["101", "县财政局", "项目A", "1,000.00", "900"],
    ["101", "县财政局", "项目B", "500", "100"],
    ["", "教育局", "项目C", "300", "250"],
    ["", "县财政局小计", "", "1,500", "1,000"],
    HEADER,  # repeated on a new printed page
    ["合计", "", "", "1,800", "1,250"],
    ["", "", "", "", ""],
]


def test_gbk_csv_with_title_lines(tmp_path: Path, pack):
    path = tmp_path / "2026-10.csv"
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in [["2026年10月预算执行情况"], [], HEADER, *LINES])
    path.write_bytes(text.encode("gbk"))
    res = monitor_export(path, "2026-10", pack, UNITS)
    d = res.to_dict()
    assert [u["code"] for u in d["units"]] == ["102", "101"]  # 教育局 matched by alias, rate order
    fin = d["units"][1]
    assert (fin["budget"], fin["spent"], fin["rate"]) == (1500.0, 1000.0, 66.67)
    assert [p["project"] for p in fin["projects"]] == ["项目A", "项目B"]
    assert d["missing"] == [{"unit": "城关镇人民政府", "code": "201"}]
    assert d["total"] == {"budget": 1800.0, "spent": 1250.0, "rate": 69.44, "gap": -13.89}
    assert d["time_progress"] == 83.33
    assert set(d) == {"tool", "version", "period", "time_progress", "units", "missing", "total", "incomplete",
                      "notes"}
    assert d["incomplete"] == [] and d["notes"] == []


def test_xlsx_export_levels_and_unmatched_unit(tmp_path: Path, pack):
    rows = [["说明：单位万元"], ["预算单位编码", "预算单位名称", "项目", "调整后预算数", "累计执行数"],
            ["101", "县财政局", "A", 100, 80], ["102", "县教育局", "B", 100, 75],
            ["", "县卫健局", "C", 100, 50], ["小计", "", "", 300, 205]]
    path = write_rows(tmp_path / "e.xlsx", rows)
    res = monitor_export(path, "2026-10", pack, UNITS)
    levels = {u.unit: u.figures.level for u in res.units}
    assert levels == {"县财政局": LEVEL_OK, "县教育局": LEVEL_YELLOW, "县卫健局": LEVEL_RED}
    # JSON: the level as a code, its Chinese beside it; the workbook shows the Chinese
    units = {u["unit"]: (u["level"], u["level_text"]) for u in res.to_dict()["units"]}
    assert units == {"县财政局": ("green", "正常"), "县教育局": ("yellow", "黄色预警"), "县卫健局": ("red", "红色预警")}
    from pbmcli.cycle.exports import monitor_sheets
    summary = monitor_sheets(res)[0]
    assert {r[0]: r[-1] for r in summary.rows} == {"县财政局": "正常", "县教育局": "黄色预警", "县卫健局": "红色预警"}
    assert [f.code for f in res.findings] == ["U401"]
    assert "县卫健局" in res.findings[0].message
    assert len(res.source) == 64
    rows_for_ledger = res.ledger_rows()
    assert {(r.unit_code, r.project) for r in rows_for_ledger} == {("101", "A"), ("102", "B"), (None, "C")}


def test_export_without_header_names_the_columns(tmp_path: Path, pack):
    path = write_rows(tmp_path / "x.xlsx", [["甲", "乙"], [1, 2]])
    with pytest.raises(InputError, match="全年预算数"):
        monitor_export(path, "2026-10", pack)


def test_quarter_period_is_rejected_for_monitor(tmp_path: Path, pack):
    with pytest.raises(UsageError):
        monitor_export(tmp_path / "x.csv", "2026Q3", pack)


@pytest.mark.parametrize(("period", "months", "days"), [
    ("2026-10", 83.333, 304 / 365 * 100),
    ("2026-02", 16.667, 59 / 365 * 100),
    ("2024-02", 16.667, 60 / 366 * 100),  # leap year
    ("2026-12", 100.0, 100.0),
])
def test_time_progress_both_conventions(period: str, months: float, days: float):
    assert time_progress(period, "months") == pytest.approx(months, abs=1e-3)
    assert time_progress(period, "days") == pytest.approx(days, abs=1e-9)


def test_days_convention_from_pack(tmp_path: Path, pack):
    days_pack = dataclasses.replace(pack, monitor=dataclasses.replace(pack.monitor, time_progress="days"))
    path = write_rows(tmp_path / "e.xlsx", [HEADER, ["101", "县财政局", "A", 100, 80]])
    assert monitor_export(path, "2026-10", days_pack).to_dict()["time_progress"] == 83.29


@pytest.mark.parametrize(("gap", "level"), [
    (3.0, LEVEL_OK), (-5.0, LEVEL_OK), (-5.01, LEVEL_YELLOW), (-10.0, LEVEL_YELLOW),
    (-10.01, LEVEL_RED), (None, LEVEL_OK)])
def test_warning_levels(gap, level, pack):
    assert warning_level(gap, pack) == level


@pytest.mark.parametrize(("raw", "value"), [
    ("1,234.50", 1234.5), ("１２３", 123.0), ("100万元", 100.0), (7, 7.0), ("-", None), ("", None), ("abc", None),
    (float("nan"), None), (float("inf"), None), ("inf", None)])
def test_parse_amount(raw, value):
    assert parse_amount(raw) == value


def test_period_parsing_and_navigation():
    assert str(Period.parse("2026q3").previous()) == "2026Q2"
    assert str(Period.parse("2026-01").previous()) == "2025-12"
    assert [str(m) for m in Period.parse("2026Q3").months] == ["2026-07", "2026-08", "2026-09"]
    assert Period.parse("2026").overlaps(Period.parse("2026-08"))
    assert not Period.parse("2026Q1").overlaps(Period.parse("2026-08"))
    with pytest.raises(UsageError, match="2026-10"):
        Period.parse("2026-13")


def _ind(target: IndicatorValue, current: object, likelihood: str = "") -> Indicator:
    return Indicator(row=5, fields={"name": Field("指标"), "current": Field(current),
                                    "likelihood": Field(likelihood)}, target=target)


def _q(op: Operator, n: float) -> IndicatorValue:
    return IndicatorValue(ValueKind.QUANTITATIVE, operator=op, number=n)


@pytest.mark.parametrize(("target", "current", "likelihood", "light"), [
    (_q(Operator.GE, 120), 40.0, "", "red"),  # p = 40 / 80 = 50
    (_q(Operator.GE, 120), 50.0, "", "yellow"),  # 62.5
    (_q(Operator.GE, 120), 64.0, "", "green"),  # 80 (edge)
    (_q(Operator.GE, 120), 96.0, "", "blue"),  # 120 (edge)
    (_q(Operator.GE, 120), 96.0, "完全不可能", "red"),
    (_q(Operator.LE, 5), 5.0, "", "green"),
    (_q(Operator.LE, 5), 6.0, "", "red"),
    (_q(Operator.LT, 5), 5.0, "", "red"),
    (IndicatorValue(ValueKind.QUALITATIVE, term="效果明显"), "达成", "", "green"),
    (IndicatorValue(ValueKind.QUALITATIVE, term="效果明显"), "部分达成", "", "yellow"),
    (IndicatorValue(ValueKind.QUALITATIVE, term="效果明显"), "未完成", "", "red"),
    (IndicatorValue(ValueKind.QUALITATIVE, term="效果明显"), "进行中", "", None),
    (_q(Operator.GE, 120), None, "", None),
    (_q(Operator.GE, 120), "约50人次", "", "yellow"),
])
def test_lights_at_month_8(target, current, likelihood, light, pack):
    assert indicator_light(_ind(target, current, likelihood), 8, pack)[1] == light


def test_monitor_forms_result(pack):
    sub = Submission(path="m.xlsx", kind=FormKind.MONITOR, header={"unit": Field("县财政局"), "project": Field("A")},
                     indicators=(_ind(_q(Operator.GE, 120), 64.0),))
    d = monitor_forms([sub], "2026-08", pack).to_dict()
    assert d["counts"]["green"] == 1
    assert d["indicators"][0]["p"] == 80.0 and d["indicators"][0]["light_label"] == "绿灯"


def test_detect_kind(tmp_path: Path):
    form = write_rows(tmp_path / "m.xlsx", [["项目绩效运行监控表"], ["项目名称", "A"]])
    export = write_rows(tmp_path / "e.xlsx", [HEADER, ["101", "县财政局", "A", 1, 1]])
    assert detect_kind(form) == "forms"
    assert detect_kind(export) == "export"
    assert detect_kind(tmp_path) == "forms"


def test_rates_are_not_prorated_by_default(pack):
    """domain.md §5 (corrected 2026-12): a rate is compared with its full annual target; only
    cumulative quantities are prorated by month/12.  By hand: 96 / 95 = 101.05 % → green;
    88.5 / 90 = 98.33 % → green (prorated it would be 88.5 / 60 = 147.5 % → a false blue)."""
    rate = IndicatorValue(ValueKind.QUANTITATIVE, operator=Operator.GE, number=95.0, unit="%")
    p, light, basis = indicator_light(_ind(rate, 96.0), 8, pack)
    assert (round(p, 2), light) == (101.05, "green") and "不按月折算" in basis
    near = IndicatorValue(ValueKind.QUANTITATIVE, operator=Operator.GE, number=90.0, unit="%")
    p, light, _ = indicator_light(_ind(near, 88.5), 8, pack)
    assert (round(p, 2), light) == (98.33, "green")
    # a rate named so but written without "%" is a rate too (名称以“率”结尾)
    named = dataclasses.replace(_ind(IndicatorValue(ValueKind.QUANTITATIVE, operator=Operator.GE, number=90.0), 88.5),
                                fields={"name": Field("工程验收合格率"), "current": Field(88.5)})
    assert indicator_light(named, 8, pack)[1] == "green"
    prorated = dataclasses.replace(pack, monitor=dataclasses.replace(pack.monitor, prorate_percent=True))
    assert indicator_light(_ind(rate, 96.0), 8, prorated)[1] == "blue"  # 96 / (95 × 8/12) = 151.6 %


def test_prorate_only_listed_levels(pack):
    only = dataclasses.replace(pack, monitor=dataclasses.replace(pack.monitor, prorate_only=("数量指标",)))
    quality = dataclasses.replace(_ind(_q(Operator.GE, 120), 96.0), fields={
        "name": Field("x"), "level2": Field("质量指标"), "current": Field(96.0)})
    assert indicator_light(quality, 8, only)[1] == "green"  # 80 % of the full annual value
    quantity = dataclasses.replace(quality, fields={**quality.fields, "level2": Field("数量指标")})
    assert indicator_light(quantity, 8, only)[1] == "blue"  # 96 / (120 × 8/12) = 120 %


@pytest.mark.parametrize(("target", "current", "light"), [
    ("长期运行", "正常运行", "green"), ("按时完成", "进度滞后", "yellow"), ("按时完成", "按时完成", "green"),
    ("按时完成", "工程停滞", "red"), ("按时完成", "部分完成", "yellow"), ("效果明显", "看情况", None)])
def test_qualitative_light_terms(target, current, light, pack):
    ind = _ind(IndicatorValue(ValueKind.QUALITATIVE, text=target, term=target), current)
    assert indicator_light(ind, 7, pack)[1] == light


@pytest.mark.parametrize(("texts", "month"), [
    (["（2026年1-7月）"], 7), (["2026年1至8月"], 8), (["截至2026年9月底"], 9), (["7"], 7), (["7月"], 7),
    (["2026-07"], 7), (["绩效运行监控表"], None), (["1-13月"], None)])
def test_cutoff_month(texts, month):
    assert cutoff_month(texts) == month


def test_forms_use_their_cutoff_month(pack):
    sub = Submission(path="m.xlsx", kind=FormKind.MONITOR, header={"month": Field("6月")},
                     indicators=(_ind(_q(Operator.GE, 120), 60.0),))
    assert monitor_forms([sub], "2026-08", pack).to_dict()["indicators"][0]["p"] == 100.0  # 60 / (120 × 6/12)
    assert monitor_forms([sub], "2026-08", pack, {"m.xlsx": 5}).to_dict()["indicators"][0]["p"] == 120.0


def test_dash_or_text_amount_is_a_finding_and_not_zero(tmp_path: Path, pack):
    rows = [HEADER, ["101", "县财政局", "项目A", 100, 80], ["102", "县教育局", "项目C", 100, "—"],
            ["201", "城关镇人民政府", "项目D", "/", "待核实"], ["102", "县教育局", "项目E", 200, 150]]
    res = monitor_export(write_rows(tmp_path / "exec.xlsx", rows), "2026-10", pack, UNITS)
    d = res.to_dict()
    m501 = [f for f in res.findings if f.code == "M501"]
    assert [f.cell for f in m501] == ["E3", "D4", "E4"]
    assert "exec.xlsx" in m501[0].message and "第 3 行" in m501[0].message and "累计支出" in m501[0].message
    assert [(i["code"], i["row"]) for i in d["incomplete"]] == [("102", 3), ("201", 4)]
    edu = next(u for u in d["units"] if u["code"] == "102")
    assert (edu["budget"], edu["spent"], edu["rate"]) == (200.0, 150.0, 75.0)  # 项目C left out, not 0
    assert [u["code"] for u in d["units"]] == ["101", "102"]  # 城关镇: 数据缺失, never 0.00 / 红色预警
    assert d["missing"] == [] and d["total"]["budget"] == 300.0


@pytest.mark.parametrize(("title", "header"), [
    (["金额单位：元"], HEADER[:3] + ["全年预算数", "累计支出"]),
    (["2026年10月预算执行情况"], HEADER[:3] + ["全年预算数（元）", "累计支出（元）"])])
def test_amounts_in_yuan_are_converted_to_wanyuan(tmp_path: Path, pack, title, header):
    rows = [title, header, ["101", "县财政局", "项目A", 4_500_000, 3_000_000]]
    res = monitor_export(write_rows(tmp_path / "yuan.xlsx", rows), "2026-10", pack, UNITS)
    d = res.to_dict()
    assert (d["units"][0]["budget"], d["units"][0]["spent"]) == (450.0, 300.0)
    assert d["total"]["budget"] == 450.0 and d["units"][0]["rate"] == 66.67
    assert len(d["notes"]) == 1 and "已换算为万元" in d["notes"][0]
    assert res.ledger_rows()[0].budget == 450.0  # the ledger never mixes 元 and 万元


def test_rounded_never_yields_nan_or_inf():
    from pbmcli.cycle.monitor import rounded

    assert rounded(2.345) == 2.35 and rounded(-2.345) == -2.35
    assert rounded(float("inf")) is None and rounded(float("nan")) is None
    assert rounded(1e308) == 1e308  # no decimal.InvalidOperation on a huge amount


@pytest.mark.parametrize(("typed", "period"), [
    ("2026-10", "2026-10"), ("2026-1", "2026-01"), ("2026年10月", "2026-10"), ("2026年1-10月", "2026-10"),
    ("2026Q3", "2026Q3"), ("2026-Q3", "2026Q3"), ("2026年第三季度", "2026Q3"), ("2026年三季度", "2026Q3"),
    ("2026年", "2026"), ("2026", "2026"), (" 2026 年 10 月 ", "2026-10"),
])
def test_period_spellings_a_clerk_types(typed: str, period: str) -> None:
    from pbmcli.period import Period

    assert str(Period.parse(typed)) == period


@pytest.mark.parametrize("typed", ["2026-13", "2026Q5", "十月", "2026-10-01", ""])
def test_bad_periods_are_a_chinese_usage_error(typed: str) -> None:
    from pbmcli.errors import UsageError
    from pbmcli.period import Period

    with pytest.raises(UsageError, match="格式不对"):
        Period.parse(typed)


@pytest.mark.parametrize(("path", "month", "name"), [
    ("收件/监控/2026-08/", "2026-08", "2026-08"),
    ("收件/执行/2026-10.xlsx", "2026-10", "2026-10.xlsx"),
    ("收件/2026年1-8月执行情况.xlsx", "2026-08", "2026年1-8月执行情况.xlsx"),  # cumulative to August
    ("收件/2026年8月/执行数据.xls", "2026-08", "2026年8月"),  # the file says nothing: its folder does
    ("收件/2026/执行 2026.09.csv", "2026-09", "执行 2026.09.csv"),
    ("执行数据.xlsx", None, None),
    ("2026-07至2026-08.xlsx", None, None),  # two months: ambiguous, never guessed
    ("2026年第三季度/表.xlsx", None, None),  # a quarter is not a month
    ("20260815导出.xlsx", None, None),
])
def test_month_in_path(path: str, month: str | None, name: str | None):
    from pbmcli.period import month_in_path

    found = month_in_path(path)
    assert (None if found is None else (str(found[0]), found[1])) == (None if month is None else (month, name))


def test_amounts_add_up_without_float_drift(tmp_path: Path, pack):
    # 县财政局's 项目A paid in six instalments (万元): 0.95139 + 0.03807 + 0.69158 + 0.29058
    # + 0.57395 + 0.64988 = 3.19545 exactly, against a budget of 1 万元: 319.545 %, which
    # rounds half up to 319.55 (a running float sum gives 3.1954499999999997 → 319.54).
    paid = ["0.95139", "0.03807", "0.69158", "0.29058", "0.57395", "0.64988"]
    rows = [HEADER, ["101", "县财政局", "项目A", 1, paid[0]],
            *[["101", "县财政局", "项目A", 0, p] for p in paid[1:]],
            ["102", "县教育局", "项目C", 2, 1], ["102", "县教育局", "项目C", 2, 1]]
    d = monitor_export(write_rows(tmp_path / "exec.xlsx", rows), "2026-10", pack, UNITS).to_dict()
    fin = next(u for u in d["units"] if u["code"] == "101")
    assert (fin["budget"], fin["spent"], fin["rate"]) == (1.0, 3.1955, 319.55)
    assert fin["projects"] == [{"project": "项目A", "budget": 1.0, "spent": 3.1955, "rate": 319.55,
                                "gap": 236.21, "level": "green", "level_text": "正常"}]
    edu = next(u for u in d["units"] if u["code"] == "102")  # the same line twice: both count
    assert (edu["budget"], edu["spent"], edu["rate"]) == (4.0, 2.0, 50.0)
    assert d["total"]["budget"] == 5.0 and d["total"]["spent"] == 5.1955
