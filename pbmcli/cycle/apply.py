"""Result application (结果应用): next-year budget suggestions per project.

For every project with a current self-evaluation of the year: the PROJECT's
recomputed grade (the ledger score of that self-evaluation; never the unit's
composite ranking grade) → pack.apply (action, change %); suggested = budget ×
(1 + change / 100).  A self-evaluation submitted with insufficient data (no
recomputed total) is 数据不足: "自评数据不全，待补正后确定", budget unchanged.
An unspent balance (budget - spent) of at least pack.apply.unspent_flag_share %
of the budget is flagged, and pack.apply.unspent_cut_ratio % of it is cut in
addition.  Projects seen only in execution exports are listed as 未自评.
Budget and spent come from the self-evaluation's 年度资金总额 row, else from the
year's last execution export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..config import RulePack
from ..ledger.store import Ledger
from ..period import Period
from .dimensions import overlapping, unit_key
from .monitor import rounded

GRADE_KEYS = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}
ACTION_NOT_EVALUATED = "未自评：先完成自评再安排"
ACTION_INSUFFICIENT = "自评数据不全，待补正后确定"
STATE_LABELS = {"graded": "", "insufficient": "数据不足", "not_evaluated": "未自评"}


@dataclass(frozen=True)
class Suggestion:
    unit: str
    code: str
    project: str
    grade: str | None
    total: float | None
    budget: float | None
    spent: float | None
    unspent: float | None
    large_balance: bool
    action: str
    change: float
    suggested: float | None
    note: str
    state: str = "graded"  # graded | insufficient (submitted, no total) | not_evaluated

    @property
    def grade_label(self) -> str:
        return self.grade or STATE_LABELS.get(self.state, "") or "未自评"

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("total", "budget", "spent", "unspent", "suggested"):
            d[k] = rounded(d[k], 4)
        return d


@dataclass(frozen=True)
class ApplyResult:
    year: int
    rows: list[Suggestion]

    def to_dict(self) -> dict[str, Any]:
        return {"tool": "pbm", "version": __version__, "year": self.year,
                "rows": [r.to_dict() for r in self.rows]}


def suggest_one(unit: str, code: str, project: str, grade: str | None, total: float | None,
                budget: float | None, spent: float | None, pack: RulePack,
                submitted: bool = False) -> Suggestion:
    """One project's suggestion from its grade and execution (``submitted``: a self-evaluation
    exists, so a missing grade means insufficient data, not 未自评)."""
    cfg = pack.apply
    policy = getattr(cfg, GRADE_KEYS[grade]) if grade in GRADE_KEYS else None
    state = "graded" if policy else "insufficient" if submitted else "not_evaluated"
    action = str(policy["action"]) if policy else ACTION_INSUFFICIENT if submitted else ACTION_NOT_EVALUATED
    change = float(policy["change"]) if policy else 0.0
    unspent = budget - spent if budget is not None and spent is not None else None
    large = bool(budget and unspent is not None and unspent / budget * 100 >= cfg.unspent_flag_share)
    suggested = None
    notes = []
    if budget is not None:
        suggested = budget * (1 + change / 100)
        if large and unspent is not None:
            cut = unspent * cfg.unspent_cut_ratio / 100
            suggested -= cut
            notes.append(f"结余 {unspent:.2f}，占预算 {unspent / budget * 100:.1f}%，"
                         f"另按 {cfg.unspent_cut_ratio:g}% 核减 {cut:.2f}")
        suggested = max(suggested, 0.0)
    if state == "insufficient":
        notes.insert(0, "自评表已报送，但复核得分数据不足，待补正后按等级确定预算调整")
    return Suggestion(unit, code, project, grade, total, budget, spent, unspent, large, action,
                      change, suggested, "；".join(notes), state)


def _last_execution(ledger: Ledger, year: int) -> dict[tuple[str, str], tuple[str, str, float, float]]:
    periods = ledger.execution_periods(f"{year}-")
    if not periods:
        return {}
    out: dict[tuple[str, str], tuple[str, str, float, float]] = {}
    for r in ledger.execution_rows(periods[-1]):
        k = (unit_key(r.unit_code, r.unit_name), r.project)
        _, _, b, s = out.get(k, (r.unit_name, r.unit_code or "", 0.0, 0.0))
        out[k] = (r.unit_name, r.unit_code or "", b + (r.budget or 0), s + (r.spent or 0))
    return out


def suggest(ledger: Ledger, year: int, pack: RulePack) -> ApplyResult:
    """Suggestions for every project of the year (self-evaluations + execution exports)."""
    execution = _last_execution(ledger, year)
    rows: list[Suggestion] = []
    seen: set[tuple[str, str]] = set()
    for s in overlapping(ledger.submissions(form="selfeval", year=year), Period(year, "year")):
        k = (unit_key(s.unit_code, s.unit_name), s.project)
        seen.add(k)
        budget, spent = s.budget, s.spent
        if budget is None and k in execution:
            budget, spent = execution[k][2], execution[k][3]
        rows.append(suggest_one(s.unit_name, s.unit_code or "", s.project, s.grade,
                                s.total, budget, spent, pack, submitted=True))
    for k, (name, code, budget, spent) in execution.items():
        if k not in seen:
            rows.append(suggest_one(name, code, k[1], None, None, budget, spent, pack))
    rows.sort(key=lambda r: (r.code, r.unit, r.project))
    return ApplyResult(year, rows)
