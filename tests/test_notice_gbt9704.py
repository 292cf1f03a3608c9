"""GB/T 9704-2012 points of the Word notices, read back from the .docx XML (issue 12).

Each test names the clause it checks.  Lengths: 1 pt = 20 twips, 1 mm = 56.7 twips.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Length
from test_notice_markdown import issuing_pack

from pbmcli.config import RulePack
from pbmcli.render import blocks
from pbmcli.render import docx as W
from pbmcli.render.context import KINDS
from pbmcli.render.notices import sample_context

DAY = dt.date(2026, 11, 22)
TWIPS_PER_MM = 1440 / 25.4


def _doc(kind: str, pack: RulePack, chart: bytes | None = None) -> Any:
    ctx = sample_context(kind, pack)
    data = W.to_docx_bytes(blocks.render_blocks(kind, ctx), title=ctx["title"], author=ctx["authority"],
                           day=DAY, chart_png=chart)
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def docs(pack: RulePack) -> dict[str, Any]:
    """Every kind with the shipped defaults (版头 on) and 抄送 set."""
    ws = dataclasses.replace(pack.workspace, copy_to="县人大常委会办公室，县政府办公室")
    return {kind: _doc(kind, dataclasses.replace(pack, workspace=ws)) for kind in KINDS}


def _ppr(p: Any, tag: str) -> Any:
    ppr = p._p.pPr
    return None if ppr is None else ppr.find(qn(tag))


def _twips(el: Any, attr: str) -> int:
    return int(el.get(qn(f"w:{attr}")) or 0)


def _spacing(p: Any) -> tuple[int, int, str | None]:
    """(before, line, lineRule) in twips from the paragraph's own w:spacing."""
    sp = _ppr(p, "w:spacing")
    return _twips(sp, "before"), _twips(sp, "line"), sp.get(qn("w:lineRule"))


def _border(p: Any, side: str) -> dict[str, str]:
    bdr = _ppr(p, "w:pBdr")
    el = None if bdr is None else bdr.find(qn(f"w:{side}"))
    return {} if el is None else {k.split("}")[1]: v for k, v in el.attrib.items()}


def _line(p: Any) -> float:
    """Exact line height in points (the paragraph's own, else its style's)."""
    return float((p.paragraph_format.line_spacing or p.style.paragraph_format.line_spacing).pt)


def _section_of(doc: Any, p: Any) -> int:
    """Index of the section a body paragraph belongs to."""
    index = 0
    for el in doc.element.body.iterchildren():
        if el is p._p:
            return index
        if el.xpath("./w:pPr/w:sectPr"):
            index += 1
    raise AssertionError("not a body paragraph")


# ---------------------------------------------------------------- 1. 28 characters a line
def test_grid_has_22_lines_of_28_characters(docs: dict[str, Any]) -> None:
    """7.1: 22 lines of 28 characters.  ECMA-376 17.6.5: charSpace = (pitch - Normal size) x 4096.
    156 mm = 442.2 pt; 442.2 / 28 = 15.793 pt a character; (15.793 - 16) x 4096 = -848.5,
    rounded down to -849 so that 28 pitches (442.196 pt) fit and 29 (457.99 pt) do not."""
    sec = docs["monthly"].sections[0]
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"            # 28.95 pt: 22 lines in 225 mm
    assert grid.get(qn("w:charSpace")) == "-849"
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    width = Length(sec.page_width - sec.left_margin - sec.right_margin).pt
    assert 28 * pitch <= 442.2 <= width < 29 * pitch
    normal = docs["monthly"].styles["Normal"]
    assert normal.font.size.pt == 16 and normal.element.rPr.find(qn("w:w")).get(qn("w:val")) == "98"
    title = docs["monthly"].styles["GW Title"].element   # off the grid: full-width glyphs
    assert title.rPr.find(qn("w:w")).get(qn("w:val")) == "100"
    assert title.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"


# ---------------------------------------------------------------- 2. 版头
def test_file_format_header_is_on_by_default(pack: RulePack, docs: dict[str, Any]) -> None:
    """7.2.3–7.2.6: 发文机关标志 in red, top edge 35 mm below the type area; 发文字号 two
    lines below it, centred; a red rule 4 mm below the 字号, as wide as the type area."""
    assert pack.workspace.red_header
    mark, number, title = [p for p in docs["monthly"].paragraphs if p.text][:3]
    assert mark.text == "示例县财政局文件" and str(mark.runs[0].font.color.rgb) == "FF0000"
    before, line, rule = _spacing(mark)
    size = mark.runs[0].font.size.pt
    # an exact line as high as the characters: the line's top is the characters' top edge
    assert abs(before - 35 * TWIPS_PER_MM) <= 1 and rule == "exact" and line == size * 20
    assert _ppr(mark, "w:snapToGrid").get(qn("w:val")) == "0"     # not moved by the line grid
    before, line, rule = _spacing(number)
    assert before == 2 * 579 and rule == "exact" and line == 16 * 20    # 空二行, a 16 pt line
    assert number.alignment == 1 and _ppr(number, "w:ind") is None     # centred, type-area wide rule
    red = _border(number, "bottom")
    # 9 pt under the 16 pt line + the glyph's descent (about 1.3 pt) = 4 mm
    assert red["color"] == "FF0000" and red["val"] == "single" and int(red["space"]) == 9
    assert _spacing(title)[0] == 2 * 579                                  # title 空二行 below the rule
    assert title.text.startswith("示例县财政局关于")                       # the title names the office


def test_return_letter_uses_the_letter_format(docs: dict[str, Any]) -> None:
    """10.1 信函格式: 标志 (no 文件) 30 mm below the paper's top edge, red double lines 170 mm
    long, 上粗下细 4 mm under the 标志 and 上细下粗 20 mm above the bottom edge; 发文字号 flush
    right 7/8 of a character under the line; no page number on page 1; no 印发 line."""
    doc = docs["return"]
    sec = doc.sections[0]
    assert sec.different_first_page_header_footer
    assert abs(sec.header_distance.mm - 30) < 0.1
    mark, number = sec.first_page_header.paragraphs
    assert mark.text == "示例县财政局" and str(mark.runs[0].font.color.rgb) == "FF0000"
    assert _spacing(mark)[1] == mark.runs[0].font.size.pt * 20        # exact line: top edge at 30 mm
    top_line = _border(mark, "bottom")
    assert top_line["val"] == "thickThinSmallGap" and top_line["color"] == "FF0000"
    ind = _ppr(mark, "w:ind")
    out = -_twips(ind, "left") / TWIPS_PER_MM
    assert _twips(ind, "left") == _twips(ind, "right") and abs(156 + 2 * out - 170) < 0.1
    assert number.text == "示财绩〔2026〕1号" and number.alignment == 2
    assert _spacing(number)[0] == 280                                  # 14 pt = 7/8 of 3号
    (foot,) = sec.first_page_footer.paragraphs
    assert _border(foot, "top")["val"] == "thickThinSmallGap"          # thick toward the text
    # the footer's last line ends 20 mm above the paper's edge, the 1 pt line just above it
    assert abs(sec.footer_distance.mm - 20) < 0.1 and _spacing(foot)[1] == 20
    assert "PAGE" not in foot._p.xml
    assert not any(p.text.endswith("文件") for p in doc.paragraphs)
    assert not any("印发" in p.text for p in doc.paragraphs)
    cc = next(p for p in doc.paragraphs if p.text.startswith("抄送："))  # 抄送 at the foot, no lines
    frame = _ppr(cc, "w:framePr")
    assert frame.get(qn("w:yAlign")) == "bottom" and frame.get(qn("w:vAnchor")) == "margin"
    assert _ppr(cc, "w:pBdr") is None


# ---------------------------------------------------------------- 3. 版记
@pytest.mark.parametrize("kind", ["monthly", "quarterly", "annual"])
def test_colophon_sits_at_the_foot_of_an_even_page(docs: dict[str, Any], kind: str) -> None:
    """7.4: the 版记 on the last page, an even one: a last section that starts on an even page
    (Word adds a blank page when needed) holding nothing but the 版记 in its even-page footer;
    lines 0.35 / 0.25 / 0.35 mm; the last line on the type area's bottom edge."""
    doc = docs[kind]
    last = doc.sections[-1]
    assert last.start_type == WD_SECTION.EVEN_PAGE and last.orientation == WD_ORIENT.PORTRAIT
    own = [p for p in doc.paragraphs if _section_of(doc, p) == len(doc.sections) - 1]
    assert own and not any(p.text for p in own)                       # no text of its own
    assert not any("印发" in p.text or "抄送" in p.text for p in doc.paragraphs)
    foot = last.even_page_footer
    assert not foot.is_linked_to_previous
    paras = foot.paragraphs
    texts = [p.text for p in paras]
    assert texts[1] == "抄送：县人大常委会办公室，县政府办公室。" and texts[3] == "示例县财政局\t2026年11月22日印发"
    rules = [_border(p, "top") for p in paras if _border(p, "top")]
    # sz in eighths of a point: 8 = 1 pt = 0.35 mm; 6 = 0.75 pt = 0.26 mm
    assert [int(r["sz"]) for r in rules] == [8, 6, 8] and [texts[i] for i in (0, 2, 4)] == ["", "", ""]
    cc = _ppr(paras[1], "w:ind")   # 左右各空一字; a second line under the first name
    assert (cc.get(qn("w:leftChars")), cc.get(qn("w:hangingChars")), cc.get(qn("w:rightChars"))) == \
        ("400", "300", "100")
    number = paras[5]
    assert "PAGE" in number._p.xml and number.alignment == 0              # even page: left
    # from the paper's edge: footer distance + space after + number line + space before
    up = (last.footer_distance.pt + number.paragraph_format.space_after.pt
          + _line(number) + number.paragraph_format.space_before.pt)
    rule_line = _spacing(paras[4])[1] / 20
    assert abs(up + rule_line - last.bottom_margin.pt) < 1.5              # the last line on the edge
    assert "PAGE" not in "".join(p._p.xml for p in last.footer.paragraphs)   # the blank page before


def test_page_numbers_stand_7_mm_below_the_type_area(docs: dict[str, Any]) -> None:
    """7.5: the dashes of "— 1 —" 7 mm below the type area, on portrait and landscape pages."""
    from pbmcli.render.ooxml import DASH_DROP_PT

    for sec in docs["monthly"].sections[:2]:
        p = sec.footer.paragraphs[0] if sec.footer.paragraphs[0].text else sec.even_page_footer.paragraphs[0]
        line = _line(p)
        top = sec.footer_distance.pt + p.paragraph_format.space_after.pt + line
        assert abs(sec.bottom_margin.pt - top + DASH_DROP_PT - 7 / 25.4 * 72) < 0.6


# ---------------------------------------------------------------- 4. 附件说明 and 落款
@pytest.mark.parametrize("kind", KINDS)
def test_closing_lines_keep_with_the_last_body_lines(docs: dict[str, Any], kind: str) -> None:
    """The 落款 never on a page alone: from the last body paragraph (its last two lines at
    least: widow control) through the 附件说明 and 署名, each paragraph keeps with the next."""
    paras = docs[kind].paragraphs
    date = next(i for i, p in enumerate(paras) if p.text == "2026年11月22日")
    attach = next(i for i, p in enumerate(paras) if p.text.startswith("附件："))
    body = max(i for i in range(attach) if paras[i].text)
    assert paras[body].paragraph_format.widow_control
    assert all(paras[i].paragraph_format.keep_with_next for i in range(body, date))
    assert not paras[body - 1].paragraph_format.keep_with_next        # the chain starts there


def test_attachment_note_wraps_under_the_name(docs: dict[str, Any]) -> None:
    """7.3.4: 左空二字 "附件：1.名称"; a long name wraps under its first character."""
    def ind(p: Any) -> tuple[str | None, str | None]:
        el = _ppr(p, "w:ind")
        return el.get(qn("w:leftChars")), el.get(qn("w:hangingChars"))

    one = next(p for p in docs["monthly"].paragraphs if p.text.startswith("附件："))
    assert ind(one) == ("500", "300")          # 2 + "附件：" = 5; first line 2 characters in
    paras = docs["annual"].paragraphs
    at = next(i for i, p in enumerate(paras) if p.text.startswith("附件：1."))
    first, second = paras[at], paras[at + 1]
    assert second.text.startswith("2.")
    assert ind(first) == ("600", "400") and ind(second) == ("600", "100")   # "2." under "1."


@pytest.mark.parametrize("kind", KINDS)
def test_attachment_note_equals_the_attachment_titles(pack: RulePack, kind: str) -> None:
    """附件说明 names each 附件 by its title, in order."""
    parsed = blocks.render_blocks(kind, sample_context(kind, pack))
    notes = [re.sub(r"^(附件：)?(\d+\.)?", "", b.text) for b in parsed if b.kind == "attach"]
    assert notes and notes == [b.text for b in parsed if b.kind == "subtitle"]


@pytest.mark.parametrize("kind", KINDS)
def test_attachment_title_on_the_third_line(docs: dict[str, Any], kind: str) -> None:
    """8: "附件" on the first line of its page, the title on the third."""
    paras = docs[kind].paragraphs
    i = next(i for i, p in enumerate(paras) if re.fullmatch(r"附件\d?", p.text))
    title = paras[i + 1]
    assert title.style.name == "GW Title" and _spacing(title)[0] == 579
    assert paras[i].style.paragraph_format.line_spacing.pt == pytest.approx(28.95)


@pytest.mark.parametrize(("title", "lines"), [
    ("示例县财政局关于2026年1—10月预算执行进度情况的通报", ["示例县财政局关于2026年1—10月", "预算执行进度情况的通报"]),
    ("关于2026年度预算绩效管理工作综合评价结果的通报", ["关于2026年度预算绩效管理工作", "综合评价结果的通报"]),
    ("2026年度各单位预算绩效管理工作综合评价结果表", ["2026年度各单位", "预算绩效管理工作综合评价结果表"]),
    ("示例县财政局关于退回示例县人力资源和社会保障局预算绩效材料修改的通知",
     ["示例县财政局关于退回", "示例县人力资源和社会保障局", "预算绩效材料修改的通知"]),
])
def test_titles_break_between_words(title: str, lines: list[str]) -> None:
    """7.3.1: 回行时词意完整 — never "预算绩效／管理工作", "2026年1—／10月" or inside a name."""
    assert W.title_lines(title) == lines


# ---------------------------------------------------------------- 5. tables
def _table_section(doc: Any, table: Any) -> Any:
    index = 0
    for el in doc.element.body.iterchildren():
        if el is table._tbl:
            return doc.sections[index]
        if el.xpath("./w:pPr/w:sectPr"):
            index += 1
    raise AssertionError("table not in the body")


@pytest.mark.parametrize("kind", KINDS)
def test_wide_tables_are_on_landscape_pages(docs: dict[str, Any], kind: str) -> None:
    """Tables of more than 6 columns on landscape pages (a section of their own, turned so
    the table's head faces the binding: margins 28 / 37 / 26 / 35 mm, type area 225 x 156 mm)."""
    doc = docs[kind]
    for table in doc.tables:
        sec = _table_section(doc, table)
        wide = len(table.columns) > 6
        assert (sec.orientation == WD_ORIENT.LANDSCAPE) == wide
        if wide:
            assert round(sec.page_width.mm) == 297 and round(sec.page_height.mm) == 210
            assert [round(m.mm) for m in (sec.top_margin, sec.right_margin, sec.bottom_margin,
                                          sec.left_margin)] == [28, 37, 26, 35]
            assert sec._sectPr.find(qn("w:docGrid")).get(qn("w:type")) == "lines"
        width = Length(sec.page_width - sec.left_margin - sec.right_margin).mm
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
        assert abs(sum(grid) / TWIPS_PER_MM - width) < 1
    assert any(len(t.columns) > 6 for t in doc.tables) == (kind != "return")


@pytest.mark.parametrize("kind", KINDS)
def test_table_text_size_alignment_and_headers(docs: dict[str, Any], kind: str) -> None:
    """At least 五号 (10.5 pt); numbers right-aligned with two decimals; no header word broken:
    every column is wider than its longest header line."""
    from pbmcli.render.tables import CELL_PAD_MM, cell_width

    for table in docs[kind].tables:
        runs = [r for row in table.rows for c in row.cells for p in c.paragraphs for r in p.runs]
        assert runs and all(r.font.size.pt >= 10.5 for r in runs)
        size = runs[0].font.size.pt
        grid = [int(g.get(qn("w:w"))) / TWIPS_PER_MM for g in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
        for c, cell in enumerate(table.rows[0].cells):
            need = max(cell_width(line) for line in cell.text.split("\n")) * size / 72 * 25.4
            assert grid[c] >= need + CELL_PAD_MM - 0.5, cell.text
        for row in table.rows[1:]:
            for cell in row.cells:
                text = cell.text
                if re.fullmatch(r"-?\d+\.\d+", text):
                    assert re.fullmatch(r"-?\d+\.\d\d", text)
                    assert cell.paragraphs[0].alignment == 2, text   # right


def test_execution_table_has_a_total_row(docs: dict[str, Any]) -> None:
    """A 合计 row where the totals mean something: budget, spending, overall rate and gap."""
    table = docs["monthly"].tables[0]
    total = [c.text for c in table.rows[-1].cells]
    assert total == ["合计", "", "21650.00", "16495.00", "76.19", "-7.14", ""]
    budget = sum(float(r.cells[2].text) for r in table.rows[1:-1])
    assert f"{budget:.2f}" == total[2]


# ---------------------------------------------------------------- 6. wording
def _prose(doc: Any) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


@pytest.mark.parametrize("kind", KINDS)
def test_wording_addressed_to_units(docs: dict[str, Any], kind: str) -> None:
    """Mainland quotation marks only; ranges with "—"; no rule codes or file extensions;
    no sentence stating a zero; percentages and percentage points with two decimals."""
    text = _prose(docs[kind])
    assert not re.search(r"[「」『』]", text)
    assert not re.search(r"\d-\d{1,2}月", text)
    assert not re.search(r"规则[A-Z]\d{3}|[（(，][A-Z]\d{3}[）)]|\.xlsx?\b|\.csv\b", text)
    assert not re.search(r"(?<![\d.])0(个|处|份|项)", text)
    assert not re.search(r"(?<![\d.])\d+\.\d(?!\d)\s*(%|个百分点)", text)


def test_monthly_title_names_the_cumulative_period(docs: dict[str, Any]) -> None:
    title = next(p for p in docs["monthly"].paragraphs if p.style.name == "GW Title").text
    assert title.replace("\n", "") == "示例县财政局关于2026年1—10月预算执行进度情况的通报"


def test_sentences_with_a_zero_are_rephrased(pack: RulePack) -> None:
    from pbmcli.render import context as C
    from pbmcli.render import letters as L
    from pbmcli.render import samples as S
    from pbmcli.render.markdown import to_markdown

    monitor = S.monitor()
    for u in monitor["units"]:
        u["rate"], u["gap"] = 50.0, -33.33
    text = to_markdown(blocks.render_blocks("monthly", C.build_monthly(monitor, {}, [], pack, DAY)))
    assert not re.search(r"(?<![\d.])0个", text)
    assert f"{len(monitor['units'])}个单位执行率均低于序时进度" in text
    finding = {"code": "G101", "severity": "error", "sheet": "表1", "cell": "C5", "message": "项目名称未填写"}
    files = [{"path": "收件/a.xlsx", "form": "goal", "unit": "甲局", "project": "甲", "findings": [finding]}]
    letter = to_markdown(blocks.render_blocks("return", L.build_return(files, "甲局", pack, DAY)))
    assert "发现需要修改的问题1处，现予退回" in letter and "0处" not in letter
    assert "“请核实”" not in letter


# ---------------------------------------------------------------- 7. chart
def test_chart_colours_labels_resolution_and_margins(pack: RulePack) -> None:
    """Bars in the warning colours, the rate on each bar, no title in the image, 300 dpi at
    its printed width, every label inside the figure."""
    from PIL import Image

    from pbmcli.render import chart as G
    from pbmcli.render import context as C
    from pbmcli.render import samples as S

    monitor = S.monitor()
    bars = C.chart_bars(monitor, pack)
    assert {b.level for b in bars} == {"red", "yellow", "green"}
    res = G.draw(bars, monitor["time_progress"], "各单位预算执行率与序时进度对比")
    image = Image.open(io.BytesIO(res.png))
    assert [round(d) for d in image.info["dpi"]] == [300, 300]
    assert abs(image.size[0] / 300 * 25.4 - 150) < 0.5
    colours = {c[1] for c in image.convert("RGB").getcolors(1 << 20)}
    for hex_ in (G.RED, G.YELLOW, G.GREEN):
        assert tuple(int(hex_[i:i + 2], 16) for i in (1, 3, 5)) in colours
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = G.figure(bars, monitor["time_progress"])
    FigureCanvasAgg(fig)
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert {f"{b.rate:.2f}" for b in bars} <= texts
    assert not any(ax.get_title() for ax in fig.axes) and not fig._suptitle
    fig.canvas.draw()
    box = fig.bbox
    renderer = fig.canvas.get_renderer()
    for artist in [*fig.axes[0].texts, *fig.axes[0].get_yticklabels(), *fig.legends]:
        ext = artist.get_window_extent(renderer)
        assert ext.x0 >= box.x0 - 0.5 and ext.x1 <= box.x1 + 0.5 and ext.y0 >= box.y0 - 0.5 and ext.y1 <= box.y1 + 0.5


def test_chart_printed_at_its_resolution(pack: RulePack) -> None:
    from pbmcli.render import chart as G
    from pbmcli.render import context as C
    from pbmcli.render import samples as S

    monitor = S.monitor()
    png = G.draw(C.chart_bars(monitor, pack), monitor["time_progress"], "图").png
    doc = _doc("monthly", issuing_pack(pack), png)
    (shape,) = doc.inline_shapes
    assert abs(shape.width.mm - 150) < 0.5
    caption = next(p for p in doc.paragraphs if p.text == "各单位预算执行率与序时进度对比")
    assert caption.style.name == "GW Caption"


def test_headings_keep_with_the_text_under_them(docs: dict[str, Any]) -> None:
    """No 一、/（一） heading alone at the foot of a page."""
    for name in ("GW Heading 1", "GW Heading 2"):
        assert docs["monthly"].styles[name].paragraph_format.keep_with_next
    assert not docs["monthly"].styles["Normal"].paragraph_format.keep_with_next


def test_total_row_and_table_notes_never_alone(pack: RulePack, docs: dict[str, Any]) -> None:
    """The row before 合计, and the last row before a note, keep with what follows."""
    from pbmcli.render import context as C
    from pbmcli.render import samples as S

    monthly = docs["monthly"].tables[0]
    assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in monthly.rows[-2].cells)
    rank = S.rank()
    rank["notes"] = ["“—”表示该维度对该单位不计分。"]
    ctx = C.build_quarterly(rank, [], pack, DAY, 13)
    doc = docx.Document(io.BytesIO(W.to_docx_bytes(blocks.render_blocks("quarterly", ctx), title="t",
                                                   author="a", day=DAY)))
    last = doc.tables[0].rows[-1]
    assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in last.cells)
    note = next(p for p in doc.paragraphs if p.text.startswith("注："))
    assert note.paragraph_format.keep_together            # not split across pages
    assert not any(c.paragraphs[0].paragraph_format.keep_with_next for c in doc.tables[0].rows[-2].cells)
