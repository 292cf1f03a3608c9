"""The four layouts: 自评表 (domain.md §1), 目标申报表 (§4), 运行监控表 (§5), 单位名录."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell as cell

from ..config import RulePack
from .blocks import (
    MONEY,
    OPERATORS,
    TARGET,
    WEIGHT,
    Column,
    Item,
    Lists,
    completion_check,
    goal_rows,
    indicator_table,
    items_row,
    signature_row,
    title_rows,
)
from .sheet import Check, FormSheet

YES_NO = Check("是 / 否", "从下拉列表选择：是 或 否。", ("是", "否"), strict=True)
REASON = Check("偏差原因分析", "得分低于分值时必须填写：未完成的原因和下一步改进措施。")


def selfeval(fs: FormSheet, pack: RulePack) -> tuple[int, int]:
    """项目支出绩效自评表; returns (last row, last column)."""
    lists = Lists.from_pack(pack)
    fs.widths((10, 11, 20, 26, 14, 14, 8, 8, 26))  # no pre-printed label wraps
    row = title_rows(fs, "项目支出绩效自评表", 9)
    row = items_row(fs, row, (Item("项目名称", 1, "project", 8),))
    row = items_row(fs, row, (Item("主管部门", 1, "department", 3), Item("实施单位", 1, "unit", 2),
                              Item("单位编码", 1, "unit_code", 1, "center")))
    execution = _selfeval_funds(fs, row, pack)
    row = goal_rows(fs, row + 5, "年度总体目标", ("预期目标", "annual_goal", 4),
                    ("实际完成情况", "annual_actual", 4))
    weight_msg = "、".join(f"{k}{v:g}分" for k, v in _level1_weights(pack).items())
    columns = (Column("三级指标"), Column("年度指标值", check=TARGET),
               Column("实际完成值", check=completion_check(lists)),
               Column("分值", "number", Check(
                   "分值", f"各指标分值之和加预算执行率分值应为100分（{weight_msg}）。",
                   number=(0, 100))),
               Column("得分", "number", WEIGHT), Column("偏差原因分析及改进措施", check=REASON))
    first = row + 1
    row = indicator_table(fs, row, "绩效指标", columns, lists, extra=2)  # the form fits one page
    total = sum(_level1_weights(pack).values()) + pack.scoring.execution_points
    fs.label(row, 0, "总分", 6)
    fs.put(row, 6, total, "fixed")
    scores = f"SUM({cell(first, 7)}:{cell(row - 1, 7)})"
    fs.formula(row, 7, f"=ROUND({execution}+{scores},{pack.scoring.decimals})", "score")
    fs.put(row, 8, "", "dash")
    row = signature_row(fs, row + 1, (1, 2, 1, 2, 2, 1))
    return row - 1, 8


def _level1_weights(pack: RulePack) -> dict[str, float]:
    w = pack.weights
    out = {"产出指标": w.output, "效益指标": w.benefit, "满意度指标": w.satisfaction}
    if w.cost:
        out["成本指标"] = w.cost
    return out


def _selfeval_funds(fs: FormSheet, row: int, pack: RulePack) -> str:
    """The 项目资金（万元） block; returns the address of the execution score cell."""
    fs.label(row, 0, "项目资金\n（万元）", rows=5)
    fs.label(row, 1, "", 2)
    for i, head in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        fs.label(row, 3 + i, head, style="head")
    names = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
    for i, name in enumerate(names):
        r = row + 1 + i
        fs.label(r, 1, name, 2)
        for col in (3, 4, 5):
            fs.input(r, col, style="money")
        if i:  # only the 年度资金总额 row carries 分值, 执行率 and 得分
            for col in (6, 7, 8):
                fs.put(r, col, "", "dash")
    fs.validate(row + 1, 3, row + len(names), 5, MONEY)
    r = row + 1
    budget, spent, weight, rate = cell(r, 4), cell(r, 5), cell(r, 6), cell(r, 7)
    fs.put(r, 6, pack.scoring.execution_points, "fixed")
    fs.formula(r, 7, f"=IF(N({budget})<=0,0,N({spent})/{budget})", "pct")
    fs.formula(r, 8, f"=ROUND(MIN({rate},1)*{weight},{pack.scoring.decimals})", "score")
    return str(cell(r, 8))


def goal(fs: FormSheet, pack: RulePack) -> tuple[int, int]:
    """项目支出绩效目标申报表 (88号 layout + 是否新增项目 / 事前评估)."""
    lists = Lists.from_pack(pack)
    fs.widths((16, 11, 20, 24, 18, 20, 12, 14))  # no pre-printed label wraps
    attribute = Check("项目属性", "从下拉列表选择，或按本地要求填写。",
                      ("经常性项目", "一次性项目"))
    period = Check("项目期", "填写项目实施期，如：2026年 或 2026—2028年（3年）。")
    pre = Check("事前评估", f"新增项目资金在{pack.goal.pre_assessment_min:g}万元及以上的，"
                "应开展事前评估。选择：是 或 否。", ("是", "否"), strict=True)
    row = title_rows(fs, "项目支出绩效目标申报表", 8)
    row = items_row(fs, row, (Item("项目名称", 1, "project", 7),))
    row = items_row(fs, row, (Item("主管部门及代码", 1, "department", 3),
                              Item("实施单位", 1, "unit", 1), Item("单位编码", 1, "unit_code", 1,
                                                               "center")))
    row = items_row(fs, row, (Item("项目属性", 1, "attribute", 3, "center", attribute),
                              Item("项目期", 1, "period", 3, check=period)))
    row = items_row(fs, row, (Item("是否新增项目", 1, "new_project", 3, "center", YES_NO),
                              Item("是否开展事前评估", 1, "pre_assessment", 3, "center", pre)))
    fs.label(row, 0, "项目资金\n（万元）", rows=3)
    pairs = (("中期资金总额", "年度资金总额"), ("其中：财政拨款", "其中：财政拨款"),
             ("其他资金", "其他资金"))
    for i, (left, right) in enumerate(pairs):
        fs.label(row + i, 1, left, 2)
        fs.input(row + i, 3, style="money")
        fs.label(row + i, 4, right)
        fs.input(row + i, 5, 3, style="money")
    fs.validate(row, 3, row + 2, 3, MONEY)
    fs.validate(row, 5, row + 2, 7, MONEY)
    row = goal_rows(fs, row + 3, "总体目标", ("中期目标", "midterm_goal", 3),
                    ("年度目标", "annual_goal", 4))
    basis = Check("取值依据", "从下拉列表选择指标值的取值依据。",
                  ("计划标准", "历史标准", "行业标准", "预算支出标准", "其他标准"))
    columns = (Column("三级指标"), Column("指标值", check=TARGET),
               Column("指标解释（计算方法或评判标准）"), Column("取值依据", "center", basis),
               Column("备注"))
    row = indicator_table(fs, row, "中期绩效指标", columns, lists, rows_per=1, extra=2)
    fs.breaks.append(row)  # page 2: the 年度 indicators and the signatures, never split
    row = indicator_table(fs, row, "年度绩效指标", columns, lists)
    row = signature_row(fs, row, (1, 2, 1, 1, 1, 2))
    return row - 1, 7


def monitor(fs: FormSheet, pack: RulePack) -> tuple[int, int]:
    """项目支出绩效运行监控表 (domain.md §5)."""
    lists = Lists.from_pack(pack)
    fs.widths((10, 11, 16, 24, 8, 8, 11, 11, 11, 11, 11, 22, 10))
    month = Check("监控截止月份", "填写1—12的整数，如截至7月底填 7。", number=(1, 12), whole=True)
    row = title_rows(fs, "项目支出绩效运行监控表", 13)
    row = items_row(fs, row, (Item("项目名称", 1, "project", 12),))
    row = items_row(fs, row, (Item("主管部门", 1, "department", 3), Item("实施单位", 2, "unit", 3),
                              Item("单位编码", 2, "unit_code", 2, "center")))
    # on a row of its own: a label right of a blank input would be read as its value
    row = items_row(fs, row, (Item("监控截止月份", 1, "month", 2, "month", month),))
    row = _monitor_funds(fs, row)
    row = goal_rows(fs, row, "年度总体目标", ("年度绩效目标", "annual_goal", 6),
                    ("实际完成情况", "annual_actual", 6))
    done = completion_check(lists)
    columns = (
        Column("三级指标"),
        Column("指标性质", "center", Check("指标性质", "选择运算符：≥ 大于等于（正向）、≤ 小于等于"
                                         "（反向）、= 等于；定性指标留空。", OPERATORS, strict=True)),
        Column("度量单位", "center", Check("度量单位", "如：%、个、天、万元、人次；定性指标留空。")),
        Column("年度指标值", check=Check("年度指标值", "填写数值（不含运算符和单位）；定性指标写评判标准。")),
        Column("当前完成值", check=done), Column("全年预计完成值", check=done),
        Column("完成目标可能性", "center", Check("完成目标可能性", "选择：确定能／有可能／完全不可能。",
                                          ("确定能", "有可能", "完全不可能"), strict=True)),
        Column("偏差原因类型", "center", Check("偏差原因类型", "存在偏差时选择原因类别。",
                                        ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"),
                                        strict=True)),
        Column("偏差原因分析及改进措施"), Column("备注"))
    row = indicator_table(fs, row, "绩效指标", columns, lists)
    row = signature_row(fs, row, (1, 2, 1, 3, 2, 4))
    return row - 1, 12


def _monitor_funds(fs: FormSheet, row: int) -> int:
    """项目资金（万元）: budget, spent so far, rate, expected year-end figures."""
    fs.label(row, 0, "项目资金\n（万元）", rows=5)
    fs.label(row, 1, "", 2)
    heads = ((3, 1, "年初预算数"), (4, 2, "全年预算数"), (6, 1, "实际执行数"), (7, 1, "执行率"),
             (8, 1, "全年预计执行数"), (9, 1, "预计执行率"), (10, 3, "执行偏差原因"))
    for col, span, head in heads:
        fs.label(row, col, head, span, style="head")
    names = ("年度资金总额", "其中：财政拨款", "上年结转资金", "其他资金")
    for i, name in enumerate(names):
        r = row + 1 + i
        fs.label(r, 1, name, 2)
        for col, span in ((3, 1), (4, 2), (6, 1), (8, 1)):
            fs.input(r, col, span, style="money")
        budget = cell(r, 4)
        for col, numerator in ((7, cell(r, 6)), (9, cell(r, 8))):
            fs.formula(r, col, f"=IF(N({budget})<=0,0,N({numerator})/{budget})", "pct")
        fs.input(r, 10, 3)
    spent = Check("实际执行数", "截至监控截止月份末的累计执行数，单位万元，只填数字。", number=(0, 1e9))
    for col, span in ((3, 1), (4, 2), (6, 1), (8, 1)):
        fs.validate(row + 1, col, row + len(names), col + span - 1, spent if col == 6 else MONEY)
    return row + 5


UNIT_COLUMNS = (("单位编码", 14, "center"), ("单位名称", 30, "text"), ("简称/别名", 22, "text"),
                ("主管部门", 24, "text"), ("类别", 10, "center"), ("联系人", 10, "center"),
                ("联系电话", 16, "center"), ("备注", 20, "text"))
UNIT_ROWS = 300


def units(fs: FormSheet, pack: RulePack) -> tuple[int, int]:
    """单位名录: one header row, then one unit per row."""
    del pack  # the directory has no pack-dependent content
    fs.widths([w for _, w, _ in UNIT_COLUMNS])
    last = UNIT_ROWS
    for col, (head, _, style) in enumerate(UNIT_COLUMNS):
        fs.label(0, col, head, style="head")
        for row in range(1, last + 1):
            fs.input(row, col, style=style)
    code = Check("单位编码", "填写预算单位编码（按文本保存，保留前导0）；编码不得重复。")
    dup = {"validate": "custom", "value": f"=COUNTIF($A$2:$A${last + 1},A2)=1", "error_type": "warning",
           "input_title": code.title, "input_message": code.message, "error_title": "编码重复",
           "error_message": "这个单位编码已在本表中出现过，请核对。"}
    fs.sheet.data_validation(1, 0, last, 0, dup)
    fs.validate(1, 1, last, 1, Check("单位名称", "填写单位全称，与预算系统中的名称一致。"))
    fs.validate(1, 2, last, 2, Check("简称/别名", "多个别名用顿号“、”分隔，如：县教育局、教育局。"))
    fs.validate(1, 4, last, 4, Check("类别", "选择：部门 或 乡镇。", ("部门", "乡镇"), strict=True))
    fs.sheet.freeze_panes(1, 0)
    fs.sheet.autofilter(0, 0, last, len(UNIT_COLUMNS) - 1)
    return last, len(UNIT_COLUMNS) - 1


LAYOUTS = {"goal": goal, "selfeval": selfeval, "monitor": monitor, "units": units}
