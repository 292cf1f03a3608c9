"""The ranking's dimensions, read from the ledger: execution per month, goal quality,
self-evaluation, timeliness and rectification per unit (see ``cycle.ranking`` for the
formulas and the missing-data policy)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import RulePack
from ..errors import UsageError
from ..ledger.records import SubmissionRecord
from ..ledger.store import Ledger
from ..period import Period, time_progress
from .monitor import rounded

if TYPE_CHECKING:
    import pandas as pd


def unit_key(code: str | None, name: str) -> str:
    return code if code else f"名称:{name}"


@dataclass
class Facts:
    """Dimension scores per unit key, plus the explanation of each."""

    scores: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    details: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (name, code)
    applicable: list[str] = field(default_factory=list)
    neutral: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


def _execution(ledger: Ledger, p: Period, pack: RulePack, facts: Facts) -> None:
    cfg = pack.rank
    months = [str(m) for m in p.months]
    data = ledger.execution_totals(months)
    with_data = [m for m in months if data[m]]
    if not with_data:
        return
    facts.applicable.append("execution")
    scores = month_scores(data, with_data, {m: time_progress(m, pack.monitor.time_progress) for m in with_data},
                          cfg.month_score_cap)
    quarters = [[m for m in with_data if Period.parse(m).overlaps(q)] for q in p.quarters]
    groups = [ms for ms in quarters if ms] if p.kind == "year" else [with_data]
    execution = _aggregate(groups, scores, cfg.quarter_execution)
    month_tp = time_progress(p, pack.monitor.time_progress) if p.kind == "month" else 0.0
    for k, per_month in scores.to_dict("index").items():
        facts.scores[k]["execution"] = execution[k]
        facts.details[k]["execution"] = per_month
        if p.kind == "month":
            facts.details[k]["month"] = _month_figures(*data[months[0]].get(k, (0.0, 0.0)), month_tp)


def month_scores(data: dict[str, dict[str, tuple[float, float]]], months: list[str], tp: dict[str, float],
                 cap: float) -> pd.DataFrame:
    """The execution score of each unit (rows) in each month (columns):
    min(spent / budget × 100 / time progress × 100, cap); 0 without a budget, and in a month
    the unit has no row in."""
    import pandas as pd

    rows = [(m, k, budget, spent) for m in months for k, (budget, spent) in data[m].items()]
    frame = pd.DataFrame(rows, columns=["month", "key", "budget", "spent"])
    budget, spent = (frame.pivot(index="key", columns="month", values=v).reindex(columns=months).fillna(0.0)
                     for v in ("budget", "spent"))
    progress = pd.Series(tp).reindex(months)
    score = (spent / budget * 100).div(progress, axis="columns") * 100
    counted = (budget > 0) & (progress > 0)  # no budget (or no time passed): 0
    return score.clip(upper=cap).where(counted, 0.0)


def _month_figures(budget: float, spent: float, tp: float) -> dict[str, float | None]:
    """Rate and gap of one unit in one month (shown beside a monthly ranking)."""
    rate = spent / budget * 100 if budget else None
    return {"rate": rounded(rate), "time_progress": rounded(tp),
            "gap": rounded(rate - tp) if rate is not None else None, "budget": budget, "spent": spent}


def _aggregate(groups: list[list[str]], scores: pd.DataFrame, mode: str) -> dict[str, float]:
    """Per unit, the mean (or last) of the months of each quarter, then the mean (or last) of
    the quarters.  ``groups`` holds the months with data of each quarter (one group for a month
    or a quarter); a mean adds its columns one by one, in order."""
    def combine(columns: list[pd.Series]) -> pd.Series:
        return columns[-1] if mode == "last" else sum(columns[1:], columns[0]) / len(columns)

    result: dict[str, float] = combine([combine([scores[m] for m in ms]) for ms in groups]).to_dict()
    return result


def _periods(rows: list[SubmissionRecord]) -> dict[str, Period | None]:
    """Each period text of ``rows`` parsed once (None: unparseable)."""
    out: dict[str, Period | None] = {}
    for text in {r.period for r in rows}:
        try:
            out[text] = Period.parse(text)
        except UsageError:
            out[text] = None
    return out


def overlapping(rows: list[SubmissionRecord], p: Period) -> list[SubmissionRecord]:
    """The rows whose period overlaps ``p`` (unparseable periods are left out)."""
    hits = {text: q is not None and q.overlaps(p) for text, q in _periods(rows).items()}
    return [r for r in rows if hits[r.period]]


def _by_unit(rows: list[SubmissionRecord], facts: Facts) -> dict[str, list[SubmissionRecord]]:
    out: dict[str, list[SubmissionRecord]] = defaultdict(list)
    for r in rows:
        k = unit_key(r.unit_code, r.unit_name)
        facts.names.setdefault(k, (r.unit_name, r.unit_code or ""))
        out[k].append(r)
    return out


def cutoff(ledger: Ledger, p: Period, pack: RulePack) -> dt.date:
    """The day a ranking of ``p`` is taken at: the period end + rank.grace_days, or today
    when that is earlier.  Data recorded later does not change a closed period's ranking."""
    return min(p.end + dt.timedelta(days=pack.rank.grace_days), ledger.today())


def _contained(rows: list[SubmissionRecord], p: Period) -> list[SubmissionRecord]:
    """The rows whose period lies within ``p`` (a year-end self-evaluation is not a Q3 one)."""
    start, end = p.start, p.end
    inside = {text: q is not None and start <= q.start and q.end <= end for text, q in _periods(rows).items()}
    return [r for r in rows if inside[r.period]]


def as_of(ledger: Ledger, p: Period, day: dt.date,
          recorded: list[SubmissionRecord] | None = None) -> list[SubmissionRecord]:
    """The submissions overlapping ``p`` as they stood on ``day``: of each chain of versions
    the latest one recorded by then.  A chain whose first version came later still counts
    with that first version (a clerk who starts with pbm mid-year ingests old forms late);
    its replacements after ``day`` do not.  ``recorded``: the ledger's submissions of the
    year, every version, when the caller has read them already."""
    history = overlapping(_year(ledger, p, recorded), p)
    by_id = {r.id: r for r in history}

    def head(r: SubmissionRecord) -> int:
        if r.superseded_by is None:   # the usual case: a current version
            return r.id
        seen = set()
        while r.superseded_by is not None and r.superseded_by in by_id and r.id not in seen:
            seen.add(r.id)
            r = by_id[r.superseded_by]
        return r.id

    chains: dict[int, list[SubmissionRecord]] = defaultdict(list)
    for r in history:
        chains[head(r)].append(r)
    limit = day.isoformat()
    out = []
    for versions in chains.values():
        versions.sort(key=lambda r: (r.recorded_at, r.id))
        by_then = [r for r in versions if r.recorded_at[:10] <= limit]
        out.append(by_then[-1] if by_then else versions[0])
    return sorted(out, key=lambda r: r.id)


def _year(ledger: Ledger, p: Period, recorded: list[SubmissionRecord] | None) -> list[SubmissionRecord]:
    """Every version of the submissions of ``p``'s year (``recorded`` when already read)."""
    return ledger.submissions(current=False, year=p.year) if recorded is None else recorded


def _submission_dims(ledger: Ledger, p: Period, pack: RulePack, facts: Facts,
                     recorded: list[SubmissionRecord] | None) -> None:
    cfg = pack.rank
    recorded = _year(ledger, p, recorded)
    current = as_of(ledger, p, cutoff(ledger, p, pack), recorded)
    selfs = {r.id for r in _contained([r for r in current if r.form == "selfeval"], p)}
    subs = [r for r in current if r.form != "selfeval" or r.id in selfs]
    goals = _by_unit([r for r in subs if r.form == "goal"], facts)
    if goals:
        facts.applicable.append("goal_quality")
    for k, rows in goals.items():
        each = [max(0.0, 100 - cfg.goal_error_deduction * r.errors
                    - cfg.goal_warning_deduction * r.warnings) for r in rows]
        facts.scores[k]["goal_quality"] = sum(each) / len(each)
        facts.details[k]["goal_quality"] = [
            {"id": r.id, "project": r.project, "path": r.path, "errors": r.errors,
             "warnings": r.warnings, "score": rounded(s)} for r, s in zip(rows, each, strict=True)]
    _selfeval(_by_unit([r for r in subs if r.form == "selfeval"], facts), facts)
    _timeliness(recorded, subs, p, pack, facts)


def _selfeval(selfs: dict[str, list[SubmissionRecord]], facts: Facts) -> None:
    """Mean recomputed total; self-evaluations without one are 数据不足 (listed, not scored)."""
    if any(r.total is not None for rows in selfs.values() for r in rows):
        facts.applicable.append("selfeval")
    for k, rows in selfs.items():
        scored = [r.total for r in rows if r.total is not None]
        if scored:
            facts.scores[k]["selfeval"] = sum(scored) / len(scored)
        else:
            facts.neutral[k]["selfeval"] = "自评数据不足、待补正"
        facts.details[k]["selfeval"] = [{"id": r.id, "project": r.project,
                                         "total": r.total, "grade": r.grade} for r in rows]


def _timeliness(recorded: list[SubmissionRecord], subs: list[SubmissionRecord], p: Period, pack: RulePack,
                facts: Facts) -> None:
    forms = sorted({r.form for r in subs if r.form != "unknown"})
    if not forms:
        return
    facts.applicable.append("timeliness")
    first: dict[tuple[str, str], bool] = {}
    counted = {(r.form, r.period) for r in subs}
    history = [r for r in overlapping(recorded, p) if (r.form, r.period) in counted]
    dues = {t: (Period.parse(t).end + dt.timedelta(days=pack.rank.grace_days)).isoformat()
            for t in {r.period for r in history}}
    for r in history:
        on_time = r.recorded_at[:10] <= dues[r.period]
        k = (unit_key(r.unit_code, r.unit_name), r.form)
        first[k] = first.get(k, False) or on_time
    for unit in {unit_key(r.unit_code, r.unit_name) for r in subs}:
        hits = {f: first.get((unit, f), False) for f in forms}
        facts.scores[unit]["timeliness"] = sum(hits.values()) / len(forms) * 100
        facts.details[unit]["timeliness"] = hits


def _rectification(ledger: Ledger, p: Period, facts: Facts) -> None:
    """Items due in the period up to today; a unit with none due is neutral (see _rows)."""
    from .rectify import due_in

    due = due_in(ledger, p)
    if not due:
        return
    facts.applicable.append("rectification")
    per: dict[str, list[Any]] = defaultdict(list)
    for r in due:
        k = unit_key(r.unit_code, r.unit_name)
        facts.names.setdefault(k, (r.unit_name, r.unit_code or ""))
        per[k].append(r)
    for k, items in per.items():
        done = [r for r in items if r.done_on_time()]
        facts.scores[k]["rectification"] = len(done) / len(items) * 100
        facts.details[k]["rectification"] = [
            {"id": r.id, "problem": r.problem, "deadline": r.deadline, "status": r.status,
             "done_at": r.done_at, "on_time": r.done_on_time()} for r in items]


def collect(ledger: Ledger, p: Period, pack: RulePack,
            recorded: list[SubmissionRecord] | None = None) -> Facts:
    """The facts of ``p``; ``recorded``: every version of the submissions of its year, when
    the caller has read them already (a ranking and the one before it in the same year)."""
    facts = Facts()
    _execution(ledger, p, pack, facts)
    if p.kind != "month":
        _submission_dims(ledger, p, pack, facts, recorded)
        _rectification(ledger, p, facts)
    for k, name_code in ledger.execution_names([str(m) for m in p.months]).items():
        facts.names.setdefault(k, name_code)
    return facts
