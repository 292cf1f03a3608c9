"""Goal-declaration and shared indicator-table rules: exactly [(code, cell)] per case."""

from __future__ import annotations

import dataclasses

import pytest

BLANK_ROW_14 = {"A14": None, "B14": None, "C14": None, "D14": None}
BLANK_ROW_16 = {"A16": None, "B16": None, "C16": None, "D16": None}


def test_clean_goal_has_no_findings(goal, run):
    assert run(goal()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # H: header
        ({"B2": None}, [("H101", "B2")]),
        ({"B10": None}, [("H101", "B10")]),
        ({"D3": "XX"}, [("H102", "D3")]),
        ({"B10": "略"}, [("H102", "B10")]),
        # G101/G102 funds
        ({"B9": 10.0}, [("G101", "B6")]),
        ({"B9": 20.005}, []),  # within funds_tolerance
        ({"B8": "——"}, []),  # a dash means zero in an optional amount
        ({"B8": "/", "B9": "20"}, []),
        ({"B6": None}, [("G102", "B6")]),
        ({"B7": "八十万"}, [("F012", "B7")]),
        # G103 coverage
        (BLANK_ROW_14, [("G103", "A12")]),
        (BLANK_ROW_16, [("G103", "A17")]),
        # G104 satisfaction
        ({"D17": "≥85%"}, [("G104", "D17")]),
        ({"D17": "≥95%"}, []),
        # G105 percent above 100
        ({"D13": "≥120%"}, [("G105", "D13")]),
        ({"C16": "参训农民收入增长率", "D16": "≥120%"}, []),
        # G106 cost with ≥
        ({"D15": "≥500元"}, [("G106", "D15")]),
        ({"C12": "培训经费", "D12": "≥10万元"}, [("G106", "D12")]),
        ({"C13": "经费保障率"}, []),  # a rate is no cost amount
        # G108 vague
        ({"D16": "有效提升"}, [("G108", "D16")]),
        ({"D16": "效果明显"}, []),
        # I101-I103 tree
        ({"A15": "费用指标"}, [("I101", "A15")]),
        ({"A12": "产出", "A13": "产出指标(50分)", "B14": "时 效", "B17": "服务对象满意度"}, []),
        ({"B15": "成本费用指标"}, [("I102", "B15")]),
        ({"B16": "数量指标"}, [("I103", "B16")]),  # at the 二级 cell that is misplaced
        ({"A15": "产出指标", "B15": "成本指标"}, []),  # 2015 tree accepted
        # I104-I108 names and values
        ({"C13": None}, [("I104", "C13")]),
        ({"D13": None}, [("I105", "D13")]),
        ({"D13": "/"}, [("I105", "D13")]),
        ({"D13": "95%"}, [("I106", "D13")]),
        ({"D12": "≥1000"}, [("I107", "D12")]),  # a count with no unit
        ({"D13": "≥95"}, []),  # 培训合格率: a rate's bare number is a percentage
        ({"D13": "90%-95%"}, [("I108", "D13")]),
        # I110 placeholders
        ({"D13": "≥XX%"}, [("I110", "D13")]),
        ({"C13": "***"}, [("I110", "C13")]),
        ({"D13": "待定"}, [("I110", "D13")]),
    ],
)
def test_goal_rule_cases(goal, run, changes, expected):
    assert run(goal(changes)) == expected


@pytest.mark.parametrize(
    "row18",
    [
        ("产出指标", "数量指标", "培训人数", "≥800人次"),  # same 一级/二级/三级
        ("产出指标", "质量指标", "培训人数", "≥1000人次"),  # same name + target
    ],
)
def test_duplicate_indicator_points_at_the_second_row(goal, run, row18):
    changes = dict(zip(("A18", "B18", "C18", "D18"), row18, strict=True))
    assert run(goal(changes, extra_rows=1)) == [("I109", "C18")]


def test_duplicate_message_names_both_cells(goal, national):
    from pbmcli.engine import check

    sub = goal({"A18": "产出指标", "B18": "数量指标", "C18": "培训人数", "D18": "≥1000人次"}, extra_rows=1)
    [f] = check(sub, national)
    assert "C12" in f.message and f.related == "目标申报表!C12"


@pytest.mark.parametrize(
    ("changes", "header", "expected"),
    [
        ({"B5": "是"}, {"new_project": "B5"}, [("G107", "B6")]),
        ({"B5": "新增", "D5": "已开展"}, {"new_project": "B5", "pre_assessment": "D5"}, []),
        ({"B5": "新增", "D5": "否"}, {"new_project": "B5", "pre_assessment": "D5"}, [("G107", "D5")]),
        ({"B4": "新增项目", "B6": 40.0, "B7": 20.0}, {}, []),  # below pre_assessment_min
        ({"B4": "新增项目", "B10": "已开展事前绩效评估。完成培训 1000 人次。"}, {}, []),
        ({"B4": "新增项目", "B10": "未开展事前评估。完成培训 1000 人次。"}, {}, [("G107", "B6")]),
    ],
)
def test_pre_assessment(goal, run, changes, header, expected):
    assert run(goal(changes, header=header)) == expected


def test_midterm_block_is_balanced_when_present(goal, run):
    mid = {"total": "F6", "appropriation": "F7", "other": "F9"}
    assert run(goal({"F6": 300.0, "F7": 200.0, "F9": 100.0}, midterm=mid)) == []
    assert run(goal({"F6": 300.0, "F7": 200.0, "F9": 50.0}, midterm=mid)) == [("G101", "F6")]
    assert run(goal({"F6": None, "F7": None, "F9": None}, midterm=mid)) == []  # empty block: n/a


def test_missing_funds_is_data_insufficient_not_a_pass(goal, run):
    sub = dataclasses.replace(goal(), funds={})
    assert run(sub) == [("H190", None)]


def test_no_indicators(goal, run):
    sub = dataclasses.replace(goal(), indicators=())
    assert run(sub) == [("H103", None)]  # the whole sheet, not a cell


def test_messages_name_cell_found_and_expected(goal, national):
    from pbmcli.engine import check

    [f] = check(goal({"D12": "≥1000"}), national)
    # a bare number is a warning (I107): it can still be compared, the unit is to be checked
    assert (f.code, f.severity.value) == ("I107", "warning")
    assert "工作表「目标申报表」D12" in f.message and "≥1000" in f.message
    assert f.actual == "≥1000" and f.expected == "≥1000＋单位（如 个、人次、户、万元）"
    [g] = check(goal({"B9": 10.0}), national)
    assert (g.actual, g.expected) == ("100", "90") and "相差 10 万元" in g.message


def test_thresholds_come_from_the_pack(goal, national):
    from pbmcli.engine import check

    strict = dataclasses.replace(national, goal=dataclasses.replace(national.goal, satisfaction_min=95.0))
    assert [f.code for f in check(goal(), strict)] == ["G104"]
    loose = dataclasses.replace(national, goal=dataclasses.replace(national.goal, percent_max=150.0))
    assert check(goal({"D13": "≥120%"}), loose) == []


def test_2015_style_satisfaction_under_benefit_is_accepted(goal, run, pack):
    # 88号-era forms put 服务对象满意度指标 under 效益指标: the 2015 tree accepts it and
    # coverage still counts it as 满意度
    assert run(goal({"A17": "效益指标"})) == []
    import dataclasses

    strict = dataclasses.replace(pack, indicator_tree=dataclasses.replace(pack.indicator_tree, accept_other=False))
    from pbmcli.engine import check

    assert [(f.code, f.cell) for f in check(goal({"A17": "效益指标"}), strict)] == [("I103", "B17")]


def test_operator_is_required_on_goal_forms_only(goal, selfeval, run):
    assert run(goal({"D13": "95%"})) == [("I106", "D13")]
    assert run(selfeval({"D13": "95%"})) == []  # copied from the approved goal; scored as ≥
