"""Cross-check of self-evaluations against approved goal declarations, on real workbooks."""

from __future__ import annotations

import dataclasses

import pytest

from pbmcli.readers import read_submission
from pbmcli.scoring.crosscheck import (
    GoalIndex,
    compare_indicators,
    crosscheck,
    indicator_key,
    normalise_name,
    project_key,
    same_value,
)
from pbmcli.scoring.report import score_paths
from pbmcli.values import parse_value

try:
    from tests.factory import FORM_SHEET, SELFEVAL_INDICATORS, Ind, make_goal, make_selfeval
except ImportError:  # tests/ itself on sys.path (pytest rootdir without __init__.py)
    from factory import (  # type: ignore[no-redef]
        FORM_SHEET,
        SELFEVAL_INDICATORS,
        Ind,
        make_goal,
        make_selfeval,
    )


def _inds(**changes: dict) -> list[Ind]:
    """The default self-evaluation indicators with some rows changed (by row index)."""
    out = list(SELFEVAL_INDICATORS)
    for index, change in changes.items():
        out[int(index.lstrip("i"))] = dataclasses.replace(out[int(index.lstrip("i"))], **change)
    return out


def _pair(tmp_path, selfeval=None, goal=None):
    s = read_submission(make_selfeval(tmp_path / "自评.xlsx", **(selfeval or {})))
    g = read_submission(make_goal(tmp_path / "目标.xlsx", **(goal or {})))
    return s, g


def test_clean_pair_matches_without_findings(tmp_path, pack):
    s, g = _pair(tmp_path)
    match = crosscheck(s, GoalIndex.of([g]), pack)
    assert match.goal is g
    assert match.findings == ()


def test_changed_target_points_at_both_cells(tmp_path, pack):
    s, g = _pair(tmp_path, selfeval={"indicators": _inds(i1={"target": "≥80%", "actual": "85%"})})
    found = crosscheck(s, GoalIndex.of([g]), pack).findings
    assert [f.code for f in found] == ["X313"]
    f = found[0]
    target_cell = next(i for i in s.indicators if i.name == "路面完好率").get("target").ref
    goal_cell = next(i for i in g.indicators if i.name == "路面完好率").get("target").ref
    assert (f.sheet, f.cell) == (target_cell.sheet, target_cell.cell)
    assert f.related == f"{g.path}!{goal_cell}"
    assert (f.expected, f.actual) == ("≥90%", "≥80%")
    assert "路面完好率" in f.message and f.severity.value == "error"


@pytest.mark.parametrize("spelling", ["不低于90%", "≥90％", "＞＝90%", "90%以上", "≥ 90 %"])
def test_mere_spelling_is_not_a_change(tmp_path, pack, spelling):
    s, g = _pair(tmp_path, selfeval={"indicators": _inds(i1={"target": spelling})})
    assert crosscheck(s, GoalIndex.of([g]), pack).findings == ()


def test_added_and_removed_indicators(tmp_path, pack):
    inds = _inds(i4={"name": "养护路段绿化率", "target": "≥60%", "actual": "70%"})
    s, g = _pair(tmp_path, selfeval={"indicators": inds})
    found = sorted(crosscheck(s, GoalIndex.of([g]), pack).findings, key=lambda f: f.code)
    assert [f.code for f in found] == ["X311", "X312"]
    added, removed = found
    assert added.actual == "养护路段绿化率" and added.cell is not None
    assert removed.expected == "养护成果保持年限"
    assert removed.related and removed.related.startswith(f"{g.path}!{FORM_SHEET}!")


def test_matching_by_department_and_normalised_names(tmp_path, pack):
    s, g = _pair(tmp_path, selfeval={"header": {"project": "农村公路 养护工程（2026）"}},
                 goal={"header": {"project": "农村公路养护工程(2026)", "unit": "另一个单位"}})
    match = crosscheck(s, GoalIndex.of([g]), pack)
    assert match.goal is g and "主管部门" in match.how


def test_no_goal_and_other_year(tmp_path, pack):
    s, g = _pair(tmp_path, goal={"year": 2025})
    match = crosscheck(s, GoalIndex.of([g]), pack)
    assert match.goal is None
    assert [f.code for f in match.findings] == ["X314"]
    assert "农村公路养护工程" in match.findings[0].message


def test_two_goals_are_ambiguous(tmp_path, pack):
    s, g = _pair(tmp_path, goal={"header": {"unit": "甲单位"}})
    g2 = read_submission(make_goal(tmp_path / "目标2.xlsx", header={"unit": "乙单位"}))
    match = crosscheck(s, GoalIndex.of([g, g2]), pack)
    assert match.goal is None and [f.code for f in match.findings] == ["X315"]


def test_exact_unit_wins_over_department(tmp_path, pack):
    s, g = _pair(tmp_path)
    other = read_submission(make_goal(tmp_path / "目标2.xlsx", header={"unit": "乙单位"}))
    assert crosscheck(s, GoalIndex.of([other, g]), pack).goal is g


def test_compare_ignores_midterm_block(tmp_path):
    s = read_submission(make_selfeval(tmp_path / "s.xlsx"))
    g = read_submission(make_goal(tmp_path / "g.xlsx", midterm=True,
                                  midterm_indicators=[Ind("产出指标", "数量指标", "三年养护里程", "≥300公里")]))
    assert compare_indicators(s, g) == []


def test_score_paths_with_goals(tmp_path, pack):
    (tmp_path / "in").mkdir()
    (tmp_path / "goals").mkdir()
    make_selfeval(tmp_path / "in" / "a.xlsx")
    make_selfeval(tmp_path / "in" / "b.xlsx", header={"project": "没有申报的项目"})
    make_goal(tmp_path / "goals" / "g.xlsx")
    make_goal(tmp_path / "goals" / "unused.xlsx", header={"project": "另一个项目"})
    make_selfeval(tmp_path / "goals" / "stray.xlsx")
    report = score_paths([tmp_path / "in"], pack, goals=[tmp_path / "goals"])
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in report.results}
    assert by_name["a.xlsx"].goal.endswith("g.xlsx")
    assert by_name["b.xlsx"].goal is None
    assert [f.code for f in by_name["b.xlsx"].findings] == ["X314"]
    info = report.goals
    assert [p.rsplit("/", 1)[-1] for p in info.unmatched] == ["b.xlsx"]
    assert [p.rsplit("/", 1)[-1] for p in info.unused] == ["unused.xlsx"]
    assert [(p.rsplit("/", 1)[-1], "不是绩效目标申报表" in r) for p, r in info.skipped] == [("stray.xlsx", True)]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("≥95%", "不低于95％", True), ("95%", "≥95%", True), ("≥95%", "≥96%", False),
    ("≥95%", "≤95%", False), ("≥95%", "≥95个", False), ("≥95", "≥95%", True),
    ("按时完成", "按时完成", True), ("按时完成", "效果明显", False), ("≥95%", "按时完成", False),
    ("0", "=0", True),
])
def test_same_value(a, b, same):
    assert same_value(parse_value(a), parse_value(b)) is same


def test_indicator_key():
    assert indicator_key("养护里程（公里）") == indicator_key("养护 里程") == "养护里程"
    assert indicator_key("（一）") == "一"


def test_renamed_with_unit_in_brackets_still_pairs(tmp_path, pack):
    s, g = _pair(tmp_path, selfeval={"indicators": _inds(i0={"name": "养护道路里程（公里）"})})
    assert crosscheck(s, GoalIndex.of([g]), pack).findings == ()


def test_project_key():
    assert project_key("2026年农村公路养护工程项目") == project_key("农村公路养护工程")
    assert project_key("2026年度 农村公路养护") == "农村公路养护"
    assert project_key("项目") == "项目"


def test_normalise_name():
    assert normalise_name(" 农村公路（养护）工程 ") == normalise_name("农村公路(养护)工程")
    assert normalise_name("“ABC”项目") == normalise_name("abc项目")
    assert normalise_name(None) == ""
