"""G1xx: goal-declaration rules (项目支出绩效目标申报表)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import (
    FUND_PARTS,
    FUND_ROW_NAMES,
    CellRef,
    Field,
    FormKind,
    Indicator,
    Operator,
    Severity,
    Submission,
    ValueKind,
)
from .common import (
    BLOCKS,
    NO_LEVEL2,
    cost_l2,
    fmt_num,
    home_level1,
    ind_ref,
    is_blank_mark,
    is_placeholder,
    label,
    missing,
    norm_level,
    norm_text,
    number_of,
    shown,
    target_value,
)
from .registry import Insufficient, NotApplicable, Outcome, hit, rule

if TYPE_CHECKING:
    from ..config import RulePack

_GOAL = (FormKind.GOAL,)
_COMPONENTS = FUND_PARTS


def fund_amount(sub: Submission, block: str, row: str) -> Field:
    """The amount cell of a funds row (goal forms: column "amount", else "budget")."""
    cols = sub.funds.get(block, {}).get(row, {})
    return cols.get("amount") or cols.get("budget") or Field(None)


@rule(code="G101", name="funds-unbalanced", severity=Severity.ERROR, forms=_GOAL,
      settings=("goal.funds_tolerance",),
      message="{where}：{block}资金总额为 {actual} 万元，但{parts}合计为 {expected} 万元，"
              "相差 {diff} 万元。请核对资金总额及其构成。")
def funds_unbalanced(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：项目资金（年度，有中期时也含中期）的资金总额不等于表中各项资金（财政拨款、上级补助、上年结转、自有资金、其他资金等）之和。
    原因：资金构成不平衡说明金额填错或漏填，预算批复金额无法核对。
    示例：年度资金总额 100 万元，其中财政拨款 80 万元、其他资金 10 万元，合计 90 万元。
    修正：核对各项金额，使总额等于各项之和；没有的项目填 0 或“——”。
    配置项：goal.funds_tolerance（允许的误差，万元）；goal.blank_marks（视为 0 的记号）。
    """
    for block in ("annual", "midterm"):
        yield from _balance(sub, pack, block)


def _balance(sub: Submission, pack: RulePack, block: str) -> Iterator[Outcome]:
    total = fund_amount(sub, block, "total")
    parts = [fund_amount(sub, block, row) for row in _COMPONENTS]
    if block not in sub.funds or (total.blank and all(p.blank for p in parts)):
        if block == "annual":
            yield Insufficient("未找到年度资金（资金总额及其构成）", total.ref)
        return
    amount = number_of(total)
    values = [0.0 if is_blank_mark(p, pack) else number_of(p) for p in parts]
    if amount is None or any(v is None for v in values):
        return  # blank total: G102; text: F012; uncached formula: F005
    if all(is_blank_mark(p, pack) for p in parts):
        yield Insufficient(f"{BLOCKS[block]}资金的构成（财政拨款、其他资金等）均未填写", total.ref)
        return
    expected = sum(v for v in values if v is not None)
    if abs(amount - expected) > pack.goal.funds_tolerance + 1e-9:
        named = "、".join(FUND_ROW_NAMES[row] for row, p in zip(_COMPONENTS, parts, strict=True) if p.ref)
        yield hit(total.ref, block=BLOCKS[block], actual=fmt_num(amount), expected=fmt_num(expected),
                  diff=fmt_num(abs(amount - expected)), related=next((p.ref for p in parts if p.ref), None),
                  parts=named or "各项资金")


@rule(code="G102", name="funds-total-missing", severity=Severity.ERROR, forms=_GOAL,
      message="{where}：{block}资金总额未填写。请填写{block}资金总额（万元），并与预算批复一致。")
def funds_total_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：申报表的年度资金总额为空（或中期资金有构成但总额为空）。
    原因：资金总额是目标与资金匹配审核、事前评估判断的依据。
    示例：“年度资金总额”右侧单元格空白。
    修正：按预算填写资金总额（万元）。
    配置项：无。
    """
    for block in ("annual", "midterm"):
        if block not in sub.funds:
            continue
        total = fund_amount(sub, block, "total")
        parts = [fund_amount(sub, block, row) for row in _COMPONENTS]
        if block == "midterm" and all(is_blank_mark(p, pack) for p in parts):
            continue
        if total.ref is not None and missing(total):
            yield hit(total.ref, block=BLOCKS[block], expected="资金总额", actual="（空）")


@rule(code="G103", name="coverage-missing", severity=Severity.ERROR, forms=_GOAL,
      settings=("goal.required_indicators",),
      message="{where}：年度绩效指标中没有「{expected}」类指标。请至少设置一项此类指标。")
def coverage_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：年度绩效指标没有覆盖必设的类别：产出指标的数量、质量、时效，效益指标，满意度指标各至少一项。
    原因：指标不全就无法全面反映项目的产出和效果（财预〔2015〕88号、〔2021〕101号）。
    示例：只设了数量指标和满意度指标，没有质量、时效和效益指标。
    修正：补充缺少类别的指标；确实不涉及的，请与财政部门沟通后调整规则包。
    配置项：goal.required_indicators（如 "产出指标/数量指标"、"效益指标"）。
    """
    annual = [i for i in sub.indicators if i.block == "annual"]
    if not annual:
        yield NotApplicable("没有年度指标（H103 报告）")
        return
    have = {(l1, norm_level(i.level2)) for i in annual
            for l1 in (norm_level(i.level1), home_level1(i, pack))}
    for need in pack.goal.required_indicators:
        l1, _, l2 = need.partition("/")
        if l2 and sub.variant == NO_LEVEL2:
            need, l2 = l1, ""  # a form without 二级 (中央预算内投资): the 一级 is what it can cover
        l1n, l2n = norm_level(l1), norm_level(l2) if l2 else ""
        if not any(a == l1n and (not l2n or b == l2n) for a, b in have):
            yield hit(_anchor(annual, l1n), expected=need.replace("/", "—"), actual="无")


def _anchor(annual: list[Indicator], l1: str) -> CellRef | None:
    """Where to point for a missing category: its 一级 block, else the table's last row."""
    rows = [i for i in annual if norm_level(i.level1) == l1] or annual[-1:]
    return ind_ref(rows[0], "level1") if rows else None


def quantitative_targets(sub: Submission, pack: RulePack) -> Iterator[tuple[Indicator, Any]]:
    for ind in sub.indicators:
        value = target_value(ind, pack)
        if value.kind is ValueKind.QUANTITATIVE and value.number is not None:
            yield ind, value


@rule(code="G104", name="satisfaction-low", severity=Severity.WARNING, forms=_GOAL,
      settings=("goal.satisfaction_min",),
      message="{where}：满意度指标「{name}」的目标为 {actual}，低于规定的 {floor}%，应为 {expected}。请提高目标值，或在申报说明中说明理由。")
def satisfaction_low(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：满意度指标下以百分比表示的目标值低于规则包要求（默认 90%）。
    原因：服务对象满意度一般要求不低于 90%，目标定得过低缺乏激励作用。
    示例：“服务对象满意度 ≥80%”。
    修正：把目标提高到 ≥90%；确有特殊原因的，在申报说明中写明。
    配置项：goal.satisfaction_min（百分数，默认 90）。
    """
    floor = pack.goal.satisfaction_min
    for ind, v in quantitative_targets(sub, pack):
        if norm_level(ind.level1) != "满意度指标" or not v.is_percent:
            continue
        if v.operator in (Operator.LE, Operator.LT):
            continue
        if v.number < floor - 1e-9:
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      expected=f"≥{fmt_num(floor)}%", floor=fmt_num(floor))


def name_has(ind: Indicator, words: tuple[str, ...]) -> bool:
    name = norm_text(ind.name)
    return any(w in name for w in words)


def percent_targets_over_max(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """Percent targets above goal.percent_max (growth indicators named in the exemptions aside):
    G105 on a goal form, S218 on a self-evaluation."""
    limit = pack.goal.percent_max
    for ind, v in quantitative_targets(sub, pack):
        if v.is_percent and v.number > limit + 1e-9 and not name_has(ind, pack.goal.percent_max_exempt):
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      expected=f"{fmt_num(limit)}%")


@rule(code="G105", name="percent-over-max", severity=Severity.ERROR, forms=_GOAL,
      settings=("goal.percent_max", "goal.percent_max_exempt"),
      message="{where}：指标「{name}」的目标 {actual} 超过 {expected}。比率类指标不应超过 {expected}，请核对数值或单位。")
def percent_over_max(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：以百分比表示的目标值超过 100%（增长率、增幅、提高等增长类指标除外）。
    原因：完成率、合格率、覆盖率等比率不可能超过 100%，多半是把数量误写成了百分比。
    示例：“验收合格率 ≥120%”；“培训人数 ≥150%”应为“≥150人次”。
    修正：改正数值或单位；确属增长类指标的，在名称中写明“增长率”“增幅”等。
    配置项：goal.percent_max（默认 100）；goal.percent_max_exempt（名称含这些词的不检查）。
    """
    yield from percent_targets_over_max(sub, pack)


def is_cost(ind: Indicator, v: Any, pack: RulePack) -> bool:
    if norm_level(ind.level1) in cost_l2(pack) or norm_level(ind.level2) in cost_l2(pack):
        return not v.is_percent
    money = bool(v.unit) and str(v.unit).endswith("元")
    return money and name_has(ind, pack.goal.cost_keywords)


@rule(code="G106", name="cost-positive-operator", severity=Severity.WARNING, forms=_GOAL,
      settings=("goal.cost_keywords",),
      message="{where}：成本指标「{name}」的目标「{actual}」使用了“{op}”，成本应设上限。请改为「{expected}」。")
def cost_positive_operator(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：成本类指标（二级为成本指标，或名称含“成本、费用、单价、造价”等且单位为元/万元）使用了 ≥ 或 >，或没有写符号（按 ≥ 理解）。
    原因：成本越低越好，应设上限（≤）；写成“≥”等于鼓励多花钱。
    示例：“人均培训成本 ≥500元”。
    修正：改为“≤500元”。
    配置项：goal.cost_keywords（识别成本指标的关键词）。
    """
    for ind, v in quantitative_targets(sub, pack):
        if v.operator in (Operator.GE, Operator.GT, None) and v.number and is_cost(ind, v, pack):
            op = str(v.operator) if v.operator else "≥（未写符号，按 ≥ 理解）"
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      op=op, expected=f"≤{fmt_num(v.number)}{v.unit or ''}")


_YES = re.compile(r"^(是|有|已|已开展|已完成|√|✓|开展|完成)")


_TICKED = "√✓✔☑■▇●"
_BOXES = "□☐○"


def ticked(text: str) -> str:
    """A check-box cell reduced to what is ticked: "新增项目□延续项目√" → "延续项目";
    text without check boxes is returned as it is."""
    if not any(ch in text for ch in _TICKED + _BOXES):
        return text
    parts = re.split(f"([{_TICKED}{_BOXES}])", text.strip())
    marks_first = parts[0] == ""  # "□新增 ☑延续": each box precedes its option
    chosen = []
    for i, part in enumerate(parts):
        if part and part in _TICKED:
            j = i + 1 if marks_first else i - 1
            chosen.append(parts[j].strip() if 0 <= j < len(parts) else "")
    return "、".join(c for c in chosen if c)


def _is_new(sub: Submission) -> tuple[bool, CellRef | None]:
    flag, attr = sub.head("new_project"), sub.head("attribute")
    if isinstance(flag.value, str):
        value = ticked(flag.value).strip()
        if value in ("是", "新增") or "新增" in value:
            return True, flag.ref
    if isinstance(attr.value, str) and "新增" in ticked(attr.value):
        return True, attr.ref
    return False, None


def _assessed(sub: Submission, pack: RulePack) -> bool:
    """Any 事前评估 mark: the field says yes, or a text mentions it done."""
    field = sub.head("pre_assessment")
    if isinstance(field.value, str):
        return bool(_YES.match(field.value.strip()))
    texts = [f.value for f in (*sub.extra.values(), *sub.goals.values(), *sub.header.values())
             if isinstance(f.value, str)]
    marks = pack.goal.pre_assessment_marks
    return any(m in t and not re.search(r"(未|没有|无需|不需)[^，。；]{0,4}" + m, t)
               for t in texts for m in marks)


@rule(code="G107", name="pre-assessment-missing", severity=Severity.WARNING, forms=_GOAL,
      settings=("goal.pre_assessment_min", "goal.pre_assessment_marks"),
      message="{where}：新增项目年度资金 {actual} 万元，达到 {expected} 万元，但表中没有事前绩效评估的标注。"
              "请开展事前绩效评估并在表中注明（如“事前评估：已开展”）。")
def pre_assessment_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：新增项目的年度资金达到规则包门槛（默认 50 万元），表中却没有“已开展事前绩效评估”的标注。
    原因：新增重大项目应先开展事前绩效评估，再申请预算（如湘潭市雨湖区对 50 万元以上新增项目开展事前评估）。
    示例：项目属性“新增”，年度资金总额 80 万元，表中未提事前评估。
    修正：开展事前绩效评估，并在“事前评估”栏或备注中注明“已开展”。
    配置项：goal.pre_assessment_min（万元）；goal.pre_assessment_marks（表示已评估的字样）。
    """
    new, ref = _is_new(sub)
    if not new:
        return
    amount = number_of(fund_amount(sub, "annual", "total"))
    if amount is None:
        yield Insufficient("年度资金总额未能读取，无法判断是否需要事前评估", ref)
        return
    if amount >= pack.goal.pre_assessment_min - 1e-9 and not _assessed(sub, pack):
        where = sub.head("pre_assessment").ref or fund_amount(sub, "annual", "total").ref or ref
        yield hit(where, actual=fmt_num(amount), expected=fmt_num(pack.goal.pre_assessment_min))


@rule(code="G108", name="target-vague", severity=Severity.WARNING, forms=_GOAL,
      settings=("goal.vague_words", "goal.qualitative_standard"),
      message="{where}：指标「{name}」的指标值「{actual}」{why}，年底无法判断是否完成。"
              "请改为可衡量的目标（{expected}）。")
def target_vague(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：定性指标值含“提高、改善、加强、有效”等模糊字眼且没有任何数值，无法考核；数量、成本指标的指标值写成文字（或一句含数字的描述），没有写成“符号＋数值＋单位”。
    原因：目标必须可衡量（SMART 原则），“有效提升”这类表述年底无从判断完成与否。
    示例：“群众生活水平有效提升”。“效果明显”“应保尽保”等规范定性表述不报。
    修正：改为定量目标（如“≥95%”），或写明可判断的标准（如“较上年提高 5 个百分点”）。
    配置项：goal.vague_words（模糊字眼）；goal.qualitative_standard（不视为模糊的规范表述）。
    """
    standard = {norm_text(s) for s in pack.goal.qualitative_standard}
    for ind in sub.indicators:
        f = ind.get("target")
        text = norm_text(f.value) if isinstance(f.value, str) else ""
        if (not text or text in standard or is_placeholder(f.value, pack)
                or target_value(ind, pack).kind is not ValueKind.QUALITATIVE):
            continue
        measured = norm_level(ind.level2) in _MEASURED_L2 | cost_l2(pack)
        if re.search(r"\d", text):
            if measured:
                yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(f),
                          why="是一句描述，没有写成“符号＋数值＋单位”", expected="如“≥2400平方米”“≤5万元”")
            continue
        word = next((w for w in pack.goal.vague_words if w in text), None)
        if word or measured:
            why = f"表述模糊（含“{word}”且没有数值）" if word else f"没有数值（{ind.level2}应可计量）"
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(f), why=why,
                      expected="如“≥95%”或“较上年提高5个百分点”")


_MEASURED_L2 = {"数量指标"}  # with the cost 二级: their targets are numbers

