"""Undoing mistakes: what `pbm ledger remove` deletes, shown before it is deleted.

``plan_removal`` selects, ``apply_removal`` deletes (one transaction, logged in ``runs``).

Selection: the forms recorded under exactly ``period`` (the period given to ``pbm ingest``),
narrowed by unit, file and form kind; or, with ``execution=True``, the execution exports
recorded for that month (all of them, or the one whose content equals ``file``).

Superseded versions: removal deletes exactly the selected versions and re-links the
chains they were part of, so it is the inverse of ingesting those files.  Removing the
current version of a chain makes the version it had replaced current again; removing an
old version leaves the current one as it is.  Selecting by period, unit or form selects
every version of a chain (a chain never spans periods, units or form kinds), so the whole
chain goes; only ``file`` can pick one version out of a chain — the undo of one mistaken
re-submission, which must bring back what was current before it.  The same holds for
execution exports of a month.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..period import Period
from .records import ExecutionSource, Removed, SubmissionRecord
from .store import Ledger, relink
from .units import UnitMatcher, normalize

COMMAND = "ledger remove"


@dataclass
class RemovalPlan:
    """What ``apply_removal`` will delete, and which superseded versions become current."""

    period: str
    filters: dict[str, str]
    submissions: list[SubmissionRecord] = field(default_factory=list)
    restored: list[SubmissionRecord] = field(default_factory=list)
    execution: list[ExecutionSource] = field(default_factory=list)
    execution_restored: list[ExecutionSource] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.submissions and not self.execution

    def detail(self) -> dict[str, Any]:
        """The audit line written into ``runs``: what was asked and what goes."""
        return {
            "period": self.period,
            "filters": self.filters,
            "submissions": [{"id": r.id, "form": r.form, "unit": r.unit_name, "unit_code": r.unit_code,
                             "project": r.project, "path": r.path, "sha256": r.sha256,
                             "current": r.superseded_by is None} for r in self.submissions],
            "restored": [r.id for r in self.restored],
            "execution": [{"source": s.source, "rows": s.rows, "current": s.superseded_by is None}
                          for s in self.execution],
            "execution_restored": [s.source for s in self.execution_restored],
        }


def plan_removal(ledger: Ledger, period: str, *, unit: str | None = None, file: str | None = None,
                 form: str | None = None, execution: bool = False) -> RemovalPlan:
    """Select what to remove; a selection that matches nothing is a UsageError (Chinese)."""
    p = Period.parse(period)
    filters = {k: v for k, v in (("unit", unit), ("file", file), ("form", form)) if v}
    plan = RemovalPlan(str(p), filters)
    if execution:
        _plan_execution(ledger, plan, p, file, unit, form)
    else:
        _plan_submissions(ledger, plan, unit, file, form)
    return plan


def apply_removal(ledger: Ledger, plan: RemovalPlan) -> Removed:
    """Delete what the plan lists, in one transaction that also writes the audit line."""
    return ledger.remove([r.id for r in plan.submissions], plan.period,
                         [s.source for s in plan.execution], COMMAND, plan.detail())


# --------------------------------------------------------------------------- submissions


def _plan_submissions(ledger: Ledger, plan: RemovalPlan, unit: str | None, file: str | None,
                      form: str | None) -> None:
    every = ledger.submissions(current=False)
    in_period = [r for r in every if r.period == plan.period]
    tests: list[Callable[[SubmissionRecord], bool]] = []
    if unit:
        tests.append(_unit_test(ledger, unit))
    if file:
        match = _file_test(file)
        tests.append(lambda r: match(r.path, r.sha256))
    if form:
        tests.append(lambda r: r.form == form)
    plan.submissions = [r for r in in_period if all(t(r) for t in tests)]
    if not plan.submissions:
        raise UsageError(_nothing_message(ledger, plan, every, len(in_period)))
    links = {r.id: r.superseded_by for r in every}
    back = relink(links, {r.id for r in plan.submissions})
    plan.restored = [r for r in every if r.id in back and back[r.id] is None]


def _unit_test(ledger: Ledger, text: str) -> Callable[[SubmissionRecord], bool]:
    """A unit of the directory (by code, name or alias), else the code or name as recorded."""
    units = ledger.units()
    unit = UnitMatcher(units).match(text, text) if units else None
    if unit is not None:
        code, names = unit.code, {normalize(unit.name), *(normalize(a) for a in unit.aliases)}
        return lambda r: r.unit_code == code or (not r.unit_code and normalize(r.unit_name) in names)
    key = normalize(text)
    return lambda r: normalize(r.unit_code) == key or normalize(r.unit_name) == key


def _parts(path: str) -> list[str]:
    return [x for x in path.replace("\\", "/").split("/") if x and x != "."]


def _file_test(text: str) -> Callable[[str, str], bool]:
    """(recorded path, sha256) → matches ``text``: a bare name is the file's name (or the name
    of the zip it came from); a path is the file itself, or a folder or zip it was read from.
    A file that exists also matches by content (sha256), wherever it was read from."""
    digest = _sha256(text)
    if len(_parts(text)) <= 1:
        name = normalize(text.strip("/\\"))

        def by_name(path: str, sha: str) -> bool:
            parts = _parts(path)
            names = parts[-1:] + [x for x in parts[:-1] if x.lower().endswith(".zip")]
            return sha == digest or name in {normalize(x) for x in names}

        return by_name
    given = "/".join(_parts(text))
    real = os.path.realpath(text)

    def by_path(path: str, sha: str) -> bool:
        shown, full = "/".join(_parts(path)), os.path.realpath(path)
        return (sha == digest or shown == given or shown.startswith(given + "/")
                or full == real or full.startswith(real + os.sep))

    return by_path


def _sha256(path: str) -> str | None:
    p = Path(path)
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
    except OSError:
        return None


def _nothing_message(ledger: Ledger, plan: RemovalPlan, every: list[SubmissionRecord], in_period: int) -> str:
    if in_period:
        head = (f"台账中按 {plan.period} 期间记录的 {in_period} 份报表都不符合{_filters_text(plan.filters)}，"
                "未删除任何记录。请核对条件（pbm ledger 可查看台账）。")
    else:
        periods = sorted({r.period for r in every})
        head = (f"台账中没有按 {plan.period} 期间记录的报表，未删除任何记录。"
                f"台账中报表的期间：{'、'.join(periods) or '（无）'}。")
    if plan.period in ledger.execution_periods():
        head += f"{plan.period} 有执行数据，如要删除执行数据请加 --execution。"
    return head


def _filters_text(filters: dict[str, str]) -> str:
    labels = {"unit": "单位", "file": "文件", "form": "类型"}
    return "条件（" + "，".join(f"{labels[k]}「{v}」" for k, v in filters.items()) + "）"


# --------------------------------------------------------------------------- execution


def _plan_execution(ledger: Ledger, plan: RemovalPlan, period: Period, file: str | None,
                    unit: str | None, form: str | None) -> None:
    if period.kind != "month":
        raise UsageError(f"执行数据按月记录：--execution 须配月份，如 --period {period.year}-10，现为 {plan.period}。")
    if unit or form:
        raise UsageError("--execution 删除的是整份执行数据导出表，不能与 --unit、--form 同用；"
                         "要删除报表记录，请去掉 --execution。")
    sources = ledger.execution_sources(plan.period)
    if file:
        digest = _sha256(file)
        if digest is None:
            raise UsageError(f"找不到文件「{file}」。删除执行数据时 --file 须指向当初用 pbm monitor --record"
                             " 记入的导出文件（按文件内容比对）；不写 --file 则删除该月的全部执行数据。")
        plan.execution = [s for s in sources if s.source == digest]
    else:
        plan.execution = sources
    if not plan.execution:
        raise UsageError(_no_execution_message(ledger, plan, bool(sources)))
    back = relink({s.source: s.superseded_by for s in sources}, {s.source for s in plan.execution})
    plan.execution_restored = [s for s in sources if s.source in back and back[s.source] is None]


def _no_execution_message(ledger: Ledger, plan: RemovalPlan, any_in_month: bool) -> str:
    if any_in_month:
        return (f"台账中 {plan.period} 的执行数据不是由文件「{plan.filters['file']}」记入的（文件内容不同），"
                "未删除任何记录。不写 --file 则删除该月的全部执行数据。")
    months = ledger.execution_periods()
    return (f"台账中没有 {plan.period} 的执行数据，未删除任何记录。"
            f"有执行数据的月份：{'、'.join(months) or '（无）'}。")
