"""Cross-check of self-evaluations against the approved goal declarations (``--goals``).

Matching: the same project (项目名称) and unit, names normalised (full-width →
half-width, no spaces, no brackets or quotes, case-folded; for the project also
without a leading "2026年" and a trailing "项目").  The unit matches
when the self-evaluation's 实施单位 or 主管部门 equals the goal form's 实施单位 or
主管部门; the year must agree when both forms carry one.  Several candidates:
an exact 实施单位 match wins, otherwise the match is reported as ambiguous.

Indicators are paired by their normalised 三级指标 name (二级 + name when a name
repeats).  Findings (each on the self-evaluation's cell, ``related`` = the goal's
cell as "goal-file!Sheet!C12"):

* X311 an indicator in the self-evaluation that the approved goal does not have;
* X312 an approved indicator missing from the self-evaluation;
* X313 the 年度指标值 changed: the parsed values differ (operator, number or unit),
  not mere spelling ("≥95%" vs "不低于95％" is the same value).
* X314 no approved goal found for a self-evaluation; X315 several goals match.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Finding, FormKind, Indicator, IndicatorValue, Submission, ValueKind
from ..values import normalise_text
from . import select_findings

if TYPE_CHECKING:
    from ..config import RulePack


_STRIP = re.compile(r"[\s()\[\]{}<>《》【】〔〕\"'“”‘’「」『』]+")


def normalise_name(text: object) -> str:
    """Names compared across forms: NFKC, no whitespace, brackets or quotes, case-folded."""
    if text is None:
        return ""
    return _STRIP.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


_YEAR_PREFIX = re.compile(r"^(?:19|20)\d\d年度?")


def project_key(name: object) -> str:
    """A project name for matching: normalised, without a leading year or a trailing 项目."""
    key = _YEAR_PREFIX.sub("", normalise_name(name))
    return key[:-2] if key.endswith("项目") and len(key) > 2 else key


def _names(sub: Submission, *keys: str) -> set[str]:
    return {n for n in (normalise_name(sub.head(k).value) for k in keys) if n}


@dataclass(frozen=True)
class GoalMatch:
    """The approved goal of one self-evaluation (``goal`` None when not found)."""

    selfeval: Submission
    goal: Submission | None
    how: str  # Chinese: how it matched, or why not
    findings: tuple[Finding, ...] = ()


@dataclass
class GoalIndex:
    """Approved goal forms, looked up by normalised project name."""

    goals: list[Submission] = field(default_factory=list)
    by_project: dict[str, list[Submission]] = field(default_factory=dict)

    @classmethod
    def of(cls, goals: Iterable[Submission]) -> GoalIndex:
        index = cls()
        for goal in goals:
            if goal.kind is not FormKind.GOAL:
                continue
            index.goals.append(goal)
            index.by_project.setdefault(project_key(goal.project), []).append(goal)
        return index

    def candidates(self, sub: Submission) -> tuple[list[Submission], list[Submission]]:
        """(exact 实施单位 matches, unit-or-department matches) of the same project and year."""
        units = _names(sub, "unit", "department")
        exact_unit = normalise_name(sub.head("unit").value)
        loose, exact = [], []
        for goal in self.by_project.get(project_key(sub.project), []):
            if sub.year and goal.year and sub.year != goal.year:
                continue
            if units & _names(goal, "unit", "department"):
                loose.append(goal)
                if exact_unit and exact_unit == normalise_name(goal.head("unit").value):
                    exact.append(goal)
        return exact, loose


def _finding(code: str, message: str, sub: Submission, ref_sheet: str | None, cell: str | None,
             *, related: str | None = None, expected: str | None = None,
             actual: str | None = None) -> Finding:
    """An X311–X315 finding, phrased and graded by the rules registry."""
    from ..rules import finding_for

    return finding_for(code, path=sub.path, sheet=ref_sheet, cell=cell, detail=message,
                       expected=expected, actual=actual, related=related)


def match_goal(sub: Submission, index: GoalIndex) -> GoalMatch:
    """Find the approved goal of ``sub``; X314 / X315 when none or several match."""
    exact, loose = index.candidates(sub)
    pick = exact if len(exact) == 1 else loose
    if len(pick) == 1:
        how = "实施单位+项目名称" if pick == exact else "主管部门/实施单位+项目名称"
        return GoalMatch(sub, pick[0], how)
    label = f"「{sub.unit or '（未填单位）'}」的项目「{sub.project or '（未填项目名称）'}」"
    if not pick:
        msg = (f"{label}在 --goals 提供的绩效目标申报表中没有找到（按实施单位或主管部门 + 项目名称"
               f"{' + 年度' if sub.year else ''}匹配），无法核对指标是否与批复一致；请确认项目名称与申报表一致")
        found = _finding("X314", msg, sub, sub.sheet or None, None, expected="一份对应的绩效目标申报表",
                         actual="未找到")
        return GoalMatch(sub, None, "未找到", (found,))
    paths = "、".join(g.path for g in pick)
    msg = f"{label}匹配到多份绩效目标申报表（{paths}），无法确定以哪一份为准；请删除重复的申报表"
    found = _finding("X315", msg, sub, sub.sheet or None, None, expected="一份", actual=f"{len(pick)} 份")
    return GoalMatch(sub, None, "匹配到多份", (found,))


# --- indicator comparison ----------------------------------------------------------------------

_BRACKETED = re.compile(r"[(\[【（〔][^()\[\]【】（）〔〕]*[)\]】）〕]")


def indicator_key(name: object) -> str:
    """An indicator name for pairing: normalised, a bracketed unit or note dropped
    ("养护里程（公里）" pairs with "养护里程")."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    return normalise_name(_BRACKETED.sub("", text)) or normalise_name(text)


def _keyed(indicators: Sequence[Indicator]) -> dict[str, Indicator]:
    """Indicators by normalised name; a repeated name is keyed by 二级 + name (+ a counter)."""
    counts: dict[str, int] = {}
    for ind in indicators:
        counts[indicator_key(ind.name)] = counts.get(indicator_key(ind.name), 0) + 1
    out: dict[str, Indicator] = {}
    for ind in indicators:
        key = indicator_key(ind.name)
        if not key:
            continue
        if counts[key] > 1:
            key = f"{normalise_name(ind.level2)}/{key}"
            n = 2
            while key in out:
                key, n = f"{key}#{n}", n + 1
        out[key] = ind
    return out


def _effective_op(value: IndicatorValue) -> str | None:
    if value.operator is not None:
        return value.operator.value
    return "=" if value.number == 0 else "≥"


def same_value(a: IndicatorValue, b: IndicatorValue) -> bool:
    """Equal as parsed values: operator (none = ≥), number and unit (an absent unit matches any)."""
    if a.kind is not b.kind:
        return False
    if a.kind is ValueKind.QUANTITATIVE:
        if a.unit and b.unit and a.unit != b.unit:
            return False
        return _effective_op(a) == _effective_op(b) and math.isclose(
            a.number or 0.0, b.number or 0.0, rel_tol=1e-9, abs_tol=1e-9)
    if a.kind is ValueKind.QUALITATIVE:
        return normalise_text(a.term or "") == normalise_text(b.term or "")
    return normalise_text(a.text) == normalise_text(b.text)


def _goal_cell(goal: Submission, ind: Indicator, key: str) -> str | None:
    ref = ind.get(key).ref or ind.get("name").ref
    return f"{goal.path}!{ref}" if ref else goal.path


def _at(ref: object) -> str:
    return f"{ref}：" if ref else ""


def _shown(value: IndicatorValue) -> str:
    return value.display() or "（空）"


def _annual_or_only_block(goal: Submission) -> list[Indicator]:
    """The goal's 年度 indicators; a form with a single block (whatever its label) gives that block."""
    annual = [i for i in goal.indicators if i.block == "annual"]
    if annual or len({i.block for i in goal.indicators}) > 1:
        return annual
    return list(goal.indicators)


def compare_indicators(sub: Submission, goal: Submission) -> list[Finding]:
    """X311 added, X312 removed, X313 changed 年度指标值, between goal and self-evaluation."""
    mine = _keyed([i for i in sub.indicators if i.block == "annual"])
    approved = _keyed(_annual_or_only_block(goal))
    found: list[Finding] = []
    for key, ind in mine.items():
        ref = ind.get("name").ref
        sheet, cell = (ref.sheet, ref.cell) if ref else (sub.sheet or None, None)
        if key not in approved:
            found.append(_finding(
                "X311", f"{_at(ref)}指标「{ind.name}」不在已批复的绩效目标（{goal.path}）中；"
                        "自评指标应与批复的年度绩效指标一致，如确需调整请附调整批复",
                sub, sheet, cell, related=goal.path, expected="已批复的指标", actual=ind.name))
            continue
        found += _changed(sub, goal, ind, approved[key])
    for key, gind in approved.items():
        if key not in mine:
            found.append(_finding(
                "X312", f"已批复的指标「{gind.name}」（{_goal_cell(goal, gind, 'name')}，年度指标值 "
                        f"{_shown(gind.target)}）在自评表中没有；请补充该指标的完成情况和得分",
                sub, sub.sheet or None, None, related=_goal_cell(goal, gind, "name"),
                expected=gind.name, actual="缺少"))
    return found


def _changed(sub: Submission, goal: Submission, ind: Indicator, gind: Indicator) -> list[Finding]:
    if same_value(ind.target, gind.target):
        return []
    ref = ind.get("target").ref or ind.get("name").ref
    sheet, cell = (ref.sheet, ref.cell) if ref else (sub.sheet or None, None)
    msg = (f"{_at(ref)}指标「{ind.name}」的年度指标值为 {_shown(ind.target)}，与已批复的绩效目标"
           f"（{_goal_cell(goal, gind, 'target')}）中的 {_shown(gind.target)} 不一致；"
           "自评应以批复的指标值为准，请改回或附调整批复")
    return [_finding("X313", msg, sub, sheet, cell, related=_goal_cell(goal, gind, "target"),
                     expected=_shown(gind.target), actual=_shown(ind.target))]


def crosscheck(sub: Submission, index: GoalIndex, pack: RulePack) -> GoalMatch:
    """Match ``sub`` to its goal and compare indicators; findings filtered by the pack."""
    match = match_goal(sub, index)
    found = list(match.findings)
    if match.goal is not None:
        found += compare_indicators(sub, match.goal)
    return GoalMatch(sub, match.goal, match.how, tuple(select_findings(found, pack, sub.path)))


def unused_goals(index: GoalIndex, matches: Iterable[GoalMatch]) -> list[Submission]:
    """Approved goals that no self-evaluation matched (listed in the report)."""
    used = {id(m.goal) for m in matches if m.goal is not None}
    return [g for g in index.goals if id(g) not in used]


# --- batch scoring: files, folders, zips → ScoreReport (the library form of `pbm score`) ------
