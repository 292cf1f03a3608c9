"""A Submission as plain data: the JSON of ``pbm inspect --format json``.

Schema "pbm.inspect/1" (stable; fields are only ever added):

    {"schema", "path", "sha256", "kind", "kind_label", "variant", "template_version", "sheet",
     "header": {key: FIELD}, "goals": {key: FIELD}, "funds": {block: {row: {column: FIELD}}},
     "indicators": [{"row", "block", "level1", "level2", "name", "target": VALUE,
                     "actual": VALUE | null, "weight", "score", "not_applicable",
                     "cells": {key: "B13"}, "fields": {key: FIELD}}],
     "totals": {key: FIELD}, "extra": {key: FIELD},
     "issues": [{"kind", "sheet", "cell", "text", "detail"}]}
    FIELD = {"value", "text", "sheet", "cell", "percent", "formula_uncached"}
    VALUE = {"kind", "text", "display", "operator", "number", "unit", "term", "reason"}
"""

from __future__ import annotations

from typing import Any

from ..model import FUND_ROW_NAMES, Field, Indicator, IndicatorValue, ReadIssue, Submission

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


def submission_dict(sub: Submission) -> dict[str, Any]:
    """Everything the reader understood, as JSON-ready data."""
    return {
        "schema": SCHEMA, "path": sub.path, "sha256": sub.sha256, "kind": sub.kind.value,
        "kind_label": sub.kind.label, "variant": sub.variant, "template_version": sub.template_version,
        "sheet": sub.sheet, "header": _fields(sub.header), "goals": _fields(sub.goals),
        "funds": {b: {r: _fields(cols) for r, cols in rows.items()} for b, rows in sub.funds.items()},
        "indicators": [indicator_dict(i) for i in sub.indicators],
        "totals": _fields(sub.totals), "extra": _fields(sub.extra),
        "issues": [issue_dict(i) for i in sub.issues],
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
}
FUND_ROW_LABELS = FUND_ROW_NAMES
FUND_COL_LABELS = {"initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数", "weight": "分值",
                   "rate": "执行率", "score": "得分", "amount": "金额", "forecast": "全年预计执行数",
                   "forecast_rate": "预计执行率", "reason": "偏差原因"}
BLOCK_LABELS = {"annual": "年度", "midterm": "中期"}
VARIANT_LABELS = {"national": "全国通用格式", "city_ab": "市级格式（A/B 标注）",
                  "sichuan": "四川格式（指标性质/度量单位）"}
