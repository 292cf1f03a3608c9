"""Validation results and the public JSON contract of ``pbm validate``.

``validate_paths(paths, pack)`` is the library entry point: expand the inputs,
read and check every file (``batch.run_batch``), then add the batch-level
findings (F006 same file twice, F007 same unit + project twice).

Summary counts (``summary`` in the JSON), all counting FILES, not findings:

* ``files``: files read and checked (skipped items excluded);
* ``ok``: files read as a form with no error-level finding (warnings/info allowed);
  this is the per-file ``ok`` flag;
* ``errors``: files that did not pass: at least one error-level finding, or
  unreadable (``ok + errors == files``; exit code 1 when > 0);
* ``warnings``: files with at least one warning (a file may count here and in errors);
* ``unreadable``: files that could not be read as a form at all (corrupt, encrypted,
  empty, too large, not a form …); each carries the reader's F-family finding and
  always counts in ``errors``, whatever that finding's configured severity;
* ``skipped``: items not read at all (lock files ``~$…``, non-spreadsheets …),
  listed with their reason in the top-level ``skipped`` list.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import RulePack
from .model import Finding, Severity, Submission

if TYPE_CHECKING:
    from .ledger.units import Unit
    from .readers.inputs import InputItem

# a crash inside pbm on one file (a bug) is reported on that file, phrased here


def _passes(findings: Sequence[Finding], unreadable: bool) -> bool:
    """A file passes when it could be read and has no error-level finding."""
    return not unreadable and not any(f.severity is Severity.ERROR for f in findings)


SCHEMA = "pbm.validate/1"  # the JSON contract of pbm validate (fields are only ever added)

@dataclass(frozen=True, slots=True)
class FileResult:
    """What validate found in one file (or zip member)."""

    path: str
    sha256: str = ""
    form: str = "unknown"  # goal | selfeval | monitor | unknown
    unit: str | None = None
    unit_code: str | None = None  # 单位编码 as written on the form, when it has one
    project: str | None = None
    ok: bool = True  # no error-level finding
    findings: tuple[Finding, ...] = ()
    skipped_reason: str | None = None  # set only for items that were not read
    unreadable: bool = False  # the reader could not read it as a form
    item: InputItem | None = field(default=None, compare=False)  # source, for --annotate
    internal_error: str | None = None  # pbm itself failed on this file (a bug): exit 3

    @classmethod
    def build(cls, path: str, findings: Iterable[Finding], unreadable: bool = False,
              **kw: Any) -> FileResult:
        found = tuple(sorted(findings, key=Finding.sort_key))
        return cls(path=path, findings=found, ok=_passes(found, unreadable), unreadable=unreadable,
                   **kw)

    def with_findings(self, extra: Sequence[Finding], keep: bool = True) -> FileResult:
        """A copy with more findings (or only ``extra`` when not ``keep``), ``ok`` recomputed."""
        if not extra:
            return self
        found = tuple(sorted((*(self.findings if keep else ()), *extra), key=Finding.sort_key))
        return dataclasses.replace(self, findings=found, ok=_passes(found, self.unreadable))

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "form": self.form,
            "unit": self.unit,
            "unit_code": self.unit_code,
            "project": self.project,
            "ok": self.ok,
            "findings": [f.to_dict() for f in self.findings],
            **({"internal_error": self.internal_error} if self.internal_error else {}),
        }


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    ok: int
    errors: int
    warnings: int
    unreadable: int
    skipped: int

    @classmethod
    def of(cls, files: Iterable[FileResult], skipped: int) -> Summary:
        tally = Tally()
        for res in files:
            tally.add(res)
        return tally.summary(skipped)

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclass
class Tally:
    """The counts of a run's results, kept as they arrive (a streamed report keeps no list)."""

    files: int = 0
    ok: int = 0
    warnings: int = 0
    unreadable: int = 0
    internal_errors: list[tuple[str, str]] = field(default_factory=list)
    first: FileResult | None = None  # the first result (one file given alone: its verdict)

    def add(self, res: FileResult) -> FileResult:
        self.files += 1
        self.ok += res.ok
        self.warnings += res.count(Severity.WARNING) > 0
        self.unreadable += res.unreadable
        if res.internal_error:
            self.internal_errors.append((res.path, res.internal_error))
        if self.first is None:
            self.first = res
        return res

    def summary(self, skipped: int) -> Summary:
        return Summary(files=self.files, ok=self.ok, errors=self.files - self.ok, warnings=self.warnings,
                       unreadable=self.unreadable, skipped=skipped)


def json_head() -> dict[str, Any]:
    """The keys of validate's JSON before its ``files``."""
    return {"schema": SCHEMA, "tool": "pbm", "version": __version__}


def json_tail(skipped: Iterable[FileResult], summary: Summary) -> dict[str, Any]:
    """The keys of validate's JSON after its ``files``."""
    return {"skipped": [{"path": s.path, "reason": s.skipped_reason} for s in skipped],
            "summary": summary.to_dict()}


@dataclass(frozen=True)
class ValidationReport:
    """All files of one validate run, in input order, plus the skipped items."""

    files: tuple[FileResult, ...]
    skipped: tuple[FileResult, ...] = ()
    summary: Summary = field(default_factory=lambda: Summary(0, 0, 0, 0, 0, 0))
    base: str = ""  # the submissions folder: lists for units name files relative to it
    directory: tuple[Unit, ...] = ()  # the units directory, when known: 单位汇总 groups by it

    @classmethod
    def build(cls, files: Sequence[FileResult], skipped: Sequence[FileResult] = (),
              base: str = "") -> ValidationReport:
        return cls(tuple(files), tuple(skipped), Summary.of(files, len(skipped)), base)

    def name(self, path: str) -> str:
        """A file as the unit knows it (relative to the submissions folder), for lists sent out."""
        from .readers.inputs import relative_name

        return relative_name(path, Path(self.base)) if self.base else path

    def unit_of(self, res: FileResult) -> str:
        """The unit a file belongs to: its directory entry's name when it matches one."""
        if self.directory:
            from .ledger.units import UnitMatcher

            found = UnitMatcher(self.directory).match(res.unit_code, res.unit)
            if found is not None:
                return found.name
        return res.unit or NO_UNIT

    @property
    def has_errors(self) -> bool:
        return self.summary.errors > 0

    @property
    def internal_errors(self) -> list[tuple[str, str]]:
        """(path, error) of the files pbm itself failed on (bugs: the command exits 3)."""
        return [(r.path, r.internal_error) for r in self.files if r.internal_error]

    def to_dict(self) -> dict[str, Any]:
        """The public JSON contract (README)."""
        return {**json_head(), "files": [r.to_dict() for r in self.files],
                **json_tail(self.skipped, self.summary)}


# --- building findings ---------------------------------------------------------------------

def batch_finding(code: str, pack: RulePack, path: str, **values: str) -> Finding | None:
    """A file-level F-family finding, phrased by the rules registry.

    ``related`` names the other file of a duplicate pair.  Returns None when the
    code is switched off (--select/--ignore or the pack).
    """
    from .engine import finding_for

    if not pack.rules.enabled(code):
        return None
    return finding_for(code, path=path, pack=pack, **values)


# --- the work done for each file (runs in worker processes) --------------------------------

def _sha256_of(item: InputItem) -> str:
    import hashlib

    from .errors import InputError
    from .readers.inputs import read_bytes

    try:
        return hashlib.sha256(read_bytes(item)).hexdigest()
    except (InputError, OSError):
        return ""


def _unreadable(item: InputItem, code: str, reason: str, pack: RulePack) -> FileResult:
    finding = batch_finding(code, pack, item.display, reason=reason, actual=reason)
    return FileResult.build(item.display, [finding] if finding else [], sha256=_sha256_of(item),
                            unreadable=True, item=item)


def validate_item(item: InputItem, pack: RulePack) -> FileResult:
    """Read and check one file; an unreadable file becomes a result with its F finding."""
    from .engine import check
    from .errors import InputError, NotAForm
    from .readers import read_submission

    try:
        sub = read_submission(item, pack.lexicon())
    except NotAForm as exc:
        return FileResult(item.display, skipped_reason=exc.reason)
    except InputError as exc:
        return _unreadable(item, exc.code, exc.reason, pack)
    return FileResult.build(
        item.display, check(sub, pack), sha256=sub.sha256, form=sub.kind.value,
        unit=sub.unit or None, unit_code=_code(sub), project=sub.project or None, item=item,
    )


def _code(sub: Submission) -> str | None:
    value = sub.head("unit_code").value or sub.head("department_code").value
    return str(value) if value not in (None, "") else None


def crashed_item(item: InputItem, message: str, pack: RulePack | None = None) -> FileResult:
    """Result for a file whose reading or checking failed.  A worker process killed by the
    file (a native crash or memory exhausted on hostile input) is the file's problem: F001;
    so is a file that ran past its time budget: F009.  A Python exception is a bug of pbm,
    not a finding about the file: exit 3 after the batch."""
    from .batch import file_fault

    code = file_fault(message)
    if code is not None:
        from .config import default_pack

        finding = batch_finding(code, pack or default_pack(), item.display, reason=message, actual=message)
        return FileResult.build(item.display, [finding] if finding else [], unreadable=True, item=item)
    return FileResult(item.display, ok=False, item=item, internal_error=message)


def internal_errors_text(paths_and_errors: Sequence[tuple[str, str]]) -> str:
    """The one message a command prints before exit 3 when pbm failed on some files."""
    shown = "；".join(f"{p}（{e}）" for p, e in paths_and_errors[:3])
    more = f" 等 {len(paths_and_errors)} 个文件" if len(paths_and_errors) > 3 else ""
    return (f"内部错误：处理 {shown}{more} 时程序出错（这是 pbm 的缺陷，不是表格的问题）。"
            "其余文件已正常处理并输出；请把这些文件和本提示反馈给开发人员。")


# --- batch-level checks ----------------------------------------------------------------------

class BatchFindings:
    """F006 / F007 on the second and later copies, pointing at the first, added to each result
    as it arrives (they only look back, so a run can be written out as it goes).

    A byte-identical copy (F006) keeps only its F006 finding: its problems are the first
    copy's and are listed there once.
    """

    def __init__(self, pack: RulePack, base: Path | None = None) -> None:
        self.pack, self.base = pack, base
        self._by_hash: dict[str, FileResult] = {}
        self._by_project: dict[tuple[str, str, str], FileResult] = {}

    def _name(self, path: str) -> str:   # the other file, as the unit knows it
        from .readers.inputs import relative_name

        return relative_name(path, self.base) if self.base else path

    def add(self, res: FileResult) -> FileResult:
        copy = self._copy_of(res)
        twin = self._twin_of(res)
        if copy is not None:
            return res.with_findings([copy], keep=False)
        return res.with_findings([twin] if twin else [])

    def _copy_of(self, res: FileResult) -> Finding | None:
        if not res.sha256:
            return None
        first = self._by_hash.setdefault(res.sha256, res)
        if first is res:
            return None
        return batch_finding("F006", self.pack, res.path, related=first.path, other=self._name(first.path))

    def _twin_of(self, res: FileResult) -> Finding | None:
        if not (res.unit and res.project) or res.unreadable:
            return None
        prev = self._by_project.setdefault((res.form, res.unit, res.project), res)
        if prev is res or prev.sha256 == res.sha256:  # same hash is F006 already
            return None
        return batch_finding("F007", self.pack, res.path, related=prev.path, other=self._name(prev.path),
                             unit=res.unit, project=res.project)


def add_batch_findings(files: Sequence[FileResult], pack: RulePack, base: Path | None = None
                       ) -> list[FileResult]:
    """F006 / F007 over a whole batch (see ``BatchFindings``)."""
    found = BatchFindings(pack, base)
    return [found.add(res) for res in files]


@dataclass(frozen=True)
class ValidationRun:
    """A validate run as it goes: ``files`` yields each result (F006/F007 included) in input
    order while the files are checked; ``skipped`` and ``base`` are known from the start."""

    files: Iterator[FileResult]
    skipped: list[FileResult]  # grows while ``files`` runs: a file found to be no form is skipped
    base: str


def validate_run(paths: Sequence[str | Path], pack: RulePack, jobs: int = 1,
                 progress: bool = False) -> ValidationRun:
    """Validate files, folders (recursive) and zips, yielding results as they come."""
    from . import engine, readers  # noqa: F401 - imported once here, before workers fork
    from .batch import run_batch
    from .readers.inputs import common_base, expand

    items, skipped = expand(paths)
    base = common_base(paths) if paths else None
    found = BatchFindings(pack, base)
    results = run_batch(items, validate_item, pack, jobs=jobs, progress=progress,
                        on_error=functools.partial(crashed_item, pack=pack), label="审核中")
    passed = [FileResult(s.display, skipped_reason=s.reason) for s in skipped]

    def checked() -> Iterator[FileResult]:
        for res in results:
            if res.skipped_reason is not None:  # opened, and no form (a report pbm wrote)
                passed.append(res)
            else:
                yield found.add(res)

    return ValidationRun(checked(), passed, str(base) if base else "")


def validate_paths(paths: Sequence[str | Path], pack: RulePack, jobs: int = 1,
                   progress: bool = False) -> ValidationReport:
    """Validate files, folders (recursive) and zips; the library form of ``pbm validate``."""
    run = validate_run(paths, pack, jobs, progress)
    return ValidationReport.build(list(run.files), run.skipped, run.base)


# --- flat views for csv / xlsx / markdown ------------------------------------------------------

FINDING_HEADER = ["文件", "表类型", "实施单位", "项目名称", "工作表", "单元格", "代码", "严重程度",
                  "问题说明", "期望值", "实际值"]
UNIT_HEADER = ["单位", "文件数", "通过", "有错误", "有警告", "错误条数", "警告条数", "需修改的文件"]
FILE_HEADER = ["文件", "表类型", "实施单位", "项目名称", "结论", "错误条数", "警告条数", "提示条数", "SHA-256"]
SKIPPED_HEADER = ["路径", "跳过原因"]
UNIT_FINDING_HEADER = ["文件", "表类型", "项目名称", "工作表", "单元格", "严重程度", "问题说明", "期望值", "实际值"]
NO_UNIT = "（未识别单位）"


def form_label(form: str) -> str:
    from .model import FormKind

    try:
        return FormKind(form).label
    except ValueError:
        return form


def verdict(res: FileResult) -> str:
    """通过 / 有错误 / 无法读取 (Chinese status of one file)."""
    if res.unreadable:
        return "无法读取"
    return "通过" if res.ok else "有错误"


def finding_rows(report: ValidationReport) -> list[list[Any]]:
    """One row per finding, in file order (the 问题清单)."""
    return [row for r in report.files for row in file_finding_rows(r, report.name)]


def file_finding_rows(r: FileResult, name: Callable[[str], str]) -> list[list[Any]]:
    """The 问题清单 rows of one file (``name``: the file as the unit knows it)."""
    return [[name(r.path), form_label(r.form), r.unit, r.project, f.sheet, f.cell, f.code,
             f.severity.label, f.message, f.expected, f.actual] for f in r.findings]


def file_rows(report: ValidationReport) -> list[list[Any]]:
    return [
        [report.name(r.path), form_label(r.form), r.unit, r.project, verdict(r), r.count(Severity.ERROR),
         r.count(Severity.WARNING), r.count(Severity.INFO), r.sha256]
        for r in report.files
    ]


def unit_rows(report: ValidationReport) -> list[list[Any]]:
    """Per-unit summary: the 退回修改清单 (units with errors first)."""
    by_unit: dict[str, list[FileResult]] = {}
    for r in report.files:
        by_unit.setdefault(report.unit_of(r), []).append(r)
    rows = []
    for unit, files in by_unit.items():
        bad = [report.name(r.path) for r in files if not r.ok]
        rows.append([unit, len(files), len(files) - len(bad), len(bad),
                     sum(1 for r in files if r.count(Severity.WARNING)),
                     sum(r.count(Severity.ERROR) for r in files),
                     sum(r.count(Severity.WARNING) for r in files), "\n".join(bad)])
    rows.sort(key=lambda row: (row[3] == 0, row[0]))
    return rows


def unit_finding_rows(report: ValidationReport) -> list[tuple[str, list[list[Any]]]]:
    """(unit, rows) for each unit with errors or warnings, in 单位汇总's order: the list that
    goes back to that unit (notes that need no change left out).  Files whose unit is not
    known stay in the 问题清单 only."""
    by_unit: dict[str, list[list[Any]]] = {}
    for r in report.files:
        rows = [[report.name(r.path), form_label(r.form), r.project, f.sheet, f.cell, f.severity.label,
                 f.message, f.expected, f.actual] for f in r.findings if f.severity is not Severity.INFO]
        if rows and (unit := report.unit_of(r)) != NO_UNIT:
            by_unit.setdefault(unit, []).extend(rows)
    return [(row[0], by_unit[row[0]]) for row in unit_rows(report) if row[0] in by_unit]


def skipped_rows(report: ValidationReport) -> list[list[Any]]:
    return [[report.name(s.path), s.skipped_reason] for s in report.skipped]


SUMMARY_LABELS = (("files", "文件数"), ("ok", "通过"), ("errors", "有错误"), ("warnings", "有警告"),
                  ("unreadable", "无法读取"), ("skipped", "已跳过"))


def summary_pairs(report: ValidationReport) -> list[tuple[str, int]]:
    counts = report.summary.to_dict()
    return [(label, counts[key]) for key, label in SUMMARY_LABELS]


def markdown_report(report: ValidationReport) -> str:
    """The whole report as Markdown: summary, findings per file, skipped items."""
    from .outputs import markdown_table, md_text

    pairs = summary_pairs(report)
    parts = ["# 表格审核报告\n", markdown_table([p[0] for p in pairs], [[p[1] for p in pairs]])]
    for r in report.files:
        if not r.findings:
            continue
        head = (f"## {md_text(report.name(r.path))}\n\n{form_label(r.form)}；单位：{md_text(r.unit or '—')}；"
                f"项目：{md_text(r.project or '—')}；结论：{verdict(r)}\n")
        rows = [[f.sheet, f.cell, f.code, f.severity.label, f.message] for f in r.findings]
        parts += [head, markdown_table(["工作表", "单元格", "代码", "严重程度", "问题说明"], rows)]
    if report.skipped:
        parts += ["## 已跳过\n", markdown_table(SKIPPED_HEADER, skipped_rows(report))]
    return "\n".join(parts)
