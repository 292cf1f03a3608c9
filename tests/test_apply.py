"""Result application: suggestions by grade and unspent balances."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_ledger import make_score, make_sub

from pbmcli.apply import suggest, suggest_one
from pbmcli.ledger import ExecutionRow, Ledger


@pytest.mark.parametrize(("grade", "action", "suggested"), [
    ("优", "优先保障", 100.0), ("良", "维持", 100.0), ("中", "核减", 90.0), ("差", "核减或取消", 50.0),
    (None, "未自评：先完成自评再安排", 100.0)])
def test_policy_by_grade(grade, action, suggested, pack):
    s = suggest_one("甲", "1", "项目", grade, 80.0, 100.0, 95.0, pack)
    assert (s.action, s.suggested, s.large_balance) == (action, suggested, False)


def test_large_unspent_balance_is_flagged_and_cut(pack):
    s = suggest_one("甲", "1", "项目", "良", 85.0, 200.0, 100.0, pack)  # 50 % unspent
    assert s.large_balance and s.unspent == 100.0
    assert s.suggested == pytest.approx(200.0 - 100.0 * pack.apply.unspent_cut_ratio / 100)
    assert "结余" in s.note
    small = suggest_one("甲", "1", "项目", "良", 85.0, 200.0, 170.0, pack)  # 15 % < 20 %
    assert not small.large_balance


def test_suggest_from_ledger(tmp_path: Path, pack):
    with Ledger.open(tmp_path / "l.sqlite", lambda: dt.datetime(2027, 2, 1)) as led:
        led.record_submission(make_sub("s1", "甲局", "项目A"), [], make_score(65.0, "中", 100.0, 90.0),
                              "2026", "A", "甲局")
        led.record_execution("2026-12", [ExecutionRow("A", "甲局", "项目A", 100.0, 90.0),
                                         ExecutionRow("B", "乙局", "项目B", 50.0, 10.0)], "x")
        res = suggest(led, 2026, pack)
    d = res.to_dict()
    assert [(r["code"], r["project"], r["grade"]) for r in d["rows"]] == [("A", "项目A", "中"), ("B", "项目B", None)]
    assert d["rows"][0]["suggested"] == 90.0
    assert d["rows"][1]["large_balance"] and d["rows"][1]["unspent"] == 40.0
