"""pbm ingest in a worker pool (issue 14): the same result lines and ledger as in one process,
records written in batches (an interrupted run keeps whole batches; running it again records the
rest), a file that kills or outlasts its worker is unreadable while the rest is recorded, and a
re-ingest reads no form the ledger already holds."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import pbmcli.batch
import pbmcli.ledger.workspace as workspace
from pbmcli import deadline
from pbmcli.batch import SMALL_BATCH, WORKER_DIED
from pbmcli.config import RulePack
from pbmcli.ledger.store import Ledger
from pbmcli.ledger.units import read_units
from pbmcli.ledger.workspace import ingest

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import assert_clean_run, invoke
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import assert_clean_run, invoke  # type: ignore[no-redef]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SUBMISSIONS = EXAMPLES / "submissions" / "2026"
MAIN_PID = os.getpid()
COPIES = 12  # example forms copied byte for byte (已存在) and re-sent with other bytes (新版本)


def _clock() -> dt.datetime:
    return dt.datetime(2026, 12, 1, 9, 30)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples' goal and self-evaluation folders (33 + 19 items, one of them unreadable, one
    goal form sent twice), 12 byte-identical copies, 12 resent versions (same content, other bytes),
    two execution exports and two monitoring forms: 80 items, more than SMALL_BATCH."""
    root = tmp_path_factory.mktemp("inbox") / "收件"
    shutil.copytree(SUBMISSIONS / "目标申报", root / "目标申报")
    shutil.copytree(SUBMISSIONS / "自评", root / "自评")
    forms = sorted((SUBMISSIONS / "目标申报").glob("*.xlsx"))[:COPIES]
    (root / "副本").mkdir()
    (root / "重报").mkdir()
    for i, form in enumerate(forms):
        shutil.copy(form, root / "副本" / form.name)
        (root / "重报" / form.name).write_bytes(hf._variant(form.read_bytes(), i))
    (root / "执行").mkdir()
    for name in ("2026-01.xlsx", "2026-03.xlsx"):
        shutil.copy(EXAMPLES / "execution" / name, root / "执行" / name)
    (root / "监控").mkdir()
    for form in sorted((EXAMPLES / "monitor" / "2026-08").glob("*.xlsx"))[:2]:
        shutil.copy(form, root / "监控" / form.name)
    return root


def _ledger(path: Path) -> Ledger:
    led = Ledger.open(path, _clock)
    led.upsert_units(read_units(EXAMPLES / "units.xlsx"))
    return led


def _contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything ingest records but the runs log and the time of recording."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(sql).fetchall() for table, sql in (
            ("submissions", "SELECT id, path, sha256, form, unit_code, unit_name, project, period,"
                            " superseded_by, status FROM submissions ORDER BY id"),
            ("findings", "SELECT * FROM findings ORDER BY rowid"),
            ("scores", "SELECT * FROM scores ORDER BY submission_id"))}
    finally:
        conn.close()


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each run_batch call gave to the worker pool."""
    calls: list[int] = []
    real = pbmcli.batch._pooled

    def spy(items: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        calls.append(len(items))
        return real(items, *args, **kwargs)

    monkeypatch.setattr(pbmcli.batch, "_pooled", spy)
    return calls


def _run(db: Path, inbox: Path, pack: RulePack, jobs: int) -> dict[str, Any]:
    with _ledger(db) as led:
        return ingest(led, [inbox], "2026", pack, jobs=jobs).to_dict()


def _cli(db: Path, inbox: Path, jobs: int) -> dict[str, Any]:
    assert_clean_run(invoke("ledger", "--units", EXAMPLES / "units.xlsx", "--db", db))
    run = invoke("ingest", inbox, "--period", "2026", "--db", db, "--jobs", str(jobs), "--format", "json")
    assert_clean_run(run)
    assert run.exit_code == 0, run.stderr
    data: dict[str, Any] = run.json()
    return data


def test_the_pool_records_what_one_process_records(inbox: Path, tmp_path: Path, pooled: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _cli(tmp_path / "一个进程.sqlite", inbox, jobs=1)
    assert pooled == []
    monkeypatch.setattr(workspace, "RECORD_BATCH", 7)  # 11 transactions; the resent versions in later ones
    together = _cli(tmp_path / "两个进程.sqlite", inbox, jobs=2)
    assert pooled == [80]
    assert together == alone
    assert _contents(tmp_path / "两个进程.sqlite") == _contents(tmp_path / "一个进程.sqlite")
    # by hand: 50 forms of the examples are new; the goal form the examples hold twice and the
    # second of each byte-identical pair (the examples sort after 副本) are 已存在, recorded in
    # this run; the 12 resent versions (重报, sorted last) replace the examples they repeat; the
    # contacts list is no form; exports and monitoring forms are skipped, as are the
    # instructions .txt, the notice .docx and the lock file
    statuses = Counter(i["status"] for i in together["items"])
    assert statuses == {"new": 50, "duplicate": 1 + COPIES, "superseded": COPIES, "unreadable": 1}
    # a byte-identical copy under another name says which file it copies
    assert all(i["recorded_period"] == "2026" and (i["note"] == "" or (
        i["note"].startswith("与已导入的 ") and i["note"].endswith("内容完全相同（同一文件的副本），未重复记录。")))
        for i in together["items"] if i["status"] == "duplicate")
    skipped = Counter((Path(s["path"]).parent.name, s["reason"][:9]) for s in together["skipped"])
    assert skipped == {("执行", "这是预算执行数据导"): 2, ("监控", "这是绩效运行监控表"): 2,
                       ("目标申报", "不是电子表格文件（"): 1, ("自评", "不是电子表格文件（"): 1,
                       ("自评", "Excel/WPS"): 1}
    assert [f["code"] for f in together["findings"] if f["code"].startswith("F")] == ["F003"]
    subs = _contents(tmp_path / "两个进程.sqlite")["submissions"]
    assert len(subs) == 50 + COPIES
    assert sum(row[8] is not None for row in subs) == COPIES  # superseded_by set on the examples


def test_a_reingest_reads_no_recorded_form(inbox: Path, tmp_path: Path, pack: RulePack,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "台账.sqlite"
    first = _run(db, inbox, pack, jobs=2)
    before = _contents(db)
    again = _run(db, inbox, pack, jobs=2)
    assert _contents(db) == before  # nothing new recorded
    assert Counter(i["status"] for i in again["items"]) == {"duplicate": 75, "unreadable": 1}
    assert [i["path"] for i in again["items"]] == [i["path"] for i in first["items"]]
    assert again["skipped"] == first["skipped"]

    import pbmcli.readers

    read: list[str] = []
    real = pbmcli.readers.read_submission

    def spy(item: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(Path(item.display).parent.name + "/" + Path(item.display).name)
        return real(item, *args, **kwargs)

    monkeypatch.setattr(pbmcli.readers, "read_submission", spy)
    third = _run(db, inbox, pack, jobs=1)
    assert third == again
    # only the files the ledger does not hold are read: the unreadable contacts list, the
    # exports and the monitoring forms (skipped, so never recorded)
    assert Counter(name.split("/")[0] for name in read) == {"自评": 1, "执行": 2, "监控": 2}
    assert "自评/各单位绩效联络员通讯录.xlsx" in read


def test_an_interrupted_run_keeps_whole_batches_and_a_rerun_records_the_rest(
        inbox: Path, tmp_path: Path, pack: RulePack, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _run(tmp_path / "一次.sqlite", inbox, pack, jobs=1)
    monkeypatch.setattr(workspace, "RECORD_BATCH", 10)
    real = Ledger._record_submission
    calls = [0]

    def interrupted(self: Ledger, *args: Any) -> Any:
        calls[0] += 1
        if calls[0] == 25:  # the fifth form of the third batch: Ctrl-C
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(Ledger, "_record_submission", interrupted)
    db = tmp_path / "中断.sqlite"
    with pytest.raises(KeyboardInterrupt):
        _run(db, inbox, pack, jobs=2)
    monkeypatch.setattr(Ledger, "_record_submission", real)
    # two batches of 10 kept: the 12 copies (副本 sorts first) and 8 examples they repeat
    # (已存在 within the run, no row of their own), nothing of the third batch
    def unlinked(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return [row[:8] + row[9:] for row in rows]  # superseded_by: set when a later version comes

    kept = _contents(db)["submissions"]
    assert unlinked(kept) == unlinked(_contents(tmp_path / "一次.sqlite")["submissions"][:COPIES])
    with Ledger.open(db) as led:
        assert led.summary()["runs"] == 0  # the interrupted run logged nothing
    rerun = _run(db, inbox, pack, jobs=2)
    assert _contents(db) == _contents(tmp_path / "一次.sqlite")
    assert [i["status"] for i in rerun["items"][:20]] == ["duplicate"] * 20
    assert rerun["items"][20:] == whole["items"][20:]


# ---------------------------------------------------------------------------- hostile files

def _fatal_or_slow(real: Callable[..., Any]) -> Callable[..., Any]:
    def open_workbook(data: bytes, display: str, **kwargs: Any) -> Any:
        if "致命" in display:
            if os.getpid() == MAIN_PID:  # never in the main process: that would end pytest
                raise AssertionError("the main process read a file that kills its reader")
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a native crash would
        if "卡住" in display:
            time.sleep(3600)  # ended by the worker's time budget
        return real(data, display, **kwargs)

    return open_workbook


@pytest.mark.slow  # 100,000-row files, or workers killed and timed out: seconds each
def test_a_file_that_kills_or_outlasts_its_worker_is_unreadable_and_the_rest_recorded(
        tmp_path: Path, pack: RulePack, pooled: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    import pbmcli.readers as readers

    folder = tmp_path / "收件"
    folder.mkdir()
    count = SMALL_BATCH + 6
    for i in range(count):
        tag = {7: "_致命", 40: "_卡住"}.get(i, "")
        hf._form(folder / f"{i:03d}{tag}.xlsx", big_text=f"农村公路养护项目{i:03d}")
    monkeypatch.setattr(readers, "open_workbook", _fatal_or_slow(readers.open_workbook))
    monkeypatch.setenv(deadline.FILE_SECONDS_ENV, "2")
    with Ledger.open(tmp_path / "台账.sqlite", _clock) as led:
        res = ingest(led, [folder], "2026", pack, jobs=2)
        recorded = led.submissions(current=False)
    assert pooled == [count]
    status = {Path(i.path).name: i.status for i in res.items}
    assert len(status) == count
    assert status.pop("007_致命.xlsx") == "unreadable" and status.pop("040_卡住.xlsx") == "unreadable"
    assert set(status.values()) == {"new"}
    fatal, slow = res.findings
    assert (fatal.code, Path(fatal.path).name) == ("F001", "007_致命.xlsx") and WORKER_DIED in fatal.message
    assert (slow.code, Path(slow.path).name) == ("F009", "040_卡住.xlsx")
    assert "超过每个文件 2 秒的上限" in slow.message
    assert res.internal_errors == []
    assert sorted(Path(r.path).name for r in recorded) == sorted(status)
    assert {r.project for r in recorded} == {f"农村公路养护项目{i:03d}" for i in range(count) if i not in (7, 40)}


def test_a_bug_on_one_file_is_exit_3_after_the_rest_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(3):
        hf._form(tmp_path / f"{i}.xlsx", big_text=f"项目{i}")
    real = workspace._analyse

    def buggy(sub: Any, pack: RulePack) -> Any:
        if sub.path.endswith("1.xlsx"):
            raise ZeroDivisionError("division by zero")
        return real(sub, pack)

    monkeypatch.setattr(workspace, "_analyse", buggy)
    db = tmp_path / "台账.sqlite"
    run = invoke("ingest", tmp_path, "--period", "2026", "--db", db, "--format", "json", "-j", "1")
    assert run.exit_code == 3 and not run.crash, run.stderr
    assert "内部错误" in run.stderr and "1.xlsx" in run.stderr
    items = {Path(i["path"]).name: i for i in run.json()["items"]}
    assert [items[n]["status"] for n in ("0.xlsx", "1.xlsx", "2.xlsx")] == ["new", "unreadable", "new"]
    assert items["1.xlsx"]["internal_error"] == "ZeroDivisionError: division by zero"
    assert "internal_error" not in items["0.xlsx"]
    with Ledger.open(db) as led:
        assert len(led.submissions()) == 2


def test_ingest_jobs_option(tmp_path: Path) -> None:
    hf._form(tmp_path / "表.xlsx")
    bad = invoke("ingest", tmp_path, "--period", "2026", "--db", tmp_path / "a.sqlite", "-j", "-1")
    assert bad.exit_code == 2 and "--jobs" in bad.stderr
    help_text = invoke("ingest", "--help").stdout
    assert "--jobs" in help_text and "并行进程数" in help_text
    run = invoke("ingest", tmp_path, "--period", "2026", "--db", tmp_path / "a.sqlite", "--jobs", "1")
    assert_clean_run(run)
