"""`pbm monitor --period M`: an export (or a folder of 运行监控表) whose name states another
month is not recorded silently.  Real files and ledgers on disk, through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_ledger_remove import flat, run
from test_units import write_rows
from typer.testing import CliRunner

from pbmcli.ledger.store import Ledger

runner = CliRunner()
HEADER = ["单位编码", "单位名称", "项目名称", "全年预算数", "累计支出"]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "收件").mkdir()
    return tmp_path


def test_record_refuses_an_export_named_for_another_month(here: Path):
    path = write_rows(here / "收件" / "2026-09.xlsx", [HEADER, ["101", "县财政局", "项目", 100, 50]])
    res = run("monitor", str(path), "--period", "2026-10", "--record", code=2)
    text = flat(res.stderr)
    assert "名称「2026-09.xlsx」写的是2026-09，而--period为2026-10" in text and "本次未记录" in text
    assert "改用--period2026-09" in text and "加--force-period按2026-10记入" in text
    assert res.stdout == "" and not (here / "pbm.sqlite").exists()
    forced = run("monitor", str(path), "--period", "2026-10", "--record", "--force-period")
    assert "注意：名称「2026-09.xlsx」写的是2026-09" in flat(forced.stderr)
    with Ledger.open(here / "pbm.sqlite") as led:
        assert led.execution_periods() == ["2026-10"]


def test_without_record_the_month_is_only_a_warning_and_only_for_this_name(here: Path):
    path = write_rows(here / "收件" / "2026年9月执行数据.xlsx", [HEADER, ["101", "县财政局", "项目", 100, 50]])
    res = run("monitor", str(path), "--period", "2026-10", "-f", "json", "-q")
    assert json.loads(res.stdout)["period"] == "2026-10"
    assert "注意：名称「2026年9月执行数据.xlsx」写的是2026-09，而--period为2026-10" in flat(res.stderr)
    assert not (here / "pbm.sqlite").exists()
    # the same month, however it is spelt, and a month in a folder further up are no mismatch
    same = run("monitor", str(path), "--period", "2026年9月", "-f", "json", "--record")
    assert "注意" not in same.stderr and json.loads(same.stdout)["period"] == "2026-09"
    deep = here / "2025-12备份" / "导出.xlsx"
    deep.parent.mkdir()
    write_rows(deep, [HEADER, ["101", "县财政局", "项目", 100, 50]])
    res = run("monitor", str(deep), "--period", "2026-10", "--record")
    assert "注意" not in res.stderr
    with Ledger.open(here / "pbm.sqlite") as led:
        assert led.execution_periods() == ["2026-09", "2026-10"]


@pytest.mark.skipif(not (EXAMPLES / "monitor" / "2026-08").is_dir(), reason="examples not generated")
def test_a_folder_of_monitoring_forms_named_for_another_month_is_a_warning(here: Path):
    folder = shutil.copytree(EXAMPLES / "monitor" / "2026-08", here / "2026-08")
    res = run("monitor", str(folder), "--period", "2026-09", "-f", "json", "--record")  # lights: nothing recorded
    assert json.loads(res.stdout)["period"] == "2026-09"
    assert "注意：名称「2026-08」写的是2026-08，而--period为2026-09" in flat(res.stderr)
