"""红榜 / 黑榜 / 约谈: the one decision (cycle.honours.decide), by hand and as properties."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbmcli.config import RulePack
from pbmcli.cycle.honours import Entry, decide
from pbmcli.errors import ConfigError


def _rank(pack: RulePack, **kw: object) -> RulePack:
    return dataclasses.replace(pack, rank=dataclasses.replace(pack.rank, **kw))


def _entries(scores: list[float], gaps: list[float | None] | None = None, group: str = "全部单位") -> list[Entry]:
    """Rows in rank order; equal scores share a rank (competition ranking)."""
    out: list[Entry] = []
    for i, s in enumerate(scores):
        rank = out[-1].rank if out and out[-1].score == s else i + 1
        out.append(Entry(f"{group}{i}", f"单位{group}{i}", group, rank, s, gaps[i] if gaps else None))
    return out


def _units(entries: tuple[Entry, ...]) -> list[str]:
    return [e.key for e in entries]


def test_month_praises_only_units_on_schedule(pack: RulePack) -> None:
    # nobody at 序时进度: no 红榜, said in words; 黑榜 only under a warning (gap < -5)
    rows = _entries([95.0, 90.0, 88.0, 70.0], [-4.0, -8.0, -9.9, -25.0])
    h = decide("month", {"全部单位": rows}, pack)
    assert h.red == () and h.red_note == "本月没有执行率达到序时进度的单位，红榜空缺。"
    assert _units(h.black) == ["全部单位1", "全部单位2", "全部单位3"]
    assert h.black_note == "" and h.interview == ()


def test_month_black_level_setting(pack: RulePack) -> None:
    rows = _entries([100.0, 97.0, 90.0, 70.0], [3.0, -2.0, -8.0, -25.0])
    assert _units(decide("month", {"g": rows}, _rank(pack, month_black_level="red")).black) == ["全部单位3"]
    behind = decide("month", {"g": rows}, _rank(pack, month_black_level="behind"))
    assert _units(behind.black) == ["全部单位1", "全部单位2", "全部单位3"]
    assert _units(behind.red) == ["全部单位0"]
    ahead = decide("month", {"g": rows}, _rank(pack, month_red_min_gap=5.0))
    assert ahead.red == () and "高于序时进度5个百分点及以上" in ahead.red_note


def test_quarter_uses_grades_and_counts(pack: RulePack) -> None:
    # 优 ≥ 90, 良 [80, 90), 中 [60, 80), 差 < 60
    rows = _entries([96.0, 93.0, 91.0, 90.0, 89.99, 85.0, 79.99, 60.0, 59.0])
    h = decide("quarter", {"全部单位": rows}, _rank(pack, top=3, bottom=2))
    assert _units(h.red) == ["全部单位0", "全部单位1", "全部单位2"]          # 90.0 is 优 but 4th
    assert _units(h.black) == ["全部单位7", "全部单位8"]                    # never 89.99 (良)
    assert [i.entry.key for i in h.interview] == ["全部单位7", "全部单位8"]  # interview_bottom 3, only 2 black
    assert h.red_rule == "综合评价等级为“优”" and h.black_rule == "综合评价等级为“中”“差”"


def test_ties_at_the_cut_are_all_taken(pack: RulePack) -> None:
    rows = _entries([95.0, 92.0, 92.0, 50.0, 50.0])
    h = decide("quarter", {"g": rows}, _rank(pack, top=2, bottom=1))
    assert _units(h.red) == ["全部单位0", "全部单位1", "全部单位2"]
    assert _units(h.black) == ["全部单位3", "全部单位4"]


def test_year_interviews_by_grade_and_by_place(pack: RulePack) -> None:
    rows = _entries([92.0, 75.0, 70.0, 65.0, 62.0, 55.0])
    small = dataclasses.replace(pack, notice=dataclasses.replace(pack.notice, interview_bottom=2))
    h = decide("year", {"g": rows}, small)
    assert [(i.entry.key, i.basis) for i in h.interview] == [("全部单位4", "rank"), ("全部单位5", "grade")]
    q = decide("quarter", {"g": rows}, small)          # a quarter has no grade-based 约谈
    assert [(i.entry.key, i.basis) for i in q.interview] == [("全部单位4", "rank"), ("全部单位5", "rank")]


def test_good_units_are_never_on_the_black_list(pack: RulePack) -> None:
    rows = _entries([95.0, 88.0, 84.0, 80.77])     # all 优 or 良: nobody to criticise
    h = decide("year", {"g": rows}, pack)
    assert h.black == () and h.black_note == "本期没有综合评价等级为“中”“差”的单位，黑榜空缺。"


def test_groups_are_decided_apart(pack: RulePack) -> None:
    h = decide("quarter", {"部门": _entries([95.0, 50.0], group="部门"),
                           "乡镇": _entries([85.0, 70.0], group="乡镇")}, pack)
    assert _units(h.red) == ["部门0"] and _units(h.black) == ["部门1", "乡镇1"]


def test_list_settings_are_checked(pack: RulePack) -> None:
    from pbmcli.config import build

    data = dict(pack.raw)
    with pytest.raises(ConfigError, match="不能有相同的等级"):
        build({**data, "rank": {**data["rank"], "red_grades": ["优", "良"], "black_grades": ["良", "差"]}})
    with pytest.raises(ConfigError, match="month_black_level"):
        build({**data, "rank": {**data["rank"], "month_black_level": "orange"}})
    with pytest.raises(ConfigError, match=r"已并入 \[rank\]"):
        build({**data, "notice": {**data["notice"], "top": 3}})


@settings(max_examples=150, deadline=None)
@given(scores=st.lists(st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)), max_size=25),
       top=st.integers(0, 8), bottom=st.integers(0, 8), kind=st.sampled_from(["quarter", "year"]))
def test_lists_follow_the_grades(pack: RulePack, scores: list[float], top: int, bottom: int, kind: str) -> None:
    rows = _entries(sorted(scores, reverse=True))
    h = decide(kind, {"g": rows}, _rank(pack, top=top, bottom=bottom))
    red, black = set(_units(h.red)), set(_units(h.black))
    assert not red & black
    assert all(e.score is not None and e.score >= 90 for e in h.red)
    assert all(e.score is not None and e.score < 80 for e in h.black)
    # at most top / bottom, unless a tie at the cut brings more in
    assert len(h.red) <= top or len({e.rank for e in h.red[top - 1:]}) == 1
    assert len(h.black) <= bottom or len({e.rank for e in h.black[:len(h.black) - bottom + 1]}) == 1
    assert bool(h.red_note) == (not h.red and bool(rows))
