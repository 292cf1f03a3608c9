"""Markdown written by pbm shows text from inputs as text: never HTML, a link or an image.

A cell, unit or file name holding ``<script>``, ``<img onerror=…>`` or ``[x](javascript:…)``
appeared raw in ``pbm validate -f md`` and in the notice .md, which e-mail clients and web
pages render.  Expected outputs below are written out by hand from the escaping rules
(HTML as entities, Markdown punctuation with a backslash).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from factory import SELFEVAL_INDICATORS, make_selfeval
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.outputs import markdown_table, md_text

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
LINK = "[点我](javascript:alert(3))"


def _raw(md: str) -> list[str]:
    """HTML tags or a link target from the inputs left unescaped in ``md``."""
    return re.findall(r"<script|<img|(?<!\\)\]\(javascript:", md)


@pytest.mark.parametrize(("text", "shown"), [
    (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    (IMG, "&lt;img src=x onerror=alert(2)&gt;"),
    (LINK, "\\[点我\\](javascript:alert(3))"),
    ("![图](http://x/a.png)", "!\\[图\\](http://x/a.png)"),
    ("`代码`、*强调*、~~删除~~", "\\`代码\\`、\\*强调\\*、\\~\\~删除\\~\\~"),
    ("# 不是标题", "\\# 不是标题"),
    ("1. 不是列表", "1\\. 不是列表"),
    ("&lt;实体&gt; 与 R&D", "&amp;lt;实体&amp;gt; 与 R&D"),
    ("县_教育局_自评表.xlsx", "县_教育局_自评表.xlsx"),  # inside a word an underscore is no markup
    ("98.5%", "98.5%"),
    ("清屏\x1b[2J", "清屏\\\\u001b\\[2J"),
])
def test_md_text(text: str, shown: str) -> None:
    assert md_text(text) == shown


def test_markdown_table_cells() -> None:
    assert markdown_table(["单位", "说明"], [[IMG, "第一行\n" + LINK + "|x"]]) == (
        "| 单位 | 说明 |\n|---|---|\n"
        "| &lt;img src=x onerror=alert(2)&gt; | 第一行<br>\\[点我\\](javascript:alert(3))\\|x |\n")


def _run(*args: str | Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, [str(a) for a in args])
    return res.exit_code, res.stdout


def test_validate_markdown_shows_cells_and_names_as_text(tmp_path: Path) -> None:
    inds = list(SELFEVAL_INDICATORS)
    inds[0] = dataclasses.replace(inds[0], name=SCRIPT, target=LINK)
    make_selfeval(tmp_path / "收件" / f"{IMG}.xlsx", header={"unit": IMG, "project": LINK}, indicators=inds)
    code, md = _run("validate", "-f", "md", tmp_path / "收件")
    assert code == 1 and not _raw(md), md
    assert "## &lt;img src=x onerror=alert(2)&gt;.xlsx" in md
    assert ("单位：&lt;img src=x onerror=alert(2)&gt;；项目：\\[点我\\](javascript:alert(3))；结论：有错误"
            in md)
    assert "指标「&lt;script&gt;alert(1)&lt;/script&gt;」的指标值「\\[点我\\](javascript:alert(3))」" in md
    out = tmp_path / "报告.md"
    assert _run("validate", "-f", "md", "-o", out, tmp_path / "收件")[0] == 1
    assert out.read_text("utf-8") + "\n" == md or out.read_text("utf-8") == md


def test_notice_markdown_shows_inputs_as_text(tmp_path: Path) -> None:
    report = {"tool": "pbm", "files": [{
        "path": f"收件/{IMG}.xlsx", "form": "selfeval", "unit": IMG, "unit_code": "", "project": LINK,
        "ok": False, "findings": [{"code": "I108", "severity": "error", "sheet": "绩效表", "cell": "E13",
                                   "message": f"指标「{SCRIPT}」的指标值「{LINK}」无法识别",
                                   "expected": "", "actual": ""}]}]}
    source = tmp_path / "审核.json"
    source.write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    out = tmp_path / "通报"
    code, _ = _run("notice", "return", "--from", source, "-f", "md", "-o", out, "--date", "2026-11-22")
    assert code == 0
    (md_file,) = out.glob("*.md")
    md = md_file.read_text("utf-8")
    assert not _raw(md), md
    # (letters quote with “” — GB/T 15834 — so the form's text appears between them)
    assert "指标“&lt;script&gt;alert(1)&lt;/script&gt;”的指标值“\\[点我\\](javascript:alert(3))”" in md
    assert "&lt;img src=x onerror=alert(2)&gt;" in md
