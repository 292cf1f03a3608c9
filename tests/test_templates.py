"""Shipped templates: committed copies are current, layout contract, CLI, distribution, reader."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.config import RulePack
from pbmcli.errors import InputError, OutputExistsError
from pbmcli.forms import (
    KINDS,
    META_SHEET,
    TEMPLATE_VERSION,
    TITLES,
    build_template,
    write_template,
)
from pbmcli.forms.__main__ import committed_name
from pbmcli.forms.distribute import unit_filename, write_unit_copies

COMMITTED = Path(__file__).resolve().parents[1] / "templates" / "xlsx"
FORMS = ("goal", "selfeval", "monitor")
COMPLETION = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, pack: RulePack) -> dict[str, Path]:
    """Every template regenerated from the national pack into a temporary folder."""
    folder = tmp_path_factory.mktemp("templates")
    return {k: write_template(k, folder / committed_name(k), pack=pack) for k in KINDS}


def form_sheet(path: Path) -> Any:
    return openpyxl.load_workbook(path).worksheets[0]


def find(ws: Any, text: str) -> Any:
    """The first cell whose text (whitespace removed) is ``text``."""
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and re.sub(r"\s", "", c.value) == text:
                return c
    raise AssertionError(f"label {text!r} not found in {ws.title}")


def right_of(ws: Any, label: Any) -> Any:
    """The input cell right of a label (after the label's merged range)."""
    end = label.column
    for rng in ws.merged_cells.ranges:
        if label.coordinate in rng:
            end = rng.max_col
    return ws.cell(label.row, end + 1)


def column_of(ws: Any, header_row: int, text: str) -> int:
    for c in ws[header_row]:
        if isinstance(c.value, str) and c.value == text:
            return c.column
    raise AssertionError(f"column {text!r} not in row {header_row}")


# ------------------------------------------------------------------ committed copies


def snapshot(path: Path) -> dict[str, Any]:
    """Content of a workbook: values and formulas, merges, validations, visibility, locks."""
    out: dict[str, Any] = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        cells = list(ws.iter_rows())
        out[ws.title] = {
            "state": ws.sheet_state,
            "values": {c.coordinate: c.value for row in cells for c in row if c.value is not None},
            "unlocked": sorted(c.coordinate for row in cells for c in row if not c.protection.locked),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), str(dv.type), str(dv.formula1), bool(dv.showErrorMessage),
                 str(dv.prompt)) for dv in ws.data_validations.dataValidation),
            "protected": bool(ws.protection.sheet),
            "print": (ws.page_setup.paperSize, ws.page_setup.orientation, ws.print_title_rows),
        }
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_committed_template_is_current(built: dict[str, Path], kind: str) -> None:
    committed = COMMITTED / committed_name(kind)
    assert committed.is_file(), f"{committed} missing: run python -m pbmcli.forms"
    fresh, old = snapshot(built[kind]), snapshot(committed)
    assert list(fresh) == list(old)
    for sheet in fresh:
        assert fresh[sheet] == old[sheet], (
            f"{committed.name}!{sheet} is stale: run python -m pbmcli.forms and commit")


def test_generation_is_deterministic(pack: RulePack) -> None:
    assert build_template("selfeval", pack) == build_template("selfeval", pack)


# ------------------------------------------------------------------ layout contract


@pytest.mark.parametrize("kind", KINDS)
def test_meta_marker_hidden_with_kind_and_version(built: dict[str, Path], kind: str) -> None:
    wb = openpyxl.load_workbook(built[kind])
    assert wb.sheetnames == [TITLES[kind], "填表说明", META_SHEET]
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    assert [meta.cell(1, c).value for c in range(1, 5)] == [
        "pbm-template", kind, TEMPLATE_VERSION, "请勿修改此工作表"]
    assert wb.worksheets[0].sheet_state == "visible"


@pytest.mark.parametrize("kind", KINDS)
def test_print_setup_a4_landscape_one_page_wide(built: dict[str, Path], kind: str) -> None:
    ws = form_sheet(built[kind])
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == ("$1:$1" if kind == "units" else "$1:$2")
    assert "第 &P 页，共 &N 页" in ws.oddFooter.center.text
    if kind in ("goal", "selfeval"):  # a fixed scale, so page breaks hold (Excel drops them under fit-to)
        assert not ws.sheet_properties.pageSetUpPr.fitToPage
        return
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, so it may be omitted
    assert int(ws.page_setup.fitToHeight) == 0


def _pages(ws: Any) -> list[float]:
    """Points each printed page of the form takes at 100 %: rows between page breaks, the
    repeated title rows on every page after the first."""
    last = int(re.search(r"(\d+)$", str(ws.print_area)).group(1))  # type: ignore[union-attr]

    def height(r: int) -> float:
        return float(ws.row_dimensions[r].height or 15)

    starts = [1, *[b.id + 1 for b in ws.row_breaks.brk], last + 1]
    title = height(1) + height(2)
    return [sum(height(r) for r in range(a, b)) + (title if a > 1 else 0)
            for a, b in zip(starts, starts[1:], strict=False)]


@pytest.mark.parametrize("kind", ["goal", "selfeval"])
def test_form_fits_its_pages_and_no_row_spills_alone(built: dict[str, Path], kind: str) -> None:
    """Issue 12 item 10: one page wide at a readable scale, and every page (the goal form: its
    中期 part, then its 年度 part with the signatures) whole on its sheet of paper."""
    from pbmcli.printing import column_px, page_height_pt, page_px

    ws = form_sheet(built[kind])
    scale = int(ws.page_setup.scale) / 100
    groups = [(d.min, d.max, d.width) for d in list(ws.column_dimensions.values()) if d.customWidth]
    widths = [next(w for lo, hi, w in groups if lo <= c <= hi) for c in range(1, ws.max_column + 1)]
    assert sum(column_px(w, stored=True) for w in widths) * scale <= page_px(True)
    assert 10 * scale >= 9  # 10 pt 宋体 prints at 9 pt or more
    pages = _pages(ws)
    assert all(h * scale <= page_height_pt(True) for h in pages), pages
    if kind == "goal":
        assert len(pages) == 2
        first_of_page2 = ws.row_breaks.brk[0].id + 1
        assert ws.cell(first_of_page2, 1).value == "年度绩效指标"
    else:
        assert len(pages) == 1 and not ws.row_breaks.brk


@pytest.mark.parametrize("kind", FORMS)
def test_labels_locked_inputs_unlocked_no_password(built: dict[str, Path], kind: str) -> None:
    ws = form_sheet(built[kind])
    assert ws.protection.sheet and not ws.protection.password
    for text in ("项目名称", "实施单位", "单位编码", "一级指标", "二级指标", "三级指标", "填报人"):
        label = find(ws, text)
        assert label.protection.locked, f"{text} should be locked"
    for text in ("项目名称", "实施单位", "单位编码", "填报人"):
        assert not right_of(ws, find(ws, text)).protection.locked, f"input of {text} locked"
    head = find(ws, "三级指标")
    assert not ws.cell(head.row + 1, head.column).protection.locked
    formulas = [c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert all(c.protection.locked for c in formulas)
    assert (kind == "goal") == (not formulas)


def following(path: Path, ws: Any, column: int, row: int) -> list[str]:
    """The 二级 list a cell offers: INDIRECT(一级 cell) → the defined name → its cells."""
    letter = get_column_letter(column)
    dv = next(dv for dv in ws.data_validations.dataValidation
              if dv.type == "list" and f"{letter}{row}" in dv.sqref)
    m = re.fullmatch(r"INDIRECT\(\$([A-Z])(\$?)(\d+)\)", str(dv.formula1))
    assert m, dv.formula1
    top = min(c.min_row for c in dv.sqref.ranges)
    source_row = int(m[3]) if m[2] else int(m[3]) + row - top  # relative rows move with the cell
    level1 = ws[f"{m[1]}{source_row}"].value
    wb = openpyxl.load_workbook(path)
    sheet, cells = next(iter(wb.defined_names[level1].destinations))
    return [c.value for row_ in wb[sheet][cells] for c in row_]


def list_on(ws: Any, column: int, row: int) -> tuple[list[str], bool]:
    """The drop-down list covering a cell, and whether it warns on other values."""
    letter = openpyxl.utils.get_column_letter(column)
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and f"{letter}{row}" in dv.sqref:
            return dv.formula1.strip('"').split(","), bool(dv.showErrorMessage)
    raise AssertionError(f"no list on {letter}{row}")


@pytest.mark.parametrize("kind", FORMS)
def test_dropdowns_for_levels_and_completion(built: dict[str, Path], kind: str,
                                             pack: RulePack) -> None:
    ws = form_sheet(built[kind])
    head = find(ws, "三级指标")
    row = head.row + 1
    level1, _ = list_on(ws, column_of(ws, head.row, "一级指标"), row)
    assert set(pack.indicator_tree.tree_2021) <= set(level1)
    # 二级 follows 一级 (issue 12 item 10): INDIRECT of the row's 一级 cell, a defined name per 一级
    col2 = column_of(ws, head.row, "二级指标")
    assert following(built[kind], ws, col2, row) == ["数量指标", "质量指标", "时效指标", "成本指标"]
    satisfaction = next(r for r in range(row, row + 30) if ws.cell(r, col2).value == "服务对象满意度指标")
    assert following(built[kind], ws, col2, satisfaction) == ["服务对象满意度指标"]
    blank = next(r for r in range(satisfaction, satisfaction + 10) if ws.cell(r, col2).value is None)
    ws.cell(blank, col2 - 1).value = "效益指标"  # what a unit picks on a blank row
    assert following(built[kind], ws, col2, blank)[:2] == ["经济效益指标", "社会效益指标"]
    if kind == "goal":
        return
    actual = "实际完成值" if kind == "selfeval" else "当前完成值"
    items, warns = list_on(ws, column_of(ws, head.row, actual), row)
    assert items == list(COMPLETION) and not warns  # numbers and free text stay allowed


def test_monitor_operator_dropdown(built: dict[str, Path]) -> None:
    ws = form_sheet(built["monitor"])
    head = find(ws, "指标性质")
    items, _ = list_on(ws, head.column, head.row + 3)
    assert items == ["≥", ">", "=", "≤", "<"]


def test_selfeval_national_blocks(built: dict[str, Path], pack: RulePack) -> None:
    ws = form_sheet(built["selfeval"])
    head = find(ws, "年初预算数")
    assert [c.value for c in ws[head.row]][head.column - 1:] == [
        "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    total = find(ws, "年度资金总额")
    values = [ws.cell(total.row + i, head.column + 3).value for i in range(4)]
    assert values[0] == pack.scoring.execution_points and values[1:] == [None] * 3
    assert find(ws, "其中：当年财政拨款").row == total.row + 1
    ind = find(ws, "三级指标")
    assert [c.value for c in ws[ind.row]][1:] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
        "偏差原因分析及改进措施"]
    levels = [ws.cell(r, ind.column - 1).value for r in range(ind.row + 1, ind.row + 30)]
    for name in ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
                 "生态效益指标", "可持续影响指标", "服务对象满意度指标"):
        assert name in levels
    total_row = find(ws, "总分").row
    assert ws.cell(total_row, ind.column + 3).value == 100


def test_formulas_have_cached_values(built: dict[str, Path]) -> None:
    for kind in ("selfeval", "monitor"):
        with zipfile.ZipFile(built[kind]) as z:
            xml = z.read("xl/worksheets/sheet1.xml").decode()
        formulas = re.findall(r"<c [^>]*>(<f>.*?</f>)(.*?)</c>", xml)
        assert formulas and all(re.fullmatch(r"<v>[^<]+</v>", v) for _, v in formulas)
    # a value reader sees numbers (0 in a blank form), never an empty formula cell
    rows = CalamineWorkbook.from_path(str(built["selfeval"])).get_sheet_by_index(0).to_python(
        skip_empty_area=False)
    ws = form_sheet(built["selfeval"])
    formula_cells = [c for row in ws.iter_rows() for c in row if str(c.value).startswith("=")]
    assert len(formula_cells) == 3  # 执行率, 执行率得分, 总分
    assert {rows[c.row - 1][c.column - 1] for c in formula_cells} == {0.0}


def test_guide_sheet_explains_conventions(built: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(built["selfeval"])["填表说明"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for needle in ("≥", "≤", "万元", "审核时常见的问题", *COMPLETION, "100", "先选一级再选二级"):
        assert needle in text
    # it speaks to the unit filling in the form, not about pbm's commands
    assert not re.search(r"\bpbm\s+[a-z]", text)
    # no cell is a bare form label (a label-anchored reader must not see a second form)
    assert not {"项目名称", "绩效指标", "三级指标"} & {str(c.value) for row in ws.iter_rows() for c in row}


@pytest.mark.parametrize("kind", KINDS)
def test_opens_in_calamine(built: dict[str, Path], kind: str) -> None:
    wb = CalamineWorkbook.from_path(str(built[kind]))
    assert wb.sheet_names == [TITLES[kind], "填表说明", META_SHEET]
    assert str(wb.sheets_metadata[2].visible).endswith("Hidden")
    first = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert first[0][0] == ("单位编码" if kind == "units" else TITLES[kind])


# ------------------------------------------------------------------ CLI


def test_cli_default_name_and_no_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["template", "goal"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "项目支出绩效目标申报表.xlsx"
    assert target.is_file()
    target.write_bytes(b"keep")
    result = runner.invoke(app, ["template", "goal"])
    assert result.exit_code == 2 and "--force" in result.output
    assert target.read_bytes() == b"keep"
    result = runner.invoke(app, ["template", "goal", "--force"])
    assert result.exit_code == 0 and zipfile.is_zipfile(target)


def test_cli_output_option_and_bad_kind(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "自评.xlsx"
    assert runner.invoke(app, ["template", "selfeval", "-o", str(out)]).exit_code == 0
    assert openpyxl.load_workbook(out)[META_SHEET]["B1"].value == "selfeval"
    assert runner.invoke(app, ["template", "units", "-o", str(tmp_path)]).exit_code == 0
    assert (tmp_path / "单位名录.xlsx").is_file()  # -o FOLDER: default name inside it
    assert runner.invoke(app, ["template", "goal", "-o", str(tmp_path / "申报")]).exit_code == 0
    assert (tmp_path / "申报.xlsx").is_file()
    assert runner.invoke(app, ["template", "goal", "-o", str(tmp_path / "a.xls")]).exit_code == 2
    result = runner.invoke(app, ["template", "budget", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "未知的模板种类" in result.output
    result = runner.invoke(app, ["template", "goal", "--out-dir", str(tmp_path)])
    assert result.exit_code == 2


# ------------------------------------------------------------------ distribution


def make_units(path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    """A units directory as a clerk makes it: a title line, columns in their own order."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年预算单位名录"])
    ws.append(header or ["单位名称", "主管部门", "单位编码", "类别"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


UNITS = [["县教育局", "县教育局", "001", "部门"], [None, None, None, None],
         ["城关镇人民政府", "", "101", "乡镇"], ["县卫生健康局", "县卫生健康局", "002", "部门"]]


def test_units_distribution_one_file_per_unit(tmp_path: Path) -> None:
    units = make_units(tmp_path / "units.xlsx", UNITS)
    out = tmp_path / "分发"
    result = runner.invoke(app, ["template", "selfeval", "--units", str(units), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["001_县教育局_项目支出绩效自评表.xlsx", "002_县卫生健康局_项目支出绩效自评表.xlsx",
                     "101_城关镇人民政府_项目支出绩效自评表.xlsx"]
    ws = form_sheet(out / names[2])
    unit, code = right_of(ws, find(ws, "实施单位")), right_of(ws, find(ws, "单位编码"))
    assert (unit.value, code.value) == ("城关镇人民政府", "101")
    assert unit.protection.locked and code.protection.locked
    assert not right_of(ws, find(ws, "项目名称")).protection.locked
    dep = right_of(form_sheet(out / names[0]), find(form_sheet(out / names[0]), "主管部门"))
    assert dep.value == "县教育局"


def test_units_distribution_refuses_to_overwrite(tmp_path: Path) -> None:
    units = make_units(tmp_path / "units.xlsx", UNITS)
    out = tmp_path / "out"
    out.mkdir()
    (out / "002_县卫生健康局_项目支出绩效目标申报表.xlsx").write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        write_unit_copies("goal", units, out)
    assert len(list(out.iterdir())) == 1  # nothing written at all
    assert len(write_unit_copies("goal", units, out, force=True)) == 3
    assert zipfile.is_zipfile(out / "002_县卫生健康局_项目支出绩效目标申报表.xlsx")


def test_units_directory_problems_are_named(tmp_path: Path) -> None:
    rows = [["甲局", "", "001", ""], ["乙局", "", "001", ""], ["丙局", "", None, ""],
            [None, "", "009", ""]]
    units = make_units(tmp_path / "bad.xlsx", rows)
    with pytest.raises(InputError) as exc:
        write_unit_copies("selfeval", units, tmp_path / "out")
    msg = str(exc.value)
    assert "「001」重复（第 3、4 行）" in msg and "第 5 行「丙局」缺少单位编码" in msg
    assert "第 6 行编码「009」缺少单位名称" in msg
    assert not (tmp_path / "out").exists()
    result = runner.invoke(app, ["template", "goal", "--units", str(units), "--out-dir",
                                 str(tmp_path / "o2")])
    assert result.exit_code == 2 and "缺少单位编码" in result.output


def test_units_template_feeds_distribution(built: dict[str, Path], tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(built["units"])
    ws = wb.worksheets[0]
    ws["A2"], ws["B2"], ws["C2"] = "0301", "县农业农村局", "农业局、农业农村局"
    ws["A4"], ws["B4"] = "0302", "县水利局"
    wb.save(tmp_path / "units.xlsx")
    paths = write_unit_copies("monitor", tmp_path / "units.xlsx", tmp_path / "o")
    assert [p.name for p in paths] == ["0301_县农业农村局_项目支出绩效运行监控表.xlsx",
                                       "0302_县水利局_项目支出绩效运行监控表.xlsx"]


def test_unit_filename_strips_forbidden_characters() -> None:
    from pbmcli.forms.distribute import UnitEntry

    name = unit_filename("goal", UnitEntry("A/1", "某局:二 科", "", 2))
    assert name == "A_1_某局_二_科_项目支出绩效目标申报表.xlsx"


def test_colliding_file_names_are_refused(tmp_path: Path) -> None:
    units = make_units(tmp_path / "units.xlsx", [["甲局", "", "A/1", ""], ["甲局", "", "A:1", ""]])
    with pytest.raises(InputError, match="文件名相同"):
        write_unit_copies("goal", units, tmp_path / "out")


def test_units_kind_cannot_be_distributed(tmp_path: Path) -> None:
    units = make_units(tmp_path / "units.xlsx", UNITS)
    result = runner.invoke(app, ["template", "units", "--units", str(units), "--out-dir", str(tmp_path)])
    assert result.exit_code == 2 and "不能按单位分发" in result.output


# ------------------------------------------------------------------ round trip through the reader


def read(path: Path) -> Any:
    from pbmcli.readers import read_submission

    return read_submission(path)


@pytest.mark.parametrize("kind", FORMS)
def test_blank_template_reads_clean(built: dict[str, Path], kind: str) -> None:
    sub = read(built[kind])
    assert sub.kind.value == kind
    assert sub.template_version == TEMPLATE_VERSION
    assert sub.issues == ()
    assert sub.indicators == ()  # pre-printed 一级/二级 rows are not indicators


FILL = {
    "header": {"项目名称": "农村义务教育营养改善计划", "实施单位": "县教育局", "单位编码": "001"},
    "row": {"三级指标": "受益学生人数", "年度指标值": "≥1200人", "指标值": "≥1200人",
            "实际完成值": "1250人", "分值": 20, "得分": 20, "当前完成值": "800",
            "偏差原因分析及改进措施": "无"},
}


def fill(src: Path, dest: Path) -> Path:
    """Fill a template the way a script would: find each label, write next to it."""
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    for label, value in FILL["header"].items():
        right_of(ws, find(ws, label)).value = value
    heads = [c for row in ws.iter_rows() for c in row if c.value == "三级指标"]
    head = heads[-1]  # the 年度 block of a goal form
    for c in ws[head.row]:
        if c.value in FILL["row"]:
            ws.cell(head.row + 1, c.column).value = FILL["row"][c.value]
    if find_optional(ws, "全年预算数"):
        budget = find(ws, "全年预算数")
        total = find(ws, "年度资金总额")
        ws.cell(total.row, budget.column).value = 100
        ws.cell(total.row, budget.column + (1 if ws.title.endswith("自评表") else 2)).value = 95.5
    wb.save(dest)
    return dest


def find_optional(ws: Any, text: str) -> Any:
    try:
        return find(ws, text)
    except AssertionError:
        return None


@pytest.mark.parametrize("kind", FORMS)
def test_filled_template_reads_back(built: dict[str, Path], kind: str, tmp_path: Path) -> None:
    sub = read(fill(built[kind], tmp_path / f"{kind}.xlsx"))
    assert sub.kind.value == kind and sub.template_version == TEMPLATE_VERSION
    assert sub.project == "农村义务教育营养改善计划"
    assert sub.head("unit").value == "县教育局" and sub.head("unit_code").value == "001"
    assert len(sub.indicators) == 1
    ind = sub.indicators[0]
    assert (ind.level1, ind.level2, ind.name) == ("产出指标", "数量指标", "受益学生人数")
    assert ind.block == "annual"
    assert ind.target.number == 1200 and ind.target.operator is not None
    if kind == "selfeval":
        assert ind.actual is not None and ind.actual.number == 1250
        assert (ind.weight, ind.score) == (20.0, 20.0)
    if kind != "goal":
        assert sub.fund("annual", "total", "budget").value == 100.0
        assert sub.fund("annual", "total", "spent").value == 95.5
    # openpyxl drops cached formula results: those (and only those) are reported
    assert {i.kind for i in sub.issues} <= {"formula_uncached"}


def test_year_is_read_from_the_title_line(built: dict[str, Path], tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(built["selfeval"])
    wb.worksheets[0]["A2"] = "（2026年度）"
    wb.save(tmp_path / "y.xlsx")
    assert read(tmp_path / "y.xlsx").year == 2026


def test_units_template_is_not_a_form(built: dict[str, Path]) -> None:
    with pytest.raises(InputError):
        read(built["units"])


def test_prefilled_copy_reads_unit(tmp_path: Path, pack: RulePack) -> None:
    data = build_template("goal", pack, {"unit": "县水利局", "unit_code": "0302"})
    path = tmp_path / "g.xlsx"
    path.write_bytes(data)
    sub = read(path)
    assert sub.head("unit").value == "县水利局" and sub.head("unit_code").value == "0302"


def test_goal_new_project_and_pre_assessment_fields(built: dict[str, Path], tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(built["goal"])
    ws = wb.worksheets[0]
    right_of(ws, find(ws, "是否新增项目")).value = "是"
    right_of(ws, find(ws, "是否开展事前评估")).value = "否"
    right_of(ws, find(ws, "年度资金总额")).value = 80
    wb.save(tmp_path / "g.xlsx")
    sub = read(tmp_path / "g.xlsx")
    assert sub.head("new_project").value == "是" and sub.head("pre_assessment").value == "否"
    assert sub.fund("annual", "total", "amount").value == 80.0
    assert sub.fund("midterm", "total", "amount").value is None
    options = list_on(ws, right_of(ws, find(ws, "是否新增项目")).column, find(ws, "是否新增项目").row)
    assert options == (["是", "否"], True)
