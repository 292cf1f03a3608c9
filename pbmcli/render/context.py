"""Notice contexts: the ONE place where ledger/ranking/monitor dicts become template variables.

Each ``build_*`` takes the public JSON contracts of ``pbm rank`` / ``pbm monitor`` /
``pbm validate`` (plain dicts), the rule pack and the issue date, and returns a flat
dict of ready-to-print values (strings, lists of strings, lists of small dicts).
Templates do no arithmetic and no formatting; every number is formatted here.

Assumptions on the contracts (documented for the ranking/monitor owners):
- ``change`` of a rank row = previous rank - current rank (positive: moved up), ``None``
  for a unit not ranked last period;
- ``red`` / ``black`` / ``missing`` hold unit names or row dicts with a ``unit`` key;
- monitor ``budget`` / ``spent`` are 万元, ``rate`` / ``time_progress`` percent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..config import RulePack
from .apply_view import (
    GRADE_KEYS,
    apply_groups,
    apply_policy,
    apply_table,
    apply_totals,
    balance_projects,
    score_summary,
)
from .fmt import (
    as_float,
    change_value,
    clean,
    common,
    cumulative_label,
    deadline,
    execution_gap,
    fmt_change,
    fmt_num,
    gap_phrase,
    month_end_label,
    names,
    overdue_cutoff,
    overdue_rows,
    period_label,
    prose,
    unit_name,
)

KINDS = ("monthly", "quarterly", "annual", "return")

# Chinese labels of the composite-ranking dimensions (keys of [rank.weights]).
DIMENSION_LABELS = {
    "execution": "预算执行",
    "goal_quality": "目标管理",
    "selfeval": "自评质量",
    "rectification": "问题整改",
    "timeliness": "报送及时性",
}
_LEVEL_ALIASES = {
    "red": "red", "红": "red", "红色": "red", "红灯": "red", "红色预警": "red",
    "yellow": "yellow", "黄": "yellow", "黄色": "yellow", "黄灯": "yellow", "黄色预警": "yellow",
    "green": "green", "绿": "green", "绿色": "green", "正常": "green",
    "blue": "blue", "蓝": "blue", "蓝色": "blue",
}
LEVEL_LABELS = {"red": "红色预警", "yellow": "黄色预警", "green": "正常", "blue": "正常",
                "none": "无预算数"}


# ---------------------------------------------------------------- monthly
def _level(unit: dict[str, Any], gap: float, pack: RulePack) -> str:
    given = _LEVEL_ALIASES.get(str(unit.get("level", "")).strip().lower())
    if given:
        return given
    if -gap > pack.monitor.warning_red:
        return "red"
    return "yellow" if -gap > pack.monitor.warning_yellow else "green"


def _monthly_units(monitor: dict[str, Any], pack: RulePack) -> list[dict[str, Any]]:
    progress = float(monitor.get("time_progress") or 0.0)
    units: list[dict[str, Any]] = []
    for u in monitor.get("units", []):
        rate = as_float(u.get("rate"))
        gap = execution_gap(u, progress) if rate is not None else None
        units.append({"unit": unit_name(u), "code": clean(u.get("code")),
                      "budget": as_float(u.get("budget")), "spent": as_float(u.get("spent")),
                      "rate": rate, "gap": gap,
                      "level": "none" if gap is None else _level(u, gap, pack)})
    units.sort(key=lambda u: (u["rate"] is None, -(u["rate"] or 0.0), u["code"], u["unit"]))
    return units


def honours(rank: dict[str, Any], pack: RulePack, units: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """红榜 / 黑榜 / 约谈 as ``pbm rank`` decided them (its JSON ``red`` / ``black`` /
    ``interview`` / ``list_rules`` / ``list_notes``).  For a ranking JSON without them, or a
    month with monitoring data only, the same decision (cycle.honours.decide) is made here."""
    from ..cycle.honours import Entry, decide

    if isinstance(rank.get("list_rules"), dict):
        interview = rank.get("interview") or []
        rules, notes = rank["list_rules"], rank.get("list_notes") or {}
        return {"red": names(rank.get("red", [])), "black": names(rank.get("black", [])),
                "interview": [unit_name(i) for i in interview if i.get("basis", "rank") == "rank"],
                "interview_grade": [unit_name(i) for i in interview if i.get("basis") == "grade"],
                "red_rule": clean(rules.get("red")), "black_rule": clean(rules.get("black")),
                "red_note": clean(notes.get("red")), "black_note": clean(notes.get("black"))}
    kind = str(rank.get("kind") or ("month" if units else "quarter"))
    gaps = {u["unit"]: u["gap"] for u in units}
    if rank.get("groups"):
        groups = {clean(g.get("group")) or "全部单位": [
            Entry(unit_name(r), unit_name(r), clean(g.get("group")), int(as_float(r.get("rank")) or 0),
                  as_float(r.get("score")), gaps.get(unit_name(r))) for r in g.get("rows", [])]
            for g in rank["groups"]}
    else:   # a month from monitoring data only: rank by execution rate
        rated = [u for u in units if u["rate"] is not None]
        groups = {"全部单位": [Entry(u["unit"], u["unit"], "全部单位", i, u["rate"], u["gap"])
                            for i, u in enumerate(rated, 1)]}
    h = decide(kind, groups, pack)
    return {"red": [e.unit for e in h.red], "black": [e.unit for e in h.black],
            "interview": [i.entry.unit for i in h.interview if i.basis == "rank"],
            "interview_grade": [i.entry.unit for i in h.interview if i.basis == "grade"],
            "red_rule": h.red_rule, "black_rule": h.black_rule,
            "red_note": h.red_note, "black_note": h.black_note}


def _honours_context(h: dict[str, Any]) -> dict[str, Any]:
    return {"red_list": h["red"], "black_list": h["black"], "red_rule": h["red_rule"],
            "black_rule": h["black_rule"], "red_note": h["red_note"], "black_note": h["black_note"]}


def monthly_table(units: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    header = ["序号", "单位名称", "全年预算<br>（万元）", "累计支出<br>（万元）", "执行率<br>（%）",
              "与序时进度差<br>（个百分点）", "预警等级"]
    rows = [[str(i), u["unit"], fmt_num(u["budget"]), fmt_num(u["spent"]), fmt_num(u["rate"]),
             fmt_num(u["gap"]), LEVEL_LABELS[u["level"]]]
            for i, u in enumerate(units, 1)]
    return header, rows


def monthly_total(total: dict[str, Any], progress: float) -> list[str]:
    """合计 row of the execution table: the totals of the monitor (as the body states them)."""
    rate = as_float(total.get("rate"))
    gap = None if rate is None else execution_gap(total, progress)
    return ["合计", "", fmt_num(total.get("budget")), fmt_num(total.get("spent")), fmt_num(rate),
            fmt_num(gap), ""]


def build_monthly(monitor: dict[str, Any], rank: dict[str, Any], overdue: Sequence[dict[str, Any]],
                  pack: RulePack, date: dt.date, number: int | None = None) -> dict[str, Any]:
    """预算执行进度通报 context (一月一通报)."""
    raw = str(monitor.get("period") or rank.get("period") or "")
    period = cumulative_label(raw)   # the figures are cumulative: 2026年1—10月
    progress = float(monitor.get("time_progress") or 0.0)
    total = monitor.get("total") or {}
    rate = as_float(total.get("rate"))
    units = _monthly_units(monitor, pack)
    header, rows = monthly_table(units)
    ctx = common(pack, date, number, f"关于{period}预算执行进度情况的通报")
    ctx.update({
        "period_cn": period,
        "period_end_cn": month_end_label(raw),
        "attach_title": f"{period}各单位预算执行进度情况表",
        "time_progress": fmt_num(progress),
        "total_budget": fmt_num(total.get("budget")),
        "total_spent": fmt_num(total.get("spent")),
        "total_rate": fmt_num(rate),
        "gap_phrase": gap_phrase(None if rate is None else execution_gap(total, progress)),
        "unit_count": len(units),
        "above_count": sum(u["gap"] is not None and u["gap"] >= 0 for u in units),
        "below_count": sum(u["gap"] is not None and u["gap"] < 0 for u in units),
        "red_units": [u["unit"] for u in units if u["level"] == "red"],
        "yellow_units": [u["unit"] for u in units if u["level"] == "yellow"],
        "warning_red": fmt_num(pack.monitor.warning_red, 0),
        "warning_yellow": fmt_num(pack.monitor.warning_yellow, 0),
        **_honours_context(honours(rank or {}, pack, units)),
        "missing_units": names(monitor.get("missing", [])),
        "overdue": overdue_rows(overdue),
        "overdue_cutoff": overdue_cutoff(str(monitor.get("period") or rank.get("period") or ""), date),
        "deadline_cn": deadline(pack, date),
        "table_header": header,
        "table_rows": rows,
        "table_total": monthly_total(total, progress),
    })
    return ctx


# ---------------------------------------------------------------- quarterly / annual
def dimension_keys(rank: dict[str, Any], pack: RulePack) -> list[str]:
    """Dimensions with at least one score, in rule-pack order, then extra keys of the ranking."""
    rows = _all_rows(rank)
    seen = [k for k in pack.rank.weights]
    for row in rows:
        seen += [k for k in (row.get("dimensions") or {}) if k not in seen]
    return [k for k in seen if any((r.get("dimensions") or {}).get(k) is not None for r in rows)]


def rank_table(rank: dict[str, Any], pack: RulePack, grade: bool = False
               ) -> tuple[list[str], list[dict[str, Any]]]:
    """One header for all groups; rows grouped (组别 rows keep their group name)."""
    dims = dimension_keys(rank, pack)
    header = ["名次", "单位名称", "综合得分"]
    header += [f"{DIMENSION_LABELS.get(k, k)}<br>得分" for k in dims]
    header += ["等级"] if grade else []
    header += ["较上期"]
    groups = []
    for group in rank.get("groups", []):
        rows = []
        for row in group.get("rows", []):
            d = row.get("dimensions") or {}
            cells = [clean(row.get("rank")), unit_name(row), fmt_num(row.get("score"))]
            cells += [fmt_num(d.get(k)) for k in dims]
            cells += [pack.grades.grade(as_float(row.get("score"))) or "—"] if grade else []
            rows.append([*cells, fmt_change(row.get("change"))])
        groups.append({"name": clean(group.get("group")) or "全部单位", "rows": rows})
    return header, groups


def _all_rows(rank: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for g in rank.get("groups", []) for row in g.get("rows", [])]


def interview_phrase(rank: dict[str, Any], pack: RulePack, noun: str) -> str:
    """综合排名后3位 / 综合排名末位 (one list) or 各组别综合排名末位 / …靠后 (several groups)."""
    if len(rank.get("groups", [])) > 1:
        return f"各组别{noun}{'末位' if pack.notice.interview_bottom == 1 else '靠后'}"
    count = len(honours(rank, pack)["interview"])
    return f"{noun}末位" if count == 1 else f"{noun}后{count}位"


def movers(rank: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Units that moved up / down by the most places (change ≠ 0)."""
    moved = [(change_value(r.get("change")) or 0, r) for r in _all_rows(rank)]
    up = [r for n, r in sorted(moved, key=lambda x: -x[0]) if n > 0][:3]
    down = [r for n, r in sorted(moved, key=lambda x: x[0]) if n < 0][:3]
    return ([f"{unit_name(r)}（{fmt_change(r['change'])}）" for r in up],
            [f"{unit_name(r)}（{fmt_change(r['change'])}）" for r in down])


def _ranking_common(rank: dict[str, Any], pack: RulePack, date: dt.date, number: int | None,
                    title: str, grade: bool) -> dict[str, Any]:
    period = period_label(str(rank.get("period") or ""))
    header, groups = rank_table(rank, pack, grade)
    up, down = movers(rank)
    rows = _all_rows(rank)
    scores = [s for s in (as_float(r.get("score")) for r in rows) if s is not None]
    chosen = honours(rank, pack)
    ctx = common(pack, date, number, title.format(period=period))
    ctx.update({
        "period_cn": period,
        "unit_count": len(rows),
        "group_count": len(rank.get("groups", [])),
        "average_score": fmt_num(sum(scores) / len(scores)) if scores else "—",
        "dimension_names": [DIMENSION_LABELS.get(k, k) for k in dimension_keys(rank, pack)],
        **_honours_context(chosen),
        "missing_units": names(rank.get("missing", [])),
        "movers_up": up,
        "movers_down": down,
        "interview_units": chosen["interview"],
        "overdue_cutoff": overdue_cutoff(str(rank.get("period") or ""), date),
        "deadline_cn": deadline(pack, date),
        "table_header": header,
        "table_groups": groups,
        "rank_notes": [prose(n) for n in rank.get("notes") or []],
    })
    return ctx


def build_quarterly(rank: dict[str, Any], overdue: Sequence[dict[str, Any]], pack: RulePack,
                    date: dt.date, number: int | None = None) -> dict[str, Any]:
    """排名通报 context (一季一排名)."""
    ctx = _ranking_common(rank, pack, date, number, "关于{period}预算绩效管理工作综合排名情况的通报",
                          grade=False)
    ctx["overdue"] = overdue_rows(overdue)
    ctx["interview_phrase"] = interview_phrase(rank, pack, "综合排名")
    ctx["attach_title"] = f"{ctx['period_cn']}各单位预算绩效管理工作综合排名表"
    return ctx




def grade_groups(rank: dict[str, Any], pack: RulePack) -> list[dict[str, Any]]:
    """Units per composite grade (综合评价等级; no budget consequence is attached to it)."""
    out = []
    for label in GRADE_KEYS:
        units = [unit_name(r) for r in _all_rows(rank)
                 if pack.grades.grade(as_float(r.get("score"))) == label]
        out.append({"grade": label, "units": units, "count": len(units)})
    return out


def build_annual(rank: dict[str, Any], scores: Sequence[dict[str, Any]] | None = None,
                 apply: Sequence[dict[str, Any]] | None = None, *, pack: RulePack,
                 date: dt.date, number: int | None = None,
                 overdue: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """年度总评通报 context (一年一总评).

    Two consequences, kept apart: the composite grade of a UNIT (综合评价) leads to
    表扬 / 约谈; the next-year budget of a PROJECT follows its self-evaluation grade
    (`pbm apply`, the same rows as 附件2)."""
    ctx = _ranking_common(rank, pack, date, number, "关于{period}预算绩效管理工作综合评价结果的通报",
                          grade=True)
    groups = grade_groups(rank, pack)
    ctx.update(score_summary(scores, pack))
    ctx.update(apply_totals(apply))
    ctx.update({
        "grade_groups": groups,
        "interview_grades": "".join(f"“{g}”" for g in pack.notice.interview_grades),
        "grade_interview_units": honours(rank, pack)["interview_grade"],
        "interview_phrase": interview_phrase(rank, pack, "综合评价排名"),
        "attach_title": f"{ctx['period_cn']}各单位预算绩效管理工作综合评价结果表",
        "apply_title": f"{ctx['period_cn']}项目支出绩效评价结果应用建议表",
        "apply_count": len(apply or []),
        "apply_groups": apply_groups(apply),
        "apply_policy": apply_policy(pack),
        "balance_projects": balance_projects(apply),
        "unspent_flag_share": fmt_num(pack.apply.unspent_flag_share, 0),
        "unspent_cut_ratio": fmt_num(pack.apply.unspent_cut_ratio, 0),
        "apply_header": ["序号", "单位名称", "项目名称", "自评复核<br>等级", "应用建议", "预算调整",
                         "本年预算<br>（万元）", "建议金额<br>（万元）"],
        "apply_rows": apply_table(apply),
        "overdue": overdue_rows(overdue),
    })
    return ctx


def chart_bars(monitor: dict[str, Any], pack: RulePack) -> list[Any]:
    """Bars for the execution chart, in the order of the attachment table."""
    from .chart import Bar

    return [Bar(u["unit"], u["code"], u["rate"], u["level"]) for u in _monthly_units(monitor, pack)
            if u["rate"] is not None]
