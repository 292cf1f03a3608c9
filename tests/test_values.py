"""Indicator value parser: real spellings from filled forms → operator + number + unit / term."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbmcli import values
from pbmcli.model import Field, Operator, ValueKind
from pbmcli.values import (
    ACHIEVED,
    NOT_ACHIEVED,
    PARTIAL,
    canonical_term,
    parse_number,
    parse_operator,
    parse_value,
)

GE, GT, EQ, LE, LT = Operator.GE, Operator.GT, Operator.EQ, Operator.LE, Operator.LT
Q, QL, E, U = ValueKind.QUANTITATIVE, ValueKind.QUALITATIVE, ValueKind.EMPTY, ValueKind.UNPARSEABLE

# (raw, kwargs, kind, operator, number, unit)
QUANT = [
    ("≥95%", {}, GE, 95, "%"),
    ("≥ 95 %", {}, GE, 95, "%"),
    ("＞＝95％", {}, GE, 95, "%"),
    ("≥95％", {}, GE, 95, "%"),
    ("≧95%", {}, GE, 95, "%"),
    (">=95%", {}, GE, 95, "%"),
    ("=>95%", {}, GE, 95, "%"),
    ("不低于95%", {}, GE, 95, "%"),
    ("不少于3个", {}, GE, 3, "个"),
    ("达到100%", {}, GE, 100, "%"),
    ("大于等于90%", {}, GE, 90, "%"),
    ("至少2次", {}, GE, 2, "次"),
    ("95%以上", {}, GE, 95, "%"),
    ("90%及以上", {}, GE, 90, "%"),
    ("≥95%（含）", {}, GE, 95, "%"),
    ("满意度≥90%", {}, GE, 90, "%"),
    ("＞０", {}, GT, 0, None),
    ("大于80%", {}, GT, 80, "%"),
    ("超过1000人次", {}, GT, 1000, "人次"),
    ("≤3个工作日", {}, LE, 3, "个工作日"),
    ("≦5%", {}, LE, 5, "%"),
    ("<=5%", {}, LE, 5, "%"),
    ("不超过5万元", {}, LE, 5, "万元"),
    ("不高于10%", {}, LE, 10, "%"),
    ("不大于2天", {}, LE, 2, "天"),
    ("控制在5万元以内", {}, LE, 5, "万元"),
    ("3个工作日以内", {}, LE, 3, "个工作日"),
    ("3个工作日内", {}, LE, 3, "个工作日"),
    ("小于等于1%", {}, LE, 1, "%"),
    ("50万元以下", {}, LE, 50, "万元"),
    ("低于5%", {}, LT, 5, "%"),
    ("小于1天", {}, LT, 1, "天"),
    ("＜２", {}, LT, 2, None),
    ("=100", {}, EQ, 100, None),
    ("＝100％", {}, EQ, 100, "%"),
    ("等于0", {}, EQ, 0, None),
    ("为1项", {}, EQ, 1, "项"),
    ("100%", {}, None, 100, "%"),
    ("95.5%", {}, None, 95.5, "%"),
    ("1,200", {}, None, 1200, None),
    ("１,２００万元", {}, None, 1200, "万元"),
    ("１２０万元", {}, None, 120, "万元"),
    ("100万元", {}, None, 100, "万元"),
    ("3个", {}, None, 3, "个"),
    ("12人次", {}, None, 12, "人次"),
    ("3次/年", {}, None, 3, "次/年"),
    ("-5%", {}, None, -5, "%"),
    ("0.5‰", {}, None, 0.5, "‰"),
    ("约3个", {}, None, 3, "个"),
    ("100%完成", {}, None, 100, "%"),
    ("三个", {}, None, 3, "个"),
    ("不少于两次", {}, GE, 2, "次"),
    ("十二人", {}, None, 12, "人"),
    ("百分之九十五", {}, None, 95, "%"),
    ("完成率100%", {}, None, 100, "%"),
    ("已完成100%", {}, None, 100, "%"),
    ("满意度不低于90%", {}, GE, 90, "%"),
    ("群众满意度达95%以上", {}, GE, 95, "%"),
    ("共培训120人次", {}, None, 120, "人次"),
    ("全年≥12次", {}, GE, 12, "次"),
    ("≥1次/季度", {}, GE, 1, "次/季度"),
    ("95%（含）以上", {}, GE, 95, "%"),
    ("95", {"unit_hint": "%"}, None, 95, "%"),
    ("95", {"unit_hint": "%", "operator_hint": "≥"}, GE, 95, "%"),
    ("95", {"unit_hint": "％", "operator_hint": "正向"}, GE, 95, "%"),
    ("3", {"unit_hint": "个工作日", "operator_hint": "反向"}, LE, 3, "个工作日"),
    ("≥95%", {"operator_hint": "≤"}, GE, 95, "%"),  # the written operator wins
    (500, {"unit_hint": "台"}, None, 500, "台"),
    (500.0, {"unit_hint": "台", "operator_hint": "="}, EQ, 500, "台"),
    (0.95, {"percent_format": True}, None, 95, "%"),
    (0.985, {"percent_format": True}, None, 98.5, "%"),
    ("0.95", {"percent_format": True}, None, 95, "%"),
    (0.95, {"unit_hint": "%"}, None, 0.95, "%"),  # never guessed: 0.95 with unit % stays 0.95
    (12, {}, None, 12, None),
    ("  88  ", {}, None, 88, None),
]


@pytest.mark.parametrize(("raw", "kwargs", "op", "number", "unit"), QUANT,
                         ids=[str(r[0]) + "|" + ",".join(f"{k}={v}" for k, v in r[1].items())
                              for r in QUANT])
def test_quantitative(raw, kwargs, op, number, unit):
    value = parse_value(raw, **kwargs)
    assert value.kind is Q, value.reason
    assert value.operator is op
    assert value.number == pytest.approx(number)
    assert value.unit == unit


QUALITATIVE = ["按时完成", ACHIEVED, PARTIAL, NOT_ACHIEVED, "效果明显", "应保尽保", "逐步改善",
               "有所提高", "明显提升", "一般", "不适用", "2024年12月31日前", "12月底前完成",
               "2025年底", "达到预期"]


@pytest.mark.parametrize("raw", QUALITATIVE)
def test_qualitative_terms(raw):
    value = parse_value(raw)
    assert value.kind is QL
    assert value.term == raw


EMPTIES = [None, "", "   ", "——", "—", "-", "/", "无", "－", "---", "／"]


@pytest.mark.parametrize("raw", EMPTIES)
def test_empty(raw):
    assert parse_value(raw).kind is E


UNPARSEABLE = [
    ("90%-95%", "区间"),
    ("3~5个", "区间"),
    ("90%至95%", "区间"),
    ("≥95%以下", "矛盾"),
    ("≥", "缺少数值"),
    ("待定", "占位"),
    ("abc", "不是可识别"),
    ("95,96", "多个数字"),
    ("1:1", "多个数字"),
    ("完成率100%，满意度95%", "多个数字"),
    ("#DIV/0!", "公式出错"),
    ("#N/A", "公式出错"),
    (float("nan"), "不是有效的数字"),
    (True, "不是指标值"),
]


@pytest.mark.parametrize(("raw", "reason"), UNPARSEABLE, ids=[str(r[0]) for r in UNPARSEABLE])
def test_unparseable_has_reason(raw, reason):
    value = parse_value(raw)
    assert value.kind is U
    assert reason in (value.reason or "")


def test_field_with_percent_flag_is_already_scaled():
    field = Field(96.0, percent=True, text="96%")
    value = parse_value(field)
    assert (value.number, value.unit) == (96.0, "%")


def test_display_round_trip():
    assert parse_value("＞＝95％").display() == "≥95%"
    assert parse_value("不超过5万元").display() == "≤5万元"


def test_operator_hint_qualitative_is_not_an_operator():
    assert parse_operator("定性") is None
    assert parse_operator("≥") is GE
    assert parse_operator("反向指标") is LE
    assert parse_operator("大于等于") is GE
    assert parse_value("达成年度指标", operator_hint="定性").kind is QL


@pytest.mark.parametrize(("raw", "expected"), [
    ("1,200.50", 1200.5), ("１２０", 120.0), ("10分", 10.0), ("96%", 96.0), (8.5, 8.5),
    ("", None), (None, None), ("≥5", None), ("abc", None), ("——", None), (True, None),
    (float("inf"), None), (" 9.68 ", 9.68),
    # an amount and a note on how it breaks down; the same amount pasted twice (a slip the
    # breakdown confirms: 400 + 295 + 159 = 854); different amounts stay unreadable
    ("854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)", 854.0),
    ("854万854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)", 854.0),
    ("1,200万元 1,200万元", 1200.0), ("854854", 854854.0), ("854万855万(400+455)", None), ("854万元854", None),
])
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize(("text", "term", "via_synonym"), [
    (ACHIEVED, ACHIEVED, False),
    (" 达成年度指标。", ACHIEVED, False),
    (PARTIAL, PARTIAL, False),
    (NOT_ACHIEVED, NOT_ACHIEVED, False),
    ("已完成", ACHIEVED, True),
    ("按时完成", ACHIEVED, True),
    ("全部完成。", ACHIEVED, True),
    ("部分完成", PARTIAL, True),
    ("基本完成", PARTIAL, True),
    ("未完成", NOT_ACHIEVED, True),
    ("没有完成", NOT_ACHIEVED, True),
    ("未能完成", None, False),  # negated: never mapped to 达成
    ("效果明显", None, False),
    ("", None, False),
    (None, None, False),
])
def test_canonical_term(pack, text, term, via_synonym):
    assert canonical_term(text, pack) == (term, via_synonym)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(),
                 st.text(alphabet="0123456789.,%％≥≤<>=＞＜＝万元个-~至以上下内 不低于超过", max_size=12)),
       st.one_of(st.none(), st.text(max_size=4)), st.booleans(),
       st.one_of(st.none(), st.sampled_from(["≥", "≤", "=", "正向", "反向", "定性", "x"])))
def test_fuzz_never_raises(raw, unit_hint, percent_format, operator_hint):
    # the inner parser, so the public safety net cannot hide a bug
    value = values._parse(raw, unit_hint, percent_format, operator_hint)
    assert value.kind in ValueKind
    if value.kind is U:
        assert value.reason
    if value.kind is Q:
        assert value.number is not None
    parse_number(raw)


@pytest.mark.parametrize(("number", "shown"), [
    (387664.62, "387664.62"), (12767.36, "12767.36"), (10.0, "10"), (0.935, "0.935"), (1e-5, "0.00001"),
    (123456789.0, "123456789"), (-2.5, "-2.5"),
])
def test_numbers_are_shown_as_written(number: float, shown: str) -> None:
    """Messages quote numbers in full: never 387665 or 1.23457e+08 (the "%g" rounding)."""
    from pbmcli.model import num_text

    assert num_text(number) == shown


@pytest.mark.parametrize(("text", "amount"), [
    ("1,200.50", True), ("20万元", True), ("854万(高标准农田建设400万元)", True), ("854万854万", True),
    ("2.市级资金", False), ("其中:1.中央资金", False), ("约120万", False),
])
def test_amount_text(text: str, amount: bool) -> None:
    from pbmcli.values import amount_text

    assert amount_text(text) is amount
