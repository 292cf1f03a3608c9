"""I1xx: indicator-table rules shared by goal declarations and self-evaluations."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import FormKind, Indicator, Severity, Submission, ValueKind, num_text
from ..values import parse_number
from .common import (
    FIELD_LABELS,
    NO_LEVEL2,
    blank_state,
    ind_ref,
    is_process,
    label,
    missing,
    norm_level,
    norm_text,
    placeholder_cell,
    shown,
    target_value,
    trees,
)
from .registry import Outcome, hit, rule

if TYPE_CHECKING:
    from ..config import RulePack

_BOTH = (FormKind.GOAL, FormKind.SELFEVAL)
_TREE = ("indicator_tree.version", "indicator_tree.accept_other",
         "indicator_tree.tree_2021", "indicator_tree.tree_2015")



@rule(code="I101", name="level1-unknown", severity=Severity.ERROR, forms=_BOTH, settings=_TREE,
      message="{where}：一级指标「{actual}」不是规范名称，应为 {expected} 之一。请从下拉列表中选择。")
def level1_unknown(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：一级指标名称不在指标体系中（2021 版：产出、效益、满意度、成本指标；2015 版成本在产出之下）。
    原因：一级指标决定权重分配和覆盖检查，名称不规范就无法归类。
    示例：一级指标写成“工作指标”“社会指标”。写“产出”“产出指标(50分)”可以识别，不报错。
    修正：改为 产出指标 / 效益指标 / 满意度指标 / 成本指标 之一。
    配置项：indicator_tree.version、indicator_tree.accept_other、indicator_tree.tree_2021、indicator_tree.tree_2015。
    """
    valid = set().union(*(t.keys() for t in trees(pack)))
    for ind in sub.indicators:
        if placeholder_cell(ind, "level1", pack):
            continue
        if norm_level(ind.level1) not in valid:
            yield hit(ind_ref(ind, "level1"), actual=ind.level1 or "（空）",
                      expected="、".join(f"「{x}」" for x in pack.indicator_tree.primary))


@rule(code="I102", name="level2-unknown", severity=Severity.ERROR, forms=_BOTH, settings=_TREE,
      message="{where}：二级指标「{actual}」不是规范名称，「{level1}」下应为 {expected} 之一。请从下拉列表中选择。")
def level2_unknown(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：二级指标名称不在指标体系中（中央预算内投资计划绩效目标表没有二级指标，不检查）。
    原因：二级指标（数量、质量、时效、成本、经济效益、社会效益……）决定指标的归类和覆盖检查。
    示例：二级指标写成“完成指标”；“数量”“社会效益”可以识别，不报错。
    修正：按一级指标选择对应的规范二级指标名称。
    配置项：indicator_tree.version、indicator_tree.accept_other、indicator_tree.tree_2021、indicator_tree.tree_2015。
    """
    all_l2 = set().union(*(v for t in trees(pack) for v in t.values()))
    if sub.variant == NO_LEVEL2:
        return
    for ind in sub.indicators:
        if placeholder_cell(ind, "level2", pack):
            continue
        if norm_level(ind.level2) not in all_l2:
            l1 = norm_level(ind.level1)
            allowed = pack.indicator_tree.primary.get(l1) or sorted(all_l2)
            yield hit(ind_ref(ind, "level2"), actual=ind.level2 or "（空）", level1=ind.level1 or "一级指标",
                      expected="、".join(f"「{x}」" for x in allowed))


@rule(code="I103", name="level2-wrong-parent", severity=Severity.ERROR, forms=_BOTH, settings=_TREE,
      message="{where}：二级指标「{level2}」不属于一级指标「{actual}」，应放在 {expected} 之下。请调整所在行或改正一级指标。")
def level2_wrong_parent(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：二级指标是规范名称，但放在了错误的一级指标之下。
    原因：归类错误会让权重合计和覆盖检查出错（如把“服务对象满意度指标”放在“效益指标”下）。
    示例：一级“效益指标”下出现二级“数量指标”。
    修正：把该行移到正确的一级指标下，或改正一级指标名称。
    配置项：indicator_tree.version、indicator_tree.accept_other、indicator_tree.tree_2021、indicator_tree.tree_2015。
    """
    accepted = trees(pack)
    all_l1 = set().union(*(t.keys() for t in accepted))
    all_l2 = set().union(*(v for t in accepted for v in t.values()))
    for ind in sub.indicators:
        l1, l2 = norm_level(ind.level1), norm_level(ind.level2)
        if l1 not in all_l1 or l2 not in all_l2:
            continue  # I101 / I102 report unknown names
        if not any(l2 in t.get(l1, set()) for t in accepted):
            parents = sorted({k for t in accepted for k, v in t.items() if l2 in v})
            yield hit(ind_ref(ind, "level2"), level2=ind.level2, actual=ind.level1,
                      expected="、".join(f"「{p}」" for p in parents))


@rule(code="I104", name="indicator-name-missing", severity=Severity.ERROR, forms=_BOTH,
      message="{where}：第 {row} 行有指标值或分值，但三级指标名称{state}。请填写具体的三级指标名称（如“培训人数”）。")
def indicator_name_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：指标行没有三级指标名称，或名称只是一个数字。
    原因：三级指标是具体考核的内容，没有名称就不知道考核什么。
    示例：一级、二级指标和指标值都填了，三级指标一栏空白；三级指标栏只填了“88”。
    修正：填写具体、可衡量的三级指标名称。
    配置项：无。
    """
    for ind in sub.indicators:
        f = ind.get("name")
        if missing(f):
            yield hit(ind_ref(ind, "name"), row=ind.row, expected="三级指标名称", actual="（空）", state="为空")
        elif parse_number(f.value) is not None and not _CJK.search(ind.name):
            yield hit(ind_ref(ind, "name"), row=ind.row, expected="三级指标名称", actual=ind.name,
                      state=f"只填了数字「{ind.name}」")


_CJK = re.compile(r"[\u4e00-\u9fff]")


@rule(code="I105", name="target-missing", severity=Severity.ERROR, forms=_BOTH,
      message="{where}：指标「{name}」的指标值{state}。请填写指标值（如“≥95%”“≥12个”或“达成年度指标”）。")
def target_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：指标没有填写指标值（年度指标值）。
    原因：没有指标值就无法衡量目标是否完成，自评时也无法计分。
    示例：三级指标“培训人数”右侧指标值空白，或只填“/”“无”。
    修正：定量指标填“符号＋数值＋单位”（如 ≥95%），定性指标填可判断的表述。
    配置项：无（整格占位符如“XX”“待定”由 I110 报告）。
    """
    for ind in sub.indicators:
        f = ind.get("target")
        if f.formula_uncached or ind.not_applicable or placeholder_cell(ind, "target", pack) or is_process(ind, pack):
            continue
        if f.blank or target_value(ind, pack).kind is ValueKind.EMPTY:
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(f) if not f.blank else "（空）",
                      expected="指标值", state=blank_state(f))


def _quantitative_targets(sub: Submission, pack: RulePack) -> Iterator[tuple[Indicator, Any]]:
    for ind in sub.indicators:
        if ind.not_applicable or placeholder_cell(ind, "target", pack) or is_process(ind, pack):
            continue
        value = target_value(ind, pack)
        if value.kind is ValueKind.QUANTITATIVE:
            yield ind, value


@rule(code="I106", name="target-operator-missing", severity=Severity.WARNING, forms=(FormKind.GOAL,),
      message="{where}：指标「{name}」的指标值「{actual}」没有写指标性质符号，已按「{expected}」（越高越好）理解。"
              "如是越低越好或必须相等的指标，请改为 ≤ 或 ＝。")
def target_operator_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：申报表的定量指标值没有写指标性质（≥、>、=、≤、<），审核和复核时按 ≥（正向）理解。自评表的年度指标值照抄批复目标，不重复检查。
    原因：没有符号时多数指标是越高越好，但成本、时限类指标可能是越低越好，需要单位确认。
    示例：指标值只写“95%”“12个”。
    修正：加上符号，如“≥95%”“≤3个工作日”“=100%”；也可在“指标性质”栏单独填写。
    配置项：无。
    """
    for ind, value in _quantitative_targets(sub, pack):
        if value.operator is None and value.number is not None:
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      expected=f"≥{value.display()}")


@rule(code="I107", name="target-unit-missing", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：指标「{name}」的指标值「{actual}」没有计量单位，无法判断是百分比、个数还是金额。"
              "请写成「{expected}」这样的形式，或在指标名称后注明单位（如“惠及户数（户）”）。")
def target_unit_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：定量指标值只有数字，指标值、计量单位栏和指标名称中都没有计量单位。
    原因：“≥95”可能是 95%、95 个还是 95 万元，需要单位核实；不影响按数值比较计分。
    示例：指标值写“≥95”，没有单独的计量单位栏，指标名称也没有注明单位。名称写“惠及户数（户）”，或名称是“…率”“…比例”“…满意度”这类比率时不报。
    修正：写上单位，如“≥95%”“≥95个”；有“计量单位”栏的填在该栏。
    配置项：无。
    """
    from ..scoring import unit_mismatch

    for ind, value in _quantitative_targets(sub, pack):
        if sub.kind is FormKind.SELFEVAL and unit_mismatch(ind, pack) is not None:
            continue  # S214 says it: the target (1) against a percentage actual (98%)
        if not value.unit and value.number is not None and not _rate_name(ind.name) and not _date_serial(ind, value):
            where = ind.get("unit").ref or ind_ref(ind, "target")  # the 计量单位 cell when the form has one
            yield hit(where, name=label(ind), actual=shown(ind.get("target")),
                      expected=_with_unit(ind.name, value))


_RATE_NAME = re.compile(r"(?:率|比例|比率|占比|比重|满意度|覆盖面)\s*$")


def _rate_name(name: str) -> bool:
    """A rate's name (…率 / …比例 / …满意度): its bare number is a percentage, nothing to ask."""
    return bool(_RATE_NAME.search(re.sub(r"[(（][^()（）]*[)）]\s*$", "", name.strip())))


def _with_unit(name: str, value: Any) -> str:
    """The advised spelling for a count or an amount (rates are not reported)."""
    op = value.operator or "≥"
    return f"{op}{num_text(value.number)}＋单位（如 个、人次、户、万元）"


@rule(code="I108", name="target-unreadable", severity=Severity.ERROR, forms=_BOTH,
      message="{where}：指标「{name}」的指标值「{actual}」无法识别{reason}。请写成“符号＋数值＋单位”（如 ≥95%）或明确的定性表述。")
def target_unreadable(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：指标值写了内容，但既不是“符号＋数值＋单位”，也不是可识别的定性表述。
    原因：无法识别的指标值无法审核，自评时也无法计分。
    示例：“≥”（只有符号）、“95%~98%以上”、“≥九十五”。
    修正：改为“≥95%”这样的规范写法，或“达成年度指标”这样的定性表述。
    配置项：无。
    """
    for ind in sub.indicators:
        if ind.not_applicable or placeholder_cell(ind, "target", pack) or is_process(ind, pack):
            continue
        value = target_value(ind, pack)
        if value.kind is ValueKind.UNPARSEABLE:
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      expected="≥95% 或 达成年度指标", reason=f"（{value.reason}）" if value.reason else "")


@rule(code="I109", name="indicator-duplicated", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：指标「{name}」与 {related_cell} 的指标重复（{why}）。请删除重复行或改为不同的指标。")
def indicator_duplicated(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：同一指标区域中出现重复指标：一级、二级、三级名称都相同，或三级名称和指标值都相同，或不同的指标用了同一个三级名称。
    原因：重复指标会重复计分，也说明指标设置不够用心。
    示例：“产出指标/数量指标/培训人数 ≥100人次”出现两次。
    修正：删除重复的一行，或把它改成另一项指标。
    配置项：无。
    """
    by_path: dict[tuple[str, ...], Indicator] = {}
    by_value: dict[tuple[str, ...], Indicator] = {}
    by_name: dict[tuple[str, ...], Indicator] = {}
    for ind in sub.indicators:
        name = norm_text(ind.name)
        if not name:
            continue
        path = (ind.block, norm_level(ind.level1), norm_level(ind.level2), name)
        pair = (ind.block, name, norm_text(shown(ind.get("target"))))
        first, why = by_path.get(path), "一级、二级、三级名称均相同"
        if first is None:
            first, why = by_value.get(pair), "三级名称和指标值均相同"
        if first is None:
            first, why = by_name.get((ind.block, name)), "三级名称相同，无法区分考核内容"
        by_name.setdefault((ind.block, name), ind)
        if first is not None:
            ref = ind_ref(first, "name")
            yield hit(ind_ref(ind, "name"), name=label(ind), why=why, related=ref,
                      related_cell=ref.cell if ref else f"第 {first.row} 行",
                      expected="不重复的指标", actual=ind.name)
        by_path.setdefault(path, ind)
        by_value.setdefault(pair, ind)


_PLACEHOLDER_KEYS = ("level1", "level2", "name", "target")


@rule(code="I110", name="indicator-placeholder", severity=Severity.ERROR, forms=_BOTH,
      settings=("goal.placeholders",),
      message="{where}：「{field}」填的是占位符「{actual}」。请改为实际内容。")
def indicator_placeholder(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：指标表中必填的单元格（一级、二级、三级指标、指标值，自评表还有实际完成值）只填了占位符。
    原因：“XX”“***”“略”“——”“待定”等占位符等于未填，常见于照抄模板示例。
    示例：指标值填“≥XX%”，三级指标填“***”，实际完成值填“待定”。
    修正：替换为实际的指标名称和数值。偏差原因在无需说明时填“——”不受此规则约束。
    配置项：goal.placeholders（视为占位符的整格内容）。
    """
    keys = _PLACEHOLDER_KEYS + (("actual",) if sub.kind is FormKind.SELFEVAL else ())
    for ind in sub.indicators:
        for key in keys:
            if (key == "actual" and ind.not_applicable) or (key == "target" and is_process(ind, pack)):
                continue
            if placeholder_cell(ind, key, pack):
                yield hit(ind_ref(ind, key), field=FIELD_LABELS[key], actual=shown(ind.get(key)),
                          expected="实际内容")


@rule(code="I111", name="level1-inferred", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：{detail}。请在该行填写一级指标名称（或与上方的一级指标单元格合并）。")
def level1_inferred(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：一级指标单元格为空（也不在合并单元格内），而该行的二级指标属于另一个一级指标，读取时按二级指标归类。
    原因：空白的一级指标通常沿用上一行；但“社会效益指标”不可能属于上方的“产出指标”，按二级指标归入“效益指标”才对得上权重和覆盖检查。
    示例：产出指标的几行之后，一行二级指标为“社会效益指标”，一级指标栏空白。
    修正：在该行填写“效益指标”，或把它与同一一级指标的其他行合并。
    配置项：无（二级与一级的对应关系见读取词表 lexicon.toml 的 [levels.parents]）。
    """
    for issue in sub.issues:
        if issue.kind == "level1_inferred":
            yield hit(issue.ref, detail=issue.detail, expected="一级指标名称", actual="（空）")


def _funds_total(sub: Submission) -> float | None:
    """The year's funds in 万元: 年度资金总额 (全年预算数, else the goal form's amount)."""
    row = sub.funds.get("annual", {}).get("total", {})
    for col in ("budget", "amount", "initial"):
        f = row.get(col)
        if f is not None and f.number:
            return f.number
    return None


@rule(code="I112", name="cost-over-funds", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：成本指标「{name}」的指标值 {actual} 超过本项目年度资金总额 {expected} 万元。"
              "请核对成本指标的数值和单位（是否把总投资、多年资金写成了年度成本）。")
def cost_over_funds(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：成本类指标以万元（或元）表示的指标值大于项目的年度资金总额。
    原因：年度成本不应超过年度资金；超过时多半是把总投资、多年资金或别的项目的数写进了成本指标。
    示例：年度资金总额 372.29 万元，成本指标“道路交通设施 713万元”。
    修正：按本年度实际安排的资金改正成本指标值。
    配置项：goal.cost_keywords（名称含这些词且单位为元的也算成本指标）。
    """
    from .goal import is_cost

    total = _funds_total(sub)
    if total is None:
        return
    for ind, value in _quantitative_targets(sub, pack):
        if value.unit not in ("万元", "元") or value.number is None or not is_cost(ind, value, pack):
            continue
        amount = value.number / 10000 if value.unit == "元" else value.number
        if amount > total * 1.0001 + pack.goal.funds_tolerance:
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      expected=f"{num_text(total)}")


_DATE_NAME = re.compile(r"时间|日期|时限|期限|截止|完成于")


def _date_serial(ind: Indicator, value: Any) -> bool:
    """A 时效 value that is an Excel date serial shown as a number (44561 = 2021-12-31)."""
    n = value.number
    return (n is not None and float(n).is_integer() and 36526 <= n <= 54789  # 2000-01-01 … 2049-12-31
            and bool(_DATE_NAME.search(ind.name) or "时效" in ind.level2))


@rule(code="I113", name="date-as-number", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：时效指标「{name}」的指标值「{actual}」是日期的序列号（即 {expected}），单元格丢了日期格式。"
              "请把单元格设为日期格式，或直接写“{expected}前”。")
def date_as_number(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：时效类指标的指标值是 36526～54789 之间的整数，这是 Excel 的日期序列号（2000～2049 年），单元格丢了日期格式。
    原因：显示成“44,561”的时限无法审核，也无法与完成时间比较。
    示例：“项目财政资金到位时间”指标值 44561（即 2021-12-31）。
    修正：把单元格设为日期格式，或写成“2021年12月31日前”。
    配置项：无。
    """
    import datetime as dt

    for ind, value in _quantitative_targets(sub, pack):
        if _date_serial(ind, value):
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value.number))
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=shown(ind.get("target")),
                      expected=f"{day.year}年{day.month}月{day.day}日")


@rule(code="I114", name="cost-target-zero", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：成本指标「{name}」的指标值为 {actual}，成本为零无法考核。"
              "如金额不足 1 万元，请改用元为单位或保留小数（如“≤0.35万元/人”）。")
def cost_target_zero(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：成本类指标（以元或万元计）的指标值为 0。
    原因：成本指标应写明预算控制数；0 通常是把几千元按万元取整后成了 0。
    示例：“出差单位成本 0 万元/人”“办公费总成本 0 万元”。
    修正：改用元为单位，或保留小数。
    配置项：goal.cost_keywords。
    """
    from .goal import is_cost

    for ind, value in _quantitative_targets(sub, pack):
        unit = value.unit or shown(ind.get("unit"))
        if value.number == 0 and "元" in unit and is_cost(ind, dataclasses.replace(value, unit=unit), pack):
            yield hit(ind_ref(ind, "target"), name=label(ind), actual=f"{shown(ind.get('target'))}{'' if value.unit else unit}",
                      expected="大于 0 的成本控制数")
