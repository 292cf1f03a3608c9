"""Label vocabulary of the forms and the label index of a sheet.

Labels are compared after ``norm``: NFKC (full-width → half-width), all
whitespace and colons removed, "其中" prefixes dropped, upper case.  The 市级
variant's "(A)", "(B)", "(B/A)" suffixes and unit notes like "(万元)" are
stripped by ``base``; ``has_ab`` tells that the variant was seen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .workbook import Sheet

_SPACE_COLON = re.compile(r"[\s:：]+")
_SUFFIX = re.compile(r"\([^()]*\)$")  # "(A)", "(B/A)", "(万元)", "(权重)", "(计算方法或评判标准)"
_AB = re.compile(r"\((?:[A-Z](?:/[A-Z])?)\)$")

HEADER = {
    "project": ("项目名称",),
    "department": ("主管部门", "主管部门及代码", "主管单位", "主管部门名称", "主管部门(单位)"),
    "department_code": ("主管部门代码", "主管部门编码", "部门编码", "部门代码"),
    "unit": ("实施单位", "项目实施单位", "实施单位名称", "项目单位", "预算单位"),
    "unit_code": ("实施单位代码", "实施单位编码", "单位编码", "单位代码"),
    "attribute": ("项目属性",),
    "period": ("项目期", "项目周期", "项目实施期", "实施周期", "项目实施周期"),
    "year": ("年度", "评价年度", "预算年度", "自评年度", "所属年度"),
    "category": ("项目类别", "项目类型"),
    "new_project": ("是否新增项目", "新增/延续", "新增或延续", "是否新增"),
    "pre_assessment": ("事前评估", "是否开展事前评估", "是否开展事前绩效评估", "事前绩效评估",
                       "是否已开展事前评估", "是否已开展事前绩效评估"),
    "month": ("监控截止月份", "截止月份", "监控月份"),
    "leader": ("项目负责人",),
    "finance_leader": ("财务负责人",),
    "contact": ("联系人", "填报人", "填表人", "联系人及电话", "联系人及联系电话", "填报人及电话",
                "联系人和电话"),
    "phone": ("联系电话", "联系方式", "电话"),
    "date": ("填报日期", "填表日期"),
}

EXTRA = {
    "conclusion": ("评价结论", "自评结论"),
    "problems": ("存在问题", "存在的问题", "主要问题"),
    "measures": ("改进措施", "整改措施", "下一步改进措施", "改进意见"),
    "grade": ("自评等级", "评价等级"),
}

FUND_COLS = {
    "initial": ("年初预算数", "年初预算"),
    "budget": ("全年预算数", "调整后预算数", "全年预算", "预算数", "调整后预算"),
    "spent": ("全年执行数", "执行数", "实际执行数", "全年实际支出", "实际支出数", "截至当前执行数",
              "截至目前执行数", "累计执行数"),
    "forecast": ("全年预计执行数", "预计全年执行数"),
    "forecast_rate": ("预计执行率", "全年预计执行率"),
    "reason": ("执行偏差原因", "偏差原因"),
    "weight": ("分值",),
    "rate": ("执行率", "预算执行率"),
    "score": ("得分",),
}

FUND_ROWS = {
    "total": ("年度资金总额", "资金总额", "中期资金总额"),
    "appropriation": ("当年财政拨款", "本年财政拨款", "财政拨款", "财政资金"),
    "carryover": ("上年结转资金", "上年结转", "上年结余结转资金", "上年结余"),
    "other": ("其他资金",),
}

INDICATOR_COLS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标名称", "三级指标名称", "绩效指标名称", "具体指标"),
    "nature": ("指标性质", "计算符号", "指标方向"),
    "unit": ("度量单位", "计量单位", "单位"),
    "target": ("年度指标值", "指标值", "目标值", "预期指标值", "中期指标值", "年度目标值", "全年指标值"),
    "actual": ("实际完成值", "全年实际完成值", "完成值", "实际值", "全年完成值"),
    "weight": ("分值", "权重"),
    "score": ("得分", "自评得分"),
    "reason": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因分析", "未完成原因分析及改进措施",
               "偏差原因分析及整改措施", "偏差原因分析及纠偏措施", "原因分析", "偏差原因"),
    "reason_type": ("偏差原因类型",),
    "explanation": ("指标解释", "指标解释(计算方法或评判标准)", "指标解释(计算方法)"),
    "basis": ("取值依据", "指标值设定依据"),
    "current": ("当前完成值", "截至目前完成值", "截至当前完成值", "当前实际完成值", "绩效指标完成情况"),
    "forecast": ("全年预计完成情况", "全年预计完成值", "预计全年完成值"),
    "likelihood": ("完成目标可能性", "完成可能性", "完成可能性分析"),
    "remark": ("备注",),
}

GOALS = {
    "annual": ("预期目标", "年度目标", "年度总体目标", "年度绩效目标", "总体目标"),
    "annual_actual": ("实际完成情况",),
    "midterm": ("中期目标", "中期绩效目标"),
    "current": ("截至当前目标完成情况", "目标完成情况"),
}

TOTAL_ROW = ("总分", "合计", "总计", "合计得分", "总得分", "自评总分", "总分值")

KNOWN_LEVELS = {
    "产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标", "时效指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
    "经济成本指标", "社会成本指标", "生态环境成本指标",
}
_LEVEL_SUFFIX = re.compile(r"[(（]\s*(?:\d+(?:\.\d+)?\s*分?|[A-Za-z]+)\s*[)）]$")


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """Comparable form of a label."""
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE_COLON.sub("", s).upper()
    if s.startswith("其中") and len(s) > 2:
        s = s[2:].lstrip(",、")
    return s


@lru_cache(maxsize=8192)
def base(label: str) -> str:
    """A normalised label without trailing notes in brackets: (A), (B/A), (万元), (权重) …"""
    prev = None
    while prev != label:
        prev, label = label, _SUFFIX.sub("", label)
    return label


def has_ab(label: str) -> bool:
    return bool(_AB.search(label))


def canon_level(text: str) -> str:
    """"产出（50分）" → "产出指标"; unknown names are returned trimmed."""
    s = _LEVEL_SUFFIX.sub("", unicodedata.normalize("NFKC", text).strip())
    s = _SPACE_COLON.sub("", s)
    if not s.endswith("指标") and s + "指标" in KNOWN_LEVELS:
        return s + "指标"
    return s


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {norm(syn): key for key, syns in table.items() for syn in syns}


HEADER_BY_LABEL = _lookup(HEADER)
EXTRA_BY_LABEL = _lookup(EXTRA)
FUND_COL_BY_LABEL = _lookup(FUND_COLS)
FUND_ROW_BY_LABEL = _lookup(FUND_ROWS)
INDICATOR_BY_LABEL = _lookup(INDICATOR_COLS)
GOAL_BY_LABEL = _lookup(GOALS)
TOTAL_LABELS = {norm(t) for t in TOTAL_ROW}
ALL_LABELS = (set(HEADER_BY_LABEL) | set(EXTRA_BY_LABEL) | set(FUND_COL_BY_LABEL)
              | set(FUND_ROW_BY_LABEL) | set(INDICATOR_BY_LABEL) | set(GOAL_BY_LABEL) | TOTAL_LABELS
              | {"项目资金", "项目资金(万元)", "绩效指标", "年度绩效指标", "中期绩效指标", "中期资金总额"})


@dataclass
class LabelIndex:
    """Every text cell of a sheet (merge anchors only) with its normalised label."""

    sheet: Sheet
    cells: list[tuple[int, int, str]] = field(default_factory=list)  # r, c, norm
    by_row: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    colon: list[tuple[int, int]] = field(default_factory=list)  # cells whose text has a colon
    inline: set[tuple[int, int]] = field(default_factory=set)  # "项目负责人：张三" cells

    @classmethod
    def build(cls, sheet: Sheet) -> LabelIndex:
        idx = cls(sheet)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.strip() and not sheet.is_continuation(r, c):
                    label = norm(value)
                    idx.cells.append((r, c, label))
                    idx.by_row.setdefault(r, []).append((c, label))
                    if "：" in value or ":" in value:
                        idx.colon.append((r, c))
                        if norm(re.split(r"[:：]", value, maxsplit=1)[0]) in ALL_LABELS:
                            idx.inline.add((r, c))
        return idx

    def label_at(self, r: int, c: int) -> str:
        """Normalised text of the anchor covering (r, c) ('' when not text)."""
        ar, ac = self.sheet.anchor(r, c)
        for col, label in self.by_row.get(ar, ()):
            if col == ac:
                return label
        return ""

    def is_label(self, r: int, c: int) -> bool:
        label = self.label_at(r, c)
        if not label:
            return False
        return (label in ALL_LABELS or base(label) in ALL_LABELS or label.startswith("是否")
                or self.sheet.anchor(r, c) in self.inline)
