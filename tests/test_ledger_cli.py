"""CLI: init, ledger, monitor, rank, rectify, apply, ingest; JSON output equals the library."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from test_units import write_rows
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.config import load
from pbmcli.cycle.monitor import monitor_export
from pbmcli.cycle.ranking import rank
from pbmcli.ledger.store import Ledger

runner = CliRunner()
HEADER = ["单位编码", "单位名称", "项目名称", "全年预算数", "累计支出"]


def invoke(*args: str, code: int = 0) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == code, res.output
    return res.stdout


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised workspace with three units, as the current folder."""
    invoke("init", str(tmp_path / "ws"))
    root = tmp_path / "ws"
    (root / "units.xlsx").unlink()
    write_rows(root / "units.xlsx", [HEADER[:2] + ["简称/别名", "类别"], ["101", "县财政局", "财政局", "部门"],
                                     ["102", "县教育局", "教育局", "部门"], ["201", "城关镇", "", "乡镇"]])
    monkeypatch.chdir(root)
    return root


def export(root: Path, month: int, spent: dict[str, float]) -> Path:
    rows = [HEADER] + [[c, "", "项目", 100, s] for c, s in spent.items()]
    return write_rows(root / "收件" / "执行" / f"2026-{month:02d}.xlsx", rows)


def test_init_creates_workspace_and_refuses_overwrite(tmp_path: Path):
    out = invoke("init", str(tmp_path / "w"))
    assert "下一步" in out
    root = tmp_path / "w"
    assert (root / "pbm.toml").is_file() and (root / "units.xlsx").is_file()
    assert (root / "收件" / "自评").is_dir() and (root / "通报").is_dir()
    pack = load(config=root / "pbm.toml")
    assert pack.workspace.db == str(root / "pbm.sqlite")
    before = (root / "pbm.toml").read_bytes()
    res = runner.invoke(app, ["init", str(root)])
    assert res.exit_code == 2 and "不会覆盖" in "".join(res.output.split())
    assert (root / "pbm.toml").read_bytes() == before


def test_monitor_json_equals_library_and_record(ws: Path):
    path = export(ws, 10, {"101": 90.0, "102": 50.0})
    out = invoke("monitor", str(path), "--period", "2026-10", "--format", "json", "--record")
    pack = load(config=ws / "pbm.toml")
    with Ledger.open(ws / "pbm.sqlite") as led:
        expected = monitor_export(path, "2026-10", pack, led.units()).to_dict()
        assert led.execution_periods() == ["2026-10"]
    assert json.loads(out) == expected
    assert expected["missing"] == [{"unit": "城关镇", "code": "201"}]
    invoke("monitor", str(path), "--period", "2026-10", "--record")  # duplicate: no change
    with Ledger.open(ws / "pbm.sqlite") as led:
        assert led.conn.execute("SELECT COUNT(*) FROM execution").fetchone()[0] == 2


def test_monitor_xlsx_needs_output_and_writes(ws: Path):
    path = export(ws, 10, {"101": 90.0})
    res = runner.invoke(app, ["monitor", str(path), "--period", "2026-10", "--format", "xlsx"])
    assert res.exit_code == 2
    invoke("monitor", str(path), "--period", "2026-10", "--format", "xlsx", "-o", "输出/m.xlsx")
    from pbmcli.ledger.units import read_sheets

    sheets = dict(read_sheets(ws / "输出" / "m.xlsx"))
    assert sheets["单位汇总"][0][0] == "2026年10月预算执行进度监控表（单位汇总）"  # then 制表单位, the header
    assert sheets["单位汇总"][2][:6] == ["单位", "编码", "全年预算（万元）", "累计支出（万元）", "执行率",
                                      "与序时进度差（个百分点）"]
    assert sheets["单位汇总"][3][:2] == ["县财政局", "101"]
    assert sheets["未报送"][3:] == [["县教育局", "102"], ["城关镇", "201"]]


def test_rank_json_equals_library_and_formats(ws: Path):
    for month, spent in ((9, {"101": 70.0, "102": 40.0}), (10, {"101": 50.0, "102": 80.0, "201": 80.0})):
        invoke("monitor", str(export(ws, month, spent)), "--period", f"2026-{month:02d}", "--record", "-f", "json")
    out = json.loads(invoke("rank", "--period", "2026-10", "--format", "json"))
    pack = load(config=ws / "pbm.toml")
    with Ledger.open(ws / "pbm.sqlite") as led:
        assert out == rank(led, "2026-10", pack).to_dict()
    rows = out["groups"][0]["rows"]
    assert [(r["code"], r["rank"], r["change"], r["change_text"]) for r in rows] == [
        ("102", 1, 1, "↑1"), ("201", 1, None, "新"), ("101", 3, -2, "↓2")]
    md = invoke("rank", "--period", "2026Q4", "--format", "md")
    assert "| 名次 |" in md and "县教育局" in md
    invoke("rank", "--period", "2026", "--format", "xlsx", "-o", "输出/r.xlsx")
    assert (ws / "输出" / "r.xlsx").stat().st_size > 0
    explained = json.loads(invoke("rank", "--period", "2026Q4", "--explain", "财政局", "-f", "json"))
    assert explained["code"] == "101" and explained["dimensions"][0]["dimension"] == "execution"
    assert "得分构成" in invoke("rank", "--period", "2026Q4", "--explain", "101")


def test_rank_bad_period_is_usage_error(ws: Path):
    res = runner.invoke(app, ["rank", "--period", "2026-13"])
    assert res.exit_code == 2 and "2026Q3" in res.output


def test_rectify_cycle(ws: Path):
    write_rows(ws / "rect.xlsx", [["单位", "问题", "整改要求", "整改期限"],
                                  ["财政局", "指标不细化", "细化", "2026-10-31"],
                                  ["城关镇", "执行慢", "加快", "2026-12-31"]])
    assert "新增整改事项 2 条" in invoke("rectify", "import", "rect.xlsx", "--date", "2026-11-01")
    # overdue items are listed and the command succeeds (exit 0, so `&&` chains go on);
    # --strict makes them exit 1 for scripts that want to stop
    items = json.loads(invoke("rectify", "overdue", "--date", "2026-11-22", "-f", "json", code=0))
    invoke("rectify", "overdue", "--date", "2026-11-22", "--strict", code=1)
    assert [(i["id"], i["unit_code"], i["overdue"]) for i in items] == [(1, "101", True)]
    invoke("rectify", "done", "1", "--evidence", "已修改申报表", "--date", "2026-11-23")
    invoke("rectify", "overdue", "--date", "2026-11-24", code=0)
    done = json.loads(invoke("rectify", "list", "--status", "done", "-f", "json"))
    assert done[0]["evidence"] == "已修改申报表" and done[0]["done_at"] == "2026-11-23"
    res = runner.invoke(app, ["rectify", "done", "9", "--evidence", "x"])
    assert res.exit_code == 2


def test_apply_and_ledger_summary(ws: Path):
    invoke("monitor", str(export(ws, 12, {"101": 95.0, "102": 40.0})), "--period", "2026-12", "--record")
    d = json.loads(invoke("apply", "--year", "2026", "-f", "json"))
    assert [(r["code"], r["large_balance"]) for r in d["rows"]] == [("101", False), ("102", True)]
    s = json.loads(invoke("ledger", "-f", "json"))
    assert s["units"] == 3 and s["execution"] == {"2026-12": 2}
    assert "台账" in invoke("ledger")


def test_ingest_records_forms(ws: Path):
    templates = pytest.importorskip("pbmcli.forms")
    pytest.importorskip("pbmcli.readers.inputs")
    path = ws / "收件" / "自评" / "a.xlsx"
    templates.write_template("selfeval", path, prefill={"unit": "县财政局", "project": "项目A"})
    res = runner.invoke(app, ["ingest", str(path), "--period", "2026", "-f", "json", "--date", "2026-12-01"])
    assert res.exit_code in (0, 1), res.output
    first = json.loads(res.output)
    assert first["items"][0]["status"] == "new"
    again = json.loads(runner.invoke(app, ["ingest", str(path), "--period", "2026", "-f", "json"]).output)
    assert again["items"][0]["status"] == "duplicate"
    with Ledger.open(ws / "pbm.sqlite", lambda: dt.datetime(2027, 1, 1)) as led:
        assert len(led.submissions(current=False)) == 1
        assert led.submissions()[0].recorded_at.startswith("2026-12-01")


def test_monitor_forms_folder_lights(ws: Path):
    templates = pytest.importorskip("pbmcli.forms")
    pytest.importorskip("pbmcli.readers.inputs")
    import openpyxl

    folder = ws / "收件" / "监控"
    path = templates.write_template("monitor", folder / "m.xlsx", prefill={"unit": "县财政局", "project": "项目A"})
    wb = openpyxl.load_workbook(path)
    sheet = wb.worksheets[0]
    name_col = target_col = current_col = None
    for row in sheet.iter_rows(max_row=30):
        for cell in row:
            if cell.value == "三级指标":
                name_col, header_row = cell.column, cell.row
            elif cell.value == "年度指标值":
                target_col = cell.column
            elif cell.value == "当前完成值":
                current_col = cell.column
    assert name_col and target_col and current_col
    sheet.cell(header_row + 1, name_col, "培训人次")
    sheet.cell(header_row + 1, target_col, "≥120人次")
    sheet.cell(header_row + 1, current_col, 40)
    wb.save(path)
    d = json.loads(invoke("monitor", str(folder), "--period", "2026-08", "-f", "json"))
    assert d["kind"] == "indicators"
    got = [(i["indicator"], i["light"], i["p"]) for i in d["indicators"]]
    assert got == [("培训人次", "red", 50.0)]


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.skipif(not (EXAMPLES / "monitor" / "2026-08").is_dir(), reason="examples not generated")
def test_examples_monitoring_forms_lights(tmp_path: Path):
    d = json.loads(invoke("monitor", str(EXAMPLES / "monitor" / "2026-08"), "--period", "2026-08", "-f", "json",
                          "--db", str(tmp_path / "l.sqlite")))
    lights = {i["indicator"]: (i["light"], i["p"]) for i in d["indicators"]}
    assert lights["完成路面修补面积"] == ("yellow", 64.76)  # 6800 ÷ (18000 × 7/12): the 1-7月 form
    assert lights["新建改造农村户厕数量"][0] == "red"
    assert lights["整治任务完成时限"][0] == "yellow"  # 进度滞后
    assert lights["食品安全事故发生数"][0] == "green"  # =0 and 0


@pytest.mark.skipif(not (EXAMPLES / "rectification.xlsx").is_file(), reason="examples not generated")
def test_examples_month_and_rectification(tmp_path: Path):
    db = str(tmp_path / "l.sqlite")
    invoke("ledger", "--db", db, "--units", str(EXAMPLES / "units.xlsx"))
    may = json.loads(invoke("monitor", str(EXAMPLES / "execution" / "2026-05.xlsx"), "--period", "2026-05",
                            "-f", "json", "--db", db))
    assert [m["unit"] for m in may["missing"]] == ["示例县白沙乡人民政府"]
    invoke("rectify", "import", str(EXAMPLES / "rectification.xlsx"), "--db", db, "--date", "2026-11-01")
    late = json.loads(invoke("rectify", "overdue", "--db", db, "--date", "2026-11-22", "-f", "json"))
    assert {i["unit"] for i in late} == {"示例县交通运输局", "示例县民政局", "示例县河口乡人民政府", "示例县教育局"}


def test_monitor_without_record_creates_no_ledger(ws: Path):
    path = export(ws, 10, {"101": 90.0})
    d = json.loads(invoke("monitor", str(path), "--period", "2026-10", "-f", "json"))
    assert not (ws / "pbm.sqlite").exists()
    assert [m["code"] for m in d["missing"]] == ["102", "201"]  # units read from units.xlsx


# --------------------------------------------------------------------------- QA findings


@pytest.mark.parametrize("args", [["rank", "--period", "2026"], ["rectify", "list"], ["rectify", "overdue"],
                                  ["rectify", "done", "1", "--evidence", "x"], ["ledger"], ["apply", "--year", "2026"]])
def test_read_only_commands_do_not_create_a_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "找不到台账" in "".join(res.output.split()) and "pbminit" in "".join(res.output.split())
    assert not (tmp_path / "pbm.sqlite").exists()


def test_ledger_units_with_duplicate_codes_stops_without_importing(tmp_path: Path):
    units = write_rows(tmp_path / "units.xlsx", [HEADER[:2], ["101", "县财政局"], ["102", "县教育局"], ["101", "县卫健局"]])
    db = tmp_path / "l.sqlite"
    res = runner.invoke(app, ["ledger", "--db", str(db), "--units", str(units)])
    assert res.exit_code == 2 and "重复" in res.output and "第2、4行" in "".join(res.output.split())
    assert not db.exists()


def test_rectify_done_twice_needs_force(ws: Path):
    write_rows(ws / "rect.xlsx", [["单位", "问题", "整改期限"], ["财政局", "指标不细化", "2026-10-31"]])
    invoke("rectify", "import", "rect.xlsx", "--date", "2026-11-01")
    invoke("rectify", "done", "1", "--evidence", "材料一", "--date", "2026-11-20")
    res = runner.invoke(app, ["rectify", "done", "1", "--evidence", "材料二", "--date", "2026-11-23"])
    assert res.exit_code == 2 and "已于2026-11-20登记完成" in "".join(res.output.split())
    item = json.loads(invoke("rectify", "list", "-f", "json"))[0]
    assert (item["evidence"], item["done_at"]) == ("材料一", "2026-11-20")
    invoke("rectify", "done", "1", "--evidence", "材料二", "--date", "2026-11-23", "--force")
    assert json.loads(invoke("rectify", "list", "-f", "json"))[0]["evidence"] == "材料二"


def test_formats_offered_are_the_formats_supported(ws: Path):
    for args in (["ledger", "-f", "md"], ["ingest", "收件", "--period", "2026", "-f", "xlsx"],
                 ["monitor", "x.xlsx", "--period", "2026-10", "-f", "md"]):
        assert runner.invoke(app, args).exit_code == 2, args
    write_rows(ws / "rect.xlsx", [["单位", "问题", "整改期限"], ["财政局", "指标不细化", "2026-10-31"]])
    invoke("rectify", "import", "rect.xlsx", "--date", "2026-11-01")
    assert "| 编号 | 单位 |" in invoke("rectify", "list", "-f", "md")
    invoke("rectify", "overdue", "-f", "xlsx", "-o", "输出/逾期.xlsx", "--date", "2026-11-22")
    from pbmcli.ledger.units import read_sheets

    listed = dict(read_sheets(ws / "输出" / "逾期.xlsx"))["整改事项"]
    assert listed[0][0] == "整改事项" and listed[1][:2] == ["编号", "单位"] and listed[2][2] == "指标不细化"
    assert "md" in "".join(invoke("apply", "--help").split())
    invoke("monitor", str(export(ws, 12, {"101": 95.0})), "--period", "2026-12", "--record")
    md = invoke("apply", "--year", "2026", "-f", "md")
    assert "| 单位 | 编码 | 项目 | 等级 |" in md and "| 县财政局 | 101 | 项目 | 未自评 |" in md


def test_monitor_quiet_prints_only_the_result(ws: Path):
    path = export(ws, 10, {"101": 90.0})
    loud = runner.invoke(app, ["monitor", str(path), "--period", "2026-10"])
    quiet = runner.invoke(app, ["monitor", str(path), "--period", "2026-10", "-q"])
    assert loud.exit_code == quiet.exit_code == 0
    assert "合计" in loud.output and "未报送" in loud.output
    assert "合计" not in quiet.output and "未报送" not in quiet.output and "县财政局" in quiet.output


def _selfeval(path: Path, unit: str, project: str) -> Path:
    templates = pytest.importorskip("pbmcli.forms")
    pytest.importorskip("pbmcli.readers.inputs")
    return templates.write_template("selfeval", path, prefill={"unit": unit, "project": project})


def test_ingest_missing_counts_the_ledger_and_table_fits_80_columns(ws: Path):
    from rich.cells import cell_len

    folder = ws / "收件" / "自评"
    _selfeval(folder / "财政局-项目A-自评表.xlsx", "县财政局", "项目A")
    _selfeval(folder / "教育局-项目B-自评表.xlsx", "县教育局", "项目B")
    first = runner.invoke(app, ["ingest", str(folder), "--period", "2026", "--date", "2026-12-01"])
    assert first.exit_code in (0, 1), first.output
    later = ws / "补报" / "财政局-项目C-自评表.xlsx"
    later.parent.mkdir()
    _selfeval(later, "县财政局", "项目C")
    res = runner.invoke(app, ["ingest", str(later), "--period", "2026", "-f", "json"])
    assert [m["code"] for m in json.loads(res.stdout)["missing"]] == ["201"]  # 教育局 is in the ledger
    table = runner.invoke(app, ["ingest", str(folder), str(later), "--period", "2026"])
    lines = table.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), table.stdout
    assert any("财政局-项目A-自" in line for line in lines), table.stdout  # not an 8-character column
    assert "自评表" in table.output and "selfeval" not in table.output
    assert str(folder) not in table.output and "已存在" in table.output
    assert "未报送绩效自评表" in "".join(table.output.split()) and "城关镇" in table.output


def test_empty_periods_and_missing_paths_are_usage_errors(ws: Path, tmp_path: Path):
    """Nothing to rank, nothing to apply, nothing to ingest: one Chinese line and exit 2."""
    invoke("monitor", str(export(ws, 10, {"101": 50.0})), "--period", "2026-10", "--record", "-f", "json")
    res = runner.invoke(app, ["rank", "--period", "2027"])
    assert res.exit_code == 2 and "台账中没有 2027 可用于排名的数据" in res.stderr
    res = runner.invoke(app, ["apply", "--year", "2025"])
    assert res.exit_code == 2 and "没有 2025 年度的自评表或执行数据" in res.stderr
    res = runner.invoke(app, ["ingest", str(tmp_path / "没有这个文件夹"), "--period", "2026"])
    assert res.exit_code == 2 and "没有找到可导入的表格文件" in res.stderr and "已跳过 1 项" in res.stderr


def test_init_under_a_file_is_one_chinese_line(tmp_path: Path):
    blocker = tmp_path / "文件"
    blocker.write_text("x", "utf-8")
    res = runner.invoke(app, ["init", str(blocker / "工作区")])
    assert res.exit_code == 2, res.output
    assert "路径中有同名的文件，无法建立文件夹" in res.stderr and "内部错误" not in res.stderr
    assert blocker.read_text("utf-8") == "x"


_NO_COLOR_BEFORE = os.environ.get("NO_COLOR")

ALL_COMMANDS = [["inspect"], ["template"], ["validate"], ["score"], ["init"], ["ledger"], ["ledger", "remove"], ["ingest"],
                ["monitor"], ["rank"], ["apply"], ["notice"], ["demo"], ["rules", "list"], ["rules", "explain"],
                ["rectify", "import"], ["rectify", "list"], ["rectify", "done"], ["rectify", "overdue"],
                ["config", "show"]]


@pytest.mark.parametrize("cmd", ALL_COMMANDS, ids=" ".join)
def test_every_command_takes_quiet_and_no_color(cmd: list[str]):
    res = runner.invoke(app, [*cmd, "--help"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert "--quiet" in text and "-q" in text and "--no-color" in text


def test_quiet_hides_hints_not_results_or_errors(ws: Path):
    invoke("monitor", str(export(ws, 10, {"101": 50.0, "102": 90.0})), "--period", "2026-10", "--record", "-f", "json")
    loud = runner.invoke(app, ["rank", "--period", "2026-10"])
    quiet = runner.invoke(app, ["rank", "--period", "2026-10", "-q", "--no-color"])
    assert loud.exit_code == quiet.exit_code == 0
    assert "红榜" in loud.stderr and quiet.stderr == ""  # the 红榜/黑榜 hints
    assert quiet.stdout == loud.stdout and "县教育局" in quiet.stdout
    again = runner.invoke(app, ["rank", "--period", "2026-10"])
    assert "红榜" in again.stderr  # -q of the previous run does not stick
    failed = runner.invoke(app, ["rank", "--period", "2027", "-q"])
    assert failed.exit_code == 2 and "台账中没有 2027" in failed.stderr
    assert "NO_COLOR" not in os.environ or os.environ.get("NO_COLOR") == _NO_COLOR_BEFORE


def test_monitor_takes_the_month_from_the_file_name_and_says_so(ws: Path):
    path = export(ws, 8, {"101": 50.0})  # 收件/执行/2026-08.xlsx
    res = runner.invoke(app, ["monitor", str(path), "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["period"] == "2026-08"
    assert "未指定 --period，按名称「2026-08.xlsx」取 2026-08" in " ".join(res.stderr.split())
    plain = write_rows(ws / "收件" / "执行数据.xlsx", [HEADER, ["101", "", "项目", 100, 50]])
    res = runner.invoke(app, ["monitor", str(plain)])
    assert res.exit_code == 2 and "请用 --period 指定月份" in res.stderr


def test_ingest_of_the_inbox_leaves_exports_and_monitoring_forms_to_pbm_monitor(ws: Path):
    """`pbm ingest 收件 --period 2026`: the execution export in 收件/执行 and an August 运行监控表
    are skipped with the command that handles them, never F003 errors or year records."""
    import shutil

    from pbmcli.forms import write_template

    write_template("selfeval", ws / "收件" / "自评" / "a.xlsx", prefill={"unit": "县财政局", "project": "项目A"})
    export(ws, 10, {"101": 50.0})
    monitor_form = next((Path(__file__).resolve().parent.parent / "examples" / "monitor" / "2026-08").glob("*.xlsx"))
    (ws / "收件" / "监控").mkdir(parents=True, exist_ok=True)
    shutil.copy(monitor_form, ws / "收件" / "监控" / monitor_form.name)
    res = runner.invoke(app, ["ingest", str(ws / "收件"), "--period", "2026", "-f", "json"])
    assert res.exit_code in (0, 1), res.output
    d = json.loads(res.stdout)
    assert [Path(i["path"]).name for i in d["items"]] == ["a.xlsx"]
    assert not [f for f in d["findings"] if f["code"] == "F003"]
    reasons = {Path(s["path"]).name: s["reason"] for s in d["skipped"]}
    assert "pbm monitor" in reasons["2026-10.xlsx"] and "执行数据导出表" in reasons["2026-10.xlsx"]
    assert "绩效运行监控表" in reasons[monitor_form.name] and "不按 2026 记入台账" in reasons[monitor_form.name]
    with Ledger.open(ws / "pbm.sqlite") as led:
        assert [s.form for s in led.submissions()] == ["selfeval"]


def test_the_output_file_name_chooses_the_format(ws: Path):
    """-o 排名.xlsx without --format writes a workbook; a table is for the screen only; a
    format the extension contradicts is refused before anything is written."""
    import openpyxl

    invoke("monitor", str(export(ws, 10, {"101": 50.0, "102": 80.0})), "--period", "2026-10", "--record")
    res = runner.invoke(app, ["rank", "--period", "2026-10", "-o", "输出/排名.xlsx"])
    assert res.exit_code == 0 and "已生成：输出/排名.xlsx" in res.stderr
    assert openpyxl.load_workbook(ws / "输出" / "排名.xlsx").sheetnames[0] == "全部单位"
    invoke("rank", "--period", "2026-10", "-o", "输出/排名.json")
    assert json.loads((ws / "输出" / "排名.json").read_text("utf-8"))["period"] == "2026-10"
    res = runner.invoke(app, ["rank", "--period", "2026-10", "-o", "输出/排名.txt"])
    assert res.exit_code == 2 and "只显示在屏幕上" in res.output and not (ws / "输出" / "排名.txt").exists()
    res = runner.invoke(app, ["rank", "--period", "2026-10", "-f", "json", "-o", "输出/r2.xlsx"])
    assert res.exit_code == 2 and "与 --format json 不一致" in res.output and not (ws / "输出" / "r2.xlsx").exists()
    res = runner.invoke(app, ["monitor", "收件/执行/2026-10.xlsx", "-o", "输出/监控.xlsx"])
    assert res.exit_code == 0 and openpyxl.load_workbook(ws / "输出" / "监控.xlsx").sheetnames[0] == "单位汇总"
    res = runner.invoke(app, ["rank", "--period", "2026-10", "-o", "输出/r.csv"])  # rank writes no csv
    assert res.exit_code == 2 and "不能输出 csv" in res.output


def test_a_folder_of_execution_exports_is_not_monitoring_forms(ws: Path):
    """Execution exports in a folder: no monitoring form is read; exit 2 saying to name one
    month's file (no empty lights table with exit 0)."""
    export(ws, 9, {"101": 50.0})
    res = runner.invoke(app, ["monitor", "收件/执行", "--period", "2026-09"])
    assert res.exit_code == 2 and "没有读到绩效运行监控表" in res.output
    assert "pbm monitor 收件/执行/2026-09.xlsx --period 2026-09" in res.output


def test_ingest_says_when_the_form_states_another_year(ws: Path):
    """A 2026 form ingested with --period 2025 is recorded as asked, with a note saying how to
    put it right (the ranking of 2025 would otherwise count it silently)."""
    from factory import make_selfeval

    form = make_selfeval(ws / "收件" / "自评" / "a.xlsx", header={"unit": "县财政局"})  # （2026年度）
    out = json.loads(invoke("ingest", str(form), "--period", "2025", "-f", "json"))
    assert out["items"][0]["status"] == "new"
    note = out["items"][0]["note"]
    assert "表中写的年度是 2026 年" in note and "pbm ledger remove --period 2025 --file a.xlsx" in note
    other = make_selfeval(ws / "收件" / "自评" / "b.xlsx", header={"unit": "县财政局", "project": "另一个项目"})
    assert not json.loads(invoke("ingest", str(other), "--period", "2026", "-f", "json"))["items"][0]["note"]


def test_a_copy_in_the_same_batch_names_the_file_it_copies(ws: Path):
    from factory import make_selfeval

    first = make_selfeval(ws / "收件" / "自评" / "a.xlsx", header={"unit": "县财政局"})
    (ws / "收件" / "自评" / "a(重报).xlsx").write_bytes(first.read_bytes())
    out = json.loads(invoke("ingest", "收件/自评", "--period", "2026", "-f", "json"))
    states = {Path(i["path"]).name: (i["status"], i["note"]) for i in out["items"]}
    recorded = [n for n, (s, _) in states.items() if s == "new"]
    assert len(recorded) == 1
    copy = next(n for n in states if n not in recorded)
    assert states[copy] == ("duplicate", f"与已导入的 {recorded[0]} 内容完全相同（同一文件的副本），未重复记录。")
