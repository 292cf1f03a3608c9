"""Indicator lights of 绩效运行监控表 (domain.md §5).

Positive: p = current / (annual × month / 12) × 100 against ``pack.monitor.lights``
(rates — %, …率, …满意度 — are compared with the full annual target, never prorated);
reverse: within target → green else red; qualitative 达成 / 部分达成 / 未达成 →
green / yellow / red; "完全不可能" → red.  JSON contract: see ``cycle.monitor``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..config import RulePack
from ..ledger.units import cell_text, normalize
from ..model import Finding, Indicator, Operator, Submission, num_text
from ..period import Period
from .monitor import rounded

LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "blue": "蓝灯", None: "无法判断"}



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
