"""What goes to units names files relative to the submissions folder (never the clerk's own
folders), and the 单位汇总 groups files by the unit of the units directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from pbmcli.cli import app

ROOT = Path(__file__).resolve().parents[1]
GOALS = ROOT / "examples" / "submissions" / "2026" / "目标申报"
runner = CliRunner()


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with the example units directory; the forms given by absolute path."""
    assert runner.invoke(app, ["init", str(tmp_path / "ws")]).exit_code == 0
    ws = tmp_path / "ws"
    shutil.copy(ROOT / "examples" / "units.xlsx", ws / "units.xlsx")
    monkeypatch.chdir(ws)
    return ws


def _cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = [str(v) for s in wb.worksheets for row in s.iter_rows(values_only=True) for v in row if v is not None]
    wb.close()
    return out


def test_lists_and_copies_show_no_absolute_path(ws: Path) -> None:
    res = runner.invoke(app, ["validate", str(GOALS), "--format", "xlsx", "-o", "输出/清单.xlsx",
                              "--annotate", "输出/批注副本"])
    assert res.exit_code == 1, res.output   # the examples have errors
    cells = _cells(ws / "输出" / "清单.xlsx")
    assert not [c for c in cells if str(ROOT) in c or "/tmp" in c or str(ws) in c]
    # a form in a unit's own sub-folder keeps that folder, the rest their file names
    assert "县教育局/中小学校舍维修改造项目绩效目标申报表.xlsx" in cells
    assert "住建局-农村危房改造-申报表.xlsx" in cells
    copies = list((ws / "输出" / "批注副本").rglob("*.xlsx"))
    assert copies
    for copy in copies:
        wb = openpyxl.load_workbook(copy, read_only=True)
        title = str(wb["审核意见"]["A1"].value)
        wb.close()
        assert title.startswith("审核意见：") and str(ROOT) not in title and "/tmp" not in title


def test_unit_summary_groups_by_the_units_directory(ws: Path) -> None:
    res = runner.invoke(app, ["validate", str(GOALS), "--format", "xlsx", "-o", "输出/清单.xlsx"])
    assert res.exit_code == 1, res.output
    wb = openpyxl.load_workbook(ws / "输出" / "清单.xlsx", read_only=True)
    rows = list(wb["单位汇总"].iter_rows(values_only=True))
    wb.close()
    by_unit = {r[0]: r for r in rows[1:]}
    # by hand from the forms: 农业农村局 is written 县农业农村局 once and 示例县农业农村局 twice;
    # 河口乡 once as 河口乡, once as 示例县河口乡人民政府 (one of them with errors)
    assert by_unit["示例县农业农村局"][1] == 3
    assert by_unit["示例县河口乡人民政府"][1] == 2 and by_unit["示例县河口乡人民政府"][3] == 1
    assert "县农业农村局" not in by_unit and "河口乡" not in by_unit
