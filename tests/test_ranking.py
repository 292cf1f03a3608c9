"""Ranking: month by execution, quarter/year composite, ties, change, groups, red/black, explain."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ledger import make_score, make_sub

from pbmcli.cycle.rank_explain import explain
from pbmcli.cycle.ranking import (
    RankRow,
    _sort_and_rank,
    change_label,
    competition_ranks,
    rank,
)
from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import Ledger
from pbmcli.ledger.units import Unit
from pbmcli.model import Finding, FormKind, Severity

UNITS = [Unit("A", "甲局", category="部门"), Unit("B", "乙局", category="部门"),
         Unit("C", "丙镇", category="乡镇"), Unit("D", "丁镇", category="乡镇")]


@pytest.fixture
def ledger(tmp_path: Path):
    with Ledger.open(tmp_path / "pbm.sqlite", lambda: dt.datetime(2026, 11, 5)) as led:
        led.upsert_units(UNITS)
        yield led


def put_month(ledger: Ledger, period: str, spent: dict[str, float], budget: float = 100.0) -> None:
    names = {u.code: u.name for u in UNITS}
    rows = [ExecutionRow(c, names[c], "项目", budget, s) for c, s in spent.items()]
    ledger.record_execution(period, rows, f"src-{period}")


def ranks(result) -> dict[str, int]:
    return {r.code: r.rank for r in result.rows()}


def test_competition_ranks():
    assert competition_ranks([(-9,), (-8,), (-8,), (-5,)]) == [1, 2, 2, 4]
    assert competition_ranks([(-1,), (-1,), (-1,)]) == [1, 1, 1]


def test_month_ranks_by_execution_with_ties(ledger: Ledger, pack):
    put_month(ledger, "2026-06", {"A": 60.0, "B": 40.0, "C": 40.0, "D": 10.0})  # time progress 50
    res = rank(ledger, "2026-06", pack)
    assert ranks(res) == {"A": 1, "B": 2, "C": 2, "D": 4}
    row = {r.code: r for r in res.rows()}
    assert row["A"].score == 100.0  # capped
    assert row["B"].score == 80.0 and row["B"].figures["rate"] == 40.0
    assert row["D"].figures["gap"] == -40.0
    assert res.to_dict()["groups"][0]["rows"][0]["dimensions"] == {"execution": 100.0}
    assert res.to_dict()["kind"] == "month"


def test_capped_scores_tie_broken_by_rate(ledger: Ledger, pack):
    put_month(ledger, "2026-06", {"A": 60.0, "B": 90.0, "C": 55.0, "D": 10.0})
    assert ranks(rank(ledger, "2026-06", pack)) == {"B": 1, "A": 2, "C": 3, "D": 4}


def test_tie_break_setting_decides(pack):
    rows = [RankRow("B", "乙", "B", "g", 80.0, {"execution": 70.0}),
            RankRow("A", "甲", "A", "g", 80.0, {"execution": 90.0}),
            RankRow("C", "丙", "C", "g", 80.0, {"execution": 90.0})]
    by_exec = _sort_and_rank(rows, pack)["g"]
    assert [(r.code, r.rank) for r in by_exec] == [("A", 1), ("C", 1), ("B", 3)]
    only_code = dataclasses.replace(pack, rank=dataclasses.replace(pack.rank, tie_break=("score", "code")))
    assert [(r.code, r.rank) for r in _sort_and_rank(rows, only_code)["g"]] == [("A", 1), ("B", 1), ("C", 1)]


@pytest.mark.parametrize(("change", "text"), [(2, "↑2"), (-1, "↓1"), (0, "—"), (None, "新")])
def test_change_label(change, text):
    assert change_label(change) == text


def test_change_against_previous_month(ledger: Ledger, pack):
    put_month(ledger, "2026-05", {"A": 10.0, "B": 30.0, "C": 20.0})
    put_month(ledger, "2026-06", {"A": 45.0, "B": 20.0, "C": 30.0, "D": 25.0})
    res = rank(ledger, "2026-06", pack)
    # May: B 1st, C 2nd, A 3rd. June: A 1st, C 2nd, D 3rd, B 4th.
    assert {r.code: r.change for r in res.rows()} == {"A": 2, "B": -3, "C": 0, "D": None}
    rows = res.to_dict()["groups"][0]["rows"]
    assert {r["code"]: r["change_text"] for r in rows} == {"A": "↑2", "B": "↓3", "C": "—", "D": "新"}


def test_groups_by_category(ledger: Ledger, pack):
    grouped = dataclasses.replace(pack, rank=dataclasses.replace(pack.rank, group_by="category", top=1, bottom=1))
    # 序时进度 50 %: gaps A -40 (red warning), B +2, C -3 (no warning), D +10
    put_month(ledger, "2026-06", {"A": 10.0, "B": 52.0, "C": 47.0, "D": 60.0})
    res = rank(ledger, "2026-06", grouped)
    d = res.to_dict()
    assert [g["group"] for g in d["groups"]] == ["乡镇", "部门"]
    assert [[r["code"] for r in g["rows"]] for g in d["groups"]] == [["D", "C"], ["B", "A"]]
    assert [r["rank"] for g in d["groups"] for r in g["rows"]] == [1, 2, 1, 2]
    # 红榜 per group: on schedule; 黑榜: under a warning (C is behind but not warned)
    assert [r["code"] for r in d["red"]] == ["D", "B"] and [r["code"] for r in d["black"]] == ["A"]
    assert d["list_notes"] == {"red": "", "black": ""}


def test_missing_units_and_red_black(ledger: Ledger, pack):
    small = dataclasses.replace(pack, rank=dataclasses.replace(pack.rank, top=1, bottom=1))
    put_month(ledger, "2026-06", {"A": 10.0, "B": 20.0, "C": 30.0})
    d = rank(ledger, "2026-06", small).to_dict()
    assert d["missing"] == [{"unit": "丁镇", "code": "D"}]
    # nobody on schedule (序时进度 50 %, rates 10/20/30): no 红榜, and the JSON says why
    assert d["red"] == [] and [r["code"] for r in d["black"]] == ["A"]
    assert d["list_notes"]["red"] == "本月没有执行率达到序时进度的单位，红榜空缺。"
    assert d["list_rules"]["black"] == "执行率低于序时进度5个百分点以上、受到预警"
    assert d["interview"] == []
    assert set(d) == {"tool", "version", "period", "kind", "groups", "red", "black", "interview",
                      "list_rules", "list_notes", "missing", "weights", "notes"}
    assert set(d["groups"][0]["rows"][0]) == {"rank", "unit", "code", "score", "dimensions", "change", "change_text"}


def test_quarter_execution_is_mean_of_months(ledger: Ledger, pack):
    spent = {"2026-07": {"A": 30.0, "B": 58.0}, "2026-08": {"A": 60.0, "B": 60.0},
             "2026-09": {"A": 75.0, "B": 60.0}}
    for period, values in spent.items():
        put_month(ledger, period, values)
    res = rank(ledger, "2026Q3", pack)
    # by hand: a month's score = min(执行率 ÷ 序时进度 × 100, 100); 序时进度 7/12, 8/12, 9/12
    # A: 30/58.333 = 51.4286, 60/66.667 = 90, 75/75 = 100 → mean 80.4762
    # B: 58/58.333 = 99.4286, 60/66.667 = 90, 60/75 = 80 → mean 89.8095
    for code, expected in (("A", 80.4762), ("B", 89.8095)):
        row = next(r for r in res.rows() if r.code == code)
        assert row.dimensions["execution"] == pytest.approx(expected, abs=0.005)
        assert row.score == row.dimensions["execution"]  # execution is the only dimension with data
    assert ranks(res) == {"B": 1, "A": 2}


def test_a_month_without_a_row_or_a_budget_scores_zero(ledger: Ledger, pack):
    ledger.record_execution("2026-07", [ExecutionRow("A", "甲局", "项目", 100.0, 35.0),
                                        ExecutionRow("B", "乙局", "项目", 0.0, 5.0)], "src-07")
    put_month(ledger, "2026-08", {"B": 40.0})  # 甲局 has no row in August
    put_month(ledger, "2026-09", {"A": 75.0, "B": 60.0})
    res = rank(ledger, "2026Q3", pack)
    # by hand, 序时进度 58.333 / 66.667 / 75:
    # A: 35/58.333 = 60, August 0, 75/75 = 100 → (60 + 0 + 100) / 3 = 53.33
    # B: no budget in July 0, 40/66.667 = 60, 60/75 = 80 → (0 + 60 + 80) / 3 = 46.67
    assert {r.code: r.dimensions["execution"] for r in res.rows()} == {"A": 53.33, "B": 46.67}
    assert res.details["A"]["execution"] == pytest.approx({"2026-07": 60.0, "2026-08": 0.0, "2026-09": 100.0})
    assert res.details["B"]["execution"] == pytest.approx({"2026-07": 0.0, "2026-08": 60.0, "2026-09": 80.0})
    assert list(res.details["A"]["execution"]) == ["2026-07", "2026-08", "2026-09"]
    assert ranks(res) == {"A": 1, "B": 2}


def test_year_execution_is_mean_of_quarters(ledger: Ledger, pack):
    put_month(ledger, "2026-03", {"A": 25.0})  # Q1: score 100
    for m, s in ((7, 29.1667), (8, 33.3333), (9, 37.5)):  # Q3: each month at half time progress → 50
        put_month(ledger, f"2026-{m:02d}", {"A": s})
    row = rank(ledger, "2026", pack).rows()[0]
    assert row.dimensions["execution"] == pytest.approx(75.0, abs=0.01)  # mean(100, 50), not mean of 4 months


def test_last_month_mode(ledger: Ledger, pack):
    last = dataclasses.replace(pack, rank=dataclasses.replace(pack.rank, quarter_execution="last"))
    put_month(ledger, "2026-07", {"A": 10.0})
    put_month(ledger, "2026-09", {"A": 75.0})
    assert rank(ledger, "2026Q3", last).rows()[0].dimensions["execution"] == 100.0


def _composite_ledger(ledger: Ledger) -> None:
    put_month(ledger, "2026-09", {"A": 75.0, "B": 37.5})  # A 100, B 50
    err = Finding("G101", Severity.ERROR, "资金总额不平衡", sheet="目标表", cell="C8")
    warn = Finding("G120", Severity.WARNING, "指标值偏低", sheet="目标表", cell="F12")
    ledger.record_submission(make_sub("g1", "甲局", kind=FormKind.GOAL), [err, warn], None, "2026", "A", "甲局")
    ledger.record_submission(make_sub("g2", "乙局", kind=FormKind.GOAL), [], None, "2026", "B", "乙局")
    ledger.record_submission(make_sub("s1", "甲局"), [], make_score(90.0, "优"), "2026Q3", "A", "甲局")
    ledger.record_submission(make_sub("s2", "乙局"), [], make_score(70.0, "中"), "2026Q3", "B", "乙局")
    ledger.add_rectification(unit_code="A", unit_name="甲局", problem="问题1", deadline="2026-08-31",
                             status="done", done_at="2026-08-30")
    ledger.add_rectification(unit_code="B", unit_name="乙局", problem="问题2", deadline="2026-08-31")


def test_quarter_composite_and_explain(ledger: Ledger, pack):
    _composite_ledger(ledger)
    res = rank(ledger, "2026Q3", pack)
    row = {r.code: r for r in res.rows()}
    assert row["A"].dimensions == {"execution": 100.0, "goal_quality": 88.0, "selfeval": 90.0,
                                   "rectification": 100.0, "timeliness": 50.0}
    # timeliness 50: the goal (due 2027-01-10) is on time, the Q3 self-evaluation recorded
    # 2026-11-05 is after 2026-09-30 + grace_days
    assert row["B"].dimensions["rectification"] == 0.0 and row["B"].dimensions["goal_quality"] == 100.0
    w = pack.rank.weights
    expected_a = (100 * w["execution"] + 88 * w["goal_quality"] + 90 * w["selfeval"]
                  + 100 * w["rectification"] + 50 * w["timeliness"]) / sum(w.values())
    assert row["A"].score == pytest.approx(expected_a, abs=0.01)
    assert ranks(res) == {"A": 1, "B": 2}
    assert [m["code"] for m in res.missing] == ["C", "D"]
    info = explain(res, "甲局", ledger)
    assert sum(d["points"] for d in info["dimensions"]) == pytest.approx(row["A"].score, abs=0.02)
    assert {f["code"] for f in info["findings"]} == {"G101", "G120"}


def test_timeliness_late_submission(tmp_path: Path, pack):
    late_clock = lambda: dt.datetime(2027, 3, 1)  # noqa: E731
    with Ledger.open(tmp_path / "l.sqlite", late_clock) as led:
        led.upsert_units(UNITS[:2])
        led.record_submission(make_sub("s1", "甲局"), [], make_score(80.0), "2026Q3", "A", "甲局")
    with Ledger.open(tmp_path / "l.sqlite", lambda: dt.datetime(2026, 10, 5)) as led:
        led.record_submission(make_sub("s2", "乙局"), [], make_score(80.0), "2026Q3", "B", "乙局")
        row = {r.code: r for r in rank(led, "2026Q3", pack).rows()}
    assert row["A"].dimensions["timeliness"] == 0.0 and row["B"].dimensions["timeliness"] == 100.0


def test_explain_unknown_unit(ledger: Ledger, pack):
    from pbmcli.errors import UsageError

    put_month(ledger, "2026-06", {"A": 10.0})
    with pytest.raises(UsageError, match="没有单位"):
        explain(rank(ledger, "2026-06", pack), "不存在")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=30))
def test_competition_rank_is_one_plus_strictly_better(scores: list[int]):
    keys = sorted((-s,) for s in scores)
    got = competition_ranks(keys)
    assert got == [1 + sum(1 for other in keys if other < k) for k in keys]


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=1, max_size=12),
       rnd=st.randoms())
def test_ranking_ignores_input_order(values, rnd, pack):
    def rows():
        return [RankRow(f"K{i:02d}", f"单位{i}", f"C{i:02d}", "g", float(s), {"execution": float(e)})
                for i, (s, e) in enumerate(values)]

    first = [(r.code, r.rank) for r in _sort_and_rank(rows(), pack)["g"]]
    shuffled = rows()
    rnd.shuffle(shuffled)
    assert [(r.code, r.rank) for r in _sort_and_rank(shuffled, pack)["g"]] == first


# --------------------------------------------------------------------------- missing-data policy


def _insufficient_score():
    """A self-evaluation whose recomputed total could not be computed (数据不足)."""
    from types import SimpleNamespace

    return SimpleNamespace(total=None, self_total=95.0, grade=None, self_grade="优", difference=None,
                           execution=SimpleNamespace(rate=None, budget=None, spent=None))


def test_rectification_counts_only_items_due_by_today(tmp_path: Path, pack):
    # today 2026-11-22, year 2026: an item due 2026-12-15 is not yet due (neutral, not 0);
    # an item imported as 已整改 without a completion date counts as done on time
    with Ledger.open(tmp_path / "l.sqlite", lambda: dt.datetime(2026, 11, 22)) as led:
        led.upsert_units(UNITS[:3])
        put_month(led, "2026-09", {"A": 75.0, "B": 75.0, "C": 75.0})  # all 100
        led.add_rectification(unit_code="A", unit_name="甲局", problem="未来到期", deadline="2026-12-15")
        led.add_rectification(unit_code="B", unit_name="乙局", problem="已整改无日期", deadline="2026-08-31",
                              status="done")
        led.add_rectification(unit_code="C", unit_name="丙镇", problem="逾期", deadline="2026-09-30")
        res = rank(led, "2026", pack)
        row = {r.code: r for r in res.rows()}
        info = explain(res, "甲局", led)
    assert row["A"].dimensions["rectification"] is None and "rectification" in row["A"].neutral
    assert row["A"].score == 100.0  # re-weighted over execution only, not 0 points
    assert row["B"].dimensions["rectification"] == 100.0 and row["B"].score == 100.0
    assert row["C"].dimensions["rectification"] == 0.0 and row["C"].score == pytest.approx(80.0)
    rect = next(d for d in info["dimensions"] if d["dimension"] == "rectification")
    assert rect["weight"] == 0.0 and "无到期整改事项" in rect["basis"]
    assert sum(d["weight"] for d in info["dimensions"]) == pytest.approx(100.0)
    assert sum(d["points"] for d in info["dimensions"]) == pytest.approx(row["A"].score, abs=0.02)


def test_an_item_overdue_since_last_quarter_counts_in_this_one(tmp_path: Path, pack):
    """The Q3 notice names every item due by 30 September and not done (rectify.missed); the Q3
    ranking counts the same ones: 甲局's item due 15 April and still open scores 0, not "本期无到期
    整改事项"; 乙局's April item, done late in May, is closed and not counted again (neutral)."""
    from pbmcli.cycle.rectify import missed
    from pbmcli.period import Period

    with Ledger.open(tmp_path / "l.sqlite", lambda: dt.datetime(2026, 11, 22)) as led:
        led.upsert_units(UNITS[:3])
        put_month(led, "2026-09", {"A": 75.0, "B": 75.0, "C": 75.0})  # execution 100 each
        led.add_rectification(unit_code="A", unit_name="甲局", problem="上季逾期", deadline="2026-04-15")
        led.add_rectification(unit_code="B", unit_name="乙局", problem="上季迟办", deadline="2026-04-15",
                              status="done", done_at="2026-05-01")
        led.add_rectification(unit_code="C", unit_name="丙镇", problem="本季按期", deadline="2026-08-31",
                              status="done", done_at="2026-08-30")
        res = rank(led, "2026Q3", pack)
        named = {r.unit_code for r in missed(led, Period.parse("2026Q3"))}
    row = {r.code: r for r in res.rows()}
    assert named == {"A"}
    # by hand: execution 50 and rectification 12.5 have data → 80 % / 20 %
    assert row["A"].dimensions["rectification"] == 0.0 and row["A"].score == 80.0
    assert row["B"].dimensions["rectification"] is None and row["B"].score == 100.0
    assert row["C"].dimensions["rectification"] == 100.0 and row["C"].score == 100.0


def test_insufficient_selfeval_is_pending_not_zero(ledger: Ledger, pack):
    put_month(ledger, "2026-09", {"A": 75.0, "B": 75.0, "C": 75.0})
    ledger.record_submission(make_sub("s1", "甲局"), [], _insufficient_score(), "2026", "A", "甲局")
    ledger.record_submission(make_sub("s2", "乙局"), [], make_score(80.0), "2026", "B", "乙局")
    res = rank(ledger, "2026", pack)
    row = {r.code: r for r in res.rows()}
    assert row["A"].dimensions["selfeval"] is None and "数据不足" in row["A"].neutral["selfeval"]
    assert row["B"].dimensions["selfeval"] == 80.0
    assert row["C"].dimensions["selfeval"] == 0.0  # did not submit: 0, the documented policy
    basis = {d["dimension"]: d["basis"] for d in explain(res, "甲局", ledger)["dimensions"]}
    assert "数据不足" in basis["selfeval"] and "0 分" not in basis["selfeval"]
    assert "自评表按时报送" in basis["timeliness"]
    assert any("—" in n for n in res.notes())


def test_dropped_dimension_is_noted_and_display_weights_sum_to_100(ledger: Ledger, pack):
    from pbmcli.cycle.ranking import display_weights

    # by hand: 40/20/20/10 of 90 = 44.44…, 22.22…, 22.22…, 11.11… → tenths 444 + 222 + 222 + 111 = 999;
    # the one tenth left goes to the largest remainder (44.44…): 44.5 / 22.2 / 22.2 / 11.1
    shown = display_weights({"execution": 40.0, "goal_quality": 20.0, "selfeval": 20.0, "timeliness": 10.0})
    assert shown == {"execution": "44.5", "goal_quality": "22.2", "selfeval": "22.2", "timeliness": "11.1"}
    assert sum(float(v) for v in shown.values()) == pytest.approx(100.0)
    # two equal weights of 12.5 % stay equal (were shown 13 % and 12 %)
    assert display_weights({"execution": 50.0, "goal_quality": 25.0, "rectification": 12.5, "timeliness": 12.5}) == {
        "execution": "50", "goal_quality": "25", "rectification": "12.5", "timeliness": "12.5"}
    put_month(ledger, "2026-09", {"A": 75.0, "B": 37.5})
    res = rank(ledger, "2026Q3", pack)
    assert res.dropped == ["goal_quality", "selfeval", "rectification", "timeliness"]
    assert res.notes() and "按期整改" in res.notes()[0] and "执行进度 100%" in res.notes()[0]
    assert res.to_dict()["weights"] == {"execution": 100.0}


def test_a_ranking_workbook_without_the_cli(ledger: Ledger, pack, tmp_path: Path):
    """Library use: the ranking workbook is core work (pbmcli.cycle.exports), no CLI import needed."""
    import openpyxl

    from pbmcli.cycle.exports import rank_sheets
    from pbmcli.outputs import write_xlsx

    put_month(ledger, "2026-06", {"A": 10.0, "B": 20.0, "C": 30.0})
    path = write_xlsx(tmp_path / "排名.xlsx", rank_sheets(rank(ledger, "2026-06", pack)), force=False)
    wb = openpyxl.load_workbook(path)
    assert {"红榜", "黑榜", "未报送"} <= set(wb.sheetnames)
    # by hand: 序时进度 6/12 = 50%; 丙镇 30/50 → 60, 乙局 20/50 → 40, 甲局 10/50 → 20 (one group:
    # the national pack does not split 部门 and 乡镇)
    assert wb.sheetnames[0] == "全部单位"
    rows = list(wb["全部单位"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3]) for r in rows] == [(1, "丙镇", 60), (2, "乙局", 40), (3, "甲局", 20)]
    assert [r[1] for r in wb["未报送"].iter_rows(min_row=2, values_only=True)] == ["D"]


# ------------------------------------------------------------------ periods (issue 11, item 4)


def _at(path: Path, day: dt.date) -> Ledger:
    return Ledger.open(path, lambda: dt.datetime.combine(day, dt.time(9)))


def test_year_end_selfeval_is_not_in_quarter_rankings(tmp_path: Path, pack):
    db = tmp_path / "l.sqlite"
    with _at(db, dt.date(2026, 1, 20)) as led:
        led.upsert_units(UNITS[:2])
        led.record_submission(make_sub("g1", "甲局", kind=FormKind.GOAL), [], None, "2026", "A", "甲局")
        led.record_submission(make_sub("g2", "乙局", kind=FormKind.GOAL), [], None, "2026", "B", "乙局")
    for m in (1, 2, 3, 7, 8, 9):
        with _at(db, dt.date(2026, m, 28)) as led:
            put_month(led, f"2026-{m:02d}", {"A": 50.0, "B": 40.0})
    with _at(db, dt.date(2026, 11, 5)) as led:
        before = {p: rank(led, p, pack).to_dict() for p in ("2026Q1", "2026Q3")}
    with _at(db, dt.date(2026, 12, 20)) as led:   # a re-sent goal form, after the Q3 cut-off (10 Oct)
        err = Finding("G103", Severity.ERROR, "资金不平衡")
        led.record_submission(make_sub("g2b", "乙局", kind=FormKind.GOAL), [err], None, "2026", "B", "乙局")
    with _at(db, dt.date(2027, 1, 25)) as led:   # year-end self-evaluations
        led.record_submission(make_sub("s1", "甲局"), [], make_score(60.0, "中"), "2026", "A", "甲局")
        led.record_submission(make_sub("s2", "乙局"), [], make_score(98.0, "优"), "2026", "B", "乙局")
        after = {p: rank(led, p, pack).to_dict() for p in ("2026Q1", "2026Q3")}
        year = rank(led, "2026", pack)
    for p in ("2026Q1", "2026Q3"):
        assert "selfeval" not in after[p]["weights"]
        assert after[p]["groups"] == before[p]["groups"], p   # same scores, ranks, dimensions
    # the year ranking counts them: A's self-evaluation 60, B's 98; B's goal form now has an error
    rows = {r.code: r for r in year.rows()}
    assert rows["A"].dimensions["selfeval"] == 60.0 and rows["B"].dimensions["selfeval"] == 98.0
    assert rows["B"].dimensions["goal_quality"] == 90.0   # 100 - 10 × 1 error


def test_notice_and_ranking_share_the_rectification_cutoff(tmp_path: Path, pack):
    from pbmcli.render.loader import overdue_list

    db = tmp_path / "l.sqlite"
    with _at(db, dt.date(2026, 7, 1)) as led:
        led.upsert_units(UNITS[:2])
        for m in (7, 8, 9):
            put_month(led, f"2026-{m:02d}", {"A": 60.0, "B": 60.0})
        led.add_rectification(unit_code="A", unit_name="甲局", problem="目标未细化", deadline="2026-09-15")
        led.add_rectification(unit_code="B", unit_name="乙局", problem="资金闲置", deadline="2026-10-15")
    with _at(db, dt.date(2026, 11, 20)) as led:   # a Q3 notice issued in November
        res = rank(led, "2026Q3", pack)
        listed = overdue_list(led, "2026Q3")
    # by hand: the Q3 cut-off is 30 September; only A's item (15 Sep) is due by then
    rows = {r.code: r for r in res.rows()}
    assert rows["A"].dimensions["rectification"] == 0.0
    assert rows["B"].dimensions["rectification"] is None      # nothing due in Q3: neutral
    assert [i["unit"] for i in listed] == ["甲局"]              # B's item (15 Oct) is Q4's business
