"""A full disk (issue 16, item 8): every output and the ledger stop with one Chinese line and
exit 2, leave no partial file under a final name and the ledger as it was.

The disk is simulated by the real exception types: writes to files under a folder raise
``OSError(ENOSPC)`` (the zip writers of openpyxl and xlsxwriter included), SQLite raises
``database or disk is full`` at COMMIT, or a real SQLITE_FULL from ``max_page_count``."""

from __future__ import annotations

import builtins
import errno
import gc
import io
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import assert_clean_run, invoke, squash
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import assert_clean_run, invoke, squash  # type: ignore[no-redef]


class _FullFile:
    """A file open for writing on a full disk: every write fails, like the real one."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], Path]]:
    """``full_disk(folder)`` puts ``folder`` on a full disk: files opened for writing under it
    cannot be written.  Objects Python could not clean up afterwards (an unclosed zip writer
    printing "Exception ignored in ZipFile.__del__") are collected and must be none."""
    full: list[Path] = []
    real_open = io.open

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if (full and isinstance(file, str | os.PathLike) and any(m in mode for m in "wax+")
                and Path(os.fspath(file)).resolve().is_relative_to(full[0])):
            return _FullFile(handle)
        return handle

    def use(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        full.append(folder.resolve())
        return folder

    ignored: list[str] = []
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(sys, "unraisablehook", lambda u: ignored.append(f"{u.object!r}: {u.exc_value!r}"))
    yield use
    gc.collect()
    assert not ignored, f"Python reported {len(ignored)} objects it could not clean up: {ignored[:2]}"


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    for i in range(3):
        hf._form(folder / f"负数{i}.xlsx", amount=-100.0, big_text=f"项目{i}")
    return folder


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_annotate_onto_a_full_disk_stops_with_one_line(forms: Path, tmp_path: Path, full_disk: Any) -> None:
    out = full_disk(tmp_path / "批注")
    run = invoke("validate", "-q", "-j", "1", "--format", "json", "--annotate", out, forms)
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    line = _one_error_line(run.stderr)
    assert "磁盘空间不足" in line
    assert _files(out) == []


def test_xlsx_report_onto_a_full_disk_is_exit_2(forms: Path, tmp_path: Path, full_disk: Any) -> None:
    """xlsxwriter wraps the OSError in its FileCreateError (was: exit 3, internal error)."""
    out = full_disk(tmp_path / "输出")
    run = invoke("validate", "-q", "--format", "xlsx", "-o", out / "审核.xlsx", forms)
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    assert "磁盘空间不足" in _one_error_line(run.stderr)
    assert _files(out) == []


# ---------------------------------------------------------------- the ledger


def _export(folder: Path, month: int) -> Path:
    rows = [list(r) for r in hf.EXPORT_ROWS]
    rows[0][0] = f"2026年{month}月预算执行情况（单位：万元）"
    return hf.export(folder / f"2026-{month:02d}.xlsx", rows)


def _periods(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT DISTINCT period FROM execution ORDER BY period")]


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """A ledger holding September's execution data."""
    db = tmp_path / "pbm.sqlite"
    run = invoke("monitor", _export(tmp_path, 9), "-p", "2026-09", "--record", "--db", db)
    assert run.exit_code == 0, run.stderr
    return db


class _FullAtCommit(sqlite3.Connection):
    """A connection whose disk fills up just before a transaction is committed."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.strip().upper() == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)


def test_ledger_disk_full_at_commit_is_exit_2(ledger: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(*a, factory=_FullAtCommit, **k))
    run = invoke("monitor", _export(tmp_path, 10), "-p", "2026-10", "--record", "--db", ledger)
    monkeypatch.setattr(sqlite3, "connect", real)
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    line = squash(_one_error_line(run.stderr))
    assert "无法写入台账" in line and "磁盘空间不足" in line and "台账保持原样" in line
    assert _periods(ledger) == ["2026-09"] and _integrity(ledger) == "ok"


def test_ledger_really_full_is_exit_2_and_unchanged(ledger: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own SQLITE_FULL: the ledger may not grow by a single page."""
    real = sqlite3.connect

    def capped(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    forms = tmp_path / "自评"
    forms.mkdir()
    for i in range(40):
        hf._form(forms / f"自评{i:02d}.xlsx", big_text=f"项目{i:02d}" + "很长的项目名称" * 40)
    monkeypatch.setattr(sqlite3, "connect", capped)
    run = invoke("ingest", forms, "-p", "2026", "--db", ledger)
    monkeypatch.setattr(sqlite3, "connect", real)
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    assert "磁盘空间不足" in squash(run.stderr)
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0
    assert _integrity(ledger) == "ok"
