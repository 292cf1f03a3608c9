"""Batch scoring: the library form of ``pbm score``.

``score_paths(paths, pack, goals=None, jobs=1) -> ScoreReport`` reads and scores
every self-evaluation (``batch.run_batch``), cross-checks them against the
approved goals when given (pbmcli.scoring.crosscheck); ``ScoreReport.to_dict()`` is the
public JSON contract (README).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Finding, FormKind, IndicatorValue, Severity, Submission, ValueKind
from . import ExecutionScore, IndicatorScore, ScoreResult, score_submission
from .crosscheck import GoalIndex, crosscheck, unused_goals

if TYPE_CHECKING:
    from ..config import RulePack
    from ..readers.inputs import InputItem


_GRADES = ("优", "良", "中", "差")


def _r4(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _value_json(value: IndicatorValue | None) -> float | str | None:
    """A parsed value for JSON: the number when quantitative, else the term or text."""
    if value is None or value.kind is ValueKind.EMPTY:
        return None
    if value.kind is ValueKind.QUANTITATIVE:
        return value.number
    return value.term or value.text


def indicator_dict(score: IndicatorScore) -> dict[str, Any]:
    """One indicator of the public JSON contract."""
    ind = score.indicator
    ref = ind.get("score").ref or ind.get("name").ref
    target, actual = ind.target, ind.actual
    return {
        "level1": ind.level1, "level2": ind.level2, "name": ind.name,
        "operator": target.operator.value if target.operator else None,
        "target": _value_json(target), "actual": _value_json(actual),
        "unit": target.unit or (actual.unit if actual else None),
        "weight": ind.weight, "self_score": ind.score, "score": score.score,
        "method": score.method, "formula": score.formula, "note": score.note,
        "sheet": ref.sheet if ref else None, "cell": ref.cell if ref else None,
    }


def execution_dict(ex: ExecutionScore) -> dict[str, Any]:
    return {"budget": ex.budget, "spent": ex.spent, "rate": _r4(ex.rate), "points": ex.points,
            "score": ex.score, "self_score": ex.self_score, "formula": ex.formula, "note": ex.note}


SCHEMA = "pbm.score/1"  # the JSON contract of pbm score (fields are only ever added)

@dataclass(frozen=True)
class FileScore:
    """One input of a score run: a scored self-evaluation, an unreadable file, or a skip."""

    path: str
    sha256: str = ""
    form: str = "unknown"
    result: ScoreResult | None = None
    findings: tuple[Finding, ...] = ()
    skipped_reason: str | None = None
    unreadable: bool = False
    goal: str | None = None  # path of the matched approved goal (with --goals)
    internal_error: str | None = None  # pbm itself failed on this file (a bug): exit 3

    @property
    def has_errors(self) -> bool:
        """An unreadable file always fails the run (as in pbm validate), whatever its F code's severity."""
        return self.unreadable or any(f.severity is Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        res = self.result
        sub = res.submission if res else None
        return {
            "path": self.path, "sha256": self.sha256, "form": self.form,
            **({"internal_error": self.internal_error} if self.internal_error else {}),
            "unit": (sub.unit or None) if sub else None,
            "project": (sub.project or None) if sub else None,
            "year": sub.year if sub else None,
            "self_total": res.self_total if res else None,
            "self_total_source": res.self_total_source if res else None,
            "total": res.total if res else None,
            "difference": res.difference if res else None,
            "grade": res.grade if res else None,
            "self_grade": res.self_grade if res else None,
            "goal": self.goal,
            "execution": execution_dict(res.execution) if res else None,
            "indicators": [indicator_dict(s) for s in res.indicators] if res else [],
            "notes": list(res.notes) if res else [],
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class GoalsInfo:
    """What --goals contributed: goal files read, matches missing, goals unused."""

    files: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()  # self-evaluations without an approved goal
    unused: tuple[str, ...] = ()  # approved goals no self-evaluation matched
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason): not a goal form / unreadable

    def to_dict(self) -> dict[str, Any]:
        return {"files": list(self.files), "unmatched": list(self.unmatched),
                "unused": list(self.unused),
                "skipped": [{"path": p, "reason": r} for p, r in self.skipped]}


@dataclass(frozen=True)
class ScoreReport:
    """All inputs of one score run, in input order."""

    results: tuple[FileScore, ...]
    skipped: tuple[FileScore, ...] = ()
    goals: GoalsInfo | None = None

    @property
    def scored(self) -> list[FileScore]:
        return [r for r in self.results if r.result is not None]

    @property
    def has_errors(self) -> bool:
        return any(r.has_errors for r in self.results)

    @property
    def internal_errors(self) -> list[tuple[str, str]]:
        """(path, error) of the files pbm itself failed on (bugs: the command exits 3)."""
        return [(r.path, r.internal_error) for r in self.results if r.internal_error]

    def summary(self) -> dict[str, Any]:
        tally = ScoreTally()
        for res in self.results:
            tally.add(res)
        return tally.summary(len(self.skipped))

    def to_dict(self) -> dict[str, Any]:
        """The public JSON contract of ``pbm score --format json`` (README)."""
        return {**json_head(), "results": [r.to_dict() for r in self.results],
                **json_tail(self.skipped, self.goals, self.summary())}


def json_head() -> dict[str, Any]:
    """The keys of score's JSON before its ``results``."""
    from .. import __version__

    return {"schema": SCHEMA, "tool": "pbm", "version": __version__}


def json_tail(skipped: Sequence[FileScore], goals: GoalsInfo | None, summary: dict[str, Any]) -> dict[str, Any]:
    """The keys of score's JSON after its ``results``."""
    return {"skipped": [{"path": s.path, "reason": s.skipped_reason} for s in skipped],
            "goals": goals.to_dict() if goals else None, "summary": summary}


@dataclass
class ScoreTally:
    """A score run's counts, kept as results arrive (a streamed report keeps no list)."""

    files: int = 0
    scored: int = 0
    by_grade: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(_GRADES, 0))
    inflated: int = 0
    insufficient: int = 0
    unreadable: int = 0
    has_errors: bool = False
    internal_errors: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def add(self, fs: FileScore) -> FileScore:
        self.files += 1
        self.unreadable += fs.unreadable
        self.has_errors = self.has_errors or fs.has_errors
        if fs.internal_error:
            self.internal_errors.append((fs.path, fs.internal_error))
        if fs.result is not None:
            self.scored += 1
            if fs.result.grade in self.by_grade:
                self.by_grade[fs.result.grade] += 1
            self.inflated += bool(fs.result.inflated)
            self.insufficient += fs.result.total is None
        return fs

    def summary(self, skipped: int) -> dict[str, Any]:
        return {"files": self.files, "scored": self.scored, "by_grade": dict(self.by_grade),
                "inflated": self.inflated, "insufficient": self.insufficient,
                "unreadable": self.unreadable, "skipped": skipped}


def _unreadable(item: InputItem, code: str, reason: str, pack: RulePack) -> FileScore:
    from ..report import batch_finding

    finding = batch_finding(code, pack, item.display, reason=reason)
    return FileScore(item.display, findings=(finding,) if finding else (), unreadable=True)


def score_item(item: InputItem, pack: RulePack) -> FileScore:
    """Read and score one file (runs in worker processes); other forms are skipped."""
    from ..errors import InputError, NotAForm
    from ..readers import read_submission

    try:
        sub = read_submission(item, pack.lexicon(), prefer=FormKind.SELFEVAL)
    except NotAForm as exc:
        return FileScore(item.display, skipped_reason=exc.reason)
    except InputError as exc:
        return _unreadable(item, exc.code, exc.reason, pack)
    if sub.kind is not FormKind.SELFEVAL:
        return FileScore(item.display, sub.sha256, sub.kind.value,
                         skipped_reason=f"{sub.kind.label}，不是绩效自评表，不计分")
    result = score_submission(sub, pack)
    return FileScore(item.display, sub.sha256, sub.kind.value, result, result.findings)


def crashed_score(item: InputItem, message: str, pack: RulePack | None = None) -> FileScore:
    """A file whose reading or scoring failed: a worker killed by the file is F001, a file over
    its time budget F009 (as in pbm validate); a Python exception is a bug of pbm (exit 3 after
    the batch), never a finding."""
    from ..batch import file_fault

    code = file_fault(message)
    if code is not None:
        from ..config import default_pack

        return _unreadable(item, code, message, pack or default_pack())
    return FileScore(item.display, internal_error=message)


def read_goal_item(item: InputItem, pack: RulePack) -> Submission | str:
    """An approved goal form, or the Chinese reason it is not used."""
    from ..errors import InputError
    from ..readers import framed, read_submission

    try:
        sub = read_submission(item, pack.lexicon(), prefer=FormKind.GOAL)
    except InputError as exc:
        return framed(exc).reason
    if sub.kind is not FormKind.GOAL:
        return f"{sub.kind.label}，不是绩效目标申报表"
    return sub


def _goal_crashed(item: InputItem, message: str) -> str:
    from ..batch import file_fault

    return message if file_fault(message) else f"读取时发生内部错误（{message}）"


def load_goals(paths: Sequence[str | Path], pack: RulePack,
               jobs: int = 1) -> tuple[GoalIndex, list[tuple[str, str]]]:
    """Read the approved goal forms under ``paths``: (index, [(path, reason skipped)])."""
    from ..batch import run_batch
    from ..readers.inputs import expand

    items, skipped = expand(paths)
    out = [(s.display, s.reason) for s in skipped]
    goals: list[Submission] = []
    for item, got in zip(items, run_batch(items, read_goal_item, pack, jobs=jobs,
                                          on_error=_goal_crashed), strict=True):
        if isinstance(got, str):
            out.append((item.display, got))
        else:
            goals.append(got)
    return GoalIndex.of(goals), out


def _with_goals(files: list[FileScore], goal_paths: Sequence[str | Path], pack: RulePack,
                jobs: int) -> tuple[list[FileScore], GoalsInfo]:
    index, goal_skips = load_goals(goal_paths, pack, jobs)
    out, matches = [], []
    for fs in files:
        if fs.result is None:
            out.append(fs)
            continue
        match = crosscheck(fs.result.submission, index, pack)
        matches.append(match)
        found = tuple(sorted((*fs.findings, *match.findings), key=Finding.sort_key))
        out.append(dataclasses.replace(fs, findings=found,
                                       goal=match.goal.path if match.goal else None))
    info = GoalsInfo(
        files=tuple(g.path for g in index.goals),
        unmatched=tuple(m.selfeval.path for m in matches if m.goal is None),
        unused=tuple(g.path for g in unused_goals(index, matches)),
        skipped=tuple(goal_skips),
    )
    return out, info


def score_run(paths: Sequence[str | Path], pack: RulePack, jobs: int = 1,
              progress: bool = False) -> tuple[Iterator[FileScore], list[FileScore]]:
    """Every input's FileScore as it is scored (forms that are not self-evaluations come with
    their ``skipped_reason``), and the inputs skipped before reading (not spreadsheets)."""
    from ..batch import run_batch
    from ..readers.inputs import expand

    items, skipped = expand(paths)
    files = run_batch(items, score_item, pack, jobs=jobs, progress=progress,
                      on_error=functools.partial(crashed_score, pack=pack))
    return files, [FileScore(s.display, skipped_reason=s.reason) for s in skipped]


def score_paths(paths: Sequence[str | Path], pack: RulePack,
                goals: Sequence[str | Path] | None = None, jobs: int = 1,
                progress: bool = False) -> ScoreReport:
    """Score every self-evaluation under ``paths`` (files, folders, zips); cross-check with goals."""
    run, skips = score_run(paths, pack, jobs, progress)
    files = list(run)
    info = None
    if goals:
        files, info = _with_goals(files, goals, pack, jobs)
    results = [f for f in files if f.skipped_reason is None]
    skips += [f for f in files if f.skipped_reason is not None]
    return ScoreReport(tuple(results), tuple(skips), info)
