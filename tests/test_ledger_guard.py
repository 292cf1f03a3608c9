"""The ledger file itself (issue 16, items 9, 12–14): a folder or a ledger of a newer schema is
refused in Chinese and never written; check-and-write in one transaction; read-only
commands open it read-only; outputs are checked before the ledger is written."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

import pytest

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import Run, assert_clean_run, invoke, squash
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import Run, assert_clean_run, invoke, squash  # type: ignore[no-redef]

from pbmcli.ledger.store import MIGRATIONS


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
    """A ledger holding October's execution data (two units)."""
    db = tmp_path / "pbm.sqlite"
    run = invoke("monitor", hf.export(tmp_path / "2026-10.xlsx"), "-p", "2026-10", "--record", "--db", db)
    assert run.exit_code == 0, run.stderr
    return db


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
