"""Thin loader: the public JSON contracts of rank / monitor / validate, read from the ledger.

Everything here returns plain dicts and lists (the same shapes ``pbm rank --format json``,
``pbm monitor --format json`` and ``pbm validate --format json`` print), so the context
builders never depend on the ledger's internals.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import RulePack
from ..errors import UsageError

if TYPE_CHECKING:
    from ..ledger.store import Ledger


def _ledger(pack: RulePack, db: str | None, day: dt.date | None = None) -> Ledger:
    from ..ledger.workspace import db_path, open_ledger

    path = db_path(pack, db)
    if not path.exists():
        raise UsageError(f"找不到台账数据库 {path}。请先用 pbm ingest / pbm monitor 记入数据，"
                         "或用 --db 指定台账，或用 --rank/--monitor/--from 指定 JSON 文件。")
    if day is None:
        return open_ledger(pack, db, mode="read")
    # the notice's date is "today" for the ranking it prints (rectification cut-off, …)
    return open_ledger(pack, db, clock=lambda: dt.datetime.combine(day, dt.time(12)), mode="read")


def monitor_dict(ledger: Ledger, period: str, pack: RulePack) -> dict[str, Any]:
    """Monitoring of one month rebuilt from the execution rows recorded in the ledger."""
    from ..cycle.monitor import ExportLine, compute_execution
    from ..period import Period

    rows = ledger.execution_rows(period)
    if not rows:
        raise UsageError(f"台账中没有 {period} 的执行数据，请先运行 pbm monitor 导出文件 --period {period}。")
    lines = [ExportLine(i, r.unit_name, r.unit_code or "", r.project, r.budget or 0.0,
                        r.spent or 0.0) for i, r in enumerate(rows, 1)]
    return dict(compute_execution(lines, Period.parse(period), pack, ledger.units()).to_dict())


def rank_dict(ledger: Ledger, period: str, pack: RulePack) -> dict[str, Any]:
    from ..cycle.ranking import rank

    return dict(rank(ledger, period, pack).to_dict())


def overdue_list(ledger: Ledger, period: str) -> list[dict[str, Any]]:
    """Rectification items not done on time by the period's cut-off (as the ranking counts them)."""
    from ..cycle.rectify import missed
    from ..period import Period

    return [{"unit": r.unit_name, "problem": r.problem, "deadline": r.deadline, "status": r.status,
             "done_at": r.done_at} for r in missed(ledger, Period.parse(period))]


def scores_list(ledger: Ledger, year: str) -> list[dict[str, Any]]:
    """Recomputed self-evaluation scores of the year (difference = self - recomputed)."""
    out = []
    for s in ledger.submissions(form="selfeval"):
        if not str(s.period).startswith(year):
            continue
        total, own = s.total, s.self_total
        diff = own - total if total is not None and own is not None else None
        out.append({"unit": s.unit_name, "project": s.project, "total": total,
                    "self_total": own, "difference": diff, "grade": s.grade})
    return out


def apply_list(ledger: Ledger, year: str, pack: RulePack) -> list[dict[str, Any]]:
    from ..cycle.apply import suggest

    return [dict(r) for r in suggest(ledger, int(year), pack).to_dict()["rows"]]


def validate_dict(ledger: Ledger, period: str) -> dict[str, Any]:
    """validate-like JSON from the submissions and findings recorded for ``period``."""
    files = []
    for s in ledger.submissions():
        if period and not str(s.period).startswith(period):
            continue
        findings = [{"code": f.code, "severity": f.severity, "sheet": f.sheet,
                     "cell": f.cell, "message": f.message, "expected": "", "actual": ""}
                    for f in ledger.findings_of(s.id)]
        files.append({"path": s.path, "sha256": s.sha256, "form": s.form,
                      "unit": s.unit_name, "unit_code": s.unit_code, "project": s.project,
                      "ok": not any(f["severity"] == "error" for f in findings), "findings": findings})
    return {"tool": "pbm", "files": files, "summary": {"files": len(files)}}


def from_ledger(kind: str, period: str, pack: RulePack, db: str | None, day: dt.date) -> dict[str, Any]:
    """All inputs a notice kind needs, keyed like the build_* parameters."""
    ledger = _ledger(pack, db, day)
    try:
        if kind == "monthly":
            return {"monitor": monitor_dict(ledger, period, pack), "rank": rank_dict(ledger, period, pack),
                    "overdue": overdue_list(ledger, period)}
        if kind == "quarterly":
            return {"rank": rank_dict(ledger, period, pack), "overdue": overdue_list(ledger, period)}
        if kind == "annual":
            year = period[:4]
            return {"rank": rank_dict(ledger, year, pack), "scores": scores_list(ledger, year),
                    "apply": apply_list(ledger, year, pack), "overdue": overdue_list(ledger, period)}
        return {"validate": validate_dict(ledger, period)}
    finally:
        ledger.close()


def _read_json(path: Path | None, what: str) -> Any:
    from ..errors import InputError

    if path is None:
        return None
    try:
        return json.loads(path.read_text("utf-8-sig"))
    except FileNotFoundError:
        raise InputError(str(path), f"找不到{what}文件") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"不是有效的{what} JSON（应为 pbm 以 --format json 输出的文件）：{exc}") from None


def notice_inputs(kind: str, period: str, files: dict[str, Path | None], pack: RulePack, db: str | None,
                  day: dt.date) -> dict[str, Any]:
    """JSON files given on the command line win; anything missing comes from the ledger."""
    labels = {"monitor": "执行监控结果", "rank": "排名结果", "validate": "审核结果",
              "overdue": "整改逾期清单", "scores": "复核得分", "apply": "结果应用建议"}
    given = {k: _read_json(p, labels[k]) for k, p in files.items() if p is not None}
    for key in ("apply", "overdue", "scores"):   # accept {"rows": [...]} / {"items": [...]} too
        if isinstance(given.get(key), dict):
            given[key] = given[key].get("rows") or given[key].get("items") or []
    needed = {"monthly": "monitor", "quarterly": "rank", "annual": "rank", "return": "validate"}[kind]
    if needed in given:
        return given
    return {**from_ledger(kind, period, pack, db, day), **given}
