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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import RulePack
from ..errors import UsageError
from ..ledger.units import Unit, UnitMatcher
from ..scoring import round_half_up

KINDS = ("monthly", "quarterly", "annual", "return")

# Chinese labels of the composite-ranking dimensions (keys of [rank.weights]).
DIMENSION_LABELS = {
    "execution": "预算执行",
    "goal_quality": "目标管理",
    "selfeval": "自评质量",
    "rectification": "问题整改",
    "timeliness": "报送及时性",
}
FORM_LABELS = {"goal": "绩效目标申报表", "selfeval": "绩效自评表", "monitor": "绩效运行监控表"}
SEVERITY_ACTION = {"error": "必须修改", "warning": "请核实", "info": "供参考"}
_LEVEL_ALIASES = {
    "red": "red", "红": "red", "红色": "red", "红灯": "red", "红色预警": "red",
    "yellow": "yellow", "黄": "yellow", "黄色": "yellow", "黄灯": "yellow", "黄色预警": "yellow",
    "green": "green", "绿": "green", "绿色": "green", "正常": "green",
    "blue": "blue", "蓝": "blue", "蓝色": "blue",
}
LEVEL_LABELS = {"red": "红色预警", "yellow": "黄色预警", "green": "正常", "blue": "正常",
                "none": "无预算数"}
_STATUS = {"open": "未完成", "done": "已完成", "": "未完成", "None": "未完成"}
_UNSAFE = re.compile(r"[\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f]+")
_CN_NUM = "零一二三四五六七八九十"


# ---------------------------------------------------------------- formatting helpers
def clean(value: Any) -> str:
    """One-line text for a template (no control characters, no leading directive)."""
    text = _UNSAFE.sub(" ", "" if value is None else str(value)).strip()
    return text.lstrip("@")


def cn_date(day: dt.date) -> str:
    """2026年11月22日 (GB/T 9704: Arabic numerals, no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二 (heading numbers up to 99)."""
    if n <= 10:
        return _CN_NUM[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_NUM[tens]
    return f"{head}十{_CN_NUM[ones] if ones else ''}"


def fmt_num(value: Any, decimals: int = 2) -> str:
    """Fixed decimals, '—' for a missing value."""
    if value is None or value == "":
        return "—"
    try:
        number = round_half_up(float(value), decimals) + 0.0   # + 0.0: no "-0.00"
    except (TypeError, ValueError, ArithmeticError):
        return clean(value)
    return f"{number:.{decimals}f}"


def change_value(change: Any) -> int | None:
    """Places moved up (negative: down); None for a unit new to the ranking.

    Accepts ints (previous - current rank) and the ranking's texts "↑2", "↓1", "—", "新".
    """
    if isinstance(change, int | float):
        return int(change)
    text = clean(change).replace("位", "")
    if text in ("—", "-", "0", "持平"):
        return 0
    sign = -1 if text[:1] in ("↓", "-") else 1
    digits = text.lstrip("↑↓+-")
    return sign * int(digits) if digits.isdigit() else None


def fmt_change(change: Any) -> str:
    """Rank movement against the last period."""
    n = change_value(change)
    if n is None:
        return "新进"
    if n > 0:
        return f"上升{n}位"
    return f"下降{-n}位" if n < 0 else "持平"


def gap_phrase(gap: float | None) -> str:
    """低于序时进度3.21个百分点 / 高于… / 与序时进度持平 (gap = rate - time progress).

    Formatted with ``fmt_num`` like the attachment table, so body and table agree."""
    if gap is None:
        return "无法计算与序时进度的差距（没有预算数）"
    text = fmt_num(abs(gap))
    if float(text) == 0:
        return "与序时进度持平"
    return f"{'高于' if gap > 0 else '低于'}序时进度{text}个百分点"


def execution_gap(item: dict[str, Any], progress: float) -> float | None:
    """Gap to time progress in percentage points: the monitor's own ``gap`` when present,
    else from the unrounded rate (spent / budget), else from the given rate."""
    given = _as_float(item.get("gap"))
    if given is not None:
        return given
    budget, spent = _as_float(item.get("budget")), _as_float(item.get("spent"))
    rate = spent / budget * 100 if budget and spent is not None else _as_float(item.get("rate"))
    return None if rate is None else rate - progress


def doc_number(pack: RulePack, day: dt.date, number: int | None) -> str:
    """示财绩〔2026〕12号; without --number a blank for the clerk to fill in."""
    num = str(number) if number is not None else "　"
    return f"{pack.workspace.doc_prefix}〔{day.year}〕{num}号"


def period_label(period: str) -> str:
    """2026-10 → 2026年10月; 2026Q3 → 2026年第三季度; 2026 → 2026年度."""
    p = period.strip()
    if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", p)) and 1 <= int(m[2]) <= 12:
        return f"{m[1]}年{int(m[2])}月"
    if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", p):
        return f"{m[1]}年第{_CN_NUM[int(m[2])]}季度"
    if re.fullmatch(r"\d{4}", p):
        return f"{p}年度"
    raise UsageError(f"期间「{period}」格式不对，应为 2026-10（月）、2026Q3（季度）或 2026（年度）")


_PERIOD_FORMS = {   # kind → (pattern, what the period must be, example)
    "monthly": (r"\d{4}-(0?[1-9]|1[0-2])", "月份", "2026-10"),
    "quarterly": (r"\d{4}[Qq][1-4]", "季度", "2026Q3"),
    "annual": (r"\d{4}", "年度", "2026"),
}
_KIND_LABELS = {"monthly": "月度执行进度通报", "quarterly": "季度排名通报", "annual": "年度总评通报"}


def check_period(kind: str, period: str) -> str:
    """The period of ``kind`` (stripped), or a one-line UsageError naming the expected form."""
    p = period.strip()
    if kind not in _PERIOD_FORMS:
        if p:
            period_label(p)
        return p
    pattern, what, example = _PERIOD_FORMS[kind]
    if not re.fullmatch(pattern, p):
        raise UsageError(f"{_KIND_LABELS[kind]}的 --period 应为{what}，写成 {example} 这样，现为「{period}」。")
    return p.upper()


def unit_name(item: Any) -> str:
    """A unit's name from a name, a row dict ("unit") or a ledger record ("unit_name")."""
    if isinstance(item, dict):
        return clean(item.get("unit") or item.get("unit_name"))
    return clean(item)


def names(items: Iterable[Any]) -> list[str]:
    return [n for n in (unit_name(i) for i in items) if n]


def _as_float(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- common part
def common(pack: RulePack, day: dt.date, number: int | None, title: str) -> dict[str, Any]:
    """Header, signature and colophon values shared by every kind."""
    ws = pack.workspace
    return {
        "authority": clean(ws.authority),
        "red_header": bool(ws.red_header),
        "doc_number": doc_number(pack, day, number),
        "title": clean(title),
        "recipients": clean(ws.recipients),
        "signature": clean(ws.signature or ws.authority),
        "date_cn": cn_date(day),
        "contact": clean(ws.contact),
        "copy_to": clean(ws.copy_to),
        "print_office": clean(ws.print_office or ws.authority),
        "scope": clean(ws.scope),
    }


def deadline(pack: RulePack, day: dt.date, days: int | None = None) -> str:
    return cn_date(day + dt.timedelta(days=pack.notice.deadline_days if days is None else days))


def overdue_rows(overdue: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """整改逾期 items: unit, problem, deadline (ISO or text), status."""
    rows = []
    for item in overdue:
        raw = item.get("deadline")
        try:
            when = cn_date(dt.date.fromisoformat(str(raw)[:10]))
        except ValueError:
            when = clean(raw)
        rows.append({"unit": unit_name(item), "problem": clean(item.get("problem")),
                     "deadline": when, "status": _STATUS.get(str(item.get("status")),
                                                             clean(item.get("status")) or "未完成")})
    return rows


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
        rate = _as_float(u.get("rate"))
        gap = execution_gap(u, progress) if rate is not None else None
        units.append({"unit": unit_name(u), "code": clean(u.get("code")),
                      "budget": _as_float(u.get("budget")), "spent": _as_float(u.get("spent")),
                      "rate": rate, "gap": gap,
                      "level": "none" if gap is None else _level(u, gap, pack)})
    units.sort(key=lambda u: (u["rate"] is None, -(u["rate"] or 0.0), u["code"], u["unit"]))
    return units


def split_top_bottom(ordered: Sequence[str], pack: RulePack) -> tuple[list[str], list[str]]:
    """Top N and bottom N ([notice] top/bottom); in a small group at most half each, so a
    unit is never praised and criticised at once (2 units: one each, 1 unit: neither)."""
    half = len(ordered) // 2
    top, bottom = min(pack.notice.top, half), min(pack.notice.bottom, half)
    return list(ordered[:top]), list(ordered[len(ordered) - bottom:]) if bottom else []


def red_black(rank: dict[str, Any], pack: RulePack) -> tuple[list[str], list[str]]:
    """红榜 / 黑榜 per group of the ranking (the ranking's own lists when it has no groups)."""
    if not rank.get("groups"):
        return names(rank.get("red", []))[: pack.notice.top], names(rank.get("black", []))[: pack.notice.bottom]
    red: list[str] = []
    black: list[str] = []
    for group in rank["groups"]:
        rows = sorted(group.get("rows", []), key=lambda r: _as_float(r.get("rank")) or 0)
        top, bottom = split_top_bottom([unit_name(r) for r in rows], pack)
        red, black = red + top, black + bottom
    return red, black


def _top_bottom(rank: dict[str, Any], units: list[dict[str, Any]], pack: RulePack
                ) -> tuple[list[str], list[str]]:
    """红榜 / 黑榜: from the ranking when there is one, else from the execution rates."""
    if rank.get("groups") or rank.get("red") or rank.get("black"):
        return red_black(rank, pack)
    return split_top_bottom([u["unit"] for u in units if u["rate"] is not None], pack)


def monthly_table(units: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    header = ["序号", "单位名称", "全年预算<br>（万元）", "累计支出<br>（万元）", "执行率<br>（%）",
              "与序时进度差<br>（个百分点）", "预警等级"]
    rows = [[str(i), u["unit"], fmt_num(u["budget"]), fmt_num(u["spent"]), fmt_num(u["rate"]),
             fmt_num(u["gap"]), LEVEL_LABELS[u["level"]]]
            for i, u in enumerate(units, 1)]
    return header, rows


def build_monthly(monitor: dict[str, Any], rank: dict[str, Any], overdue: Sequence[dict[str, Any]],
                  pack: RulePack, date: dt.date, number: int | None = None) -> dict[str, Any]:
    """预算执行进度通报 context (一月一通报)."""
    period = period_label(str(monitor.get("period") or rank.get("period") or ""))
    progress = float(monitor.get("time_progress") or 0.0)
    total = monitor.get("total") or {}
    rate = _as_float(total.get("rate"))
    units = _monthly_units(monitor, pack)
    red_list, black_list = _top_bottom(rank or {}, units, pack)
    warned = {u["unit"] for u in units if u["level"] in ("red", "yellow")}
    red_list = [u for u in red_list if u not in warned]   # no praise while under a warning
    header, rows = monthly_table(units)
    ctx = common(pack, date, number, f"关于{period}预算执行进度情况的通报")
    ctx.update({
        "period_cn": period,
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
        "red_list": red_list,
        "black_list": black_list,
        "missing_units": names(monitor.get("missing", [])),
        "overdue": overdue_rows(overdue),
        "deadline_cn": deadline(pack, date),
        "table_header": header,
        "table_rows": rows,
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
            cells += [pack.grades.grade(_as_float(row.get("score"))) or "—"] if grade else []
            rows.append([*cells, fmt_change(row.get("change"))])
        groups.append({"name": clean(group.get("group")) or "全部单位", "rows": rows})
    return header, groups


def _all_rows(rank: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for g in rank.get("groups", []) for row in g.get("rows", [])]


def interviewed(rank: dict[str, Any], pack: RulePack) -> list[str]:
    """约谈: the bottom N of every group (at most half a group, like the 黑榜)."""
    n = pack.notice.interview_bottom
    out: list[str] = []
    for group in rank.get("groups", []):
        rows = sorted(group.get("rows", []), key=lambda r: _as_float(r.get("rank")) or 0)
        take = min(n, len(rows) // 2)
        out += [unit_name(r) for r in rows[len(rows) - take:]] if take else []
    return out


def interview_phrase(rank: dict[str, Any], pack: RulePack, noun: str) -> str:
    """综合排名后3位 / 综合排名末位 (one list) or 各组别综合排名末位 / …靠后 (several groups)."""
    if len(rank.get("groups", [])) > 1:
        return f"各组别{noun}{'末位' if pack.notice.interview_bottom == 1 else '靠后'}"
    count = len(interviewed(rank, pack))
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
    scores = [s for s in (_as_float(r.get("score")) for r in rows) if s is not None]
    ctx = common(pack, date, number, title.format(period=period))
    ctx.update({
        "period_cn": period,
        "unit_count": len(rows),
        "group_count": len(rank.get("groups", [])),
        "average_score": fmt_num(sum(scores) / len(scores)) if scores else "—",
        "dimension_names": [DIMENSION_LABELS.get(k, k) for k in dimension_keys(rank, pack)],
        "red_list": red_black(rank, pack)[0],
        "black_list": red_black(rank, pack)[1],
        "missing_units": names(rank.get("missing", [])),
        "movers_up": up,
        "movers_down": down,
        "interview_units": interviewed(rank, pack),
        "deadline_cn": deadline(pack, date),
        "table_header": header,
        "table_groups": groups,
        "rank_notes": [clean(n) for n in rank.get("notes") or []],
    })
    return ctx


def build_quarterly(rank: dict[str, Any], overdue: Sequence[dict[str, Any]], pack: RulePack,
                    date: dt.date, number: int | None = None) -> dict[str, Any]:
    """排名通报 context (一季一排名)."""
    ctx = _ranking_common(rank, pack, date, number, "关于{period}预算绩效管理工作综合排名情况的通报",
                          grade=False)
    ctx["overdue"] = overdue_rows(overdue)
    ctx["interview_phrase"] = interview_phrase(rank, pack, "综合排名")
    return ctx


_GRADE_KEYS = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}
_NO_SELFEVAL = "未自评"


def grade_groups(rank: dict[str, Any], pack: RulePack) -> list[dict[str, Any]]:
    """Units per composite grade (综合评价等级; no budget consequence is attached to it)."""
    out = []
    for label in _GRADE_KEYS:
        units = [unit_name(r) for r in _all_rows(rank)
                 if pack.grades.grade(_as_float(r.get("score"))) == label]
        out.append({"grade": label, "units": units, "count": len(units)})
    return out


def change_text(change: float | None) -> str:
    """-10% / +5% as in the 预算调整 column of 附件2; '' for no change."""
    return f"{change:+g}%".replace("+", "") if change else ""


def _project(a: dict[str, Any]) -> str:
    return f"{unit_name(a)}“{clean(a.get('project'))}”"


_STATES = {   # `pbm apply` state → (附件2 等级 column, sentence label)
    "not_evaluated": (_NO_SELFEVAL, "未开展绩效自评"),
    "insufficient": ("数据不足", "已报送自评表但复核数据不全"),
}


def _state(a: dict[str, Any]) -> str:
    """graded / insufficient / not_evaluated (older apply JSON has no "state")."""
    if clean(a.get("grade")):
        return "graded"
    state = clean(a.get("state"))
    if state in _STATES:
        return state
    return "not_evaluated" if clean(a.get("action")).startswith(_NO_SELFEVAL) else "insufficient"


def apply_grade(a: dict[str, Any]) -> str:
    """The 等级 of an apply row as `pbm apply` shows it: 优…差, 未自评 or 数据不足."""
    return clean(a.get("grade")) or _STATES[_state(a)][0]


def apply_groups(apply: Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """结果应用 of `pbm apply` grouped by (self-evaluation grade, action, change), 优…差, 未自评.

    Groups without a budget change and with a good grade only give a count (the projects
    are in 附件2); the others name their projects."""
    groups: dict[tuple[str, str, float], list[dict[str, Any]]] = {}
    for a in apply or []:
        groups.setdefault((apply_grade(a), clean(a.get("action")) or "—", _as_float(a.get("change")) or 0.0), []).append(a)
    order = [*_GRADE_KEYS, *(g for g, _ in _STATES.values())]
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
    number = _as_float(value)
    return None if number is None else round_half_up(number, 2)


def _suggested(a: dict[str, Any]) -> Any:
    return a.get("suggested") if a.get("suggested") is not None else a.get("amount")


def apply_table(apply: Sequence[dict[str, Any]] | None) -> list[list[str]]:
    """附件2 rows from `pbm apply` (unit, project, grade, action, change, budget, suggested) + 合计."""
    rows = []
    for i, a in enumerate(apply or [], 1):
        change = _as_float(a.get("change"))
        action = clean(a.get("action")) or "—"
        if a.get("large_balance") and clean(a.get("note")):
            action += f"；{clean(a.get('note'))}"
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
    for label, key in _GRADE_KEYS.items():
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
                if (_as_float(s.get("difference")) or 0.0) > tol]
    return {"project_count": len(items), "inflated_projects": inflated,
            "inflation_tolerance": fmt_num(tol, 0)}


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
        "interview_grades": "、".join(f"“{g}”" for g in pack.notice.interview_grades),
        "grade_interview_units": [u for g in groups if g["grade"] in pack.notice.interview_grades
                                  for u in g["units"]],
        "interview_phrase": interview_phrase(rank, pack, "综合评价排名"),
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


# ---------------------------------------------------------------- return letters
# "工作表「表1」C8 单元格：" at the start of a rule message (the letter states the place itself)
_LOCATION = re.compile(r"^(?:文件\S*?[：:])?\s*工作表[「“\"]?[^」”\"]*[」”\"]?\s*[A-Z]{1,3}\d+\s*单元格[：:]\s*")


def _fix_text(f: dict[str, Any], message: str) -> str:
    """现为…，应为… unless the rule message already says what is expected."""
    expected, actual = clean(f.get("expected")), clean(f.get("actual"))
    if not expected or expected in message:
        return ""
    parts = [f"现为“{actual}”" if actual else "", f"应为“{expected}”"]
    return "，".join(p for p in parts if p)


def finding_rows(files: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per file: its label and every error/warning finding with where and how to fix."""
    out = []
    for f in files:
        items = []
        for x in f.get("findings", []):
            sev = str(x.get("severity", "error")).lower()
            if sev == "info":
                continue
            where = "，".join(p for p in (f"工作表“{clean(x.get('sheet'))}”" if x.get("sheet") else "",
                                          f"单元格{clean(x.get('cell'))}" if x.get("cell") else "") if p)
            message = _LOCATION.sub("", clean(x.get("message"))).rstrip("。；;.")
            items.append({"code": clean(x.get("code")), "where": where or "全表", "message": message,
                          "fix": _fix_text(x, message), "action": SEVERITY_ACTION.get(sev, "必须修改")})
        if items:
            form = FORM_LABELS.get(str(f.get("form")), "绩效材料")
            project = clean(f.get("project"))
            out.append({"file": clean(str(f.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1]),
                        "label": f"“{project}”{form}" if project else form, "items": items})
    return out


@dataclass
class ReturnGroups:
    """Files with findings: per unit (one letter each) and those no unit could be found for."""

    letters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)   # unit name → files
    unidentified: list[dict[str, Any]] = field(default_factory=list)         # file + "reason"


def _folders(path: Any) -> list[str]:
    """Folder names of a file's path, nearest first (a zip counts as a folder)."""
    return [p for p in reversed(str(path or "").replace("\\", "/").split("/")[:-1]) if p]


def _directory_unit(f: dict[str, Any], matcher: UnitMatcher) -> tuple[Unit | None, str]:
    """The unit of a file by the form's code / name / alias, else by a folder name; or why not."""
    name = unit_name(f)
    unit = matcher.match(f.get("unit_code") or f.get("code"), name)
    if unit is None and not name:
        unit = next((u for d in _folders(f.get("path")) if (u := matcher.match(None, d))), None)
    if unit is not None:
        return unit, ""
    if not name:
        return None, "表内没有填写单位名称（或不是可识别的绩效表格），所在文件夹名称也不是名录中的单位"
    hint = matcher.suggest(name)
    tip = f"，最接近的单位：{'、'.join(hint)}" if hint else ""
    return None, f"表内单位名称「{name}」在单位名录中找不到（按编码、名称、简称均未匹配）{tip}"


def group_for_return(validate: dict[str, Any], units: Sequence[Unit] | None = None) -> ReturnGroups:
    """validate JSON → one group per unit (official name of the units directory when given,
    else the name written on the form) + the files whose unit cannot be identified."""
    matcher = UnitMatcher(units) if units else None
    out = ReturnGroups()
    for f in validate.get("files", []):
        if not finding_rows([f]):
            continue
        unit, reason = _directory_unit(f, matcher) if matcher else (None, "")
        name = unit.name if unit else ("" if matcher else unit_name(f))
        if name:
            out.letters.setdefault(name, []).append(f)
        else:
            out.unidentified.append({**f, "reason": reason or "表内没有填写单位名称（或不是可识别的绩效表格）"})
    out.letters = dict(sorted(out.letters.items()))
    return out


def build_unidentified(items: Sequence[dict[str, Any]], pack: RulePack, date: dt.date) -> dict[str, Any]:
    """无法识别报送单位的文件清单 (for the clerk, not sent to anybody)."""
    rows = []
    for n, f in enumerate(items, 1):
        (found,) = finding_rows([f]) or [{"items": []}]
        errors = sum(i["action"] == "必须修改" for i in found["items"])
        first = found["items"][0]["message"] if found["items"] else ""
        rows.append([str(n), clean(str(f.get("path", "")).replace("\\", "/")), unit_name(f) or "（未填写）",
                     clean(f.get("reason")), f"必须修改{errors}处、请核实{len(found['items']) - errors}处",
                     first])
    return {"title": "无法识别报送单位的文件清单", "authority": clean(pack.workspace.authority),
            "date_cn": cn_date(date), "file_count": len(rows), "deadline_cn": deadline(pack, date, pack.notice.return_days),
            "table_header": ["序号", "文件", "表内单位名称", "无法识别的原因", "审核问题", "主要问题"],
            "table_rows": rows}


def build_return(files: dict[str, Any] | Sequence[dict[str, Any]], unit: str, pack: RulePack,
                 date: dt.date, number: int | None = None, period: str = "") -> dict[str, Any]:
    """退回修改意见 letter for one unit (all its files with errors/warnings)."""
    flist = [files] if isinstance(files, dict) else list(files)
    rows = finding_rows(flist)
    ctx = common(pack, date, number, f"关于退回{clean(unit)}预算绩效材料修改的通知")
    for key in ("recipients", "scope"):   # addressed to the unit itself
        del ctx[key]
    ctx.update({
        "unit": clean(unit),
        "period_cn": period_label(period) if period else "",
        "file_count": len(rows),
        "error_count": sum(i["action"] == "必须修改" for r in rows for i in r["items"]),
        "warning_count": sum(i["action"] == "请核实" for r in rows for i in r["items"]),
        "files": rows,
        "deadline_cn": deadline(pack, date, pack.notice.return_days),
        "table_header": ["序号", "文件", "位置", "问题", "修改要求"],
        "table_rows": [[str(n), r["file"], i["where"], i["message"],
                        i["action"] + (f"（{i['fix']}）" if i["fix"] else "")]
                       for n, (r, i) in enumerate(((r, i) for r in rows for i in r["items"]), 1)],
    })
    return ctx


def cn_list(values: Iterable[Any]) -> str:
    """甲、乙、丙 (template filter)."""
    return "、".join(clean(v) for v in values if clean(v))


def chart_bars(monitor: dict[str, Any], pack: RulePack) -> list[Any]:
    """Bars for the execution chart, in the order of the attachment table."""
    from .chart import Bar

    return [Bar(u["unit"], u["code"], u["rate"]) for u in _monthly_units(monitor, pack)
            if u["rate"] is not None]
