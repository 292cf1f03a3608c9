"""The ledger file itself (issue 16, items 9, 12–14): a folder or a ledger of a newer schema is
refused in Chinese and never written; check-and-write in one transaction; read-only
commands open it read-only; outputs are checked before the ledger is written."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import Run, assert_clean_run, invoke, october_ledger, squash
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import Run, assert_clean_run, invoke, october_ledger, squash  # type: ignore[no-redef]

from pbmcli.ledger.store import MIGRATIONS, Ledger


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(run: Run, *words: str) -> str:
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    text = squash(run.stderr)
    for word in words:
        assert word in text, run.stderr
    return text


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return october_ledger(tmp_path)


# ---------------------------------------------------------------- item 9


READERS = [["ledger"], ["rank", "-p", "2026-10"], ["apply", "--year", "2026"], ["rectify", "list"],
           ["notice", "monthly", "-p", "2026-10"]]
WRITERS = [["monitor", "EXPORT", "-p", "2026-10", "--record"], ["ingest", "EXPORT", "-p", "2026"],
           ["rectify", "import", "EXPORT"]]


@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: "-".join(a[:2]))
def test_ledger_path_that_is_a_folder_is_refused(args: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "台账"
    folder.mkdir()
    export = hf.export(tmp_path / "2026-10.xlsx")
    run = invoke(*[str(export) if a == "EXPORT" else a for a in args], "--db", folder,
                 *(["-o", tmp_path / "通报"] if args[0] == "notice" else []))
    _refused(run, "是一个文件夹", "--db")
    assert list(folder.iterdir()) == []


def _from_the_future(db: Path) -> None:
    """What a later pbm might do: a new schema version that renames a column."""
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("ALTER TABLE execution RENAME COLUMN budget TO budget_yuan")
        conn.execute("INSERT INTO schema_version VALUES (?, '2030-01-01 00:00:00')", (len(MIGRATIONS) + 1,))
    assert not Path(f"{db}-wal").exists()  # all in the file itself


@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: "-".join(a[:2]))
def test_ledger_of_a_newer_schema_is_neither_read_nor_written(args: list[str], ledger: Path,
                                                              tmp_path: Path) -> None:
    _from_the_future(ledger)
    before = _sha(ledger)
    export = hf.export(tmp_path / "十月.xlsx")
    run = invoke(*[str(export) if a == "EXPORT" else a for a in args], "--db", ledger,
                 *(["-o", tmp_path / "通报"] if args[0] == "notice" else []))
    _refused(run, "更新版本的pbm", f"结构版本{len(MIGRATIONS) + 1}", "升级")
    assert _sha(ledger) == before
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == len(MIGRATIONS) + 1


# ---------------------------------------------------------------- item 12


class _OtherClerkInBetween(sqlite3.Connection):
    """When pbm reads the rectification item it is about to complete, another clerk's
    ``rectify done`` tries to complete the same item (its own transaction, not waiting)."""

    other: dict[str, str] = {}

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        cur = super().execute(sql, *args)
        if sql.lstrip().upper().startswith("SELECT") and "FROM RECTIFICATIONS" in sql.upper() \
                and "outcome" not in self.other:
            self.other["outcome"] = self._other_clerk()
        return cur

    def _other_clerk(self) -> str:
        with contextlib.closing(sqlite3.connect(self.other["db"], timeout=0, isolation_level=None)) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return "waits"  # the first clerk holds the write lock from check to write
            if conn.execute("SELECT status FROM rectifications WHERE id=1").fetchone()[0] == "done":
                conn.execute("ROLLBACK")
                return "refused"
            conn.execute("UPDATE rectifications SET status='done', evidence='乙的佐证' WHERE id=1")
            conn.execute("COMMIT")
            return "written"


def test_rectify_done_checks_and_writes_in_one_transaction(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Two clerks complete the same item at once: the second never slips in between the first
    one's "not done yet?" check and its write (was: both exit 0, the first evidence lost)."""
    db = tmp_path / "pbm.sqlite"
    with Ledger.open(db) as ledger:
        ledger.add_rectification(unit_code="101", unit_name="县财政局", problem="指标不细化")
    _OtherClerkInBetween.other = {"db": str(db)}
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(*a, **{"factory": _OtherClerkInBetween, **k}))
    first = invoke("rectify", "done", "1", "--evidence", "甲的佐证", "--db", db)
    monkeypatch.setattr(sqlite3, "connect", real)
    assert first.exit_code == 0, first.stderr
    assert _OtherClerkInBetween.other["outcome"] == "waits"
    second = invoke("rectify", "done", "1", "--evidence", "乙的佐证", "--db", db)  # when its turn comes
    _refused(second, "已于", "登记完成", "甲的佐证", "--force")
    with Ledger.open(db) as ledger:
        item = ledger.rectification(1)
    assert item is not None and item.status == "done" and item.evidence == "甲的佐证"


# ---------------------------------------------------------------- item 13

READ_ONLY = {
    "ledger": ["ledger"],
    "rank": ["rank", "-p", "2026-10"],
    "apply": ["apply", "--year", "2026"],
    "rectify-list": ["rectify", "list"],
    "notice": ["notice", "monthly", "-p", "2026-10", "--date", "2026-11-05", "-o", "OUT"],
}


def _read(name: str, db: Path, out: Path) -> Run:
    return invoke(*[str(out / name) if a == "OUT" else a for a in READ_ONLY[name]], "--db", db)


def _read_ok(run: Run) -> None:
    assert_clean_run(run)
    assert run.exit_code == 0 or (run.exit_code == 2 and "没有2026年度" in squash(run.stderr)), run.stderr


@pytest.mark.parametrize("name", READ_ONLY)
def test_reading_is_not_blocked_by_a_writer(name: str, ledger: Path, tmp_path: Path) -> None:
    """Another command holds the write lock: reading commands do not wait for it (was: 30 s,
    then "暂时无法使用")."""
    with contextlib.closing(sqlite3.connect(ledger, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO runs (command, started_at) VALUES ('pbm ingest', '2026-11-05')")
        _read_ok(_read(name, ledger, tmp_path))
        writer.execute("ROLLBACK")


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """``read_only(folder)``: the folder and its files cannot be changed, as on a read-only
    share or medium (root ignores permissions: the files are made immutable instead)."""
    done: list[Path] = []

    def make(folder: Path) -> None:
        paths = [*folder.iterdir(), folder]
        if os.geteuid() != 0:
            for p in paths:
                p.chmod(0o444 if p.is_file() else 0o555)
        elif subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True).returncode:
            pytest.skip("running as root and chattr +i is not available to make a read-only folder")
        done.extend(paths)

    yield make
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", *map(str, done)], capture_output=True)
    for p in done:
        p.chmod(0o644 if p.is_file() else 0o755)


@pytest.mark.parametrize("name", READ_ONLY)
def test_a_ledger_on_a_read_only_folder_can_be_read(name: str, ledger: Path, tmp_path: Path,
                                                    read_only: Callable[[Path], None]) -> None:
    share = tmp_path / "只读"
    share.mkdir()
    db = share / "pbm.sqlite"
    db.write_bytes(ledger.read_bytes())
    before = _sha(db)
    read_only(share)
    out = tmp_path / "输出"
    out.mkdir()
    _read_ok(_read(name, db, out))
    assert _sha(db) == before and sorted(p.name for p in share.iterdir()) == ["pbm.sqlite"]


def _version_1(db: Path) -> None:
    """A ledger as the first pbm release left it: schema version 1 (no execution_units)."""
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        conn.executescript(MIGRATIONS[0])
        conn.execute("INSERT INTO schema_version VALUES (1, '2025-01-01 00:00:00')")


@pytest.mark.parametrize("name", READ_ONLY)
def test_an_old_ledger_is_not_migrated_by_a_reading_command(name: str, tmp_path: Path) -> None:
    """Reading an old ledger asks for a writing command first; after one, it reads."""
    db = tmp_path / "旧台账.sqlite"
    _version_1(db)
    before = _sha(db)
    _refused(_read(name, db, tmp_path), "结构版本为1", "写入台账的命令", "自动升级")
    assert _sha(db) == before
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    run = invoke("monitor", hf.export(tmp_path / "2026-10.xlsx"), "-p", "2026-10", "--record", "--db", db)
    assert run.exit_code == 0, run.stderr
    _read_ok(_read(name, db, tmp_path))


# ---------------------------------------------------------------- item 14


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_monitor_record_checks_its_output_before_writing_the_ledger(fmt: str, ledger: Path, tmp_path: Path) -> None:
    existing = tmp_path / f"监控.{fmt}"
    existing.write_bytes(b"the clerk's own file")
    before = _sha(ledger)
    export = hf.export(tmp_path / "十一月.xlsx")
    run = invoke("monitor", export, "-p", "2026-11", "--record", "-f", fmt, "-o", existing, "--db", ledger)
    _refused(run, "输出文件已存在", "--force")
    assert existing.read_bytes() == b"the clerk's own file"
    assert _sha(ledger) == before  # 2026-11 not recorded
    assert "已记入台账" not in run.stderr


@pytest.mark.parametrize("args", [["monitor", "EXPORT", "-p", "2026-10", "--record"], ["ingest", "FORMS", "-p", "2026"],
                                  ["ledger", "--units", "UNITS"], ["rectify", "done", "1", "--evidence", "x"],
                                  ["ledger"]], ids=lambda a: "-".join(a[:2]))
def test_an_empty_ledger_file_is_not_silently_initialised(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "pbm.sqlite"
    db.write_bytes(b"")
    forms = tmp_path / "forms"
    forms.mkdir()
    hf._form(forms / "自评.xlsx")
    units = tmp_path / "units.xlsx"
    hf.export(units, [["单位编码", "单位名称"], ["101", "县财政局"]])
    paths = {"EXPORT": hf.export(tmp_path / "2026-10.xlsx"), "FORMS": forms, "UNITS": units}
    run = invoke(*[str(paths.get(a, a)) for a in args], "--db", db)
    _refused(run, "空文件（0字节）", "备份", "删除这个空文件")
    assert db.read_bytes() == b""


def test_a_new_ledger_is_never_left_half_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while a new ledger is being made: no file is left under its name (a
    later run would otherwise find an empty or half-made ledger)."""
    real = sqlite3.connect

    def tiny(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(*args, **kwargs)
        conn.execute("PRAGMA max_page_count = 2")
        return conn

    folder = tmp_path / "台账"
    folder.mkdir()
    export = hf.export(tmp_path / "2026-10.xlsx")
    monkeypatch.setattr(sqlite3, "connect", tiny)
    run = invoke("monitor", export, "-p", "2026-10", "--record", "--db", folder / "pbm.sqlite")
    monkeypatch.setattr(sqlite3, "connect", real)
    _refused(run, "磁盘空间不足")
    assert list(folder.iterdir()) == []


def test_another_programs_database_is_not_turned_into_a_ledger(tmp_path: Path) -> None:
    db = tmp_path / "财务软件.db"
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("CREATE TABLE vouchers (id INTEGER PRIMARY KEY, amount REAL)")
    before = _sha(db)
    run = invoke("monitor", hf.export(tmp_path / "2026-10.xlsx"), "-p", "2026-10", "--record", "--db", db)
    _refused(run, "其他程序的SQLite数据库", "不是pbm的台账")
    assert _sha(db) == before
