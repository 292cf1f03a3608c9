"""One indicator's recomputed score: quantitative, qualitative (bands), deadlines."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model import (
    Finding,
    Indicator,
    IndicatorValue,
    ValueKind,
)
from ..values import (
    ACHIEVED,
    band_of,
    canonical_term,
    normalise_text,
    parse_date,
)
from .base import (
    EQUAL,
    NOT_APPLICABLE,
    POSITIVE,
    QUALITATIVE,
    IndicatorScore,
    _d,
    _finding,
    _indicator_ref,
    _label,
    _own,
    _round,
    fmt,
)
from .formulas import (
    _direction,
    _is_not_applicable,
    _mismatched,
    _overshoot,
    _parsed,
    _unit_note,
    equal,
    positive,
    reverse,
    unit_mismatch,
)

if TYPE_CHECKING:
    from ..config import RulePack



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
    from ..rules.common import close_enough  # the comparison S206 uses, so both agree

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
    assumed = float(high - low) if own is None else 0.0
    return IndicatorScore(ind, QUALITATIVE, float(rounded), formula, note, tuple(found), assumed)


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
    from ..rules.common import is_process

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
        return _insufficient(ind, method, "分值为空" if ind.weight is None else f"分值 {ind.weight} 不是有效的分数",
                             key="weight")
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
        return _insufficient(ind, method, why, key="target")  # at the 指标值 cell, not the 完成值
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
