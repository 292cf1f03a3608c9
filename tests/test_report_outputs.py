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
def test_csv_to_dash_goes_to_the_screen(command: str, tmp_path: Path) -> None:
    form = make_selfeval(tmp_path / "自评.xlsx")
    res = runner.invoke(app, [command, str(form), "-q", "-f", "csv", "-o", "-"])
    assert res.exit_code in (0, 1), res.output
    first = res.stdout.splitlines()[0]
    assert first.startswith(("文件", "路径")) and "," in first  # the header row, no BOM on the screen
    assert not (tmp_path / "-").exists()


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
