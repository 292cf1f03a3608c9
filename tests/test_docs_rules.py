"""docs/rules.md is generated from the registry; `pbm rules` prints the same registry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.rules import RULES
from pbmcli.rules.docs import render_rules_markdown, rule_dict

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
runner = CliRunner()


def test_committed_rules_md_is_up_to_date():
    assert DOCS.read_text("utf-8") == render_rules_markdown(), (
        "docs/rules.md is stale: run  python -m pbmcli.rules.docs > docs/rules.md")


def test_docs_module_regenerates_the_file():
    out = subprocess.run([sys.executable, "-m", "pbmcli.rules.docs"], capture_output=True, check=True)
    assert out.stdout.decode("utf-8") == render_rules_markdown()


def test_every_code_has_a_section():
    text = render_rules_markdown()
    for code, r in RULES.items():
        assert f"### {code} {r.name}" in text


def test_rules_list_json_equals_the_registry():
    result = runner.invoke(app, ["rules", "list", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["code"] for r in rows] == sorted(RULES)
    assert rows[0]["summary"] == RULES[rows[0]["code"]].summary


def test_rules_list_table():
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0 and "G101" in result.stdout and "S213" in result.stdout


def test_explain_text_and_json():
    text = runner.invoke(app, ["rules", "explain", "g101"])
    assert text.exit_code == 0
    for word in ("G101", "说明", "原因", "示例", "修正", "配置项", "goal.funds_tolerance"):
        assert word in text.stdout
    js = runner.invoke(app, ["rules", "explain", "S206", "--format", "json"])
    assert json.loads(js.stdout) == rule_dict(RULES["S206"])


def test_explain_unknown_code_suggests_and_exits_2():
    result = runner.invoke(app, ["rules", "explain", "G1O1"])
    assert result.exit_code == 2
    assert "G101" in result.stderr and "没有规则代码" in result.stderr
    assert result.stdout == ""
