"""Ledger: migrations, idempotency, supersede, transactions (SIGKILL), corrupt files."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import MIGRATIONS, Ledger, LedgerError
from pbmcli.ledger.units import Unit
from pbmcli.model import Field, Finding, FormKind, Severity, Submission

CLOCK = lambda: dt.datetime(2026, 11, 22, 9, 30)  # noqa: E731


def make_sub(sha: str, unit: str = "县财政局", project: str = "项目A",
             kind: FormKind = FormKind.SELFEVAL) -> Submission:
    return Submission(path=f"{sha}.xlsx", kind=kind, sha256=sha,
                      header={"unit": Field(unit), "project": Field(project)})


def make_score(total: float, grade: str = "良", budget: float = 100.0, spent: float = 90.0):
    ex = SimpleNamespace(rate=spent / budget * 100, budget=budget, spent=spent)
    return SimpleNamespace(total=total, self_total=total + 1, grade=grade, self_grade=grade,
                           difference=1.0, execution=ex)


def counts(ledger: Ledger) -> tuple[int, ...]:
    q = ledger.conn.execute
    return tuple(q(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                 for t in ("submissions", "findings", "scores", "execution"))


@pytest.fixture
def ledger(tmp_path: Path):
    with Ledger.open(tmp_path / "pbm.sqlite", CLOCK) as led:
        yield led


def test_created_with_schema_version_and_wal(tmp_path: Path):
    path = tmp_path / "sub" / "pbm.sqlite"
    with Ledger.open(path, CLOCK) as led:
        assert led.schema_version == len(MIGRATIONS)
        assert led.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Ledger.open(path, CLOCK) as again:  # reopening applies nothing twice
        rows = again.conn.execute("SELECT version FROM schema_version").fetchall()
        assert [r[0] for r in rows] == list(range(1, len(MIGRATIONS) + 1))


def test_an_empty_file_is_not_taken_for_a_new_ledger(tmp_path: Path):
    """pbm builds a new ledger under a temporary name: an empty file is never one of its own
    (a truncated ledger, a stray file) and is not silently initialised."""
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with pytest.raises(LedgerError, match="空文件"):
        Ledger.open(path, CLOCK)
    assert path.read_bytes() == b""


def test_same_sha_twice_changes_nothing(ledger: Ledger):
    f = [Finding("S201", Severity.ERROR, "分值合计不为100", sheet="自评表", cell="F20")]
    first = ledger.record_submission(make_sub("aa"), f, make_score(88), "2026", "101", "县财政局")
    before = counts(ledger)
    again = ledger.record_submission(make_sub("aa"), f, make_score(88), "2026", "101", "县财政局")
    assert (first.status, again.status) == ("new", "duplicate")
    assert again.id == first.id
    assert counts(ledger) == before == (1, 1, 1, 0)


def test_newer_version_supersedes_and_keeps_history(ledger: Ledger):
    old = ledger.record_submission(make_sub("v1"), [], make_score(70, "中"), "2026", "101", "县财政局")
    other = ledger.record_submission(make_sub("x", project="项目B"), [], None, "2026", "101", "县财政局")
    new = ledger.record_submission(make_sub("v2"), [], make_score(91, "优"), "2026", "101", "县财政局")
    assert new.status == "superseded" and new.superseded == old.id
    current = ledger.submissions(form="selfeval")
    assert [r.id for r in current] == [other.id, new.id]
    assert current[1].total == 91 and current[1].grade == "优" and current[1].errors == 0
    history = ledger.submissions(form="selfeval", current=False)
    assert len(history) == 3
    assert ledger.summary()["superseded"][0]["superseded_by"] == new.id


def test_other_period_does_not_supersede(ledger: Ledger):
    ledger.record_submission(make_sub("p1"), [], None, "2025", "101", "县财政局")
    res = ledger.record_submission(make_sub("p2"), [], None, "2026", "101", "县财政局")
    assert res.status == "new"
    assert len(ledger.submissions()) == 2


def test_execution_same_source_idempotent_new_source_supersedes(ledger: Ledger):
    rows = [ExecutionRow("101", "县财政局", "项目A", 100.0, 50.0)]
    assert ledger.record_execution("2026-10", rows, "s1") == "new"
    assert ledger.record_execution("2026-10", rows, "s1") == "duplicate"
    rows2 = [ExecutionRow("101", "县财政局", "项目A", 100.0, 70.0)]
    assert ledger.record_execution("2026-10", rows2, "s2") == "superseded"
    assert ledger.execution_totals(["2026-10"]) == {"2026-10": {"101": (100.0, 70.0)}}
    assert counts(ledger)[3] == 2  # the old rows stay in history


def test_failed_write_rolls_back(ledger: Ledger):
    bad = [ExecutionRow("101", "县财政局", "A", 1.0, 1.0), ExecutionRow("101", None, "B", 1.0, 1.0)]  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        ledger.record_execution("2026-10", bad, "s1")
    assert counts(ledger) == (0, 0, 0, 0)


def test_units_and_rectification_crud(ledger: Ledger):
    ledger.upsert_units([Unit("101", "县财政局", ("财政局",))])
    ledger.upsert_units([Unit("101", "县财政局", ("财政局", "县财政"), category="部门")])
    assert ledger.units() == [Unit("101", "县财政局", ("财政局", "县财政"), category="部门")]
    item = ledger.add_rectification(unit_code="101", unit_name="县财政局", problem="指标不细化",
                                    deadline="2026-10-31")
    assert ledger.add_rectification(unit_code="101", unit_name="县财政局", problem="指标不细化") is None
    assert item is not None
    assert ledger.rectification(item).overdue(dt.date(2026, 11, 1))
    assert ledger.complete_rectification(item, "已修改", "2026-10-30")
    done = ledger.rectification(item)
    assert done.status == "done" and done.done_on_time() and not done.overdue(dt.date(2026, 11, 1))
    assert ledger.delete_rectification(item) and ledger.rectifications() == []
    assert ledger.delete_unit("101") and ledger.units() == []


@pytest.mark.parametrize("content", [b"this is not a database at all" * 10, b"PK\x03\x04" + b"\x00" * 200])
def test_not_a_sqlite_file_is_reported_and_kept(tmp_path: Path, content: bytes):
    path = tmp_path / "pbm.sqlite"
    path.write_bytes(content)
    with pytest.raises(LedgerError, match="不是 SQLite 数据库"):
        Ledger.open(path, CLOCK)
    assert path.read_bytes() == content


def test_damaged_database_is_reported_and_kept(tmp_path: Path):
    path = tmp_path / "pbm.sqlite"
    with Ledger.open(path, CLOCK) as led:
        led.record_execution("2026-10", [ExecutionRow("1", "甲", "A", 1.0, 1.0)] * 200, "s")
        led.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # wreck page 2
    path.write_bytes(bytes(data))
    with pytest.raises(LedgerError, match="台账文件"):
        Ledger.open(path, CLOCK)
    assert path.read_bytes() == bytes(data)


def test_cli_reports_corrupt_ledger_exit_2(tmp_path: Path):
    from typer.testing import CliRunner

    from pbmcli.cli import app

    path = tmp_path / "pbm.sqlite"
    path.write_text("不是数据库", "utf-8")
    res = CliRunner().invoke(app, ["ledger", "--db", str(path)])
    assert res.exit_code == 2
    assert "不是SQLite数据库" in "".join(res.output.split())
    assert path.read_text("utf-8") == "不是数据库"


WRITER = """
import sys
from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import Ledger
led = Ledger.open(sys.argv[1])
rows = [ExecutionRow(str(u), f"单位{u}", f"项目{p}", 100.0, 50.0) for u in range(50) for p in range(10)]
i = 0
print("ready", flush=True)
while True:
    led.record_execution("2026-%02d" % (i % 12 + 1), rows, f"src{i}")
    i += 1
"""


def test_sigkill_mid_write_leaves_ledger_consistent(tmp_path: Path):
    db = tmp_path / "pbm.sqlite"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, "utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(db)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # wait until a few transactions have committed
        time.sleep(0.2)
        with sqlite3.connect(db) as probe:
            if probe.execute("SELECT COUNT(DISTINCT source) FROM execution").fetchone()[0] >= 3:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Ledger.open(db, CLOCK) as led:
        per_source = led.conn.execute("SELECT source, COUNT(*) FROM execution GROUP BY source").fetchall()
        assert per_source and all(n == 500 for _, n in per_source)  # whole transactions only
        current = led.conn.execute("SELECT period, COUNT(DISTINCT source) FROM execution"
                                   " WHERE superseded_by IS NULL GROUP BY period").fetchall()
        assert all(n == 1 for _, n in current)
        led.record_execution("2027-01", [ExecutionRow("1", "甲", "A", 1.0, 1.0)], "after")


def test_migrates_a_version_1_ledger_and_backfills(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1, '2026-01-01 00:00:00')")
    conn.executemany("INSERT INTO execution (period, unit_code, unit_name, project, budget, spent, source,"
                     " recorded_at) VALUES (?,?,?,?,?,?,?,?)",
                     [("2026-10", "101", "县财政局", "A", 100.0, 40.0, "s", "x"),
                      ("2026-10", "101", "县财政局", "B", 50.0, 10.0, "s", "x"),
                      ("2026-10", None, "无编码单位", "C", 10.0, 1.0, "s", "x")])
    conn.commit()
    conn.close()
    with Ledger.open(path, CLOCK) as led:
        assert led.schema_version == len(MIGRATIONS) >= 2
        assert led.execution_totals(["2026-10"]) == {
            "2026-10": {"101": (150.0, 50.0), "名称:无编码单位": (10.0, 1.0)}}


def test_record_many_is_all_or_nothing(ledger: Ledger):
    good = (make_sub("ok"), [], None, "2026", "101", "县财政局")
    bad = (make_sub(None), [], None, "2026", "102", "县教育局")  # type: ignore[arg-type]  # sha256 NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        ledger.record_many([good, bad])
    assert counts(ledger) == (0, 0, 0, 0)
    assert [r.status for r in ledger.record_many([good, good])] == ["new", "duplicate"]


@pytest.mark.parametrize(("status", "deadline", "done_at", "on_time"), [
    ("done", "2026-08-31", None, True),  # marked 已整改 without a date: no evidence it was late
    ("done", "2026-08-31", "2026-08-31", True), ("done", "2026-08-31", "2026-09-01", False),
    ("open", "2026-08-31", None, False)])
def test_done_on_time(ledger: Ledger, status, deadline, done_at, on_time):
    ledger.add_rectification(unit_code="A", unit_name="甲", problem="p", deadline=deadline, status=status,
                             done_at=done_at)
    assert ledger.rectifications()[0].done_on_time() is on_time


def test_a_new_ledger_has_the_permissions_of_a_normal_file(tmp_path: Path) -> None:
    import os
    import stat

    mask = os.umask(0o022)
    try:
        Ledger.open(tmp_path / "new.sqlite").close()
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.sqlite").stat().st_mode) == 0o644   # readable by colleagues


def test_reading_leaves_no_wal_files_behind(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.open(path).close()
    with Ledger.open(path, readonly=True) as led:
        led.units()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.sqlite"]   # no l.sqlite-wal / -shm
