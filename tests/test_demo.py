"""`pbm demo` runs the whole flow on the bundled examples (the README's first command)."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
from typer.testing import CliRunner

from pbmcli.cli import app


def test_demo_runs_every_step_and_writes_the_outputs(tmp_path: Path):
    out = tmp_path / "演示 输出"
    result = CliRunner().invoke(app, ["demo", str(out), "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    review = json.loads((out / "01-审核" / "审核结果.json").read_text("utf-8"))
    assert review["summary"]["files"] >= 24 and review["summary"]["errors"] > 0
    book = openpyxl.load_workbook(out / "02-复核" / "自评复核汇总.xlsx", read_only=True)
    assert "汇总" in book.sheetnames
    notice = docx.Document(str(out / "05-通报" / "2026-10预算执行进度通报.docx"))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "示例县财政局关于2026年1—10月" in text and "示财绩〔2026〕12号" in text
    letters = list((out / "05-通报" / "退回修改意见").glob("*.docx"))
    assert letters, "one return letter per unit with findings"
    assert (out / "04-排名" / "年度综合排名.xlsx").is_file()
    assert (out / "06-结果应用" / "2027年预算安排建议.xlsx").is_file()


def test_demo_reruns_in_its_own_folder_but_never_clears_a_users_folder(tmp_path: Path):
    runner = CliRunner()
    mine = tmp_path / "我的文件"
    mine.mkdir()
    (mine / "重要.xlsx").write_bytes(b"keep")
    result = runner.invoke(app, ["demo", str(mine)])
    assert result.exit_code == 2
    assert (mine / "重要.xlsx").read_bytes() == b"keep"
    out = tmp_path / "demo"
    assert runner.invoke(app, ["demo", str(out), "--date", "2026-11-22"]).exit_code == 0
    assert runner.invoke(app, ["demo", str(out), "--date", "2026-11-22"]).exit_code == 0


def test_ctrl_c_in_a_step_stops_the_whole_demo(tmp_path: Path, monkeypatch):
    import pbmcli.report

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pbmcli.report, "validate_paths", interrupted)  # step [1], the first pbm validate
    out = tmp_path / "演示"
    result = CliRunner().invoke(app, ["demo", str(out), "--date", "2026-11-22"])
    assert result.exit_code == 130, result.output
    assert "已中断" in result.output
    assert not (out / "02-复核" / "自评复核汇总.xlsx").exists()  # the later steps did not run
