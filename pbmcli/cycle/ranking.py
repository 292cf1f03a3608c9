"""Ranking of units from the ledger: monthly, quarterly, yearly.

Scores (each dimension 0–100; documented in the README):
- execution, month: min(execution rate / time progress × 100, rank.month_score_cap).
  A quarter's execution is the mean of its months' scores (months with data in
  the ledger; a unit with no row in such a month scores 0 there), a year's the
  mean of its quarters' scores (rank.quarter_execution = "mean"; "last" takes the
  last month with data instead).
Data as it stood at the cut-off (period end + rank.grace_days, or today if earlier): of each
chain of versions of a form the latest recorded by then (a chain first recorded later counts
with its first version); a closed period's ranking does not change when later data arrives.
- goal_quality: per goal declaration overlapping the period
  100 - goal_error_deduction × errors - goal_warning_deduction × warnings
  (floor 0); the unit's mean.
- selfeval: mean recomputed total of the unit's self-evaluations whose period lies within
  the ranking's (a year-end self-evaluation counts in the year, not in Q1–Q4) that have
  one; a self-evaluation submitted with insufficient data (no recomputed total) is
  listed as 数据不足、待补正 and not scored.
- rectification: share of the items due in the period by min(period end, today), and of
  the items due earlier still not done (the notice of the period lists the same overdue
  items at the same cut-off), that are done by their deadline × 100.  An item marked done
  without a completion date counts as done on time (no evidence it was late); items due
  after "today" do not count.
- timeliness: share of the form kinds received in the period that the unit
  submitted by the end of the form's period + rank.grace_days, × 100.
A month ranks by execution alone; a quarter and a year by the weighted mean of the
dimensions (weights rank.weights).  Missing data, one policy:
- a dimension with no data for ANY unit is dropped and the weights re-normalised
  over the others (``Ranking.notes`` says so);
- a unit without data that other units have scores 0 there (it did not submit:
  no execution rows, no goal declaration, no self-evaluation, nothing on time);
- neutral for the unit (shown "—", not 0 and not 100; the unit's own weights are
  re-normalised over its other dimensions): no rectification item due, or only
  self-evaluations with insufficient data (数据不足、待补正).

Ties: competition ranking (1, 2, 2, 4) on the scores rounded to rank.decimals;
rank.tie_break keys before "code"/"name" (e.g. execution) break ties, code/name
only order equal ranks.  change: "↑2", "↓1", "—" (same), "新" (not ranked before).

Public JSON contract (keys stable): {"tool", "version", "period", "kind": month | quarter |
year, "groups": [{"group", "rows": [{"rank", "unit", "code", "score", "dimensions":
{dimension: score}, "change": places up (negative: down; null: new), "change_text": "↑2" | "↓1" | "—" | "新"}]}], "red": [{"group", "rank", "unit", "code", "score"}],
"black": [same], "interview": [same + "basis": "rank" | "grade"], "list_rules": {"red", "black"}:
Chinese criteria, "list_notes": {"red", "black"}: Chinese, why a list is empty ("" when it is not), "missing": [{"unit", "code"}],
"weights": {dimension: percent}, "notes": [Chinese sentences]}; a neutral dimension's score is null.
red / black / interview come from cycle.honours.decide (the one decision notices print too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..config import RulePack
from ..ledger.records import SubmissionRecord
from ..ledger.store import Ledger
from ..ledger.units import Unit
from ..period import Period
from . import DIMENSIONS
from .dimensions import Facts, collect
from .honours import Entry, Honours, decide
from .monitor import rounded

DIM_LABELS = {"execution": "预算执行进度", "goal_quality": "绩效目标申报质量",
              "selfeval": "绩效自评得分", "rectification": "问题按期整改",
              "timeliness": "资料按时报送"}
DIM_SHORT = {"execution": "执行进度", "goal_quality": "目标质量", "selfeval": "自评得分",
             "rectification": "按期整改", "timeliness": "按时报送"}
GROUP_ALL = "全部单位"


@dataclass
class RankRow:
    key: str
    unit: str
    code: str
    group: str
    score: float
    dimensions: dict[str, float | None]
    rank: int = 0
    change: int | None = None  # places moved up since the last period (negative: down); None: new
    figures: dict[str, float | None] = field(default_factory=dict)  # a month: rate, gap (not in JSON)
    neutral: dict[str, str] = field(default_factory=dict)  # dimension -> why it is not counted

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "unit": self.unit, "code": self.code, "score": self.score,
                "dimensions": self.dimensions, "change": self.change, "change_text": self.change_text}

    @property
    def change_text(self) -> str:
        return change_label(self.change)

    def brief(self) -> dict[str, Any]:
        return {"group": self.group, "rank": self.rank, "unit": self.unit, "code": self.code,
                "score": self.score}


@dataclass
class Ranking:
    """A ranking (public JSON contract: ``to_dict``)."""

    period: str
    kind: str
    groups: dict[str, list[RankRow]]
    missing: list[dict[str, str]]
    weights: dict[str, float] = field(default_factory=dict)
    top: int = 5
    bottom: int = 5
    details: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    dropped: list[str] = field(default_factory=list)  # weighted dimensions without any data

    honours: Honours | None = field(default=None, repr=False)

    def rows(self) -> list[RankRow]:
        return [r for rows in self.groups.values() for r in rows]

    def _pick(self, entries: Sequence[Entry]) -> list[RankRow]:
        by = {(r.group, r.key): r for r in self.rows()}
        return [by[(e.group, e.key)] for e in entries]

    def red(self) -> list[RankRow]:
        """红榜 (cycle.honours.decide)."""
        return self._pick(self.honours.red) if self.honours else []

    def black(self) -> list[RankRow]:
        """黑榜 (cycle.honours.decide)."""
        return self._pick(self.honours.black) if self.honours else []

    def list_lines(self) -> list[str]:
        """红榜：… / 黑榜：… / 约谈：… with their criteria, and why a list is empty."""
        return self.honours.lines() if self.honours and self.rows() else []

    def to_dict(self) -> dict[str, Any]:
        interview = self.honours.interview if self.honours else ()
        called = self._pick([i.entry for i in interview])
        return {
            "tool": "pbm", "version": __version__, "period": self.period, "kind": self.kind,
            "groups": [{"group": g, "rows": [r.to_dict() for r in rows]}
                       for g, rows in self.groups.items()],
            "red": [r.brief() for r in self.red()],
            "black": [r.brief() for r in self.black()],
            "interview": [{**r.brief(), "basis": i.basis} for r, i in zip(called, interview, strict=True)],
            "list_rules": {"red": self.honours.red_rule if self.honours else "",
                           "black": self.honours.black_rule if self.honours else ""},
            "list_notes": {"red": self.honours.red_note if self.honours else "",
                           "black": self.honours.black_note if self.honours else ""},
            "missing": self.missing,
            "weights": {d: rounded(w) for d, w in self.weights.items()},
            "notes": self.notes(),
        }

    def notes(self) -> list[str]:
        """The missing-data policy in Chinese, as it applied to this ranking."""
        if self.kind == "month":
            return []
        out = []
        if self.dropped:
            shares = "、".join(f"{DIM_SHORT[d]} {p}%" for d, p in display_weights(self.weights).items())
            out.append(f"本期{'、'.join(DIM_SHORT[d] for d in self.dropped)}没有任何单位的数据，"
                       f"不计入综合得分，权重按比例折算为：{shares}。")
        if any(r.neutral for r in self.rows()):
            out.append("“—”表示该维度对该单位不计分（本期无到期整改事项，或自评数据不足、待补正），"
                       "该单位的权重按比例折算到其余维度；未报送资料的维度按 0 分计。")
        return out


# --------------------------------------------------------------------------- helpers


def competition_ranks(values: Sequence[tuple[Any, ...]]) -> list[int]:
    """Ranks for already sorted tie keys: equal keys share a rank (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, v in enumerate(values):
        ranks.append(ranks[-1] if i and v == values[i - 1] else i + 1)
    return ranks


def display_weights(weights: dict[str, float]) -> dict[str, str]:
    """Percentages to one decimal that sum to 100 (largest remainder, in tenths), as text
    without a needless ".0": 12.5 and 12.5, not 13 and 12, for two equal weights."""
    total = sum(weights.values())
    if not total:
        return {d: "0" for d in weights}
    exact = {d: w / total * 1000 for d, w in weights.items()}  # tenths of a percent
    tenths = {d: int(v) for d, v in exact.items()}
    by_remainder = sorted(exact, key=lambda d: (-(exact[d] - tenths[d]), list(exact).index(d)))
    for d in by_remainder[: 1000 - sum(tenths.values())]:
        tenths[d] += 1
    return {d: f"{t // 10}" if t % 10 == 0 else f"{t // 10}.{t % 10}" for d, t in tenths.items()}


def change_label(change: int | None) -> str:
    """↑2 (up two places), ↓1, — (same place), 新 (not ranked last period)."""
    if change is None:
        return "新"
    if change == 0:
        return "—"
    return f"↑{change}" if change > 0 else f"↓{-change}"


# --------------------------------------------------------------------------- ranking


def _weights(pack: RulePack, dims: list[str], kind: str) -> dict[str, float]:
    if kind == "month":
        return {"execution": 100.0} if "execution" in dims else {}
    w = {d: float(pack.rank.weights.get(d, 0.0)) for d in DIMENSIONS if d in dims}
    total = sum(w.values())
    return {d: v / total * 100 for d, v in w.items()} if total else {}


def _rows(facts: Facts, units: Sequence[Unit], weights: dict[str, float], pack: RulePack,
          kind: str) -> tuple[list[RankRow], list[dict[str, str]]]:
    by_key = {u.code: u for u in units}
    dec = pack.rank.decimals
    keys = set(facts.scores) | set(by_key)
    rows: list[RankRow] = []
    missing: list[dict[str, str]] = []
    for k in sorted(keys):
        u = by_key.get(k)
        name, code = (u.name, u.code) if u else facts.names.get(k, (k, ""))
        got = facts.scores.get(k, {})
        if not any(d in got for d in weights if d not in ("rectification",)):
            missing.append({"unit": name, "code": code})
            continue
        neutral = _neutral(facts, k, got, weights)
        counted = {d: w for d, w in weights.items() if d not in neutral}
        dims = {d: None if d in neutral else rounded(got.get(d, 0.0), dec) for d in weights}
        score = sum(w * got.get(d, 0.0) for d, w in counted.items()) / (sum(counted.values()) or 1)
        figures = {x: facts.details[k]["month"][x] for x in ("rate", "gap")} if kind == "month" else {}
        group = GROUP_ALL
        if pack.rank.group_by:
            group = (u.category if u else "") or "未分类"
        rows.append(RankRow(k, name, code, group, rounded(score, dec) or 0.0, dims, figures=figures,
                            neutral=neutral))
    return rows, missing


def _neutral(facts: Facts, key: str, got: dict[str, float], weights: dict[str, float]) -> dict[str, str]:
    """Dimensions not counted for this unit: no rectification item due, 自评数据不足."""
    out = {d: why for d, why in facts.neutral.get(key, {}).items() if d in weights and d not in got}
    if "rectification" in weights and "rectification" not in got:
        out["rectification"] = "本期无到期整改事项"
    return out


def unit_weights(ranking: Ranking, row: RankRow) -> dict[str, float]:
    """The weights as they apply to one unit (re-normalised over its counted dimensions)."""
    counted = {d: w for d, w in ranking.weights.items() if d not in row.neutral}
    total = sum(counted.values()) or 1.0
    return {d: counted[d] / total * 100 if d in counted else 0.0 for d in ranking.weights}


def _sort_and_rank(rows: list[RankRow], pack: RulePack) -> dict[str, list[RankRow]]:
    deciding = [k for k in pack.rank.tie_break if k not in ("code", "name")] or ["score"]

    def value(r: RankRow, k: str) -> float:
        if k == "score":
            return r.score
        if k == "execution" and "rate" in r.figures:  # a month: the rate itself
            return r.figures["rate"] or 0.0
        return r.dimensions.get(k) or 0.0

    def tie_key(r: RankRow) -> tuple[float, ...]:
        return tuple(-value(r, k) for k in deciding)

    def order_key(r: RankRow) -> tuple[Any, ...]:
        tail = tuple(r.code if k == "code" else r.unit for k in pack.rank.tie_break
                     if k in ("code", "name"))
        return (*tie_key(r), *tail, r.key)

    groups: dict[str, list[RankRow]] = defaultdict(list)
    for r in rows:
        groups[r.group].append(r)
    out: dict[str, list[RankRow]] = {}
    for g in sorted(groups):
        ordered = sorted(groups[g], key=order_key)
        for r, n in zip(ordered, competition_ranks([tie_key(r) for r in ordered]), strict=True):
            r.rank = n
        out[g] = ordered
    return out


def rank(ledger: Ledger, period: str, pack: RulePack, *, with_change: bool = True) -> Ranking:
    """Rank the units for a month, quarter or year from the ledger."""
    return _rank(ledger, Period.parse(period), pack, with_change, _Reads(ledger.units()))


@dataclass
class _Reads:
    """What a ranking and the one before it (for the change column) both read: once."""

    units: list[Unit]
    submissions: dict[int, list[SubmissionRecord]] = field(default_factory=dict)  # by year

    def year(self, ledger: Ledger, year: int) -> list[SubmissionRecord]:
        if year not in self.submissions:
            self.submissions[year] = ledger.submissions(current=False, year=year)
        return self.submissions[year]


def _rank(ledger: Ledger, p: Period, pack: RulePack, with_change: bool, reads: _Reads) -> Ranking:
    _check(pack)
    facts = collect(ledger, p, pack, reads.year(ledger, p.year) if p.kind != "month" else None)
    weights = _weights(pack, facts.applicable, p.kind)
    units = reads.units
    rows, missing = _rows(facts, units, weights, pack, p.kind)
    groups = _sort_and_rank(rows, pack)
    dropped = [d for d in DIMENSIONS if d not in weights and pack.rank.weights.get(d)]
    result = Ranking(str(p), p.kind, groups, missing, weights, pack.rank.top, pack.rank.bottom,
                     dict(facts.details), dropped if p.kind != "month" else [])
    result.honours = decide(p.kind, {g: [_entry(r) for r in rows] for g, rows in groups.items()}, pack)
    if with_change:
        before = _rank(ledger, p.previous(), pack, False, reads)
        prev = {(r.group, r.key): r.rank for r in before.rows()}
        for r in result.rows():
            was = prev.get((r.group, r.key))
            r.change = None if was is None else was - r.rank
    return result


def _entry(r: RankRow) -> Entry:
    return Entry(r.key, r.unit, r.group, r.rank, r.score, r.figures.get("gap"))


def _check(pack: RulePack) -> None:
    """Reject rank settings this module cannot honour (Chinese ConfigError)."""
    from ..errors import ConfigError

    if pack.rank.quarter_execution not in ("mean", "last"):
        raise ConfigError("[rank] quarter_execution 只能是 mean（各月平均）或 last（取最后一个月）。")
    if pack.rank.group_by not in ("", "category"):
        raise ConfigError("[rank] group_by 只能是空字符串（不分组）或 category（按单位类别分组）。")
    unknown = set(pack.rank.weights) - set(DIMENSIONS)
    if unknown:
        raise ConfigError(f"[rank.weights] 中有未知的维度：{'、'.join(sorted(unknown))}；可用：{'、'.join(DIMENSIONS)}。")
