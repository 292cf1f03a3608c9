"""The 绩效指标 table(s): header rows found by label, columns mapped by header text.

A header row holds a name column (三级指标 / 指标名称) and at least one of
一级指标 / 二级指标 / 指标值.  A header row whose columns repeat (中期 and 年度
side by side) is split into column groups; every group is a block.  Rows below
are read until a 总分/合计 row, the next header row, a footer label or the end.
一级/二级 names are filled down; the 预算执行率 row is the execution row.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Field, Indicator, IndicatorValue, num_text
from ..values import parse_value
from .cells import Reader
from .headings import Group, find_groups
from .labels import base

_NUMERIC = ("weight", "score")
_OWN = {"name", "target", "actual", "weight", "score", "current", "forecast"}
_COL_WHAT = {"weight": "分值", "score": "得分"}


@dataclass
class TableResult:
    indicators: list[Indicator] = field(default_factory=list)
    totals: dict[str, Field] = field(default_factory=dict)
    execution: dict[str, Field] = field(default_factory=dict)
    columns: set[str] = field(default_factory=set)
    ab: bool = False
    last_row: int = -1
    leftovers: list[Field] = field(default_factory=list)  # template rows that are not indicators
    level_only: list[Field] = field(default_factory=list)  # rows holding only a 一级/二级 name
    inferred: list[tuple[Field, str, str]] = field(default_factory=list)  # (blank 一级 cell, 二级, 一级)
    header_rows: list[int] = field(default_factory=list)
    wrapped: bool = False  # 一级 written in the 二级 column under a wrapper (中央预算内投资)
    recipients: list[tuple[int, list[str]]] = field(default_factory=list)  # (header row, column heads)


def _block_title(text: str) -> bool:
    """A block title above a header ("中期绩效指标", "二、年度绩效指标（2026年）"), not a
    goal sentence that happens to mention 中期 and 指标 ("中期内各项指标达标")."""
    return base(text).endswith("指标") and len(text) <= 30


def _block_name(rd: Reader, g: Group, floor: int, first_of_two: bool) -> str:
    """midterm when the block's own header says 中期: a header cell, the row label left of
    it, or a block title line just above it (the 总体目标 text above does not count)."""
    first, last = min(g.cols.values()), max(g.cols.values())
    texts = [rd.labels.label_at(g.row, c) for c in range(0, last + 1)]
    texts += [rd.labels.label_at(g.row + 1, c) for c in range(0, first)]
    for r in range(max(floor + 1, g.row - 2), g.row):
        texts += [t for c in range(first, last + 1) if _block_title(t := rd.labels.label_at(r, c))]
    texts = [t for t in texts if "指标" in t]  # block titles and headers, not 中期目标 goal labels
    own = [rd.labels.label_at(g.row, c) for c in g.cols.values()]
    if any("长期" in t or "中期" in t for t in own) and not any("年度" in t for t in own):
        return "midterm"  # 二级指标(长期) | 三级指标(长期) | 指标值(长期)
    if any("年度" in t for t in own) and not any("长期" in t or "中期" in t for t in own):
        return "annual"
    if any("中期" in t for t in texts):
        return "midterm"
    if any("年度" in t for t in texts):
        return "annual"
    return "midterm" if first_of_two else "annual"


def _stop_row(rd: Reader, r: int, header_rows: set[int]) -> bool:
    if r in header_rows:
        return True
    by = rd.labels.lex.by_label
    for _, label in rd.labels.by_row.get(r, ()):
        if label in by["extra"] or label in by["header"]:
            return True
    return False


def _total_row(rd: Reader, r: int, g: Group) -> bool:
    """A 总分/合计 row: the label sits left of or in the 三级指标 column."""
    last = g.cols.get("name", min(g.cols.values()) + 1)
    return any(c <= last and (label in rd.labels.lex.total_labels or label.startswith("总分"))
               for c, label in rd.labels.by_row.get(r, ()))


def _indicators_follow(rd: Reader, g: Group, r: int, header_rows: set[int]) -> bool:
    """Indicator rows (a 三级指标 name with its own values) come after the total row ``r`` before
    any heading or other total: ``r`` is a subtotal in the middle of the table, not its end."""
    for rr in range(r + 1, min(r + 4, rd.sheet.nrows)):
        if _stop_row(rd, rr, header_rows) or _total_row(rd, rr, g):
            return False
        values, own = _row_values(rd, g, rr)
        if "name" in own and own & {"target", "actual", "weight", "score"}:
            return True
    return False


def _is_execution(values: dict[str, Field], own: set[str]) -> bool:
    """The 预算执行率 row written inside the indicator table (its own cells, not filled down)."""
    for key in ("name", "level1", "level2"):
        v = values.get(key)
        if v is not None and isinstance(v.value, str) and "预算执行率" in v.value and key in own:
            return True
    return False


_LEVEL1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}


@dataclass
class _FillDown:
    """一级 / 二级 names carried down from merged or blank cells.

    Two repairs of real layouts: a 一级 cell merged across the 二级 column that holds a
    二级 name ("社会公众或服务对象满意度指标" over B:C) is that 二级 under its parent; and a
    blank, unmerged 一级 cell whose row's 二级 belongs to another 一级 than the one above
    ("社会效益指标" after the 产出 rows) takes the 二级's parent (a reader note says so).
    """

    rd: Reader
    g: Group
    level1: Field | None = None
    level2: Field | None = None
    inferred: list[tuple[Field, str, str]] = field(default_factory=list)
    wrapped: bool = False

    def apply(self, r: int, values: dict[str, Field], own: set[str]) -> None:
        lex = self.rd.labels.lex
        l1, l2 = values.get("level1"), values.get("level2")
        if l1 is not None and l1.value in lex.level_wrappers and l2 is not None and l2.value in _LEVEL1:
            # 实施效果指标 | 产出指标 | …: the 二级 column holds the 一级, there is no 二级
            self.wrapped = True
            values["level1"], values["level2"] = l2, Field(None, l2.ref, "")
            self.level1, self.level2 = l2, None
            return
        if (l1 is not None and not l1.blank and "level2" in self.g.cols and l1.value in lex.level_parents
                and self._spans_level2(l1)):  # a 二级 name in a 一级 cell merged over the 二级 column
            values["level2"] = l2 = l1
            l1 = dataclasses.replace(l1, value=lex.level_parents[str(l1.value)][0])
        if l1 is not None and not l1.blank:
            if self.level1 is None or l1.value != self.level1.value:
                self.level2 = None
            self.level1 = l1
        if l2 is not None and self.level1 is not None and l2.value == self.level1.value:
            only = [k for k, ps in lex.level_parents.items() if ps[0] == l2.value and k != l2.value]
            if len(only) == 1:  # 满意度指标 / 满意度指标: the 二级 is its one child
                values["level2"] = l2 = dataclasses.replace(l2, value=only[0])
        if l2 is not None and not l2.blank:
            self.level2 = l2
        if self.level1 is not None:
            values["level1"] = self.level1
            self._infer_parent(r, values, own)
        elif l1 is not None and l1.blank and l1.text and l1.ref is not None:
            self._decoration_only(l1, values)
        if self.level2 is not None:
            values["level2"] = self.level2

    def _decoration_only(self, l1: Field, values: dict[str, Field]) -> None:
        """A 一级 cell holding only "(50分)": the 二级's parent, said once per cell."""
        l2 = values.get("level2") or self.level2
        parents = self.rd.labels.lex.level_parents.get(str(l2.value)) if l2 is not None else None
        if not parents:
            return
        same_cell = [p for f, _, p in self.inferred if f.ref == l1.ref]
        parent = same_cell[0] if same_cell and same_cell[0] in parents else parents[0]
        values["level1"] = dataclasses.replace(l1, value=parent)
        if not same_cell:
            self.inferred.append((l1, str(l2.value) if l2 is not None else "", parent))

    def _spans_level2(self, f: Field) -> bool:
        if f.ref is None:
            return False
        r, c = f.ref.row - 1, f.ref.col - 1
        return self.rd.sheet.span_end(r, c)[1] >= self.g.cols["level2"]

    def _infer_parent(self, r: int, values: dict[str, Field], own: set[str]) -> None:
        l2 = values.get("level2")
        c1 = self.g.cols.get("level1")
        if l2 is None or l2.blank or c1 is None or "level1" in own or self.level1 is None:
            return
        if self.rd.sheet.is_merged(r, c1):
            return  # merged: the 一级 really spans this row (a wrong parent is I103's to report)
        parents = self.rd.labels.lex.level_parents.get(str(l2.value))
        if not parents or self.level1.value in parents:
            return
        above = self.level1.ref
        blank = self.rd.blank(r, above.col - 1 if above is not None else c1)  # where 一级 names are written
        self.inferred.append((blank, str(l2.value), parents[0]))
        self.level1 = Field(parents[0], blank.ref, "")
        values["level1"] = self.level1


def _level_field(rd: Reader, f: Field) -> Field:
    if isinstance(f.value, str):
        return Field(rd.labels.lex.canon_level(f.value), f.ref, f.text or f.value, f.percent,
                     f.formula_uncached)
    return f


def _value_column(rd: Reader, g: Group, key: str, col: int, r: int) -> int:
    """The column holding ``key`` on row r: its header's column, or, when the header cell
    is merged across columns ("一级指标" over A:B) and that cell is empty, the first
    column under the header that holds something of its own."""
    end = g.spans.get(key, col)
    if end == col or not rd.sheet.field(r, col).blank:
        return col
    taken = set(g.cols.values())
    for c in range(col + 1, end + 1):
        if c not in taken and rd.sheet.anchor(r, c)[1] == c and not rd.sheet.field(r, c).blank:
            return c
    return col


def _row_values(rd: Reader, g: Group, r: int) -> tuple[dict[str, Field], set[str]]:
    """The row's fields, and the keys whose cell belongs to this row (not merged from above)."""
    values: dict[str, Field] = {}
    own: set[str] = set()
    for key, col in g.cols.items():
        c = _value_column(rd, g, key, col, r)
        f = rd.column_cell(r, c)
        mine = rd.sheet.anchor(r, c)[0] == r
        if key in ("level1", "level2"):
            f = _level_field(rd, f)
        elif key in _NUMERIC and mine:
            f = rd.number(f, _COL_WHAT[key])
        values[key] = f
        if mine and (not f.blank or f.formula_uncached):
            own.add(key)
    return values, own


@lru_cache(maxsize=8192)
def _parse(raw: float | str | None, unit_hint: str | None, op_hint: str | None) -> IndicatorValue:
    """parse_value, memoised: forms repeat the same values ("≥90%", "达成年度指标")."""
    return parse_value(raw, unit_hint=unit_hint, operator_hint=op_hint)


def _parse_field(f: Field | None, unit_hint: str | None, op_hint: str | None = None) -> IndicatorValue:
    if f is None:
        return _parse(None, unit_hint, op_hint)
    if f.percent and isinstance(f.value, float):  # 0.96 shown as 96 %: already scaled
        unit_hint = "%"
    return _parse(f.value, unit_hint, op_hint)


_SYMBOLS = {"≥", "≤", "=", ">", "<", ">=", "<=", "＝", "≧", "≦", "﹦", "═"}
_NAME_UNIT = re.compile(r"[(（]\s*([^()（）\d≥≤<>=*＊%％]{1,6}?|%|％)\s*[)）]\s*$")


_NAME_HINT = re.compile(r"[(（]\s*[≥≤<>=]?\s*[*＊Xx×]+\s*([^()（）\d*＊]{1,6})\s*[)）]\s*$")


def unit_in_name(name: str) -> str | None:
    """The unit written in an indicator's name: "惠及户数（户）" → "户", "完成率(%)" → "%",
    the template hint "项目总投入(≥**万元)" → "万元"."""
    m = _NAME_UNIT.search(name) or _NAME_HINT.search(name)
    unit = m.group(1).strip() if m else None
    if unit is None or len(unit) > 4 or unit.startswith(_NOT_UNIT):
        return None  # "(含续建)", "(其中…)": a note on the name, not its unit
    return unit


_NOT_UNIT = ("含", "不含", "其中", "包括", "以上", "以下", "累计", "全年", "年度", "当年")


def _parse_values(values: dict[str, Field]) -> tuple[IndicatorValue, IndicatorValue | None]:
    unit = values.get("unit")
    nature = values.get("nature")
    name = values.get("name")
    direction = values.get("direction")
    if direction is not None and isinstance(direction.value, str) and direction.value.strip() in _SYMBOLS:
        nature = direction  # 指标性质 "正向" beside 指标方向 "=": the symbol is the operator
    unit_hint = str(unit.value) if unit is not None and not unit.blank else None
    if unit_hint is None and name is not None and isinstance(name.value, str):
        unit_hint = unit_in_name(name.value)
    op_hint = str(nature.value) if nature is not None and not nature.blank else None
    target = _parse_field(values.get("target"), unit_hint, op_hint)
    if "actual" not in values:
        return target, None
    return target, _parse_field(values["actual"], unit_hint or target.unit)


def read_group(rd: Reader, g: Group, header_rows: set[int], result: TableResult,
               funds_weight: float | None = None) -> None:
    """Read the rows of one block into ``result``."""
    fill = _FillDown(rd, g)
    r = g.bottom + 1
    while r < rd.sheet.nrows and not _stop_row(rd, r, header_rows):
        if _total_row(rd, r, g):
            if _indicators_follow(rd, g, r, header_rows):  # a 合计/小计 inside the table: skipped
                c, _ = rd.labels.by_row[r][0]
                result.leftovers.append(rd.sheet.field(r, c))
                r += 1
                continue
            _read_totals(rd, g, r, result)
            r += 1
            break
        values, own = _row_values(rd, g, r)
        fill.apply(r, values, own)
        if own & _OWN and not _leftover(rd, values, own, result):
            _add_row(g, r, values, own, result, funds_weight)
        elif own & {"level1", "level2"} and not own & _OWN:  # a level name alone on its row
            result.level_only.append(values["level2" if "level2" in own else "level1"])
        r += 1
    result.last_row = max(result.last_row, r - 1)
    result.inferred += fill.inferred
    result.wrapped = result.wrapped or fill.wrapped
    if len(g.recipients) > 1:
        result.recipients.append((g.row, g.recipients))
    result.header_rows.append(g.row)
    result.columns |= set(g.cols)
    result.ab = result.ab or g.ab


_MEASURED = ("target", "actual", "weight", "score", "current", "forecast")


def _leftover(rd: Reader, values: dict[str, Field], own: set[str], result: TableResult) -> bool:
    """A template row, not an indicator: its name is a leftover ("……", "指标1", "其中：")
    and nothing measurable is written beside it (or only leftovers, or "其中" sub-items
    with no 分值 in a table that has 分值)."""
    lex = rd.labels.lex
    name = values.get("name")
    text = str(name.value) if name is not None and "name" in own and name.value is not None else ""
    measured = [k for k in _MEASURED if k in own and not lex.is_leftover(_str(values[k]))]
    if text and lex.is_leftover(text) and not measured:
        result.leftovers.append(values["name"])
        return True
    if text.lstrip().startswith("其中") and "weight" in values and "weight" not in own:
        result.leftovers.append(values["name"])  # a "其中：" breakdown of the row above
        return True
    if not text and not measured and own & _OWN:  # only leftovers written ("…" as 指标值)
        result.leftovers.append(next(values[k] for k in _MEASURED if k in own))
        return True
    return False


def _str(f: Field) -> str:
    return f"{num_text(f.value)}" if isinstance(f.value, float) else str(f.value or "")


def _add_row(g: Group, r: int, values: dict[str, Field], own: set[str], result: TableResult,
             funds_weight: float | None = None) -> None:
    # the 预算执行率 row is the execution item (or repeats it), unless the funds block scores the
    # execution with another 分值: then it is an indicator like any other (产出/数量, 分值 20)
    row_weight = values["weight"].number if "weight" in values else None
    separate = funds_weight is not None and row_weight is not None and abs(row_weight - funds_weight) > 1e-9
    if _is_execution(values, own) and not separate:
        for key in ("weight", "score"):
            if key in values and not values[key].blank:
                result.execution.setdefault(key, values[key])
        if "actual" in values and not values["actual"].blank:
            result.execution.setdefault("rate", values["actual"])
        return
    target, actual = _parse_values(values)
    result.indicators.append(Indicator(row=r + 1, fields=values, target=target, actual=actual,
                                       block=g.block))


def _read_totals(rd: Reader, g: Group, r: int, result: TableResult) -> None:
    for key in _NUMERIC:
        if key in g.cols and key not in result.totals:
            f = rd.column_cell(r, g.cols[key])
            result.totals[key] = rd.number(f, "总分" + _COL_WHAT[key])


def read_tables(rd: Reader, goal: bool, funds_weight: float | None = None) -> TableResult:
    """Every indicator block of the sheet (unlabelled pairs of blocks in a goal form:
    the first is 中期, the second 年度)."""
    groups = find_groups(rd)
    result = TableResult()
    header_rows = {r for g in groups for r in range(g.row, g.bottom + 1)}
    by_row: dict[int, list[Group]] = {}
    for g in groups:
        by_row.setdefault(g.row, []).append(g)
    floor = -1
    rows = sorted(by_row)
    for n, row in enumerate(rows):
        row_groups = by_row[row]
        for i, g in enumerate(row_groups):
            pair = (len(row_groups) == 2 and i == 0) or (len(row_groups) == 1 and len(rows) == 2 and n == 0)
            g.block = _block_name(rd, g, floor, goal and pair)
            read_group(rd, g, header_rows - {row}, result, funds_weight)
        floor = result.last_row
    return result
