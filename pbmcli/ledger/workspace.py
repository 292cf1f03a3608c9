"""Workspace: `pbm init`, where the ledger lives, and ingesting forms into it."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..config import RulePack
from ..engine import input_error_finding
from ..errors import InputError, PbmError, UsageError
from ..model import Finding, FormKind, Severity, Submission
from ..period import Period
from .store import Clock, Ledger
from .units import UNIT_HEADERS, Unit, UnitMatcher, find_header, read_sheets, read_units

if TYPE_CHECKING:
    from ..readers.inputs import InputItem

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

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class IngestResult:
    period: str
    items: list[IngestItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)  # units with no form: 未报送
    skipped: list[dict[str, str]] = field(default_factory=list)  # not spreadsheets: {path, reason}

    def to_dict(self) -> dict[str, Any]:
        from .. import __version__

        return {"tool": "pbm", "version": __version__, "period": self.period,
                "items": [i.to_dict() for i in self.items],
                "findings": [{"path": f.path, **f.to_dict()} for f in self.findings],
                "missing": self.missing, "skipped": self.skipped}


def _analyse(sub: Submission, pack: RulePack) -> tuple[list[Finding], Any]:
    from ..engine import check
    from ..scoring import score_submission

    findings = list(check(sub, pack))
    score = score_submission(sub, pack) if sub.kind.value == "selfeval" else None
    return findings, score


def _unit_of(sub: Submission, matcher: UnitMatcher | None) -> tuple[str | None, str, Finding | None]:
    code_field = sub.head("unit_code").value or sub.head("department_code").value
    code = str(code_field) if code_field is not None else None
    if matcher is None:
        return code, sub.unit, None
    unit = matcher.match(code, sub.unit) or matcher.match(None, sub.head("department").value)
    if unit is None:
        return None, sub.unit, matcher.unmatched(sub.unit or "（未填写）", sub.path)
    return unit.code, unit.name, None


def ingest(ledger: Ledger, paths: Sequence[str | Path], period: str, pack: RulePack) -> IngestResult:
    """Read, check, score and record forms; all records are written in one transaction."""
    period = str(Period.parse(period))
    from ..deadline import file_seconds
    from ..readers import read_submission as read
    from ..readers.inputs import Skipped, expand

    seconds = file_seconds()
    items, skipped = expand(list(paths))
    units = ledger.units()
    matcher = UnitMatcher(units) if units else None
    result = IngestResult(period)
    pending: list[tuple[IngestItem, tuple[Any, ...]]] = []
    by_month = Period.parse(period).kind == "month"
    known = {r.sha256: r for r in ledger.submissions(current=False)}
    for item in items:
        data = _bytes(item)
        if (entry := _known(item, data, known, period)) is not None:   # recorded before: not read again
            result.items.append(entry)
            continue
        try:
            sub = read(item, pack.lexicon(), seconds=seconds, data=data)
        except InputError as exc:
            if exc.code == "F003" and _is_execution_export(item, pack):
                skipped.append(Skipped(item.display, "这是预算执行数据导出表，不是绩效表格；请用 pbm monitor 该文件"
                                                     " --record 记入台账"))
                continue
            result.items.append(IngestItem(item.display, "unreadable"))
            result.findings.append(input_error_finding(exc))
            continue
        if sub.kind is FormKind.MONITOR and not by_month:
            skipped.append(Skipped(item.display, f"这是绩效运行监控表，按月份处理：请用 pbm monitor 所在文件夹"
                                                 f"（如 收件/监控/{Period.parse(period).year}-08/）给指标亮灯，"
                                                 f"不按 {period} 记入台账"))
            continue
        pending.append(_prepare(sub, item.display, period, pack, matcher, result))
        result.items.append(pending[-1][0])
    for (entry, _args), rec in zip(pending, ledger.record_many(a for _, a in pending), strict=True):
        entry.status = rec.status
        if rec.status == "duplicate" and rec.period:
            _note_duplicate(entry, rec.period, rec.path or entry.path, period)
    result.skipped = [{"path": s.display, "reason": s.reason} for s in skipped]
    result.missing = _not_submitted(ledger, units, period, [i.form for i in result.items if i.form])
    ledger.log_run("ingest", {"period": period, "files": len(items),
                              "new": sum(i.status in ("new", "superseded") for i in result.items)})
    return result


def _bytes(item: InputItem) -> bytes | None:
    """The item's bytes, read once for both the sha256 check and the reader (None: reading
    the form will say why it cannot be read)."""
    from ..readers.inputs import read_bytes

    try:
        return read_bytes(item)
    except (InputError, OSError):
        return None


def _known(item: InputItem, data: bytes | None, known: dict[str, Any], period: str) -> IngestItem | None:
    """The result line of a file whose bytes the ledger already holds (sha256 checked before
    reading, checking and scoring: re-ingesting an unchanged folder only hashes it)."""
    import hashlib

    rec = known.get(hashlib.sha256(data).hexdigest()) if known and data is not None else None
    if rec is None:
        return None
    entry = IngestItem(item.display, "duplicate", rec.form, rec.unit_name, rec.unit_code or "", rec.project,
                       rec.errors, rec.warnings, rec.total, rec.grade)
    _note_duplicate(entry, rec.period, rec.path, period)
    return entry


def _note_duplicate(entry: IngestItem, recorded: str, path: str, period: str) -> None:
    """A file already recorded under another period is not silently 已存在: say how to fix it
    (``path``: the path it was recorded with, whose file name ``pbm ledger remove --file`` matches)."""
    entry.recorded_period = recorded
    if recorded == period:
        return
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path
    shown = f'"{name}"' if any(ch.isspace() for ch in name) else name
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


def _prepare(sub: Submission, display: str, period: str, pack: RulePack,
             matcher: UnitMatcher | None, result: IngestResult) -> tuple[IngestItem, tuple[Any, ...]]:
    """Check, score and match one form: its result line and its record_submission arguments."""
    findings, score = _analyse(sub, pack)
    code, name, miss = _unit_of(sub, matcher)
    if miss is not None:
        findings.append(miss)
        result.findings.append(miss)
    sev = [f.severity for f in findings]
    entry = IngestItem(display, "new", sub.kind.value, name, code or "", sub.project,
                       sev.count(Severity.ERROR), sev.count(Severity.WARNING),
                       getattr(score, "total", None), getattr(score, "grade", None))
    return entry, (sub, findings, score, period, code, name)


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
