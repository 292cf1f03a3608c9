"""H1xx: header and structure rules shared by both forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import WHOLE_DEPARTMENT, Field, FormKind, Severity, Submission
from ..values import clip
from .common import HEADER_LABELS, header_field, is_placeholder, missing, shown
from .registry import ALL_FORMS, Outcome, hit, rule

if TYPE_CHECKING:
    from ..config import RulePack

_BOTH = (FormKind.GOAL, FormKind.SELFEVAL)


def required_keys(sub: Submission, pack: RulePack) -> tuple[str, ...]:
    """Header keys a form of this kind must fill (a 部门整体 form has no project and one body:
    its department, for which a unit field stands in)."""
    keys = pack.goal.required_header if sub.kind is FormKind.GOAL else pack.goal.selfeval_required_header
    if sub.variant == WHOLE_DEPARTMENT:
        return tuple(k for k in keys if k not in ("project", "unit"))
    return tuple(keys)


@rule(code="H101", name="required-header-missing", severity=Severity.ERROR, forms=_BOTH,
      settings=("goal.required_header", "goal.selfeval_required_header"),
      message="{where}：必填项「{field}」{state}。请填写{field}（{hint}）。")
def required_header_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：表头必填项（项目名称、主管部门、实施单位，申报表还有年度总体目标）为空。模板里根本没有“实施单位”一栏（只有主管部门，或只有预算单位）的，以另一栏为准，不报；部门整体支出绩效表（标题含“部门整体”）不要求项目名称，部门或预算单位填写其一即可。
    原因：缺少这些内容，无法确定表格属于哪个单位、哪个项目，也无法审核目标是否合理。
    示例：“实施单位”右侧单元格空白；申报表“年度总体目标”未填写。
    修正：在对应单元格填写完整名称；年度总体目标应概括本年度要完成的主要任务和预期效果。
    配置项：goal.required_header（申报表必填项）；goal.selfeval_required_header（自评表必填项）。
    """
    for key in required_keys(sub, pack):
        f = header_field(sub, key)
        other = _STANDS_IN.get(key)
        if f.ref is None and other is not None and header_field(sub, other).ref is not None:
            continue  # the template has no such field: the other one names the body (and is checked itself)
        if missing(f) and not f.formula_uncached:
            name = HEADER_LABELS.get(key, key)
            state = "为空" if f.ref else "未找到（表中没有这一栏，或栏目名称被改动）"
            yield hit(f.ref, field=name, expected=f"填写{name}", actual="（空）", state=state,
                      hint=_HINTS.get(key, "按实际情况填写"))


# a field a template may not have at all, and the field that then names the same body
_STANDS_IN = {"unit": "department", "department": "unit"}

_HINTS = {
    "project": "与预算批复中的项目名称一致",
    "department": "填写主管部门全称",
    "unit": "填写实施单位全称",
    "annual_goal": "概括本年度要完成的主要任务和预期效果",
}


@rule(code="H102", name="header-placeholder", severity=Severity.ERROR, forms=_BOTH,
      settings=("goal.placeholders",),
      message="{where}：必填项「{field}」填的是占位符「{actual}」。请改为实际内容。")
def header_placeholder(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：表头必填项只填了占位符，如“XX”“***”“略”“待定”，或模板的填写说明（“请填写…”“（200字以内）”）。
    原因：占位符等于没有填写，模板里的示例文字也常被原样提交。
    示例：项目名称填“XX项目”之外的“XX”；年度总体目标填“略”。
    修正：把占位符替换为实际内容。
    配置项：goal.placeholders（视为占位符的整格内容）。
    """
    for key in required_keys(sub, pack):
        f = header_field(sub, key)
        if not f.blank and (is_placeholder(f.value, pack)
                            or (isinstance(f.value, str) and pack.lexicon().is_instruction(f.value))):
            yield hit(f.ref, field=HEADER_LABELS.get(key, key), actual=shown(f),
                      expected="实际内容")


@rule(code="H103", name="no-indicators", severity=Severity.ERROR, forms=_BOTH,
      message="{where}：没有读到任何绩效指标（一级、二级、三级指标和指标值）。请在“绩效指标”栏逐行填写指标。")
def no_indicators(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：表格中“绩效指标”部分一行指标也没有。
    原因：没有指标就无法审核目标、也无法计算自评得分。
    示例：只填了表头和资金，指标区域全部空白。
    修正：按产出、效益、满意度等一级指标逐行填写三级指标和指标值。
    配置项：无。
    """
    if not sub.indicators:  # the whole sheet, not a cell: no cell is the honest location
        yield hit(None, expected="至少一行指标", actual="0 行")


@rule(code="H104", name="amounts-in-yuan", severity=Severity.INFO, forms=ALL_FORMS,
      message="{where}：{reason}（÷10000），各项金额按万元审核和计算。请核对换算后的金额；今后请按模板以万元填报。")
def amounts_in_yuan(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：项目资金的标签、栏目名称或“单位：元”一行注明金额单位为元，读取时已把金额换算为万元。
    原因：规则的金额门槛（如事前评估 50 万元）和报告都以万元为单位；按元读成万元会把 30 万元当成 300000 万元。
    示例：“项目资金（元）”下年度资金总额填 300000，按 30 万元审核。
    修正：无需修改即可审核；建议按模板以万元填报。执行率、分值和得分不受影响。
    配置项：无。
    """
    for issue in sub.issues:
        if issue.kind == "amount_in_yuan":
            yield hit(issue.ref, reason=issue.detail, expected="万元", actual="元")


@rule(code="H105", name="template-leftovers", severity=Severity.INFO, forms=_BOTH,
      message="{where}：{detail}。如这些行确是指标，请补全三级指标名称和指标值；否则可删除。")
def template_leftovers(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：指标表中有模板遗留的行（只有一级或二级指标名称、“……”“指标1”之类的示例文字），读取时不当作指标。
    原因：模板里预留的空行和示例行常被原样留下；把它们当作指标会产生大量误报。每张表最多提示一次。
    示例：二级指标“经济效益指标”一行，三级指标、指标值都空白；三级指标写“……”。
    修正：无需修改即可审核；整理表格时可删除这些行。
    配置项：无（遗留内容的写法见读取词表 lexicon.toml 的 [leftovers]）。
    """
    for issue in sub.issues:
        if issue.kind == "template_leftover":
            yield hit(issue.ref, detail=issue.detail, expected="指标行或删除", actual=issue.text)
            return


@rule(code="H108", name="several-target-columns", severity=Severity.INFO, forms=_BOTH,
      message="{where}：{detail}。其余各列请人工核对。")
def several_target_columns(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：指标值按下达地区或单位分列填写（一列一个乡镇、街道或县区），pbm 只按第一列审核。
    原因：分配到多个地区的资金表常这样填；各列的指标值都要有符号、数值和单位，这里只能自动检查第一列。
    示例：“指标方向 | 笏石街道办 | 埭头镇”，每个指标一行、每个地区一列。
    修正：无需修改；请人工核对其余各列。
    配置项：无。
    """
    for issue in sub.issues:
        if issue.kind == "several_targets":
            yield hit(issue.ref, detail=issue.detail, expected="逐列核对", actual=issue.text)


_TEXT_FIELDS = (("goals", "annual", "年度目标（预期目标）"), ("goals", "annual_actual", "实际完成情况"),
                ("goals", "midterm", "中期目标"), ("extra", "conclusion", "评价结论"),
                ("extra", "problems", "存在问题"), ("extra", "measures", "改进措施"))


_AMOUNT_ONLY = re.compile(r"^\s*[-+]?[\d,，]+(?:\.\d+)?\s*(?:万元|元|%)?\s*$")


def _text_fields(sub: Submission) -> Iterator[tuple[str, Field]]:
    for where, key, name in _TEXT_FIELDS:
        f = getattr(sub, where).get(key)
        if f is not None and not f.blank and f.ref is not None:
            yield name, f


@rule(code="H106", name="goal-text-only-numbers", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：「{field}」只填了数字「{actual}」，没有写目标内容。请用文字写明年度要完成的任务和效果（或实际完成情况）。")
def goal_text_only_numbers(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：年度总体目标、实际完成情况等文字栏只填了一个数字（常见的是预算数、执行数）。
    原因：目标栏应说明做什么、做到什么程度，只写金额无法审核目标是否合理、是否完成。
    示例：预期目标填“287”，实际完成情况填“171”。
    修正：用文字概括年度任务、产出和效果。
    配置项：无。
    """
    for name, f in _text_fields(sub):
        if isinstance(f.value, float) or _AMOUNT_ONLY.match(str(f.value)):
            yield hit(f.ref, field=name, actual=shown(f), expected="目标内容")


@rule(code="H107", name="instruction-text-left", severity=Severity.WARNING, forms=_BOTH,
      message="{where}：「{field}」填的是模板的填写说明「{actual}」，不是本单位的内容。请按实际情况填写。")
def instruction_text_left(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：文字栏（年度目标、实际完成情况、评价结论、存在问题、改进措施等）里留着模板的填写说明。
    原因：“结合自评情况，说明…（200字以内）”“请填写…”这类文字是模板提示，留着等于没有填写。表头必填项（项目名称等）留着说明文字由 H102 报告。
    示例：评价结论一栏写着“……(100字以内)”。
    修正：删去说明文字，填写实际内容。
    配置项：无（说明文字的写法见读取词表 lexicon.toml 的 [instructions]）。
    """
    lex = pack.lexicon()
    required = {header_field(sub, k).ref for k in required_keys(sub, pack)}
    for name, f in _text_fields(sub):
        if isinstance(f.value, str) and lex.is_instruction(f.value) and f.ref not in required:
            yield hit(f.ref, field=name, actual=clip(f.value, 40), expected="实际内容")


@rule(code="H190", name="data-insufficient", severity=Severity.INFO, forms=ALL_FORMS,
      message="{where}：{need}，无法进行 {rules} 检查，请人工核对。")
def data_insufficient(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：某项检查所需的数据缺失或无法读取，这项检查没有执行。
    原因：缺少数据时不能当作“检查通过”；以提示的形式列出，提醒审核人员人工核对。
    示例：自评表全年预算数为 0，无法计算执行率；定性指标的完成情况不是三档标准表述之一。
    修正：补全提示中所说的数据；同一单元格已有其他错误时，本提示不再重复出现。
    配置项：无（由其他规则在数据不足时产生）。
    """
    yield from ()
