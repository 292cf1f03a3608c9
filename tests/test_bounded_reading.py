"""Bounded reading (issue 16, item 15): a CSV export is cut at the bounds an xlsx export is
cut at, and says so; a units directory or rectification list is never imported in part; the
score workbook keeps at most MAX_PROJECT_SHEETS project sheets and says what it left out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import assert_clean_run, invoke, squash
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import assert_clean_run, invoke, squash  # type: ignore[no-redef]

ROWS = 100_000  # EXPORT_MAX_ROWS: rows of a sheet (or CSV) that are read, header included


@pytest.mark.slow  # 100,000-row files, or workers killed and timed out: seconds each
def test_a_csv_export_is_cut_where_an_xlsx_export_is(tmp_path: Path) -> None:
    """Was: read whole (1.5 million rows: 3.5 GB), nothing said."""
    export = tmp_path / "2026-10.csv"
    with export.open("w", encoding="utf-8") as fh:
        fh.write("单位编码,单位名称,项目名称,全年预算数,累计支出\n")
        for i in range(ROWS - 1):
            fh.write(f"101,县财政局,项目{i},10,5\n")
        fh.write("999,超出上限的单位,项目X,10,5\n")
    run = invoke("monitor", export, "-p", "2026-10", "-f", "json")
    assert_clean_run(run)
    assert run.exit_code == 0, run.stderr
    assert "第100,000行之后还有内容，已忽略这些内容" in squash(run.stderr)
    units = [u["unit"] for u in run.json()["units"]]
    assert units == ["县财政局"]


def _big_list(path: Path, header: list[str], row: list[str]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("名录")
    ws.write_row(0, 0, header)
    for r in range(1, ROWS + 5):
        ws.write_row(r, 0, [c.format(r) for c in row])
    wb.close()
    return path


LISTS = {
    "units": (["ledger", "--units"], ["单位编码", "单位名称"], ["{}", "单位{}"], "单位名录"),
    "rectify": (["rectify", "import"], ["单位", "问题", "整改要求"], ["单位{}", "问题{}", "按期整改"], "整改清单"),
}


@pytest.mark.slow  # 100,000-row files, or workers killed and timed out: seconds each
@pytest.mark.parametrize("name", LISTS)
def test_a_list_beyond_the_bounds_is_not_imported_in_part(name: str, tmp_path: Path) -> None:
    """Was: the first 99,999 rows imported, the rest dropped without a word."""
    args, header, row, what = LISTS[name]
    path = _big_list(tmp_path / f"{what}.xlsx", header, row)
    db = tmp_path / "pbm.sqlite"
    run = invoke(*args, path, "--db", db)
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    text = squash(run.stderr)
    assert "第100000行" in text and f"{what}不能只读入一部分" in text and "未导入任何内容" in text
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 0
            assert conn.execute("SELECT COUNT(*) FROM rectifications").fetchone()[0] == 0


def test_score_workbook_keeps_at_most_max_project_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pbmcli.cli import commands_score

    monkeypatch.setattr(commands_score, "MAX_PROJECT_SHEETS", 3, raising=False)
    forms = tmp_path / "自评"
    forms.mkdir()
    for i in range(5):
        hf._form(forms / f"自评{i}.xlsx", big_text=f"项目{i}")
    out = tmp_path / "复核.xlsx"
    run = invoke("score", "-q", "-j", "1", "-f", "xlsx", "-o", out, forms)
    assert_clean_run(run)
    assert "共5个项目，超过3个" in squash(run.stderr)
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[0] == "汇总" and "说明" in names
    assert len([n for n in names if n[0].isdigit()]) == 3
