"""Templates, the block language and the Markdown writer (snapshots under tests/snapshots/).

Update snapshots explicitly: PBM_UPDATE_SNAPSHOTS=1 pytest tests/test_notice_*.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from pbmcli.config import RulePack
from pbmcli.errors import UsageError
from pbmcli.render import blocks as B
from pbmcli.render.context import KINDS
from pbmcli.render.markdown import to_markdown
from pbmcli.render.notices import sample_context

SNAPSHOTS = Path(__file__).parent / "snapshots"


def assert_snapshot(name: str, text: str) -> None:
    """Compare with tests/snapshots/<name>; PBM_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("PBM_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.is_file(), f"缺少快照 {path}；确认输出无误后用 PBM_UPDATE_SNAPSHOTS=1 生成"
    assert text == path.read_text("utf-8")


def issuing_pack(pack: RulePack) -> RulePack:
    """A pack with every optional header/colophon element switched on."""
    ws = dataclasses.replace(pack.workspace, red_header=True, contact="张三，0731-1234567",
                             copy_to="县人大常委会办公室，县政府办公室")
    return dataclasses.replace(pack, workspace=ws)


@pytest.mark.parametrize("kind", KINDS)
def test_template_variables_equal_context_keys(pack: RulePack, kind: str) -> None:
    used = B.template_variables(B.template_path(kind))
    assert used == set(sample_context(kind, pack))


@pytest.mark.parametrize("kind", KINDS)
def test_markdown_snapshot(pack: RulePack, kind: str) -> None:
    ctx = sample_context(kind, issuing_pack(pack))
    text = to_markdown(B.render_blocks(kind, ctx), "chart.png" if kind == "monthly" else None)
    assert_snapshot(f"notice-{kind}.md", text)
    assert text == to_markdown(B.render_blocks(kind, ctx),
                               "chart.png" if kind == "monthly" else None)  # deterministic


def test_monthly_markdown_content(pack: RulePack) -> None:
    text = to_markdown(B.render_blocks("monthly", sample_context("monthly", pack)), "图.png")
    assert "全县项目支出执行率为76.19%，序时进度为83.33%，低于序时进度7.14个百分点" in text
    assert "请于2026年12月5日前" in text
    assert "![各单位预算执行率与序时进度对比](图.png)" in text
    assert "| 9 | 县水利局 | 2600.00 | 1370.00 | 52.69 | -30.64 | 红色预警 |" in text
    assert "| 合计 |  | 21650.00 | 16495.00 | 76.19 | -7.14 |  |" in text
    assert "附件：2026年1—10月各单位预算执行进度情况表\n" in text   # no closing punctuation
    assert not any(c.isascii() and c.isalpha() for c in text.replace("png", "").replace("br", "")
                   .replace('<p align="right">', "").replace("</p>", ""))


def test_headings_and_attachments_are_numbered() -> None:
    blocks = B.parse("@h1 甲\n@h2 子\n@h2 丑\n@h1 乙\n@h2 寅\n@attach 表一\n@attach 表二\n正文一行\n")
    assert [b.text for b in blocks] == ["一、甲", "（一）子", "（二）丑", "二、乙", "（一）寅",
                                        "附件：1.表一", "2.表二", "正文一行"]
    assert blocks[-1].kind == "p"
    assert B.parse("@attach 唯一附件")[0].text == "附件：唯一附件"


def test_tables_and_groups_parse() -> None:
    (table,) = B.parse("@table\n@row 名次|单位\n@group 乡镇\n@row 1|城关镇\n@endtable\n")
    assert table.rows == [["名次", "单位"], ["1", "城关镇"]]
    assert table.groups == {1: "乡镇"}


def test_unknown_directive_is_a_chinese_error() -> None:
    with pytest.raises(UsageError, match="未知的版式标记「@foo」"):
        B.parse("@p 好\n@foo 坏\n")


def test_user_template_is_sandboxed(tmp_path: Path) -> None:
    evil = tmp_path / "evil.md.j2"
    evil.write_text("@p {{ title.__class__.__mro__[1].__subclasses__() }}\n", "utf-8")
    with pytest.raises(UsageError, match="不允许"):
        B.render_lines("monthly", {"title": "x"}, evil)


def test_user_template_unknown_variable_fails_loudly(tmp_path: Path, pack: RulePack) -> None:
    own = tmp_path / "own.md.j2"
    own.write_text("@title {{ title }}\n@p {{ no_such_thing }}\n", "utf-8")
    with pytest.raises(UsageError, match="未定义的变量"):
        B.render_lines("monthly", sample_context("monthly", pack), own)


def test_user_template_renders_with_filters(tmp_path: Path, pack: RulePack) -> None:
    own = tmp_path / "own.md.j2"
    own.write_text("@title {{ title }}\n@p 红色预警：{{ red_units|cn_list }}\n", "utf-8")
    text = B.render_lines("monthly", sample_context("monthly", pack), own)
    assert "红色预警：河口镇人民政府、县农业农村局、县水利局" in text


def test_plain_text_lists_every_block(pack: RulePack) -> None:
    blocks = B.render_blocks("return", sample_context("return", pack))
    text = B.plain_text(blocks)
    assert "示例县财政局关于退回县农业农村局预算绩效材料修改的通知" in text
    assert "1\t高标准农田建设\t工作表“绩效目标申报表”，单元格C8" in text
    assert dt.date(2026, 11, 29).strftime("%Y") in text


def test_user_template_can_include_shipped_parts(tmp_path: Path, pack: RulePack) -> None:
    own = tmp_path / "简版.md.j2"
    own.write_text('{% include "_head.md.j2" %}\n@p 截至{{ period_cn }}末执行率{{ total_rate }}%。\n'
                   '{% include "_sign.md.j2" %}\n', "utf-8")
    used = B.template_variables(own)
    assert {"doc_number", "title", "signature", "date_cn", "total_rate"} <= used
    blocks = B.render_blocks("monthly", sample_context("monthly", pack), own)
    assert [b.kind for b in blocks] == ["redheader", "docnum", "title", "p", "sign", "date"]


def test_unidentified_list_template_matches_its_context(pack: RulePack, tmp_path: Path) -> None:
    import docx

    from pbmcli.render import Notice, write_notice
    from pbmcli.render import letters as L
    from pbmcli.render.notices import UNIDENTIFIED

    lost = [{"path": "收件/通讯录.xlsx", "unit": None, "reason": "表内没有填写单位名称",
             "findings": [{"code": "F003", "severity": "error", "message": "不是可识别的绩效表格"}]}]
    ctx = L.build_unidentified(lost, pack, dt.date(2026, 11, 22))
    assert B.template_variables(B.template_path(UNIDENTIFIED)) == set(ctx)
    (md, doc) = write_notice(Notice(UNIDENTIFIED, ctx["title"], ctx, dt.date(2026, 11, 22)), tmp_path)
    assert "| 1 | 收件/通讯录.xlsx | （未填写） | 表内没有填写单位名称 | 必须修改1处 |" in md.read_text("utf-8")
    word = docx.Document(str(doc))
    assert word.paragraphs[0].text == "无法识别报送单位的文件清单"
    assert word.tables[0].rows[1].cells[1].text == "收件/通讯录.xlsx"


def test_ranking_notes_are_printed_under_the_table(pack: RulePack) -> None:
    import datetime as dt

    from pbmcli.render import samples
    from pbmcli.render.blocks import render_blocks
    from pbmcli.render.context import build_quarterly
    from pbmcli.render.markdown import to_markdown

    rank = samples.rank()
    rank["notes"] = ["本期没有到期的整改事项，“问题按期整改”不计入，其余权重按比例折算。"]
    ctx = build_quarterly(rank, [], pack, dt.date(2026, 11, 22), 13)
    text = to_markdown(render_blocks("quarterly", ctx))
    assert "注：本期没有到期的整改事项" in text


def test_return_letter_says_how_many_of_the_files_sent_are_returned(pack: RulePack) -> None:
    finding = {"code": "G101", "severity": "error", "sheet": "表1", "cell": "C5", "message": "项目名称未填写"}
    files = [{"path": "收件/a.xlsx", "form": "goal", "unit": "甲局", "project": "甲", "findings": [finding]},
             {"path": "收件/b.xlsx", "form": "goal", "unit": "甲局", "project": "乙", "findings": []}]
    from pbmcli.render import letters as L

    both = to_markdown(B.render_blocks("return", L.build_return(files, "甲局", pack, dt.date(2026, 10, 15))), None)
    assert "材料共2份" in both and "其中1份发现需要修改的问题1处" in both and "b.xlsx" not in both
    one = to_markdown(B.render_blocks("return", L.build_return(files[:1], "甲局", pack, dt.date(2026, 10, 15))), None)
    assert "材料共1份" in one and "其中" not in one.split("审核发现的问题")[0]
