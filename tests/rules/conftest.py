"""Build Submission objects directly (no workbook) for rule tests.

``goal_sub({"D13": "≥95"})`` / ``selfeval_sub({"G13": 12})``: a clean, correctly
filled form with some cells changed (None = blank).  Cells follow one fixed layout
per form (see GOAL_LAYOUT / SELF_LAYOUT); the builder mimics the reader: numeric
cells parse text numbers ("96%" → 96, percent) and report other text as
``not_a_number`` issues; 指标值 / 实际完成值 go through ``values.parse_value``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pbmcli.config import RulePack, default_pack
from pbmcli.engine import check
from pbmcli.model import CellRef, Field, FormKind, Indicator, ReadIssue, Submission
from pbmcli.values import parse_number, parse_value

GOAL_SHEET, SELF_SHEET = "目标申报表", "自评表"

GOAL_HEADER = {"project": ("B2", "农村实用技术培训"), "department": ("B3", "县农业农村局"),
               "unit": ("D3", "县农业技术推广中心"), "attribute": ("B4", "延续")}
GOAL_FUNDS = {"total": ("B6", 100.0), "appropriation": ("B7", 80.0), "carryover": ("B8", 0.0),
              "other": ("B9", 20.0)}
GOAL_TEXT = ("B10", "完成农村实用技术培训 1000 人次，提升农民技能水平。")
GOAL_ROWS = [  # row 12.. : A 一级, B 二级, C 三级, D 指标值
    ("产出指标", "数量指标", "培训人数", "≥1000人次"),
    ("产出指标", "质量指标", "培训合格率", "≥95%"),
    ("产出指标", "时效指标", "培训完成时间", "按时完成"),
    ("成本指标", "经济成本指标", "人均培训成本", "≤500元"),
    ("效益指标", "社会效益指标", "参训农民增收率", "≥5%"),
    ("满意度指标", "服务对象满意度指标", "参训农民满意度", "≥90%"),
]

SELF_HEADER = {"project": ("B2", "农村实用技术培训"), "department": ("B3", "县农业农村局"),
               "unit": ("D3", "县农业技术推广中心")}
# 年度资金总额 row 6: B 年初预算数, C 全年预算数, D 全年执行数, E 分值, F 执行率, G 得分
SELF_EXEC = {"initial": ("B6", 100.0), "budget": ("C6", 100.0), "spent": ("D6", 96.0),
             "weight": ("E6", 10.0), "rate": ("F6", "96%"), "score": ("G6", 9.6)}
SELF_PARTS = {"appropriation": 7, "carryover": 8, "other": 9}
SELF_ROWS = [  # row 12.. : A 一级, B 二级, C 三级, D 年度指标值, E 实际完成值, F 分值, G 得分, H 偏差原因
    ("产出指标", "数量指标", "培训人数", "≥1000人次", "1000人次", 20.0, 20.0, None),
    ("产出指标", "质量指标", "培训合格率", "≥95%", "98%", 15.0, 15.0, None),
    ("产出指标", "时效指标", "培训完成时间", "按时完成", "达成年度指标", 15.0, 15.0, None),
    ("效益指标", "社会效益指标", "参训农民增收率", "≥5%", "6%", 30.0, 30.0, None),
    ("满意度指标", "服务对象满意度指标", "参训农民满意度", "≥90%", "93%", 10.0, 10.0, None),
]
SELF_TOTALS = {"weight": ("F17", 100.0), "score": ("G17", 99.6)}
GOAL_COLS = ("level1", "level2", "name", "target")
SELF_COLS = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")
NUMERIC_COLS = {"weight", "score"}
FIRST_ROW = 12
UNCACHED = object()  # a formula cell whose value was never cached


class _Cells:
    """The form's cells as a dict A1 -> value, with overrides applied."""

    def __init__(self, sheet: str, base: dict[str, Any], changes: dict[str, Any] | None) -> None:
        self.sheet = sheet
        self.values = {**base, **(changes or {})}
        self.issues: list[ReadIssue] = []

    def text(self, cell: str) -> Field:
        v = self.values.get(cell)
        if v is UNCACHED:
            return Field(None, CellRef(self.sheet, cell), "=SUM(G12:G16)", formula_uncached=True)
        v = float(v) if isinstance(v, int) else v
        return Field(v, CellRef(self.sheet, cell), "" if v is None else str(v))

    def number(self, cell: str) -> Field:
        """Like the reader: text numbers become floats; other text is an issue."""
        f = self.text(cell)
        if f.blank or isinstance(f.value, float) or f.formula_uncached:
            return f
        n = parse_number(str(f.value))
        if n is None:
            self.issues.append(ReadIssue("not_a_number", f.ref, str(f.value), "not a number"))
            return f
        return dataclasses.replace(f, value=n, percent=str(f.value).rstrip().endswith(("%", "％")))


def _rows_base(rows: list[tuple[Any, ...]], cols: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            out[f"{chr(65 + j)}{FIRST_ROW + i}"] = value
    return out


def _indicators(cells: _Cells, n: int, cols: tuple[str, ...]) -> tuple[Indicator, ...]:
    out = []
    for i in range(n):
        r = FIRST_ROW + i
        fields = {key: (cells.number if key in NUMERIC_COLS else cells.text)(f"{chr(65 + j)}{r}")
                  for j, key in enumerate(cols)}
        if all(f.blank for f in fields.values()):
            continue
        actual = parse_value(fields["actual"]) if "actual" in fields else None
        out.append(Indicator(row=r, fields=fields, target=parse_value(fields["target"]), actual=actual))
    return tuple(out)


def goal_sub(changes: dict[str, Any] | None = None, *, header: dict[str, str] | None = None,
             midterm: dict[str, Any] | None = None, extra_rows: int = 0, **kw: Any) -> Submission:
    """A clean goal declaration, cells changed by ``changes``."""
    base = {cell: v for cell, v in GOAL_HEADER.values()}
    base.update({cell: v for cell, v in GOAL_FUNDS.values()})
    base[GOAL_TEXT[0]] = GOAL_TEXT[1]
    base.update(_rows_base(GOAL_ROWS, GOAL_COLS))
    cells = _Cells(GOAL_SHEET, base, changes)
    head = {k: cells.text(c) for k, (c, _) in GOAL_HEADER.items()}
    head.update({k: cells.text(c) for k, c in (header or {}).items()})
    funds = {"annual": {k: {"amount": cells.number(c)} for k, (c, _) in GOAL_FUNDS.items()}}
    if midterm:
        funds["midterm"] = {k: {"amount": cells.number(c)} for k, c in midterm.items()}
    inds = _indicators(cells, len(GOAL_ROWS) + extra_rows, GOAL_COLS)
    return Submission(path="goal.xlsx", kind=FormKind.GOAL, sheet=GOAL_SHEET, header=head,
                      funds=funds, goals={"annual": cells.text(GOAL_TEXT[0])}, indicators=inds,
                      **{"issues": tuple(cells.issues), **kw})


def selfeval_sub(changes: dict[str, Any] | None = None, *, extra_rows: int = 0, **kw: Any) -> Submission:
    """A clean self-evaluation, cells changed by ``changes``."""
    base = {cell: v for cell, v in SELF_HEADER.values()}
    base.update({cell: v for cell, v in SELF_EXEC.values()})
    base.update({f"C{r}": v for r, v in zip(SELF_PARTS.values(), (100.0, 0.0, 0.0), strict=True)})
    base.update(_rows_base(SELF_ROWS, SELF_COLS))
    base.update({cell: v for cell, v in SELF_TOTALS.values()})
    cells = _Cells(SELF_SHEET, base, changes)
    head = {k: cells.text(c) for k, (c, _) in SELF_HEADER.items()}
    funds = {"annual": {"total": {k: cells.number(c) for k, (c, _) in SELF_EXEC.items()}}}
    for row_key, r in SELF_PARTS.items():
        funds["annual"][row_key] = {"budget": cells.number(f"C{r}")}
    inds = _indicators(cells, len(SELF_ROWS) + extra_rows, SELF_COLS)
    totals = {k: cells.number(c) for k, (c, _) in SELF_TOTALS.items()}
    return Submission(path="self.xlsx", kind=FormKind.SELFEVAL, sheet=SELF_SHEET, header=head,
                      funds=funds, goals={"annual": Field("完成培训", CellRef(SELF_SHEET, "B10"))},
                      indicators=inds, totals=totals, **{"issues": tuple(cells.issues), **kw})


def flatten(findings: list[Any], keys: tuple[str, ...] = ("code", "cell")) -> list[tuple[Any, ...]]:
    """[(code, cell), ...] in the engine's order (cf. frictionless report.flatten)."""
    return [tuple(getattr(f, k) for k in keys) for f in findings]


def codes(sub: Submission, pack: RulePack | None = None) -> list[tuple[Any, ...]]:
    return flatten(check(sub, pack or default_pack()))


@pytest.fixture(scope="session")
def national() -> RulePack:
    return default_pack()


@pytest.fixture(scope="session")
def goal():
    """goal_sub: a clean goal declaration with some cells changed."""
    return goal_sub


@pytest.fixture(scope="session")
def selfeval():
    """selfeval_sub: a clean self-evaluation with some cells changed."""
    return selfeval_sub


@pytest.fixture(scope="session")
def run(national):
    """run(sub) -> [(code, cell), ...] with the national pack."""
    return lambda sub, pack=None: codes(sub, pack or national)


@pytest.fixture(scope="session")
def uncached() -> object:
    """A cell value meaning "formula without cached value"."""
    return UNCACHED
