"""The quantitative formulas of domain.md §2 (positive, equal, reverse), reading a value's
direction, unit mismatches and over-achievement."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model import (
    Finding,
    Indicator,
    IndicatorValue,
    ValueKind,
)
from ..values import (
    normalise_text,
    parse_value,
)
from .base import (
    _CJK_TERM,
    EQUAL,
    POSITIVE,
    IndicatorScore,
    _d,
    _finding,
    _indicator_ref,
    _label,
    _round,
    fmt,
)

if TYPE_CHECKING:
    from ..config import RulePack



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
