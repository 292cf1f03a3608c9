"""结果应用 in the annual notice: `pbm apply` rows grouped for the body and listed in 附件2."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..config import RulePack
from ..scoring import round_half_up
from .fmt import as_float, clean, fmt_num, prose, unit_name

GRADE_KEYS = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}
NO_SELFEVAL = "未自评"


def change_text(change: float | None) -> str:
    """-10% / +5% as in the 预算调整 column of 附件2; '' for no change."""
    return f"{change:+g}%".replace("+", "") if change else ""


def _project(a: dict[str, Any]) -> str:
    return f"{unit_name(a)}“{clean(a.get('project'))}”"


_STATES = {   # `pbm apply` state → (附件2 等级 column, sentence label)
    "not_evaluated": (NO_SELFEVAL, "未开展绩效自评"),
    "insufficient": ("数据不足", "已报送自评表但复核数据不全"),
}


def _state(a: dict[str, Any]) -> str:
    """graded / insufficient / not_evaluated (older apply JSON has no "state")."""
    if clean(a.get("grade")):
        return "graded"
    state = clean(a.get("state"))
    if state in _STATES:
        return state
    return "not_evaluated" if clean(a.get("action")).startswith(NO_SELFEVAL) else "insufficient"


def apply_grade(a: dict[str, Any]) -> str:
    """The 等级 of an apply row as `pbm apply` shows it: 优…差, 未自评 or 数据不足."""
    return clean(a.get("grade")) or _STATES[_state(a)][0]


def apply_groups(apply: Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """结果应用 of `pbm apply` grouped by (self-evaluation grade, action, change), 优…差, 未自评.

    Groups without a budget change and with a good grade only give a count (the projects
    are in 附件2); the others name their projects."""
    groups: dict[tuple[str, str, float], list[dict[str, Any]]] = {}
    for a in apply or []:
        groups.setdefault((apply_grade(a), clean(a.get("action")) or "—", as_float(a.get("change")) or 0.0), []).append(a)
    order = [*GRADE_KEYS, *(g for g, _ in _STATES.values())]
    out = []
    for (grade, action, change), rows in sorted(groups.items(), key=lambda kv: (
            order.index(kv[0][0]) if kv[0][0] in order else len(order), kv[0][0], -kv[0][2])):
        named = bool(change) or grade not in ("优", "良")
        states = {g: label for g, label in _STATES.values()}
        label = states.get(grade, f"自评复核等级为“{grade}”")
        out.append({"label": label, "count": len(rows), "action": action,
                    "change": change_text(change), "projects": [_project(a) for a in rows] if named else []})
    return out


def _money(value: Any) -> float | None:
    """An amount as printed in the attachment (2 decimals, half up)."""
    number = as_float(value)
    return None if number is None else round_half_up(number, 2)


def _suggested(a: dict[str, Any]) -> Any:
    return a.get("suggested") if a.get("suggested") is not None else a.get("amount")


def apply_table(apply: Sequence[dict[str, Any]] | None) -> list[list[str]]:
    """附件2 rows from `pbm apply` (unit, project, grade, action, change, budget, suggested) + 合计."""
    rows = []
    for i, a in enumerate(apply or [], 1):
        change = as_float(a.get("change"))
        action = clean(a.get("action")) or "—"
        if a.get("large_balance") and clean(a.get("note")):
            action += f"；{prose(a.get('note'))}"
        rows.append([str(i), unit_name(a), clean(a.get("project")) or "—", apply_grade(a),
                     action, "—" if change is None else f"{change:g}%",
                     fmt_num(a.get("budget")), fmt_num(_suggested(a))])
    if rows:
        totals = apply_totals(apply)
        rows.append(["合计", "", "", "", "", "", totals["apply_budget"], totals["apply_suggested"]])
    return rows


def apply_totals(apply: Sequence[dict[str, Any]] | None) -> dict[str, str]:
    """Sums of the amounts as printed in 附件2, so body and attachment agree to the cent."""
    def total(values: Iterable[Any]) -> str:
        amounts = [m for m in (_money(v) for v in values) if m is not None]
        return fmt_num(sum(amounts)) if amounts else "—"

    items = list(apply or [])
    return {"apply_budget": total(a.get("budget") for a in items),
            "apply_suggested": total(_suggested(a) for a in items)}


def apply_policy(pack: RulePack) -> str:
    """“优”优先保障，“中”核减10%… — the rule of [apply] (used when no apply data is given)."""
    parts = []
    for label, key in GRADE_KEYS.items():
        policy = getattr(pack.apply, key)
        change = change_text(float(policy.get("change", 0.0)))
        parts.append(f"“{label}”{clean(policy.get('action'))}" + (f"（预算调整{change}）" if change else ""))
    return "，".join(parts)


def balance_projects(apply: Sequence[dict[str, Any]] | None) -> list[str]:
    """Projects whose unspent balance `pbm apply` flagged as large (cut in addition)."""
    return [_project(a) for a in apply or [] if a.get("large_balance")]


def score_summary(scores: Sequence[dict[str, Any]] | None, pack: RulePack) -> dict[str, Any]:
    """Project self-evaluation results: count, inflated self-scores (自评虚高)."""
    items = list(scores or [])
    tol = pack.scoring.inflation_tolerance
    inflated = [f"{unit_name(s)}“{clean(s.get('project'))}”" for s in items
                if (as_float(s.get("difference")) or 0.0) > tol]
    return {"project_count": len(items), "inflated_projects": inflated,
            "inflation_tolerance": fmt_num(tol, 0)}


