"""`pbm score` end to end on real workbooks: formats, exit codes, the JSON contract."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.scoring.report import score_paths

try:
    from tests import sheets
    from tests.factory import SELFEVAL_INDICATORS, make_goal, make_selfeval
except ImportError:  # tests/ itself on sys.path (pytest rootdir without __init__.py)
    import sheets  # type: ignore[no-redef]
    from factory import SELFEVAL_INDICATORS, make_goal, make_selfeval  # type: ignore[no-redef]

runner = CliRunner()


def pbm(*args: str | Path) -> tuple[int, str, str]:
    res = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})
    if res.exception and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.stdout, res.stderr


def _inflated_inds():
    # 时效指标: target ≥95 %, actual 80 % → 80/95 × 15 = 12.63, but self-scored 15
    inds = list(SELFEVAL_INDICATORS)
    inds[2] = dataclasses.replace(inds[2], actual="80%", score=15)
    return inds


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A clean self-evaluation, an inflated one, a goal form and a corrupt file."""
    d = tmp_path / "自评"
    make_selfeval(d / "a_clean.xlsx")
    make_selfeval(d / "b_inflated.xlsx", header={"project": "乡村学校营养餐", "unit": "示例县教育局"},
                  indicators=_inflated_inds(), totals={"score": 99.5})
    make_goal(d / "c_goal.xlsx")
    (d / "d_broken.xlsx").write_bytes(b"PK\x03\x04 not a zip at all")
    return d


def test_json_equals_library_report(folder, pack):
    code, out, _ = pbm("score", folder, "-f", "json", "--jobs", "1")
    assert code == 1
    data = json.loads(out)
    assert data == score_paths([folder], pack).to_dict()
    assert data["tool"] == "pbm"
    assert data["summary"]["files"] == 3  # two self-evaluations + the broken file
    assert data["summary"]["scored"] == 2 and data["summary"]["inflated"] == 1
    assert data["summary"]["by_grade"] == {"优": 2, "良": 0, "中": 0, "差": 0}
    assert [Path(s["path"]).name for s in data["skipped"]] == ["c_goal.xlsx"]


def test_json_result_shape(folder):
    _, out, _ = pbm("score", folder, "-f", "json")
    results = {Path(r["path"]).name: r for r in json.loads(out)["results"]}
    clean, inflated, broken = (results[n] for n in ("a_clean.xlsx", "b_inflated.xlsx", "d_broken.xlsx"))
    assert (clean["total"], clean["self_total"], clean["difference"], clean["grade"]) == (99.5, 99.5, 0.0, "优")
    assert clean["execution"] == {**clean["execution"], "budget": 100.0, "spent": 95.0, "rate": 95.0,
                                  "points": 10.0, "score": 9.5}
    # 10 × 0.95 = 9.5; 20 + 15 + 12.63 + 20 + 10 + 10 = 87.63; total 97.13; self 99.5 → +2.37
    assert (inflated["total"], inflated["difference"]) == (97.13, 2.37)
    row = next(i for i in inflated["indicators"] if i["name"] == "养护任务完成及时率")
    assert row == {**row, "operator": "≥", "target": 95.0, "actual": 80.0, "unit": "%", "weight": 15.0,
                   "self_score": 15.0, "score": 12.63, "method": "positive"}
    assert row["formula"] == "实际值 80 ÷ 目标值 95 × 分值 15 = 12.63"
    codes = [(f["code"], f["severity"]) for f in inflated["findings"]]
    assert ("X301", "error") in codes and ("X305", "error") in codes
    assert broken["total"] is None and broken["findings"][0]["code"].startswith("F")
    keys = {"path", "sha256", "unit", "project", "year", "self_total", "total", "difference", "grade",
            "self_grade", "execution", "indicators", "findings"}
    assert keys <= set(clean)


def test_clean_file_exits_zero_and_table(folder):
    code, out, _ = pbm("score", folder / "a_clean.xlsx")
    assert code == 0
    assert "农村公路养护工程" in out and "99.5" in out


def test_explain_prints_formulas(folder):
    code, out, _ = pbm("score", folder / "b_inflated.xlsx", "--explain")
    assert code == 1
    assert "实际值 80 ÷ 目标值 95 × 分值 15 = 12.63" in out
    assert "自评得分虚高" in out


def test_lone_unreadable_file_exits_2(folder):
    code, _, err = pbm("score", folder / "d_broken.xlsx")
    assert code == 2 and "d_broken.xlsx" in err


def test_rules_pack_changes_tolerance(folder, tmp_path):
    lenient = tmp_path / "lenient.toml"
    lenient.write_text('extends = "national"\n[scoring]\ninflation_tolerance = 5.0\n'
                       '[rules.severity]\nX305 = "warning"\n', "utf-8")
    code, out, _ = pbm("score", folder / "b_inflated.xlsx", "--rules", lenient, "-f", "json")
    assert code == 0  # no X301 any more, and the per-indicator X305 demoted to a warning
    data = json.loads(out)
    assert data["summary"]["inflated"] == 0
    assert {(f["code"], f["severity"]) for f in data["results"][0]["findings"]} == {("X305", "warning")}


def test_xlsx_report(folder, tmp_path):
    target = tmp_path / "得分复核.xlsx"
    code, _, _ = pbm("score", folder, "-f", "xlsx", "-o", target)
    assert code == 1
    wb = openpyxl.load_workbook(target)
    # "序号-单位简称-项目" (the unit's first 8 characters), numbered like the scored files
    assert wb.sheetnames[:3] == ["汇总", "1-示例县公路事务中-农村公路养护工程", "2-示例县教育局-乡村学校营养餐"]
    summary = wb["汇总"]
    assert summary["A1"].value == "自评复核汇总" and summary["A2"].value == "制表单位：示例县财政局"
    assert summary.auto_filter.ref
    rows = sheets.rows(summary)
    inflated = next(r for r in rows if r[2] == "乡村学校营养餐")
    assert (inflated[4], inflated[5], inflated[6]) == (99.5, 97.13, 2.37)
    assert {r[0] for r in rows} == {"a_clean.xlsx", "b_inflated.xlsx", "d_broken.xlsx"}  # no folders
    rate = summary.cell(sheets.header_row(summary) + 1, sheets.header(summary).index("预算执行率") + 1)
    assert rate.number_format == "0.00%" and 0 < rate.value <= 1
    project = wb["2-示例县教育局-乡村学校营养餐"]
    assert project["A1"].value == "自评得分复核明细：示例县教育局　乡村学校营养餐"
    assert any(r[2] == "养护任务完成及时率" and r[9] == 12.63 for r in sheets.rows(project))
    issues = wb["问题清单"]
    assert "● 错误" in sheets.column(issues, "严重程度")
    for ws in wb.worksheets:
        sheets.assert_prints_as_document(ws)
    code, _, err = pbm("score", folder, "-f", "xlsx", "-o", target)
    assert code == 2 and "--force" in err


def test_xlsx_needs_output(folder):
    code, _, err = pbm("score", folder, "-f", "xlsx")
    assert code == 2 and "-o" in err


def test_csv_file_with_bom(folder, tmp_path):
    target = tmp_path / "out.csv"
    pbm("score", folder, "-f", "csv", "-o", target, "--explain")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["文件", "单位", "项目"]
    assert any(r[5] == "养护任务完成及时率" and r[12] == "12.63" for r in rows[1:])


def test_markdown(folder):
    code, out, _ = pbm("score", folder, "-f", "md")
    assert out.startswith("# 绩效自评得分复核")
    assert "| b_inflated.xlsx" in out or "b_inflated.xlsx |" in out


def test_goals_option(tmp_path):
    d = tmp_path / "in"
    inds = list(SELFEVAL_INDICATORS)
    inds[1] = dataclasses.replace(inds[1], target="≥80%")
    make_selfeval(d / "s.xlsx", indicators=inds)
    make_goal(tmp_path / "goals" / "g.xlsx")
    code, out, _ = pbm("score", d, "--goals", tmp_path / "goals", "-f", "json")
    assert code == 1  # X313 is an error
    result = json.loads(out)["results"][0]
    assert result["goal"].endswith("g.xlsx")
    assert [f["code"] for f in result["findings"]] == ["X313"]


def test_nothing_to_score(tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = pbm("score", tmp_path / "empty")
    assert code == 2 and "没有找到" in err


def test_uncached_formulas_never_guess_the_self_total(tmp_path):
    path = make_selfeval(tmp_path / "脚本生成.xlsx", formulas=True, writer="openpyxl")
    code, out, _ = pbm("score", path, "-f", "json")
    result = json.loads(out)["results"][0]
    assert result["total"] == 99.5  # recomputed from the values, which are plain numbers
    assert result["self_total"] is None and result["difference"] is None
    assert any("没有缓存值的公式" in n for n in result["notes"])
    assert code == 0


def test_zip_archive_is_scored(folder, tmp_path):
    import zipfile

    archive = tmp_path / "收件.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(folder / "b_inflated.xlsx", "教育局/b_inflated.xlsx")
        zf.write(folder / "c_goal.xlsx", "教育局/c_goal.xlsx")
    code, out, _ = pbm("score", archive, "-f", "json")
    data = json.loads(out)
    assert code == 1
    assert [r["project"] for r in data["results"]] == ["乡村学校营养餐"]
    assert data["results"][0]["total"] == 97.13
    assert len(data["skipped"]) == 1


def test_sheet_names_are_legal_unique_and_numbered(tmp_path):
    d = tmp_path / "in"
    long_project = "县域[农村]公路:养护*工程?第一期/第二期\\合并项目（含桥梁）"
    for n in range(2):  # the same unit and project twice: still two sheets
        make_selfeval(d / f"{n}.xlsx", header={"project": long_project, "unit": "中共示例县委员会办公室机要科"})
    target = tmp_path / "r.xlsx"
    assert pbm("score", d, "-f", "xlsx", "-o", target)[0] == 0
    names = openpyxl.load_workbook(target).sheetnames[1:3]
    assert [n[:2] for n in names] == ["1-", "2-"] and len(set(names)) == 2
    assert all(len(n) <= 31 and not set("[]:*?/\\") & set(n) for n in names)
    assert names[0].startswith("1-示例县委员会办公-县域_农村_公路")  # "中共" dropped, 8 characters


def test_scores_with_two_decimals_and_the_file_column(folder):
    _, out, _ = pbm("score", folder, "--explain")
    assert "a_clean.xlsx" in out.split("自评得分复核")[1].split("\n")[4]  # the summary names the file
    assert "99.50" in out and "97.13" in out and "2.37" in out
    assert "分值 20.00  自评 20.00  复核 20.00" in out
    _, md, _ = pbm("score", folder, "-f", "md", "--explain")
    row = next(line for line in md.splitlines() if line.startswith("| ") and "b_inflated.xlsx" in line)
    assert "| 99.50 | 97.13 | 2.37 |" in row
    assert "| 15.00 | 15.00 | 12.63 |" in md


@pytest.mark.parametrize("make", ["missing", "text_only"])
def test_no_spreadsheet_is_a_usage_error_as_in_validate(tmp_path, make):
    path = tmp_path / "不存在.xlsx"
    if make == "text_only":
        path = tmp_path / "只有文本"
        path.mkdir()
        (path / "说明.txt").write_text("x", "utf-8")
    code, _, err = pbm("score", path)
    assert code == 2 and ("不存在" in err if make == "missing" else "没有找到可计分的表格文件" in err)
    assert pbm("validate", path)[0] == 2


def test_folder_without_a_selfeval_says_so_and_exits_zero(tmp_path):
    make_goal(tmp_path / "目标" / "g.xlsx")
    code, out, err = pbm("score", tmp_path / "目标", "-f", "json")
    assert code == 0 and json.loads(out)["summary"]["skipped"] == 1
    assert "没有找到绩效自评表" in err


@pytest.mark.parametrize(("unit", "short"), [
    ("示例县白沙乡人民政府", "示例县白沙乡"), ("中共示例县委员会办公室", "示例县委员会办公"), ("县卫健局", "县卫健局")])
def test_short_unit_for_sheet_names(unit, short):
    from pbmcli.cli.commands_score import short_unit

    assert short_unit(unit) == short


def test_xlsx_totals_show_two_decimals(tmp_path):
    import openpyxl
    from typer.testing import CliRunner

    from pbmcli.cli import app

    src = Path(__file__).resolve().parent.parent / "examples" / "submissions" / "2026" / "自评"
    out = tmp_path / "复核.xlsx"
    result = CliRunner().invoke(app, ["score", str(src), "--format", "xlsx", "-o", str(out), "-q"])
    assert result.exit_code in (0, 1), result.output
    sheet = openpyxl.load_workbook(out)["汇总"]
    header = sheets.header(sheet)
    total = sheet.cell(row=sheets.header_row(sheet) + 1, column=header.index("复核总分") + 1)
    assert total.number_format == "0.00"


def test_self_total_is_the_sum_of_self_scores_only_when_every_one_is_written(tmp_path, pack):
    """No 总分 score: the self total is the sum of the self-scores (the factory's clean form:
    9.5 for the execution + the indicators = 99.5); one blank self-score makes it unknown
    (数据不足, with the reason), never the sum of what is there."""
    from factory import SELFEVAL_INDICATORS, make_selfeval

    from pbmcli.readers import read_submission
    from pbmcli.scoring.total import score_submission

    whole = read_submission(make_selfeval(tmp_path / "a.xlsx", totals={"score": None}), pack.lexicon())
    res = score_submission(whole, pack)
    assert (res.self_total, res.self_total_source) == (99.5, "各项自评得分合计")
    blank = [dataclasses.replace(SELFEVAL_INDICATORS[0], score=None), *SELFEVAL_INDICATORS[1:]]
    part = read_submission(make_selfeval(tmp_path / "b.xlsx", totals={"score": None}, indicators=blank),
                           pack.lexicon())
    res = score_submission(part, pack)
    assert res.self_total is None and res.self_grade is None and res.self_total_source == ""
    assert any("有 1 项自评得分未填写，无法合计自评总分" in n for n in res.notes)


def test_data_insufficient_points_at_the_cell_that_is_missing(tmp_path, pack):
    """X307 '年度指标值为空' at the 指标值 cell, '分值为空' at the 分值 cell (were both at 完成值)."""
    from factory import SELFEVAL_INDICATORS, make_selfeval

    from pbmcli.readers import read_submission
    from pbmcli.scoring.total import score_submission

    inds = [dataclasses.replace(SELFEVAL_INDICATORS[0], target=None),
            dataclasses.replace(SELFEVAL_INDICATORS[1], weight=None), *SELFEVAL_INDICATORS[2:]]
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", indicators=inds), pack.lexicon())
    x307 = [f.cell for f in score_submission(sub, pack).findings if f.code == "X307"]
    first, second = sub.indicators[0], sub.indicators[1]
    assert x307 == [first.get("target").cell, second.get("weight").cell] == ["E13", "G14"]


def test_a_blank_template_has_no_self_total_not_zero_and_poor(tmp_path, pack):
    """The template's 总分 formula gives 0 over blank self-scores: that is nothing written (no
    自评总分, no 自评等级), not 0.00 and 差."""
    from pbmcli.forms import write_template
    from pbmcli.readers import read_submission
    from pbmcli.scoring.total import score_submission

    sub = read_submission(write_template("selfeval", tmp_path / "自评.xlsx"), pack.lexicon())
    res = score_submission(sub, pack)
    assert (res.self_total, res.self_grade, res.self_total_source) == (None, None, "")


def test_a_blank_self_score_on_a_met_qualitative_row_is_no_inflation(tmp_path, pack):
    """养护成果保持年限 achieved (达成年度指标, band 8–10 of 10) with its 得分 left blank: pbm scores
    it at the band's lower bound 8, so its total 98 is the least the rules give. The form's 总分
    100 is within what they could give (100): no X301 (自评虚高) error, only X308 at the blank cell."""
    from factory import SELFEVAL_INDICATORS, make_selfeval

    from pbmcli.readers import read_submission
    from pbmcli.scoring.total import score_submission

    inds = [*SELFEVAL_INDICATORS[:4],
            dataclasses.replace(SELFEVAL_INDICATORS[4], target="长期保持", actual="达成年度指标", score=None),
            SELFEVAL_INDICATORS[5]]
    sub = read_submission(make_selfeval(tmp_path / "a.xlsx", indicators=inds,
                                        totals={"weight": 100, "score": 100}), pack.lexicon())
    res = score_submission(sub, pack)
    codes = [f.code for f in res.findings]
    assert res.total == 97.5 and "X301" not in codes and "X308" in codes  # 9.5 + 20+15+15+20 + 8 + 10
    over = read_submission(make_selfeval(tmp_path / "b.xlsx", indicators=inds,
                                         totals={"weight": 100, "score": 103}), pack.lexicon())
    assert "X301" in [f.code for f in score_submission(over, pack).findings]  # above even the most
    from pbmcli.engine import check

    assert "S208" not in [f.code for f in check(sub, pack)]  # met: no deviation reason is owed
