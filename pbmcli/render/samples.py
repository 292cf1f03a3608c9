"""Small, realistic inputs in the public JSON contracts (for tests, demos and docs images)."""

from __future__ import annotations

from typing import Any

_UNITS = [
    ("101001", "县教育局", 3200.0, 2900.0), ("101002", "县卫生健康局", 2100.0, 1650.0),
    ("101003", "县农业农村局", 5400.0, 3300.0), ("101004", "县交通运输局", 4800.0, 4420.0),
    ("101005", "县民政局", 900.0, 770.0), ("101006", "县水利局", 2600.0, 1370.0),
    ("101007", "县文化旅游局", 650.0, 490.0), ("102001", "城关镇人民政府", 1200.0, 1080.0),
    ("102002", "河口镇人民政府", 800.0, 515.0),
]


def _figures(budget: float, spent: float, progress: float) -> dict[str, Any]:
    """rate and gap (= rate - time progress) from the unrounded rate, as ``pbm monitor`` does."""
    from ..cycle.monitor import rounded

    exact = spent / budget * 100
    return {"budget": budget, "spent": spent, "rate": rounded(exact), "gap": rounded(exact - progress)}


def _unit(code: str, name: str, budget: float, spent: float, progress: float) -> dict[str, Any]:
    fig = _figures(budget, spent, progress)
    lag = -fig["gap"]
    level = "red" if lag > 10 else "yellow" if lag > 5 else "green"
    return {"unit": name, "code": code, **fig, "level": level, "projects": []}


def monitor(period: str = "2026-10", progress: float = 83.33) -> dict[str, Any]:
    units = [_unit(c, n, b, s, progress) for c, n, b, s in _UNITS]
    total = _figures(sum(u["budget"] for u in units), sum(u["spent"] for u in units), progress)
    return {"tool": "pbm", "version": "0.1.0", "period": period, "time_progress": progress,
            "units": units, "missing": ["县林业局"], "total": total}


def rank(period: str = "2026Q3", kind: str = "quarter") -> dict[str, Any]:
    dims = ["execution", "goal_quality", "selfeval", "rectification", "timeliness"]
    raw: list[tuple[float, list[float], int | None]] = [(92.5, [38, 18.5, 18, 9, 9], 2), (88.0, [36, 17, 17, 9, 9], 0),
           (84.25, [35, 16.25, 16, 8, 9], -1), (79.5, [30, 16.5, 16, 8, 9], 1),
           (71.0, [28, 14, 14, 7, 8], None), (55.5, [20, 12, 12, 5.5, 6], -2)]
    names = [u[:2] for u in _UNITS]
    rows = [{"rank": i, "unit": names[i - 1][1], "code": names[i - 1][0], "score": s,
             "dimensions": dict(zip(dims, d, strict=True)), "change": ch}
            for i, (s, d, ch) in enumerate(raw, 1)]
    towns = [{"rank": 1, "unit": "城关镇人民政府", "code": "102001", "score": 86.0,
              "dimensions": dict(zip(dims, [35, 17, 17, 8, 9], strict=True)), "change": 1},
             {"rank": 2, "unit": "河口镇人民政府", "code": "102002", "score": 58.0,
              "dimensions": dict(zip(dims, [22, 12, 12, 6, 6], strict=True)), "change": -1}]
    return {"tool": "pbm", "version": "0.1.0", "period": period, "kind": kind,
            "groups": [{"group": "县直部门", "rows": rows}, {"group": "乡镇", "rows": towns}],
            "red": [r["unit"] for r in rows[:3]], "black": [r["unit"] for r in rows[-2:]],
            "missing": ["县林业局"]}


def overdue() -> list[dict[str, Any]]:
    return [{"unit": "县水利局", "problem": "2025年度农田水利项目绩效目标未细化量化",
             "deadline": "2026-09-30", "status": "未完成"}]


def validate() -> dict[str, Any]:
    findings = [
        {"code": "G103", "severity": "error", "sheet": "绩效目标申报表", "cell": "C8",
         "message": "资金总额不等于财政拨款、上年结转与其他资金之和", "expected": "120.00", "actual": "150.00"},
        {"code": "I105", "severity": "warning", "sheet": "绩效目标申报表", "cell": "E15",
         "message": "指标值为占位符“XX”", "expected": "具体的数值和计量单位", "actual": "XX"},
        {"code": "H101", "severity": "info", "sheet": "绩效目标申报表", "cell": "B3",
         "message": "项目编码为空", "expected": "", "actual": ""},
    ]
    return {"tool": "pbm", "version": "0.1.0", "files": [
        {"path": "收件/县农业农村局/高标准农田建设.xlsx", "sha256": "0" * 64, "form": "goal",
         "unit": "县农业农村局", "project": "高标准农田建设", "ok": False, "findings": findings},
        {"path": "收件/县教育局/学生资助.xlsx", "sha256": "1" * 64, "form": "goal",
         "unit": "县教育局", "project": "学生资助", "ok": True, "findings": []},
    ], "summary": {"files": 2, "errors": 1, "warnings": 1}}


def scores() -> list[dict[str, Any]]:
    return [{"unit": "县水利局", "project": "小型水库维修养护", "total": 72.5, "self_total": 95.0,
             "difference": 22.5, "grade": "中"},
            {"unit": "县教育局", "project": "学生资助", "total": 93.0, "self_total": 93.5,
             "difference": 0.5, "grade": "优"}]


def _suggestion(unit: str, code: str, project: str, grade: str | None, action: str, change: float,
                budget: float, spent: float) -> dict[str, Any]:
    """One row of `pbm apply --format json` (unspent ≥ 20 % of the budget: another 30 % of it cut)."""
    unspent = budget - spent
    large = unspent / budget * 100 >= 20
    cut = unspent * 0.3 if large else 0.0
    note = f"结余 {unspent:.2f}，占预算 {unspent / budget * 100:.1f}%，另按 30% 核减 {cut:.2f}" if large else ""
    return {"unit": unit, "code": code, "project": project, "grade": grade, "total": None,
            "budget": budget, "spent": spent, "unspent": unspent, "large_balance": large,
            "action": action, "change": change, "suggested": budget * (1 + change / 100) - cut,
            "note": note, "state": "graded" if grade else "not_evaluated"}


def apply() -> list[dict[str, Any]]:
    return [_suggestion("县水利局", "101006", "小型水库维修养护", "中", "核减", -10.0, 300.0, 280.0),
            _suggestion("县教育局", "101001", "学生资助", "优", "优先保障", 0.0, 800.0, 790.5),
            _suggestion("县农业农村局", "101003", "高标准农田建设", None, "未自评：先完成自评再安排", 0.0,
                        1500.0, 1100.0)]
