"""Scoring of self-evaluations (项目支出绩效自评表): each formula once, pure.

Rules (domain.md "pbm defaults" and §2); every number comes from the RulePack:

* execution: rate = 全年执行数 / 全年预算数 (年度资金总额 row; 年初预算数 when
  全年预算数 is missing, with a note); score = min(rate, 1) × 分值, the rate
  unrounded.  Budget 0 or missing → score None (data insufficient).
* positive (≥ >): B ≥ A → full; else B/A × 分值.  ">" counts the boundary as met.
* equal (=): A = 0: B ≤ 0 full else 0; A > 0: as positive.
* reverse (≤ <): B ≤ A → full; else ``ratio`` A/B × 分值 or ``linear_penalty``
  (1 - (B-A)/A) × 分值 (0 at B ≥ 2A).  "<" counts the boundary as met.  A = 0:
  B ≤ 0 full else 0.
* a target without operator is read as ≥ (as 达到), or as = when it is 0.
* qualitative: the completion string gives the band 达成 [hi, 100] %, 部分达成
  [lo, hi) %, 未达成 [0, lo) % of 分值; the recomputed score is the self-score
  clamped to the band (edges closed); no self-score → the band's lower edge
  (conservative).  A completion text that maps to no band keeps the self-score
  (clamped to [0, 分值]) with a warning.
* 不适用 indicators are excluded and the rest rescaled to 100.
* each part is rounded half-up to ``decimals``; total = sum of the rounded parts.
* a missing value never scores 0 or full: the part is None and the total is None
  (data insufficient, finding X307).

All arithmetic runs on Decimal built from ``repr`` of the floats, so 8.345
rounds to 8.35 and 2.675 to 2.68.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

from .model import (
    EMPTY,
    FUND_PARTS,
    CellRef,
    Field,
    Finding,
    Indicator,
    IndicatorValue,
    Submission,
    ValueKind,
)
from .values import (
    ACHIEVED,
    band_of,
    canonical_term,
    normalise_text,
    parse_date,
    parse_number,
    parse_value,
)

if TYPE_CHECKING:
    from .config import RulePack


_CJK_TERM = re.compile(r"[\u4e00-\u9fff]")

POSITIVE, REVERSE, EQUAL, QUALITATIVE, NOT_APPLICABLE = (
    "positive", "reverse", "equal", "qualitative", "not_applicable")
METHOD_LABELS = {POSITIVE: "正向", REVERSE: "反向", EQUAL: "等于", QUALITATIVE: "定性",
                 NOT_APPLICABLE: "不适用"}
BAND_LABELS = {"high": "达成", "mid": "部分达成", "low": "未达成"}


# --- numbers ---------------------------------------------------------------------------------

def _d(x: float | int | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(repr(float(x)))


def _round(x: Decimal, decimals: int) -> Decimal:
    if not x.is_finite():
        return x
    with localcontext() as ctx:  # room for every digit of a huge number
        ctx.prec = max(ctx.prec, x.adjusted() + decimals + 2)
        return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_half_up(x: float, decimals: int) -> float:
    """Round half away from zero on the decimal digits as written: 8.345 → 8.35, 2.675 → 2.68."""
    return float(_round(_d(x), decimals))


def fmt(x: float | Decimal | None) -> str:
    """A number for messages and formulas: at most 4 decimals, no trailing zeros."""
    if x is None:
        return "—"
    d = _round(_d(x), 4).normalize()
    return format(d, "f")


# --- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's recomputed score (None = not scorable: data insufficient or 不适用)."""

    indicator: Indicator
    method: str  # positive | reverse | equal | qualitative | not_applicable
    score: float | None
    formula: str
    note: str = ""
    findings: tuple[Finding, ...] = ()

    @property
    def weight(self) -> float | None:
        return self.indicator.weight

    @property
    def self_score(self) -> float | None:
        return _own(self.indicator)

    @property
    def applicable(self) -> bool:
        return self.method != NOT_APPLICABLE


@dataclass(frozen=True)
class ExecutionScore:
    """预算执行率: budget and spent in 万元, rate in percent (unrounded)."""

    budget: float | None
    spent: float | None
    rate: float | None
    points: float
    score: float | None
    formula: str
    note: str = ""
    self_score: float | None = None
    ref: CellRef | None = None  # the execution 得分 cell (or the row's first cell found)
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class ScoreResult:
    """A self-evaluation rescored; ``total`` None means data insufficient."""

    submission: Submission
    execution: ExecutionScore
    indicators: tuple[IndicatorScore, ...]
    total: float | None
    self_total: float | None
    difference: float | None
    grade: str | None
    self_grade: str | None
    findings: tuple[Finding, ...]
    self_total_source: str = ""  # "总分得分单元格" | "各项自评得分合计" | ""
    notes: tuple[str, ...] = ()

    @property
    def inflated(self) -> bool:
        return any(f.code == "X301" for f in self.findings)


# --- findings --------------------------------------------------------------------------------

def _finding(code: str, message: str, ref: CellRef | None, *, expected: object = None,
             actual: object = None) -> Finding:
    """An X3xx finding, phrased and graded by the rules registry (the detail is the reason)."""
    from .rules import finding_for

    return finding_for(code, sheet=ref.sheet if ref else None, cell=ref.cell if ref else None,
                       detail=message, expected=None if expected is None else str(expected),
                       actual=None if actual is None else str(actual))


def select_findings(findings: Iterable[Finding], pack: RulePack, path: str = "") -> list[Finding]:
    """Apply the pack's rule selection and severity overrides (the registry's, as for every
    other finding); set the path."""
    from .rules import graded

    out = [dataclasses.replace(graded(f, pack), path=path or f.path) for f in findings
           if pack.rules.enabled(f.code)]
    return sorted(out, key=Finding.sort_key)


def _indicator_ref(ind: Indicator, *keys: str) -> CellRef | None:
    for key in (*keys, "score", "actual", "target", "name"):
        ref = ind.get(key).ref
        if ref is not None:
            return ref
    return None


def _own(ind: Indicator) -> float | None:
    """The indicator's self-score (得分) when it is a finite number."""
    own = ind.score
    return own if own is not None and math.isfinite(own) else None


def _label(ind: Indicator) -> str:
    return f"指标「{ind.name or '（未命名）'}」"


# --- indicator values --------------------------------------------------------------------------

def _parsed(ind: Indicator, key: str, stored: IndicatorValue | None) -> IndicatorValue:
    """The parsed value the reader stored, or parse the cell now (hand-built indicators)."""
    fld = ind.get(key)
    if stored is not None and (stored.kind is not ValueKind.EMPTY or fld.blank):
        return stored
    unit = ind.get("unit").value
    nature = ind.get("nature").value
    return parse_value(fld, unit_hint=str(unit) if unit else None,
                       operator_hint=str(nature) if nature else None)


def _is_not_applicable(ind: Indicator, pack: RulePack, *values: IndicatorValue) -> bool:
    if ind.not_applicable:
        return True
    texts = [normalise_text(v.text).lower() for v in values if v.text]
    for term in pack.scoring.not_applicable_terms:
        key = normalise_text(term).lower()
        # Chinese terms also inside a sentence ("本年度不适用"); "N/A" only as the whole cell
        if any(key == t or (_CJK_TERM.search(key) and key in t) for t in texts):
            return True
    return False


def _direction(target: IndicatorValue) -> tuple[str, str]:
    """(method, note) from the target's operator; no operator → ≥ (or = for 0)."""
    op = target.operator
    if op is None:
        if target.number == 0:
            return EQUAL, "目标值未写比较符号且为 0，按“=0”计分"
        return POSITIVE, "目标值未写比较符号，按正向指标（≥）计分"
    return op.direction, ""


# --- quantitative formulas ---------------------------------------------------------------------

@dataclass(frozen=True)
class _Calc:
    """A raw (unrounded) score and its formula; ``{result}`` is filled with the rounded score."""

    score: Decimal
    formula: str


def _full(a: Decimal, b: Decimal, w: Decimal, rel: str) -> _Calc:
    return _Calc(w, f"实际值 {fmt(b)} {rel} 目标值 {fmt(a)}，得满分 {fmt(w)}")


def positive(a: Decimal, b: Decimal, w: Decimal) -> _Calc:
    """B ≥ A → full; else B/A × w (0 when A ≤ 0 or B < 0)."""
    if b >= a:
        return _full(a, b, w, "≥")
    if a <= 0 or b <= 0:
        return _Calc(Decimal(0), f"实际值 {fmt(b)} 未达到目标值 {fmt(a)}，得 0 分")
    return _Calc(b / a * w, f"实际值 {fmt(b)} ÷ 目标值 {fmt(a)} × 分值 {fmt(w)} = {{result}}")


def equal(a: Decimal, b: Decimal, w: Decimal) -> _Calc:
    """A = 0: B ≤ 0 full else 0; otherwise as positive."""
    if a == 0:
        if b <= 0:
            return _full(a, b, w, "≤")
        return _Calc(Decimal(0), f"目标值为 0，实际值 {fmt(b)} > 0，得 0 分")
    return positive(a, b, w)


def reverse(a: Decimal, b: Decimal, w: Decimal, mode: str) -> _Calc:
    """B ≤ A → full; else ratio A/B × w or linear (1 - (B-A)/A) × w, 0 at B ≥ 2A."""
    if b <= a:
        return _full(a, b, w, "≤")
    if a <= 0:
        return _Calc(Decimal(0), f"目标值为 {fmt(a)}，实际值 {fmt(b)} 超出，得 0 分")
    if mode == "linear_penalty":
        if b >= 2 * a:
            return _Calc(Decimal(0), f"实际值 {fmt(b)} ≥ 目标值 {fmt(a)} 的 2 倍，得 0 分")
        return _Calc((1 - (b - a) / a) * w,
                     f"(1 - (实际值 {fmt(b)} - 目标值 {fmt(a)}) ÷ 目标值 {fmt(a)}) × 分值 {fmt(w)} = {{result}}")
    return _Calc(a / b * w, f"目标值 {fmt(a)} ÷ 实际值 {fmt(b)} × 分值 {fmt(w)} = {{result}}")


def _unit_note(target: IndicatorValue, actual: IndicatorValue) -> str:
    if target.unit and actual.unit and target.unit != actual.unit:
        return f"目标值单位「{target.unit}」与实际值单位「{actual.unit}」不一致，仅按数值计分"
    a, b = target.number or 0.0, actual.number or 0.0
    if target.is_percent and actual.unit in ("%", None) and a > 1 and 0 < b <= 1:
        # never rescaled silently: 0.96 against ≥95% is most likely 96% typed as a fraction
        return f"实际值 {fmt(b)} 可能是以小数填写的百分比（即 {fmt(_d(b) * 100)}%），请核对"
    return ""


@dataclass(frozen=True)
class UnitMismatch:
    """A percentage compared with a unitless number ≤ scoring.fraction_max: 0.93 against 95%,
    or a target typed as 1 (or =100%) against 98%.  Never rescaled by guess: not scored."""

    key: str  # "target" | "actual": the cell that is probably mistyped
    message: str  # Chinese, without the indicator name


def _stated_unit(ind: Indicator, key: str, value: IndicatorValue) -> str | None:
    """The unit the cell itself states (or the 度量单位 column), not one borrowed from the
    other value of the row."""
    if not ind.get("unit").blank:
        return value.unit
    fld = ind.get(key)
    if fld.percent:
        return "%"
    if isinstance(fld.value, str):
        return parse_value(fld.value).unit
    return None


def unit_mismatch(ind: Indicator, pack: RulePack) -> UnitMismatch | None:
    """The row's target and actual disagree on %: one is a percentage, the other a bare
    number in (0, fraction_max] (domain: never guess ×100)."""
    target, actual = _parsed(ind, "target", ind.target), _parsed(ind, "actual", ind.actual)
    quantitative = target.kind is actual.kind is ValueKind.QUANTITATIVE
    if not quantitative or target.number is None or actual.number is None:
        return None
    a, b, top = _d(target.number), _d(actual.number), _d(pack.scoring.fraction_max)
    t_unit, a_unit = _stated_unit(ind, "target", target), _stated_unit(ind, "actual", actual)
    if t_unit == "%" and a_unit is None and 0 < b <= top:
        return UnitMismatch("actual", f"实际完成值 {fmt(b)} 与目标值 {fmt(a)}% 单位不一致：若为 {fmt(b * 100)}%，"
                                      f"请填写 {fmt(b * 100)}% 或设置百分比格式")
    if a_unit == "%" and t_unit is None and 0 < a <= top:
        return UnitMismatch("target", f"目标值 {fmt(a)} 与实际值 {fmt(b)}% 单位不一致，可能是把 {fmt(a * 100)}% "
                                      f"输成了 {fmt(a)} 或公式，请核对")
    return None


def _mismatched(ind: Indicator, method: str, mismatch: UnitMismatch) -> IndicatorScore:
    ref = _indicator_ref(ind, mismatch.key)
    finding = _finding("X310", f"{_label(ind)}{mismatch.message}；该项暂不计分", ref,
                       expected="目标值与实际值单位一致", actual="单位不一致")
    return IndicatorScore(ind, method, None, "单位不一致，未计分", mismatch.message, (finding,))


def _overshoot(ind: Indicator, a: Decimal, b: Decimal, pack: RulePack) -> tuple[Decimal, list[Finding]]:
    """B/A ≥ overshoot_ratio on a positive indicator: warning, optional deduction."""
    ratio = _d(pack.scoring.overshoot_ratio)
    if a <= 0 or b / a < ratio:
        return Decimal(0), []
    msg = (f"{_label(ind)}实际值 {fmt(b)} 是目标值 {fmt(a)} 的 {fmt(_round(b / a, 2))} 倍"
           f"（≥ {fmt(ratio)} 倍），指标值设定偏低；请说明原因，下年度合理设定目标值")
    ref = _indicator_ref(ind, "target")
    finding = _finding("X302", msg, ref, expected=f"实际值/目标值 < {fmt(ratio)}",
                       actual=fmt(_round(b / a, 2)))
    return _d(pack.scoring.overshoot_deduction), [finding]


# --- indicator scoring -------------------------------------------------------------------------

def _insufficient(ind: Indicator, method: str, why: str, formula: str = "", *,
                  key: str = "actual") -> IndicatorScore:
    ref = _indicator_ref(ind, key)
    finding = _finding("X307", f"{_label(ind)}{why}，无法复核该项得分", ref, expected="可计分的数据",
                       actual="数据不足")
    return IndicatorScore(ind, method, None, formula or "数据不足，未计分", why, (finding,))


def _score_quantitative(ind: Indicator, target: IndicatorValue, actual: IndicatorValue,
                        w: Decimal, pack: RulePack) -> IndicatorScore:
    method, note = _direction(target)
    a, b = _d(target.number or 0.0), _d(actual.number or 0.0)
    if method == POSITIVE:
        calc = positive(a, b, w)
    elif method == EQUAL:
        calc = equal(a, b, w)
    else:
        calc = reverse(a, b, w, pack.scoring.reverse_mode)
    score = _round(min(calc.score, w), pack.scoring.decimals)
    formula = calc.formula.format(result=fmt(score))
    found: list[Finding] = []
    if method == POSITIVE:
        deduction, found = _overshoot(ind, a, b, pack)
        if deduction > 0:
            score = max(Decimal(0), score - _round(deduction, pack.scoring.decimals))
            formula += f"；实际值远超目标值，扣 {fmt(deduction)} 分，得 {fmt(score)}"
    rounded = score
    notes = "；".join(n for n in (note, _unit_note(target, actual)) if n)
    found += _self_score_check(ind, rounded, formula, pack)
    return IndicatorScore(ind, method, float(rounded), formula, notes, tuple(found))


def _self_score_check(ind: Indicator, score: Decimal, formula: str, pack: RulePack) -> list[Finding]:
    from .rules.common import close_enough  # the comparison S206 uses, so both agree

    own = _own(ind)
    if own is None or close_enough(own, float(score), pack.scoring.score_tolerance, pack.scoring.decimals, 1):
        return []
    if own < score:
        msg = (f"{_label(ind)}自评得分 {fmt(own)} 低于按公式计算的 {fmt(score)}（{formula}），"
               f"如有扣分理由请在偏差原因中写明")
        return [_finding("X316", msg, _indicator_ref(ind, "score"), expected=fmt(score), actual=fmt(own))]
    msg = f"{_label(ind)}自评得分 {fmt(own)} 与按公式复核的得分 {fmt(score)} 不一致（{formula}），请按复核得分修改"
    return [_finding("X305", msg, _indicator_ref(ind, "score"), expected=fmt(score), actual=fmt(own))]


def _band(kind: str, w: Decimal, pack: RulePack) -> tuple[Decimal, Decimal]:
    hi, lo = (_d(x) / 100 * w for x in pack.scoring.qualitative_bands)
    return {"high": (hi, w), "mid": (lo, hi), "low": (Decimal(0), lo)}[kind]


def _on_time(target: IndicatorValue, actual: IndicatorValue) -> bool | None:
    """A deadline target and a date actual: met (True), late (False), or not comparable (None)."""
    due, done = parse_date(target.text), parse_date(actual.text)
    if due is None or done is None:
        return None
    if due[0] is None or done[0] is None:
        return done[1:] <= due[1:]
    return done <= due


def _as_achieved(ind: Indicator, actual: IndicatorValue, w: Decimal, pack: RulePack,
                 why: str) -> IndicatorScore:
    """Score in the 达成年度指标 band although the text is not that string (X303 says why)."""
    note = f"{why}，按「{ACHIEVED}」计分"
    return _score_qualitative(ind, dataclasses.replace(actual, term=ACHIEVED), w, pack, note)


def _score_deadline(ind: Indicator, target: IndicatorValue, actual: IndicatorValue, w: Decimal,
                    pack: RulePack) -> IndicatorScore:
    """时效: a date before the deadline counts as 达成年度指标; a late date keeps the self-score."""
    if _on_time(target, actual):
        return _as_achieved(ind, actual, w, pack, f"完成时间「{actual.text}」未超过时限「{target.text}」")
    note = f"完成时间「{actual.text}」晚于时限「{target.text}」"
    return _unbanded(ind, actual, w, pack, note)


def _score_qualitative(ind: Indicator, actual: IndicatorValue, w: Decimal,
                       pack: RulePack, note: str = "") -> IndicatorScore:
    term, via_synonym = canonical_term(actual.term or actual.text, pack)
    # a term the caller set (a deadline met) is reported like a synonym: the text is not the term
    via_synonym = via_synonym or normalise_text(actual.text) != normalise_text(term or actual.text)
    kind = band_of(term)
    if kind is None:
        return _unbanded(ind, actual, w, pack, note)
    low, high = _band(kind, w, pack)
    found: list[Finding] = []
    if via_synonym:
        found.append(_finding("X303", f"{_label(ind)}完成情况「{actual.text}」按「{term}」计分",
                              _indicator_ref(ind, "actual"), expected=term, actual=actual.text))
    band_text = f"完成情况「{term}」，得分区间 [{fmt(low)}, {fmt(high)}]"
    own = _own(ind)
    if own is None:
        found.append(_finding("X308", f"{_label(ind)}未填自评得分，按「{term}」档次下限 {fmt(low)} 计分",
                              _indicator_ref(ind, "score"), expected=f"{fmt(low)}～{fmt(high)}", actual="空"))
        score, formula = low, f"{band_text}；未填自评得分，取下限 {fmt(low)}"
    else:
        score = min(max(_d(own), low), high)
        formula = f"{band_text}；自评 {fmt(own)}" + ("" if score == _d(own) else f" 超出区间，取 {fmt(score)}")
        found += _band_check(ind, term or "", kind, _d(own), low, high, pack)
    rounded = _round(score, pack.scoring.decimals)
    return IndicatorScore(ind, QUALITATIVE, float(rounded), formula, note, tuple(found))


def _band_check(ind: Indicator, term: str, kind: str, own: Decimal, low: Decimal, high: Decimal,
                pack: RulePack) -> list[Finding]:
    """The self-score must lie in its band: [low, high] for 达成, [low, high) otherwise."""
    tol = _d(pack.scoring.score_tolerance)
    inside = low - tol <= own <= high + tol if kind == "high" else low - tol <= own < high
    if inside:
        return []
    right = "]" if kind == "high" else ")"
    expected = f"[{fmt(low)}, {fmt(high)}{right}"
    msg = f"{_label(ind)}完成情况为「{term}」，自评得分 {fmt(own)} 不在该档次的得分区间 {expected} 内"
    return [_finding("X304", msg, _indicator_ref(ind, "score"), expected=expected, actual=fmt(own))]


def _unbanded(ind: Indicator, actual: IndicatorValue, w: Decimal, pack: RulePack,
              note: str) -> IndicatorScore:
    """A completion text that maps to no band: keep the self-score, clamped, with a warning."""
    own = _own(ind)
    if own is None:
        return _insufficient(ind, QUALITATIVE, f"完成情况「{actual.text or '空'}」无法归入三档完成情况，且未填自评得分")
    score = _round(min(max(_d(own), Decimal(0)), w), pack.scoring.decimals)
    msg = (f"{_label(ind)}完成情况「{actual.text}」不是规定的三档表述（达成年度指标 / 部分达成年度指标并具有一定效果 / "
           f"未达成年度指标且效果较差），无法核对档次，暂按自评得分 {fmt(score)} 计")
    finding = _finding("X306", msg, _indicator_ref(ind, "actual"), expected="三档完成情况之一",
                       actual=actual.text)
    formula = f"完成情况「{actual.text}」无法归档，沿用自评得分 {fmt(score)}"
    return IndicatorScore(ind, QUALITATIVE, float(score), formula, note or "无法归档，沿用自评得分", (finding,))


_SCORED_CELLS = (("target", "年度指标值"), ("actual", "实际完成值"), ("weight", "分值"))


def _uncached_cell(ind: Indicator, method: str) -> IndicatorScore | None:
    """A formula without a saved value in a cell the score needs: say so at that cell."""
    for key, what in _SCORED_CELLS:
        if ind.get(key).formula_uncached:
            why = f"{what}是公式但文件中没有保存计算结果（请用 Excel/WPS 打开、重新计算并保存）"
            return _insufficient(ind, method, why, key=key)
    return None


# Several rules ask for the same indicator's score while checking one form; the
# result depends only on (indicator, pack), both immutable, so it is kept by
# identity (holding the objects, so an id is never reused while cached).
_MEMO: dict[int, tuple[Indicator, RulePack, IndicatorScore]] = {}
_MEMO_MAX = 4096


def score_indicator(ind: Indicator, pack: RulePack) -> IndicatorScore:
    """Recompute one indicator's score from its target, actual value and 分值."""
    hit = _MEMO.get(id(ind))
    if hit is not None and hit[0] is ind and hit[1] is pack:
        return hit[2]
    result = _score_indicator(ind, pack)
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[id(ind)] = (ind, pack, result)
    return result


_DATE_UNITS = ("月", "月份", "日", "号", "年")


def _score_indicator(ind: Indicator, pack: RulePack) -> IndicatorScore:
    from .rules.common import is_process

    if is_process(ind, pack) and ind.weight is not None and _own(ind) is not None:
        own = min(max(_d(_own(ind) or 0.0), Decimal(0)), _d(ind.weight))
        return IndicatorScore(ind, QUALITATIVE, float(_round(own, pack.scoring.decimals)),
                              f"过程指标（决策、管理），沿用自评得分 {fmt(own)}", "过程指标")
    target = _parsed(ind, "target", ind.target)
    actual = _parsed(ind, "actual", ind.actual)
    if _is_not_applicable(ind, pack, target, actual):
        return IndicatorScore(ind, NOT_APPLICABLE, None, "不适用，不计分，其余指标折算为百分制", "不适用")
    quantitative = target.kind is ValueKind.QUANTITATIVE
    method = _direction(target)[0] if quantitative else QUALITATIVE
    if (uncached := _uncached_cell(ind, method)) is not None:
        return uncached
    if ind.weight is None or not 0 <= ind.weight < math.inf:
        return _insufficient(ind, method, "分值为空" if ind.weight is None else f"分值 {ind.weight} 不是有效的分数")
    w = _d(ind.weight)
    if actual.kind is ValueKind.EMPTY:
        return _insufficient(ind, method, "实际完成值为空")
    if actual.kind is ValueKind.UNPARSEABLE:
        return _insufficient(ind, method, f"实际完成值无法识别（{actual.reason}）")
    if quantitative and actual.kind is ValueKind.QUANTITATIVE:
        if (mismatch := unit_mismatch(ind, pack)) is not None:
            return _mismatched(ind, method, mismatch)
        return _score_quantitative(ind, target, actual, w, pack)
    if quantitative:  # numeric target, completion text as actual
        return _score_qualitative(ind, actual, w, pack, "目标为定量值而实际完成值为文字，按定性三档计分")
    if target.kind in (ValueKind.EMPTY, ValueKind.UNPARSEABLE) and actual.kind is ValueKind.QUANTITATIVE:
        why = "年度指标值为空" if target.kind is ValueKind.EMPTY else f"年度指标值无法识别（{target.reason}）"
        return _insufficient(ind, method, why)
    if actual.kind is ValueKind.QUANTITATIVE and actual.unit in _DATE_UNITS and _on_time(target, actual) is not None:
        return _score_deadline(ind, target, actual, w, pack)  # "11月底前" and "10月": a date, not a count
    if actual.kind is ValueKind.QUANTITATIVE:
        return _unbanded(ind, actual, w, pack, "目标为定性表述而实际完成值为数值，无法比较")
    if _on_time(target, actual) is not None:
        return _score_deadline(ind, target, actual, w, pack)
    if canonical_term(actual.text, pack)[0] is None and normalise_text(actual.text) == normalise_text(target.text):
        # the actual repeats the qualitative target ("应保尽保" / "应保尽保"): the target was met
        return _as_achieved(ind, actual, w, pack, f"实际完成情况与年度指标值「{target.text}」一致")
    return _score_qualitative(ind, actual, w, pack)


# --- execution ---------------------------------------------------------------------------------

_AMOUNTS = ("initial", "budget", "spent")


def money_rows(sub: Submission) -> tuple[str, ...]:
    """The funding rows that hold the money when the 年度资金总额 row does not: its amounts
    are all 0 or blank while rows under it (其中：财政拨款 …) are not.  Empty otherwise."""
    total = sub.funds.get("annual", {}).get("total", {})
    if any(parse_number(total.get(c, EMPTY)) for c in _AMOUNTS):
        return ()
    parts = sub.funds.get("annual", {})
    return tuple(p for p in FUND_PARTS if any(parse_number(parts.get(p, {}).get(c, EMPTY)) for c in _AMOUNTS))


def _fund_number(sub: Submission, col: str) -> tuple[float | None, Field]:
    """An amount of the 年度资金总额 row; when that row is all zeros but its parts hold the
    money, the sum of the parts (the total row's cell stays the reference)."""
    fld = sub.fund("annual", "total", col)
    rows = money_rows(sub) if col in _AMOUNTS else ()
    if not rows:
        return parse_number(fld), fld
    values = [parse_number(sub.fund("annual", r, col)) for r in rows]
    if all(v is None for v in values):
        return parse_number(fld), fld
    return float(sum((_d(v) for v in values if v is not None), Decimal(0))), fld


_INITIAL_USED = "全年预算数未填，按年初预算数计算执行率"


def _budget(sub: Submission) -> tuple[float | None, Field, list[Finding]]:
    """全年预算数, or 年初预算数 with an X309 note when 全年预算数 is empty."""
    budget, bfield = _fund_number(sub, "budget")
    if budget is not None:
        return budget, bfield, []
    initial, ifield = _fund_number(sub, "initial")
    if initial is None:
        return None, bfield, []
    return initial, ifield, [_finding("X309", _INITIAL_USED, bfield.ref or ifield.ref,
                                      expected="全年预算数", actual="空")]


def _consistent(own: float, score: Decimal, pack: RulePack) -> bool:
    """A self-score agrees with the recomputed one at the precision it is written in (S202's test)."""
    from .rules.common import close_enough

    return close_enough(own, float(score), pack.scoring.score_tolerance, pack.scoring.decimals, 1)


def score_execution(sub: Submission, pack: RulePack) -> ExecutionScore:
    """预算执行率 score: min(全年执行数 / 全年预算数, 1) × 分值 (rate not rounded first)."""
    budget, bfield, found = _budget(sub)
    spent, sfield = _fund_number(sub, "spent")
    points_cell, _ = _fund_number(sub, "weight")
    points = points_cell if points_cell is not None else pack.scoring.execution_points
    own, ofield = _fund_number(sub, "score")
    ref = ofield.ref or sfield.ref or bfield.ref
    note = _INITIAL_USED if found else ""
    if budget is None or budget == 0 or spent is None:
        why = ("全年预算数为 0" if budget == 0 else
               "全年预算数为空" if budget is None else "全年执行数为空")
        found.append(_finding("X307", f"预算执行率：{why}，无法计算执行率得分", ref,
                              expected="全年预算数 > 0 且全年执行数已填", actual="数据不足"))
        return ExecutionScore(budget, spent, None, points, None, "数据不足，未计分",
                              "；".join(n for n in (note, why) if n), own, ref, tuple(found))
    rate = _d(spent) / _d(budget)
    score = _round(max(min(rate, Decimal(1)), Decimal(0)) * _d(points), pack.scoring.decimals)
    formula = (f"执行率 = 全年执行数 {fmt(spent)} ÷ 全年预算数 {fmt(budget)} = {fmt(rate * 100)}%；"
               f"得分 = min(执行率, 100%) × 分值 {fmt(points)} = {fmt(score)}")
    if own is not None and not _consistent(own, score, pack):
        lower = _d(own) < score
        found.append(_finding("X316" if lower else "X305",
                              f"预算执行率自评得分 {fmt(own)} {'低于' if lower else '与'}复核得分 {fmt(score)}"
                              f"{'' if lower else ' 不一致'}（{formula}），"
                              f"{'如有扣分理由请写明' if lower else '请按复核得分修改'}",
                              ofield.ref, expected=fmt(score), actual=fmt(own)))
    return ExecutionScore(budget, spent, float(rate * 100), points, float(score), formula, note,
                          own, ref, tuple(found))


# --- the whole form ----------------------------------------------------------------------------

def _sum(values: Iterable[float]) -> Decimal:
    return sum((_d(v) for v in values), Decimal(0))


def _rescale(parts: Decimal, na_weight: Decimal, decimals: int) -> tuple[Decimal | None, str]:
    if na_weight <= 0:
        return parts, ""
    if na_weight >= 100:
        return None, "不适用指标的分值合计达到 100，无法折算"
    total = _round(parts * 100 / (100 - na_weight), decimals)
    return total, f"有 {fmt(na_weight)} 分的指标不适用，总分 = {fmt(parts)} × 100 ÷ (100 - {fmt(na_weight)}) = {fmt(total)}"


def _cap(total: Decimal, rate: float | None, pack: RulePack) -> tuple[Decimal, str]:
    """Execution caps on the total (off unless pack.scoring.execution_caps_enabled)."""
    if not pack.scoring.execution_caps_enabled or rate is None:
        return total, ""
    caps = [cap for lo, hi, cap in pack.scoring.execution_caps if lo <= rate < hi]
    if not caps or total <= _d(min(caps)):
        return total, ""
    cap = _d(min(caps))
    return cap, f"预算执行率 {fmt(rate)}% 对应总分上限 {fmt(cap)}，总分由 {fmt(total)} 降为 {fmt(cap)}"


_UNCACHED = "得分单元格是没有缓存值的公式，无法读取自评总分（请在 Excel/WPS 中打开并保存后重新报送）"


def _self_total(sub: Submission, execution: ExecutionScore,
                scores: Sequence[IndicatorScore]) -> tuple[Decimal | None, str, CellRef | None]:
    cell = sub.totals.get("score")
    number = parse_number(cell) if cell is not None else None
    if number is not None:
        return _d(number), "总分得分单元格", cell.ref if cell else None
    uncached = [f for f in (cell, sub.fund("annual", "total", "score"),
                            *(s.indicator.get("score") for s in scores)) if f is not None and f.formula_uncached]
    if uncached:  # a formula without cached value: the self total cannot be known, never guessed
        return None, _UNCACHED, uncached[0].ref
    own = [s.self_score for s in scores if s.self_score is not None]
    if execution.self_score is not None:
        own.append(execution.self_score)
    if not own or not _as_float(_sum(own)):
        return None, "", None
    return _sum(own), "各项自评得分合计", None


def _as_float(x: Decimal) -> bool:
    """The sum fits a float (absurd 分值 such as 1e308 twice do not)."""
    return math.isfinite(float(x))


def _recomputed_total(execution: ExecutionScore, scores: Sequence[IndicatorScore],
                      pack: RulePack) -> tuple[Decimal | None, list[str]]:
    applicable = [s for s in scores if s.applicable]
    if execution.score is None or any(s.score is None for s in applicable):
        return None, ["部分得分数据不足，未计算总分"]
    parts = _sum([execution.score, *(s.score for s in applicable if s.score is not None)])
    na_weight = _sum(s.weight or 0.0 for s in scores if not s.applicable)
    total, note = _rescale(parts, na_weight, pack.scoring.decimals)
    if total is not None and not _as_float(total):
        return None, ["各项得分之和超出可计算的范围（分值填写异常），未计算总分"]
    notes = [note] if note else []
    if total is not None:
        total, cap_note = _cap(total, execution.rate, pack)
        notes += [cap_note] if cap_note else []
    return total, notes


def _inflation(sub: Submission, total: Decimal, self_total: Decimal, source: str,
               ref: CellRef | None, pack: RulePack) -> list[Finding]:
    diff = self_total - total
    tol = _d(pack.scoring.inflation_tolerance)
    if diff <= tol:
        return []
    where = "总分得分" if source == "总分得分单元格" else "各项自评得分合计"
    msg = (f"{where} {fmt(self_total)} 比按规则复核的总分 {fmt(total)} 高 {fmt(diff)} 分，"
           f"超过允许误差 {fmt(tol)} 分（自评得分虚高）；请逐项核对得分，按复核结果修改")
    return [_finding("X301", msg, ref, expected=f"≤ {fmt(total + tol)}", actual=fmt(self_total))]


def _on_sheet(findings: Iterable[Finding], sheet: str) -> list[Finding]:
    """Findings without a cell still name the form's sheet."""
    return [f if f.sheet or not sheet else dataclasses.replace(f, sheet=sheet) for f in findings]


def _empty_row(ind: Indicator) -> bool:
    """A template row left unused (only 一级/二级 written): not an indicator, not scored."""
    return all(ind.get(k).blank for k in ("name", "target", "actual", "weight", "score"))


def _weights_note(sub: Submission, execution: ExecutionScore, scores: Sequence[IndicatorScore],
                  total: Decimal | None, pack: RulePack) -> list[Finding]:
    """X317: the 分值 do not add up to 100, so the total (and its grade) is on another scale."""
    if total is None:
        return []
    weights = _sum([execution.points, *(s.indicator.weight or 0.0 for s in scores)])
    if abs(weights - 100) <= _d(pack.weights.tolerance):
        return []
    ref = sub.totals.get("weight", EMPTY).ref or execution.ref
    return [_finding("X317", f"各项分值（含预算执行率）合计 {fmt(weights)}，不是 100；总分 {fmt(total)} 按实际分值计算，"
                             "等级仅供参考（pbm validate 的 S203 指出应改正的分值）", ref,
                     expected="100", actual=fmt(weights))]


def _one_synonym_note(found: list[Finding]) -> list[Finding]:
    """X303 once per form: "达成预期指标" on eight rows is one remark, not eight."""
    synonyms = [f for f in found if f.code == "X303"]
    if len(synonyms) <= 1:
        return found
    texts = list(dict.fromkeys(f.actual or "" for f in synonyms))
    shown = "、".join(f"「{t}」" for t in texts[:3]) + ("等" if len(texts) > 3 else "")
    first = synonyms[0]
    ref = CellRef(first.sheet, first.cell) if first.sheet and first.cell else None
    note = _finding("X303", f"{len(synonyms)} 项定性指标的完成情况写作{shown}，不是三档标准表述，"
                            f"已视同对应档次计分（近义写法按词表归档，完成时间早于时限的视同达成）",
                    ref, expected=first.expected, actual="、".join(texts))
    return [note if f is first else f for f in found if f.code != "X303" or f is first]


def score_submission(sub: Submission, pack: RulePack) -> ScoreResult:
    """Score a self-evaluation: execution + indicators, rescaling, caps, grades, findings."""
    execution = score_execution(sub, pack)
    scores = tuple(score_indicator(ind, pack) for ind in sub.indicators
                   if ind.block == "annual" and not _empty_row(ind))
    unscored = next((i for i in sub.issues if i.kind == "no_score_columns"), None)
    if unscored is not None:  # S217 says it once; no "分值为空" on every row
        scores = tuple(dataclasses.replace(s, findings=()) for s in scores)
    total, notes = _recomputed_total(execution, scores, pack)
    if unscored is not None:
        notes = [unscored.detail]
    notes += [f"{i.ref}：{i.detail}" if i.ref else i.detail for i in sub.issues if i.kind == "amount_in_yuan"]
    self_total, source, ref = _self_total(sub, execution, scores)
    if source == _UNCACHED:
        notes.append(f"{ref}：{source}" if ref else source)
        source = ""
    found = _one_synonym_note([*execution.findings, *(f for s in scores for f in s.findings)])
    found += _weights_note(sub, execution, scores, total, pack)
    difference = None
    if total is not None and self_total is not None and _as_float(self_total - total):
        difference = float(_round(self_total - total, pack.scoring.decimals))
        found += _inflation(sub, total, self_total, source, ref, pack)
    grades = pack.grades
    total_f = None if total is None else float(total)
    self_f = None if self_total is None else float(self_total)
    return ScoreResult(
        submission=sub, execution=execution, indicators=scores, total=total_f, self_total=self_f,
        difference=difference, grade=grades.grade(total_f), self_grade=grades.grade(self_f),
        findings=tuple(select_findings(_on_sheet(found, sub.sheet), pack, sub.path)),
        self_total_source=source,
        notes=tuple(notes),
    )
