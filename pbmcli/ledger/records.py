"""What the ledger hands out and takes in: typed records (never ``sqlite3.Row``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import FormKind, Submission


@dataclass(frozen=True)
class RecordResult:
    """What ``record_submission`` did: status new | duplicate | superseded; for a duplicate,
    ``period`` and ``path`` are those the file is already recorded under."""

    id: int
    status: str
    superseded: int | None = None
    period: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class FormHead:
    """What the ledger keeps of a read form besides its findings and score (``record_submission``
    takes this or the whole Submission): small enough to come back from a worker process."""

    path: str
    sha256: str
    kind: FormKind
    unit: str
    project: str

    @classmethod
    def of(cls, sub: Submission) -> FormHead:
        return cls(sub.path, sub.sha256, sub.kind, sub.unit, sub.project)


@dataclass(frozen=True, slots=True)
class ScoreColumns:
    """What the ledger keeps of a self-evaluation's score: the columns of ``scores``."""

    total: float | None = None
    self_total: float | None = None
    grade: str | None = None
    self_grade: str | None = None
    execution_rate: float | None = None
    budget: float | None = None
    spent: float | None = None
    difference: float | None = None

    @classmethod
    def of(cls, score: Any) -> ScoreColumns:
        """A ScoreResult's columns (tolerant of a partial object; columns are columns)."""
        if isinstance(score, ScoreColumns):
            return score
        ex = getattr(score, "execution", None)
        return cls(getattr(score, "total", None), getattr(score, "self_total", None),
                   getattr(score, "grade", None), getattr(score, "self_grade", None),
                   getattr(ex, "rate", None), getattr(ex, "budget", None), getattr(ex, "spent", None),
                   getattr(score, "difference", None))


@dataclass(frozen=True)
class ExecutionRow:
    """One unit + project line of a monthly execution export (amounts as in the export)."""

    unit_code: str | None
    unit_name: str
    project: str
    budget: float
    spent: float
    rate: float | None = None
    time_progress: float | None = None
    gap: float | None = None
    level: str = ""


@dataclass(frozen=True)
class SubmissionRecord:
    """A recorded form with its recomputed score and the counts of its error / warning findings."""

    id: int
    path: str
    sha256: str
    form: str
    unit_code: str | None
    unit_name: str
    project: str
    period: str
    recorded_at: str
    superseded_by: int | None
    status: str
    total: float | None
    self_total: float | None
    grade: str | None
    self_grade: str | None
    execution_rate: float | None
    budget: float | None
    spent: float | None
    errors: int
    warnings: int


@dataclass(frozen=True)
class FindingRecord:
    """A finding recorded with its submission."""

    submission_id: int
    code: str
    severity: str
    sheet: str | None
    cell: str | None
    message: str


@dataclass(frozen=True)
class ExecutionRecord:
    """A recorded line of a monthly execution export (amounts in 万元)."""

    id: int
    period: str
    unit_code: str | None
    unit_name: str
    project: str
    budget: float | None
    spent: float | None
    rate: float | None
    time_progress: float | None
    gap: float | None
    level: str | None
    source: str
    superseded_by: str | None
    recorded_at: str


@dataclass(frozen=True)
class ExecutionSource:
    """One recorded export of a month (``source`` is the sha256 of the export file)."""

    period: str
    source: str
    rows: int
    units: int
    recorded_at: str
    superseded_by: str | None


@dataclass(frozen=True)
class Removed:
    """What ``Ledger.remove`` deleted, and the id of the run that records it."""

    submissions: int
    findings: int
    scores: int
    execution_rows: int
    run_id: int


@dataclass(frozen=True)
class Rectification:
    """One 整改 item."""

    id: int
    unit_code: str | None
    unit_name: str
    problem: str
    source: str
    requirement: str
    deadline: str | None
    status: str
    evidence: str
    done_at: str | None
    created_at: str

    def overdue(self, today: dt.date) -> bool:
        """Deadline passed and not done."""
        deadline = self.deadline or ""
        return self.status != "done" and deadline != "" and deadline < today.isoformat()

    def done_on_time(self) -> bool:
        """Done, and by the deadline.  An item recorded as done without a completion date
        (e.g. imported with status 已整改 and no 完成日期) counts as done on time: there is no
        evidence that it was late.  A date after the deadline makes it late."""
        if self.status != "done":
            return False
        if not self.done_at or not self.deadline:
            return True
        return str(self.done_at)[:10] <= str(self.deadline)[:10]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape; ``unit`` repeats unit_name for consumers that read row["unit"]."""
        return {**{k: getattr(self, k) for k in self.__dataclass_fields__}, "unit": self.unit_name}
