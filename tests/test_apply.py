"""Result application: suggestions by grade and unspent balances."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_ledger import make_score, make_sub

from pbmcli.cycle.apply import suggest, suggest_one
from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import Ledger


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


def test_apply_uses_each_projects_own_grade(tmp_path: Path, pack):
    """The project's recomputed grade decides (差 → 核减或取消 -50 %, 中 → 核减 -10 %), never the unit's."""
    from types import SimpleNamespace

    insufficient = SimpleNamespace(total=None, self_total=96.0, grade=None, self_grade="优", difference=None,
                                   execution=SimpleNamespace(rate=None, budget=None, spent=None))
    with Ledger.open(tmp_path / "l.sqlite", lambda: dt.datetime(2027, 2, 1)) as led:
        led.record_submission(make_sub("p1", "甲局", "项目差"), [], make_score(50.0, "差", 100.0, 95.0),
                              "2026", "A", "甲局")
        led.record_submission(make_sub("p2", "甲局", "项目中"), [], make_score(65.0, "中", 100.0, 95.0),
                              "2026", "A", "甲局")
        led.record_submission(make_sub("p3", "甲局", "项目优"), [], make_score(95.0, "优", 100.0, 95.0),
                              "2026", "A", "甲局")
        led.record_submission(make_sub("p4", "乙局", "数据不全"), [], insufficient, "2026", "B", "乙局")
        rows = {r.project: r for r in suggest(led, 2026, pack).rows}
    assert (rows["项目差"].action, rows["项目差"].change, rows["项目差"].suggested) == ("核减或取消", -50.0, 50.0)
    assert (rows["项目中"].action, rows["项目中"].suggested) == ("核减", 90.0)
    assert (rows["项目优"].action, rows["项目优"].suggested) == ("优先保障", 100.0)
    pending = rows["数据不全"]
    assert pending.action == "自评数据不全，待补正后确定" and pending.state == "insufficient"
    assert pending.grade_label == "数据不足" and "未自评" not in pending.action
