"""Typed data model shared by every part of pbm.

Everything a reader produces keeps its source location (sheet + A1 cell) so a
finding can always point at a cell.  Values are normalised once, in the reader:
numbers are ``float``, blank cells are ``None``, text is stripped ``str``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Finding severity, ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        """Chinese label shown to users."""
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


# the rows of the funds block that add up to its total, and their Chinese names
FUND_PARTS = ("appropriation", "superior", "carryover", "special", "own", "other")
FUND_ROW_NAMES = {"total": "资金总额", "appropriation": "财政拨款", "superior": "上级补助资金",
                  "carryover": "上年结转", "special": "财政专户管理资金", "own": "单位自有资金",
                  "other": "其他资金"}


class FormKind(StrEnum):
    """Which form a workbook holds, identified by content (title and labels)."""

    GOAL = "goal"  # 项目支出绩效目标申报表
    SELFEVAL = "selfeval"  # 项目支出绩效自评表
    MONITOR = "monitor"  # 绩效运行监控表
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            "goal": "绩效目标申报表",
            "selfeval": "绩效自评表",
            "monitor": "绩效运行监控表",
            "unknown": "无法识别的表格",
        }[self.value]


class Operator(StrEnum):
    """Comparison operator of a quantitative indicator value (指标性质)."""

    GE = "≥"
    GT = ">"
    EQ = "="
    LE = "≤"
    LT = "<"

    @property
    def direction(self) -> str:
        """positive | equal | reverse (domain.md §2)."""
        if self in (Operator.GE, Operator.GT):
            return "positive"
        if self is Operator.EQ:
            return "equal"
        return "reverse"


class ValueKind(StrEnum):
    QUANTITATIVE = "quantitative"  # operator? + number + unit?
    QUALITATIVE = "qualitative"  # a term such as 达成年度指标 / 按时完成
    EMPTY = "empty"  # blank, "——", "/", "无" …
    UNPARSEABLE = "unparseable"  # something is written but cannot be read


_A1 = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def col_letter(col: int) -> str:
    """1-based column number -> letters (1 -> A, 27 -> AA)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """1-based (row, col) -> "B3"."""
    return f"{col_letter(col)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    """"B3" -> (3, 2), 1-based."""
    m = _A1.match(ref.upper())
    if not m:
        raise ValueError(f"not an A1 reference: {ref!r}")
    return int(m.group(2)), col_number(m.group(1))


def col_number(letters: str) -> int:
    """Column letters -> 1-based number (A -> 1, AA -> 27); the one place for this arithmetic."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


@dataclass(frozen=True, slots=True, order=True)
class CellRef:
    """A cell in a workbook: sheet name + A1 address."""

    sheet: str
    cell: str

    @property
    def row(self) -> int:
        return parse_a1(self.cell)[0]

    @property
    def col(self) -> int:
        return parse_a1(self.cell)[1]

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True, slots=True)
class Field:
    """One value read from a cell.

    ``value`` is normalised (float for numbers, stripped str for text, None for
    blank).  A number shown with a percent number format is multiplied by 100
    and ``percent`` is set (0.96 shown as 96% -> 96.0, percent=True).
    ``formula_uncached`` marks a formula cell with no cached value: its value is
    None and must be reported, never guessed.
    """

    value: float | str | None
    ref: CellRef | None = None
    text: str = ""  # the cell as displayed/written, for messages
    percent: bool = False
    formula_uncached: bool = False

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    @property
    def number(self) -> float | None:
        """The value as a float when it is one (text numbers are parsed by the reader)."""
        return self.value if isinstance(self.value, float) else None

    @property
    def cell(self) -> str | None:
        return self.ref.cell if self.ref else None

    @property
    def sheet(self) -> str | None:
        return self.ref.sheet if self.ref else None


EMPTY = Field(None)


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """A parsed indicator value (指标值): operator + number + unit, or a term.

    ``operator`` is None when none was written (typical for 实际完成值).
    ``unit`` is normalised ("%", "万元", "个", "天" …) or None.
    ``term`` holds the qualitative text (canonical completion string when it
    maps to one).  ``reason`` explains UNPARSEABLE in Chinese.
    """

    kind: ValueKind
    text: str = ""
    operator: Operator | None = None
    number: float | None = None
    unit: str | None = None
    term: str | None = None
    reason: str | None = None

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    def display(self) -> str:
        """Human form: "≥95%", "≤3个工作日", "达成年度指标"."""
        if self.kind is ValueKind.QUANTITATIVE and self.number is not None:
            num = num_text(self.number)
            return f"{self.operator or ''}{num}{self.unit or ''}"
        return self.term or self.text


EMPTY_VALUE = IndicatorValue(ValueKind.EMPTY)


def num_text(x: float) -> str:
    """A number as a person reads it: 387664.62 (never 387665 or 3.87665e+05), 10 (not 10.0)."""
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    from decimal import Decimal

    return format(Decimal(repr(float(x))).normalize(), "f")


def _as_text(v: float | str | None) -> str:
    """A name cell as text: a number typed in it reads "88", never "88.0"."""
    if v is None:
        return ""
    return num_text(v) if isinstance(v, float) else str(v)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of the 绩效指标 table.

    ``fields`` keys: level1, level2, name, nature (指标性质), unit (度量单位),
    target (年度指标值), actual (实际完成值), weight (分值), score (得分),
    reason (偏差原因分析及改进措施), plus any extra column the reader found.
    ``block`` is "annual" or "midterm" (goal forms have both blocks).
    ``level1`` / ``level2`` are filled down from merged or blank cells; their
    Field keeps the ref of the cell the name was actually read from.
    """

    row: int
    fields: dict[str, Field]
    target: IndicatorValue = EMPTY_VALUE
    actual: IndicatorValue | None = None
    block: str = "annual"
    not_applicable: bool = False

    def get(self, key: str) -> Field:
        return self.fields.get(key, EMPTY)

    @property
    def level1(self) -> str:
        return _as_text(self.get("level1").value)

    @property
    def level2(self) -> str:
        return _as_text(self.get("level2").value)

    @property
    def name(self) -> str:
        return _as_text(self.get("name").value)

    @property
    def weight(self) -> float | None:
        return self.get("weight").number

    @property
    def score(self) -> float | None:
        return self.get("score").number


@dataclass(frozen=True, slots=True)
class ReadIssue:
    """Something the reader noticed that a rule must report (not guessed)."""

    kind: str  # "formula_uncached" | "not_a_number" | "hidden_sheet" | "multiple_forms" | …
    ref: CellRef | None
    text: str = ""  # the offending content
    detail: str = ""  # Chinese detail


WHOLE_DEPARTMENT = "department"  # the variant of 部门整体 forms: the department is the subject, no project


@dataclass(frozen=True, slots=True)
class Submission:
    """A parsed form.

    ``header`` keys: project (项目名称), department (主管部门), department_code,
    unit (实施单位), unit_code, year, attribute (项目属性), period (项目期),
    new_project (新增/延续), pre_assessment (事前评估), contact …

    ``funds`` = {block: {row: {column: Field}}}:
      blocks "annual" (年度) and "midterm" (中期, goal forms);
      rows "total" (年度资金总额/资金总额/总额), then its parts (``FUND_PARTS``):
      "appropriation" (财政拨款/财政资金), "superior" (上级补助), "carryover" (上年结转),
      "special" (财政专户管理资金), "own" (自有资金), "other" (其他资金/单位资金);
      columns for self-evaluations "initial" (年初预算数), "budget" (全年预算数),
      "spent" (全年执行数), "weight" (分值), "rate" (执行率), "score" (得分);
      for goal forms "amount".

    ``goals`` keys: annual (年度目标 / 预期目标), annual_actual (实际完成情况),
    midterm (中期目标).

    ``totals`` keys: weight (总分 分值), score (总分 得分).
    ``extra``: any other labelled field (评价结论, 存在问题 …).
    """

    path: str
    kind: FormKind
    sheet: str = ""
    sha256: str = ""
    template_version: str | None = None
    variant: str = "national"  # national | city_ab | sichuan | … (readers.dump.VARIANT_LABELS)
    header: dict[str, Field] = field(default_factory=dict)
    funds: dict[str, dict[str, dict[str, Field]]] = field(default_factory=dict)
    goals: dict[str, Field] = field(default_factory=dict)
    indicators: tuple[Indicator, ...] = ()
    totals: dict[str, Field] = field(default_factory=dict)
    extra: dict[str, Field] = field(default_factory=dict)
    issues: tuple[ReadIssue, ...] = ()

    def head(self, key: str) -> Field:
        return self.header.get(key, EMPTY)

    def fund(self, block: str, row: str, col: str) -> Field:
        return self.funds.get(block, {}).get(row, {}).get(col, EMPTY)

    @property
    def unit(self) -> str:
        v = self.head("unit").value or self.head("department").value
        return str(v) if v is not None else ""

    @property
    def project(self) -> str:
        v = self.head("project").value
        return str(v) if v is not None else ""

    @property
    def year(self) -> int | None:
        v = self.head("year").value
        if isinstance(v, float):
            return int(v)
        if isinstance(v, str):
            m = re.search(r"(20\d\d)", v)
            return int(m.group(1)) if m else None
        return None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one file, pointing at a cell where possible."""

    code: str
    severity: Severity
    message: str  # Chinese, complete: names the cell, found and expected value
    path: str = ""
    sheet: str | None = None
    cell: str | None = None
    expected: str | None = None
    actual: str | None = None
    # a second location (e.g. the approved goal's cell in a cross-check)
    related: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        row, col = (0, 0)
        if self.cell and _A1.match(self.cell.upper()):
            row, col = parse_a1(self.cell)
        return (self.path, self.sheet or "", row, col, self.code)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (README: JSON contract)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "related": self.related,
        }
