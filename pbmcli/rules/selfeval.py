"""S2xx: self-evaluation rules (项目支出绩效自评表).

The formulas live in ``pbmcli.scoring`` (one implementation each); these rules
compare what the form says with what scoring computes, and check the form's
own arithmetic (sums, ranges, totals).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import (
    CellRef,
    Field,
    FormKind,
    Indicator,
    Severity,
    Submission,
    ValueKind,
    num_text,
)
from .common import (
    blank_state,
    close_enough,
    fmt_num,
    home_level1,
    ind_ref,
    is_blank_mark,
    is_not_applicable,
    is_placeholder,
    label,
    number_of,
    shown,
    target_value,
)
from .registry import Insufficient, NotApplicable, Outcome, hit, rule

if TYPE_CHECKING:
    from ..config import RulePack

SELF = (FormKind.SELFEVAL,)
QUANT = ("positive", "reverse", "equal")


def rows(sub: Submission, pack: RulePack) -> list[Indicator]:
    """Annual indicator rows that count (not 不适用)."""
    return [i for i in sub.indicators if i.block == "annual" and not is_not_applicable(i, pack)]


def exec_field(sub: Submission, col: str) -> Field:
    return sub.fund("annual", "total", col)


# --- funds -------------------------------------------------------------------------------------

def _rate_candidates(f: Field) -> list[float]:
    """What a written 执行率 may mean, in percent: 96 / "96%" / 0.96 (plain) / 96% format."""
    n = number_of(f)
    if n is None:
        return []
    if f.percent or (isinstance(f.value, str) and "%" in f.value.replace("％", "%")):
        return [n]
    return [n, n * 100] if abs(n) <= 1.5 else [n]


@rule(code="S201", name="execution-rate-mismatch", severity=Severity.ERROR, forms=SELF,
      message="{where}：执行率填写为 {actual}，按全年执行数 ÷ 全年预算数计算应为 {expected}。{fix}。")
def execution_rate_mismatch(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：年度资金总额行的执行率不等于 全年执行数 ÷ 全年预算数。
    原因：执行率是预算执行得分的依据，填错会直接影响总分。
    示例：全年预算数 100、全年执行数 90，执行率却填 95%。
    修正：按公式重新计算执行率。写成 96%、96 或 0.96（设为百分比格式）都可以，按表中显示的小数位比较，允许 0.01 个百分点的误差。执行率为 0 而预算数、执行数是以文字存放的数字（如“1,200”）时，提示把这两格改为数值。
    配置项：无（计算方法见 pbmcli.scoring.score_execution）。
    """
    from ..scoring import score_execution

    f = exec_field(sub, "rate")
    candidates = _rate_candidates(f)
    if not candidates:
        return  # blank: S213; text: F012
    ex = score_execution(sub, pack)
    rate = ex.rate
    if rate is None:
        yield _exec_insufficient(sub, ex)
        return
    best = min(candidates, key=lambda c: abs(c - rate))
    if not close_enough(best, rate, 0.01, 6):
        yield hit(f.ref, actual=shown(f), expected=f"{fmt_num(ex.rate, 2)}%", fix=_rate_fix(sub, best))


def _rate_fix(sub: Submission, written: float) -> str:
    """How to put it right; a rate of 0 beside amounts typed as text ("1,200") is a formula that
    took the text for 0: the amounts need to be numbers, the formula is fine."""
    texts = [f for f in (exec_field(sub, "budget"), exec_field(sub, "spent"))
             if isinstance(f.value, float) and f.text and f.text != num_text(f.value)]
    if written == 0 and texts:
        cells = "、".join(f"{f.ref.cell}「{f.text}」" for f in texts if f.ref is not None)
        return (f"{cells}是以文字存放的数字，表格中的执行率公式把它们当作 0；"
                "请把这些单元格改为数值（去掉千分位逗号或单位后重新输入），执行率会随之正确")
    return "请改正执行率（可用公式 =执行数/预算数）"


def _exec_insufficient(sub: Submission, ex: Any) -> Insufficient:
    """Point at the cell that is missing, so S213 / F012 / F005 there cover it."""
    budget, spent = exec_field(sub, "budget"), exec_field(sub, "spent")
    if ex.budget == 0:
        return Insufficient("全年预算数为 0，无法计算执行率", budget.ref)
    if ex.budget is None:
        return Insufficient("全年预算数未能读取，无法计算执行率", budget.ref or ex.ref)
    return Insufficient("全年执行数未能读取，无法计算执行率", spent.ref or ex.ref)


@rule(code="S202", name="execution-score-mismatch", severity=Severity.ERROR, forms=SELF,
      settings=("scoring.execution_points", "scoring.score_tolerance", "scoring.decimals"),
      message="{where}：预算执行率得分填写为 {actual}，按执行率（超过 100% 按 100% 计）× 分值 {points} 计算应为 {expected}。请改正得分。")
def execution_score_mismatch(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：预算执行率的得分高于 min(全年执行数 ÷ 全年预算数, 1) × 分值（低于的由 S219 提醒）。
    原因：执行率得分按统一公式计算（执行率不先四舍五入），得分填错会虚增或少计总分。
    示例：执行率 90%、分值 10，得分却填 10。
    修正：按公式重新计算，保留两位小数（四舍五入）。
    配置项：scoring.execution_points（执行率分值，表中未填分值时使用）；scoring.score_tolerance；scoring.decimals。
    """
    from ..scoring import score_execution

    f = exec_field(sub, "score")
    own = number_of(f)
    if own is None:
        return
    ex = score_execution(sub, pack)
    if ex.score is None:
        yield _exec_insufficient(sub, ex)
        return
    if in_range(own, ex.points) and own > ex.score and not close_enough(
            own, ex.score, pack.scoring.score_tolerance, pack.scoring.decimals, 1):
        yield hit(f.ref, actual=fmt_num(own), expected=fmt_num(ex.score, pack.scoring.decimals),
                  points=fmt_num(ex.points))


def in_range(own: float, weight: float | None) -> bool:
    return weight is None or -1e-9 <= own <= weight + 1e-9


# --- weights -----------------------------------------------------------------------------------

def _weights(sub: Submission, pack: RulePack) -> tuple[float, dict[str, float]] | None:
    """(sum of 分值, per-category sums) or None when a 分值 is missing."""
    cell = exec_field(sub, "weight")
    # a form without an execution 分值 cell scores execution at the pack's points (as scoring does)
    ex = number_of(cell) if cell.ref is not None else pack.scoring.execution_points
    inds = [i for i in sub.indicators if i.block == "annual"]
    values = [number_of(i.get("weight")) for i in inds]
    if ex is None or any(v is None for v in values):
        return None
    split: dict[str, float] = {"execution": ex}
    for ind, v in zip(inds, values, strict=True):
        key = _category(ind, pack)
        split[key] = split.get(key, 0.0) + (v or 0.0)
    return sum(split.values()), split


_CATEGORIES = {"产出指标": "output", "效益指标": "benefit", "满意度指标": "satisfaction", "成本指标": "cost"}
_CAT_LABELS = {"execution": "预算执行率", "output": "产出指标", "benefit": "效益指标",
               "satisfaction": "满意度指标", "cost": "成本指标", "unknown": "无法识别的一级指标"}


def _category(ind: Indicator, pack: RulePack) -> str:
    key = _CATEGORIES.get(home_level1(ind, pack), "unknown")
    if key == "cost" and not pack.weights.cost:
        return "output"
    return key


def _total_ref(sub: Submission) -> CellRef | None:
    return sub.totals.get("weight", Field(None)).ref or exec_field(sub, "weight").ref


@rule(code="S203", name="weights-not-100", severity=Severity.ERROR, forms=SELF,
      settings=("weights.tolerance",),
      message="{where}：预算执行率分值与各指标分值合计为 {actual}，应为 {expected}（{detail}）。请调整各项分值使合计为 100。")
def weights_not_100(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：预算执行率分值与全部指标分值之和不等于 100。
    原因：自评满分为 100 分；合计不是 100，总分和等级都失去意义。
    示例：执行率 10 分，产出 50 分，效益 25 分，满意度 10 分，合计 95 分。
    修正：按 执行率 10、产出 50、效益 30、满意度 10 的原则调整分值，使合计为 100。
    配置项：weights.tolerance（允许误差）。
    """
    found = _weights(sub, pack)
    if found is None:
        return  # a blank 分值 is S213
    total, split = found
    if abs(total - 100) > pack.weights.tolerance + 1e-9:
        detail = "，".join(f"{_CAT_LABELS[k]} {fmt_num(v)}" for k, v in split.items())
        yield hit(_total_ref(sub), actual=fmt_num(total), expected="100", detail=detail)


@rule(code="S204", name="weights-split-differs", severity=Severity.WARNING, forms=SELF,
      settings=("weights.execution", "weights.output", "weights.benefit", "weights.satisfaction",
                "weights.cost", "weights.tolerance"),
      message="{where}：「{category}」分值合计为 {actual}，规定为 {expected}。如属特殊情况经批准调整，请在备注中说明；否则请按规定调整。")
def weights_split_differs(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：分值合计为 100，但一级指标之间的分配与规定不同（默认 执行率 10、产出 50、效益 30、满意度 10）。
    原因：财预〔2020〕10号规定一级指标权重原则上按此设置，特殊情况可以调整，因此只作提醒。
    示例：产出 60、效益 20。
    修正：按规定调整；确需调整的，在备注中说明理由。
    配置项：weights.execution、weights.output、weights.benefit、weights.satisfaction、weights.cost（0 表示成本并入产出）、weights.tolerance。
    """
    found = _weights(sub, pack)
    if found is None or abs(found[0] - 100) > pack.weights.tolerance + 1e-9 or "unknown" in found[1]:
        return  # S203 / S213 / I101 report those
    split = found[1]
    for key in ("execution", "output", "benefit", "satisfaction", "cost"):
        want = getattr(pack.weights, key)
        have = split.get(key, 0.0)
        if abs(have - want) > pack.weights.tolerance + 1e-9:
            yield hit(_category_ref(sub, pack, key), category=_CAT_LABELS[key], actual=fmt_num(have),
                      expected=fmt_num(want))


def _category_ref(sub: Submission, pack: RulePack, key: str) -> CellRef | None:
    if key == "execution":
        return exec_field(sub, "weight").ref
    first = next((i for i in sub.indicators if _category(i, pack) == key), None)
    return ind_ref(first, "weight") if first else _total_ref(sub)


# --- scores ------------------------------------------------------------------------------------

@rule(code="S205", name="score-out-of-range", severity=Severity.ERROR, forms=SELF,
      message="{where}：{what}得分 {actual} 超出范围，应在 {expected} 之间。请按评分规则重新打分。")
def score_out_of_range(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：得分小于 0 或大于该项分值。
    原因：“得分不得突破权重”：单项得分最高为该项分值。
    示例：分值 10，得分填 12。
    修正：按评分规则重新打分，使 0 ≤ 得分 ≤ 分值。
    配置项：无。
    """
    pairs = [(exec_field(sub, "score"), exec_field(sub, "weight"), "预算执行率")]
    pairs += [(i.get("score"), i.get("weight"), f"指标「{label(i)}」") for i in rows(sub, pack)]
    for score, weight, what in pairs:
        own, w = number_of(score), number_of(weight)
        if own is not None and w is not None and not in_range(own, w):
            yield hit(score.ref, what=what, actual=fmt_num(own), expected=f"0～{fmt_num(w)}")


def _scorable(ind: Indicator, pack: RulePack) -> bool:
    """Has everything score_indicator needs (other rules report what is missing)."""
    own, w = number_of(ind.get("score")), number_of(ind.get("weight"))
    if own is None or w is None or not in_range(own, w):
        return False
    bad = (ValueKind.EMPTY, ValueKind.UNPARSEABLE)
    return target_value(ind, pack).kind not in bad and target_value(ind, pack, "actual").kind not in bad


def scored(sub: Submission, pack: RulePack) -> Iterator[tuple[Indicator, Any, float]]:
    from ..scoring import score_indicator

    for ind in rows(sub, pack):
        if _scorable(ind, pack):
            yield ind, score_indicator(ind, pack), number_of(ind.get("score")) or 0.0


@rule(code="S206", name="indicator-score-mismatch", severity=Severity.ERROR, forms=SELF,
      settings=("scoring.reverse_mode", "scoring.score_tolerance", "scoring.decimals"),
      message="{where}：指标「{name}」自评得分 {actual}，按公式复核应为 {expected}（{formula}）。请按复核结果改正得分。")
def indicator_score_mismatch(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：定量指标的自评得分高于按公式复核的得分（超出允许误差；低于的由 S219 提醒）。
    原因：正向指标 实际值≥目标值 得满分，否则 实际值÷目标值×分值；反向指标 实际值≤目标值 得满分，否则 目标值÷实际值×分值；得分不超过分值。
    示例：目标“≥100人次”，实际 80 人次，分值 10，应得 8 分，自评却填 10 分。
    修正：按复核结果改正得分；按表中得分的小数位比较（至少一位小数）。
    配置项：scoring.reverse_mode（反向指标算法）；scoring.score_tolerance（允许误差）；scoring.decimals。
    """
    for ind, result, own in scored(sub, pack):
        if result.method not in QUANT or any(f.code == "X310" for f in result.findings):
            continue  # a unit mismatch is S214's finding, not a score to compare
        if result.score is None:
            yield Insufficient(f"指标「{label(ind)}」{result.note or '数据不足'}，无法复核得分",
                               ind_ref(ind, "score"))
        elif own > result.score and not close_enough(own, result.score, pack.scoring.score_tolerance,
                                                     pack.scoring.decimals, 1):
            yield hit(ind_ref(ind, "score"), name=label(ind), actual=fmt_num(own),
                      expected=fmt_num(result.score), formula=result.formula)


@rule(code="S207", name="qualitative-score-out-of-band", severity=Severity.ERROR, forms=SELF,
      settings=("scoring.qualitative_bands", "scoring.completion_terms"),
      message="{where}：定性指标「{name}」完成情况为「{term}」，自评得分 {actual} 不在该档次的得分区间 {expected} 内。请在区间内打分或改正完成情况。")
def qualitative_out_of_band(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：定性指标的自评得分不在其完成情况对应的档次内。
    原因：达成年度指标 得分为分值的 80%～100%；部分达成年度指标并具有一定效果 60%～80%（不含 80%）；未达成年度指标且效果较差 0～60%（不含 60%）。
    示例：分值 10，完成情况“部分达成年度指标并具有一定效果”，得分却填 9 分。
    修正：在对应区间内打分，或如实改正完成情况。完成情况不是三档标准表述时，本规则无法检查（提示 H190）。
    配置项：scoring.qualitative_bands（档次分界，默认 [80, 60]）；scoring.completion_terms（完成情况同义词）。
    """
    for ind, result, own in scored(sub, pack):
        if result.method != "qualitative":
            continue
        band = next((f for f in result.findings if f.code == "X304"), None)
        unbanded = any(f.code in ("X306", "X307") for f in result.findings)
        if band is not None:
            yield hit(ind_ref(ind, "score"), name=label(ind), actual=fmt_num(own),
                      expected=band.expected or "", term=_term(ind, pack))
        elif unbanded:
            text = shown(ind.get("actual"))
            yield Insufficient(f"完成情况「{text}」不是三档标准表述之一，无法核对得分档次",
                               ind_ref(ind, "actual"))


def _term(ind: Indicator, pack: RulePack) -> str:
    from ..values import canonical_term

    value = target_value(ind, pack, "actual")
    return canonical_term(value.term or value.text, pack)[0] or shown(ind.get("actual"))


@rule(code="S208", name="deviation-reason-missing", severity=Severity.WARNING, forms=SELF,
      message="{where}：指标「{name}」{why}，但“偏差原因分析及改进措施”{state}。请说明未完成的原因和改进措施。")
def deviation_reason_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：指标未完成（实际值未达到目标，或得分低于分值），却没有填写偏差原因分析及改进措施。
    原因：财预〔2020〕10号要求对未完成的绩效目标说明原因并提出改进措施。
    示例：分值 10、得分 8，偏差原因一栏空白或只写“——”。
    修正：写明未完成的具体原因和下一步改进措施。
    配置项：goal.blank_marks、goal.placeholders（这些内容视同未填）。
    """
    for ind in rows(sub, pack):
        why = _shortfall(ind, pack)
        reason = ind.get("reason")
        if why and (is_blank_mark(reason, pack) or is_placeholder(reason.value, pack)):
            yield hit(ind_ref(ind, "reason") if reason.ref else ind_ref(ind, "score"), name=label(ind),
                      why=why, actual=shown(reason) if not reason.blank else "（空）", state=blank_state(reason),
                      expected="偏差原因分析及改进措施")


def _shortfall(ind: Indicator, pack: RulePack) -> str:
    own, w = number_of(ind.get("score")), number_of(ind.get("weight"))
    if own is not None and w is not None and own < w - pack.scoring.score_tolerance:
        return f"得分 {fmt_num(own)} 低于分值 {fmt_num(w)}"
    if _scorable(ind, pack) or (own is None and w is not None):
        from ..scoring import score_indicator

        result = score_indicator(ind, pack)
        # a row scored at its band's lower bound only because its 得分 is blank was not missed
        full = (result.score or 0.0) + result.assumed
        if result.score is not None and w is not None and full < w - pack.scoring.score_tolerance:
            return f"未达到年度指标值（复核得分 {fmt_num(result.score)}，分值 {fmt_num(w)}）"
    return ""


# --- totals ------------------------------------------------------------------------------------

@rule(code="S209", name="total-score-mismatch", severity=Severity.ERROR, forms=SELF,
      settings=("scoring.score_tolerance",),
      message="{where}：总分得分填写为 {actual}，预算执行率得分与各指标得分之和为 {expected}。请改正总分（可用求和公式）。")
def total_score_mismatch(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：总分一行的得分不等于 预算执行率得分 + 各指标得分 之和。
    原因：总分决定评价等级（优、良、中、差），加总错误会导致等级错误。
    示例：各项得分之和为 87.5，总分却填 90。
    修正：重新加总；有“不适用”指标按规定折算的表格，本规则不检查。
    配置项：scoring.score_tolerance（允许误差）。
    """
    f = sub.totals.get("score", Field(None))
    own = number_of(f)
    if own is None:
        return
    inds = [i for i in sub.indicators if i.block == "annual"]
    if any(is_not_applicable(i, pack) for i in inds):
        yield NotApplicable("有不适用指标，总分按规定折算")
        return
    parts = [number_of(exec_field(sub, "score")), *(number_of(i.get("score")) for i in inds)]
    if any(p is None for p in parts):
        return  # S213 reports the blank 得分
    expected = sum(p for p in parts if p is not None)
    if not close_enough(own, expected, pack.scoring.score_tolerance, pack.scoring.decimals):
        yield hit(f.ref, actual=fmt_num(own), expected=fmt_num(expected))


@rule(code="S210", name="total-weight-not-100", severity=Severity.ERROR, forms=SELF,
      settings=("weights.tolerance",),
      message="{where}：总分分值填写为 {actual}，应为 {expected}（各项分值之和为 100）。请改正总分分值。")
def total_weight_not_100(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：总分一行的分值不是 100（各项分值之和已是 100 时才检查；合计不是 100 由 S203 报告）。
    原因：自评满分为 100 分。
    示例：各项分值合计 100，总分分值却写 90。
    修正：总分分值填 100。
    配置项：weights.tolerance。
    """
    f = sub.totals.get("weight", Field(None))
    own = number_of(f)
    found = _weights(sub, pack)
    if own is None or found is None or abs(found[0] - 100) > pack.weights.tolerance + 1e-9:
        return
    if abs(own - 100) > pack.weights.tolerance + 1e-9:
        yield hit(f.ref, actual=fmt_num(own), expected="100")
