"""Files that would take minutes: the XML scan stays linear, and every file has a time budget.

A sheet or styles part built so that each of its hundreds of thousands of unclosed openers made
the old regexes rescan the rest of the part (quadratic: ~25 minutes) must be read in linear
time.  Whatever still runs too long stops at the file's time budget (PBM_FILE_TIMEOUT) as an F009
finding, in this process (-j 1, pbm ingest) and in the worker pool (-j 2), where a worker stuck
in code that cannot be interrupted is killed.  Runs that would hang go to a child process with
a timeout, so a regression fails the test instead of hanging pytest.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pbmcli import deadline

from . import factory as hf
from .conftest import Corpus, assert_clean_run, codes, entry, finding, invoke, run_isolated

SMALL_BUDGET = "5"  # seconds: generous for a linear read, short for a test that regressed


def _read_as_usual(result: dict[str, Any]) -> None:
    assert result["form"] == "selfeval", result
    assert not {"F001", "F009"} & set(codes(result)), codes(result)


def test_rows_opened_in_a_comment_are_read_in_linear_time(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    case = corpus.case("comment_rows")
    monkeypatch.setenv(deadline.FILE_SECONDS_ENV, SMALL_BUDGET)
    batch, score = run_isolated(["validate", "-q", "-j", "1", "--format", "json", case.folder],
                                ["score", "-q", "-j", "1", "--format", "json", case.folder])
    assert_clean_run(batch)
    _read_as_usual(entry(batch.json()["files"], case.hostile))
    _read_as_usual(entry(batch.json()["files"], case.clean))
    assert_clean_run(score)
    assert entry(score.json()["results"], case.hostile)["total"] == 99.0


def test_tables_opened_in_an_ods_comment_are_read_in_linear_time(corpus: Corpus,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    case = corpus.case("ods_comment_tables")
    monkeypatch.setenv(deadline.FILE_SECONDS_ENV, SMALL_BUDGET)
    (batch,) = run_isolated(["validate", "-q", "-j", "1", "--format", "json", case.folder])
    assert_clean_run(batch)
    hostile = entry(batch.json()["files"], case.hostile)
    assert hostile["form"] == "selfeval" and not {"F001", "F009"} & set(codes(hostile)), codes(hostile)


def test_unclosed_cell_formats_are_refused_in_linear_time(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    case = corpus.case("unclosed_cell_formats")
    monkeypatch.setenv(deadline.FILE_SECONDS_ENV, SMALL_BUDGET)
    (batch,) = run_isolated(["validate", "-q", "-j", "1", "--format", "json", case.folder])
    assert_clean_run(batch)
    hostile = entry(batch.json()["files"], case.hostile)
    assert codes(hostile) == ["F001"] and "损坏" in hostile["findings"][0]["message"]
    _read_as_usual(entry(batch.json()["files"], case.clean))


# A reader patched to hang on chosen files: "卡住" sleeps in Python (the item's own timer ends
# it), "卡死" blocks the timer's signal first, as native code that never returns would.
_STUCK = r"""
import signal, sys, time
import pbmcli.readers as readers

real = readers.open_workbook

def open_workbook(data, display, **kwargs):
    if "卡死" in display:
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
    if "卡住" in display or "卡死" in display:
        time.sleep(3600)
    return real(data, display, **kwargs)

readers.open_workbook = open_workbook
from pbmcli.cli import app
app(sys.argv[1:], standalone_mode=True)
"""


def _run_stuck(*args: str | Path, budget: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, deadline.FILE_SECONDS_ENV: budget, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-c", _STUCK, *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env)


def _over_budget(result: dict[str, Any], budget: str) -> None:
    hit = finding(result, "F009")
    assert f"超过每个文件 {budget} 秒的上限" in hit["message"], hit["message"]
    assert result["form"] in ("", None, "unknown") and not result["ok"]


def _folder(tmp_path: Path, count: int, stuck: dict[int, str]) -> Path:
    form = hf._form(tmp_path / "模板.xlsx").read_bytes()
    (tmp_path / "模板.xlsx").unlink()
    folder = tmp_path / "收表"
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:03d}{stuck.get(i, '')}.xlsx").write_bytes(hf._variant(form, i))
    return folder


@pytest.mark.slow  # 100,000-row files, or workers killed and timed out: seconds each
def test_a_file_over_its_budget_is_f009_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3, {1: "_卡住"})
    for command in ("validate", "score"):
        proc = _run_stuck(command, "-q", "-j", "1", "--format", "json", folder, budget="0.5")
        assert proc.returncode == 1, proc.stderr[-800:]
        report = json.loads(proc.stdout)
        results = report["files"] if command == "validate" else report["results"]
        stuck = [r for r in results if "卡住" in r["path"]]
        assert len(stuck) == 1
        if command == "validate":
            _over_budget(stuck[0], "0.5")
            assert sum(r["form"] == "selfeval" for r in results) == 2
        else:
            assert "F009" in codes(stuck[0]) and stuck[0]["total"] is None
            assert sum(r["total"] == 99.0 for r in results) == 2


def test_the_pool_kills_a_worker_stuck_past_the_budget(tmp_path: Path) -> None:
    from pbmcli.batch import SMALL_BATCH

    count = SMALL_BATCH + 6
    folder = _folder(tmp_path, count, {3: "_卡住", 40: "_卡死"})
    proc = _run_stuck("validate", "-q", "-j", "2", "--format", "json", folder, budget="1")
    assert proc.returncode == 1, f"exit {proc.returncode}: {proc.stderr[-800:]}"
    files = json.loads(proc.stdout)["files"]
    assert len(files) == count
    for f in files:
        if "卡" in f["path"]:
            _over_budget(f, "1")
        else:
            assert f["form"] == "selfeval" and "F009" not in codes(f), f["path"]


def test_ingest_stops_a_file_over_its_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pbmcli.readers as readers

    real = readers.open_workbook

    def slow(data: bytes, display: str, **kwargs: Any) -> Any:
        if "卡住" in display:
            time.sleep(20)  # interrupted at the budget; past it without one
        return real(data, display, **kwargs)

    monkeypatch.setattr(readers, "open_workbook", slow)
    monkeypatch.setenv(deadline.FILE_SECONDS_ENV, "0.5")
    monkeypatch.chdir(tmp_path)
    folder = _folder(tmp_path, 2, {0: "_卡住"})
    run = invoke("ingest", folder, "--period", "2026", "--format", "json")
    assert_clean_run(run)
    data = run.json()
    status = {Path(i["path"]).name: i["status"] for i in data["items"]}
    assert status == {"000_卡住.xlsx": "unreadable", "001.xlsx": "new"}, status
    (hit,) = [f for f in data["findings"] if f["code"] == "F009"]
    assert "超过每个文件 0.5 秒的上限" in hit["message"]


@pytest.mark.parametrize("value", ["abc", "-1", "nan"])
def test_a_wrong_budget_setting_is_a_usage_error(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = hf._form(tmp_path / "表.xlsx")
    monkeypatch.setenv(deadline.FILE_SECONDS_ENV, value)
    run = invoke("validate", "-q", form)
    assert run.exit_code == 2 and deadline.FILE_SECONDS_ENV in run.stderr and value in run.stderr


def test_without_sigalrm_a_timer_thread_interrupts_the_main_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Windows path (no setitimer), exercised here: the budget ends a busy loop, and a real
    Ctrl-C inside the limit is still a KeyboardInterrupt."""
    monkeypatch.delattr(signal, "setitimer")
    with pytest.raises(deadline.OverBudget), deadline.time_limit(0.2):
        while True:
            pass
    with pytest.raises(KeyboardInterrupt), deadline.time_limit(30):
        os.kill(os.getpid(), signal.SIGINT)
        while True:
            time.sleep(0.01)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
