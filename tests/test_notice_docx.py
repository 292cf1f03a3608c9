"""Word output read back with python-docx: GB/T 9704-2012 page setup, fonts, tables, footers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from test_notice_markdown import assert_snapshot, issuing_pack

from pbmcli.config import RulePack
from pbmcli.render import Notice, blocks, write_notice
from pbmcli.render import context as C
from pbmcli.render import docx as W
from pbmcli.render import samples as S
from pbmcli.render.chart import Bar, draw
from pbmcli.render.context import KINDS
from pbmcli.render.fonts import ChartFont
from pbmcli.render.notices import sample_context

DAY = dt.date(2026, 11, 22)


def _docx_bytes(kind: str, pack: RulePack, chart: bytes | None = None) -> bytes:
    ctx = sample_context(kind, pack)
    return W.to_docx_bytes(blocks.render_blocks(kind, ctx), title=ctx["title"],
                           author=ctx["authority"], day=DAY, chart_png=chart)


@pytest.fixture(scope="module")
def monthly(pack: RulePack) -> Any:
    monitor = S.monitor()
    png = draw(C.chart_bars(monitor, pack), monitor["time_progress"], "图").png
    return docx.Document(io.BytesIO(_docx_bytes("monthly", issuing_pack(pack), png)))


def _east_asia(rpr: Any) -> str | None:
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_page_setup_is_gbt_9704(monthly: Any) -> None:
    sec = monthly.sections[0]
    got = [sec.page_width, sec.page_height, sec.top_margin, sec.left_margin, sec.bottom_margin,
           sec.right_margin]
    for value, mm in zip(got, (210, 297, 37, 28, 35, 26), strict=True):
        assert abs(value.mm - mm) <= 0.5
    assert sec._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "579"


def test_every_style_and_run_has_an_east_asian_font(monthly: Any) -> None:
    used = {p.style.name for p in monthly.paragraphs}
    used |= {p.style.name for t in monthly.tables for r in t.rows for c in r.cells for p in c.paragraphs}
    for name in used:
        assert _east_asia(monthly.styles[name].element.rPr), name
    runs = [r for p in monthly.paragraphs for r in p.runs]
    runs += [r for t in monthly.tables for row in t.rows for c in row.cells for p in c.paragraphs
             for r in p.runs]
    assert runs and all(_east_asia(r._r.rPr) for r in runs if r.text)
    body = monthly.styles["Normal"]
    assert _east_asia(body.element.rPr) == "仿宋_GB2312" and body.font.size.pt == 16
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    ind = body.element.pPr.find(qn("w:ind"))
    # 2 characters; the twip fallback is two grid cells as LibreOffice stores them (315 twips)
    assert ind.get(qn("w:firstLineChars")) == "200" and ind.get(qn("w:firstLine")) == "630"


def test_header_title_and_document_number(monthly: Any) -> None:
    paras = [p for p in monthly.paragraphs if p.text]
    red, number, title = paras[0], paras[1], paras[2]
    assert red.text == "示例县财政局文件" and str(red.runs[0].font.color.rgb) == "FF0000"
    assert _east_asia(red.runs[0]._r.rPr) == "方正小标宋简体"
    assert re.fullmatch(r"示财绩〔2026〕[1-9]\d*号", number.text)
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"
    assert title.text == "示例县财政局关于2026年1—10月\n预算执行进度情况的通报"
    assert title.style.name == "GW Title" and title.runs[0].font.size.pt == 22
    assert title.style.paragraph_format.alignment == 1  # centred
    h1 = next(p for p in paras if p.text.startswith("一、"))
    assert _east_asia(h1.style.element.rPr) == "黑体"
    assert next(p for p in paras if p.text.startswith("（一）")).style.name == "GW Heading 2"


def test_attachment_signature_and_date(monthly: Any) -> None:
    texts = [p.text for p in monthly.paragraphs]
    attach = next(t for t in texts if t.startswith("附件："))
    assert attach == "附件：2026年1—10月各单位预算执行进度情况表"  # no closing punctuation
    date = next(p for p in monthly.paragraphs if p.text == "2026年11月22日")
    assert date.style.paragraph_format.alignment == 2 and date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"
    label = next(p for p in monthly.paragraphs if p.text == "附件")
    # a new page: here a new (landscape) section, whose break the paragraph before carries
    assert label.paragraph_format.page_break_before or label._p.getprevious().xpath("./w:pPr/w:sectPr")


def test_ranking_table(monthly: Any) -> None:
    table = monthly.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:2] == ["序号", "单位名称"] and header[-1] == "预警等级"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    last = [c.text for c in table.rows[-2].cells]
    assert last == ["9", "县水利局", "2600.00", "1370.00", "52.69", "-30.64", "红色预警"]
    assert [c.text for c in table.rows[-1].cells][:2] == ["合计", ""]
    widths = [c.width for c in table.rows[0].cells]   # 7 columns: a landscape page, 225 mm wide
    assert abs(sum(w.mm for w in widths) - 225) < 1 and min(widths) > Mm(8)
    run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert run.font.size.pt <= 12 and _east_asia(run._r.rPr) == "仿宋_GB2312"


def test_page_number_footers_odd_right_even_left(monthly: Any) -> None:
    assert monthly.settings.odd_and_even_pages_header_footer
    sec = monthly.sections[0]
    for footer, align, side in ((sec.footer, 2, "rightChars"), (sec.even_page_footer, 0, "leftChars")):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert p._p.pPr.find(qn("w:ind")).get(qn(f"w:{side}")) == "100"
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert all(r.font.size.pt == 14 and _east_asia(r._r.rPr) == "宋体" for r in p.runs)


def test_chart_and_colophon(monthly: Any) -> None:
    assert len(monthly.inline_shapes) == 1
    texts = [p.text for p in monthly.sections[-1].even_page_footer.paragraphs]
    assert "抄送：县人大常委会办公室，县政府办公室。" in texts
    assert "示例县财政局\t2026年11月22日印发" in texts
    assert not any("抄送" in p.text for p in monthly.paragraphs)   # 版记 only at the foot of the last page


@pytest.mark.parametrize("kind", KINDS)
def test_docx_text_snapshot_and_determinism(pack: RulePack, kind: str) -> None:
    data = _docx_bytes(kind, issuing_pack(pack))
    assert data == _docx_bytes(kind, issuing_pack(pack))  # byte-identical
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    doc = docx.Document(io.BytesIO(data))
    assert doc.core_properties.created.replace(tzinfo=None) == dt.datetime(2026, 11, 22)
    text = [p.text for p in doc.paragraphs if p.text]
    text += ["\t".join(c.text for c in r.cells) for t in doc.tables for r in t.rows]
    parts = [s.first_page_header for s in doc.sections if s.different_first_page_header_footer]
    parts += [s.even_page_footer for s in doc.sections if not s.even_page_footer.is_linked_to_previous]
    text += [p.text for part in parts for p in part.paragraphs if p.text and not p.text.startswith("— ")]
    assert_snapshot(f"notice-{kind}.docx.txt", "\n".join(text) + "\n")


def test_plain_pack_has_no_red_header_and_right_aligned_number(pack: RulePack) -> None:
    plain = dataclasses.replace(pack, workspace=dataclasses.replace(pack.workspace, red_header=False))
    doc = docx.Document(io.BytesIO(_docx_bytes("quarterly", plain)))
    first = next(p for p in doc.paragraphs if p.text)
    assert first.text == "示财绩〔2026〕1号" and first.alignment == 2
    assert not any(p.text[-2:] == "文件" for p in doc.paragraphs if p.text)


def test_group_rows_span_the_table(pack: RulePack) -> None:
    doc = docx.Document(io.BytesIO(_docx_bytes("quarterly", pack)))
    table = doc.tables[0]
    group_row = table.rows[1]
    assert len({id(c._tc) for c in group_row.cells}) == 1 and group_row.cells[0].text == "县直部门"


@settings(max_examples=150)
@given(st.text(alphabet="关于县财政局预算绩效管理工作通报的2026年第三季度综合排名情况", min_size=1, max_size=70))
def test_title_lines_are_balanced_and_fit(title: str) -> None:
    lines = W.title_lines(title)
    assert "".join(lines) == title
    assert all(W.east_asian_width(line) <= 20 for line in lines)


def test_wide_tables_use_a_smaller_font(pack: RulePack) -> None:
    narrow = [["序号", "单位"], ["1", "县教育局"]]
    wide = [[f"列{i}很长的表头" for i in range(12)], [f"{i}00.00" for i in range(12)]]
    assert W.table_layout(narrow)[0] == 12.0
    size, widths = W.table_layout(wide)
    assert size < 12.0 and sum(widths) == pytest.approx(156.0)


def test_chart_without_cjk_font_uses_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    from pbmcli.render import chart

    monkeypatch.setattr(chart, "chart_font", lambda: ChartFont(None))
    said: list[str] = []
    res = chart.draw([Bar("县教育局", "101001", 90.0), Bar("县水利局", "", 40.0)], 83.33, "图", said.append)
    assert res.png.startswith(b"\x89PNG") and res.font is None
    assert said == [chart.NO_FONT_MESSAGE] and "中文字体" in said[0]


def test_chart_reports_its_font() -> None:
    res = draw([Bar("县教育局", "101001", 90.0)], 83.33, "各单位执行率")
    assert res.png.startswith(b"\x89PNG")
    # which font was used depends on the machine (CI has none): record it, do not require it
    print("chart font:", res.font)


def test_write_notice_files_and_no_overwrite(tmp_path: Path, pack: RulePack) -> None:
    from pbmcli.errors import OutputExistsError

    monitor = S.monitor()
    ctx = C.build_monthly(monitor, {}, [], pack, DAY, 12)
    n = Notice("monthly", "2026-10预算执行进度通报", ctx, DAY, C.chart_bars(monitor, pack), 83.33)
    files = write_notice(n, tmp_path, "both")
    assert sorted(p.suffix for p in files) == [".docx", ".md", ".png"]
    assert "![各单位预算执行率与序时进度对比](2026-10预算执行进度通报.png)" in files[1].read_text("utf-8")
    with pytest.raises(OutputExistsError):
        write_notice(n, tmp_path, "docx")
    only_docx = write_notice(dataclasses.replace(n, stem="另一份"), tmp_path, "docx")
    assert [p.name for p in only_docx] == ["另一份.docx"]


def test_bundled_font_is_used_when_none_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from pbmcli.render import chart, fonts

    monkeypatch.setattr(fonts, "CJK_CANDIDATES", ())
    fonts.chart_font.cache_clear()
    try:
        font = fonts.chart_font()
        assert font.shipped and font.name == "Noto Sans CJK SC"
        bars = [Bar("县教育局", "101001", 90.0), Bar("𠀾乡人民政府", "102009", 40.0)]
        assert chart._labels(bars, font) == ["县教育局", "102009"]  # glyph missing → code
        said: list[str] = []
        assert chart.draw(bars, 83.33, "图", said.append).font == "Noto Sans CJK SC" and not said
    finally:
        fonts.chart_font.cache_clear()
