"""S2xx, continued: what a self-evaluation must have filled in (actual values, the execution
numbers, units, operators) and the self-scores set against the formula."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import (
    FUND_ROW_NAMES,
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
    column_missing,
    fmt_num,
    ind_ref,
    is_placeholder,
    label,
    missing,
    number_of,
    shown,
    target_value,
)
from .registry import Insufficient, Outcome, hit, rule

if TYPE_CHECKING:
    from ..config import RulePack

from .selfeval import QUANT, SELF, exec_field, in_range, rows, scored

if TYPE_CHECKING:
    from ..config import RulePack


# --- actual values and required numbers ------------------------------------------------------

@rule(code="S211", name="actual-missing", severity=Severity.ERROR, forms=SELF,
      message="{where}：指标「{name}」的实际完成值{state}。请填写实际完成的数值（含单位）或完成情况。")
def actual_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表中指标的实际完成值为空（写了“无”“/”但在偏差原因栏说明了原因的，不报）。
    原因：没有实际完成值就无法判断目标是否完成，也无法复核得分。
    示例：年度指标值“≥100人次”，实际完成值一栏空白或只写“/”。
    修正：填写实际完成的数值和单位（如“120人次”），定性指标填“达成年度指标”等三档表述；确实不适用的写“不适用”。
    配置项：scoring.not_applicable_terms（表示不适用的写法）。
    """
    if column_missing(sub, "actual"):
        return  # the column's heading is not recognised: S220 says so once
    for ind in rows(sub, pack):
        f = ind.get("actual")
        if f.formula_uncached or (not f.blank and is_placeholder(f.value, pack)):
            continue
        if not f.blank and not missing(ind.get("reason")):
            continue  # "无" with the reason written beside it (没有轮换、动用库存): explained
        if f.blank or target_value(ind, pack, "actual").kind is ValueKind.EMPTY:
            yield hit(ind_ref(ind, "actual"), name=label(ind), actual=shown(f) if not f.blank else "（空）",
                      expected="实际完成值", state=blank_state(f))


@rule(code="S212", name="actual-unreadable", severity=Severity.ERROR, forms=SELF,
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


@rule(code="S213", name="required-number-missing", severity=Severity.ERROR, forms=SELF,
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


@rule(code="S214", name="unit-mismatch", severity=Severity.ERROR, forms=SELF, settings=("scoring.fraction_max",),
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


@rule(code="S215", name="funds-total-zero", severity=Severity.ERROR, forms=SELF,
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


@rule(code="S216", name="actual-with-operator", severity=Severity.WARNING, forms=SELF,
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


@rule(code="S217", name="no-score-columns", severity=Severity.INFO, forms=SELF,
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


@rule(code="S220", name="column-not-recognised", severity=Severity.WARNING, forms=SELF,
      message="{where}：{detail}。")
def column_not_recognised(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表的绩效指标表有“得分”栏却没有识别到“分值”栏，或有“指标值”栏却没有识别到“实际完成值”栏——多半是这一栏的名称写法不同（如“考核权数”“年末实际达成”）。
    原因：认不出这一栏，就无法逐行核对分值、实际完成值，也无法复核得分；逐行报“未填写”会把一个表头问题说成几十个错误，所以只在表头提示一次，相关的逐行检查不进行。
    示例：分值栏写作“考核权数”；实际完成值栏写作“年末实际达成”。
    修正：在 pbm.toml 的 [labels.indicator] 中补充这种写法（如 weight = ["考核权数"]），重新审核；或请单位按模板的栏目名称填报。
    配置项：[labels.indicator]（栏目名称的写法）。
    """
    for issue in sub.issues:
        if issue.kind == "column_missing":
            yield hit(issue.ref, detail=issue.detail, expected=f"「{FIELD_LABELS.get(issue.text, issue.text)}」栏", actual="未识别")


@rule(code="S218", name="target-percent-over-max", severity=Severity.WARNING, forms=SELF,
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
    from .goal import percent_targets_over_max

    yield from percent_targets_over_max(sub, pack)


@rule(code="S219", name="self-score-below-formula", severity=Severity.WARNING, forms=SELF,
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
            and in_range(own, ex.points) and not close_enough(own, ex.score, tol, dec, 1):
        yield hit(f.ref, what="预算执行率", actual=fmt_num(own), expected=fmt_num(ex.score, dec),
                  formula=ex.formula)
    for ind, result, mine in scored(sub, pack):
        if result.method in QUANT and result.score is not None and mine < result.score \
                and in_range(mine, ind.weight) and not close_enough(mine, result.score, tol, dec, 1):
            yield hit(ind_ref(ind, "score"), what=f"指标「{label(ind)}」", actual=fmt_num(mine),
                      expected=fmt_num(result.score), formula=result.formula)
