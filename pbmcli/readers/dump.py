"""A Submission as plain data: the JSON of ``pbm inspect --format json``.

Schema "pbm.inspect/1" (stable; fields are only ever added):

    {"schema", "path", "sha256", "kind", "kind_label", "variant", "template_version", "sheet",
     "header": {key: FIELD}, "goals": {key: FIELD}, "funds": {block: {row: {column: FIELD}}},
     "indicators": [{"row", "block", "level1", "level2", "name", "target": VALUE,
                     "actual": VALUE | null, "weight", "score", "not_applicable",
                     "cells": {key: "B13"}, "fields": {key: FIELD}}],
     "totals": {key: FIELD}, "extra": {key: FIELD},
     "issues": [{"kind", "sheet", "cell", "text", "detail"}],
     "not_found": [{"section", "key", "name", "looked_for": [label, …], "more": int}]}
    FIELD = {"value", "text", "sheet", "cell", "percent", "formula_uncached"}
    VALUE = {"kind", "text", "display", "operator", "number", "unit", "term", "reason"}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import FUND_ROW_NAMES, Field, Indicator, IndicatorValue, ReadIssue, Submission

if TYPE_CHECKING:
    from .labels import Lexicon

SCHEMA = "pbm.inspect/1"


def field_dict(f: Field) -> dict[str, Any]:
    return {"value": f.value, "text": f.text, "sheet": f.sheet, "cell": f.cell,
            "percent": f.percent, "formula_uncached": f.formula_uncached}


def value_dict(v: IndicatorValue | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {"kind": v.kind.value, "text": v.text, "display": v.display(),
            "operator": v.operator.value if v.operator else None, "number": v.number,
            "unit": v.unit, "term": v.term, "reason": v.reason}


def indicator_dict(ind: Indicator) -> dict[str, Any]:
    return {
        "row": ind.row, "block": ind.block, "level1": ind.level1, "level2": ind.level2,
        "name": ind.name, "target": value_dict(ind.target), "actual": value_dict(ind.actual),
        "weight": ind.weight, "score": ind.score, "not_applicable": ind.not_applicable,
        "cells": {k: f.cell for k, f in ind.fields.items()},
        "fields": {k: field_dict(f) for k, f in ind.fields.items()},
    }


def issue_dict(issue: ReadIssue) -> dict[str, Any]:
    return {"kind": issue.kind, "sheet": issue.ref.sheet if issue.ref else None,
            "cell": issue.ref.cell if issue.ref else None, "text": issue.text, "detail": issue.detail}


def _fields(d: dict[str, Field]) -> dict[str, Any]:
    return {k: field_dict(f) for k, f in d.items()}


# fields a form of each kind is expected to have: (section, key) in the lexicon
_EXPECTED: dict[str, tuple[tuple[str, str], ...]] = {
    "goal": (("header", "project"), ("header", "department"), ("header", "unit"), ("goals", "annual"),
             ("fund_rows", "total"), ("indicator", "level1"), ("indicator", "level2"),
             ("indicator", "name"), ("indicator", "target")),
    "selfeval": (("header", "project"), ("header", "department"), ("header", "unit"), ("fund_rows", "total"),
                 ("fund_columns", "budget"), ("fund_columns", "spent"), ("fund_columns", "weight"),
                 ("fund_columns", "score"), ("indicator", "level1"), ("indicator", "level2"),
                 ("indicator", "name"), ("indicator", "target"), ("indicator", "actual"),
                 ("indicator", "weight"), ("indicator", "score")),
}
_SECTION_NAMES = {"header": "表头", "goals": "目标", "fund_rows": "项目资金（行）",
                  "fund_columns": "项目资金（栏）", "indicator": "绩效指标（栏）"}
_SHOWN_LABELS = 8


def _found(sub: Submission, section: str, key: str) -> bool:
    annual = sub.funds.get("annual", {})
    if section == "header":
        return key in sub.header and sub.header[key].ref is not None
    if section == "goals":
        return key in sub.goals and sub.goals[key].ref is not None
    if section == "fund_rows":
        return bool(annual.get(key))
    if section == "fund_columns":
        return any(key in row for row in annual.values())
    return any(key in ind.fields for ind in sub.indicators)


def not_found(sub: Submission, lex: Lexicon | None = None) -> list[dict[str, Any]]:
    """Every field a form of this kind is expected to have that the reader did not find, with
    the labels it looked for (so a clerk can see which variant to add in pbm.toml [labels])."""
    from .labels import builtin_lexicon

    lex = lex or builtin_lexicon()
    out = []
    for section, key in _EXPECTED.get(sub.kind.value, ()):
        if section == "indicator" and not sub.indicators:
            continue  # no table at all: H103 says so; the columns would all be listed
        if _found(sub, section, key):
            continue
        labels = lex.synonyms(section, key)
        out.append({"section": section, "section_name": _SECTION_NAMES[section], "key": key,
                    "name": KEY_LABELS.get(key, labels[0] if labels else key),
                    "looked_for": list(labels[:_SHOWN_LABELS]), "more": max(0, len(labels) - _SHOWN_LABELS)})
    return out


def submission_dict(sub: Submission, lex: Lexicon | None = None) -> dict[str, Any]:
    """Everything the reader understood, as JSON-ready data."""
    return {
        "schema": SCHEMA, "path": sub.path, "sha256": sub.sha256, "kind": sub.kind.value,
        "kind_label": sub.kind.label, "variant": sub.variant, "template_version": sub.template_version,
        "sheet": sub.sheet, "header": _fields(sub.header), "goals": _fields(sub.goals),
        "funds": {b: {r: _fields(cols) for r, cols in rows.items()} for b, rows in sub.funds.items()},
        "indicators": [indicator_dict(i) for i in sub.indicators],
        "totals": _fields(sub.totals), "extra": _fields(sub.extra),
        "issues": [issue_dict(i) for i in sub.issues],
        "not_found": not_found(sub, lex),
    }


# Chinese names of the keys, for people (pbm inspect, messages of other modules)
KEY_LABELS = {
    "project": "项目名称", "department": "主管部门", "department_code": "主管部门代码", "unit": "实施单位",
    "unit_code": "单位编码", "attribute": "项目属性", "period": "项目期", "year": "年度",
    "category": "项目类别", "new_project": "是否新增项目", "pre_assessment": "事前评估",
    "leader": "项目负责人", "finance_leader": "财务负责人", "contact": "填报人/联系人",
    "phone": "联系电话", "date": "填报日期", "month": "监控截止月份",
    "annual": "年度目标", "annual_actual": "实际完成情况", "midterm": "中期目标",
    "current": "截至当前完成情况", "conclusion": "评价结论", "problems": "存在问题",
    "measures": "改进措施", "grade": "自评等级", "weight": "分值", "score": "得分",
    "superior_department": "上级主管部门", "total": "资金总额", "budget": "全年预算数", "spent": "全年执行数",
    "level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target": "年度指标值",
    "actual": "实际完成值", "other_notes": "其他需要说明事项",
}
# Chinese names of the reading notes' kinds (ReadIssue.kind), for people (pbm inspect)
ISSUE_LABELS = {
    "template_leftover": "模板遗留", "no_score_columns": "无分值得分栏", "amount_in_yuan": "金额单位为元",
    "several_targets": "指标值分列", "formula_uncached": "公式无缓存值", "hidden_sheet": "隐藏工作表",
    "multiple_forms": "多张表", "not_a_number": "应为数字", "out_of_bounds": "超出读取范围",
    "level1_inferred": "一级指标已推断", "wrong_extension": "扩展名不符", "column_missing": "栏目未识别",
}
FUND_ROW_LABELS = FUND_ROW_NAMES
FUND_COL_LABELS = {"initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数", "weight": "分值",
                   "rate": "执行率", "score": "得分", "amount": "金额", "forecast": "全年预计执行数",
                   "forecast_rate": "预计执行率", "reason": "偏差原因"}
BLOCK_LABELS = {"annual": "年度", "midterm": "中期"}
VARIANT_LABELS = {"national": "全国通用格式", "city_ab": "市级格式（A/B 标注）",
                  "sichuan": "指标性质/指标值/度量单位分栏格式",
                  "sichuan_zp": "四川部门预算项目支出绩效自评表格式（预算执行情况：总额/财政资金/财政专户管理资金/单位资金）",
                  "list": "清单格式（一行一个指标，单位、项目、预算数列在左侧）",
                  "department": "部门整体支出绩效表（表头是部门，没有项目名称）",
                  "investment": "中央预算内投资计划绩效目标表格式（实施效果指标下分产出、效益，没有二级指标）"}
