"""`pbm inspect`: table and JSON output, JSON equals the library, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

from factory import make_goal, make_selfeval
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.readers import read_submission
from pbmcli.readers.dump import SCHEMA, submission_dict

runner = CliRunner()


def test_json_equals_the_library_and_is_complete(tmp_path: Path) -> None:
    path = make_selfeval(tmp_path / "自评.xlsx", variant="sichuan", percent_format=True,
                         overrides={"J13": "十分"})
    res = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data == json.loads(json.dumps(submission_dict(read_submission(str(path))), ensure_ascii=False))
    assert data["schema"] == SCHEMA
    assert (data["kind"], data["variant"]) == ("selfeval", "sichuan")
    assert data["header"]["project"]["cell"] == "B3"
    ind = data["indicators"][1]
    assert ind["target"] == {"kind": "quantitative", "text": "90", "display": "≥90%", "operator": "≥",
                             "number": 90.0, "unit": "%", "term": None, "reason": None}
    assert ind["fields"]["actual"]["percent"] is True
    assert ind["cells"]["name"] == "D14"
    assert [i["kind"] for i in data["issues"]] == ["not_a_number"]
    assert data["issues"][0]["cell"] == "J13"


def test_table_output_shows_what_was_read(tmp_path: Path) -> None:
    path = make_goal(tmp_path / "目标.xlsx", midterm=True)
    res = runner.invoke(app, ["inspect", str(path)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    out = res.stdout
    for text in ("绩效目标申报表", "农村公路养护工程", "[301]" not in out and "示例县交通运输局",
                 "中期", "养护道路里程", "≥100公里", "读取问题：无"):
        assert text and text in out


def test_bad_input_is_one_chinese_line_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "空表.xlsx"
    empty.write_bytes(b"")
    res = runner.invoke(app, ["inspect", str(empty)])
    assert res.exit_code == 2
    message = res.stderr.replace("\n", "")  # the console may wrap a long line
    assert message.startswith("错误：") and "Traceback" not in message
    assert "空表.xlsx：文件为空（0 字节）" in message
    res = runner.invoke(app, ["inspect", str(tmp_path / "没有.xlsx")])
    assert res.exit_code == 2 and "不存在" in res.stderr


def test_unknown_format_option_is_a_usage_error(tmp_path: Path) -> None:
    path = make_selfeval(tmp_path / "a.xlsx")
    res = runner.invoke(app, ["inspect", str(path), "--format", "xml"])
    assert res.exit_code == 2 and "table 或 json" in res.stderr


def test_gbk_console_gets_no_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = make_selfeval(tmp_path / "a.xlsx", header={"project": "养护😀工程"})
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "COLUMNS": "160"}
    for fmt in ("table", "json"):
        proc = subprocess.run([sys.executable, "-m", "pbmcli", "inspect", str(path), "--format", fmt],
                              capture_output=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr.decode("gbk", "replace")
        text = proc.stdout.decode("gbk")
        assert "养护?工程" in text or "\\ud83d" in text
