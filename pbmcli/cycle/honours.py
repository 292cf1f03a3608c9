"""红榜 / 黑榜 / 约谈 of a period: the ONE decision that ranking tables, JSON, workbooks
and notices all print.

Settings ([rank] unless noted; documented in the README):
- a month ranks by execution: 红榜 only for units whose execution rate is at or above
  序时进度 + ``month_red_min_gap`` (default 0: on schedule); 黑榜 only for units under a
  warning, ``month_black_level`` = "yellow" (黄色或红色预警, default) | "red" (红色预警) |
  "behind" (低于序时进度).  No 约谈 for a month.
- a quarter and a year rank by composite score: 红榜 only for units whose grade
  ([grades] bands) is in ``red_grades`` (default 优); 黑榜 only for units whose grade is
  in ``black_grades`` (default 中、差).  约谈: the last [notice] ``interview_bottom`` units
  of each group's 黑榜; in a year also every unit graded in [notice] ``interview_grades``.
- ``top`` / ``bottom``: at most this many units per group on each list, taken from the
  top / the bottom of the ranking among the units that qualify; a unit tied with the last
  one taken is taken too.  A unit is never on both lists.
When no unit qualifies, the list is empty and ``red_note`` / ``black_note`` says why in a Chinese sentence,
so a notice never praises "the least bad".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import RulePack

MONTH_BLACK_LEVELS = ("yellow", "red", "behind")
GRADES = ("优", "良", "中", "差")


@dataclass(frozen=True)
class Entry:
    """One ranked unit as the decision sees it (rows in rank order within their group)."""

    key: str
    unit: str
    group: str
    rank: int
    score: float | None
    gap: float | None = None  # a month: execution rate - 序时进度 (percentage points)


@dataclass(frozen=True)
class Interview:
    entry: Entry
    basis: str  # "grade" (a year: graded in interview_grades) | "rank" (else: last of the 黑榜)


@dataclass(frozen=True)
class Honours:
    red: tuple[Entry, ...]
    black: tuple[Entry, ...]
    interview: tuple[Interview, ...]
    red_rule: str   # Chinese: who may be on the 红榜
    black_rule: str
    red_note: str = ""    # Chinese, when the 红榜 is empty: why (else "")
    black_note: str = ""

    @property
    def notes(self) -> list[str]:
        return [n for n in (self.red_note, self.black_note) if n]

    def lines(self) -> list[str]:
        """红榜：… / 黑榜：… / 约谈：… for screens, Markdown and workbooks."""
        out = [f"红榜（{self.red_rule}）：" + ("、".join(e.unit for e in self.red) or "空缺"),
               f"黑榜（{self.black_rule}）：" + ("、".join(e.unit for e in self.black) or "空缺")]
        if self.interview:
            out.append("约谈：" + "、".join(i.entry.unit for i in self.interview))
        return out + self.notes


def _fmt(x: float) -> str:
    return f"{x:g}"


def rules_text(kind: str, pack: RulePack) -> tuple[str, str]:
    """The Chinese criteria of the two lists for a month / quarter / year."""
    r = pack.rank
    if kind == "month":
        gap = r.month_red_min_gap
        red = "执行率达到序时进度" if gap == 0 else (
            f"执行率高于序时进度{_fmt(gap)}个百分点及以上" if gap > 0
            else f"执行率低于序时进度不超过{_fmt(-gap)}个百分点")
        black = {"yellow": f"执行率低于序时进度{_fmt(pack.monitor.warning_yellow)}个百分点以上、受到预警",
                 "red": f"执行率低于序时进度{_fmt(pack.monitor.warning_red)}个百分点以上、受到红色预警",
                 "behind": "执行率低于序时进度"}[r.month_black_level]
        return red, black
    return (f"综合评价等级为{_grade_list(r.red_grades)}", f"综合评价等级为{_grade_list(r.black_grades)}")


def _grade_list(grades: Sequence[str]) -> str:
    return "".join(f"“{g}”" for g in grades)   # GB/T 15834: no 顿号 between quoted items


def _qualifies(e: Entry, kind: str, pack: RulePack) -> tuple[bool, bool]:
    """(may be on the 红榜, may be on the 黑榜)."""
    if kind == "month":
        if e.gap is None:
            return False, False
        # here, not at the top: config checks import this module, and monitor loads the ledger
        from .monitor import LEVEL_RED, LEVEL_YELLOW, warning_level

        level = pack.rank.month_black_level
        black = (e.gap < 0 if level == "behind"
                 else warning_level(e.gap, pack) in ((LEVEL_RED,) if level == "red" else (LEVEL_RED, LEVEL_YELLOW)))
        return e.gap >= pack.rank.month_red_min_gap, black
    grade = pack.grades.grade(e.score)
    return grade in pack.rank.red_grades, grade in pack.rank.black_grades


def _take(rows: Sequence[Entry], n: int) -> list[Entry]:
    """The first n rows, plus any row tied (same rank) with the last one taken."""
    if n <= 0:
        return []
    out = list(rows[:n])
    out += [e for e in rows[n:] if e.rank == out[-1].rank] if out else []
    return out


def decide(kind: str, groups: Mapping[str, Sequence[Entry]], pack: RulePack) -> Honours:
    """红榜 / 黑榜 / 约谈 of a month | quarter | year from rows in rank order per group."""
    red: list[Entry] = []
    black: list[Entry] = []
    interview: list[Interview] = []
    for rows in groups.values():
        ordered = sorted(rows, key=lambda e: e.rank)
        marks = [_qualifies(e, kind, pack) for e in ordered]
        top = _take([e for e, (ok, _) in zip(ordered, marks, strict=True) if ok], pack.rank.top)
        taken = {e.key for e in top}
        low = [e for e, (_, bad) in zip(ordered, marks, strict=True) if bad and e.key not in taken]
        bottom = list(reversed(_take(list(reversed(low)), pack.rank.bottom)))
        red += top
        black += bottom
        if kind != "month":
            called = {e.key for e in _take(list(reversed(bottom)), pack.notice.interview_bottom)}
            graded = ({e.key for e in ordered if pack.grades.grade(e.score) in pack.notice.interview_grades}
                      if kind == "year" else set())
            chosen = called | graded
            interview += [Interview(e, "grade" if e.key in graded else "rank")
                          for e in ordered if e.key in chosen]
    red_rule, black_rule = rules_text(kind, pack)
    when = "本月" if kind == "month" else "本期"
    ranked = any(groups.values())
    return Honours(tuple(red), tuple(black), tuple(interview), red_rule, black_rule,
                   f"{when}没有{red_rule}的单位，红榜空缺。" if ranked and not red else "",
                   f"{when}没有{black_rule}的单位，黑榜空缺。" if ranked and not black else "")


def check(pack: RulePack) -> str | None:
    """A Chinese config error for [rank] list settings this module cannot honour."""
    r = pack.rank
    if r.month_black_level not in MONTH_BLACK_LEVELS:
        return ("[rank] month_black_level 只能是 yellow（黄色及红色预警）、red（仅红色预警）"
                "或 behind（低于序时进度）")
    bad = [g for g in (*r.red_grades, *r.black_grades, *pack.notice.interview_grades) if g not in GRADES]
    if bad:
        return f"[rank] red_grades / black_grades 与 [notice] interview_grades 只能写 优、良、中、差，现有：{'、'.join(bad)}"
    both = set(r.red_grades) & set(r.black_grades)
    if both:
        return f"[rank] red_grades 与 black_grades 不能有相同的等级：{'、'.join(sorted(both))}"
    return None
