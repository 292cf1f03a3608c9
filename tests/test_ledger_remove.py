"""`pbm ledger remove` (undo what was recorded by mistake) and the note that catches the
mistake early: a file already recorded under another period.  Real ledgers on disk, driven
through the CLI; expectations worked out by hand."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from test_units import write_rows
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import Ledger

runner = CliRunner()
HEADER = ["单位编码", "单位名称", "项目名称", "全年预算数", "累计支出"]


def run(*args: str, code: int = 0, input: str | None = None):  # noqa: A002 - CliRunner's name
    res = runner.invoke(app, list(args), input=input)
    assert res.exit_code == code, res.output
    return res


def flat(text: str) -> str:
    """Console output without the line breaks and spaces the terminal width put in."""
    return "".join(text.split())


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with units 101 县财政局 (财政局), 102 县教育局, 201 城关镇, as the current folder."""
    run("init", str(tmp_path / "ws"))
    root = tmp_path / "ws"
    (root / "units.xlsx").unlink()
    write_rows(root / "units.xlsx", [["单位编码", "单位名称", "简称/别名", "类别"], ["101", "县财政局", "财政局", "部门"],
                                     ["102", "县教育局", "教育局", "部门"], ["201", "城关镇", "", "乡镇"]])
    monkeypatch.chdir(root)
    return root


def form(path: Path, kind: str, unit: str, project: str, contact: str = "张三") -> Path:
    from pbmcli.forms import write_template

    return write_template(kind, path, prefill={"unit": unit, "project": project, "contact": contact})


def two_selfevals(root: Path) -> Path:
    folder = root / "收件" / "自评"
    form(folder / "a.xlsx", "selfeval", "县财政局", "项目A")
    form(folder / "b.xlsx", "selfeval", "县教育局", "项目B")
    return folder


def ingest(path: Path | str, period: str) -> dict:
    res = runner.invoke(app, ["ingest", str(path), "--period", period, "-f", "json", "--date", "2026-12-01"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def status(d: dict) -> list[tuple[str, str]]:
    return [(Path(i["path"]).name, i["status"]) for i in d["items"]]


# --------------------------------------------------------------------------- the reported mistake


def test_wrong_period_removed_then_reingested_as_new(ws: Path):
    folder = two_selfevals(ws)
    assert status(ingest(folder, "2025")) == [("a.xlsx", "new"), ("b.xlsx", "new")]
    res = run("ledger", "remove", "--period", "2025", "--yes")
    assert "将删除的报表记录（2025，共2份）" in flat(res.stdout)
    assert "已从台账删除2025的2份报表记录" in flat(res.stdout)
    db = ws / "pbm.sqlite"
    assert rows(db, "SELECT COUNT(*) FROM submissions") == [(0,)]
    assert rows(db, "SELECT COUNT(*) FROM findings") == [(0,)] and rows(db, "SELECT COUNT(*) FROM scores") == [(0,)]

    again = ingest(folder, "2026")
    assert status(again) == [("a.xlsx", "new"), ("b.xlsx", "new")]
    assert [m["code"] for m in again["missing"]] == ["201"]  # not all three units 未报送
    table = run("ingest", str(folder), "--period", "2026")  # the table spells the statuses out
    assert "已存在" in table.stdout and "新记录" not in table.stdout
    summary = json.loads(run("ledger", "-f", "json").stdout)
    assert summary["periods"] == ["2026"] and summary["forms"] == {"selfeval": {"current": 2, "superseded": 0}}
    ranked = json.loads(run("rank", "--period", "2026", "-f", "json").stdout)
    assert ranked["period"] == "2026"
    assert {r["code"] for g in ranked["groups"] for r in g["rows"]} >= {"101", "102"}
    gone = runner.invoke(app, ["rank", "--period", "2025"])
    assert gone.exit_code == 2 and "台账中没有 2025 可用于排名的数据" in gone.stderr


def test_reingest_under_another_period_says_where_the_file_is(ws: Path):
    folder = two_selfevals(ws)
    ingest(folder / "a.xlsx", "2025")
    d = ingest(folder, "2026")
    a, b = d["items"]
    assert (a["status"], a["recorded_period"]) == ("duplicate", "2025")
    assert a["note"] == ("该文件已按 2025 期间记入台账，本次未按 2026 记录；如期间有误，"
                         "先用 pbm ledger remove --period 2025 --file a.xlsx 删除，再按 2026 导入。")
    assert (b["status"], b["note"]) == ("new", "")
    same = ingest(folder / "a.xlsx", "2025")["items"][0]  # same period: plain 已存在, as before
    assert (same["status"], same["recorded_period"], same["note"]) == ("duplicate", "2025", "")
    table = run("ingest", str(folder / "a.xlsx"), "--period", "2026")
    assert "a.xlsx：该文件已按2025期间记入台账" in flat(table.stderr) and "已存在" in table.stdout
    # the command the note gives works and is the way out
    run("ledger", "remove", "--period", "2025", "--file", "a.xlsx", "--yes")
    assert status(ingest(folder / "a.xlsx", "2026")) == [("a.xlsx", "new")]


# --------------------------------------------------------------------------- confirmation


def test_remove_asks_first_and_refuses_without_a_terminal(ws: Path, monkeypatch: pytest.MonkeyPatch):
    ingest(two_selfevals(ws), "2025")
    db = ws / "pbm.sqlite"
    res = run("ledger", "remove", "--period", "2025", code=2)  # CliRunner's stdin is no terminal
    assert "县财政局" in res.stdout and "县教育局" in res.stdout  # the list is shown …
    assert "不是在终端中运行" in flat(res.stderr) and "加--yes" in flat(res.stderr)  # … nothing removed
    assert rows(db, "SELECT COUNT(*) FROM submissions") == [(2,)]

    from pbmcli.cli import commands_ledger

    monkeypatch.setattr(commands_ledger, "_stdin_is_terminal", lambda: True)
    no = run("ledger", "remove", "--period", "2025", input="n\n", code=2)
    assert "确认从台账中删除以上2份报表记录" in flat(no.stdout) and "已取消，台账未改动" in no.stderr
    assert rows(db, "SELECT COUNT(*) FROM submissions") == [(2,)]
    assert rows(db, "SELECT COUNT(*) FROM runs WHERE command='ledger remove'") == [(0,)]
    run("ledger", "remove", "--period", "2025", input="y\n")
    assert rows(db, "SELECT COUNT(*) FROM submissions") == [(0,)]


def test_nothing_matched_is_exit_2_and_says_what_is_there(ws: Path):
    ingest(two_selfevals(ws), "2025")
    res = run("ledger", "remove", "--period", "2024", "--yes", code=2)
    assert "台账中没有按2024期间记录的报表" in flat(res.stderr) and "台账中报表的期间：2025" in flat(res.stderr)
    res = run("ledger", "remove", "--period", "2025", "--unit", "城关镇", "--yes", code=2)
    assert "2份报表都不符合条件（单位「城关镇」）" in flat(res.stderr)
    res = run("ledger", "remove", "--period", "2025", "--form", "goal", "--yes", code=2)
    assert "类型「goal」" in res.stderr
    assert rows(ws / "pbm.sqlite", "SELECT COUNT(*) FROM submissions") == [(2,)]
    run("monitor", str(write_rows(ws / "2026-10.xlsx", [HEADER, ["101", "", "项目", 100, 50]])),
        "--period", "2026-10", "--record")
    res = run("ledger", "remove", "--period", "2026-10", "--yes", code=2)  # forms: none; execution: yes
    assert "2026-10有执行数据，如要删除执行数据请加--execution" in flat(res.stderr)


def test_remove_without_a_ledger_creates_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    res = run("ledger", "remove", "--period", "2025", "--yes", code=2)
    assert "找不到台账" in res.stderr and not (tmp_path / "pbm.sqlite").exists()


# --------------------------------------------------------------------------- filters


def test_unit_file_and_form_filters(ws: Path):
    folder = two_selfevals(ws)
    form(ws / "收件" / "目标申报" / "g.xlsx", "goal", "县财政局", "项目A")
    ingest(ws / "收件", "2025")
    db = ws / "pbm.sqlite"
    names = "SELECT path FROM submissions ORDER BY id"
    assert [Path(p).name for p, in rows(db, names)] == ["g.xlsx", "a.xlsx", "b.xlsx"]
    # by alias: 财政局 is 101; only its 自评表, not its 申报表 nor 教育局's
    res = run("ledger", "remove", "--period", "2025", "--unit", "财政局", "--form", "selfeval", "--yes")
    assert "已从台账删除2025的1份报表记录" in flat(res.stdout)
    assert [Path(p).name for p, in rows(db, names)] == ["g.xlsx", "b.xlsx"]
    run("ledger", "remove", "--period", "2025", "--file", str(ws / "收件" / "目标申报"), "--yes")  # a folder
    assert [Path(p).name for p, in rows(db, names)] == ["b.xlsx"]
    run("ledger", "remove", "--period", "2025", "--file", str(folder / "b.xlsx"), "--unit", "102", "--yes")
    assert rows(db, names) == []


def test_a_zip_is_matched_by_its_name(ws: Path):
    import zipfile

    folder = two_selfevals(ws)
    with zipfile.ZipFile(ws / "收件.zip", "w") as zf:
        zf.write(folder / "a.xlsx", "自评/a.xlsx")
    ingest(ws / "收件.zip", "2025")
    ingest(folder / "b.xlsx", "2025")
    run("ledger", "remove", "--period", "2025", "--file", "收件.zip", "--yes")
    assert [Path(p).name for p, in rows(ws / "pbm.sqlite", "SELECT path FROM submissions")] == ["b.xlsx"]


# --------------------------------------------------------------------------- superseded versions


def test_removing_the_current_version_restores_the_one_it_replaced(ws: Path):
    folder = ws / "收件" / "自评"
    form(folder / "v1.xlsx", "selfeval", "县财政局", "项目A", contact="张三")
    ingest(folder / "v1.xlsx", "2026")
    form(folder / "v2.xlsx", "selfeval", "县财政局", "项目A", contact="李四")
    assert status(ingest(folder / "v2.xlsx", "2026")) == [("v2.xlsx", "superseded")]
    db = ws / "pbm.sqlite"
    assert rows(db, "SELECT id, superseded_by FROM submissions ORDER BY id") == [(1, 2), (2, None)]

    res = run("ledger", "remove", "--period", "2026", "--file", "v2.xlsx", "--yes")
    assert "删除后恢复为现行版本：编号1（县财政局，项目A，v1.xlsx）" in flat(res.stderr)
    assert rows(db, "SELECT id, superseded_by FROM submissions") == [(1, None)]
    summary = json.loads(run("ledger", "-f", "json").stdout)
    assert summary["forms"] == {"selfeval": {"current": 1, "superseded": 0}} and summary["superseded"] == []
    # re-ingesting v2 makes it the new version again
    assert status(ingest(folder / "v2.xlsx", "2026")) == [("v2.xlsx", "superseded")]
    # selecting by unit takes the whole chain
    res = run("ledger", "remove", "--period", "2026", "--unit", "101", "--yes")
    assert "共2份" in flat(res.stdout) and "已被替代" in res.stdout
    assert rows(db, "SELECT COUNT(*) FROM submissions") == [(0,)]


def test_removing_a_middle_version_relinks_the_chain(tmp_path: Path):
    from test_ledger import make_sub

    from pbmcli.ledger.remove import apply_removal, plan_removal

    with Ledger.open(tmp_path / "l.sqlite") as led:
        ids = [led.record_submission(make_sub(sha), [], None, "2026").id for sha in ("s1", "s2", "s3")]
        assert [r.superseded_by for r in led.submissions(current=False)] == [ids[1], ids[2], None]
        plan = plan_removal(led, "2026", file="s2.xlsx")
        assert [r.id for r in plan.submissions] == [ids[1]] and plan.restored == []
        apply_removal(led, plan)
        assert [(r.id, r.superseded_by) for r in led.submissions(current=False)] == [(ids[0], ids[2]),
                                                                                     (ids[2], None)]
        apply_removal(led, plan_removal(led, "2026", file="s3.xlsx"))
        assert [(r.id, r.superseded_by) for r in led.submissions(current=False)] == [(ids[0], None)]


# --------------------------------------------------------------------------- execution data


def test_execution_of_a_month_is_removed_and_the_earlier_export_restored(ws: Path):
    inbox = ws / "收件" / "执行"
    sept = write_rows(inbox / "2026-09.xlsx", [HEADER, ["101", "", "项目", 100, 70], ["102", "", "项目", 100, 60]])
    octo = write_rows(inbox / "2026-10.xlsx", [HEADER, ["101", "", "项目", 100, 90]])
    run("monitor", str(sept), "--period", "2026-09", "--record")
    run("monitor", str(octo), "--period", "2026-09", "--record", "--force-period")  # the mistake
    db = ws / "pbm.sqlite"
    current = "SELECT unit_code, spent FROM execution WHERE period='2026-09' AND superseded_by IS NULL ORDER BY id"
    assert rows(db, current) == [("101", 90.0)]

    res = run("ledger", "remove", "--period", "2026-09", "--execution", "--file", str(octo), "--yes")
    assert "将删除的执行数据（2026-09，共1份）" in flat(res.stdout) and "删除后恢复为现行数据" in res.stderr
    assert "已从台账删除2026-09的1行执行数据" in flat(res.stdout)
    assert rows(db, current) == [("101", 70.0), ("102", 60.0)]
    assert rows(db, "SELECT unit_key, spent FROM execution_units WHERE superseded_by IS NULL ORDER BY unit_key") == [
        ("101", 70.0), ("102", 60.0)]
    ranked = json.loads(run("rank", "--period", "2026-09", "-f", "json").stdout)
    assert [(r["code"], r["rank"]) for r in ranked["groups"][0]["rows"]] == [("101", 1), ("102", 2)]

    run("monitor", str(octo), "--period", "2026-10", "--record")  # right month now: a new record
    run("ledger", "remove", "--period", "2026-09", "--execution", "--yes")
    assert rows(db, "SELECT DISTINCT period FROM execution") == [("2026-10",)]
    assert rows(db, "SELECT DISTINCT period FROM execution_units") == [("2026-10",)]


def test_execution_options_that_cannot_work_are_usage_errors(ws: Path):
    path = write_rows(ws / "2026-10.xlsx", [HEADER, ["101", "", "项目", 100, 50]])
    run("monitor", str(path), "--period", "2026-10", "--record")
    res = run("ledger", "remove", "--period", "2026", "--execution", "--yes", code=2)
    assert "须配月份" in res.stderr
    res = run("ledger", "remove", "--period", "2026-10", "--execution", "--unit", "101", "--yes", code=2)
    assert "不能与--unit、--form同用" in flat(res.stderr)
    res = run("ledger", "remove", "--period", "2026-10", "--execution", "--file", "没有.xlsx", "--yes", code=2)
    assert "找不到文件「没有.xlsx」" in res.stderr
    other = write_rows(ws / "其他.xlsx", [HEADER, ["101", "", "项目", 100, 10]])
    res = run("ledger", "remove", "--period", "2026-10", "--execution", "--file", str(other), "--yes", code=2)
    assert "文件内容不同" in res.stderr
    res = run("ledger", "remove", "--period", "2026-11", "--execution", "--yes", code=2)
    assert "台账中没有2026-11的执行数据" in flat(res.stderr) and "2026-10" in res.stderr
    assert rows(ws / "pbm.sqlite", "SELECT COUNT(*) FROM execution") == [(1,)]


# --------------------------------------------------------------------------- audit


def test_every_removal_is_written_into_the_ledger(ws: Path):
    folder = two_selfevals(ws)
    ingest(folder, "2025")
    db = ws / "pbm.sqlite"
    (b_findings,), = rows(db, "SELECT COUNT(*) FROM findings WHERE submission_id=2")
    run("ledger", "remove", "--period", "2025", "--unit", "教育局", "--yes")
    (command, detail), = rows(db, "SELECT command, detail FROM runs WHERE command LIKE 'ledger%'")
    d = json.loads(detail)
    assert command == "ledger remove" and d["period"] == "2025" and d["filters"] == {"unit": "教育局"}
    (sub,) = d["submissions"]
    sha = hashlib.sha256((folder / "b.xlsx").read_bytes()).hexdigest()
    assert (sub["unit_code"], sub["project"], Path(sub["path"]).name, sub["sha256"], sub["current"]) == (
        "102", "项目B", "b.xlsx", sha, True)
    assert b_findings > 0
    assert d["removed"] == {"submissions": 1, "findings": b_findings, "scores": 1, "execution_rows": 0}
    summary = json.loads(run("ledger", "-f", "json").stdout)
    (line,) = summary["removals"]
    assert (line["period"], line["filters"], line["submissions"]) == ("2025", "--unit 教育局", 1)
    assert "删除记录" in run("ledger").stdout


# --------------------------------------------------------------------------- the ledger group


def test_ledger_is_still_a_command_and_now_a_group(ws: Path, tmp_path: Path):
    assert "remove" in run("ledger", "--help").stdout
    assert "--yes" in run("ledger", "remove", "--help").stdout
    db = tmp_path / "other.sqlite"
    run("ledger", "--db", str(db), "--units", str(ws / "units.xlsx"))
    assert json.loads(run("ledger", "--db", str(db), "-f", "json").stdout)["units"] == 3
    res = run("ledger", "--db", str(db), "remove", "--period", "2025", "--yes", code=2)
    assert "--db是pbmledger查看台账时用的选项，不能写在remove前面" in flat(res.stderr)


def test_store_remove_counts_on_a_ledger_without_scores(tmp_path: Path):
    """Execution only: the store deletes rows of both tables and reports the rows of one."""
    with Ledger.open(tmp_path / "l.sqlite") as led:
        led.record_execution("2026-10", [ExecutionRow("101", "县财政局", "甲", 100, 50),
                                         ExecutionRow("101", "县财政局", "乙", 100, 20)], "src")
        done = led.remove([], "2026-10", ["src"], "ledger remove", {"period": "2026-10"})
        assert (done.submissions, done.execution_rows) == (0, 2)
        assert led.conn.execute("SELECT COUNT(*) FROM execution_units").fetchone()[0] == 0
