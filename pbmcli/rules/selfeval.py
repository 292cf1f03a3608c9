"""S2xx: self-evaluation rules (项目支出绩效自评表).

The formulas live in ``pbmcli.scoring`` (one implementation each); these rules
compare what the form says with what scoring computes, and check the form's
own arithmetic (sums, ranges, totals).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import (
    FUND_ROW_NAMES,
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
    FIELD_LABELS,
    FUND_COLS,
    blank_state,
    close_enough,
    fmt_num,
    home_level1,
    ind_ref,
    is_blank_mark,
    is_not_applicable,
    is_placeholder,
    label,
    missing,
    number_of,
    shown,
    target_value,
)
from .registry import Insufficient, NotApplicable, Outcome, hit, rule

if TYPE_CHECKING:
    from ..config import RulePack

_SELF = (FormKind.SELFEVAL,)
_QUANT = ("positive", "reverse", "equal")


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


@rule(code="S201", name="execution-rate-mismatch", severity=Severity.ERROR, forms=_SELF,
      message="{where}：执行率填写为 {actual}，按全年执行数 ÷ 全年预算数计算应为 {expected}。请改正执行率（可用公式 =执行数/预算数）。")
def execution_rate_mismatch(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：年度资金总额行的执行率不等于 全年执行数 ÷ 全年预算数。
    原因：执行率是预算执行得分的依据，填错会直接影响总分。
    示例：全年预算数 100、全年执行数 90，执行率却填 95%。
    修正：按公式重新计算执行率。写成 96%、96 或 0.96（设为百分比格式）都可以，按表中显示的小数位比较，允许 0.01 个百分点的误差。
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
        yield hit(f.ref, actual=shown(f), expected=f"{fmt_num(ex.rate, 2)}%")


def _exec_insufficient(sub: Submission, ex: Any) -> Insufficient:
    """Point at the cell that is missing, so S213 / F012 / F005 there cover it."""
    budget, spent = exec_field(sub, "budget"), exec_field(sub, "spent")
    if ex.budget == 0:
        return Insufficient("全年预算数为 0，无法计算执行率", budget.ref)
    if ex.budget is None:
        return Insufficient("全年预算数未能读取，无法计算执行率", budget.ref or ex.ref)
    return Insufficient("全年执行数未能读取，无法计算执行率", spent.ref or ex.ref)


@rule(code="S202", name="execution-score-mismatch", severity=Severity.ERROR, forms=_SELF,
      settings=("scoring.execution_points", "scoring.score_tolerance", "scoring.decimals"),
      message="{where}：预算执行率得分填写为 {actual}，按 min(执行率, 100%) × 分值 {points} 计算应为 {expected}。请改正得分。")
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
    if _in_range(own, ex.points) and own > ex.score and not close_enough(
            own, ex.score, pack.scoring.score_tolerance, pack.scoring.decimals, 1):
        yield hit(f.ref, actual=fmt_num(own), expected=fmt_num(ex.score, pack.scoring.decimals),
                  points=fmt_num(ex.points))


def _in_range(own: float, weight: float | None) -> bool:
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


@rule(code="S203", name="weights-not-100", severity=Severity.ERROR, forms=_SELF,
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


@rule(code="S204", name="weights-split-differs", severity=Severity.WARNING, forms=_SELF,
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

@rule(code="S205", name="score-out-of-range", severity=Severity.ERROR, forms=_SELF,
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
        if own is not None and w is not None and not _in_range(own, w):
            yield hit(score.ref, what=what, actual=fmt_num(own), expected=f"0～{fmt_num(w)}")


def _scorable(ind: Indicator, pack: RulePack) -> bool:
    """Has everything score_indicator needs (other rules report what is missing)."""
    own, w = number_of(ind.get("score")), number_of(ind.get("weight"))
    if own is None or w is None or not _in_range(own, w):
        return False
    bad = (ValueKind.EMPTY, ValueKind.UNPARSEABLE)
    return target_value(ind, pack).kind not in bad and target_value(ind, pack, "actual").kind not in bad


def _scored(sub: Submission, pack: RulePack) -> Iterator[tuple[Indicator, Any, float]]:
    from ..scoring import score_indicator

    for ind in rows(sub, pack):
        if _scorable(ind, pack):
            yield ind, score_indicator(ind, pack), number_of(ind.get("score")) or 0.0


@rule(code="S206", name="indicator-score-mismatch", severity=Severity.ERROR, forms=_SELF,
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
    for ind, result, own in _scored(sub, pack):
        if result.method not in _QUANT or any(f.code == "X310" for f in result.findings):
            continue  # a unit mismatch is S214's finding, not a score to compare
        if result.score is None:
            yield Insufficient(f"指标「{label(ind)}」{result.note or '数据不足'}，无法复核得分",
                               ind_ref(ind, "score"))
        elif own > result.score and not close_enough(own, result.score, pack.scoring.score_tolerance,
                                                     pack.scoring.decimals, 1):
            yield hit(ind_ref(ind, "score"), name=label(ind), actual=fmt_num(own),
                      expected=fmt_num(result.score), formula=result.formula)


@rule(code="S207", name="qualitative-score-out-of-band", severity=Severity.ERROR, forms=_SELF,
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
    for ind, result, own in _scored(sub, pack):
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


@rule(code="S208", name="deviation-reason-missing", severity=Severity.WARNING, forms=_SELF,
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
        if result.score is not None and w is not None and result.score < w - pack.scoring.score_tolerance:
            return f"未达到年度指标值（复核得分 {fmt_num(result.score)}，分值 {fmt_num(w)}）"
    return ""


# --- totals ------------------------------------------------------------------------------------

@rule(code="S209", name="total-score-mismatch", severity=Severity.ERROR, forms=_SELF,
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


@rule(code="S210", name="total-weight-not-100", severity=Severity.ERROR, forms=_SELF,
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


# --- actual values and required numbers ------------------------------------------------------

@rule(code="S211", name="actual-missing", severity=Severity.ERROR, forms=_SELF,
      message="{where}：指标「{name}」的实际完成值{state}。请填写实际完成的数值（含单位）或完成情况。")
def actual_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表中指标的实际完成值为空（写了“无”“/”但在偏差原因栏说明了原因的，不报）。
    原因：没有实际完成值就无法判断目标是否完成，也无法复核得分。
    示例：年度指标值“≥100人次”，实际完成值一栏空白或只写“/”。
    修正：填写实际完成的数值和单位（如“120人次”），定性指标填“达成年度指标”等三档表述；确实不适用的写“不适用”。
    配置项：scoring.not_applicable_terms（表示不适用的写法）。
    """
    for ind in rows(sub, pack):
        f = ind.get("actual")
        if f.formula_uncached or (not f.blank and is_placeholder(f.value, pack)):
            continue
        if not f.blank and not missing(ind.get("reason")):
            continue  # "无" with the reason written beside it (没有轮换、动用库存): explained
        if f.blank or target_value(ind, pack, "actual").kind is ValueKind.EMPTY:
            yield hit(ind_ref(ind, "actual"), name=label(ind), actual=shown(f) if not f.blank else "（空）",
                      expected="实际完成值", state=blank_state(f))


@rule(code="S212", name="actual-unreadable", severity=Severity.ERROR, forms=_SELF,
      message="{where}：指标「{name}」的实际完成值「{actual}」无法识别{reason}。请写成数值加单位（如“120人次”“96%”）或三档完成情况之一。")
def actual_unreadable(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：实际完成值写了内容，但既不是数值，也不是可识别的完成情况表述。
    原因：无法识别就无法与目标比较，也无法复核得分。
    示例：“90%-95%”（区间）、“约一百人”。
    修正：写一个确定的数值加单位，或“达成年度指标”等三档表述。
    配置项：无。
    """
    for ind in rows(sub, pack):
        if is_placeholder(ind.get("actual").value, pack):
            continue
        value = target_value(ind, pack, "actual")
        if value.kind is ValueKind.UNPARSEABLE:
            yield hit(ind_ref(ind, "actual"), name=label(ind), actual=shown(ind.get("actual")),
                      expected="数值加单位或完成情况", reason=f"（{value.reason}）" if value.reason else "")


_EXEC_REQUIRED = ("budget", "spent", "weight", "rate", "score")


@rule(code="S213", name="required-number-missing", severity=Severity.ERROR, forms=_SELF,
      message="{where}：{what}未填写。请填写{what}（数值）。")
def required_number_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表必须填写的数值为空：年度资金总额行的全年预算数、全年执行数、分值、执行率、得分，各指标的分值、得分，总分行的分值、得分。
    原因：这些数值是计算执行率、复核得分和评定等级的依据。
    示例：某指标分值 10，得分一栏空白。
    修正：补填数值；不适用的指标写“不适用”，不需要填得分。
    配置项：无。
    """
    cells = [(exec_field(sub, c), f"年度资金总额的{FUND_COLS[c]}") for c in _EXEC_REQUIRED]
    for ind in rows(sub, pack):
        cells += [(ind.get(k), f"指标「{label(ind)}」的{FIELD_LABELS[k]}") for k in ("weight", "score")]
    cells += [(sub.totals[k], f"总分的{FUND_COLS[k]}") for k in ("weight", "score") if k in sub.totals]
    for f, what in cells:
        if f.ref is not None and missing(f):
            yield hit(f.ref, what=what, expected="数值", actual="（空）")
    if "annual" not in sub.funds:
        yield Insufficient("未找到项目资金（年度资金总额行），无法核对执行率和执行率得分")


@rule(code="S214", name="unit-mismatch", severity=Severity.ERROR, forms=_SELF, settings=("scoring.fraction_max",),
      message="{where}：指标「{name}」{detail}。在核对前该项无法复核得分。")
def unit_mismatch(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：年度指标值与实际完成值一个是百分数、另一个是不带单位且不大于 1.5 的数（如目标“≥95%”、实际 0.93；或目标 1、实际 98%），单位不一致。
    原因：0.93 可能是 93% 也可能是 0.93%；“=100%”在 Excel 中会被当成公式，单元格的值变成 1。按原数计分会得出完全错误的得分（如 0.15 分、或实际值是目标值的 98 倍），按 ×100 猜测也可能猜错，所以不猜，该项不计分，请填报单位核对。
    示例：目标值“≥95%”，实际完成值 0.93（常规格式）；目标值输成公式 =100%，实际完成值 98%。
    修正：百分数写成“93%”，或把单元格设置为百分比格式；目标值写成“≥100%”这样的文字（不要以 = 开头）。
    配置项：scoring.fraction_max（不带单位的数不大于此值时视为可能是小数形式的百分数，默认 1.5）。
    """
    from ..scoring import unit_mismatch as mismatch_of

    for ind in rows(sub, pack):
        found = mismatch_of(ind, pack)
        if found is not None:
            yield hit(ind_ref(ind, found.key), name=label(ind), detail=found.message,
                      expected="目标值与实际值单位一致", actual="单位不一致")


@rule(code="S215", name="funds-total-zero", severity=Severity.ERROR, forms=_SELF,
      message="{where}：年度资金总额行的年初预算数、全年预算数、全年执行数都为 0 或空，但{rows}填有资金"
              "（全年预算数 {budget}、全年执行数 {spent}）。请在年度资金总额行填写合计数；"
              "复核已按这些行的合计计算执行率和执行率得分。")
def funds_total_zero(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：年度资金总额行全是 0（或空），资金却填在“其中：财政拨款”等分项行里。
    原因：执行率和执行率得分以年度资金总额行为准；这一行为 0 时，表上的执行率、得分（常常也是 0）都不对。复核时改按有资金的分项行合计计算，并在本条说明。
    示例：年度资金总额 0 / 0 / 0，其中：本年财政拨款 90 / 89.974 / 89.974。
    修正：年度资金总额行填写各分项的合计，并据此重新计算执行率和得分。
    配置项：无。
    """
    from ..scoring import money_rows, score_execution

    rows_ = money_rows(sub)
    if not rows_:
        return
    ex = score_execution(sub, pack)
    total = exec_field(sub, "budget")
    names = "、".join(f"「{FUND_ROW_NAMES[r]}」" for r in rows_)
    yield hit(total.ref or exec_field(sub, "spent").ref, rows=names + "行",
              budget=fmt_num(ex.budget) if ex.budget is not None else "（空）",
              spent=fmt_num(ex.spent) if ex.spent is not None else "（空）",
              expected="资金总额行填写合计", actual="0")


@rule(code="S216", name="actual-with-operator", severity=Severity.WARNING, forms=_SELF,
      message="{where}：指标「{name}」的实际完成值「{actual}」带有比较符号，像是照抄了年度指标值。"
              "复核时按 {expected} 计算；请填写实际达到的数值。")
def actual_with_operator(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：实际完成值写成“≥80%”这样带比较符号的形式。
    原因：实际完成值应是实际达到的数，带符号说明可能照抄了目标值，实际情况不明。复核时按其中的数值计算。
    示例：年度指标值“≥80%”，实际完成值也写“≥80%”。
    修正：填写实际达到的数值，如“86%”。
    配置项：无。
    """
    for ind in rows(sub, pack):
        value = target_value(ind, pack, "actual")
        if value.kind is ValueKind.QUANTITATIVE and value.operator is not None and value.number is not None:
            yield hit(ind_ref(ind, "actual"), name=label(ind), actual=shown(ind.get("actual")),
                      expected=f"{num_text(value.number)}{value.unit or ''}")


@rule(code="S217", name="no-score-columns", severity=Severity.INFO, forms=_SELF,
      message="{where}：{detail}。如本地区要求复核得分，请使用带分值、得分栏的自评表。")
def no_score_columns(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表的绩效指标表既没有分值栏也没有得分栏（常见于专项转移支付、衔接资金等地方模板）。
    原因：没有分值就无法按财预〔2020〕10号的规则复核得分和总分；表格内容仍逐项审核。每张表只提示一次。
    示例：栏目为 一级指标 / 二级指标 / 三级指标 / 年度指标值 / 全年完成值 / 未完成原因和改进措施。
    修正：无需修改；需要评分的，改用带分值、得分栏的自评表。
    配置项：无。
    """
    for issue in sub.issues:
        if issue.kind == "no_score_columns":
            yield hit(issue.ref, detail=issue.detail, expected="分值、得分栏", actual="无")
            return


@rule(code="S218", name="target-percent-over-max", severity=Severity.WARNING, forms=_SELF,
      settings=("goal.percent_max", "goal.percent_max_exempt"),
      message="{where}：指标「{name}」的年度指标值 {actual} 超过 {expected}，比率不应超过 {expected}。"
              "请与批复的绩效目标核对（可能是录入错误，如“≥90%”误为“290%”）。")
def target_percent_over_max(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表中以百分比表示的年度指标值超过 100%（增长率、增幅等增长类指标除外）。
    原因：年度指标值应照抄批复的目标；合格率、满意度等比率超过 100% 多半是录入或转换错误。申报表中的同类问题是 G105（错误）；自评表中目标已经批复，这里只提醒核对。
    示例：市民满意度 年度指标值“290%”。
    修正：按批复的绩效目标改正年度指标值。
    配置项：goal.percent_max（默认 100）；goal.percent_max_exempt（名称含这些词的不检查）。
    """
    from .goal import name_has, quantitative_targets

    limit = pack.goal.percent_max
    for ind, v in quantitative_targets(sub, pack):
        if v.is_percent and v.number > limit + 1e-9 and not name_has(ind, pack.goal.percent_max_exempt):
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      expected=f"{fmt_num(limit)}%")


@rule(code="S219", name="self-score-below-formula", severity=Severity.WARNING, forms=_SELF,
      settings=("scoring.score_tolerance", "scoring.decimals"),
      message="{where}：{what}自评得分 {actual} 低于按公式计算的 {expected}（{formula}）。"
              "如有扣分理由，请在偏差原因中写明；否则请按公式改正。")
def self_score_below_formula(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：预算执行率或定量指标的自评得分低于按公式计算的得分。
    原因：少计分不会抬高等级，但表上的得分与数据对不上；单位可能另有扣分理由（如质量问题），应写明。高于公式的由 S202 / S206 报告（错误）。
    示例：目标“=100%”、实际 100%、分值 20，自评 19 分，偏差原因空白。
    修正：在偏差原因中说明扣分理由，或按公式改正得分。
    配置项：scoring.score_tolerance；scoring.decimals。
    """
    from ..scoring import score_execution

    tol, dec = pack.scoring.score_tolerance, pack.scoring.decimals
    f = exec_field(sub, "score")
    own = number_of(f)
    ex = score_execution(sub, pack) if own is not None else None
    if ex is not None and ex.score is not None and own is not None and own < ex.score \
            and _in_range(own, ex.points) and not close_enough(own, ex.score, tol, dec, 1):
        yield hit(f.ref, what="预算执行率", actual=fmt_num(own), expected=fmt_num(ex.score, dec),
                  formula=ex.formula)
    for ind, result, mine in _scored(sub, pack):
        if result.method in _QUANT and result.score is not None and mine < result.score \
                and _in_range(mine, ind.weight) and not close_enough(mine, result.score, tol, dec, 1):
            yield hit(ind_ref(ind, "score"), what=f"指标「{label(ind)}」", actual=fmt_num(mine),
                      expected=fmt_num(result.score), formula=result.formula)
