"""Workspace: `pbm init`, where the ledger lives, and ingesting forms into it."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..config import RulePack
from ..engine import input_error_finding
from ..errors import InputError, NotAForm, PbmError, UsageError
from ..model import Finding, FormKind, Severity, Submission
from ..period import Period
from .records import FormHead, ScoreColumns
from .store import Clock, Ledger
from .units import UNIT_HEADERS, Unit, UnitMatcher, find_header, read_sheets, read_units

if TYPE_CHECKING:
    from ..readers.inputs import InputItem, Skipped

FOLDERS = ("收件/目标申报", "收件/自评", "收件/执行", "收件/监控", "输出", "通报")

CONFIG_TEMPLATE = """\
# pbm 工作区配置文件。以 # 开头的行是说明，删去行首的 # 即可启用该设置。
# 未写出的设置取内置规则包 national 的默认值（pbm config show 可查看全部设置）。

[workspace]
db = "pbm.sqlite"              # 台账（SQLite 数据库）文件，相对本文件所在文件夹
units = "units.xlsx"           # 单位名录：单位编码、单位名称、简称/别名、主管部门、类别、联系人
authority = "示例县财政局"      # 发文机关（通报落款和版头）
doc_prefix = "示财绩"           # 发文字号的机关代字，如 示财绩〔2026〕5号
signature = "示例县财政局"      # 落款
contact = ""                   # 联系人及电话，如 "张三，0000-1234567"
# red_header = false           # 不印版头（发文机关标志、红色分隔线），如用已印好版头的公文纸

# 以下为可选的本地调整示例：
# [goal]
# satisfaction_min = 85.0      # 满意度指标值低于此数时提示
#
# [scoring]
# reverse_mode = "linear_penalty"   # 反向指标按线性扣分计算
#
# [monitor]
# time_progress = "days"       # 时间进度按天数计算（默认按月：月份/12）
# warning_yellow = 5.0         # 执行进度落后时间进度超过 5 个百分点：黄色预警
# warning_red = 10.0           # 落后超过 10 个百分点：红色预警
#
# [rank]
# group_by = "category"        # 按单位类别（部门 / 乡镇）分组排名
# top = 5                      # 红榜单位数
# bottom = 5                   # 黑榜单位数
"""


# --------------------------------------------------------------------------- init


@dataclass
class InitResult:
    root: Path
    created: list[Path]


def _write_units_template(path: Path) -> None:
    """The templates module's units template when it offers one; else a minimal units.xlsx."""
    try:
        write_template: Any = importlib.import_module("pbmcli.forms").write_template
        write_template("units", path)
        return
    except (ImportError, AttributeError, PbmError):
        pass
    from ..outputs import SheetSpec, write_xlsx

    header = [UNIT_HEADERS[k][0] for k in UNIT_HEADERS]
    notes = [["每行一个预算单位；「单位编码」和「单位名称」必填。"],
             ["「简称/别名」可写多个，用顿号、逗号或空格分隔，用于匹配报表中的不同写法。"],
             ["「类别」填「部门」或「乡镇」，排名时可分组。"]]
    write_xlsx(path, [SheetSpec("单位名录", header, [], widths=[14, 30, 30, 20, 10, 20]),
                      SheetSpec("填表说明", ["说明"], notes, autofilter=False)], force=False)


def init_workspace(root: str | Path) -> InitResult:
    """Create pbm.toml, units.xlsx and the folders; refuse to overwrite existing files."""
    base = Path(root)
    config, units = base / "pbm.toml", base / "units.xlsx"
    existing = [p for p in (config, units) if p.exists()]
    if existing:
        raise UsageError(f"{'、'.join(str(p) for p in existing)} 已存在，pbm init 不会覆盖。"
                         "如需重建工作区，请换一个空文件夹。")
    from ..fileio import write_error, write_text

    created: list[Path] = []
    try:
        base.mkdir(parents=True, exist_ok=True)
        write_text(config, CONFIG_TEMPLATE)
        created.append(config)
        _write_units_template(units)
        created.append(units)
        for folder in FOLDERS:
            d = base / folder
            if not d.exists():
                d.mkdir(parents=True)
                created.append(d)
    except OSError as exc:  # a file where a folder should be, no permission, disk full …
        raise write_error(base, exc) from None
    return InitResult(base, created)


# --------------------------------------------------------------------------- ledger location


def db_path(pack: RulePack, db: str | Path | None = None) -> Path:
    """--db, else [workspace] db of pbm.toml (resolved next to it), else ./pbm.sqlite."""
    return Path(db) if db else Path(pack.workspace.db)


LedgerMode = Literal["read", "write", "create"]


def open_ledger(pack: RulePack, db: str | Path | None = None, clock: Clock | None = None,
                mode: LedgerMode = "create") -> Ledger:
    """Open the ledger: ``read`` (read-only commands: opened read-only, never created nor
    migrated), ``write`` (it must exist) or ``create`` (made when missing).

    A missing ledger file stops a ``read`` or ``write`` with a Chinese message instead of
    silently creating an empty ledger in the current folder; an empty file stops every mode.  The units directory is loaded
    into a ledger that has none yet; opened read-only, its units are shown without writing.
    """
    path = db_path(pack, db)
    if mode != "create" and not path.exists():
        from .store import LedgerError

        raise LedgerError(f"找不到台账 {path}，请先运行 pbm init 建立工作区并用 pbm ingest / pbm monitor --record"
                          " 记入数据，或用 --db 指定台账文件。")
    ledger = Ledger.open(path, clock, readonly=mode == "read")
    units_file = Path(pack.workspace.units)
    if units_file.is_file() and not ledger.units():
        if mode == "read":
            ledger.directory = read_units(units_file)
        else:
            ledger.upsert_units(read_units(units_file))
    return ledger


def directory_units(pack: RulePack, db: str | Path | None = None) -> list[Unit]:
    """The units directory without creating a ledger: the ledger's if it exists, else units.xlsx."""
    path = db_path(pack, db)
    if path.is_file() and path.stat().st_size:
        with open_ledger(pack, db, mode="read") as ledger:
            return ledger.units()
    units_file = Path(pack.workspace.units)
    return read_units(units_file) if units_file.is_file() else []


# --------------------------------------------------------------------------- ingest

RECORD_BATCH = 200  # forms written to the ledger per transaction (memory stays flat)


@dataclass
class IngestItem:
    path: str
    status: str  # new | duplicate | superseded | unreadable
    form: str = ""
    unit: str = ""
    code: str = ""
    project: str = ""
    errors: int = 0
    warnings: int = 0
    total: float | None = None
    grade: str | None = None
    recorded_period: str = ""  # a duplicate: the period the ledger holds the file under
    note: str = ""
    internal_error: str = ""  # pbm itself failed on this file (a bug): not recorded, exit 3

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        if not self.internal_error:
            del out["internal_error"]
        return out


@dataclass
class IngestResult:
    period: str
    items: list[IngestItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)  # units with no form: 未报送
    skipped: list[dict[str, str]] = field(default_factory=list)  # not spreadsheets: {path, reason}

    @property
    def internal_errors(self) -> list[tuple[str, str]]:
        """(path, error) of the files pbm itself failed on (bugs: the command exits 3)."""
        return [(i.path, i.internal_error) for i in self.items if i.internal_error]

    def to_dict(self) -> dict[str, Any]:
        from .. import __version__

        return {"tool": "pbm", "version": __version__, "period": self.period,
                "items": [i.to_dict() for i in self.items],
                "findings": [{"path": f.path, **f.to_dict()} for f in self.findings],
                "missing": self.missing, "skipped": self.skipped}


@dataclass(frozen=True, slots=True)
class FormRead:
    """One new file as read, checked and scored by ``ingest_file`` (in a worker process): what
    the ledger and the result line need of it, never the whole Submission (~45 KB a form)."""

    display: str
    head: FormHead | None = None  # the form read; None: nothing to record
    code: str | None = None  # 单位编码 (else 主管部门编码) as written on the form
    department: object = None  # 主管部门 as written: matched when the unit's name is not
    findings: tuple[Finding, ...] = ()  # check's findings, as much of them as the ledger keeps
    score: ScoreColumns | None = None  # self-evaluations
    skip: str = ""  # not a form to ingest with this period: why (已跳过)
    year: int | None = None  # the 年度 the form states, when it states one
    error: Finding | None = None  # unreadable: the reader's F finding
    internal_error: str = ""  # pbm failed on the file (a bug)


def _analyse(sub: Submission, pack: RulePack) -> tuple[list[Finding], Any]:
    from ..engine import check
    from ..scoring import score_submission

    findings = list(check(sub, pack))
    score = score_submission(sub, pack) if sub.kind.value == "selfeval" else None
    return findings, score


def _kept(f: Finding) -> Finding:
    """A finding cut down to what ``Ledger.record_submission`` stores (a smaller result)."""
    return dataclasses.replace(f, path="", expected=None, actual=None, related=None)


def _monitor_skip(period: str) -> str:
    return (f"这是绩效运行监控表，按月份处理：请用 pbm monitor 所在文件夹（如 收件/监控/{Period.parse(period).year}-08/）"
            f"给指标亮灯，不按 {period} 记入台账")


EXPORT_SKIP = "这是预算执行数据导出表，不是绩效表格；请用 pbm monitor 该文件 --record 记入台账"


def ingest_file(item: InputItem, pack: RulePack, period: str) -> FormRead:
    """Read, check and score one file the ledger does not hold (``run_batch``'s work: runs in a
    worker process; unit matching and recording stay with the caller)."""
    from ..readers import read_submission

    try:
        sub = read_submission(item, pack.lexicon())
    except NotAForm as exc:
        return FormRead(item.display, skip=exc.reason)
    except InputError as exc:
        if exc.code == "F003" and _is_execution_export(item, pack):
            return FormRead(item.display, skip=EXPORT_SKIP)
        return FormRead(item.display, error=input_error_finding(exc))
    if sub.kind is FormKind.MONITOR and Period.parse(period).kind != "month":
        return FormRead(item.display, skip=_monitor_skip(period))
    findings, score = _analyse(sub, pack)
    code = sub.head("unit_code").value or sub.head("department_code").value
    year = sub.head("year").value
    return FormRead(item.display, FormHead.of(sub), str(code) if code is not None else None,
                    sub.head("department").value, tuple(_kept(f) for f in findings),
                    None if score is None else ScoreColumns.of(score),
                    year=int(year) if isinstance(year, float) and 1900 < year < 2200 else None)


def crashed_file(item: InputItem, message: str) -> FormRead:
    """``run_batch``'s result for a file whose work failed: a worker process the file killed
    (F001) or a file over its time budget (F009) is unreadable, as a reader's InputError; a
    Python exception is a bug of pbm (the file is not recorded; exit 3 after the run)."""
    from ..batch import file_fault

    code = file_fault(message)
    if code is None:
        return FormRead(item.display, internal_error=message)
    return FormRead(item.display, error=input_error_finding(InputError(item.display, message, code)))


def _unit_of(read: FormRead, head: FormHead, matcher: UnitMatcher | None) -> tuple[str | None, str, Finding | None]:
    name = head.unit
    if matcher is None:
        return read.code, name, None
    unit = matcher.match(read.code, name) or matcher.match(None, read.department)
    if unit is None:
        return None, name, matcher.unmatched(name or "（未填写）", read.display)
    return unit.code, unit.name, None


class _Recorder:
    """Writes the forms of a run to the ledger every ``RECORD_BATCH`` forms, each batch one
    transaction, and sets their result lines' status (new / superseded / duplicate)."""

    def __init__(self, ledger: Ledger, period: str) -> None:
        self.ledger, self.period, self.size = ledger, period, RECORD_BATCH
        self.pending: list[tuple[IngestItem, tuple[Any, ...]]] = []

    def add(self, entry: IngestItem, args: tuple[Any, ...]) -> None:
        self.pending.append((entry, args))
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        records = self.ledger.record_many(args for _, args in self.pending)
        for (entry, _args), rec in zip(self.pending, records, strict=True):
            entry.status = rec.status
            if rec.status == "duplicate" and rec.period:
                _note_duplicate(entry, rec.period, rec.path or entry.path, self.period)
        self.pending.clear()


def ingest(ledger: Ledger, paths: Sequence[str | Path], period: str, pack: RulePack,
           jobs: int = 1, progress: bool = False) -> IngestResult:
    """Read, check, score and record forms, ``jobs`` processes reading, checking and scoring.

    A file whose sha256 the ledger holds is only hashed here, never sent to a worker.  Records
    are written every ``RECORD_BATCH`` forms, each batch one transaction (no run holds all its
    forms in memory): an interrupted run (Ctrl-C, kill) leaves whole batches in the ledger and
    nothing of the batch it was writing; running it again records the rest, the files already
    recorded being known by their sha256.  The run's ``runs`` row is written at the end."""
    period = str(Period.parse(period))
    from ..batch import run_batch
    from ..deadline import file_seconds
    from ..readers.inputs import expand

    seconds = file_seconds()  # a wrong PBM_FILE_TIMEOUT stops the run before anything is read
    items, skipped = expand(list(paths))
    units = ledger.units()
    matcher = UnitMatcher(units) if units else None
    result = IngestResult(period)
    known = {r.sha256: r for r in ledger.submissions(current=False)}
    lines = [_known(item, known, period) for item in items]   # recorded before: not read again
    todo = [item for item, line in zip(items, lines, strict=True) if line is None]
    if todo:
        from .. import engine, scoring  # noqa: F401 - imported once here, before workers fork
    recorder = _Recorder(ledger, period)
    with contextlib.closing(run_batch(todo, functools.partial(ingest_file, period=period), pack, jobs=jobs,
                                      progress=progress, on_error=crashed_file, label="导入中",
                                      seconds=seconds)) as reads:
        for line in lines:
            if line is None:
                _accept(next(reads), matcher, result, skipped, recorder)
            else:
                result.items.append(line)
    recorder.flush()
    result.skipped = [{"path": s.display, "reason": s.reason} for s in skipped]
    result.missing = _not_submitted(ledger, units, period, [i.form for i in result.items if i.form])
    ledger.log_run("ingest", {"period": period, "files": len(items),
                              "new": sum(i.status in ("new", "superseded") for i in result.items)})
    return result


def _accept(read: FormRead, matcher: UnitMatcher | None, result: IngestResult, skipped: list[Skipped],
            recorder: _Recorder) -> None:
    """One worker's result: a skipped file, an unreadable one, or a form to record."""
    from ..readers.inputs import Skipped

    if read.skip:
        skipped.append(Skipped(read.display, read.skip))
    elif read.head is None:
        result.items.append(IngestItem(read.display, "unreadable", internal_error=read.internal_error))
        result.findings += [read.error] if read.error is not None else []
    else:
        result.items.append(_prepare(read, read.head, matcher, result, recorder))


def _known(item: InputItem, known: dict[str, Any], period: str) -> IngestItem | None:
    """The result line of a file whose bytes the ledger already holds (sha256 checked before
    reading, checking and scoring: re-ingesting an unchanged folder only hashes it).  A new
    file's bytes are read again by its worker: holding them until then would not keep memory flat."""
    import hashlib

    from ..readers.inputs import read_bytes

    if not known:
        return None
    try:
        rec = known.get(hashlib.sha256(read_bytes(item)).hexdigest())
    except (InputError, OSError):
        return None   # reading the form will say why it cannot be read
    if rec is None:
        return None
    entry = IngestItem(item.display, "duplicate", rec.form, rec.unit_name, rec.unit_code or "", rec.project,
                       rec.errors, rec.warnings, rec.total, rec.grade)
    _note_duplicate(entry, rec.period, rec.path, period)
    return entry


def _display_name(path: str) -> str:
    """A file name as ``pbm ledger remove --file`` takes it on a command line."""
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path
    return f'"{name}"' if any(ch.isspace() for ch in name) else name


def _note_duplicate(entry: IngestItem, recorded: str, path: str, period: str) -> None:
    """A file already recorded under another period is not silently 已存在: say how to fix it
    (``path``: the path it was recorded with, whose file name ``pbm ledger remove --file`` matches)."""
    entry.recorded_period = recorded
    if recorded == period:
        if _display_name(path) != _display_name(entry.path):  # another file with the same bytes
            entry.note = f"与已导入的 {_display_name(path)} 内容完全相同（同一文件的副本），未重复记录。"
        return
    shown = _display_name(path)
    entry.note = (f"该文件已按 {recorded} 期间记入台账，本次未按 {period} 记录；如期间有误，"
                  f"先用 pbm ledger remove --period {recorded} --file {shown} 删除，再按 {period} 导入。")


def _is_execution_export(item: InputItem, pack: RulePack) -> bool:
    """A file (not a zip member) whose header row names a budget and a spent column."""
    if item.member is not None:
        return False
    try:
        sheets = read_sheets(item.path)
    except PbmError:
        return False
    return any(find_header(rows, pack.monitor.aliases, ("budget", "spent"), pack.monitor.header_scan_rows)
               for _name, rows in sheets)


def _not_submitted(ledger: Ledger, units: Sequence[Unit], period: str,
                   forms: Sequence[str]) -> list[dict[str, str]]:
    """未报送: units with no current submission in the ledger of ``period`` for each form kind
    ingested in this run (earlier runs count: correcting one file does not un-submit the rest)."""
    from ..model import FormKind

    out: list[dict[str, str]] = []
    for form in dict.fromkeys(f for f in forms if f != "unknown"):
        have = {r.unit_code for r in ledger.submissions(form=form) if r.period == period}
        label = FormKind(form).label if form in {k.value for k in FormKind} else form
        out += [{"unit": u.name, "code": u.code, "form": form, "form_label": label}
                for u in units if u.code not in have]
    return out


def _prepare(read: FormRead, head: FormHead, matcher: UnitMatcher | None, result: IngestResult,
             recorder: _Recorder) -> IngestItem:
    """Match one form's unit: its result line, its record queued on ``recorder``."""
    findings = list(read.findings)
    code, name, miss = _unit_of(read, head, matcher)
    if miss is not None:
        findings.append(miss)
        result.findings.append(miss)
    sev = [f.severity for f in findings]
    score = read.score
    entry = IngestItem(read.display, "new", head.kind.value, name, code or "", head.project,
                       sev.count(Severity.ERROR), sev.count(Severity.WARNING),
                       score.total if score else None, score.grade if score else None)
    recorder.add(entry, (head, findings, score, recorder.period, code, name))
    stated = read.year
    if stated is not None and stated != Period.parse(recorder.period).year:
        entry.note = (f"表中写的年度是 {stated} 年，已按 --period {recorder.period} 记入台账；如期间有误，"
                      f"用 pbm ledger remove --period {recorder.period} --file {_display_name(read.display)} 删除后，"
                      f"按 --period {stated} 重新导入。")
    return entry


def _title_month(item: Any, sub: Submission) -> int | None:
    """The cut-off month written in a form's title rows, e.g. 「（2026年1-7月）」."""
    from ..cycle.lights import cutoff_month
    from ..readers import open_item

    try:
        sheet = open_item(item).sheet(sub.sheet)
    except (InputError, KeyError, ValueError):
        return None
    texts = [sheet.text(r, c) for r in range(min(4, sheet.nrows)) for c in range(min(8, sheet.ncols))]
    return cutoff_month([t for t in texts if "月" in t])


def read_forms(paths: Sequence[str | Path], kind: str = "monitor",
               pack: RulePack | None = None) -> tuple[list[Submission], list[Finding], dict[str, int], list[str]]:
    """Forms of one kind under ``paths`` (unreadable files become findings, forms of another
    kind skip notes) and the cut-off month found in each form's title rows."""
    from ..deadline import file_seconds
    from ..readers import read_submission as read
    from ..readers.inputs import expand

    seconds = file_seconds()
    items, _skipped = expand(list(paths))
    subs: list[Submission] = []
    findings: list[Finding] = []
    months: dict[str, int] = {}
    skipped: list[str] = []
    for item in items:
        try:
            sub = read(item, pack.lexicon() if pack is not None else None, seconds=seconds)
        except InputError as exc:
            findings.append(input_error_finding(exc))
            continue
        if sub.kind.value == kind:
            subs.append(sub)
            if (month := _title_month(item, sub)) is not None:
                months[sub.path] = month
        else:
            skipped.append(f"{item.display}：这是{sub.kind.label}，不是绩效运行监控表，已跳过。")
    return subs, findings, months, skipped
