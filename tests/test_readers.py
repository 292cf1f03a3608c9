"""The form reader: real workbooks built by the factory, read back by label."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from factory import FORM_SHEET, SELFEVAL_INDICATORS, Ind, make_goal, make_selfeval
from hypothesis import given, settings
from hypothesis import strategies as st

from pbmcli.errors import InputError
from pbmcli.model import FormKind, Operator, ValueKind
from pbmcli.readers import open_workbook, read_submission
from pbmcli.readers import workbook as wbmod
from pbmcli.readers.forms import parse_workbook


def issues(sub, kind: str) -> list:
    return [i for i in sub.issues if i.kind == kind]


# ---------------------------------------------------------------- self-evaluation variants


@pytest.mark.parametrize("variant", ["national", "city_ab", "sichuan"])
def test_selfeval_variants_read_the_same(tmp_path: Path, variant: str) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", variant=variant))
    assert sub.kind is FormKind.SELFEVAL
    assert sub.variant == variant
    assert sub.sheet == FORM_SHEET
    assert sub.project == "农村公路养护工程"
    assert sub.head("department").value == "示例县交通运输局"
    assert sub.head("unit").value == "示例县公路事务中心"
    assert sub.year == 2026
    assert sub.fund("annual", "total", "budget").value == 100.0
    assert sub.fund("annual", "total", "spent").value == 95.0
    assert sub.fund("annual", "other", "spent").value == 19.0
    assert sub.fund("annual", "total", "score").value == 9.5
    assert [i.name for i in sub.indicators][:2] == ["养护道路里程", "路面完好率"]
    assert len(sub.indicators) == 6
    assert sum(i.weight or 0 for i in sub.indicators) == 90
    first = sub.indicators[0]
    assert (first.target.operator, first.target.number, first.target.unit) == (Operator.GE, 100.0, "公里")
    assert first.actual is not None and first.actual.number == 100.0
    assert sub.indicators[1].target.unit == "%"
    assert sub.totals["weight"].value == 100.0
    assert sub.totals["score"].value == 99.5
    assert not sub.issues


def test_selfeval_cells_point_at_the_right_places(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx"))
    assert sub.head("project").cell == "B3"
    assert sub.fund("annual", "total", "budget").cell == "D6"
    assert sub.goals["annual"].cell == "B11"
    assert sub.goals["annual_actual"].value.startswith("全年完成")
    ind = sub.indicators[0]
    assert ind.row == 13
    assert ind.get("name").cell == "D13"
    assert ind.get("target").cell == "E13"


def test_sichuan_operator_and_unit_come_from_their_columns(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "s.xlsx", variant="sichuan"))
    ind = sub.indicators[1]
    assert ind.get("target").value == 90.0  # the cell holds only the number
    assert ind.get("nature").value == "≥"
    assert ind.get("unit").value == "%"
    assert (ind.target.operator, ind.target.number, ind.target.unit) == (Operator.GE, 90.0, "%")
    assert ind.actual is not None and (ind.actual.number, ind.actual.unit) == (92.0, "%")
    assert sub.extra["conclusion"].value.startswith("项目绩效目标基本完成")
    assert sub.head("leader").value == "张明"
    assert sub.head("finance_leader").value == "李华"


def test_city_ab_labels_are_recognised(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "c.xlsx", variant="city_ab"))
    assert sub.variant == "city_ab"
    assert sub.fund("annual", "total", "budget").cell == "D6"
    assert sub.indicators[0].actual is not None


# ---------------------------------------------------------------- layout tolerance


def test_inserted_title_lines_and_gaps_shift_cells_not_values(tmp_path: Path) -> None:
    plain = read_submission(make_selfeval(tmp_path / "a.xlsx"))
    moved = read_submission(make_selfeval(tmp_path / "b.xlsx", extra_title_lines=3, gap_rows=1))
    assert moved.head("project").cell == "B6"
    assert moved.project == plain.project
    assert [i.name for i in moved.indicators] == [i.name for i in plain.indicators]
    assert [i.score for i in moved.indicators] == [i.score for i in plain.indicators]
    assert moved.totals["score"].value == plain.totals["score"].value
    assert moved.fund("annual", "total", "spent").value == 95.0


@pytest.mark.parametrize("merge", [True, False])
def test_levels_are_filled_down_keeping_the_source_cell(tmp_path: Path, merge: bool) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", merge_levels=merge))
    levels = [(i.level1, i.level2) for i in sub.indicators]
    assert levels[:3] == [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标")]
    assert levels[4] == ("效益指标", "可持续影响指标")
    assert {i.get("level1").cell for i in sub.indicators[:3]} == {"B13"}
    assert sub.indicators[4].get("level1").cell == "B16"


def test_blank_rows_inside_the_table_are_skipped(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", blank_rows=True))
    assert len(sub.indicators) == 6
    assert [i.row for i in sub.indicators][1:4] == [14, 16, 17]
    assert sub.indicators[2].level1 == "产出指标"
    assert sub.totals["score"].value == 99.5


def test_percent_formatted_numbers_read_as_percent(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", percent_format=True))
    actual = sub.indicators[1].get("actual")
    assert (actual.value, actual.percent, actual.text) == (92.0, True, "92%")
    assert sub.indicators[1].actual is not None and sub.indicators[1].actual.unit == "%"
    assert sub.indicators[1].actual.number == 92.0
    rate = sub.fund("annual", "total", "rate")
    assert rate.value == 95.0 and rate.percent


def test_sichuan_percent_format_target(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", variant="sichuan", percent_format=True))
    ind = sub.indicators[1]
    assert ind.get("target").percent
    assert (ind.target.operator, ind.target.number, ind.target.unit) == (Operator.GE, 90.0, "%")


def test_formulas_with_cached_values_are_read(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", formulas=True))
    assert sub.fund("annual", "total", "score").value == 9.5
    assert sub.totals["score"].value == 99.5
    assert not issues(sub, "formula_uncached")


def test_formulas_without_cached_values_are_reported_not_guessed(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", formulas=True, writer="openpyxl"))
    score = sub.fund("annual", "total", "score")
    assert score.value is None and score.formula_uncached
    cells = {i.ref.cell for i in issues(sub, "formula_uncached")}
    assert {"G6", "H6", sub.totals["score"].cell} <= cells
    assert sub.totals["score"].value is None


def test_execution_row_inside_the_table_is_not_an_indicator(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", execution_in_table=True))
    assert "预算执行率" not in [i.name for i in sub.indicators]
    assert len(sub.indicators) == 6


def test_execution_row_fills_missing_funds_columns(tmp_path: Path) -> None:
    # the funds block has no 分值/得分 for the execution: the table row provides them
    path = make_selfeval(tmp_path / "a.xlsx", execution_in_table=True,
                         overrides={"F5": "备用", "H5": "备用2"})
    sub = read_submission(path)
    assert sub.fund("annual", "total", "score").value == 9.5
    assert sub.fund("annual", "total", "score").cell == "H19"


# ---------------------------------------------------------------- numbers as text


def test_text_numbers_are_normalised(tmp_path: Path) -> None:
    path = make_selfeval(tmp_path / "a.xlsx", overrides={"D6": "1,200", "E6": "１２０万元", "H13": "20分"})
    sub = read_submission(path)
    assert sub.fund("annual", "total", "budget").value == 1200.0
    assert sub.fund("annual", "total", "budget").text == "1,200"
    assert sub.fund("annual", "total", "spent").value == 120.0
    assert sub.indicators[0].score == 20.0
    assert not issues(sub, "not_a_number")


def test_text_that_is_not_a_number_is_reported(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", overrides={"G13": "二十分左右", "E6": "NaN"}))
    found = {(i.ref.cell, i.text) for i in issues(sub, "not_a_number")}
    assert ("G13", "二十分左右") in found and ("E6", "NaN") in found
    assert sub.indicators[0].weight is None
    assert "分值" in next(i.detail for i in issues(sub, "not_a_number") if i.ref.cell == "G13")


def test_dashes_in_number_cells_are_blank_not_errors(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", overrides={"F7": "—", "G7": "/"}))
    assert sub.fund("annual", "appropriation", "weight").blank
    assert not issues(sub, "not_a_number")


# ---------------------------------------------------------------- real-world mess


def test_labels_with_spaces_line_breaks_and_colons(tmp_path: Path) -> None:
    path = make_selfeval(tmp_path / "a.xlsx", overrides={"A3": "项 目\n名 称：", "E3": "主管部门:",
                                                         "A4": "实施单位　"})
    sub = read_submission(path)
    assert sub.project == "农村公路养护工程"
    assert sub.head("department").value == "示例县交通运输局"
    assert sub.head("unit").value == "示例县公路事务中心"


def test_level_names_are_normalised_but_the_text_kept(tmp_path: Path) -> None:
    path = make_selfeval(tmp_path / "a.xlsx", overrides={"B13": "产出（50分）", "C16": "社会效益"})
    sub = read_submission(path)
    assert sub.indicators[0].level1 == "产出指标"
    assert sub.indicators[0].get("level1").text == "产出（50分）"
    assert sub.indicators[3].level2 == "社会效益指标"


def test_indicators_given_as_dicts_and_qualitative_values(tmp_path: Path) -> None:
    inds = [Ind("产出指标", "时效指标", "完成时限", "按时完成", "达成年度指标", 50, 45),
            {"level1": "效益指标", "level2": "社会效益指标", "name": "出行条件", "target": "明显改善",
             "actual": "部分达成年度指标并具有一定效果", "weight": 40, "score": 28}]
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", indicators=inds))
    assert [i.name for i in sub.indicators] == ["完成时限", "出行条件"]
    assert sub.indicators[0].target.kind is ValueKind.QUALITATIVE
    assert sub.indicators[1].actual is not None and sub.indicators[1].actual.kind is ValueKind.QUALITATIVE


# ---------------------------------------------------------------- goal forms


@pytest.mark.parametrize("variant", ["national", "sichuan"])
def test_goal_with_midterm_and_annual_blocks(tmp_path: Path, variant: str) -> None:
    sub = read_submission(make_goal(tmp_path / "g.xlsx", variant=variant, midterm=True))
    assert sub.kind is FormKind.GOAL
    blocks = [i.block for i in sub.indicators]
    assert blocks == ["midterm"] * 6 + ["annual"] * 6
    assert all(i.actual is None for i in sub.indicators)
    assert sub.indicators[-1].target.number == 90.0
    assert sub.fund("midterm", "total", "amount").value == 300.0
    assert sub.fund("annual", "appropriation", "amount").value == 80.0
    assert sub.fund("annual", "other", "amount").value == 20.0
    assert sub.goals["midterm"].value.startswith("三年内")
    assert sub.goals["annual"].value.startswith("2026年")
    assert not sub.issues


def test_goal_header_fields(tmp_path: Path) -> None:
    sub = read_submission(make_goal(tmp_path / "g.xlsx"))
    assert sub.head("department").value == "示例县交通运输局"
    assert sub.head("department").text == "[301]示例县交通运输局"
    assert sub.head("department_code").value == "301"
    assert sub.head("attribute").value == "延续项目"
    assert sub.head("period").value == "3年"
    assert sub.head("new_project").value == "否"
    assert sub.head("pre_assessment").value == "否"
    assert [i.block for i in sub.indicators] == ["annual"] * 6


def test_blank_header_value_is_blank_with_its_cell(tmp_path: Path) -> None:
    sub = read_submission(make_goal(tmp_path / "g.xlsx", header={"project": None, "attribute": None}))
    assert sub.head("project").blank and sub.head("project").cell == "B3"
    assert sub.head("attribute").blank and sub.head("attribute").cell == "B5"
    assert sub.head("period").value == "3年"


# ---------------------------------------------------------------- sheets and template marker


def test_instruction_sheet_first_is_skipped(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", instructions_sheet=True))
    assert sub.sheet == FORM_SHEET and not sub.issues


def test_form_on_hidden_sheet_is_read_and_reported(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", hidden=True))
    assert len(sub.indicators) == 6
    assert [i.kind for i in sub.issues] == ["hidden_sheet"]


def test_template_marker(tmp_path: Path) -> None:
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", meta=("selfeval", "2026.1")))
    assert sub.template_version == "2026.1" and not sub.issues
    odd = read_submission(make_selfeval(tmp_path / "b.xlsx", meta=("budget", "v9")))
    assert [i.kind for i in odd.issues] == ["unknown_template_version"]
    future = read_submission(make_selfeval(tmp_path / "c.xlsx", meta=("selfeval", "2099.1")))
    assert [i.kind for i in future.issues] == ["unknown_template_version"]


def test_shipped_templates_read_back_cleanly() -> None:
    templates = pytest.importorskip("pbmcli.forms")
    for kind, expected in (("goal", FormKind.GOAL), ("selfeval", FormKind.SELFEVAL),
                           ("monitor", FormKind.MONITOR)):
        sub = parse_workbook(open_workbook(templates.build_template(kind), f"{kind}.xlsx"))
        assert sub.kind is expected
        assert sub.template_version == templates.TEMPLATE_VERSION
        assert not sub.indicators  # pre-printed 一级/二级 names alone are not indicators
        assert not sub.issues, sub.issues


def test_unknown_workbook_is_f003(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "名单.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write_row(0, 0, ["姓名", "电话"])
    wb.close()
    with pytest.raises(InputError) as exc:
        read_submission(path)
    assert exc.value.code == "F003"
    assert "项目支出绩效自评表" in exc.value.reason and "名单.xlsx" in str(exc.value)


# ---------------------------------------------------------------- formats and bad input


def _convert(sources: list[Path], fmt: str, out: Path) -> list[Path]:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot write .xls/.ods test files")
    subprocess.run([soffice, "--headless", "--convert-to", fmt, "--outdir", str(out), *map(str, sources)],
                   check=True, capture_output=True, timeout=180)
    made = [out / (src.stem + "." + fmt) for src in sources]
    if not all(p.is_file() for p in made):  # soffice without Calc (libreoffice-writer only) converts nothing
        pytest.skip("LibreOffice Calc is not installed: soffice cannot write .xls/.ods test files")
    return made


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """The Sichuan form and a national form with percent formats, as .xls and .ods (LibreOffice)."""
    folder = tmp_path_factory.mktemp("convert")
    sources = [make_selfeval(folder / "四川.xlsx", variant="sichuan"),
               make_selfeval(folder / "百分比.xlsx", percent_format=True)]
    return {fmt: _convert(sources, fmt, folder / "out") for fmt in ("xls", "ods")}


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_read_like_xlsx(converted: dict[str, list[Path]], fmt: str) -> None:
    sub = read_submission(converted[fmt][0])
    assert sub.kind is FormKind.SELFEVAL and sub.variant == "sichuan"
    assert len(sub.indicators) == 6
    assert sub.indicators[2].get("level1").cell == "B13"  # merged 一级 read from its anchor
    assert sub.totals["score"].value == 99.5


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_percent_formats(converted: dict[str, list[Path]], fmt: str) -> None:
    sub = read_submission(converted[fmt][1])
    actual = sub.indicators[1].get("actual")
    assert (actual.value, actual.percent) == (92.0, True)
    assert sub.indicators[1].actual is not None and sub.indicators[1].actual.display() == "92%"
    assert sub.fund("annual", "total", "rate").value == 95.0


def test_small_xls_from_the_mini_stream(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("自评表")
    pct = xlwt.easyxf(num_format_str="0.00%")
    rows = [["项目支出绩效自评表"], ["项目名称", "小项目"],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            [None, "产出指标", "质量指标", "合格率", "≥90%", 0.93, 90, 90]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value, pct if value == 0.93 else xlwt.Style.default_style)
    path = tmp_path / "小.xls"
    book.save(str(path))
    assert path.stat().st_size < 8192  # the Workbook stream sits in the mini stream
    sub = read_submission(path)
    assert sub.project == "小项目"
    assert sub.indicators[0].actual is not None and sub.indicators[0].actual.display() == "93%"


def test_xls_content_named_xlsx_is_read_and_noted(converted: dict[str, list[Path]], tmp_path: Path) -> None:
    renamed = tmp_path / "其实是xls.xlsx"
    renamed.write_bytes(converted["xls"][0].read_bytes())
    sub = read_submission(renamed)
    assert len(sub.indicators) == 6
    assert [i.kind for i in sub.issues] == ["wrong_extension"]
    assert ".xls" in sub.issues[0].detail


def _bad(tmp_path: Path, name: str, data: bytes) -> InputError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as exc:
        read_submission(path)
    assert name in str(exc.value)
    return exc.value


def test_bad_inputs_have_codes_and_chinese_reasons(tmp_path: Path) -> None:
    good = make_selfeval(tmp_path / "good.xlsx").read_bytes()
    assert _bad(tmp_path, "空.xlsx", b"").code == "F008"
    assert _bad(tmp_path, "截断.xlsx", good[: len(good) // 2]).code == "F001"
    csv = _bad(tmp_path, "表.xlsx", "单位名称,项目名称\n示例县教育局,营养餐\n".encode("gbk"))
    assert csv.code == "F001" and "CSV" in csv.reason
    assert _bad(tmp_path, "乱码.xlsx", bytes(range(256)) * 20).code == "F001"
    html = _bad(tmp_path, "导出.xls", b"<html><table><tr><td>1</td></tr></table></html>")
    assert html.code == "F001" and "HTML" in html.reason


def test_plain_zip_and_word_documents_are_not_forms(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    assert _bad(tmp_path, "包.xlsx", buf.getvalue()).code == "F001"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    word = _bad(tmp_path, "报告.xlsx", buf.getvalue())
    assert word.code == "F003" and "Word" in word.reason


def test_encrypted_workbook_is_f002(tmp_path: Path) -> None:
    pytest.importorskip("msoffcrypto")
    import msoffcrypto.format.ooxml
    plain = make_selfeval(tmp_path / "plain.xlsx")
    out = io.BytesIO()
    with plain.open("rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("123456", out)  # type: ignore[attr-defined]
    err = _bad(tmp_path, "加密.xlsx", out.getvalue())
    assert err.code == "F002" and "密码" in err.reason


def _rewrite_sheet(src: Path, change) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return buf.getvalue()


def test_far_away_cell_is_dropped_not_allocated(tmp_path: Path) -> None:
    src = make_selfeval(tmp_path / "a.xlsx")
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    path = tmp_path / "far.xlsx"
    path.write_bytes(_rewrite_sheet(src, lambda d: d.replace(b"</sheetData>", far, 1)))
    sub = read_submission(path)
    assert len(sub.indicators) == 6
    assert [i.kind for i in sub.issues] == ["out_of_bounds"]


def test_zip_member_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = make_selfeval(tmp_path / "a.xlsx")
    monkeypatch.setattr(wbmod, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(InputError) as exc:
        read_submission(src)
    assert exc.value.code == "F009"
    monkeypatch.setattr(wbmod, "MAX_MEMBER_BYTES", 50 * 1024 * 1024)
    monkeypatch.setattr(wbmod, "MAX_MEMBERS", 3)
    with pytest.raises(InputError) as exc:
        read_submission(src)
    assert exc.value.code == "F009"


def test_workbook_from_bytes_exposes_sheets(tmp_path: Path) -> None:
    data = make_selfeval(tmp_path / "a.xlsx", hidden=True).read_bytes()
    wb = open_workbook(data, "内存.xlsx")
    assert wb.fmt == "xlsx"
    assert [(s.name, s.visible) for s in wb.sheets] == [("说明", True), (FORM_SHEET, False)]
    sheet = wb.sheet(FORM_SHEET)
    assert sheet.text(2, 0) == "项目名称"
    assert sheet.anchor(2, 2) == (2, 1)  # B3:D3 merged


# ---------------------------------------------------------------- monitoring form


def test_monitor_form(tmp_path: Path) -> None:
    import xlsxwriter

    rows = [
        ["项目支出绩效运行监控表"], ["（2026年度）"],
        ["项目名称", "乡村道路维护", None, None, "监控截止月份", "7月"],
        ["主管部门", "示例县交通运输局", None, None, "实施单位", "示例县公路事务中心"],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "截至当前执行数", "执行率", "全年预计执行数"],
        [None, "年度资金总额", 100, 100, 55, 0.55, 98],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "度量单位", "年度指标值",
         "截至当前完成值", "全年预计完成值", "完成目标可能性", "偏差原因分析", "备注"],
        [None, "产出指标", "数量指标", "维护里程", "≥", "公里", 100, 60, 100, "确定能", None],
        [None, None, "质量指标", "路面完好率", "≥", "%", 90, 91, 92, "有可能", "雨季影响"],
    ]
    path = tmp_path / "监控.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("监控表")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    wb.close()
    sub = read_submission(path)
    assert sub.kind is FormKind.MONITOR and sub.variant == "national"
    assert sub.head("month").value == "7月"
    assert sub.fund("annual", "total", "spent").value == 55.0
    assert sub.fund("annual", "total", "forecast").value == 98.0
    first, second = sub.indicators
    assert (first.target.operator, first.target.number, first.target.unit) == (Operator.GE, 100.0, "公里")
    assert first.get("current").value == 60.0 and first.get("forecast").value == 100.0
    assert second.level1 == "产出指标" and second.get("likelihood").value == "有可能"
    assert second.get("reason").value == "雨季影响"


def test_goal_funds_written_as_columns(tmp_path: Path) -> None:
    import xlsxwriter

    rows = [["项目支出绩效目标申报表"], ["项目名称", "学生资助"],
            ["项目资金（万元）", "资金总额", "财政拨款", "上年结转", "其他资金"],
            ["中期", 300, 240, 0, 60], ["年度", 100, 80, 0, 20],
            ["年度目标", "资助学生500人"],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "资助人数", "≥500人"]]
    path = tmp_path / "目标.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()
    sub = read_submission(path)
    assert sub.kind is FormKind.GOAL
    assert sub.fund("midterm", "total", "amount").value == 300.0
    assert sub.fund("annual", "appropriation", "amount").value == 80.0
    assert sub.fund("annual", "other", "amount").cell == "E5"
    assert sub.goals["annual"].value == "资助学生500人"
    assert [i.name for i in sub.indicators] == ["资助人数"]


# ---------------------------------------------------------------- never a traceback

_GOOD: dict[str, bytes] = {}


def _good_bytes() -> bytes:
    if "x" not in _GOOD:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            _GOOD["x"] = make_selfeval(Path(folder) / "a.xlsx", percent_format=True).read_bytes()
    return _GOOD["x"]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
                min_size=1, max_size=8))
def test_damaged_files_give_a_submission_or_an_input_error(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_good_bytes())
    for pos, value in flips:
        data[pos % len(data)] = value
    try:
        sub = parse_workbook(open_workbook(bytes(data), "损坏.xlsx"))
    except InputError as exc:
        assert exc.code.startswith("F0") and exc.reason
    else:
        assert sub.kind is FormKind.SELFEVAL


def test_blank_signature_does_not_take_the_neighbours_text(tmp_path: Path) -> None:
    path = make_selfeval(tmp_path / "a.xlsx", variant="sichuan", header={"leader": None})
    sub = read_submission(path)
    assert sub.head("finance_leader").value == "李华"
    assert sub.head("leader").blank


def test_messy_hand_made_table(tmp_path: Path) -> None:
    import xlsxwriter

    rows = [["附件2"], [], ["2026年度项目支出绩效自评表"],
            ["项 目 名 称：", "村级公益设施维护"], ["主管部门", "示例县民政局"],
            [],
            ["一级指标", "二级指标", "三级指标", "年度指标值（A）", "实际完成值（B）", "分值（权重）", "得分",
             "未完成原因分析"],
            ["产出", "数量", "维护设施数量", "≥20个", "20个", "50", "50分"],
            [None, None, None, None, None, None, None, None],
            ["效益", "社会效益", "群众受益面", "明显提升", "达成年度指标", 40, "36"],
            ["满意度", "服务对象满意度", "群众满意度", "≥90%", "93%", 10, 10],
            [None, None, "合计", None, None, 100, 96]]
    path = tmp_path / "手工.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    wb.close()
    sub = read_submission(path)
    assert sub.kind is FormKind.SELFEVAL and sub.variant == "city_ab"
    assert sub.project == "村级公益设施维护" and sub.year == 2026
    assert [(i.level1, i.level2) for i in sub.indicators] == [
        ("产出指标", "数量指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]
    assert [i.weight for i in sub.indicators] == [50.0, 40.0, 10.0]
    assert [i.score for i in sub.indicators] == [50.0, 36.0, 10.0]
    assert (sub.totals["weight"].value, sub.totals["score"].value) == (100.0, 96.0)
    assert sub.totals["score"].cell == "G12"


def test_cover_sheet_with_the_title_is_not_the_form(tmp_path: Path) -> None:
    import openpyxl

    path = make_selfeval(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    cover = wb.create_sheet("Sheet1", 0)
    cover["A1"] = "2026年度项目支出绩效自评表"
    cover["A3"] = "项目名称"
    cover["B3"] = "农村公路养护工程"
    wb.save(path)
    sub = read_submission(path)
    assert sub.sheet == FORM_SHEET and len(sub.indicators) == 6
    assert not issues(sub, "multiple_forms")


def test_codes_typed_as_numbers_stay_codes(tmp_path: Path) -> None:
    sub = read_submission(make_goal(tmp_path / "g.xlsx", overrides={"G4": "单位编码", "H4": 301001}))
    assert sub.head("unit_code").value == "301001"


@pytest.mark.parametrize("row", [
    b'<row r="9000"><c r="A9000"><v>1</v></c></row>',
    b'<row><c r="XFD1048576"><v>1</v></c></row>',
    b'<row><c r="xfd1"><v>1</v></c></row>',
    b'<row><c  r = "GS1"><v>1</v></c></row>',
    b"<row><c r='A1048576'><v>1</v></c></row>",
    b'<row><c r="ZZ7" t="inlineStr"><is><t>x</t></is></c></row>',
    b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    b"<row>" + b"<c><v>1</v></c>" * 201 + b"</row>",
])
def test_far_cells_in_any_spelling_are_found_and_dropped(row: bytes) -> None:
    from pbmcli.readers.ooxml import _drop_out_of_bounds, _out_of_bounds

    xml = b'<sheetData><row r="1"><c r="A1"><v>5</v></c></row>' + row + b"</sheetData>"
    assert _out_of_bounds(xml)
    kept, dropped = _drop_out_of_bounds(xml)
    assert dropped and b'<c r="A1"><v>5</v></c>' in kept
    left = kept.count(b"<v>1</v>")
    assert left == (200 if row.count(b"<c>") == 201 else 0)  # r-less cells: the first 200 stay


def test_far_rows_are_dropped_tag_by_tag_leaving_comments_alone() -> None:
    """Comments are copied as they are (the rows in them are no cells), and an element never
    closed ends where the next row starts: the scan works tag by tag, never on element bodies."""
    from pbmcli.readers.ooxml import _drop_out_of_bounds

    head = b'<sheetData><row r="1"><c r="A1"><v>5</v></c></row>'
    comment = b'<!-- <row r="9000"><c r="A9000"><v>1</v></c></row> --><![CDATA[<row r="9002">]]>'
    xml = (head + comment + b'<row r="9001"><c r="A9001"><v>2</v></c>'  # never closed
           + b'<row r="2"><c r="A2"><v>6</v></c><c r="ZZ2"><v>3</v></row></sheetData>')  # ZZ2 never closed
    kept, dropped = _drop_out_of_bounds(xml)
    assert dropped
    assert kept == head + comment + b'<row r="2"><c r="A2"><v>6</v></c></row></sheetData>'


def test_open_item_with_larger_bounds_for_long_tables(tmp_path: Path) -> None:
    import xlsxwriter

    from pbmcli.readers import open_item

    path = tmp_path / "导出.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("执行")
    for r in range(6000):
        ws.write_row(r, 0, [f"单位{r}", r])
    wb.close()
    small = open_item(path)
    assert small.sheet("执行").nrows == 5000 and [i.kind for i in small.issues] == ["out_of_bounds"]
    big = open_item(path, max_rows=20_000)
    assert big.sheet("执行").nrows == 6000 and not big.issues
    assert big.sheet("执行").raw(5999, 1) == 5999.0


@pytest.mark.parametrize("build", [
    lambda p: make_selfeval(p), lambda p: make_selfeval(p, variant="city_ab"),
    lambda p: make_selfeval(p, variant="sichuan", percent_format=True, formulas=True),
    lambda p: make_goal(p), lambda p: make_goal(p, variant="sichuan", midterm=True),
])
def test_factory_defaults_are_clean(tmp_path: Path, build, pack) -> None:
    engine = pytest.importorskip("pbmcli.engine")
    sub = read_submission(build(tmp_path / "a.xlsx"))
    findings = engine.check(sub, pack)
    assert [(f.code, f.message) for f in findings if f.severity.value != "info"] == []


def test_goal_with_midterm_and_annual_blocks_side_by_side(tmp_path: Path) -> None:
    import xlsxwriter

    rows = [["项目支出绩效目标申报表"], ["项目名称", "学生资助"],
            ["绩效指标", "中期绩效指标", None, None, None, "年度绩效指标"],
            [None, "一级指标", "二级指标", "三级指标", "指标值", "一级指标", "二级指标", "三级指标", "指标值"],
            [None, "产出指标", "数量指标", "资助人数", "≥1500人", "产出指标", "数量指标", "资助人数", "≥500人"],
            [None, None, "质量指标", "发放准确率", "=100%", None, "质量指标", "发放准确率", "=100%"]]
    path = tmp_path / "并排.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, value)  # "=100%" is text, not a formula
    wb.close()
    sub = read_submission(path)
    got = [(i.block, i.name, i.target.number, i.level1) for i in sub.indicators]
    assert sorted(got) == sorted([("midterm", "资助人数", 1500.0, "产出指标"), ("midterm", "发放准确率", 100.0, "产出指标"),
                                  ("annual", "资助人数", 500.0, "产出指标"), ("annual", "发放准确率", 100.0, "产出指标")])


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_equal_sign_targets_are_text_not_formulas(tmp_path: Path, writer: str) -> None:
    inds = [Ind("产出指标", "质量指标", "发放准确率", "=100%", "100%", 90, 90)]
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", indicators=inds, writer=writer))
    assert (sub.indicators[0].target.operator, sub.indicators[0].target.number) == (Operator.EQ, 100.0)
    assert not issues(sub, "formula_uncached")


# ---------------------------------------------------------------- QA findings (block, 元)


@pytest.mark.parametrize("midterm_goal", ["中期：三年内各项绩效指标全面完成。", "中期各项指标达标"])
def test_single_block_under_a_midterm_goal_text_is_annual(tmp_path, midterm_goal):
    sub = read_submission(make_goal(tmp_path / "g.xlsx", goals={"midterm": midterm_goal}))
    assert {i.block for i in sub.indicators} == {"annual"}
    both = read_submission(make_goal(tmp_path / "g2.xlsx", midterm=True, goals={"midterm": midterm_goal}))
    assert [i.block for i in both.indicators] == ["midterm"] * 6 + ["annual"] * 6


def test_percent_format_is_found_whatever_the_attribute_order(tmp_path: Path) -> None:
    """styles.xml written by another program: formatCode before numFmtId, single quotes.
    The cell 0.935 in the custom format "0.0%" is still read as 93.5 %."""
    import re
    import zipfile

    import openpyxl

    src = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "执行率", 0.935
    ws["B1"].number_format = "0.0%"
    wb.save(src)
    swapped = tmp_path / "b.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(swapped, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                data, n = re.subn(rb'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"',
                                  rb"<numFmt formatCode='\2' numFmtId='\1'", data)
                assert n == 1  # the custom format was there to swap
            zout.writestr(item, data)
    for path in (src, swapped):
        field = open_workbook(path.read_bytes(), path.name).sheet("Sheet").field(0, 1)
        assert field.percent and field.value == 93.5


def test_score_reads_the_self_evaluation_beside_a_goal_form(tmp_path: Path) -> None:
    """A workbook holding a goal form (first sheet) and a self-evaluation: validate reads the
    first (F010 names the other), score and the goal cross-check read the kind they need."""
    import openpyxl

    from pbmcli.config import default_pack
    from pbmcli.readers import as_item
    from pbmcli.scoring.report import score_item

    goal = make_goal(tmp_path / "两张表.xlsx")
    own = openpyxl.load_workbook(make_selfeval(tmp_path / "s.xlsx"))[FORM_SHEET]
    wb = openpyxl.load_workbook(goal)
    second = wb.create_sheet("自评表")
    for row in own.iter_rows():
        for cell in row:
            if cell.value is not None:
                second.cell(cell.row, cell.column, cell.value)
    for merged in own.merged_cells.ranges:
        second.merge_cells(str(merged))
    wb.save(goal)
    first = read_submission(goal)
    assert first.kind is FormKind.GOAL and "自评表" in issues(first, "multiple_forms")[0].detail
    chosen = read_submission(goal, prefer=FormKind.SELFEVAL)
    assert chosen.kind is FormKind.SELFEVAL and chosen.sheet == "自评表" and len(chosen.indicators) == 6
    assert "只读取了「自评表」" in issues(chosen, "multiple_forms")[0].detail
    scored = score_item(as_item(goal), default_pack())
    assert scored.result is not None and scored.result.total == 99.5 and not scored.skipped_reason


def test_names_wrapped_in_their_cell_and_codes_before_a_unit(tmp_path: Path) -> None:
    """A unit written "219001-池州市贵池区棠溪镇人民政府" is that unit with code 219001; names
    wrapped in their cell are one line (no break between Chinese characters, a space between
    Latin words)."""
    path = make_selfeval(tmp_path / "a.xlsx", header={"unit": "219001-池州市贵池区棠溪镇人民政府",
                                                      "project": "农村公路\n养护工程（G318\nRoad）"})
    sub = read_submission(path)
    assert sub.header["unit"].value == "池州市贵池区棠溪镇人民政府"
    assert sub.header["unit_code"].value == "219001"
    assert sub.header["unit"].text == "219001-池州市贵池区棠溪镇人民政府"  # as written, for messages
    assert sub.header["project"].value == "农村公路养护工程（G318 Road）"


def test_a_subtotal_in_the_middle_of_the_table_does_not_end_it(tmp_path: Path) -> None:
    """合计 after the 产出 rows (50 | 50) with the 效益 and 满意度 rows below it: the rows below are
    read (they were silently dropped), the subtotal is no indicator and not the form's total."""
    inds = [*SELFEVAL_INDICATORS[:3], Ind("合计", "", "", None, None, 50, 50), *SELFEVAL_INDICATORS[3:]]
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", indicators=inds, merge_levels=False,
                                        totals={"weight": 100, "score": 99.5}))
    assert [i.name for i in sub.indicators] == [i.name for i in SELFEVAL_INDICATORS]
    assert sub.totals["score"].value == 99.5  # the 总分 row at the end, not the 合计's 50
    assert "「合计」" in issues(sub, "template_leftover")[0].detail
