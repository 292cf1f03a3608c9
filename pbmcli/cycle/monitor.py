"""Monthly execution monitoring (执行进度监控); the indicator lights (绩效运行监控) are in
``cycle.lights``.

Execution: per unit and project, execution rate = spent / budget × 100, time
progress by ``pack.monitor.time_progress`` (months: month / 12; days: day of year
of the period's last day / days in year), gap = rate - time progress in
percentage points; gap < -warning_red → 红色预警, gap < -warning_yellow → 黄色预警.

Indicator lights (domain.md §5): positive p = current / (annual × month / 12) × 100
against ``pack.monitor.lights``; reverse: within target → green else red;
qualitative 达成 / 部分达成 / 未达成 → green / yellow / red; "完全不可能" → red.

Public JSON contracts (keys stable; consumed by the notices):
- execution: {"tool", "version", "period": "2026-10", "time_progress": 83.33,
  "units": [{"unit", "code", "budget", "spent", "rate", "gap", "level", "level_text",
  "projects": [{"project", "budget", "spent", "rate", "gap", "level", "level_text"}]}],
  "missing": [{"unit", "code"}], "total": {"budget", "spent", "rate", "gap"},
  "incomplete": [{"unit", "code", "project", "row", "columns"}], "notes": [str]}
  (amounts in 万元: an export in 元 — a 「单位：元」 title line or a 「…（元）」 header — is
  divided by 10,000 and a note says so; rate / gap / time_progress in percent / percentage
  points, level green | yellow | red with level_text 正常 | 黄色预警 | 红色预警 beside it, units ordered by rate descending).  A row whose
  budget or spent is blank, a dash or text is a finding (M501) and is left out of every
  figure (listed in "incomplete" as 数据缺失, never computed as 0);
- indicator lights: {"tool", "version", "period", "kind": "indicators",
  "counts": {"red", "yellow", "green", "blue", "none"}, "indicators": [{"unit", "project",
  "indicator", "level1", "target", "current", "forecast", "likelihood", "reason", "p",
  "light": red | yellow | green | blue | null, "light_label", "basis"}]}.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from ..config import RulePack
from ..errors import InputError, UsageError
from ..ledger.records import ExecutionRow
from ..ledger.store import Ledger
from ..ledger.units import (
    Unit,
    UnitMatcher,
    cell_text,
    find_header,
    normalize,
    read_sheets,
    read_sheets_noted,
)
from ..model import Finding
from ..period import Period, time_progress

LEVEL_OK, LEVEL_YELLOW, LEVEL_RED = "green", "yellow", "red"
LEVEL_TEXT = {LEVEL_OK: "正常", LEVEL_YELLOW: "黄色预警", LEVEL_RED: "红色预警"}

_NUM = re.compile(r"^[-+]?\d+(\.\d+)?$")
_TITLE_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元)")
_LABEL_UNIT = re.compile(r"[（(]\s*(万元|元)\s*[)）]|(万元|元)$")


# periods live in pbmcli.period (re-exported here for callers of monitor.Period)


def warning_level(gap: float | None, pack: RulePack) -> str:
    """green (正常) / yellow (黄色预警) / red (红色预警) from the gap in percentage points."""
    if gap is None:
        return LEVEL_OK
    if gap < -pack.monitor.warning_red:
        return LEVEL_RED
    if gap < -pack.monitor.warning_yellow:
        return LEVEL_YELLOW
    return LEVEL_OK


_STEPS: dict[int, Decimal] = {}   # d -> 10**-d, made once (a ranking rounds every cell)


def rounded(x: float | None, d: int = 2) -> float | None:
    """Half-up rounding to ``d`` decimals (2.345 → 2.35); None passes through, and so does a
    non-finite value as None (never NaN/inf in JSON); a huge value needs no rounding."""
    if x is None or not math.isfinite(x):
        return None
    if abs(x) >= 1e15:  # beyond float's decimal precision: rounding changes nothing
        return float(x)
    step = _STEPS.get(d) or _STEPS.setdefault(d, Decimal(1).scaleb(-d))
    return float(Decimal(repr(x)).quantize(step, rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- export reading


def parse_amount(value: object) -> float | None:
    """12,345.6 / "12,345.60" / "１２３万元" / "" / "-" / NaN / inf → float or None (not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    t = normalize(value).replace(",", "").replace("万元", "").replace("元", "")
    if t in ("", "-", "—", "/"):
        return None
    return float(t) if _NUM.match(t) else None


@dataclass(frozen=True)
class ExportLine:
    row: int  # 1-based row in the sheet
    unit: str
    code: str
    project: str
    budget: float
    spent: float
    missing: str = ""  # column labels whose amount is blank / a dash / text: the row is not computed


def read_export(path: str | Path, pack: RulePack) -> tuple[list[ExportLine], list[Finding]]:
    """Read an execution export: header found by aliases, totals and blank rows skipped."""
    aliases = pack.monitor.aliases
    sheets, notes = read_sheets_noted(path)
    for sheet, rows in sheets:
        found = find_header(rows, aliases, ("budget", "spent"), pack.monitor.header_scan_rows)
        if found is None or not ({"unit", "code"} & set(found[1])):
            continue
        text = Path(path).suffix.lower() in (".csv", ".txt")  # a CSV has no worksheet to name
        lines, findings = _export_lines(rows, found[0], found[1], pack, str(path), None if text else sheet)
        return lines, notes + findings
    labels = "、".join(f"{_COLUMN_NAMES.get(k, k)}（如 {'/'.join(v[:3])}）" for k, v in aliases.items())
    raise InputError(str(path), f"没有找到执行数据的表头。需要这些列：{labels}。"
                     "可在 pbm.toml 的 [monitor.aliases] 中补充本地的列名。", "F003")


_COLUMN_NAMES = {"unit": "单位名称", "code": "单位编码", "project": "项目名称", "budget": "全年预算",
                 "spent": "累计支出"}


def _export_lines(rows: Sequence[Sequence[Any]], start: int, cols: dict[str, int],
                  pack: RulePack, path: str, sheet: str | None) -> tuple[list[ExportLine], list[Finding]]:
    from ..model import a1
    from ..rules import finding_for

    skip = tuple(normalize(w) for w in pack.monitor.skip_words)
    lines: list[ExportLine] = []
    header = {k: normalize(rows[start][j]) for k, j in cols.items()}
    divisors, findings = _amount_divisors(rows, start, cols, path, sheet)
    # an export repeats few distinct values (units, projects): each is read once
    text, amount = _once(cell_text), _once(parse_amount)
    totals = _once(lambda t: normalize(t).startswith(skip) or normalize(t).endswith(skip))
    repeated = _once(lambda v: normalize(v) == header["budget"])

    def raw(row: Sequence[Any], key: str) -> Any:
        j = cols.get(key)
        return row[j] if j is not None and j < len(row) else ""

    for i in range(start + 1, len(rows)):
        row = rows[i]
        unit, code, project = (text(raw(row, k)) for k in ("unit", "code", "project"))
        raws = {k: raw(row, k) for k in ("budget", "spent")}
        if not (unit or code or project) or repeated(raws["budget"]):
            continue  # blank, or the header repeated on every printed page
        if any(totals(t) for t in (unit, code, project) if t):  # 合计 / 县财政局小计 / 总计：
            continue
        amounts = {k: amount(raws[k]) for k in ("budget", "spent")}
        bad = [k for k, v in amounts.items() if v is None]
        for key in bad:
            shown = text(raws[key])
            findings.append(finding_for(
                "M501", path=path, sheet=sheet, cell=a1(i + 1, cols[key] + 1), actual=shown,
                detail=f"{Path(path).name} 第 {i + 1} 行（{unit or code}"
                       f"{' ' + project if project else ''}）「{header[key]}」列"
                       f"{'为空' if not shown else f'为「{shown}」，不是数字'}："
                       "该行不计入执行率和合计，列为数据缺失。请在导出文件中补上金额后重新运行。"))
        budget, spent = ((amounts[k] or 0.0) / divisors[k] for k in ("budget", "spent"))
        lines.append(ExportLine(i + 1, unit, code, project, budget, spent,
                                "、".join(header[k] for k in bad)))
    return lines, findings


_T = TypeVar("_T")


def _once(func: Callable[[Any], _T]) -> Callable[[Any], _T]:
    """``func`` of a cell value, computed once per distinct value (and type: 1 and True differ)."""
    seen: dict[tuple[type, Any], _T] = {}

    def get(value: Any) -> _T:
        key = (value.__class__, value)
        if key not in seen:
            seen[key] = func(value)
        return seen[key]

    return get


def _amount_divisors(rows: Sequence[Sequence[Any]], start: int, cols: dict[str, int], path: str,
                     sheet: str | None) -> tuple[dict[str, float], list[Finding]]:
    """Per amount column: divide by 1 for 万元 (the default), by 10000 for 元, from the column label
    (「全年预算数（元）」) or else a title line above the header (「单位：元」)."""
    from ..rules import finding_for

    title = next((m.group(1) for r in rows[:start] for c in r
                  if isinstance(c, str) and (m := _TITLE_UNIT.search(normalize(c)))), None)
    divisors: dict[str, float] = {}
    sources: list[str] = []
    for key in ("budget", "spent"):
        label = normalize(rows[start][cols[key]])
        m = _LABEL_UNIT.search(label)
        unit = (m.group(1) or m.group(2)) if m else title
        divisors[key] = 10000.0 if unit == "元" else 1.0
        if unit == "元":
            sources.append(f"「{label}」列" if m else f"表头上方的「单位：{title}」")
    if not sources:
        return divisors, []
    return divisors, [finding_for(
        "M502", path=path, sheet=sheet,
        detail=f"金额单位：元（依据{'、'.join(dict.fromkeys(sources))}），已换算为万元（÷10000）。")]


def detect_kind(path: str | Path) -> str:
    """"forms" for monitoring forms (a folder, a zip, a workbook titled …监控表), else "export"."""
    p = Path(path)
    if p.is_dir() or p.suffix.lower() == ".zip":
        return "forms"
    if p.suffix.lower() in (".csv", ".txt") or not p.is_file() or p.stat().st_size > 2_000_000:
        return "export"
    for _sheet, rows in read_sheets(p):
        for row in rows[:12]:
            if any("监控表" in normalize(c) for c in row if isinstance(c, str)):
                return "forms"
    return "export"


# --------------------------------------------------------------------------- results


@dataclass
class Figures:
    """Budget, spent and the derived rate / gap / level."""

    budget: float = 0.0
    spent: float = 0.0
    rate: float | None = None
    gap: float | None = None
    level: str = LEVEL_OK

    def finish(self, tp: float, pack: RulePack) -> Figures:
        self.rate = self.spent / self.budget * 100 if self.budget else None
        self.gap = self.rate - tp if self.rate is not None else None
        self.level = warning_level(self.gap, pack)
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"budget": rounded(self.budget, 4), "spent": rounded(self.spent, 4), "rate": rounded(self.rate),
                "gap": rounded(self.gap), "level": self.level,
                "level_text": LEVEL_TEXT[self.level]}


@dataclass
class UnitExecution:
    unit: str
    code: str
    figures: Figures = field(default_factory=Figures)
    projects: dict[str, Figures] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        projects = [{"project": name, **f.as_dict()} for name, f in self.projects.items()]
        return {"unit": self.unit, "code": self.code, **self.figures.as_dict(),
                "projects": projects}


@dataclass
class MonitorResult:
    """Execution monitoring of one month (public JSON contract: ``to_dict``)."""

    period: str
    time_progress: float
    units: list[UnitExecution]
    missing: list[dict[str, str]]
    total: Figures
    findings: list[Finding] = field(default_factory=list)
    source: str = ""  # sha256 of the export file
    incomplete: list[dict[str, Any]] = field(default_factory=list)  # rows not computed: 数据缺失

    def to_dict(self) -> dict[str, Any]:
        tot = self.total.as_dict()
        return {
            "tool": "pbm", "version": __version__, "period": self.period,
            "time_progress": rounded(self.time_progress),
            "units": [u.to_dict() for u in self.units],
            "missing": self.missing,
            "total": {k: tot[k] for k in ("budget", "spent", "rate", "gap")},
            "incomplete": self.incomplete,
            "notes": [f.message for f in self.findings if f.code == "M502"],
        }

    def ledger_rows(self) -> list[ExecutionRow]:
        """One row per unit + project, for ``Ledger.record_execution``."""
        return [ExecutionRow(u.code or None, u.unit, name, f.budget, f.spent, f.rate,
                             self.time_progress, f.gap, f.level)
                for u in self.units for name, f in u.projects.items()]


def monitor_export(path: str | Path, period: str, pack: RulePack,
                   units: Sequence[Unit] = ()) -> MonitorResult:
    """Read an export and compute execution vs time progress per unit and project."""
    p = Period.parse(period)
    if p.kind != "month":
        raise UsageError(f"执行监控按月进行，--period 应写成 2026-10 这样的月份，现为「{period}」。")
    lines, findings = read_export(path, pack)
    result = compute_execution(lines, p, pack, units, str(path))
    result.findings[:0] = findings
    result.source = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return result


def compute_execution(lines: Sequence[ExportLine], period: Period, pack: RulePack,
                      units: Sequence[Unit] = (), path: str = "") -> MonitorResult:
    """Aggregate export lines per unit and project (pure).

    Each line is matched to the directory once per distinct unit text; the sums per unit and
    per unit + project are a pandas group-by over the complete lines, the total an exactly
    rounded sum of them (``math.fsum``)."""
    tp = time_progress(period, pack.monitor.time_progress)
    matcher = UnitMatcher(units) if units else None
    matched: dict[tuple[str, str], Unit | None] = {}
    findings: list[Finding] = []
    reported: set[str] = set()
    incomplete: list[dict[str, Any]] = []
    table: dict[str, list[Any]] = {"key": [], "name": [], "code": [], "project": [], "budget": [], "spent": []}
    for line in lines:
        unit = None
        if matcher:
            said = (line.code, line.unit)
            if said not in matched:
                matched[said] = unit = matcher.match(line.code, line.unit)
                text = line.unit or line.code
                if unit is None and text not in reported:
                    reported.add(text)
                    findings.append(matcher.unmatched(text, path, f"第 {line.row} 行"))
            unit = matched[said]
        code = unit.code if unit else line.code
        name = unit.name if unit else (line.unit or line.code)
        if line.missing:
            incomplete.append({"unit": name, "code": code, "project": line.project, "row": line.row,
                               "columns": line.missing})
            continue
        for column, value in zip(table, (code or f"名称:{name}", name, code, line.project, line.budget,
                                         line.spent), strict=True):
            table[column].append(value)
    by_unit = _sums(table)
    for ue in by_unit:
        ue.figures.finish(tp, pack)
        for f in ue.projects.values():
            f.finish(tp, pack)
    total = Figures(math.fsum(table["budget"]), math.fsum(table["spent"])).finish(tp, pack)
    ordered = sorted(by_unit, key=lambda u: (u.figures.rate is None, -(u.figures.rate or 0), u.code, u.unit))
    seen = {u.code for u in ordered} | {i["code"] for i in incomplete}  # 数据缺失 is not 未报送
    missing = [{"unit": u.name, "code": u.code} for u in units if u.code not in seen]
    return MonitorResult(str(period), tp, ordered, missing, total, findings, incomplete=incomplete)


def _sums(table: dict[str, list[Any]]) -> list[UnitExecution]:
    """Budget and spent summed per unit key and per (unit key, project): a unit keeps the name
    and code of its first line; units and projects come in the order they first appear.
    pandas adds with compensated summation, so instalments that add up to 3.19545 give 3.19545,
    not 3.1954499999999997 (which would show, and round half up, as …54)."""
    import pandas as pd

    frame = pd.DataFrame(table).astype({"budget": "float64", "spent": "float64"})
    units = frame.groupby("key", sort=False).agg(name=("name", "first"), code=("code", "first"),
                                                 budget=("budget", "sum"), spent=("spent", "sum"))
    projects = frame.groupby(["key", "project"], sort=False)[["budget", "spent"]].sum()
    out = {key: UnitExecution(name, code, Figures(budget, spent)) for key, name, code, budget, spent
           in zip(units.index.tolist(), *(units[c].tolist() for c in units.columns), strict=True)}
    index = projects.index
    for key, project, budget, spent in zip(index.get_level_values(0).tolist(), index.get_level_values(1).tolist(),
                                            projects["budget"].tolist(), projects["spent"].tolist(), strict=True):
        out[key].projects[project] = Figures(budget, spent)
    return list(out.values())


def record(ledger: Ledger, res: MonitorResult, path: str) -> str:
    """Record a month's execution in the ledger (and the run in its log); the ledger's status:
    new | duplicate | superseded."""
    status: str = ledger.record_execution(res.period, res.ledger_rows(), res.source)
    ledger.log_run("monitor", {"period": res.period, "path": path, "status": status})
    return status
