"""The label lexicon (readers/lexicon.toml), its [labels] additions from pbm.toml, and the
value spellings of real forms.  Expected values are written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.config import default_pack, load
from pbmcli.errors import ConfigError
from pbmcli.readers import read_submission
from pbmcli.readers.labels import builtin_lexicon, norm
from pbmcli.values import parse_value

runner = CliRunner()

# a small self-evaluation whose weight column is headed "考核权数" (a spelling pbm does not know)
ROWS = [
    ["项目支出绩效自评表"],
    ["项目名称", "道路养护", "", "", "", "", ""],
    ["主管部门", "县交通局", "", "", "实施单位", "县公路中心", ""],
    ["项目资金（万元）", "", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "年度资金总额", 100, 90, 10, "90%", 9],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "考核权数", "得分"],
    ["产出指标", "数量指标", "养护里程", "≥100公里", "80公里", 50, 40],
    ["效益指标", "社会效益指标", "通行条件改善", "效果明显", "达成年度指标", 30, 30],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", 10, 10],
    ["总分", "", "", "", "", 100, 89],
]


def _form(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in ROWS:
        ws.append([None if v == "" else v for v in row])
    wb.save(path)
    return path


def _validate(folder: Path, form: Path) -> dict:
    res = runner.invoke(app, ["validate", str(form), "-f", "json", "-q", "--config", str(folder / "pbm.toml")]
                        if (folder / "pbm.toml").exists() else ["validate", str(form), "-f", "json", "-q"])
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)


def test_every_section_of_the_lexicon_is_data(tmp_path: Path) -> None:
    lex = builtin_lexicon()
    assert lex.key("indicator", norm("全年实际值")) == "actual"
    assert lex.key("indicator", norm("指标内容")) == "name"
    assert lex.key("header", norm("主管部门及编码")) == "department"
    assert lex.key("header", norm("项目执行单位")) == "unit"
    assert lex.key("goals", norm("年度主要目标和成果")) == "annual"
    assert lex.key("fund_rows", norm("总额")) == "total"
    assert lex.key("fund_columns", norm("预算执行数")) == "spent"
    assert lex.key("indicator", norm("权重")) == "weight"
    assert lex.key("fund_rows", norm("上级补助")) == "superior"
    # patterns: label families no list could name one by one
    assert lex.key("header", norm("县级主管部门")) == "department"
    assert lex.key("header", norm("市级主管部门")) == "superior_department"
    assert lex.key("fund_rows", norm("其中：中央、省、市补助县级资金")) == "superior"
    assert lex.key("fund_rows", norm("补助资金拨付及时率")) is None  # an indicator, not a funds row
    assert lex.key("fund_rows", norm("（一）财政拨款小计")) == "appropriation"


@pytest.mark.parametrize(("written", "canonical"), [
    ("成本指标(0-20)分", "成本指标"), ("产 出 指 标", "产出指标"), ("服务对象满意度指标等", "服务对象满意度指标"),
    ("满意度指标（10分）", "满意度指标"), ("数量指标(必填硬性指标)", "数量指标"), ("项目产出", "产出指标"),
    ("效果指标", "效益指标"), ("社会效益\n指标", "社会效益指标"),
])
def test_level_names_with_decorations(written: str, canonical: str) -> None:
    assert builtin_lexicon().canon_level(written) == canonical


@pytest.mark.parametrize(("text", "leftover"), [
    ("……", True), ("指标1", True), ("指标2:", True), ("…", True), ("培训人数", False), ("88", False),
    # a row declaring the indicator does not apply is no indicator either
    ("本项目不适用此指标", True), ("该项目无此类指标", True), ("不涉及", True), ("无此项指标。", True),
    ("无公害农产品认证数", False), ("不适用人群覆盖率", False), ("本项目受益人数", False),
])
def test_template_leftovers(text: str, leftover: bool) -> None:
    assert builtin_lexicon().is_leftover(text) is leftover


@pytest.mark.parametrize(("text", "op", "number", "unit"), [
    ("≧90%", "≥", 90.0, "%"), ("≦5天", "≤", 5.0, "天"), ("═100%", "=", 100.0, "%"), ("＝100%", "=", 100.0, "%"),
    ("6.8万户", None, 68000.0, "户"), ("≥1.2万人次", "≥", 12000.0, "人次"), ("≤90万元", "≤", 90.0, "万元"),
    ("≥100百分比", "≥", 100.0, "%"),
])
def test_value_spellings(text: str, op: str | None, number: float, unit: str) -> None:
    v = parse_value(text)
    assert (v.operator.value if v.operator else None, v.number, v.unit) == (op, number, unit)


def test_date_periods_and_sentences_are_terms() -> None:
    assert parse_value("2023.07-2024.01").kind.value == "qualitative"
    assert parse_value("对学校2400平米体育场馆补贴5万元。").kind.value == "qualitative"
    assert parse_value("90%-95%").kind.value == "unparseable"


def test_unknown_column_label_is_listed_with_what_was_looked_for(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    form = _form(tmp_path / "自评.xlsx")
    res = runner.invoke(app, ["inspect", str(form), "-f", "json", "--config", str(tmp_path / "none.toml")])
    assert res.exit_code == 2 and "找不到" in res.output  # a named config that is missing is an error
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["inspect", str(form), "-f", "json"])
    assert res.exit_code == 0, res.output
    missing = {(m["section"], m["key"]): m for m in json.loads(res.stdout)["not_found"]}
    assert ("indicator", "weight") in missing
    assert missing[("indicator", "weight")]["looked_for"][:2] == ["分值", "权重"]
    table = runner.invoke(app, ["inspect", str(form)], env={"COLUMNS": "200"})
    assert "未找到的栏目" in table.output and "[labels.indicator] weight" in table.output


def test_a_label_added_in_pbm_toml_is_read(tmp_path: Path) -> None:
    form = _form(tmp_path / "自评.xlsx")
    plain = _validate(tmp_path, form)["files"][0]["findings"]
    assert not any(f["code"] == "S206" for f in plain)  # without the label no weight is read
    (tmp_path / "pbm.toml").write_text('[labels.indicator]\nweight = ["考核权数"]\n', "utf-8")
    assert load(cwd=tmp_path).lexicon().key("indicator", norm("考核权数")) == "weight"
    sub = read_submission(form, load(cwd=tmp_path).lexicon())
    assert [i.weight for i in sub.indicators] == [50.0, 30.0, 10.0]
    with_label = _validate(tmp_path, form)["files"][0]["findings"]
    # 80/100 × 50 = 40: the self-score 40 is right; nothing about the weights
    assert not any(f["code"] in ("S206", "S203", "S213") for f in with_label), with_label


def test_bad_labels_section_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pbm.toml").write_text('[labels.indicator]\nwieght = ["权数"]\n', "utf-8")
    with pytest.raises(ConfigError, match="wieght"):
        load(cwd=tmp_path)
    (tmp_path / "pbm.toml").write_text('[labels.indicator]\nweight = "权数"\n', "utf-8")
    with pytest.raises(ConfigError):
        load(cwd=tmp_path)


def test_default_pack_adds_no_labels() -> None:
    assert default_pack().lexicon() is builtin_lexicon()


def test_remembered_answers_are_per_lexicon() -> None:
    """The lexicon remembers what a label names; a pack's extended lexicon never reuses the
    built-in one's answers (a label unknown there is known here)."""
    from pbmcli.readers.labels import builtin_lexicon, lexicon_for, norm

    label = norm("年末实际完成")
    assert builtin_lexicon().key("indicator", label) is None
    assert builtin_lexicon().key("indicator", label) is None          # remembered, still None
    extended = lexicon_for({"indicator": {"actual": ["年末实际完成"]}})
    assert extended.key("indicator", label) == "actual"


@pytest.mark.parametrize(("section", "written", "key"), [
    # label variants met on published forms (tests/realworld), one per family
    ("header", "项目(专项)名称", "project"), ("header", "二级项目名称", "project"),
    ("header", "申报单位", "department"), ("header", "(一级)预算单位名称", "department"),
    ("header", "具体实施单位", "unit"), ("header", "*联系人", "contact"),
    ("goals", "*年度绩效总目标", "annual"), ("fund_rows", "预算申报数", "total"),
    ("fund_rows", "项目当年预算(万元)", "total"), ("fund_rows", "其中:同级财政资金", "appropriation"),
    ("fund_rows", "中央补助安排", "superior"), ("fund_rows", "2.市级资金", "appropriation"),
])
def test_label_families_of_published_forms(section: str, written: str, key: str) -> None:
    assert builtin_lexicon().key(section, norm(written)) == key


def test_a_required_field_mark_is_no_part_of_a_label_but_a_lone_star_stays() -> None:
    assert norm("*联系人") == "联系人" and norm("＊年度绩效总目标") == "年度绩效总目标"
    assert norm("***") == "***" and norm("*2") == "*2"
