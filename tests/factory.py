"""Workbook factory for tests: realistic, filled goal and self-evaluation forms.

    from factory import make_selfeval, make_goal, Ind   # tests/ is on sys.path under pytest

    make_selfeval(path, *, variant="national", header=None, funds=None, goals=None,
                  indicators=None, totals=None, extra=None, extra_title_lines=0, gap_rows=0,
                  merge_levels=True, blank_rows=False, percent_format=False, formulas=False,
                  writer="xlsxwriter", hidden=False, instructions_sheet=False, meta=None,
                  execution_in_table=False, overrides=None) -> Path
    make_goal(path, *, variant="national", header=None, funds=None, goals=None,
              indicators=None, midterm=False, midterm_indicators=None, extra_title_lines=0,
              gap_rows=0, merge_levels=True, blank_rows=False, writer="xlsxwriter",
              hidden=False, instructions_sheet=False, meta=None, overrides=None) -> Path

* ``variant``: "national" (财预〔2020〕10号 annex 1), "city_ab" (全年预算数(A),
  全年执行数(B), 执行率(B/A), 年度指标值(A), 实际完成值(B)) or "sichuan" (extra
  columns 指标性质 and 度量单位, the value cell holds only the number; footer
  评价结论 / 存在问题 / 改进措施 / 项目负责人 / 财务负责人).  make_goal: national | sichuan.
* The defaults are CLEAN (they pass validation): 分值 执行率 10 + 产出 50 + 效益 30 +
  满意度 10 = 100, funds rows add up, each 得分 equals what the national rules give
  (execution 95/100 → 9.5, total 99.5).  The goal defaults use the same project and
  indicators, so a self-evaluation and its goal cross-check cleanly.
* Overrides: ``header`` / ``goals`` / ``extra`` dicts merge over the defaults
  (keys as in model.Submission: project, department, unit …; None blanks a field);
  ``funds`` = {row: {col: value}} with rows total/appropriation/carryover/other and
  columns initial/budget/spent (self-eval) or amount (goal: {block: {row: amount}});
  ``indicators`` replaces the list (``Ind`` or dicts); ``totals`` = {"weight", "score"};
  ``overrides`` = {"E14": value} is applied last to the form sheet (A1 cells).
* Layout options: ``extra_title_lines`` lines above the title, ``gap_rows`` blank
  rows between sections, ``merge_levels`` merges 一级/二级 cells (False: written in
  the first row only), ``blank_rows`` inserts a blank row inside the table,
  ``percent_format`` writes percentages as fractions with a percent number format,
  ``formulas`` makes 执行率/得分/总分 formulas (cached values with xlsxwriter, none
  with writer="openpyxl"), ``hidden`` hides the form sheet (a visible 说明 sheet is
  added), ``instructions_sheet`` adds a 填表说明 sheet first, ``meta`` =
  ("selfeval", "2026.1") adds the hidden _pbm_meta marker sheet.

``FORM_SHEET`` is the name of the form sheet.  Every function returns the path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

FORM_SHEET = "绩效表"


@dataclass(frozen=True)
class Ind:
    """One indicator row (target/actual as written in the national form)."""

    level1: str
    level2: str
    name: str
    target: Any
    actual: Any = None
    weight: float | None = None
    score: float | None = None
    reason: str = ""


SELFEVAL_INDICATORS = (
    Ind("产出指标", "数量指标", "养护道路里程", "≥100公里", "100公里", 20, 20),
    Ind("产出指标", "质量指标", "路面完好率", "≥90%", "92%", 15, 15),
    Ind("产出指标", "时效指标", "养护任务完成及时率", "≥95%", "96%", 15, 15),
    Ind("效益指标", "社会效益指标", "优良路段比例", "≥85%", "88%", 20, 20),
    Ind("效益指标", "可持续影响指标", "养护成果保持年限", "≥3年", "3年", 10, 10),
    Ind("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "95%", 10, 10),
)
GOAL_INDICATORS = tuple(replace(i, actual=None, weight=None, score=None) for i in SELFEVAL_INDICATORS)

HEADER = {
    "project": "农村公路养护工程", "department": "示例县交通运输局", "unit": "示例县公路事务中心",
    "department_code": "301", "attribute": "延续项目", "period": "3年", "new_project": "否",
    "pre_assessment": "否", "leader": "张明", "finance_leader": "李华",
}
SELFEVAL_FUNDS = {
    "total": {"initial": 100.0, "budget": 100.0, "spent": 95.0},
    "appropriation": {"initial": 80.0, "budget": 80.0, "spent": 76.0},
    "carryover": {"initial": 0.0, "budget": 0.0, "spent": 0.0},
    "other": {"initial": 20.0, "budget": 20.0, "spent": 19.0},
}
GOAL_FUNDS = {
    "midterm": {"total": 300.0, "appropriation": 240.0, "other": 60.0},
    "annual": {"total": 100.0, "appropriation": 80.0, "other": 20.0},
}
GOALS = {
    "midterm": "三年内完成全县农村公路养护300公里，路面完好率保持在90%以上。",
    "annual": "2026年完成农村公路养护100公里，路面完好率不低于90%，群众满意度不低于90%。",
    "annual_actual": "全年完成农村公路养护100公里，路面完好率92%，群众满意度95%。",
}
EXTRA = {
    "conclusion": "项目绩效目标基本完成，自评等级为优。",
    "problems": "个别路段养护进度偏慢。",
    "measures": "加强养护进度调度，按月通报。",
}

_ROW_LABELS = {"total": "年度资金总额", "appropriation": "其中：当年财政拨款", "carryover": "上年结转资金",
               "other": "其他资金"}
_TARGET = re.compile(r"^(≥|≤|>|<|=)?\s*(\d+(?:\.\d+)?)(.*)$")


# ---------------------------------------------------------------- cell model


@dataclass
class _Cell:
    value: Any
    pct: bool = False
    formula: str | None = None


@dataclass
class _Sheet:
    name: str
    cells: dict[tuple[int, int], _Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False

    def put(self, r: int, c: int, value: Any, *, to_col: int | None = None, to_row: int | None = None,
            pct: bool = False, formula: str | None = None) -> None:
        self.cells[(r, c)] = _Cell(value, pct, formula)
        if (to_col is not None and to_col > c) or (to_row is not None and to_row > r):
            self.merges.append((r, c, to_row if to_row is not None else r, to_col if to_col is not None else c))


def _a1(r: int, c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _parse_a1(ref: str) -> tuple[int, int]:
    m = re.match(r"^([A-Z]+)(\d+)$", ref)
    assert m, ref
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _write(path: Path, sheets: list[_Sheet], writer: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if writer == "openpyxl":
        _write_openpyxl(path, sheets)
    else:
        _write_xlsxwriter(path, sheets)
    return path


def _write_xlsxwriter(path: Path, sheets: list[_Sheet]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    pct = wb.add_format({"num_format": "0.00%"})
    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        merged = {(m[0], m[1]): m for m in sh.merges}
        inside = {(r, c) for r1, c1, r2, c2 in sh.merges for r in range(r1, r2 + 1)
                  for c in range(c1, c2 + 1) if (r, c) != (r1, c1)}
        for (r, c), cell in sorted(sh.cells.items()):
            if (r, c) in inside:
                continue
            fmt = pct if cell.pct else None
            if (r, c) in merged:
                r1, c1, r2, c2 = merged[(r, c)]
                ws.merge_range(r1, c1, r2, c2, "", fmt)
            if cell.formula:
                ws.write_formula(r, c, cell.formula, fmt, cell.value)
            elif isinstance(cell.value, str):
                ws.write_string(r, c, cell.value, fmt)  # "=100%" is a value, not a formula
            elif cell.value is not None:
                ws.write(r, c, cell.value, fmt)
        for r1, c1, r2, c2 in sh.merges:
            if (r1, c1) not in sh.cells:
                ws.merge_range(r1, c1, r2, c2, "")
        if sh.hidden:
            ws.hide()
    wb.close()


def _write_openpyxl(path: Path, sheets: list[_Sheet]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for (r, c), cell in sorted(sh.cells.items()):
            target = ws.cell(row=r + 1, column=c + 1)
            target.value = f"={cell.formula.lstrip('=')}" if cell.formula else cell.value
            if not cell.formula and isinstance(cell.value, str) and cell.value.startswith("="):
                target.data_type = "s"  # "=100%" is a value, not a formula
            if cell.pct:
                target.number_format = "0.00%"
        for r1, c1, r2, c2 in sh.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        if sh.hidden:
            ws.sheet_state = "hidden"
    wb.save(path)


# ---------------------------------------------------------------- helpers


@dataclass
class _Opts:
    variant: str
    merge_levels: bool
    blank_rows: bool
    percent_format: bool
    formulas: bool
    gap_rows: int
    execution_in_table: bool = False


def _inds(items: Any, default: tuple[Ind, ...]) -> list[Ind]:
    if items is None:
        return list(default)
    names = {f.name for f in fields(Ind)}
    return [i if isinstance(i, Ind) else Ind(**{k: v for k, v in i.items() if k in names}) for i in items]


def _merge_dict(base: dict[str, Any], over: dict[str, Any] | None) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k].update(v)
        else:
            out[k] = v
    return out


def _percent_cell(text: Any, opts: _Opts) -> tuple[Any, bool]:
    """"92%" → (0.92, True) when percent_format, else unchanged."""
    if opts.percent_format and isinstance(text, str):
        m = _TARGET.match(text)
        if m and not m.group(1) and m.group(3).strip() == "%":
            return round(float(m.group(2)) / 100, 10), True
    return text, False


def _split(value: Any) -> tuple[str, Any, str]:
    """Sichuan columns: "≥100公里" → ("≥", 100, "公里"); a term → ("定性", term, "")."""
    if isinstance(value, str) and (m := _TARGET.match(value)):
        num = float(m.group(2))
        return m.group(1) or "=", int(num) if num.is_integer() else num, m.group(3).strip()
    if isinstance(value, (int, float)):
        return "=", value, ""
    return "定性", value, ""


def _title(sh: _Sheet, r: int, title: str, year: int, width: int, extra_lines: int) -> int:
    for i in range(extra_lines):
        sh.put(r, 0, "附件2" if i == 0 else None)
        r += 1
    sh.put(r, 0, title, to_col=width)
    sh.put(r + 1, 0, f"（{year}年度）", to_col=width)
    return r + 2


def _levels(sh: _Sheet, rows: list[tuple[int, Ind]], col: int, attr: str, merge: bool) -> None:
    """Write 一级/二级 names: merged over runs of equal names, or only in the run's first row."""
    run: list[int] = []
    for n, (r, ind) in enumerate(rows):
        run.append(r)
        last = n + 1 == len(rows) or getattr(rows[n + 1][1], attr) != getattr(ind, attr) \
            or (attr == "level2" and rows[n + 1][1].level1 != ind.level1)
        if last:
            sh.put(run[0], col, getattr(ind, attr), to_row=run[-1] if merge else None)
            run = []


def _sections(r: int, opts: _Opts) -> int:
    """The row after a section plus the requested blank gap rows."""
    return r + opts.gap_rows


# ---------------------------------------------------------------- self-evaluation


def _selfeval_columns(variant: str) -> list[tuple[str, str]]:
    ab = variant == "city_ab"
    cols = [("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标")]
    if variant == "sichuan":
        cols += [("nature", "指标性质"), ("target", "年度指标值"), ("unit", "度量单位")]
    else:
        cols += [("target", "年度指标值(A)" if ab else "年度指标值")]
    cols += [("actual", "实际完成值(B)" if ab else "实际完成值"), ("weight", "分值"), ("score", "得分"),
             ("reason", "未完成原因分析" if variant == "sichuan" else "偏差原因分析及改进措施")]
    return cols


def _fund_header(variant: str) -> list[tuple[str, str]]:
    ab = variant == "city_ab"
    return [("initial", "年初预算数"), ("budget", "全年预算数(A)" if ab else "全年预算数"),
            ("spent", "全年执行数(B)" if ab else "全年执行数"), ("weight", "分值"),
            ("rate", "执行率(B/A)" if ab else "执行率"), ("score", "得分")]


def _exec_score(funds: dict[str, Any]) -> tuple[float, float]:
    budget, spent = funds["total"].get("budget"), funds["total"].get("spent")
    if not isinstance(budget, (int, float)) or not isinstance(spent, (int, float)) or not budget:
        return 0.0, 0.0
    rate = spent / budget
    return rate, round(min(rate, 1.0) * 10, 2)


def _selfeval_funds(sh: _Sheet, r: int, funds: dict[str, Any], opts: _Opts) -> int:
    head = _fund_header(opts.variant)
    sh.put(r, 0, "项目资金（万元）", to_row=r + 4)
    for i, (_, label) in enumerate(head):
        sh.put(r, 2 + i, label)
    rate, score = _exec_score(funds)
    for n, key in enumerate(("total", "appropriation", "carryover", "other"), start=1):
        sh.put(r + n, 1, _ROW_LABELS[key])
        for i, (col, _) in enumerate(head[:3]):
            sh.put(r + n, 2 + i, funds[key].get(col))
    t = r + 1
    budget, spent = _a1(t, 3), _a1(t, 4)
    formula = opts.formulas
    sh.put(t, 5, funds["total"].get("weight", 10))
    rate_value = funds["total"].get("rate", rate)
    if opts.percent_format or formula:
        sh.put(t, 6, rate_value, pct=True, formula=f"={spent}/{budget}" if formula else None)
    else:
        sh.put(t, 6, f"{rate_value * 100:.2f}%" if isinstance(rate_value, float) else rate_value)
    sh.put(t, 7, funds["total"].get("score", score),
           formula=f"=ROUND(MIN({_a1(t, 6)},1)*10,2)" if formula else None)
    return r + 5


def _goal_texts(sh: _Sheet, r: int, labels: tuple[str, str], texts: tuple[Any, Any], width: int,
                group: str) -> int:
    mid = 1 + (width - 1) // 2
    sh.put(r, 0, group, to_row=r + 1)
    sh.put(r, 1, labels[0], to_col=mid - 1)
    sh.put(r, mid, labels[1], to_col=width)
    sh.put(r + 1, 1, texts[0], to_col=mid - 1)
    sh.put(r + 1, mid, texts[1], to_col=width)
    return r + 2


def _indicator_cells(ind: Ind, key: str, opts: _Opts) -> tuple[Any, bool]:
    if opts.variant == "sichuan" and key in ("nature", "target", "unit", "actual"):
        op, num, unit = _split(ind.target)
        if key == "nature":
            return op, False
        if key == "unit":
            return unit, False
        value = num if key == "target" else _split(ind.actual)[1] if ind.actual is not None else None
        if opts.percent_format and unit == "%" and isinstance(value, (int, float)):
            return round(value / 100, 10), True
        return value, False
    value = getattr(ind, key, None)
    if key == "actual":
        return _percent_cell(value, opts)
    return value, False


def _table(sh: _Sheet, r: int, inds: list[Ind], cols: list[tuple[str, str]], opts: _Opts,
           label: str) -> tuple[int, list[tuple[int, Ind]]]:
    for i, (_, text) in enumerate(cols):
        sh.put(r, 1 + i, text)
    rows: list[tuple[int, Ind]] = []
    cur = r + 1
    for n, ind in enumerate(inds):
        if opts.blank_rows and n == 2:
            cur += 1  # a fully blank row inside the table
        rows.append((cur, ind))
        cur += 1
    for row, ind in rows:
        for i, (key, _) in enumerate(cols):
            if key in ("level1", "level2"):
                continue
            value, pct = _indicator_cells(ind, key, opts)
            sh.put(row, 1 + i, value, pct=pct)
    keys = [k for k, _ in cols]
    _levels(sh, rows, 1 + keys.index("level1"), "level1", opts.merge_levels)
    _levels(sh, rows, 1 + keys.index("level2"), "level2", opts.merge_levels)
    sh.put(r, 0, label, to_row=cur - 1)
    return cur, rows


def _execution_row(sh: _Sheet, r: int, cols: list[tuple[str, str]], funds: dict[str, Any]) -> int:
    keys = [k for k, _ in cols]
    rate, score = _exec_score(funds)
    sh.put(r, 1 + keys.index("level1"), "预算执行率")
    sh.put(r, 1 + keys.index("name"), "预算执行率")
    sh.put(r, 1 + keys.index("target"), "100%")
    sh.put(r, 1 + keys.index("actual"), f"{rate * 100:g}%")
    sh.put(r, 1 + keys.index("weight"), 10)
    sh.put(r, 1 + keys.index("score"), score)
    return r + 1


def _footer(sh: _Sheet, r: int, header: dict[str, Any], extra: dict[str, Any], width: int) -> int:
    for key, label in (("conclusion", "评价结论"), ("problems", "存在问题"), ("measures", "改进措施")):
        sh.put(r, 0, label)
        sh.put(r, 1, extra.get(key), to_col=width)
        r += 1
    half = width // 2
    sh.put(r, 0, f"项目负责人：{header.get('leader') or ''}", to_col=half)
    sh.put(r, half + 1, f"财务负责人：{header.get('finance_leader') or ''}", to_col=width)
    return r + 1


def _side_sheets(form: _Sheet, *, hidden: bool, instructions: bool, meta: tuple[str, str] | None,
                 title: str) -> list[_Sheet]:
    sheets = []
    if instructions:
        info = _Sheet("填表说明")
        info.put(0, 0, f"{title}填表说明")
        info.put(1, 0, "1. 一级指标、二级指标按财预〔2020〕10号填写。")
        sheets.append(info)
    if hidden:
        note = _Sheet("说明")
        note.put(0, 0, "本工作簿的表格在另一工作表中。")
        sheets.append(note)
        form.hidden = True
    sheets.append(form)
    if meta is not None:
        m = _Sheet("_pbm_meta", hidden=True)
        m.put(0, 0, "pbm-template")
        m.put(0, 1, meta[0])
        m.put(0, 2, meta[1])
        sheets.append(m)
    return sheets


def _apply_overrides(sh: _Sheet, overrides: dict[str, Any] | None) -> None:
    for ref, value in (overrides or {}).items():
        r, c = _parse_a1(ref)
        sh.put(r, c, value)


def make_selfeval(path: str | Path, *, variant: str = "national", header: dict[str, Any] | None = None,
                  funds: dict[str, Any] | None = None, goals: dict[str, Any] | None = None,
                  indicators: Any = None, totals: dict[str, Any] | None = None,
                  extra: dict[str, Any] | None = None, extra_title_lines: int = 0, gap_rows: int = 0,
                  merge_levels: bool = True, blank_rows: bool = False, percent_format: bool = False,
                  formulas: bool = False, writer: str = "xlsxwriter", hidden: bool = False,
                  instructions_sheet: bool = False, meta: tuple[str, str] | None = None,
                  execution_in_table: bool = False, overrides: dict[str, Any] | None = None,
                  year: int = 2026) -> Path:
    """A filled 项目支出绩效自评表 (see the module docstring)."""
    opts = _Opts(variant, merge_levels, blank_rows, percent_format, formulas, gap_rows,
                 execution_in_table)
    head = _merge_dict(HEADER, header)
    fund = _merge_dict(SELFEVAL_FUNDS, funds)
    goal = _merge_dict(GOALS, goals)
    inds = _inds(indicators, SELFEVAL_INDICATORS)
    cols = _selfeval_columns(variant)
    width = len(cols)
    sh = _Sheet(FORM_SHEET)
    r = _title(sh, 0, "项目支出绩效自评表", year, width, extra_title_lines)
    mid = 1 + (width - 1) // 2
    sh.put(r, 0, "项目名称")
    sh.put(r, 1, head.get("project"), to_col=mid - 1)
    sh.put(r, mid, "主管部门")
    sh.put(r, mid + 1, head.get("department"), to_col=width)
    sh.put(r + 1, 0, "实施单位")
    sh.put(r + 1, 1, head.get("unit"), to_col=width)
    r = _sections(r + 2, opts)
    r = _sections(_selfeval_funds(sh, r, fund, opts), opts)
    r = _sections(_goal_texts(sh, r, ("预期目标", "实际完成情况"),
                                  (goal.get("annual"), goal.get("annual_actual")), width, "年度总体目标"), opts)
    r, rows = _table(sh, r, inds, cols, opts, "绩效指标")
    if execution_in_table:
        r = _execution_row(sh, r, cols, fund)
    keys = [k for k, _ in cols]
    wcol, scol = 1 + keys.index("weight"), 1 + keys.index("score")
    _, exec_score = _exec_score(fund)
    weights = [i.weight for i in inds if isinstance(i.weight, (int, float))]
    scores = [i.score for i in inds if isinstance(i.score, (int, float))]
    tot = {"weight": sum(weights) + 10, "score": round(sum(scores) + exec_score, 2)}
    tot.update(totals or {})
    sh.put(r, 0, "总分", to_col=wcol - 1)
    first, last = rows[0][0] if rows else r, r - 1
    sum_s = f"=SUM({_a1(first, scol)}:{_a1(last, scol)})+{_a1(_fund_total_row(sh), 7)}"
    sum_w = f"=SUM({_a1(first, wcol)}:{_a1(last, wcol)})+10"
    sh.put(r, wcol, tot["weight"], formula=sum_w if formulas and not totals else None)
    sh.put(r, scol, tot["score"], formula=sum_s if formulas and not totals else None)
    r += 1
    if variant == "sichuan":
        r = _footer(sh, r, head, _merge_dict(EXTRA, extra), width)
    _apply_overrides(sh, overrides)
    sheets = _side_sheets(sh, hidden=hidden, instructions=instructions_sheet, meta=meta,
                          title="项目支出绩效自评表")
    return _write(Path(path), sheets, writer)


def _fund_total_row(sh: _Sheet) -> int:
    return next(r for (r, c), cell in sh.cells.items() if c == 1 and cell.value == "年度资金总额")


# ---------------------------------------------------------------- goal declaration


def _goal_columns(variant: str) -> list[tuple[str, str]]:
    cols = [("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标")]
    if variant == "sichuan":
        return [*cols, ("nature", "指标性质"), ("target", "指标值"), ("unit", "度量单位")]
    return [*cols, ("target", "指标值")]


def _goal_funds(sh: _Sheet, r: int, funds: dict[str, Any]) -> int:
    sh.put(r, 0, "项目资金（万元）", to_row=r + 2)
    for block, col in (("midterm", 1), ("annual", 3)):
        label = "中期资金总额" if block == "midterm" else "年度资金总额"
        rows = (("total", label), ("appropriation", "其中：财政拨款"), ("other", "其他资金"))
        for n, (key, text) in enumerate(rows):
            sh.put(r + n, col, text)
            sh.put(r + n, col + 1, funds[block].get(key))
    return r + 3


def make_goal(path: str | Path, *, variant: str = "national", header: dict[str, Any] | None = None,
              funds: dict[str, Any] | None = None, goals: dict[str, Any] | None = None,
              indicators: Any = None, midterm: bool = False, midterm_indicators: Any = None,
              extra_title_lines: int = 0, gap_rows: int = 0, merge_levels: bool = True,
              blank_rows: bool = False, writer: str = "xlsxwriter", hidden: bool = False,
              instructions_sheet: bool = False, meta: tuple[str, str] | None = None,
              overrides: dict[str, Any] | None = None, year: int = 2026) -> Path:
    """A filled 项目支出绩效目标申报表 (see the module docstring)."""
    opts = _Opts(variant, merge_levels, blank_rows, False, False, gap_rows)
    head = _merge_dict(HEADER, header)
    fund = _merge_dict(GOAL_FUNDS, funds)
    goal = _merge_dict(GOALS, goals)
    cols = _goal_columns(variant)
    width = max(len(cols), 4)
    sh = _Sheet(FORM_SHEET)
    r = _title(sh, 0, "项目支出绩效目标申报表", year, width, extra_title_lines)
    code = head.get("department_code")
    dept = head.get("department")
    rows = (("项目名称", head.get("project"), None, None),
            ("主管部门及代码", f"[{code}]{dept}" if code and dept else dept, "实施单位", head.get("unit")),
            ("项目属性", head.get("attribute"), "项目期", head.get("period")),
            ("是否新增项目", head.get("new_project"), "是否开展事前评估", head.get("pre_assessment")))
    for label, value, label2, value2 in rows:
        sh.put(r, 0, label)
        if label2 is None:
            sh.put(r, 1, value, to_col=width)
        else:
            sh.put(r, 1, value, to_col=2)
            sh.put(r, 3, label2)
            sh.put(r, 4, value2, to_col=width)
        r += 1
    r = _sections(r, opts)
    r = _sections(_goal_funds(sh, r, fund), opts)
    r = _sections(_goal_texts(sh, r, ("中期目标", "年度目标"), (goal.get("midterm"), goal.get("annual")),
                                  width, "总体目标"), opts)
    if midterm:
        mids = _inds(midterm_indicators, GOAL_INDICATORS)
        r, _ = _table(sh, r, mids, cols, opts, "中期绩效指标")
    r, _ = _table(sh, r, _inds(indicators, GOAL_INDICATORS), cols, opts,
                  "年度绩效指标" if midterm else "绩效指标")
    _apply_overrides(sh, overrides)
    sheets = _side_sheets(sh, hidden=hidden, instructions=instructions_sheet, meta=meta,
                          title="项目支出绩效目标申报表")
    return _write(Path(path), sheets, writer)
