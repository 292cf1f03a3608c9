"""``pbm rank --explain``: one unit's score taken apart, dimension by dimension, with the
facts behind each (months, declarations, self-evaluations, 整改 items, submissions)."""

from __future__ import annotations

from typing import Any

from ..errors import UsageError
from ..ledger.store import Ledger
from .monitor import rounded
from .ranking import DIM_LABELS, Ranking, unit_weights


def explain(ranking: Ranking, unit: str, ledger: Ledger | None = None) -> dict[str, Any]:
    """Decompose one unit's score: each dimension's score, weight, share and the facts behind it."""
    from ..ledger.units import UnitMatcher, normalize

    want = {normalize(unit)}
    found = UnitMatcher(ledger.units()).match(unit, unit) if ledger is not None else None
    if found is not None:
        want.add(normalize(found.code))
    row = next((r for r in ranking.rows() if want & {normalize(r.code), normalize(r.unit)}), None)
    if row is None:
        names = "、".join(r.unit for r in ranking.rows()[:10])
        raise UsageError(f"排名中没有单位「{unit}」（按编码或名称查找）。本期参加排名的单位有：{names}…")
    detail = ranking.details.get(row.key, {})
    dims = []
    for d, w in unit_weights(ranking, row).items():
        s = row.dimensions.get(d)
        basis = basis_text(d, detail.get(d), ranking.kind)
        if d in row.neutral:
            basis = f"{basis}；该维度对该单位不计分，权重按比例折算到其余维度"
        dims.append({"dimension": d, "label": DIM_LABELS[d], "weight": rounded(w), "score": s,
                     "points": rounded((s or 0.0) * w / 100),
                     "detail": ({m: rounded(v) for m, v in detail[d].items()}
                                if d == "execution" and d in detail else detail.get(d)),
                     "basis": basis})
    out = {"period": ranking.period, "kind": ranking.kind, **row.brief(), "change": row.change,
           "change_text": row.change_text,
           "dimensions": dims, "notes": ranking.notes()}
    if ledger is not None:
        out["findings"] = _goal_findings(ledger, detail.get("goal_quality") or [])
    return out


def basis_text(dim: str, detail: Any, kind: str) -> str:
    """One Chinese sentence saying where a dimension score comes from."""
    if detail is None:
        return "本期无该单位的数据（未报送），按 0 分计" if dim != "rectification" else "本期无到期整改事项"
    if dim == "execution":
        months = "、".join(f"{m} {v:.2f}" for m, v in detail.items())
        how = "" if kind == "month" else "（季度取各月平均，年度取各季度平均）"
        return f"各月进度得分：{months}{how}"
    if dim == "goal_quality":
        return "；".join(f"{g['project']}：错误 {g['errors']} 个、警告 {g['warnings']} 个，得 {g['score']:.2f}"
                        for g in detail)
    if dim == "selfeval":
        return "；".join(f"{s['project']}：复核得分 {s['total']:.2f}（{s['grade'] or '-'}）"
                        if s["total"] is not None else f"{s['project']}：自评表已报送，但复核数据不足、待补正"
                        for s in detail)
    if dim == "rectification":
        done = sum(1 for r in detail if r["on_time"])
        undated = sum(1 for r in detail if r["on_time"] and not r["done_at"])
        note = f"（其中 {undated} 项标记已整改但未填完成日期，按按期完成计）" if undated else ""
        return f"截至期末或今天已到期的整改事项 {len(detail)} 项，按期完成 {done} 项{note}"
    labels = {"goal": "目标申报表", "selfeval": "自评表", "monitor": "监控表"}
    return "；".join(f"{labels.get(f, f)}{'按时报送' if ok else '未按时报送'}" for f, ok in detail.items())


def _goal_findings(ledger: Ledger, subs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for s in subs:
        for f in ledger.findings_of(s["id"]):
            if f.severity in ("error", "warning"):
                out.append({"project": s["project"], "code": f.code, "severity": f.severity,
                            "cell": f.cell, "message": f.message})
    return out
