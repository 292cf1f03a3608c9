"""Formatting for notices: every number, date, name and period as the notice prints it,
and the header/signature values shared by every kind."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..config import RulePack
from ..errors import UsageError
from ..scoring import round_half_up

FORM_LABELS = {"goal": "绩效目标申报表", "selfeval": "绩效自评表", "monitor": "绩效运行监控表"}
SEVERITY_ACTION = {"error": "必须修改", "warning": "请核实", "info": "供参考"}
_STATUS = {"open": "仍未完成", "": "仍未完成", "None": "仍未完成"}
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
    given = as_float(item.get("gap"))
    if given is not None:
        return given
    budget, spent = as_float(item.get("budget")), as_float(item.get("spent"))
    rate = spent / budget * 100 if budget and spent is not None else as_float(item.get("rate"))
    return None if rate is None else rate - progress


def doc_number(pack: RulePack, day: dt.date, number: int | None) -> str:
    """示财绩〔2026〕12号; without --number a blank for the clerk to fill in."""
    num = str(number) if number is not None else "　"
    return f"{pack.workspace.doc_prefix}〔{day.year}〕{num}号"


def cumulative_label(period: str) -> str:
    """The months a cumulative figure covers: 2026-10 → 2026年1—10月 (2026-01 → 2026年1月)."""
    if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", period.strip())) and 2 <= int(m[2]) <= 12:
        return f"{m[1]}年1—{int(m[2])}月"
    return period_label(period)


def month_end_label(period: str) -> str:
    """截至 point of a month: 2026-10 → 2026年10月底."""
    label = period_label(period)
    return f"{label}底" if label.endswith("月") else label


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


_PERIOD_FORMS = {   # kind → (Period.kind, what the period must be, example)
    "monthly": ("month", "月份", "2026-10、2026年10月"),
    "quarterly": ("quarter", "季度", "2026Q3、2026年第三季度"),
    "annual": ("year", "年度", "2026、2026年"),
}
_KIND_LABELS = {"monthly": "月度执行进度通报", "quarterly": "季度排名通报", "annual": "年度总评通报"}


def check_period(kind: str, period: str) -> str:
    """The period of ``kind`` in its canonical spelling (2026-10, 2026Q3, 2026), accepting what
    a clerk types (2026年10月, 2026年1-10月, 2026-Q3, 2026年第三季度, 2026年); else a one-line
    UsageError naming the expected form."""
    from ..period import Period

    p = period.strip()
    if kind not in _PERIOD_FORMS:
        if p:
            period_label(p)
        return p
    want, what, example = _PERIOD_FORMS[kind]
    try:
        parsed = Period.parse(p)
    except UsageError:
        parsed = None
    if parsed is None or parsed.kind != want:
        raise UsageError(f"{_KIND_LABELS[kind]}的 --period 应为{what}，写成 {example} 这样，现为「{period}」。")
    return str(parsed)


def unit_name(item: Any) -> str:
    """A unit's name from a name, a row dict ("unit") or a ledger record ("unit_name")."""
    if isinstance(item, dict):
        return clean(item.get("unit") or item.get("unit_name"))
    return clean(item)


def names(items: Iterable[Any]) -> list[str]:
    return [n for n in (unit_name(i) for i in items) if n]


def as_float(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_LOOSE_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%])[ \t]+(?=[{_CJK}])")
_RANGE = re.compile(r"(?<![\d.])(\d{1,2})\s*[-－~～–]\s*(\d{1,2})(?=\s*(?:月|日|季度))")
_ONE_DECIMAL = re.compile(r"(?<![\d.])(\d+\.\d)(?!\d)(?=\s*(?:%|％|个百分点))")


def prose(text: Any) -> str:
    """Text quoted in a notice, in the notice's conventions: ranges with the dash "—"
    (1-7月 → 1—7月), mainland quotation marks “” ‘’, percentages and percentage points
    with two decimals (30.0% → 30.00%), no space between Chinese and a number or word."""
    t = _LOOSE_SPACE.sub("", clean(text))
    t = t.replace("「", "“").replace("」", "”").replace("『", "‘").replace("』", "’")
    t = _RANGE.sub(r"\1—\2", t)
    return _ONE_DECIMAL.sub(r"\g<1>0", t)


# ---------------------------------------------------------------- common part
def common(pack: RulePack, day: dt.date, number: int | None, title: str) -> dict[str, Any]:
    """Header, signature and colophon values shared by every kind.  The title names the
    issuing office (GB/T 9704 7.3.1: 发文机关名称、事由和文种)."""
    ws = pack.workspace
    authority = clean(ws.authority)
    title = clean(title)
    return {
        "authority": authority,
        "red_header": bool(ws.red_header),
        "doc_number": doc_number(pack, day, number),
        "title": title if title.startswith(authority) else f"{authority}{title}",
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
        rows.append({"unit": unit_name(item), "problem": prose(item.get("problem")),
                     "deadline": when, "status": _status_phrase(item)})
    return rows


def _status_phrase(item: dict[str, Any]) -> str:
    """目前仍未完成 / 已于2026年10月20日逾期完成 / the given text (JSON written by hand)."""
    status = str(item.get("status"))
    if status == "done":
        try:
            return f"已于{cn_date(dt.date.fromisoformat(str(item.get('done_at'))[:10]))}逾期完成"
        except ValueError:
            return "已逾期完成"
    text = _STATUS.get(status, clean(item.get("status")) or "未完成")
    return f"目前{text}" if not text.startswith(("目前", "已")) else text


def overdue_cutoff(period: str, date: dt.date) -> str:
    """截至 day of a notice's rectification list: the period end, or the issue date if earlier."""
    from ..period import Period

    try:
        end = Period.parse(period).end
    except UsageError:
        return cn_date(date)
    return cn_date(min(end, date))


def cn_list(values: Iterable[Any]) -> str:
    """甲、乙、丙 (template filter)."""
    return "、".join(clean(v) for v in values if clean(v))


