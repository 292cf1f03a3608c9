"""Issue 12 item 8: the ranking, monitoring, lights and 预算安排建议 workbooks print as documents
a clerk can send (validate and score: test_validate_cli.py, test_score_cli.py): title with the
period and the issuing office, A4 one page wide at 9 pt or more, repeated and frozen header,
page numbers, number formats, plain Chinese headers, marked rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from test_ledger_cli import export, invoke, ws  # noqa: F401 - ws is a fixture

try:
    from tests import sheets
except ImportError:
    import sheets  # type: ignore[no-redef]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CRYPTIC = {"p", "灯", "偏差", "变化", "执行率%", "偏差(百分点)", "调整%"}


def _check_all(path: Path, title: str) -> openpyxl.Workbook:
    wb = openpyxl.load_workbook(path)
    for sheet in wb.worksheets:
        sheets.assert_prints_as_document(sheet, title)
        assert sheet["A2"].value == "制表单位：示例县财政局"
        header = sheets.header(sheet)
        assert not CRYPTIC & set(header) and not any("\n" in str(h) for h in header), header
    return wb


def test_ranking_workbooks(ws: Path):  # noqa: F811
    for month, spent in ((9, {"101": 70.0, "102": 40.0}), (10, {"101": 50.0, "102": 80.0, "201": 80.0})):
        invoke("monitor", str(export(ws, month, spent)), "--period", f"2026-{month:02d}", "--record", "-f", "json")
    invoke("rank", "--period", "2026-10", "--format", "xlsx", "-o", "输出/月.xlsx")
    wb = _check_all(ws / "输出" / "月.xlsx", "2026年10月执行进度排名")
    first = wb.worksheets[0]
    assert first["A1"].value == "2026年10月执行进度排名（全部单位）"
    header = sheets.header(first)
    assert {"执行率", "与序时进度差（个百分点）", "名次变化"} <= set(header)
    data = sheets.header_row(first) + 1
    assert first.cell(data, header.index("执行率") + 1).number_format == "0.00%"
    assert first.cell(data, header.index("得分") + 1).number_format == "0.00"
    invoke("rank", "--period", "2026Q4", "--format", "xlsx", "-o", "输出/季.xlsx")
    wb = _check_all(ws / "输出" / "季.xlsx", "2026年第四季度综合排名")
    assert any(str(h).startswith("执行进度（权重") for h in sheets.header(wb.worksheets[0]))


def test_execution_monitoring_workbook(ws: Path):  # noqa: F811
    invoke("monitor", str(export(ws, 10, {"101": 90.0, "102": 10.0})), "--period", "2026-10",
           "-f", "xlsx", "-o", "输出/m.xlsx")
    wb = _check_all(ws / "输出" / "m.xlsx", "2026年10月预算执行进度监控表")
    units = wb["单位汇总"]
    header = sheets.header(units)
    assert header[2:] == ["全年预算（万元）", "累计支出（万元）", "执行率", "与序时进度差（个百分点）", "预警"]
    by_unit = {r[0]: r for r in sheets.rows(units)}
    # by hand: 序时进度 10/12 = 83.33%; 县财政局 90 / 100 → 90.00%, +6.67 points; 县教育局 10% → 红色预警
    assert by_unit["县财政局"][4] == 0.9 and by_unit["县财政局"][6] == "正常"
    assert by_unit["县教育局"][6] == "● 红色预警"
    row = sheets.header_row(units) + 1 + list(by_unit).index("县教育局")
    assert units.cell(row, 7).fill.fgColor.rgb.endswith("FFC7CE") and units.cell(row, 1).fill.fgColor.rgb.endswith("FDEDEF")
    assert units.cell(row, 3).number_format == "#,##0.00" and units.cell(row, 5).number_format == "0.00%"


def test_lights_workbook(ws: Path):  # noqa: F811
    invoke("monitor", str(EXAMPLES / "monitor" / "2026-08"), "--period", "2026-08", "-f", "xlsx",
           "-o", "输出/亮灯.xlsx", "-q")
    wb = _check_all(ws / "输出" / "亮灯.xlsx", "2026年8月绩效运行监控指标亮灯表")
    lights = wb.worksheets[0]
    assert lights["A1"].value == "2026年8月绩效运行监控指标亮灯表"  # one sheet: its name not repeated
    shown = set(sheets.column(lights, "亮灯"))
    assert {"● 红灯", "▲ 黄灯", "○ 绿灯", "◆ 蓝灯"} & shown and not {"红灯", "黄灯", "绿灯", "蓝灯"} & shown
    completion = sheets.header(lights).index("按序时进度的完成比例") + 1
    assert lights.cell(sheets.header_row(lights) + 1, completion).number_format == "0.00%"


def test_budget_suggestion_workbook(ws: Path):  # noqa: F811
    invoke("monitor", str(export(ws, 12, {"101": 95.0, "102": 40.0})), "--period", "2026-12", "--record")
    invoke("apply", "--year", "2026", "-f", "xlsx", "-o", "输出/建议.xlsx")
    wb = _check_all(ws / "输出" / "建议.xlsx", "2026年度绩效评价结果应用建议")
    first = wb.worksheets[0]
    header = sheets.header(first)
    assert {"全年预算（万元）", "结余（万元）", "2027年建议数（万元）"} <= set(header)
    data = sheets.header_row(first) + 1
    assert first.cell(data, header.index("全年预算（万元）") + 1).number_format == "#,##0.00"
