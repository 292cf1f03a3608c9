"""`pbm dashboard`: one self-contained, offline HTML page for a month, quarter or year.

Data (``collect``) comes from the same functions as ``pbm rank`` / ``pbm monitor`` /
``pbm apply`` / the notices, and is embedded in the page as JSON (``<script
type="application/json" id="pbm-data">``, schema ``pbm.dashboard/1``) so a test — or a curious
clerk — can check every figure against those commands.  The page (``render``) is drawn by
Jinja2 with autoescaping: charts are SVG computed here, the only script is pbm's own (table
sorting, the 类别 filter, the unit picker of the trend chart), allowed by its hash in the
page's Content-Security-Policy; nothing is fetched from anywhere.

Blocks appear only when the ledger has their data for the period: the execution bars and the
overview need a month with execution rows (a quarter or year shows its last such month); the
trend needs two months; self-evaluations and 结果应用 belong to a year; the lights need the
monitoring forms (``lights``: the JSON of ``pbm monitor 监控表文件夹``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..config import RulePack
from ..period import Period, time_progress

if TYPE_CHECKING:
    from ..ledger.store import Ledger

SCHEMA = "pbm.dashboard/1"
LEVEL_COLOURS = {"red": "#c62828", "yellow": "#f9a825", "green": "#2e7d32", "blue": "#1565c0",
                 "none": "#9e9e9e"}
LEVEL_MARKS = {"red": "红色预警", "yellow": "黄色预警", "green": "正常", "none": "无预算"}
GRADES = ("优", "良", "中", "差")


# --------------------------------------------------------------------------- data


def _months_with_data(ledger: Ledger, p: Period) -> list[str]:
    """The months of the year up to the period's end that have execution rows."""
    months = [str(m) for m in Period(p.year, "year").months if m.end <= p.end]
    totals = ledger.execution_totals(months)
    return [m for m in months if totals[m]]


def _trend(ledger: Ledger, months: Sequence[str], pack: RulePack) -> dict[str, Any]:
    """County and per-unit cumulative execution rate of each month (percent, 2 decimals)."""
    from ..cycle.monitor import rounded

    totals = ledger.execution_totals(list(months))
    names = ledger.execution_names(list(months))
    county = []
    for m in months:
        budget = sum(b for b, _ in totals[m].values())
        spent = sum(s for _, s in totals[m].values())
        county.append(rounded(spent / budget * 100) if budget else None)
    units = []
    for key in sorted(names, key=lambda k: (names[k][1], names[k][0])):
        rates = []
        for m in months:
            b, s = totals[m].get(key, (0.0, 0.0))
            rates.append(rounded(s / b * 100) if b else None)
        units.append({"unit": names[key][0], "code": names[key][1], "rates": rates})
    progress = [rounded(time_progress(m, pack.monitor.time_progress)) for m in months]
    return {"months": list(months), "time_progress": progress, "county": county, "units": units}


def collect(ledger: Ledger, period: str, pack: RulePack, lights: dict[str, Any] | None = None,
            day: dt.date | None = None) -> dict[str, Any]:
    """Everything the page shows, in the public JSON shapes of the commands that make it."""
    from ..errors import UsageError
    from .loader import apply_list, monitor_dict, overdue_list, rank_dict, scores_list

    p = Period.parse(period)
    months = _months_with_data(ledger, p)
    in_period = [m for m in months if Period.parse(m).overlaps(p)]
    monitor = monitor_dict(ledger, in_period[-1], pack) if in_period else None
    try:
        rank: dict[str, Any] | None = rank_dict(ledger, str(p), pack)
    except UsageError:
        rank = None
    if rank is not None and not any(g["rows"] for g in rank["groups"]):
        rank = None
    year = p.kind == "year"
    scores = scores_list(ledger, str(p.year)) if year else []
    apply = apply_list(ledger, str(p.year), pack) if year else []
    units = ledger.units()
    overdue = overdue_list(ledger, str(p))
    today = day or ledger.today()
    items = [{"id": r.id, "unit": r.unit_name, "problem": r.problem, "deadline": r.deadline or "",
              "status": r.status, "done_at": r.done_at or "", "overdue": r.overdue(today)}
             for r in ledger.rectifications() if _in_view(r.deadline, r.status, p)]
    if not (monitor or rank or scores or apply or items or lights):
        raise UsageError(f"台账中没有 {p} 的任何数据（执行数据、排名、自评、整改），无法生成看板。"
                         "请先用 pbm monitor --record、pbm ingest 记入数据，或换一个期间。")
    return {
        "schema": SCHEMA, "tool": "pbm", "version": __version__, "period": str(p), "kind": p.kind,
        "authority": pack.workspace.authority, "date": (day or ledger.today()).isoformat(),
        "overview": _overview(monitor, rank, overdue),
        "monitor": monitor,
        "trend": _trend(ledger, months, pack) if len(months) >= 2 else None,
        "rank": rank,
        "categories": {u.code: u.category for u in units if u.category},
        "selfeval": scores,
        "lights": lights,
        "rectification": items,
        "overdue": overdue,
        "apply": apply,
    }


def _in_view(deadline: str | None, status: str, p: Period) -> bool:
    """Rectification items of the page: due in the period's year up to its end, or due earlier
    and still open (no deadline: shown while open)."""
    if not deadline:
        return status != "done"
    due = deadline[:10]
    if due > p.end.isoformat():
        return False
    return due >= f"{p.year}-01-01" or status != "done"


def _overview(monitor: dict[str, Any] | None, rank: dict[str, Any] | None,
              overdue: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"overdue": len(overdue)}
    if monitor:
        levels = [u.get("level") for u in monitor["units"]]
        total = monitor["total"]
        out.update({"month": monitor["period"], "units": len(monitor["units"]),
                    "projects": sum(len(u.get("projects", [])) for u in monitor["units"]),
                    "budget": total["budget"], "spent": total["spent"], "rate": total["rate"],
                    "time_progress": monitor["time_progress"], "gap": total.get("gap"),
                    "red": levels.count("red"), "yellow": levels.count("yellow")})
    if rank:
        out.update({"ranked": sum(len(g["rows"]) for g in rank["groups"]),
                    "missing": len(rank.get("missing", []))})
    return out


# --------------------------------------------------------------------------- charts (SVG geometry)


def execution_bars(monitor: dict[str, Any]) -> dict[str, Any]:
    """Horizontal bars of each unit's execution rate, coloured by warning level, with the
    序时进度 line; geometry in SVG user units."""
    rows = sorted((u for u in monitor["units"] if u.get("rate") is not None),
                  key=lambda u: (-(u["rate"] or 0.0), u.get("code") or "", u["unit"]))
    top = max([100.0, monitor["time_progress"], *(u["rate"] for u in rows)])
    label_w, bar_w, row_h = 230, 560, 22
    scale = bar_w / top
    bars = [{"unit": u["unit"], "rate": u["rate"], "level": u.get("level") or "none",
             "colour": LEVEL_COLOURS.get(u.get("level") or "none", LEVEL_COLOURS["none"]),
             "mark": LEVEL_MARKS.get(u.get("level") or "none", ""),
             "y": 10 + i * row_h, "w": round(max(u["rate"], 0.0) * scale, 1)} for i, u in enumerate(rows)]
    return {"bars": bars, "x0": label_w, "height": 30 + len(rows) * row_h, "width": label_w + bar_w + 90,
            "progress_x": round(label_w + monitor["time_progress"] * scale, 1),
            "progress": monitor["time_progress"], "row_h": row_h}


def trend_lines(trend: dict[str, Any]) -> dict[str, Any]:
    """Polylines of the county, 序时进度 and each unit over the months."""
    months = trend["months"]
    w, h, left, bottom = 760, 260, 48, 30
    values = [v for v in [*trend["county"], *trend["time_progress"]] if v is not None]
    values += [v for u in trend["units"] for v in u["rates"] if v is not None]
    top = max([100.0, *values])
    step = (w - left - 20) / max(len(months) - 1, 1)

    def points(series: Sequence[float | None]) -> str:
        return " ".join(f"{left + i * step:.1f},{h - bottom - (v / top) * (h - bottom - 10):.1f}"
                        for i, v in enumerate(series) if v is not None)

    ticks = [{"x": round(left + i * step, 1), "label": f"{Period.parse(m).index}月"} for i, m in enumerate(months)]
    grid = [{"y": round(h - bottom - (v / top) * (h - bottom - 10), 1), "label": f"{v:g}%"}
            for v in (0, 25, 50, 75, 100) if v <= top]
    return {"width": w, "height": h, "county": points(trend["county"]),
            "progress": points(trend["time_progress"]), "ticks": ticks, "grid": grid, "left": left,
            "units": [{"code": u["code"] or u["unit"], "unit": u["unit"], "points": points(u["rates"])}
                      for u in trend["units"]]}


def self_vs_recomputed(scores: Sequence[dict[str, Any]], tolerance: float) -> dict[str, Any]:
    """Scatter of self-score (y) against recomputed score (x): points above the diagonal by more
    than the tolerance are inflated (red)."""
    size, pad = 320, 36
    pairs = [(s, s["self_total"], s["total"]) for s in scores
             if s.get("self_total") is not None and s.get("total") is not None]
    low = min([60.0, *(min(own, total) for _, own, total in pairs)])
    lo = int(max(0.0, low // 10 * 10))   # the axes start at 60, or lower when a score is lower
    span = (size - 2 * pad) / (100 - lo)
    pts = []
    for s, own, total in pairs:
        inflated = own - total > tolerance
        pts.append({"x": round(pad + (total - lo) * span, 1), "y": round(size - pad - (own - lo) * span, 1),
                    "label": f"{s.get('unit', '')}“{s.get('project', '')}”：自评 {own:g}，复核 {total:g}",
                    "colour": LEVEL_COLOURS["red"] if inflated else LEVEL_COLOURS["blue"]})
    return {"size": size, "pad": pad, "lo": lo, "points": pts, "inflated": sum(p["colour"] == LEVEL_COLOURS["red"] for p in pts)}


def grade_counts(scores: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = {g: 0 for g in (*GRADES, "数据不足")}
    for s in scores:
        grade = str(s.get("grade") or "")
        counts[grade if grade in GRADES else "数据不足"] += 1
    most = max(counts.values()) or 1
    return [{"grade": g, "count": n, "w": round(n / most * 260, 1)} for g, n in counts.items()]


def lights_grid(lights: dict[str, Any]) -> dict[str, Any]:
    """Units as rows, indicators as cells (the grid wraps per unit: indicator names differ)."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for ind in lights.get("indicators", []):
        by_unit.setdefault(str(ind.get("unit") or "（未填写单位）"), []).append(ind)
    return {"units": [{"unit": u, "cells": [{"name": i.get("indicator") or "", "light": i.get("light") or "none",
                                             "label": i.get("light_label") or "无法判断",
                                             "project": i.get("project") or "", "basis": i.get("basis") or ""}
                                            for i in inds]} for u, inds in sorted(by_unit.items())],
            "counts": lights.get("counts", {})}


# --------------------------------------------------------------------------- page


SCRIPT = """
(function () {
  function cellValue(row, i) {
    var c = row.cells[i];
    var v = c.getAttribute('data-v');
    if (v === null) { v = c.textContent; }
    var n = parseFloat(v);
    return isNaN(n) ? v : n;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, i) {
      th.addEventListener('click', function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('th').forEach(function (o) { o.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          if (typeof x === 'number' && typeof y === 'number') { return asc ? x - y : y - x; }
          return asc ? String(x).localeCompare(String(y), 'zh') : String(y).localeCompare(String(x), 'zh');
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  var filter = document.getElementById('category-filter');
  if (filter) {
    filter.addEventListener('change', function () {
      document.querySelectorAll('#ranking tbody tr').forEach(function (r) {
        r.hidden = filter.value !== '' && r.getAttribute('data-category') !== filter.value;
      });
    });
  }
  var picker = document.getElementById('unit-picker');
  if (picker) {
    picker.addEventListener('change', function () {
      document.querySelectorAll('.unit-line').forEach(function (l) {
        l.style.display = l.getAttribute('data-unit') === picker.value ? '' : 'none';
      });
    });
  }
})();
"""


def _script_hash() -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")


def _json_for_html(data: dict[str, Any]) -> str:
    """JSON safe inside <script type="application/json">: no "</script>", no "<!--"."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(data: dict[str, Any], pack: RulePack) -> str:
    """The page as one HTML string (no external resource)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from .blocks import _template_dir

    # pbm's own template, autoescaped: every text from forms is shown as text
    env = Environment(loader=FileSystemLoader(str(_template_dir())), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    rank = data.get("rank")
    ctx = {
        "d": data, "title": f"{data['authority']} {_period_cn(data['period'])}预算绩效管理看板",
        "period_cn": _period_cn(data["period"]), "levels": LEVEL_COLOURS,
        "bars": execution_bars(data["monitor"]) if data.get("monitor") else None,
        "trend": trend_lines(data["trend"]) if data.get("trend") else None,
        "ranking": _ranking_rows(rank, data.get("categories", {})) if rank else None,
        "categories": sorted(set(data.get("categories", {}).values())),
        "grades": grade_counts(data["selfeval"]) if data.get("selfeval") else None,
        "scatter": self_vs_recomputed(data["selfeval"], pack.scoring.inflation_tolerance)
        if data.get("selfeval") else None,
        "lights": lights_grid(data["lights"]) if data.get("lights") else None,
        "rect": _rect_summary(data.get("rectification", [])),
        "script": SCRIPT, "script_hash": _script_hash(),
        "data_json": _json_for_html(data),
    }
    return env.get_template("dashboard.html.j2").render(ctx)


def _num(value: Any, digits: int = 2) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def _period_cn(period: str) -> str:
    from .fmt import period_label

    return period_label(period)


def _ranking_rows(rank: dict[str, Any], categories: dict[str, str]) -> dict[str, Any]:
    red = {(r["group"], r["unit"]) for r in rank.get("red", [])}
    black = {(r["group"], r["unit"]) for r in rank.get("black", [])}
    dims: list[str] = []
    for g in rank["groups"]:
        for r in g["rows"]:
            dims += [k for k in r["dimensions"] if k not in dims]
    rows = []
    for g in rank["groups"]:
        for r in g["rows"]:
            key = (g["group"], r["unit"])
            rows.append({**r, "group": g["group"], "category": categories.get(r.get("code") or "", ""),
                         "mark": "红榜" if key in red else "黑榜" if key in black else ""})
    from ..cycle.ranking import DIM_SHORT

    return {"rows": rows, "dims": [(k, DIM_SHORT.get(k, k)) for k in dims], "kind": rank["kind"],
            "missing": rank.get("missing", []), "notes": rank.get("notes", []),
            "list_notes": [n for n in (rank.get("list_notes") or {}).values() if n],
            "groups": len(rank["groups"])}


def _rect_summary(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    status = {"done": 0, "open": 0, "overdue": 0}
    for i in items:
        status["done" if i["status"] == "done" else "overdue" if i["overdue"] else "open"] += 1
    upcoming = sorted((i for i in items if i["status"] != "done"), key=lambda i: (i["deadline"] or "9999", i["id"]))
    return {"counts": status, "open": upcoming, "total": len(items)}
