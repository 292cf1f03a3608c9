"""Monthly execution monitoring (执行进度监控) and indicator lights (绩效运行监控).

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import RulePack
from ..errors import InputError, UsageError
from ..ledger.store import ExecutionRow
from ..ledger.units import (
    Unit,
    UnitMatcher,
    cell_text,
    find_header,
    normalize,
    read_sheets,
    read_sheets_noted,
)
from ..model import Finding, Indicator, Operator, Submission, num_text
from ..period import Period, time_progress

LEVEL_OK, LEVEL_YELLOW, LEVEL_RED = "green", "yellow", "red"
LEVEL_TEXT = {LEVEL_OK: "正常", LEVEL_YELLOW: "黄色预警", LEVEL_RED: "红色预警"}
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "blue": "蓝灯", None: "无法判断"}

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


def rounded(x: float | None, d: int = 2) -> float | None:
    """Half-up rounding to ``d`` decimals (2.345 → 2.35); None passes through, and so does a
    non-finite value as None (never NaN/inf in JSON); a huge value needs no rounding."""
    from decimal import ROUND_HALF_UP, Decimal

    if x is None or not math.isfinite(x):
        return None
    if abs(x) >= 1e15:  # beyond float's decimal precision: rounding changes nothing
        return float(x)
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))


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
        lines, findings = _export_lines(rows, found[0], found[1], pack, str(path), sheet)
        return lines, notes + findings
    labels = "、".join(f"{k}（{'/'.join(v[:3])}）" for k, v in aliases.items())
    raise InputError(str(path), f"没有找到执行数据的表头。需要这些列：{labels}。"
                     "可在 pbm.toml 的 [monitor.aliases] 中补充本地的列名。", "F003")


def _export_lines(rows: Sequence[Sequence[Any]], start: int, cols: dict[str, int],
                  pack: RulePack, path: str, sheet: str) -> tuple[list[ExportLine], list[Finding]]:
    from ..model import a1
    from ..rules import finding_for

    skip = tuple(normalize(w) for w in pack.monitor.skip_words)
    lines: list[ExportLine] = []
    width = max(cols.values()) + 1
    header = {k: normalize(rows[start][j]) for k, j in cols.items()}
    divisors, findings = _amount_divisors(rows, start, cols, path, sheet)
    for i in range(start + 1, len(rows)):
        row = list(rows[i]) + [""] * (width - len(rows[i]))
        unit = cell_text(row[cols["unit"]]) if "unit" in cols else ""
        code = cell_text(row[cols["code"]]) if "code" in cols else ""
        project = cell_text(row[cols["project"]]) if "project" in cols else ""
        if not (unit or code or project) or normalize(row[cols["budget"]]) == header["budget"]:
            continue  # blank, or the header repeated on every printed page
        if any(normalize(t).startswith(skip) or normalize(t).endswith(skip)
               for t in (unit, code, project) if t):  # 合计 / 县财政局小计 / 总计：
            continue
        amounts = {k: parse_amount(row[cols[k]]) for k in ("budget", "spent")}
        bad = [k for k, v in amounts.items() if v is None]
        for key in bad:
            raw = cell_text(row[cols[key]])
            findings.append(finding_for(
                "M501", path=path, sheet=sheet, cell=a1(i + 1, cols[key] + 1), actual=raw,
                detail=f"{Path(path).name} 第 {i + 1} 行（{unit or code}"
                       f"{' ' + project if project else ''}）「{header[key]}」列"
                       f"{'为空' if not raw else f'为「{raw}」，不是数字'}："
                       "该行不计入执行率和合计，列为数据缺失。请在导出文件中补上金额后重新运行。"))
        budget, spent = ((amounts[k] or 0.0) / divisors[k] for k in ("budget", "spent"))
        lines.append(ExportLine(i + 1, unit, code, project, budget, spent,
                                "、".join(header[k] for k in bad)))
    return lines, findings


def _amount_divisors(rows: Sequence[Sequence[Any]], start: int, cols: dict[str, int], path: str,
                     sheet: str) -> tuple[dict[str, float], list[Finding]]:
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
    """Aggregate export lines per unit and project (pure)."""
    tp = time_progress(period, pack.monitor.time_progress)
    matcher = UnitMatcher(units) if units else None
    by_unit: dict[str, UnitExecution] = {}
    findings: list[Finding] = []
    reported: set[str] = set()
    incomplete: list[dict[str, Any]] = []
    for line in lines:
        unit = matcher.match(line.code, line.unit) if matcher else None
        if matcher and unit is None and (line.unit or line.code) not in reported:
            reported.add(line.unit or line.code)
            findings.append(matcher.unmatched(line.unit or line.code, path, f"第 {line.row} 行"))
        code = unit.code if unit else line.code
        name = unit.name if unit else (line.unit or line.code)
        if line.missing:
            incomplete.append({"unit": name, "code": code, "project": line.project, "row": line.row,
                               "columns": line.missing})
            continue
        ue = by_unit.setdefault(code or f"名称:{name}", UnitExecution(name, code))
        fig = ue.projects.setdefault(line.project, Figures())
        for f in (fig, ue.figures):
            f.budget += line.budget
            f.spent += line.spent
    total = Figures()
    for ue in by_unit.values():
        ue.figures.finish(tp, pack)
        for f in ue.projects.values():
            f.finish(tp, pack)
        total.budget += ue.figures.budget
        total.spent += ue.figures.spent
    total.finish(tp, pack)
    ordered = sorted(by_unit.values(), key=lambda u: (u.figures.rate is None,
                                                      -(u.figures.rate or 0), u.code, u.unit))
    seen = {u.code for u in ordered} | {i["code"] for i in incomplete}  # 数据缺失 is not 未报送
    missing = [{"unit": u.name, "code": u.code} for u in units if u.code not in seen]
    return MonitorResult(str(period), tp, ordered, missing, total, findings, incomplete=incomplete)


# --------------------------------------------------------------------------- indicator lights


@dataclass(frozen=True)
class IndicatorLight:
    unit: str
    project: str
    name: str
    level1: str
    target: str
    current: str
    forecast: str
    likelihood: str
    reason: str
    p: float | None
    light: str | None  # red | yellow | green | blue | None (cannot judge)
    basis: str  # Chinese: how the light was decided

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "project": self.project, "indicator": self.name,
                "level1": self.level1, "target": self.target, "current": self.current,
                "forecast": self.forecast, "likelihood": self.likelihood, "reason": self.reason,
                "p": rounded(self.p), "light": self.light, "light_label": LIGHT_LABELS[self.light],
                "basis": self.basis}


@dataclass
class LightsResult:
    """Indicator lights of monitoring forms (public JSON contract: ``to_dict``)."""

    period: str
    indicators: list[IndicatorLight]
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in ("red", "yellow", "green", "blue", "none")}
        for ind in self.indicators:
            out[ind.light or "none"] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"tool": "pbm", "version": __version__, "period": self.period, "kind": "indicators",
                "counts": self.counts(), "indicators": [i.to_dict() for i in self.indicators]}


def _field_text(ind: Indicator, key: str) -> str:
    f = ind.get(key)
    return f.text or cell_text(f.value)


def _completion(text: str, pack: RulePack) -> str | None:
    """Canonical completion string for a qualitative value, or None."""
    key = normalize(text)
    for canon, words in pack.scoring.completion_terms.items():
        if key == normalize(canon) or key in {normalize(w) for w in words}:
            return canon
    return None


def _qualitative_light(ind: Indicator, pack: RulePack) -> tuple[None, str | None, str]:
    """达成 / 部分达成 / 未达成 → green / yellow / red; then the target itself; then light_terms."""
    current = _field_text(ind, "current")
    canon = _completion(current, pack)
    names = list(pack.scoring.completion_terms)
    if canon in names[:3]:
        return None, ("green", "yellow", "red")[names.index(canon)], f"定性指标：{canon}"
    if current and normalize(current) == normalize(ind.target.display()):
        return None, "green", "定性指标：完成情况与年度指标值一致"
    key = normalize(current)
    for light in ("red", "yellow", "green"):
        word = next((w for w in pack.monitor.light_terms.get(light, ()) if normalize(w) in key), None)
        if key and word:
            return None, light, f"定性指标：完成情况「{current}」含「{word}」"
    return None, None, f"定性指标的当前完成情况「{current or '（空）'}」无法判断，请人工核实"


def _current_number(ind: Indicator) -> float | None:
    f = ind.get("current")
    if f.number is not None:
        return f.number
    if isinstance(f.value, str):
        m = re.search(r"[-+]?\d+(?:\.\d+)?", normalize(f.value).replace(",", ""))
        return float(m.group()) if m else None
    return None


def indicator_light(ind: Indicator, month: int, pack: RulePack) -> tuple[float | None, str | None, str]:
    """(p, light, basis) for one monitored indicator (domain.md §5)."""
    likelihood = _field_text(ind, "likelihood")
    if "完全不可能" in likelihood:
        return None, "red", "完成可能性为「完全不可能」"
    target = ind.target
    if target.number is None:
        return _qualitative_light(ind, pack)
    current = _current_number(ind)
    if current is None:
        return None, None, "当前完成值为空或不是数字"
    op = target.operator or Operator.GE
    if op.direction == "reverse":
        ok = current <= target.number if op is Operator.LE else current < target.number
        return None, "green" if ok else "red", f"反向指标：当前值 {num_text(current)} {'在' if ok else '超出'}目标 {op}{num_text(target.number)} 范围"
    factor = month / 12 if _prorated(ind, pack) else 1.0
    standard = target.number * factor
    if standard <= 0:
        return None, "green" if current >= 0 else "red", "年度指标值为 0"
    p = current / standard * 100
    red, yellow, blue = pack.monitor.lights
    light = "red" if p < red else "yellow" if p < yellow else "green" if p < blue else "blue"
    base = f"({num_text(target.number)} × {month}/12)" if factor != 1.0 else f"{num_text(target.number)}（不按月折算）"
    return p, light, f"p = {num_text(current)} ÷ {base} × 100 = {p:.2f}"


_RATE_NAME = re.compile(r"(?:率|满意度|覆盖面|比例|比率|占比)$")


def _is_rate(ind: Indicator) -> bool:
    """A rate or ratio target: unit %, or a name ending in 率 / 满意度 / 比例 (a cumulative count,
    length or amount grows through the year and is prorated; a rate does not)."""
    name = re.sub(r"[(（][^()（）]*[)）]\s*$", "", ind.name.strip())
    return ind.target.is_percent or bool(_RATE_NAME.search(name))


def _prorated(ind: Indicator, pack: RulePack) -> bool:
    """Whether the annual target is prorated by month/12 (pack.monitor.prorate_*)."""
    cfg = pack.monitor
    if _is_rate(ind) and not cfg.prorate_percent:
        return False  # a rate (合格率, 满意度 …) is compared with its annual target (domain.md §5)
    return not cfg.prorate_only or any(w in f"{ind.level1}/{ind.level2}" for w in cfg.prorate_only)


_CUTOFF = (re.compile(r"(\d{1,2})\s*[-—–－~～至到]\s*(\d{1,2})\s*月"),
           re.compile(r"截[至止]\s*(?:20\d\d\s*年\s*)?(\d{1,2})\s*月"))


def cutoff_month(texts: Sequence[str]) -> int | None:
    """The month a monitoring form reports up to: 「（2026年1-7月）」→ 7, 「截至8月底」→ 8, "7" → 7."""
    for text in texts:
        t = normalize(text)
        if t.isdigit() and 1 <= int(t) <= 12:
            return int(t)
        for pattern in _CUTOFF:
            if (m := pattern.search(t)) and 1 <= int(m.groups()[-1]) <= 12:
                return int(m.groups()[-1])
        if m := re.fullmatch(r"(?:20\d\d[-年.])?(\d{1,2})月?(?:份|底|末)?", t):
            return int(m.group(1)) if 1 <= int(m.group(1)) <= 12 else None
    return None


def monitor_forms(subs: Sequence[Submission], period: str, pack: RulePack,
                  months: dict[str, int] | None = None) -> LightsResult:
    """Lights for every indicator of the monitoring forms.

    The proration month of a form is ``months[sub.path]`` (its cut-off month, e.g. 7 for a
    「1-7月」 form handed in during August), else its 监控截止月份 field, else the period's month.
    """
    p = Period.parse(period)
    out: list[IndicatorLight] = []
    for sub in subs:
        month = ((months or {}).get(sub.path) or cutoff_month([cell_text(sub.head("month").value)])
                 or p.months[-1].index)
        for ind in sub.indicators:
            if not ind.name and ind.target.number is None and ind.get("current").blank:
                continue  # an empty template row
            pval, light, basis = indicator_light(ind, month, pack)
            out.append(IndicatorLight(
                sub.unit, sub.project, ind.name, ind.level1, ind.target.display(),
                _field_text(ind, "current"), _field_text(ind, "forecast"),
                _field_text(ind, "likelihood"), _field_text(ind, "reason"), pval, light, basis))
    return LightsResult(str(p), out)


def record(ledger: Any, res: MonitorResult, path: str) -> str:
    """Record a month's execution in the ledger (and the run in its log); the ledger's status:
    new | duplicate | superseded."""
    status: str = ledger.record_execution(res.period, res.ledger_rows(), res.source)
    ledger.log_run("monitor", {"period": res.period, "path": path, "status": status})
    return status
