"""The ledger: an embedded SQLite database of everything ingested.

Design notes
- WAL mode; every write runs in one ``BEGIN IMMEDIATE`` transaction, so an
  interrupted run (even SIGKILL) leaves the ledger as it was before that write.
- The schema is created and migrated by ``MIGRATIONS`` (applied in order, each
  recorded in ``schema_version``).  A file that is not a SQLite database, or fails
  ``PRAGMA quick_check``, is reported (``LedgerError``, exit 2) and never touched.
- Idempotent: a file already recorded (same sha256) changes nothing; a newer
  version of the same form + unit + project + period supersedes the old one
  (``superseded_by``) and both stay in history.
- Mistakes are undone by ``remove`` (``pbm ledger remove``): it deletes exactly the
  given versions, re-links the chains they were part of (``relink``) and records
  what it deleted in ``runs``, all in one transaction.
- The clock is injectable (``today``) so tests and outputs are deterministic.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..errors import PbmError
from ..model import Finding, Submission
from .records import (
    ExecutionRecord,
    ExecutionRow,
    ExecutionSource,
    FindingRecord,
    FormHead,
    RecordResult,
    Rectification,
    Removed,
    ScoreColumns,
    SubmissionRecord,
)
from .units import Unit

Clock = Callable[[], dt.datetime]
_R = TypeVar("_R")
_K = TypeVar("_K", bound=Hashable)

MIGRATIONS: tuple[str, ...] = (
    # 1: the initial schema
    """
    CREATE TABLE units (
        code TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]',
        department TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '',
        contact TEXT NOT NULL DEFAULT '');
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
        form TEXT NOT NULL, unit_code TEXT, unit_name TEXT NOT NULL DEFAULT '',
        project TEXT NOT NULL DEFAULT '', period TEXT NOT NULL, recorded_at TEXT NOT NULL,
        superseded_by INTEGER REFERENCES submissions(id), status TEXT NOT NULL DEFAULT 'ok');
    CREATE INDEX submissions_key ON submissions(form, period, unit_code, project);
    CREATE TABLE findings (
        submission_id INTEGER NOT NULL REFERENCES submissions(id), code TEXT NOT NULL,
        severity TEXT NOT NULL, sheet TEXT, cell TEXT, message TEXT NOT NULL);
    CREATE INDEX findings_sub ON findings(submission_id);
    CREATE TABLE scores (
        submission_id INTEGER PRIMARY KEY REFERENCES submissions(id), total REAL,
        self_total REAL, grade TEXT, self_grade TEXT, execution_rate REAL, budget REAL,
        spent REAL, difference REAL);
    CREATE TABLE execution (
        id INTEGER PRIMARY KEY, period TEXT NOT NULL, unit_code TEXT, unit_name TEXT NOT NULL,
        project TEXT NOT NULL DEFAULT '', budget REAL, spent REAL, rate REAL,
        time_progress REAL, gap REAL, level TEXT, source TEXT NOT NULL,
        superseded_by TEXT, recorded_at TEXT NOT NULL);
    CREATE INDEX execution_period ON execution(period, superseded_by);
    CREATE TABLE rectifications (
        id INTEGER PRIMARY KEY, unit_code TEXT, unit_name TEXT NOT NULL DEFAULT '',
        problem TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', requirement TEXT NOT NULL DEFAULT '',
        deadline TEXT, status TEXT NOT NULL DEFAULT 'open', evidence TEXT NOT NULL DEFAULT '',
        done_at TEXT, created_at TEXT NOT NULL, key TEXT NOT NULL UNIQUE);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, command TEXT NOT NULL, started_at TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}');
    """,
    # 2: per-unit monthly totals (what rankings read), kept in step with execution
    """
    CREATE TABLE execution_units (
        period TEXT NOT NULL, unit_key TEXT NOT NULL, unit_code TEXT, unit_name TEXT NOT NULL,
        budget REAL NOT NULL, spent REAL NOT NULL, source TEXT NOT NULL, superseded_by TEXT);
    CREATE INDEX execution_units_period ON execution_units(period, superseded_by);
    INSERT INTO execution_units SELECT period, COALESCE(unit_code, '名称:' || unit_name),
        unit_code, MIN(unit_name), COALESCE(SUM(budget), 0), COALESCE(SUM(spent), 0), source,
        superseded_by FROM execution GROUP BY period, source, COALESCE(unit_code, '名称:' || unit_name);
    CREATE INDEX submissions_period ON submissions(period);
    """,
)

_SQLITE_MAGIC = b"SQLite format 3\x00"


class LedgerError(PbmError):
    """The ledger file cannot be used (corrupt, not a database, locked)."""


# SQLite's primary result codes of errors a clerk can fix (and their message texts, for an
# error raised without a code): full disk, I/O, read-only, cannot open, busy
_SQLITE_REASONS: dict[int, tuple[str, str]] = {
    13: ("database or disk is full", "磁盘空间不足"),
    10: ("disk I/O error", "磁盘读写出错（磁盘已满、已拔出，或网络盘已断开）"),
    8: ("readonly database", "台账文件或其所在文件夹是只读的，或没有写入权限"),
    14: ("unable to open database", "无法打开台账文件（路径不存在或没有权限）"),
    5: ("database is locked", "台账正被另一个 pbm 命令或其他程序占用"),
    6: ("database table is locked", "台账正被另一个 pbm 命令或其他程序占用"),
}


def sqlite_reason(exc: sqlite3.Error) -> str | None:
    """The Chinese reason of an SQLite error the user can fix, or None (a bug)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _SQLITE_REASONS:
        return _SQLITE_REASONS[code & 0xFF][1]
    text = str(exc).lower()
    return next((why for key, why in _SQLITE_REASONS.values() if key in text), None)


def _write_failed(path: Path, exc: sqlite3.Error) -> LedgerError | None:
    """A failed write as one Chinese line (exit 2), or None when the error is a bug."""
    reason = sqlite_reason(exc)
    if reason is None:
        return None
    retry = "请稍后重试" if "占用" in reason else "请腾出磁盘空间或检查文件夹权限后重试"
    return LedgerError(f"无法写入台账 {path}：{reason}。本次没有记入任何内容，台账保持原样；{retry}。")


def _records(cls: type[_R], rows: Iterable[sqlite3.Row]) -> list[_R]:
    """Rows as ``cls`` (the columns it names; columns a later schema adds are ignored)."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    out: list[_R] = []
    at: list[int] | None = None
    for r in rows:
        if at is None:   # each field's column, found as sqlite3.Row finds it (first, any case)
            keys = [k.lower() for k in r.keys()]  # noqa: SIM118 - iterating a Row gives its values
            at = [keys.index(n.lower()) for n in names]
        out.append(cls(*[r[i] for i in at]))   # by position: a ranking reads 10,000s of rows
    return out


def _tidy_wal(path: Path) -> None:
    """A read-only connection cannot remove the -wal / -shm files SQLite made for it: when the
    log is empty, a writable connection that only opens and closes does (the last connection to
    close removes them); on a read-only folder nothing happens."""
    wal = path.with_name(path.name + "-wal")
    try:
        if not wal.exists() or wal.stat().st_size:
            return
        with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=0.1)) as conn:
            conn.execute("PRAGMA schema_version").fetchone()   # joins WAL mode; closing tidies
    except (OSError, sqlite3.Error):
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _place(tmp: Path, path: Path) -> None:
    """Give the finished new ledger its name; a ledger another pbm created meanwhile is kept."""
    try:
        os.link(tmp, path)  # fails if ``path`` exists
    except FileExistsError:
        return
    except OSError:  # no hard links (FAT, some shares): rename, which Windows refuses over a file
        if not path.exists():
            try:
                os.rename(tmp, path)
            except FileExistsError:
                return
            except OSError as exc:
                raise LedgerError(f"无法建立台账 {path}（{exc.strerror}）：请检查文件夹的写入权限，"
                                  "或用 --db 指定另一个台账文件。") from None


def _check_file(path: Path) -> None:
    """Refuse a folder, an unreadable or empty file, or a file that is not a SQLite database."""
    if path.is_dir():
        raise LedgerError(f"台账路径 {path} 是一个文件夹，不是台账文件：请用 --db 指定台账文件，"
                          f"如 --db {path / 'pbm.sqlite'}。")
    if not path.exists():
        return
    if path.stat().st_size == 0:
        raise LedgerError(f"台账文件 {path} 是空文件（0 字节）。pbm 新建的台账从不为空，这可能是被截断或误建的文件，"
                          "pbm 不会使用它：请从备份恢复台账；如确要新建台账，请先删除这个空文件，或用 --db 指定另一个文件。")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise LedgerError(f"无法读取台账文件 {path}（{exc.strerror}）：请检查文件的读取权限，"
                          "或用 --db 指定另一个台账文件。") from None
    if head != _SQLITE_MAGIC:
        raise LedgerError(f"台账文件 {path} 不是 SQLite 数据库（可能被其他程序覆盖或损坏）。"
                          "pbm 不会改写它：请从备份恢复，或用 --db 指定另一个台账文件。")


def _readonly_connection(path: Path) -> sqlite3.Connection:
    """``mode=ro``; on a read-only folder or medium, where SQLite cannot create the WAL index
    beside the file (and so nobody can be writing it), ``immutable=1``."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=30)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError as exc:
        conn.close()
        if sqlite_reason(exc) not in (_SQLITE_REASONS[14][1], _SQLITE_REASONS[8][1]):
            raise
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, timeout=30)
    conn.execute("PRAGMA query_only=ON")
    return conn


def _checked_connection(p: Path, readonly: bool) -> sqlite3.Connection:
    """A connection to a file that passed ``PRAGMA quick_check`` (LedgerError otherwise)."""
    try:
        if readonly:
            conn = _readonly_connection(p)
        else:
            conn = sqlite3.connect(str(p), isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise LedgerError(f"无法打开台账文件 {p}（{sqlite_reason(exc) or exc}）：请检查路径和文件夹的读写权限，"
                          "或用 --db 指定另一个台账文件。") from None
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"台账文件 {p} 已损坏，无法打开（{exc}）。pbm 不会改写它："
                          "请从备份恢复，或用 --db 指定另一个台账文件。") from None
    if ok != "ok":
        conn.close()
        raise LedgerError(f"台账文件 {p} 完整性检查未通过（{ok}）。pbm 不会改写它："
                          "请从备份恢复，或用 --db 指定另一个台账文件。")
    return conn


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """A SQLite database with tables but none of pbm's is someone else's: not written."""
    if stored_version(conn) == 0 and conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
        conn.close()
        raise LedgerError(f"{path} 是其他程序的 SQLite 数据库，不是 pbm 的台账。pbm 不会改写它："
                          "请用 --db 指定台账文件（如 pbm.sqlite）。")


def _require_current(conn: sqlite3.Connection, path: Path) -> None:
    """Reading only: a ledger of an older schema cannot be upgraded here (that is a write)."""
    version = stored_version(conn)
    if version < len(MIGRATIONS):
        conn.close()
        raise LedgerError(f"台账文件 {path} 的结构版本为 {version}，本程序使用版本 {len(MIGRATIONS)}，需先升级才能读取；"
                          "查看类命令不改动台账。请先运行一次写入台账的命令（如 pbm ledger --units 单位名录.xlsx，"
                          "或 pbm ingest、pbm monitor --record），pbm 会自动升级台账结构，原有数据保留。")


def stored_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in a ledger (0: none yet)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone() is None:
        return 0
    return int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])


def _refuse_newer(conn: sqlite3.Connection, path: Path) -> None:
    """A ledger written by a newer pbm (a schema this one does not know) is neither read nor
    written: its tables may have changed in ways this version would misread or damage."""
    try:
        version = stored_version(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise LedgerError(f"台账文件 {path} 的结构版本无法读取（{exc}）。pbm 不会改写它："
                          "请从备份恢复，或用 --db 指定另一个台账文件。") from None
    if version > len(MIGRATIONS):
        conn.close()
        raise LedgerError(f"台账文件 {path} 由更新版本的 pbm 建立（结构版本 {version}，本程序只支持到 "
                          f"{len(MIGRATIONS)}）。为免误读或损坏数据，本程序不会读写它：请把 pbm 升级到最新版本后再运行。")


def relink(links: Mapping[_K, _K | None], removed: Collection[_K]) -> dict[_K, _K | None]:
    """After removing versions: the new successor of each kept version whose successor is
    removed — the next kept version along its chain, or None (it is current again).

    ``links`` maps a version to the version that superseded it (None: current) and must
    hold every removed version and every kept version that points at one.
    """
    out: dict[_K, _K | None] = {}
    for key, nxt in links.items():
        if key in removed or nxt is None or nxt not in removed:
            continue
        seen: set[_K] = set()
        while nxt is not None and nxt in removed and nxt not in seen:
            seen.add(nxt)
            nxt = links.get(nxt)
        out[key] = nxt
    return out


def _utcnow() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Ledger:
    """An open ledger.  Use ``Ledger.open(path)``; close with ``close()`` or ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        self.directory: Sequence[Unit] = ()  # units shown while the ledger holds none (read-only)
        self._readonly = False

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, path: str | Path, clock: Clock | None = None, *, readonly: bool = False) -> Ledger:
        """Open (creating and migrating as needed) the ledger at ``path``.

        ``readonly`` (commands that only read): the file is opened read-only (a read-only file,
        folder or medium can be read; a writer holding the lock does not block), never created
        nor migrated; a ledger of an older schema stops with a message to run a writing
        command first."""
        p = Path(path)
        _check_file(p)
        if not readonly and not p.exists():
            cls._create(p, clock or _utcnow)
        conn = _checked_connection(p, readonly)
        _refuse_newer(conn, p)
        if not readonly:
            _refuse_foreign(conn, p)
        if readonly:
            _require_current(conn, p)
            ledger = cls(conn, p, clock or _utcnow)
            ledger._readonly = True
            return ledger
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against crashes, fewer fsyncs
            conn.execute("PRAGMA foreign_keys=ON")
            ledger = cls(conn, p, clock or _utcnow)
            ledger._migrate()
        except sqlite3.OperationalError as exc:  # e.g. another pbm is creating the same ledger
            conn.close()
            reason = sqlite_reason(exc) or str(exc)
            raise LedgerError(f"台账文件 {p} 暂时无法使用（{reason}）：请腾出磁盘空间、检查文件夹权限，"
                              "或等另一个正在写入的 pbm 命令结束后重试。") from None
        return ledger

    @classmethod
    def _create(cls, path: Path, clock: Clock) -> None:
        """A new ledger, built complete under a temporary name and then put in place (never
        over a file that appeared meanwhile): a ledger file pbm made is never empty or half
        made, so an empty file at ``path`` is not one of ours (``_check_file``)."""
        from ..fileio import new_temp

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = new_temp(path)  # (a killed creation's leftover is removed)
        except OSError as exc:
            raise LedgerError(f"无法在 {path.parent} 建立台账（{exc.strerror}）：请检查路径和文件夹的写入权限，"
                              "或用 --db 指定另一个台账文件。") from None
        try:
            with contextlib.closing(sqlite3.connect(tmp, isolation_level=None, timeout=30)) as conn:
                cls(conn, path, clock)._migrate()
            with contextlib.suppress(OSError):   # mkstemp made it 0600: a ledger others can read
                os.chmod(tmp, 0o666 & ~_umask())
            _place(tmp, path)
        finally:
            os.close(fd)
            tmp.unlink(missing_ok=True)

    def close(self) -> None:
        self.conn.close()
        if self._readonly:
            _tidy_wal(self.path)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all or nothing.  A full disk or a lost lock, at any statement or at
        COMMIT, rolls back and is one Chinese line (LedgerError, exit 2)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _write_failed(self.path, exc) or LedgerError(
                f"台账文件 {self.path} 正被其他程序占用（{exc}），请稍后重试。") from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            failed = _write_failed(self.path, exc)
            if failed is None:
                raise
            raise failed from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Undo the open transaction (SQLite may already have rolled it back itself)."""
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _migrate(self) -> None:
        with self.transaction() as c:
            c.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                      " applied_at TEXT NOT NULL)")
            done = c.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
            for number, sql in enumerate(MIGRATIONS, start=1):
                if number <= done:
                    continue
                for stmt in (s for s in sql.split(";") if s.strip()):
                    c.execute(stmt)
                c.execute("INSERT INTO schema_version VALUES (?, ?)", (number, self.now()))

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])

    def now(self) -> str:
        return self.clock().replace(microsecond=0).isoformat(sep=" ")

    def today(self) -> dt.date:
        return self.clock().date()

    # ------------------------------------------------------------------ units
    def upsert_units(self, units: Iterable[Unit]) -> int:
        """Insert or update units by code; returns how many rows were written."""
        rows = [(u.code, u.name, json.dumps(list(u.aliases), ensure_ascii=False), u.department,
                 u.category, u.contact) for u in units]
        with self.transaction() as c:
            c.executemany(
                "INSERT INTO units VALUES (?,?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET "
                "name=excluded.name, aliases=excluded.aliases, department=excluded.department, "
                "category=excluded.category, contact=excluded.contact", rows)
        return len(rows)

    def units(self) -> list[Unit]:
        """The units directory; a ledger opened read-only that holds none yet shows the
        directory file's units (``directory``) without writing them."""
        rows = self.conn.execute("SELECT * FROM units ORDER BY code").fetchall()
        if not rows:
            return list(self.directory)
        return [Unit(r["code"], r["name"], tuple(json.loads(r["aliases"])), r["department"],
                     r["category"], r["contact"]) for r in rows]

    def delete_unit(self, code: str) -> bool:
        with self.transaction() as c:
            return c.execute("DELETE FROM units WHERE code = ?", (code,)).rowcount > 0

    # ------------------------------------------------------------------ submissions
    def record_submission(self, sub: Submission | FormHead, findings: Sequence[Finding], score: Any,
                          period: str, unit_code: str | None = None,
                          unit_name: str | None = None) -> RecordResult:
        """Record one read form (or its FormHead) with its findings (code, severity, sheet, cell
        and message are kept) and score (a ScoreResult, its ScoreColumns, or None)."""
        with self.transaction() as c:
            return self._record_submission(c, sub, findings, score, period, unit_code, unit_name)

    def record_many(self, items: Iterable[tuple[Submission | FormHead, Sequence[Finding], Any, str,
                                                 str | None, str | None]]) -> list[RecordResult]:
        """Record several submissions in one transaction."""
        with self.transaction() as c:
            return [self._record_submission(c, *item) for item in items]

    def _record_submission(self, c: sqlite3.Connection, sub: Submission | FormHead,
                           findings: Sequence[Finding], score: Any, period: str,
                           unit_code: str | None, unit_name: str | None) -> RecordResult:
        old = c.execute("SELECT id, period, path FROM submissions WHERE sha256 = ?",
                        (sub.sha256,)).fetchone()
        if old is not None:
            return RecordResult(int(old["id"]), "duplicate", period=str(old["period"]),
                                path=str(old["path"]))
        name = unit_name if unit_name is not None else sub.unit
        code = unit_code or None
        form = sub.kind.value
        status = "error" if any(f.severity.value == "error" for f in findings) else "ok"
        cur = c.execute(
            "INSERT INTO submissions (path, sha256, form, unit_code, unit_name, project, period,"
            " recorded_at, status) VALUES (?,?,?,?,?,?,?,?,?)",
            (sub.path, sub.sha256, form, code, name, sub.project, period, self.now(), status))
        new_id = int(cur.lastrowid or 0)
        prev = c.execute(
            "SELECT id FROM submissions WHERE form=? AND period=? AND project=? AND id<>?"
            " AND superseded_by IS NULL AND (unit_code=? OR (unit_code IS NULL AND ? IS NULL"
            " AND unit_name=?))", (form, period, sub.project, new_id, code, code, name)).fetchone()
        if prev is not None:
            c.execute("UPDATE submissions SET superseded_by=? WHERE id=?", (new_id, prev["id"]))
        c.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?)",
                      [(new_id, f.code, f.severity.value, f.sheet, f.cell, f.message)
                       for f in findings])
        if score is not None:
            c.execute("INSERT INTO scores VALUES (?,?,?,?,?,?,?,?,?)", (new_id, *_score_row(score)))
        return RecordResult(new_id, "superseded" if prev else "new",
                            int(prev["id"]) if prev else None)

    def submissions(self, *, form: str | None = None, current: bool = True,
                    year: int | None = None) -> list[SubmissionRecord]:
        """Submissions (current versions only unless ``current=False``; periods of ``year``)
        with their score and counts of error / warning findings."""
        sql = ("SELECT s.*, sc.total, sc.self_total, sc.grade, sc.self_grade, sc.execution_rate,"
               " sc.budget, sc.spent, (SELECT COUNT(*) FROM findings f WHERE f.submission_id=s.id"
               " AND f.severity='error') AS errors, (SELECT COUNT(*) FROM findings f WHERE"
               " f.submission_id=s.id AND f.severity='warning') AS warnings FROM submissions s"
               " LEFT JOIN scores sc ON sc.submission_id = s.id WHERE 1=1")
        args: list[Any] = []
        if form:
            sql += " AND s.form = ?"
            args.append(form)
        if current:
            sql += " AND s.superseded_by IS NULL"
        if year is not None:
            sql += " AND s.period >= ? AND s.period < ?"
            args += [str(year), str(year + 1)]
        return _records(SubmissionRecord, self.conn.execute(sql + " ORDER BY s.id", args))

    def findings_of(self, submission_id: int) -> list[FindingRecord]:
        return _records(FindingRecord, self.conn.execute(
            "SELECT * FROM findings WHERE submission_id=? ORDER BY rowid", (submission_id,)))

    # ------------------------------------------------------------------ execution
    def record_execution(self, period: str, rows: Sequence[ExecutionRow], source: str) -> str:
        """Record a month's export; same (period, source) → no change; a new source supersedes.

        Returns "new", "duplicate" or "superseded".
        """
        with self.transaction() as c:
            seen = c.execute("SELECT 1 FROM execution WHERE period=? AND source=? LIMIT 1",
                             (period, source)).fetchone()
            if seen:
                return "duplicate"
            upd = c.execute("UPDATE execution SET superseded_by=? WHERE period=? AND"
                            " superseded_by IS NULL", (source, period)).rowcount
            c.execute("UPDATE execution_units SET superseded_by=? WHERE period=? AND"
                      " superseded_by IS NULL", (source, period))
            now = self.now()
            c.executemany(
                "INSERT INTO execution (period, unit_code, unit_name, project, budget, spent, rate,"
                " time_progress, gap, level, source, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [(period, r.unit_code, r.unit_name, r.project, r.budget, r.spent, r.rate,
                  r.time_progress, r.gap, r.level, source, now) for r in rows])
            c.execute("INSERT INTO execution_units SELECT period,"
                      " COALESCE(unit_code, '名称:' || unit_name), unit_code, MIN(unit_name),"
                      " COALESCE(SUM(budget), 0), COALESCE(SUM(spent), 0), source, NULL"
                      " FROM execution WHERE period=? AND source=?"
                      " GROUP BY COALESCE(unit_code, '名称:' || unit_name)", (period, source))
            return "superseded" if upd else "new"

    def execution_periods(self, prefix: str = "") -> list[str]:
        rows = self.conn.execute("SELECT DISTINCT period FROM execution WHERE period LIKE ?"
                                 " AND superseded_by IS NULL ORDER BY period", (prefix + "%",))
        return [r[0] for r in rows]

    def execution_totals(self, periods: Sequence[str]) -> dict[str, dict[str, tuple[float, float]]]:
        """{period: {unit key: (budget, spent)}} of current rows; key = code or 名称:name."""
        out: dict[str, dict[str, tuple[float, float]]] = {p: {} for p in periods}
        if not periods:
            return out
        marks = ",".join("?" * len(periods))
        sql = (f"SELECT period, unit_key, budget, spent FROM execution_units WHERE period IN"
               f" ({marks}) AND superseded_by IS NULL")
        for period, key, budget, spent in self.conn.execute(sql, list(periods)):
            out[period][key] = (budget, spent)
        return out

    def execution_names(self, periods: Sequence[str]) -> dict[str, tuple[str, str]]:
        """{unit key: (name, code)} of the units in the periods' current execution rows."""
        if not periods:
            return {}
        marks = ",".join("?" * len(periods))
        sql = (f"SELECT unit_key, unit_name, COALESCE(unit_code, '') FROM execution_units"
               f" WHERE period IN ({marks}) AND superseded_by IS NULL")
        return {k: (n, c) for k, n, c in self.conn.execute(sql, list(periods))}

    def execution_rows(self, period: str) -> list[ExecutionRecord]:
        return _records(ExecutionRecord, self.conn.execute(
            "SELECT * FROM execution WHERE period=? AND superseded_by IS NULL ORDER BY id", (period,)))

    def execution_sources(self, period: str) -> list[ExecutionSource]:
        """The exports recorded for ``period`` (current and superseded), oldest first."""
        rows = self.conn.execute(
            "SELECT period, source, COUNT(*) AS rows, COUNT(DISTINCT COALESCE(unit_code,"
            " '名称:' || unit_name)) AS units, MIN(recorded_at) AS recorded_at,"
            " MAX(superseded_by) AS superseded_by FROM execution WHERE period=?"
            " GROUP BY source ORDER BY MIN(id)", (period,))
        return _records(ExecutionSource, rows)

    # ------------------------------------------------------------------ removal
    def remove(self, submission_ids: Sequence[int], period: str, sources: Sequence[str],
               command: str, detail: dict[str, Any]) -> Removed:
        """Delete submissions (with their findings and scores) and the execution rows of
        ``sources`` recorded for ``period``; versions they had superseded are re-linked
        (``relink``: the next kept version, or current again).  The run, with ``detail``
        and the counts, is logged in ``runs`` in the same transaction."""
        with self.transaction() as c:
            findings, scores, subs = self._remove_submissions(c, list(dict.fromkeys(submission_ids)))
            rows = self._remove_execution(c, period, list(dict.fromkeys(sources)))
            counts = {"submissions": subs, "findings": findings, "scores": scores, "execution_rows": rows}
            cur = c.execute("INSERT INTO runs (command, started_at, detail) VALUES (?,?,?)",
                            (command, self.now(), json.dumps({**detail, "removed": counts},
                                                             ensure_ascii=False)))
            return Removed(**counts, run_id=int(cur.lastrowid or 0))

    @staticmethod
    def _remove_submissions(c: sqlite3.Connection, ids: list[int]) -> tuple[int, int, int]:
        links: dict[int, int | None] = {}
        for i in ids:
            links.update({r[0]: r[1] for r in c.execute(
                "SELECT id, superseded_by FROM submissions WHERE id=? OR superseded_by=?", (i, i))})
        c.executemany("UPDATE submissions SET superseded_by=NULL WHERE id=?", [(i,) for i in ids])
        c.executemany("UPDATE submissions SET superseded_by=? WHERE id=?",
                      [(nxt, key) for key, nxt in relink(links, set(ids)).items()])
        counts = [sum(c.execute(f"DELETE FROM {table} WHERE {column}=?", (i,)).rowcount for i in ids)
                  for table, column in (("findings", "submission_id"), ("scores", "submission_id"),
                                        ("submissions", "id"))]
        return counts[0], counts[1], counts[2]

    @staticmethod
    def _remove_execution(c: sqlite3.Connection, period: str, sources: list[str]) -> int:
        if not sources:
            return 0
        links: dict[str, str | None] = {r[0]: r[1] for r in c.execute(
            "SELECT source, MAX(superseded_by) FROM execution WHERE period=? GROUP BY source", (period,))}
        removed = 0
        for table in ("execution", "execution_units"):
            c.executemany(f"UPDATE {table} SET superseded_by=? WHERE period=? AND source=?",
                          [(nxt, period, key) for key, nxt in relink(links, set(sources)).items()])
            for source in sources:
                n = c.execute(f"DELETE FROM {table} WHERE period=? AND source=?", (period, source)).rowcount
                removed += n if table == "execution" else 0
        return removed

    # ------------------------------------------------------------------ rectification
    def add_rectification(self, *, unit_code: str | None, unit_name: str, problem: str,
                          source: str = "", requirement: str = "", deadline: str | None = None,
                          status: str = "open", evidence: str = "",
                          done_at: str | None = None) -> int | None:
        """Add one item; an identical item (unit + problem + source) is skipped (None)."""
        with self.transaction() as c:
            return self._add_rect(c, unit_code, unit_name, problem, source, requirement,
                                  deadline, status, evidence, done_at)

    def add_rectifications(self, items: Iterable[dict[str, Any]]) -> list[int | None]:
        """Add many items in one transaction (dicts of ``add_rectification`` keywords)."""
        with self.transaction() as c:
            return [self._add_rect(c, it.get("unit_code"), it.get("unit_name", ""), it["problem"],
                                   it.get("source", ""), it.get("requirement", ""),
                                   it.get("deadline"), it.get("status", "open"),
                                   it.get("evidence", ""), it.get("done_at")) for it in items]

    def _add_rect(self, c: sqlite3.Connection, unit_code: str | None, unit_name: str,
                  problem: str, source: str, requirement: str, deadline: str | None,
                  status: str, evidence: str, done_at: str | None) -> int | None:
        key = json.dumps([unit_code or unit_name, problem, source], ensure_ascii=False)
        cur = c.execute(
            "INSERT OR IGNORE INTO rectifications (unit_code, unit_name, problem, source,"
            " requirement, deadline, status, evidence, done_at, created_at, key)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (unit_code, unit_name, problem, source, requirement, deadline, status, evidence,
             done_at, self.now(), key))
        return int(cur.lastrowid) if cur.rowcount and cur.lastrowid is not None else None

    def rectifications(self, status: str | None = None) -> list[Rectification]:
        sql, args = "SELECT * FROM rectifications", []
        if status:
            sql, args = sql + " WHERE status = ?", [status]
        rows = self.conn.execute(sql + " ORDER BY id", args).fetchall()
        return _records(Rectification, rows)

    def rectification(self, item_id: int) -> Rectification | None:
        found = [r for r in self.rectifications() if r.id == item_id]
        return found[0] if found else None

    def complete_rectification(self, item_id: int, evidence: str, done_at: str | None = None,
                               allow: Callable[[Rectification], None] | None = None) -> Rectification | None:
        """Mark an item done with its evidence; the item as written, or None when the id does
        not exist.  ``allow(item)`` sees the item as it is inside the write transaction and may
        raise to leave it unchanged: two clerks completing the same item at once cannot both
        pass the check, so one evidence never silently replaces the other."""
        with self.transaction() as c:
            found = _records(Rectification, c.execute("SELECT * FROM rectifications WHERE id=?", (item_id,)))
            if not found:
                return None
            if allow is not None:
                allow(found[0])
            c.execute("UPDATE rectifications SET status='done', evidence=?, done_at=? WHERE id=?",
                      (evidence, done_at or self.today().isoformat(), item_id))
            return _records(Rectification, c.execute("SELECT * FROM rectifications WHERE id=?", (item_id,)))[0]

    def delete_rectification(self, item_id: int) -> bool:
        with self.transaction() as c:
            return c.execute("DELETE FROM rectifications WHERE id=?", (item_id,)).rowcount > 0

    # ------------------------------------------------------------------ runs / summary
    def log_run(self, command: str, detail: dict[str, Any]) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO runs (command, started_at, detail) VALUES (?,?,?)",
                      (command, self.now(), json.dumps(detail, ensure_ascii=False)))

    def summary(self) -> dict[str, Any]:
        """What is recorded: periods, units, counts by form, superseded versions (pbm ledger)."""
        q = self.conn.execute
        forms = {r[0]: {"current": r[1], "superseded": r[2]} for r in q(
            "SELECT form, SUM(superseded_by IS NULL), SUM(superseded_by IS NOT NULL)"
            " FROM submissions GROUP BY form ORDER BY form")}
        periods = sorted({r[0] for r in q("SELECT period FROM submissions UNION"
                                          " SELECT period FROM execution")})
        return {
            "db": str(self.path),
            "schema_version": self.schema_version,
            "units": q("SELECT COUNT(*) FROM units").fetchone()[0],
            "periods": periods,
            "forms": forms,
            "execution": {r[0]: r[1] for r in q(
                "SELECT period, COUNT(*) FROM execution WHERE superseded_by IS NULL"
                " GROUP BY period ORDER BY period")},
            "superseded": [dict(r) for r in q(
                "SELECT s.id, s.form, s.unit_name, s.project, s.period, s.path, s.superseded_by"
                " FROM submissions s WHERE s.superseded_by IS NOT NULL ORDER BY s.id")],
            "rectifications": {r[0]: r[1] for r in q(
                "SELECT status, COUNT(*) FROM rectifications GROUP BY status")},
            "runs": q("SELECT COUNT(*) FROM runs").fetchone()[0],
            "removals": self.removals(),
        }

    def removals(self) -> list[dict[str, Any]]:
        """The audit lines of ``remove`` runs, oldest first: when, which period, what was asked
        (``filters`` as text) and how much was deleted."""
        out = []
        for run_id, at, text in self.conn.execute(
                "SELECT id, started_at, detail FROM runs WHERE command='ledger remove' ORDER BY id"):
            d = json.loads(text)
            filters = d.get("filters") or {}
            removed = d.get("removed") or {}
            out.append({"run": run_id, "at": at, "period": d.get("period", ""),
                        "filters": " ".join(f"--{k} {v}" for k, v in filters.items())
                        + (" --execution" if d.get("execution") else ""),
                        "submissions": removed.get("submissions", 0),
                        "execution_rows": removed.get("execution_rows", 0)})
        return out


def _score_row(score: Any) -> tuple[Any, ...]:
    """ScoreResult (or its ScoreColumns) → scores columns."""
    c = ScoreColumns.of(score)
    return (c.total, c.self_total, c.grade, c.self_grade, c.execution_rate, c.budget, c.spent,
            c.difference)
