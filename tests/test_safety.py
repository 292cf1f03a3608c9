"""Safety guarantees of every command: inputs never modified, outputs atomic and never
overwritten without --force, submission text never becomes a formula, the ledger
survives a kill and a corrupt ledger is reported and left alone."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

try:  # `python -m pytest` from the repository root, or tests/ on sys.path
    from tests.hostile import factory as hf
    from tests.hostile.conftest import Run, assert_clean_run, invoke, squash
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import Run, assert_clean_run, invoke, squash  # type: ignore[no-redef]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _ok(run: Run) -> Run:
    assert_clean_run(run)
    assert run.exit_code in (0, 1), run.stderr
    return run


# ---------------------------------------------------------------- inputs are never modified


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/: units, submissions (incl. a GBK zip), exports, monitoring forms."""
    ws = tmp_path_factory.mktemp("ws") / "示例 工作区"
    shutil.copytree(EXAMPLES, ws)
    return ws


FLOW: list[list[str]] = [
    ["validate", "-q", "-j", "1", "--annotate", "批注", "submissions"],
    ["validate", "-q", "--format", "json", "-o", "out/审核.json", "submissions"],
    ["validate", "-q", "--format", "xlsx", "-o", "out/审核.xlsx", "submissions/2026/自评"],
    ["score", "-q", "-j", "1", "submissions/2026/自评", "--goals", "submissions/2026/目标申报",
     "--format", "csv", "-o", "out/复核.csv"],
    ["inspect", "submissions/2026/自评/文旅局送戏下乡自评表.xlsx"],
    ["monitor", "execution/2026-10.xlsx", "-p", "2026-10", "--record", "--db", "out/pbm.sqlite"],
    ["monitor", "execution/2026-07.csv", "-p", "2026-07", "--record", "--db", "out/pbm.sqlite"],
    ["monitor", "execution/2026-09.xlsx", "-p", "2026-09", "--format", "json", "-o", "out/监控.json",
     "--db", "out/pbm.sqlite"],
    ["monitor", "monitor/2026-08", "-p", "2026-08", "--db", "out/pbm.sqlite"],
    ["ingest", "submissions/2026/自评", "-p", "2026", "--db", "out/pbm.sqlite"],
    ["rank", "-p", "2026-10", "--db", "out/pbm.sqlite", "--format", "xlsx", "-o", "out/排名.xlsx"],
    ["rank", "-p", "2026", "--db", "out/pbm.sqlite"],
    ["notice", "monthly", "-p", "2026-10", "--db", "out/pbm.sqlite", "-o", "out/通报", "--date", "2026-11-05"],
    ["notice", "return", "--from", "out/审核.json", "-o", "out/退回", "--date", "2026-11-05"],
    ["template", "selfeval", "--units", "units.xlsx", "--out-dir", "out/分发"],
]


def test_no_command_modifies_an_input(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    inputs = _hashes(workspace)
    (workspace / "out").mkdir()
    for args in FLOW:
        before = _hashes(workspace)
        _ok(invoke(*args))
        after = _hashes(workspace)
        changed = [p for p, h in before.items() if after.get(p) != h and not p.startswith("out/pbm.sqlite")]
        assert not changed, f"{args[0]} modified or removed {changed}"
    final = _hashes(workspace)
    assert {p: final[p] for p in inputs} == inputs
    assert (workspace / "批注").is_dir() and (workspace / "out" / "分发").is_dir()


# ---------------------------------------------------------------- outputs: --force, atomic, text stays text


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """forms/ (one form with errors, one with formula-like text), an export with such text,
    and a ledger holding one month."""
    root = tmp_path_factory.mktemp("small")
    forms = root / "forms"
    forms.mkdir()
    hf._form(forms / "负数.xlsx", amount=-100.0)
    hf.injection_form(forms)
    rows = [list(r) for r in hf.EXPORT_ROWS]
    rows[2][1], rows[3][2] = hf.INJECTION["project"], hf.INJECTION["unit"]
    hf.export(root / "执行.xlsx", rows)
    _ok(invoke("monitor", root / "执行.xlsx", "-p", "2026-10", "--record", "--db", root / "pbm.sqlite"))
    return root


OUTPUTS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "validate-json": lambda s, o: ["validate", "-q", "--format", "json", "-o", o / "a.json", s / "forms"],
    "validate-csv": lambda s, o: ["validate", "-q", "--format", "csv", "-o", o / "a.csv", s / "forms"],
    "validate-xlsx": lambda s, o: ["validate", "-q", "--format", "xlsx", "-o", o / "a.xlsx", s / "forms"],
    "validate-md": lambda s, o: ["validate", "-q", "--format", "md", "-o", o / "a.md", s / "forms"],
    "score-csv": lambda s, o: ["score", "-q", "--format", "csv", "-o", o / "a.csv", s / "forms"],
    "score-xlsx": lambda s, o: ["score", "-q", "--format", "xlsx", "-o", o / "a.xlsx", s / "forms"],
    "monitor-xlsx": lambda s, o: ["monitor", s / "执行.xlsx", "-p", "2026-10", "--db", s / "pbm.sqlite",
                                  "--format", "xlsx", "-o", o / "a.xlsx"],
    "rank-xlsx": lambda s, o: ["rank", "-p", "2026-10", "--db", s / "pbm.sqlite", "--format", "xlsx",
                               "-o", o / "a.xlsx"],
    "template": lambda s, o: ["template", "selfeval", "-o", o / "a.xlsx"],
}


def _target(args: list[str | Path]) -> Path:
    return Path(args[args.index("-o") + 1])


@pytest.mark.parametrize("name", OUTPUTS)
def test_existing_output_needs_force(name: str, small: Path, tmp_path: Path) -> None:
    args = OUTPUTS[name](small, tmp_path)
    target = _target(args)
    target.write_bytes(b"clerk's own file")
    run = invoke(*args)
    assert_clean_run(run)
    assert run.exit_code == 2
    assert "已存在" in squash(run.stderr) and "--force" in run.stderr and target.name in run.stderr
    assert target.read_bytes() == b"clerk's own file"
    _ok(invoke(*args, "--force"))
    assert target.read_bytes() != b"clerk's own file"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temp file left


def test_notice_and_annotate_folders_need_force(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "批注"
    _ok(invoke("validate", "-q", "--annotate", out, small / "forms"))
    copies = sorted(p for p in out.rglob("*.xlsx"))
    assert copies
    stamp = {p: p.read_bytes() for p in copies}
    run = invoke("validate", "-q", "--annotate", out, small / "forms")
    assert run.exit_code == 2 and "--force" in run.stderr
    assert {p: p.read_bytes() for p in copies} == stamp
    notices = tmp_path / "通报"
    args = ["notice", "monthly", "-p", "2026-10", "--db", small / "pbm.sqlite", "-o", notices,
            "--date", "2026-11-05", "--format", "md"]
    _ok(invoke(*args))
    (md,) = notices.glob("*.md")
    md.write_text("改过的通报", "utf-8")
    run = invoke(*args)
    assert run.exit_code == 2 and "--force" in run.stderr
    assert md.read_text("utf-8") == "改过的通报"


def _cells_csv(path: Path) -> list[str]:
    text = path.read_text("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", ["validate-csv", "score-csv"])
def test_csv_text_never_starts_a_formula(name: str, small: Path, tmp_path: Path) -> None:
    args = OUTPUTS[name](small, tmp_path)
    _ok(invoke(*args))
    cells = _cells_csv(_target(args))
    dangerous = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _is_number(c))]
    assert not dangerous
    assert "'" + hf.INJECTION["project"] in cells  # kept, with the quote guard in front


@pytest.mark.parametrize("name", ["validate-xlsx", "score-xlsx", "monitor-xlsx"])
def test_xlsx_text_is_stored_as_text(name: str, small: Path, tmp_path: Path) -> None:
    args = OUTPUTS[name](small, tmp_path)
    _ok(invoke(*args))
    wb = openpyxl.load_workbook(_target(args))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    injected = [c for c in cells if isinstance(c.value, str) and hf.INJECTION["project"] in c.value]
    assert injected and all(c.data_type == "s" for c in injected)


def test_write_failure_mid_file_leaves_no_partial_output(small: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real, real_open = Path.write_bytes, builtins.open

    def half_then_disk_full(self: Path, data: bytes) -> int:
        real(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    class FillsUp:  # a report streamed to its file: the disk fills after the first piece
        def __init__(self, fh: Any) -> None:
            self.fh, self.pieces = fh, 0

        def __enter__(self) -> FillsUp:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, text: str) -> int:
            self.pieces += 1
            if self.pieces > 1:
                raise OSError(28, "No space left on device")
            return int(self.fh.write(text))

    def open_filling(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_open(file, mode, *args, **kwargs)
        return FillsUp(fh) if "w" in mode and str(file).startswith(str(tmp_path)) else fh

    monkeypatch.setattr(Path, "write_bytes", half_then_disk_full)
    monkeypatch.setattr(builtins, "open", open_filling)
    target = tmp_path / "报告.json"
    run = invoke("validate", "-q", "--format", "json", "-o", target, small / "forms")
    assert not run.crash and "Traceback" not in run.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == []
    assert run.exit_code == 2 and "无法写入" in squash(run.stderr)  # a full disk is no bug: exit 2


def test_xlsx_writer_crash_leaves_no_partial_output(small: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsxwriter

    def broken_close(self: xlsxwriter.Workbook) -> None:
        Path(self.filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    target = tmp_path / "报告.xlsx"
    run = invoke("validate", "-q", "--format", "xlsx", "-o", target, small / "forms")
    assert not run.crash and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_rename_failure_leaves_no_temp_file(small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pbmcli import fileio

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fileio.os, "replace", refuse)
    run = invoke("validate", "-q", "--format", "csv", "-o", tmp_path / "a.csv", small / "forms")
    assert not run.crash and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


WRITERS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "validate-xlsx": OUTPUTS["validate-xlsx"],
    "template": OUTPUTS["template"],
    "template-units": lambda s, o: ["template", "selfeval", "--units", EXAMPLES / "units.xlsx", "--out-dir", o / "分发"],
    "annotate": lambda s, o: ["validate", "-q", "--annotate", o / "批注", s / "forms"],
    "notice": lambda s, o: ["notice", "monthly", "-p", "2026-10", "--db", s / "pbm.sqlite", "-o", o / "通报",
                            "--date", "2026-11-05"],
    "init": lambda s, o: ["init", o / "工作区"],
}


@pytest.mark.parametrize("name", WRITERS)
def test_disk_full_is_a_chinese_error_for_every_writer(name: str, small: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every output goes through fileio: a full disk at the final rename is exit 2 (annotate
    included: the batch stops at the first copy), never an internal error, and leaves no temp file."""
    from pbmcli import fileio

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", disk_full)
    run = invoke(*WRITERS[name](small, tmp_path))
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    assert "磁盘空间不足" in squash(run.stderr)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_output_under_a_file_is_a_chinese_error(small: Path, tmp_path: Path) -> None:
    (tmp_path / "不是文件夹").write_text("x", "utf-8")
    run = invoke("validate", "-q", "--format", "json", "-o", tmp_path / "不是文件夹" / "a.json", small / "forms")
    assert_clean_run(run)
    assert run.exit_code == 2 and "a.json" in run.stderr


# ---------------------------------------------------------------- ledger


def _forms(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        hf._form(folder / f"自评{i:02d}.xlsx", big_text=f"项目{i:02d}")
    return folder


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture(scope="module")
def versions_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 versions of one unit's self-evaluation (distinct bytes, same unit and project):
    ingesting them writes 300 submissions, each superseding the previous one."""
    root = tmp_path_factory.mktemp("versions")
    form = hf._form(root / "自评.xlsx").read_bytes()
    archive = root / "三百个版本.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(300):
            z.writestr(f"第{i:03d}版.xlsx", hf._variant(form, i))
    return archive


def _rows(db: Path, sql: str) -> int:
    try:  # read-only: probing must not create an empty file where pbm is about to make its ledger
        with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0


_WHOLE = ("SELECT COUNT(*) FROM submissions s LEFT JOIN scores c ON c.submission_id = s.id"
          " WHERE c.submission_id IS NULL")  # a submission without its score: a torn write


@pytest.mark.parametrize("after", [1, 60, 150])
def test_ingest_killed_midway_leaves_a_consistent_ledger(after: int, versions_zip: Path, tmp_path: Path) -> None:
    """SIGKILL a real `pbm ingest` while it writes; the ledger opens, passes integrity_check,
    holds whole transactions only, and a re-run completes it without duplicates."""
    db = tmp_path / "pbm.sqlite"
    cmd = [sys.executable, "-m", "pbmcli", "ingest", str(versions_zip), "-p", "2026", "--db", str(db), "-f", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while _rows(db, "SELECT COUNT(*) FROM submissions") < after and time.monotonic() < deadline:
        assert proc.poll() is None, "ingest finished before it could be killed: make the batch bigger"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _integrity(db) == "ok"
    assert _rows(db, _WHOLE) == 0
    assert _rows(db, "SELECT COUNT(*) FROM submissions WHERE superseded_by IS NULL") == 1
    _ok(invoke("ledger", "--db", db))
    again = _ok(invoke("ingest", versions_zip, "-p", "2026", "--db", db, "-f", "json"))
    assert len(again.json()["items"]) == 300
    assert _rows(db, "SELECT COUNT(*) FROM submissions") == 300
    assert _rows(db, "SELECT COUNT(*) FROM submissions WHERE superseded_by IS NULL") == 1
    assert _rows(db, _WHOLE) == 0 and _integrity(db) == "ok"


CORRUPT = {
    "garbage": lambda good: "不是数据库".encode() * 100,
    "truncated": lambda good: good[: len(good) // 3],
    "bad_page": lambda good: good[:100] + b"\xff" * 4096 + good[4196:],
}


@pytest.fixture(scope="module")
def good_ledger(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = tmp_path_factory.mktemp("good")
    db = root / "pbm.sqlite"
    hf.export(root / "e.xlsx")
    _ok(invoke("monitor", root / "e.xlsx", "-p", "2026-10", "--record", "--db", db))
    _ok(invoke("ingest", _forms(root / "f", 3), "-p", "2026", "--db", db))
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.read_bytes()


@pytest.mark.parametrize("kind", CORRUPT)
@pytest.mark.parametrize("command", ["ingest", "monitor", "rank", "notice", "ledger"])
def test_corrupt_ledger_is_reported_and_never_overwritten(kind: str, command: str, good_ledger: bytes,
                                                          tmp_path: Path) -> None:
    db = tmp_path / "pbm.sqlite"
    db.write_bytes(CORRUPT[kind](good_ledger))
    before = db.read_bytes()
    hf.export(tmp_path / "e.xlsx")
    args: dict[str, list[str | Path]] = {
        "ingest": ["ingest", _forms(tmp_path / "f", 1), "-p", "2026"],
        "monitor": ["monitor", tmp_path / "e.xlsx", "-p", "2026-10", "--record"],
        "rank": ["rank", "-p", "2026-10"],
        "notice": ["notice", "monthly", "-p", "2026-10", "-o", tmp_path / "通报", "--date", "2026-11-05"],
        "ledger": ["ledger"],
    }
    run = invoke(*args[command], "--db", db)
    assert_clean_run(run)
    assert run.exit_code == 2, run.stdout
    assert "台账" in run.stderr or str(db.name) in run.stderr
    assert db.read_bytes() == before


# ---------------------------------------------------------------- user notice templates (sandboxed)

HOSTILE_TEMPLATES = {
    "dunder": '{{ "".__class__.__mro__[1].__subclasses__() }}',
    "huge_range": "{% for i in range(100000000) %}x{% endfor %}",
    "missing_include": '{% include "/etc/passwd" %}',
    "huge_string": '{{ "a" * 1000000000 }}',
    "huge_power": "{{ 7 ** 3000000 }}",
    "syntax": "{% for %}",
    "undefined": "{{ no_such_variable.x }}",
}


@pytest.mark.parametrize("name", HOSTILE_TEMPLATES)
def test_hostile_user_template_is_refused_in_chinese(name: str, small: Path, tmp_path: Path) -> None:
    template = tmp_path / f"{name}.md.j2"
    template.write_text(HOSTILE_TEMPLATES[name] + "\n", "utf-8")
    run = invoke("notice", "monthly", "-p", "2026-10", "--db", small / "pbm.sqlite", "--template", template,
                 "-o", tmp_path / "通报", "--format", "md", "--date", "2026-11-05")
    assert_clean_run(run)
    assert run.exit_code == 2 and "模板" in run.stderr
    assert not (tmp_path / "通报").exists() or not any((tmp_path / "通报").iterdir())
