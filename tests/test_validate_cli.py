"""`pbm validate` / `pbm config show` end to end on real workbooks (tests/factory.py)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from pbmcli.batch import SMALL_BATCH
from pbmcli.cli import app
from pbmcli.report import validate_paths

try:  # `python -m pytest` from the repository root, or `pytest` with tests/ on sys.path
    from tests import sheets
    from tests.factory import make_goal, make_selfeval
except ImportError:
    import sheets  # type: ignore[no-redef]
    from factory import make_goal, make_selfeval  # type: ignore[no-redef]

runner = CliRunner()
PROJECT = "农村公路养护工程"


def pbm(*args: str | Path) -> tuple[int, str, str]:
    res = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})
    if res.exception and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.stdout, res.stderr


def set_text(path: Path, old: str, new: str) -> Path:
    """Rewrite a shared string in place (what a unit typing text into a cell produces)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(f">{old}<".encode(), f">{new}<".encode())
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A unit's folder: a clean goal, a self-evaluation with wrong scores, a corrupt file in
    the middle, a lock file and a text file."""
    folder = tmp_path / "收表"
    make_goal(folder / "a_交通局_申报表.xlsx")
    (folder / "b_损坏.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip")
    make_selfeval(folder / "c_交通局_自评表.xlsx", header={"project": "公路安全生命防护工程"},
                  totals={"score": 80.0})
    (folder / "~$c_交通局_自评表.xlsx").write_bytes(b"\x00" * 165)
    (folder / "说明.txt").write_text("请按时报送", "utf-8")
    return folder


def by_name(report: dict, name: str) -> dict:
    return next(f for f in report["files"] if f["path"].endswith(name))


def test_json_equals_the_library_and_batch_goes_on(batch: Path, pack):
    code, out, _ = pbm("validate", batch, "--format", "json", "--jobs", "1")
    data = json.loads(out)
    assert data == validate_paths([str(batch)], pack).to_dict()
    assert code == 1
    assert [Path(f["path"]).name for f in data["files"]] == [
        "a_交通局_申报表.xlsx", "b_损坏.xlsx", "c_交通局_自评表.xlsx"]
    clean, broken, wrong = data["files"]
    assert clean["ok"] and clean["form"] == "goal" and clean["unit"] and clean["project"] == PROJECT
    assert not broken["ok"] and broken["form"] == "unknown" and broken["findings"][0]["code"].startswith("F")
    assert not wrong["ok"] and any(f["severity"] == "error" for f in wrong["findings"])
    assert all(set(f) == {"code", "severity", "sheet", "cell", "message", "expected", "actual", "related"}
               for f in wrong["findings"])
    assert len(clean["sha256"]) == 64
    reasons = {Path(s["path"]).name: s["reason"] for s in data["skipped"]}
    assert set(reasons) == {"~$c_交通局_自评表.xlsx", "说明.txt"} and "锁定" in reasons["~$c_交通局_自评表.xlsx"]
    assert data["summary"] == {"files": 3, "ok": 1, "errors": 2, "warnings": data["summary"]["warnings"],
                               "unreadable": 1, "skipped": 2}
    assert data["tool"] == "pbm" and data["version"]


def test_clean_batch_exits_zero_and_table_is_chinese(tmp_path: Path):
    make_goal(tmp_path / "g.xlsx")
    make_selfeval(tmp_path / "s.xlsx")
    code, out, _ = pbm("validate", tmp_path, "--no-color")
    assert code == 0
    for label in ("文件数", "通过", "有错误", "有警告", "无法读取", "已跳过"):
        assert label in out
    assert "全部 2 个文件未发现问题" in out


def test_table_lists_findings_per_file(batch: Path):
    code, out, _ = pbm("validate", batch, "--no-color")
    assert code == 1
    for head in ("工作表", "单元格", "代码", "严重程度", "问题说明", "c_交通局_自评表.xlsx", "b_损坏.xlsx"):
        assert head in out


def test_csv_has_bom_and_neutralises_formula_injection(tmp_path: Path):
    src = set_text(make_selfeval(tmp_path / "in" / "s.xlsx", totals={"score": 80.0}), PROJECT, "=1+1")
    out = tmp_path / "r.csv"
    code, _, _ = pbm("validate", src, "--format", "csv", "-o", out)
    assert code == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and {r["项目名称"] for r in rows} == {"'=1+1"}
    assert all(r["严重程度"] in ("错误", "警告", "提示") for r in rows)


def test_xlsx_report_sheets(batch: Path, tmp_path: Path):
    set_text(batch / "c_交通局_自评表.xlsx", "公路安全生命防护工程", "=HYPERLINK(\"http://x\")")
    (tmp_path / "pbm.toml").write_text('[workspace]\nauthority = "某县财政局"\n', "utf-8")
    out = tmp_path / "审核结果.xlsx"
    code, _, _ = pbm("validate", batch, "--format", "xlsx", "-o", out, "--config", tmp_path / "pbm.toml")
    assert code == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == ["问题清单", "单位汇总", "文件清单", "已跳过"]
    issues = wb["问题清单"]
    assert issues["A1"].value == "退回修改清单（问题清单）" and issues["A2"].value == "制表单位：某县财政局"
    assert sheets.header_row(issues) == 3 and issues.auto_filter.ref.startswith("A3:K")
    assert sheets.header(issues)[:4] == ["文件", "表类型", "实施单位", "项目名称"]
    injected = [r[3] for r in issues.iter_rows(min_row=4) if r[0].value.endswith("c_交通局_自评表.xlsx")]
    assert injected and all(c.value == '=HYPERLINK("http://x")' and c.data_type == "s" for c in injected)
    units = {r[0]: r for r in sheets.rows(wb["单位汇总"])}
    assert any(name and name != "（未识别单位）" for name in units)
    assert sum(r[1] for r in units.values()) == 3  # every file counted once
    assert wb["单位汇总"].auto_filter.ref
    for ws in wb.worksheets:
        sheets.assert_prints_as_document(ws, "退回修改清单")
    # 错误 / 警告 rows: a symbol beside the word (black-and-white print) and a fill
    severity = sheets.header(issues).index("严重程度") + 1
    marked = {c.value: c for c in issues[get_column_letter(severity)][3:]}
    assert "● 错误" in marked and not {"错误", "警告"} & set(marked)
    assert marked["● 错误"].fill.fgColor.rgb.endswith("FFC7CE") and marked["● 错误"].font.b
    row = marked["● 错误"].row
    assert issues.cell(row, 1).fill.fgColor.rgb.endswith("FDEDEF")  # the whole row tinted


def test_xlsx_report_has_one_sheet_per_unit_to_send_back(batch: Path, tmp_path: Path):
    out = tmp_path / "审核结果.xlsx"
    code, _, _ = pbm("validate", batch, "--format", "xlsx", "-o", out)
    assert code == 1
    wb = openpyxl.load_workbook(out)
    summary = wb["单位汇总"]
    with_errors = [r for r in sheets.rows(summary) if r[3] and r[0] != "（未识别单位）"]
    per_unit = wb.sheetnames[4:]
    assert per_unit and len(per_unit) == len(with_errors)
    for name in per_unit:
        ws = wb[name]
        assert len(name) <= 31 and not set("[]:*?/\\") & set(name)
        assert str(ws["A1"].value).startswith("退回修改清单（")
        sheets.assert_prints_as_document(ws)
        assert "问题说明" in sheets.header(ws) and "实施单位" not in sheets.header(ws)
        assert sheets.rows(ws) and all(r[5] in ("● 错误", "▲ 警告") for r in sheets.rows(ws))  # no 提示
    # each unit in 单位汇总 links to its own sheet
    link = summary.cell(sheets.header_row(summary) + 1, 1).hyperlink
    assert link is not None and link.location.strip("'").split("'")[0] in per_unit
    # pbm rectify import still finds the 问题清单 by its header labels
    from pbmcli.cycle.rectify import RECT_HEADERS
    from pbmcli.ledger.units import find_header, read_sheets

    rows_of = dict(read_sheets(out))
    found = find_header(rows_of["问题清单"], RECT_HEADERS, ("problem",))
    assert found is not None and found[0] == 2


def test_markdown_report(batch: Path):
    code, out, _ = pbm("validate", batch, "--format", "md")
    assert code == 1
    assert out.startswith("# 表格审核报告")
    assert "## 已跳过" in out and "| 文件数 | 通过 |" in out


def test_existing_output_is_refused_without_force(batch: Path, tmp_path: Path):
    out = tmp_path / "r.json"
    out.write_text("old", "utf-8")
    code, _, err = pbm("validate", batch, "-f", "json", "-o", out)
    assert code == 2 and "--force" in err and out.read_text("utf-8") == "old"
    code, _, _ = pbm("validate", batch, "-f", "json", "-o", out, "--force")
    assert code == 1 and json.loads(out.read_text("utf-8"))["summary"]["files"] == 3


def test_zip_with_gbk_names(tmp_path: Path):
    form = make_selfeval(tmp_path / "src.xlsx").read_bytes()
    names = ["城关镇/自评表.xlsx", "青山镇/自评表.xlsx"]
    encoded = [n.encode("gbk") for n in names]
    holders = [(f"p{i}" * 20)[: len(e)] for i, e in enumerate(encoded)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for holder in holders:
            z.writestr(holder, form)
    data = buf.getvalue()
    for holder, real in zip(holders, encoded, strict=True):
        data = data.replace(holder.encode(), real)
    archive = tmp_path / "乡镇报送.zip"
    archive.write_bytes(data)
    code, out, _ = pbm("validate", archive, "-f", "json")
    report = json.loads(out)
    assert [f["path"] for f in report["files"]] == [f"{archive}/{n}" for n in names]
    assert report["files"][1]["findings"][0]["code"] == "F006"  # same bytes twice
    assert code == 0


def test_single_unreadable_file_exits_2_but_in_a_batch_is_a_finding(tmp_path: Path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"")
    code, out, err = pbm("validate", bad, "-f", "json")
    assert code == 2 and "坏.xlsx" in err
    assert json.loads(out)["files"][0]["findings"][0]["code"] == "F008"
    make_goal(tmp_path / "好.xlsx")
    code, out, _ = pbm("validate", tmp_path, "-f", "json")
    assert code == 1 and json.loads(out)["summary"]["unreadable"] == 1


def test_unknown_rule_codes_are_usage_errors_naming_near_codes(batch: Path):
    code, _, err = pbm("validate", batch, "--ignore", "G199")
    assert code == 2 and "「G199」不存在" in err and "相近的代码" in err and "G1" in err
    code, _, err = pbm("score", batch, "--select", "Q")  # no family Q
    assert code == 2 and "「Q」不存在" in err
    code, _, _ = pbm("validate", batch, "--select", "G1,S2", "-f", "json")  # prefixes that exist
    assert code in (0, 1)


@pytest.mark.parametrize("args", [
    ["--select", "G1;x"],
    ["--format", "xlsx"],  # xlsx needs -o
    ["--jobs", "-1"],
])
def test_usage_errors_exit_2(batch: Path, args: list[str]):
    code, _, err = pbm("validate", batch, *args)
    assert code == 2 and err.startswith("错误")


def test_nothing_to_validate_exits_2(tmp_path: Path):
    (tmp_path / "readme.txt").write_text("x", "utf-8")
    code, _, err = pbm("validate", tmp_path)
    assert code == 2 and "没有找到" in err


def test_ignore_removes_codes(batch: Path):
    _, out, _ = pbm("validate", batch, "-f", "json")
    codes = {f["code"] for r in json.loads(out)["files"] for f in r["findings"]}
    assert codes
    drop = sorted(codes)[0]
    _, out, _ = pbm("validate", batch, "-f", "json", "--ignore", drop)
    assert drop not in {f["code"] for r in json.loads(out)["files"] for f in r["findings"]}


def test_jobs_2_equals_jobs_1(tmp_path: Path):
    for i in range(SMALL_BATCH + 6):
        totals = {"score": 90.0} if i % 5 == 0 else None
        make_selfeval(tmp_path / f"{i:03d}.xlsx", header={"project": f"项目{i:03d}"}, totals=totals)
    (tmp_path / "030.xlsx").write_bytes(b"broken")
    one = json.loads(pbm("validate", tmp_path, "-f", "json", "--jobs", "1")[1])
    two = json.loads(pbm("validate", tmp_path, "-f", "json", "--jobs", "2")[1])
    assert one == two
    assert one["summary"]["files"] == SMALL_BATCH + 6 and one["summary"]["unreadable"] == 1


def test_annotate_via_cli_leaves_originals_untouched(batch: Path, tmp_path: Path):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in batch.iterdir()}
    out_dir = tmp_path / "退回"
    code, _, err = pbm("validate", batch, "--annotate", out_dir, "-f", "json")
    assert code == 1
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in batch.iterdir()} == before
    copies = sorted(p.name for p in out_dir.rglob("*.xlsx"))
    assert copies == ["c_交通局_自评表.xlsx"]  # clean and unreadable files get no copy
    wb = openpyxl.load_workbook(out_dir / "c_交通局_自评表.xlsx")
    assert wb.sheetnames[0] == "审核意见"
    assert "批注副本" in err
    code, _, err = pbm("validate", batch, "--annotate", out_dir, "-f", "json")
    assert code == 2 and "已存在" in err


def test_config_show_toml_and_json(tmp_path: Path):
    cfg = tmp_path / "pbm.toml"
    cfg.write_text('[goal]\nsatisfaction_min = 85\n[workspace]\nauthority = "某县财政局"\n', "utf-8")
    code, out, _ = pbm("config", "show", "--config", cfg, "--ignore", "G108")
    assert code == 0
    data = tomllib.loads(out)
    assert data["goal"]["satisfaction_min"] == 85
    assert data["rules"]["ignore"] == ["G108"]
    assert data["workspace"]["authority"] == "某县财政局"
    assert f"satisfaction_min = 85  # 来源：{cfg}" in out
    code, out, _ = pbm("config", "show", "--config", cfg, "--format", "json")
    data = json.loads(out)
    assert data["source"] == ["内置规则包 national", str(cfg)]
    assert data["origins"]["goal.satisfaction_min"] == str(cfg)
    assert data["settings"]["grades"]["excellent"] == 90.0


def test_duplicates_f006_and_f007(tmp_path: Path, pack):
    first = make_selfeval(tmp_path / "1_原表.xlsx", totals={"score": 80.0})
    (tmp_path / "2_重复.xlsx").write_bytes(first.read_bytes())
    make_selfeval(tmp_path / "3_修改后.xlsx", totals={"score": 99.5})
    report = validate_paths([tmp_path], pack)
    orig, copy, revised = report.files
    assert [f.code for f in copy.findings] == ["F006"]  # a copy's problems are listed once
    # related keeps the full path (JSON pairs files); the message names it as the unit knows it
    assert copy.findings[0].related == orig.path
    assert "与「1_原表.xlsx」内容完全相同" in copy.findings[0].message and str(tmp_path) not in copy.findings[0].message
    assert "F007" in {f.code for f in revised.findings}
    assert not orig.ok and copy.ok  # F006/F007 are warnings by default
    assert report.summary.ok + report.summary.errors == report.summary.files == 3

    ignored = validate_paths([tmp_path], pack.with_selection(None, ["F006", "F007"])).files
    assert {f.code for f in ignored[1].findings} == {f.code for f in orig.findings}
    assert not {"F006", "F007"} & {f.code for r in ignored for f in r.findings}


def test_unreadable_file_never_passes_even_if_downgraded(tmp_path: Path, pack):
    import dataclasses

    from pbmcli.config import RuleSelection

    (tmp_path / "空.xlsx").write_bytes(b"")
    soft = dataclasses.replace(pack, rules=RuleSelection(severity={"F008": "warning"}))
    res = validate_paths([tmp_path], soft).files[0]
    assert res.unreadable and res.findings[0].severity.value == "warning" and not res.ok


def test_a_crash_on_one_file_is_reported_on_that_file(tmp_path: Path, pack, monkeypatch):
    import pbmcli.engine

    make_goal(tmp_path / "a.xlsx")
    make_selfeval(tmp_path / "b.xlsx")
    real = pbmcli.engine.check

    def flaky(sub, pack):
        if sub.path.endswith("b.xlsx"):
            raise RuntimeError("boom")
        return real(sub, pack)

    monkeypatch.setattr(pbmcli.engine, "check", flaky)
    report = validate_paths([tmp_path], pack)
    good, bad = report.files
    assert good.ok and not good.unreadable
    # a bug of pbm is not a finding about the file: no F001 "unreadable", an internal error (exit 3)
    assert not bad.ok and not bad.unreadable and not bad.findings
    assert bad.internal_error == "RuntimeError: boom"
    assert report.internal_errors == [(bad.path, "RuntimeError: boom")]
    res = runner.invoke(app, ["validate", str(tmp_path), "-q", "-j", "1", "-f", "json"])
    assert res.exit_code == 3
    assert json.loads(res.stdout)["files"][1]["internal_error"] == "RuntimeError: boom"
    assert "内部错误" in res.stderr and "b.xlsx" in res.stderr and "Traceback" not in res.output
