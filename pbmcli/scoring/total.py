"""The whole form: execution + indicators, rescaling, caps, grades, the inflation check."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model import (
    EMPTY,
    CellRef,
    Finding,
    Indicator,
    Submission,
)
from ..values import (
    parse_number,
)
from .base import (
    ExecutionScore,
    IndicatorScore,
    ScoreResult,
    _d,
    _finding,
    _round,
    fmt,
    select_findings,
)
from .execution import score_execution
from .indicator import score_indicator

if TYPE_CHECKING:
    from ..config import RulePack



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
    # a blank template's SUM (0, over self-scores that are blank or formulas giving 0) is no score
    nothing = all(not v for v in (execution.self_score, *(s.self_score for s in scores)))
    if number is not None and not (number == 0 and nothing):
        return _d(number), "总分得分单元格", cell.ref if cell else None
    uncached = [f for f in (cell, sub.fund("annual", "total", "score"),
                            *(s.indicator.get("score") for s in scores)) if f is not None and f.formula_uncached]
    if uncached:  # a formula without cached value: the self total cannot be known, never guessed
        return None, _UNCACHED, uncached[0].ref
    own = [s.self_score for s in scores if s.self_score is not None]
    if execution.self_score is not None:
        own.append(execution.self_score)
    if nothing or not _as_float(_sum(own)):
        return None, "", None
    # a sum of the self-scores written is the self total only when every scored item has one:
    # "10" for the execution alone is no self-evaluation of the indicators (数据不足, not 差)
    blank = [s for s in scores if s.applicable and s.self_score is None]
    if blank or (execution.self_score is None and execution.points > 0):
        first = blank[0].indicator.get("score").ref if blank else execution.ref
        count = len(blank) + (execution.self_score is None and execution.points > 0)
        return None, f"有 {count} 项自评得分未填写，无法合计自评总分（没有总分行）", first
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
    if self_total is None and source:  # why the self total is unknown: a note, not a source
        notes.append(f"{ref}：{source}" if ref else source)
        source = ""
    found = _one_synonym_note([*execution.findings, *(f for s in scores for f in s.findings)])
    found += _weights_note(sub, execution, scores, total, pack)
    difference = None
    if total is not None and self_total is not None and _as_float(self_total - total):
        difference = float(_round(self_total - total, pack.scoring.decimals))
        assumed = _sum(s.assumed for s in scores)  # the total could be this much higher
        found += _inflation(sub, total + assumed, self_total, source, ref, pack)
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
