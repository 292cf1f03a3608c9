"""Reusable blocks of the official forms: header rows, goals, indicator tables, footer.

Each block function takes the :class:`FormSheet` and the first row to write,
and returns the next free row.  Column 0 always holds the block's group label
(项目资金（万元）, 年度总体目标, 绩效指标 …), as in the national forms.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from ..config import RulePack
from .sheet import Check, FormSheet

# The national forms pre-print one group of rows per 二级指标 (domain.md §1, §3):
# (一级, ((二级, rows), ...)).  Layout, not a threshold: the drop-down lists come from the pack.
NATIONAL_TREE: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("产出指标", (("数量指标", 3), ("质量指标", 2), ("时效指标", 2), ("成本指标", 2))),
    ("效益指标", (("经济效益指标", 1), ("社会效益指标", 2), ("生态效益指标", 1),
                 ("可持续影响指标", 1))),
    ("满意度指标", (("服务对象满意度指标", 2),)),
)
EXTRA_ROWS = 4  # blank rows after the pre-printed ones (一级/二级 chosen from the lists)

OPERATORS = ("≥", ">", "=", "≤", "<")


@dataclass(frozen=True)
class Lists:
    """Drop-down contents, derived from the rule pack."""

    level1: tuple[str, ...]
    level2: tuple[str, ...]
    completion: tuple[str, ...]
    children: tuple[tuple[str, tuple[str, ...]], ...] = ()  # 一级 -> its 二级 (dependent lists)

    @classmethod
    def from_pack(cls, pack: RulePack) -> Lists:
        tree = pack.indicator_tree
        children: dict[str, list[str]] = {}
        for branch in (tree.primary, tree.other):
            for first, seconds in branch.items():
                children.setdefault(first, [])
                children[first] += [s for s in seconds if s not in children[first]]
        level2 = tuple(dict.fromkeys(s for seconds in children.values() for s in seconds))
        return cls(tuple(children), level2, tuple(pack.scoring.completion_terms),
                   tuple((k, tuple(v)) for k, v in children.items()))

    def named(self) -> list[tuple[str, tuple[str, ...]]]:
        """The 一级 whose name can be an Excel defined name (the source of its 二级 list)."""
        return [(first, seconds) for first, seconds in self.children if seconds and _NAME.fullmatch(first)]


# an Excel / WPS defined name: starts with a letter (CJK counts) or _, no cell-like names
_NAME = re.compile(r"(?![A-Za-z]{1,3}\d)[^\W\d][\w.]*")


@dataclass(frozen=True)
class Column:
    """One column of an indicator table after 一级/二级."""

    header: str
    style: str = "text"
    check: Check | None = None


@dataclass(frozen=True)
class Item:
    """A label followed by an input cell, on a header or footer row."""

    label: str
    label_span: int
    key: str
    span: int
    style: str = "text"
    check: Check | None = None


MONEY = Check("金额（万元）", "填写数字，单位为万元，保留两位小数；不要写“万元”或“元”字样。",
              number=(0, 1e9))
WEIGHT = Check("分值 / 得分", "填写数字（0–100），保留两位小数。", number=(0, 100))
TARGET = Check("指标值写法", "运算符+数值+单位，如：≥95%、≤30天、=100个、≥2000万元；"
               "定性指标写评判标准，如：达成年度指标、效果明显。")
TEXT_GOAL = Check("总体目标", "分条概括写明目标，如：1.……；2.……。内容较多时可调整行高。")


def completion_check(lists: Lists) -> Check:
    """实际完成值: the three completion strings offered, any number or text still accepted."""
    return Check("实际完成值", "定量指标填实际数值和单位，如：98%、25天；定性指标从下拉列表选择："
                 + "／".join(lists.completion) + "。", options=lists.completion)


def level_checks(lists: Lists) -> tuple[Check, Check]:
    """一级 and 二级 drop-downs (a warning, not a block, for local names)."""
    return (Check("一级指标", "从下拉列表选择一级指标。", lists.level1, strict=True),
            Check("二级指标", "从下拉列表选择二级指标：列表随本行的一级指标变化。", lists.level2, strict=True))


def items_row(fs: FormSheet, row: int, items: Sequence[Item]) -> int:
    """Write label/input pairs left to right from column 0."""
    col = 0
    for it in items:
        fs.label(row, col, it.label, it.label_span)
        col += it.label_span
        fs.input(row, col, it.span, key=it.key, style=it.style, check=it.check)
        col += it.span
    return row + 1


def title_rows(fs: FormSheet, title: str, ncols: int) -> int:
    """Title + the "（    年度）" line (an input: the clerk writes the year inside)."""
    fs.label(0, 0, title, ncols, style="title")
    year = Check("年度", "在括号内填写年度，如：（2026年度）。")
    fs.input(1, 0, ncols, key="year", style="subtitle", value="（    年度）", check=year)
    fs.heights({0: 28, 1: 18})
    return 2


def goal_rows(fs: FormSheet, row: int, group: str, left: tuple[str, str, int],
              right: tuple[str, str, int]) -> int:
    """A two-column text block: group label | left heading / text | right heading / text."""
    fs.label(row, 0, group, rows=2)
    col = 1
    for heading, key, span in (left, right):
        fs.label(row, col, heading, span)
        fs.input(row + 1, col, span, key=key, check=TEXT_GOAL)
        col += span
    fs.heights({row + 1: 60})
    return row + 2


def indicator_table(fs: FormSheet, row: int, group: str, columns: Sequence[Column],
                    lists: Lists, rows_per: int | None = None, extra: int = EXTRA_ROWS) -> int:
    """Header row + pre-printed 一级/二级 rows + blank rows; returns the next free row."""
    fs.label(row, 1, "一级指标", style="head")
    fs.label(row, 2, "二级指标", style="head")
    for i, column in enumerate(columns):
        fs.label(row, 3 + i, column.header, style="head")
    fs.heights({row: 28})  # room for a two-line heading
    first = r = row + 1
    blocks: list[tuple[int, int]] = []
    for level1, seconds in NATIONAL_TREE:
        counts = [(name, rows_per or n) for name, n in seconds]
        size = sum(n for _, n in counts)
        blocks.append((r, r + size - 1))
        fs.input(r, 1, style="center", value=level1, rows=size)
        for name, n in counts:
            for _ in range(n):
                fs.input(r, 2, style="center", value=name)
                r += 1
    for _ in range(extra):
        fs.input(r, 1, style="center")
        fs.input(r, 2, style="center")
        r += 1
    last = r - 1
    for i, column in enumerate(columns):
        for rr in range(first, last + 1):
            fs.input(rr, 3 + i, style=column.style)
        if column.check is not None:
            fs.validate(first, 3 + i, last, 3 + i, column.check)
    check1, check2 = level_checks(lists)
    fs.validate(first, 1, last, 1, check1)
    for top, bottom in blocks:  # 二级 follows 一级: a pre-printed block looks at its merged 一级 cell
        fs.validate(top, 2, bottom, 2, _follows(check2, xl_rowcol_to_cell(top, 1, True, True)))
    if extra:  # a blank row looks at its own 一级
        fs.validate(last - extra + 1, 2, last, 2, _follows(check2, xl_rowcol_to_cell(last - extra + 1, 1, False, True)))
    fs.label(row, 0, group, rows=last - row + 1)
    return r


def _follows(check: Check, level1_cell: str) -> Check:
    """The 二级 drop-down listing the 二级 of the 一级 in ``level1_cell`` (a defined name per 一级,
    written by the template on its hidden sheet)."""
    return dataclasses.replace(check, source=f"=INDIRECT({level1_cell})")


def signature_row(fs: FormSheet, row: int, spans: tuple[int, int, int, int, int, int]) -> int:
    """填报人 / 联系电话 / 填报日期 at the bottom of a form."""
    a, b, c, d, e, f = spans
    return items_row(fs, row, (Item("填报人", a, "contact", b), Item("联系电话", c, "phone", d),
                               Item("填报日期", e, "date", f)))
