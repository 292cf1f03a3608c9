"""Self-evaluation rules: exactly [(code, cell)] per planted mistake."""

from __future__ import annotations

import dataclasses

import pytest

from pbmcli.model import CellRef, ReadIssue


def test_clean_selfeval_has_no_findings(selfeval, run):
    assert run(selfeval()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # S201 执行率: 96 / 100 = 96 %, any common way of writing it
        ({"F6": "90%"}, [("S201", "F6")]),
        ({"F6": 0.96}, []),
        ({"F6": 96.0}, []),
        ({"F6": "96.00%"}, []),
        ({"F6": "95.99%"}, []),  # within 0.01 pp
        ({"F6": "95.98%"}, [("S201", "F6")]),
        ({"D6": 95.555, "G6": 9.56, "F6": "95.56%", "G17": 99.56}, []),  # rounded to the form's 2 dp
        ({"D6": 95.555, "G6": 9.56, "F6": "96%", "G17": 99.56}, []),  # rounded to 0 dp
        # S202 execution score
        ({"G6": 10.0, "G17": 100.0}, [("S202", "G6")]),
        # S203 / S204 / S210 weights
        ({"F16": 5.0, "G16": 5.0, "F17": 95.0, "G17": 94.6}, [("S203", "F17")]),
        ({"F12": 25.0, "G12": 25.0, "F15": 25.0, "G15": 25.0}, [("S204", "F12"), ("S204", "F15")]),
        ({"F17": 90.0}, [("S210", "F17")]),
        # S205 range (no second finding from S206 for the same cell)
        ({"G13": 18.0, "G17": 102.6}, [("S205", "G13")]),
        ({"G6": -1.0, "G17": 89.0}, [("S205", "G6")]),
        # S206 quantitative self-score
        ({"E12": "800人次"}, [("S206", "G12"), ("S208", "H12")]),
        ({"E12": "947人次", "G12": 18.9, "H12": "部分农户未参训", "G17": 98.5}, []),  # 18.94 shown as 18.9
        ({"E12": "947人次", "G12": 19.0, "H12": "部分农户未参训", "G17": 98.6}, [("S206", "G12")]),
        # S207 qualitative band
        ({"E14": "部分达成年度指标并具有一定效果", "H14": "进度滞后"}, [("S207", "G14")]),
        ({"E14": "部分达成年度指标并具有一定效果", "G14": 10.5, "H14": "进度滞后", "G17": 95.1}, []),
        ({"E14": "顺利推进"}, [("H190", "E14")]),  # cannot be banded: data insufficient
        # S208 reason
        ({"E13": "90%", "G13": 14.21, "G17": 98.81}, [("S208", "H13")]),
        ({"E13": "90%", "G13": 14.21, "G17": 98.81, "H13": "——"}, [("S208", "H13")]),
        ({"E13": "90%", "G13": 14.21, "G17": 98.81, "H13": "部分学员补考"}, []),
        # S209 total
        ({"G17": 95.0}, [("S209", "G17")]),
        ({"G17": 99.6}, []),
        # S211 / S212 actual value
        ({"E13": None}, [("S211", "E13")]),
        ({"E13": "/"}, [("S211", "E13")]),
        ({"E13": "90%-95%"}, [("S212", "E13")]),
        ({"E13": "待定"}, [("I110", "E13")]),
        # S213 blank numbers
        ({"G13": None}, [("S213", "G13")]),
        ({"D6": None}, [("S213", "D6")]),
        ({"F17": None}, [("S213", "F17")]),
        # F012 text where a number is required
        ({"F13": "十五"}, [("F012", "F13")]),
        # not applicable indicators are skipped, totals not checked
        ({"E13": "不适用", "G13": None, "G17": 84.6}, []),
        # budget 0: the rate cannot be computed -> one info finding at the budget cell
        ({"C6": 0.0}, [("H190", "C6")]),
    ],
)
def test_selfeval_rule_cases(selfeval, run, changes, expected):
    assert run(selfeval(changes)) == expected


def test_uncached_formula_is_one_finding(selfeval, run, uncached):
    sub = selfeval({"G17": uncached})
    issue = ReadIssue("formula_uncached", CellRef("自评表", "G17"), "", "")
    assert run(dataclasses.replace(sub, issues=(issue,))) == [("F005", "G17")]
    assert run(sub) == [("F005", "G17")]


def test_hidden_sheet_issue(selfeval, run):
    sub = selfeval(issues=(ReadIssue("hidden_sheet", CellRef("自评表", "A1"), "自评表", ""),))
    assert run(sub) == [("F010", "A1")]


def test_missing_funds_block_is_insufficient(selfeval, run):
    assert run(dataclasses.replace(selfeval(), funds={})) == [("H190", None)]


def test_score_mismatch_message_shows_formula(selfeval, national):
    from pbmcli.engine import check

    f = check(selfeval({"E12": "800人次"}), national)[0]
    assert (f.code, f.actual, f.expected) == ("S206", "20", "16")
    assert "800" in f.message and "1000" in f.message and "G12" in f.message


def test_reverse_mode_comes_from_the_pack(selfeval, national):
    from pbmcli.engine import check

    changes = {"D13": "≤5%", "E13": "6%", "G13": 12.5, "H13": "返工增加", "G17": 97.1}
    assert check(selfeval(changes), national) == []  # ratio: 5/6 × 15 = 12.5
    linear = dataclasses.replace(national, scoring=dataclasses.replace(
        national.scoring, reverse_mode="linear_penalty"))
    assert [(f.code, f.expected) for f in check(selfeval(changes), linear)] == [("S206", "12")]


def test_form_without_execution_weight_cell_uses_the_pack_points(selfeval, run):
    sub = selfeval()
    total = {k: v for k, v in sub.funds["annual"]["total"].items() if k != "weight"}
    funds = {**sub.funds, "annual": {**sub.funds["annual"], "total": total}}
    assert run(dataclasses.replace(sub, funds=funds)) == []
    short = selfeval({"F16": 5.0, "G16": 5.0, "F17": 95.0, "G17": 94.6})
    funds = {**short.funds, "annual": {**short.funds["annual"], "total": total}}
    assert run(dataclasses.replace(short, funds=funds)) == [("S203", "F17")]
