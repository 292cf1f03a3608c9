"""validate and score share one output handling: the same formats go to the same places,
and an output that cannot be written is refused before the run, the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from factory import make_selfeval
from typer.testing import CliRunner

from pbmcli.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["validate", "score"])
def test_csv_to_dash_goes_to_standard_output(command: str, tmp_path: Path) -> None:
    form = make_selfeval(tmp_path / "自评.xlsx")
    res = runner.invoke(app, [command, str(form), "-q", "-f", "csv", "-o", "-"])
    assert res.exit_code in (0, 1), res.output
    first = res.stdout.splitlines()[0]
    # standard output that is no terminal (here captured; `> 结果.csv` for a clerk) starts with
    # the BOM Excel needs to read UTF-8, then the header row
    assert first.startswith(("\ufeff文件", "\ufeff路径")) and "," in first
    assert not (tmp_path / "-").exists()


def test_csv_on_a_terminal_has_no_bom(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from pbmcli.cli.reports import csv_bom

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert csv_bom(None) is False and csv_bom("-") is False
    assert csv_bom("结果.csv") is True  # a file always has one
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert csv_bom(None) is True


@pytest.mark.parametrize("command", ["validate", "score"])
def test_output_under_a_file_is_refused_before_the_run(command: str, tmp_path: Path) -> None:
    form = make_selfeval(tmp_path / "自评.xlsx")
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", "utf-8")
    res = runner.invoke(app, [command, str(form), "-q", "-f", "json", "-o", str(blocker / "结果.json")])
    assert res.exit_code == 2 and "是文件而不是文件夹" in res.output


@pytest.mark.parametrize(("command", "example"), [("validate", "审核结果.xlsx"), ("score", "得分复核.xlsx")])
def test_xlsx_needs_a_file(command: str, example: str, tmp_path: Path) -> None:
    form = make_selfeval(tmp_path / "自评.xlsx")
    res = runner.invoke(app, [command, str(form), "-q", "-f", "xlsx"])
    assert res.exit_code == 2 and f"-o {example}" in res.output


@pytest.mark.parametrize("command", ["validate", "score"])
def test_the_output_file_name_chooses_the_format(command: str, tmp_path: Path) -> None:
    import json

    import openpyxl

    form = make_selfeval(tmp_path / "收件" / "自评.xlsx")
    out = tmp_path / "输出"
    res = runner.invoke(app, [command, str(form.parent), "-o", str(out / "结果.xlsx")])
    assert res.exit_code in (0, 1), res.output
    assert openpyxl.load_workbook(out / "结果.xlsx").sheetnames  # a workbook, not the screen's text
    assert "已生成：" in res.stderr
    res = runner.invoke(app, [command, str(form.parent), "-q", "-o", str(out / "结果.json")])
    assert res.exit_code in (0, 1) and json.loads((out / "结果.json").read_text("utf-8"))["tool"] == "pbm"
    assert "已生成" not in res.stderr  # -q: the result only
    res = runner.invoke(app, [command, str(form.parent), "-q", "-f", "csv", "-o", str(out / "结果.xlsx"), "--force"])
    assert res.exit_code == 2 and "与 --format csv 不一致" in res.output


@pytest.mark.parametrize("command", ["validate", "score"])
def test_a_form_being_read_is_never_the_output(command: str, tmp_path: Path) -> None:
    import hashlib

    form = make_selfeval(tmp_path / "收件" / "自评.xlsx")
    before = hashlib.sha256(form.read_bytes()).hexdigest()
    res = runner.invoke(app, [command, str(form), "-q", "-f", "xlsx", "-o", str(form), "--force"])
    assert res.exit_code == 2 and "就是要读取的文件" in res.output
    res = runner.invoke(app, [command, str(form.parent), "-q", "-f", "xlsx", "-o", str(form), "--force"])
    assert res.exit_code == 2 and "就是要读取的文件" in res.output  # found in the folder given
    assert hashlib.sha256(form.read_bytes()).hexdigest() == before


def test_a_report_pbm_wrote_is_skipped_not_read_as_a_form(tmp_path: Path) -> None:
    """A validate or score report left in the inbox is listed as skipped (with the reason), never
    checked as a goal form (H101/H103) or scored as a self-evaluation."""
    import json

    inbox = tmp_path / "收件"
    make_selfeval(inbox / "自评.xlsx")
    out = tmp_path / "输出"
    for command, name in (("validate", "审核结果.xlsx"), ("score", "得分复核.xlsx")):
        res = runner.invoke(app, [command, str(inbox), "-q", "-o", str(out / name)])
        assert res.exit_code in (0, 1), res.output
        (inbox / name).write_bytes((out / name).read_bytes())  # the clerk moves it into the inbox
    for command in ("validate", "score"):
        res = runner.invoke(app, [command, str(inbox), "-q", "-f", "json"])
        data = json.loads(res.stdout)
        skipped = {Path(s["path"]).name: s["reason"] for s in data["skipped"]}
        assert set(skipped) == {"审核结果.xlsx", "得分复核.xlsx"}, command
        assert all("pbm 生成的报告" in r for r in skipped.values())
        assert data["summary"]["files"] == 1 and data["summary"]["skipped"] == 2


def test_annotated_copies_go_outside_the_folders_being_checked(tmp_path: Path) -> None:
    """Copies inside the inbox would be checked next time as forms: refused before the run
    (nothing printed first, nothing written); beside the inbox they are fine."""
    inbox = tmp_path / "收件"
    make_selfeval(inbox / "自评.xlsx", header={"project": None})  # an error: a copy is made
    for where, message in ((inbox, "原文件所在的目录"), (inbox / "批注", "在要审核的文件夹")):
        res = runner.invoke(app, ["validate", str(inbox), "--annotate", str(where)])
        assert res.exit_code == 2 and message in res.output and "审核汇总" not in res.stdout
    assert not (inbox / "批注").exists()
    res = runner.invoke(app, ["validate", str(inbox), "-q", "--annotate", str(tmp_path / "批注副本")])
    assert res.exit_code == 1 and (tmp_path / "批注副本" / "自评.xlsx").is_file()


@pytest.mark.parametrize("command", ["validate", "score"])
def test_a_symlink_loop_is_a_path_that_cannot_be_read_not_a_crash(command: str, tmp_path: Path) -> None:
    import os

    loop = tmp_path / "loop.xlsx"
    os.symlink(loop, loop)  # points at itself: Path.resolve raises RuntimeError on Python 3.11
    for args in ([str(loop)], [str(loop), "-o", str(tmp_path / "结果.xlsx")]):
        res = runner.invoke(app, [command, *args])
        assert res.exit_code == 2, res.output
        assert "内部错误" not in res.output and "Symlink" not in res.output
