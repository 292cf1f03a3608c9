"""Scoring formulas: hand-computed cases, the arithmetic written in each case id."""

from __future__ import annotations

import dataclasses

import pytest

from pbmcli.model import CellRef, Field, FormKind, Indicator, Severity, Submission
from pbmcli.scoring import round_half_up, score_execution, score_indicator, score_submission
from pbmcli.values import ACHIEVED, NOT_ACHIEVED, PARTIAL

SHEET = "自评表"


def scoring(pack, **changes):
    return dataclasses.replace(pack, scoring=dataclasses.replace(pack.scoring, **changes))


def ind(target, actual, weight, self_score=None, row=12, name="指标", na=False):
    def f(value, col):
        return Field(value, CellRef(SHEET, f"{col}{row}"))
    fields = {"level1": f("产出指标", "A"), "level2": f("数量指标", "B"), "name": f(name, "C"),
              "target": f(target, "D"), "actual": f(actual, "E"),
              "weight": f(None if weight is None else float(weight), "F"),
              "score": f(None if self_score is None else float(self_score), "G")}
    return Indicator(row=row, fields=fields, not_applicable=na)


def sub(indicators=(), budget=100.0, spent=100.0, initial=None, points=None, exec_self=None,
        total_self=None):
    def f(value, cell):
        return Field(value, CellRef(SHEET, cell))
    total = {"initial": f(initial, "B6"), "budget": f(budget, "C6"), "spent": f(spent, "D6"),
             "weight": f(points, "E6"), "score": f(exec_self, "G6")}
    totals = {"score": f(total_self, "G30")} if total_self is not None else {}
    return Submission(path="x.xlsx", kind=FormKind.SELFEVAL, sheet=SHEET,
                      funds={"annual": {"total": total}}, indicators=tuple(indicators),
                      totals=totals)


# (target, actual, weight, self_score, pack changes, expected score, method)
CASES = [
    ("≥95%", "92%", 10, None, {}, 9.68, "positive", "92/95*10=9.6842->9.68"),
    ("≥95%", "95%", 10, None, {}, 10.0, "positive", "B=A -> full 10"),
    ("≥95%", "100%", 10, None, {}, 10.0, "positive", "B>A -> full, never above 10"),
    (">80%", "80%", 10, None, {}, 10.0, "positive", "> boundary counts as met -> 10"),
    ("≥100", "83.45", 10, None, {}, 8.35, "positive", "83.45/100*10=8.345 half-up->8.35"),
    ("≥100", "26.75", 10, None, {}, 2.68, "positive", "26.75/100*10=2.675 half-up->2.68"),
    ("≥3个", "0个", 5, None, {}, 0.0, "positive", "0/3*5=0"),
    ("≥200人", "150人", 20, None, {}, 15.0, "positive", "150/200*20=15"),
    ("≥1000", "1", 10, None, {}, 0.01, "positive", "1/1000*10=0.01"),
    ("≥0", "0", 5, None, {}, 5.0, "positive", "A=0, B>=A -> full 5"),
    ("95%", "90%", 10, None, {}, 9.47, "positive", "no operator -> >=; 90/95*10=9.4737->9.47"),
    ("=100%", "100%", 10, None, {}, 10.0, "equal", "A>0 as positive; B=A -> 10"),
    ("=100%", "90%", 10, None, {}, 9.0, "equal", "90/100*10=9"),
    ("=0", "0", 5, None, {}, 5.0, "equal", "A=0, B<=0 -> full 5"),
    ("=0", "2", 5, None, {}, 0.0, "equal", "A=0, B>0 -> 0"),
    ("0", "1", 5, None, {}, 0.0, "equal", "bare 0 target read as =0; B>0 -> 0"),
    ("≤3个工作日", "4个工作日", 10, None, {}, 7.5, "reverse", "ratio 3/4*10=7.5"),
    ("≤3个工作日", "4个工作日", 10, None, {"reverse_mode": "linear_penalty"}, 6.67, "reverse",
     "linear (1-(4-3)/3)*10=6.6667->6.67"),
    ("≤3", "6", 10, None, {"reverse_mode": "linear_penalty"}, 0.0, "reverse", "linear B>=2A -> 0"),
    ("≤3", "6", 10, None, {}, 5.0, "reverse", "ratio 3/6*10=5"),
    ("≤10", "11", 10, None, {"reverse_mode": "linear_penalty"}, 9.0, "reverse", "linear (1-1/10)*10=9"),
    ("≤10万元", "12万元", 10, None, {}, 8.33, "reverse", "ratio 10/12*10=8.3333->8.33"),
    ("≤5%", "5%", 10, None, {}, 10.0, "reverse", "B=A -> full"),
    ("<5%", "5%", 10, None, {}, 10.0, "reverse", "< boundary counts as met -> full"),
    ("≤0", "0", 5, None, {}, 5.0, "reverse", "A=0, B<=0 -> full"),
    ("≤0", "1", 5, None, {}, 0.0, "reverse", "A=0, B>0 -> 0"),
    (ACHIEVED, ACHIEVED, 10, 9, {}, 9.0, "qualitative", "达成 band [8,10]; 9 in band -> 9"),
    (ACHIEVED, ACHIEVED, 10, 7, {}, 8.0, "qualitative", "达成 band [8,10]; 7 below -> edge 8"),
    (ACHIEVED, PARTIAL, 10, 9, {}, 8.0, "qualitative", "部分 band [6,8); 9 -> closed edge 8"),
    (ACHIEVED, PARTIAL, 10, 5, {}, 6.0, "qualitative", "部分 band [6,8); 5 -> edge 6"),
    (ACHIEVED, NOT_ACHIEVED, 10, 7, {}, 6.0, "qualitative", "未达成 band [0,6); 7 -> closed edge 6"),
    (ACHIEVED, NOT_ACHIEVED, 10, None, {}, 0.0, "qualitative", "未达成, no self-score -> lower edge 0"),
    (ACHIEVED, PARTIAL, 10, None, {}, 6.0, "qualitative", "部分, no self-score -> lower edge 6"),
    ("按时完成", "已完成", 10, 10, {}, 10.0, "qualitative", "synonym 已完成 -> 达成 [8,10]; 10"),
    (ACHIEVED, PARTIAL, 10, 4, {"qualitative_bands": (80.0, 50.0)}, 5.0, "qualitative",
     "bands 80/50: 部分 [5,8); 4 -> 5"),
    (ACHIEVED, PARTIAL, 5, 3.5, {}, 3.5, "qualitative", "weight 5: 部分 [3,4); 3.5 in band"),
    ("≥95%", "96个", 10, None, {}, 10.0, "positive", "unit mismatch: numbers only 96>=95 -> 10"),
    ("≥100", "130", 10, None, {"overshoot_deduction": 2.0}, 8.0, "positive",
     "130/100=1.3>=1.3 overshoot: full 10 - 2 = 8"),
    ("≥1", "5", 1, None, {"overshoot_deduction": 2.0}, 0.0, "positive",
     "overshoot deduction 2 on weight 1 never below 0"),
]


@pytest.mark.parametrize(("target", "actual", "weight", "own", "changes", "expected", "method"),
                         [c[:7] for c in CASES], ids=[c[7] for c in CASES])
def test_indicator_cases(pack, target, actual, weight, own, changes, expected, method):
    result = score_indicator(ind(target, actual, weight, own), scoring(pack, **changes))
    assert result.method == method
    assert result.score == expected


@pytest.mark.parametrize(("target", "actual", "weight", "why"), [
    ("≥95%", None, 10, "实际完成值为空"),
    ("≥95%", "/", 10, "实际完成值为空"),
    ("≥95%", "90%-95%", 10, "无法识别"),
    ("≥95%", "95%", None, "分值为空"),
    (None, "95%", 10, "年度指标值为空"),
    (ACHIEVED, "效果明显", 10, "无法归入三档"),  # no self-score to fall back on
])
def test_missing_data_scores_none_not_zero(pack, target, actual, weight, why):
    result = score_indicator(ind(target, actual, weight), pack)
    assert result.score is None
    assert why in result.note
    assert [f.code for f in result.findings] == ["X307"]


def test_fraction_typed_for_a_percent_is_flagged_not_rescaled(pack):
    result = score_indicator(ind("≥95%", 0.96, 10), pack)
    assert result.score is None  # neither 0.96 % (0.1 points) nor a guessed 96 %
    assert [(f.code, f.cell) for f in result.findings] == [("X310", "E12")]
    assert "若为 96%，请填写 96% 或设置百分比格式" in result.findings[0].message


@pytest.mark.parametrize(("target", "actual", "cell"), [
    (1.0, "98%", "D12"),  # "=100%" typed as a formula: the target is 1
    ("≥95%", "0.93", "E12"),  # a fraction written as text
    ("=100%", 1.0, "E12"),
])
def test_percent_against_a_bare_fraction_is_not_scored(pack, target, actual, cell):
    result = score_indicator(ind(target, actual, 10, 10), pack)
    assert result.score is None
    assert [(f.code, f.cell) for f in result.findings] == [("X310", cell)]


@pytest.mark.parametrize(("target", "actual", "expected"), [
    ("≥95%", 96.0, 10.0),  # a bare 96 against 95 %: plausible, scored
    ("≥95%", 0.0, 0.0),  # 0 is 0 in any unit
    ("≥2", "98%", 10.0),  # a bare target above fraction_max is not a fraction
    ("≥1个", "98%", 10.0),  # the target states its own unit
])
def test_not_a_unit_mismatch(pack, target, actual, expected):
    assert score_indicator(ind(target, actual, 10), pack).score == expected


def test_formula_shows_numbers(pack):
    result = score_indicator(ind("≥95%", "92%", 10), pack)
    assert result.formula == "实际值 92 ÷ 目标值 95 × 分值 10 = 9.68"


def test_qualitative_findings(pack):
    out_of_band = score_indicator(ind(ACHIEVED, PARTIAL, 10, 9), pack)
    assert [f.code for f in out_of_band.findings] == ["X304"]
    finding = out_of_band.findings[0]
    assert (finding.sheet, finding.cell, finding.expected, finding.actual) == (SHEET, "G12", "[6, 8)", "9")
    assert "自评得分 9" in finding.message
    synonym = score_indicator(ind(ACHIEVED, "基本完成", 10, 7), pack)
    assert [f.code for f in synonym.findings] == ["X303"]
    assert synonym.score == 7.0
    no_self = score_indicator(ind(ACHIEVED, ACHIEVED, 10), pack)
    assert no_self.score == 8.0 and [f.code for f in no_self.findings] == ["X308"]
    unbanded = score_indicator(ind(ACHIEVED, "效果明显", 10, 9), pack)
    assert unbanded.score == 9.0 and [f.code for f in unbanded.findings] == ["X306"]


@pytest.mark.parametrize(("target", "actual", "own", "expected", "codes"), [
    ("2024年12月31日前", "2024年11月30日", 10, 10.0, ["X303"]),  # on time -> 达成 band [8, 10]
    ("12月底前", "2024-12-20", None, 8.0, ["X303", "X308"]),  # on time, no self-score -> lower edge 8
    ("2024年12月31日前", "2025年1月15日", 9, 9.0, ["X306"]),  # late: self-score kept, warning
    ("6月底前", "6月30日", 7, 8.0, ["X303", "X304"]),  # on time, 7 below the 达成 band -> 8
])
def test_deadline_targets(pack, target, actual, own, expected, codes):
    result = score_indicator(ind(target, actual, 10, own), pack)
    assert result.method == "qualitative"
    assert result.score == expected
    assert sorted(f.code for f in result.findings) == codes


def test_actual_repeating_the_qualitative_target_is_achieved(pack):
    result = score_indicator(ind("应保尽保", "应保尽保", 10, 9), pack)
    assert result.score == 9.0  # 达成 band [8, 10]
    assert [f.code for f in result.findings] == ["X303"]
    assert score_indicator(ind("应保尽保", "应保尽保", 10, 5), pack).score == 8.0


def test_overshoot_warning_without_deduction(pack):
    result = score_indicator(ind("≥100", "130", 10), pack)
    assert result.score == 10.0
    assert [(f.code, f.cell) for f in result.findings] == [("X302", "D12")]
    assert score_indicator(ind("≥100", "129", 10), pack).findings == ()


def test_self_score_mismatch(pack):
    result = score_indicator(ind("≥95%", "92%", 10, 10), pack)
    assert [(f.code, f.expected, f.actual) for f in result.findings] == [("X305", "9.68", "10")]


def test_not_applicable(pack):
    assert score_indicator(ind("不适用", "不适用", 10), pack).method == "not_applicable"
    assert score_indicator(ind("≥95%", "N/A", 10), pack).method == "not_applicable"
    assert score_indicator(ind("≥95%", "本年度不适用", 10), pack).method == "not_applicable"
    assert score_indicator(ind("≥95%", "N/A以外", 10), pack).method == "qualitative"
    assert score_indicator(ind("≥95%", "95%", 10, na=True), pack).method == "not_applicable"


@pytest.mark.parametrize(("kwargs", "rate", "score"), [
    ({"budget": 100.0, "spent": 95.0}, 95.0, 9.5),
    # 166.69/200 = 83.345 %: unrounded rate gives 8.3345 -> 8.33 (rounding the rate first would give 8.34)
    ({"budget": 200.0, "spent": 166.69}, 83.345, 8.33),
    ({"budget": 100.0, "spent": 120.0}, 120.0, 10.0),  # rate > 100 %: min(1.2, 1) * 10 = 10
    ({"budget": 100.0, "spent": 90.0, "points": 20.0}, 90.0, 18.0),  # form's own 分值 20: 0.9 * 20
    ({"budget": None, "initial": 100.0, "spent": 90.0}, 90.0, 9.0),  # 年初预算数 fallback
])
def test_execution(pack, kwargs, rate, score):
    result = score_execution(sub(**kwargs), pack)
    assert result.rate == pytest.approx(rate)
    assert result.score == score


@pytest.mark.parametrize("kwargs", [{"budget": 0.0}, {"budget": None}, {"spent": None}])
def test_execution_insufficient(pack, kwargs):
    result = score_execution(sub(**kwargs), pack)
    assert result.score is None
    assert "X307" in [f.code for f in result.findings]


def test_execution_fallback_note(pack):
    result = score_execution(sub(budget=None, initial=100.0, spent=90.0), pack)
    assert [f.code for f in result.findings] == ["X309"]
    assert "年初预算数" in result.note


def _full_form(extra=()):
    # weights 10 (execution) + 50 + 30 + 10 = 100
    return [ind("≥100", "100", 50, 50, row=12), ind("≥10", "9", 30, 27, row=13),
            ind("≥90%", "95%", 10, 10, row=14), *extra]


def test_total_plain_sum(pack):
    # execution 95/100*10 = 9.5; indicators 50 + 9/10*30=27 + 10 -> 96.5
    result = score_submission(sub(_full_form(), spent=95.0, exec_self=9.5), pack)
    assert result.total == 96.5
    assert result.grade == "优"
    assert result.self_total == 96.5 and result.self_total_source == "各项自评得分合计"
    assert result.difference == 0.0
    assert not result.inflated


def test_total_with_weights_not_100_is_plain_sum(pack):
    # execution 10 + 50 + 27 + 10 + extra weight 5 full = 102 (no rescaling)
    extra = (ind("≥1", "1", 5, 5, row=15),)
    assert score_submission(sub(_full_form(extra)), pack).total == 102.0


def test_total_rescaled_for_not_applicable(pack):
    # applicable: exec 9 + 40 + 30/40*40=30 = 79; n/a weight 10 -> 79*100/90 = 87.777 -> 87.78
    inds = [ind("≥100", "100", 40, row=12), ind("≥40", "30", 40, row=13),
            ind("≥90%", "不适用", 10, row=14), ind("≥1", "1", 0, row=15)]
    result = score_submission(sub(inds, spent=90.0), pack)
    assert result.total == 87.78
    assert result.grade == "良"


def test_inflated_total(pack):
    # recomputed: exec 10 + 50 + 27 + 10 = 97... self total cell 99.5 -> diff 2.5 > 1
    result = score_submission(sub(_full_form(), total_self=99.5), pack)
    assert result.total == 97.0 and result.difference == 2.5
    x301 = [f for f in result.findings if f.code == "X301"]
    assert len(x301) == 1 and x301[0].severity is Severity.ERROR
    assert (x301[0].cell, x301[0].actual, x301[0].path) == ("G30", "99.5", "x.xlsx")
    assert result.inflated and result.self_total_source == "总分得分单元格"


def test_difference_at_tolerance_is_not_inflated(pack):
    result = score_submission(sub(_full_form(), total_self=98.0), pack)  # 98 - 97 = 1.0 = tolerance
    assert result.difference == 1.0 and not result.inflated


def test_unused_template_row_is_ignored(pack):
    blank = ind(None, None, None, row=15, name=None)
    assert score_submission(sub(_full_form((blank,))), pack).total == 97.0


def test_missing_data_total_is_none(pack):
    result = score_submission(sub(_full_form((ind("≥1", None, 5, row=15),))), pack)
    assert result.total is None and result.grade is None and result.difference is None
    assert score_submission(sub(_full_form(), budget=0.0), pack).total is None


@pytest.mark.parametrize(("spent", "expected"), [
    (75.0, 89.0),  # exec 7.5 + 87 = 94.5; rate 75 % in [70, 80) -> cap 89
    (45.0, 59.0),  # exec 4.5 + 87 = 91.5; rate 45 % in [0, 50) -> cap 59
    (85.0, 95.5),  # exec 8.5 + 87 = 95.5; no cap at 85 %
])
def test_execution_caps(pack, spent, expected):
    capped = scoring(pack, execution_caps_enabled=True)
    assert score_submission(sub(_full_form(), spent=spent), capped).total == expected


def test_caps_off_by_default(pack):
    assert score_submission(sub(_full_form(), spent=75.0), pack).total == 94.5


def test_rule_selection_applies(pack):
    quiet = dataclasses.replace(pack, rules=dataclasses.replace(pack.rules, ignore=("X30",)))
    result = score_submission(sub(_full_form(), total_self=99.5), quiet)
    assert result.findings == ()
    # one indicator of 分值 10: the weights add up to 20, said by X317
    assert {(f.code, f.severity) for f in score_submission(sub([ind("≥95%", "92%", 10, 10)]), pack).findings} \
        == {("X305", Severity.ERROR), ("X317", Severity.WARNING)}  # X305: as S206 in pbm validate
    soft = dataclasses.replace(pack, rules=dataclasses.replace(pack.rules, severity={"X305": "warning"}))
    found = score_submission(sub([ind("≥95%", "92%", 10, 10)]), soft).findings
    assert {(f.code, f.severity) for f in found} == {("X305", Severity.WARNING), ("X317", Severity.WARNING)}


@pytest.mark.parametrize(("x", "decimals", "expected"), [
    (8.345, 2, 8.35), (2.675, 2, 2.68), (1.005, 2, 1.01), (0.125, 2, 0.13), (2.5, 0, 3.0),
    (-2.675, 2, -2.68), (9.684210526, 2, 9.68), (89.994999, 2, 89.99),
])
def test_round_half_up(x, decimals, expected):
    assert round_half_up(x, decimals) == expected
