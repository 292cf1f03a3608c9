"""Properties of the scoring formulas (hypothesis)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from pbmcli.config import default_pack
from pbmcli.model import CellRef, Field, FormKind, Indicator, Submission
from pbmcli.scoring import score_indicator, score_submission
from pbmcli.values import ACHIEVED, NOT_ACHIEVED, PARTIAL

PACK = default_pack()
MODES = st.sampled_from(["ratio", "linear_penalty"])
AMOUNT = st.integers(0, 1_000_000).map(lambda n: n / 100)  # 0.00 … 10000.00
WEIGHT = st.integers(1, 5000).map(lambda n: n / 100)
OPS = st.sampled_from(["≥", ">", "=", "≤", "<", ""])
COMPLETIONS = st.sampled_from([ACHIEVED, PARTIAL, NOT_ACHIEVED, "已完成", "部分完成", "未完成",
                               "效果明显"])


def _pack(mode="ratio", deduction=0.0):
    return dataclasses.replace(PACK, scoring=dataclasses.replace(
        PACK.scoring, reverse_mode=mode, overshoot_deduction=deduction))


def ind(target, actual, weight, own=None, row=10):
    fields = {"name": Field(f"指标{row}", CellRef("S", f"C{row}")),
              "target": Field(target, CellRef("S", f"D{row}")),
              "actual": Field(actual, CellRef("S", f"E{row}")),
              "weight": Field(float(weight), CellRef("S", f"F{row}")),
              "score": Field(own, CellRef("S", f"G{row}"))}
    return Indicator(row=row, fields=fields)


@settings(max_examples=200, deadline=None)
@given(OPS, AMOUNT, AMOUNT, WEIGHT, MODES, st.sampled_from([0.0, 2.0]))
def test_quantitative_score_within_weight(op, target, actual, weight, mode, deduction):
    result = score_indicator(ind(f"{op}{target}", actual, weight), _pack(mode, deduction))
    assert result.score is not None
    assert 0 <= result.score <= weight


@settings(max_examples=200, deadline=None)
@given(COMPLETIONS, WEIGHT, st.one_of(st.none(), st.integers(-1000, 10000).map(lambda n: n / 100)))
def test_qualitative_score_within_weight(completion, weight, own):
    result = score_indicator(ind(ACHIEVED, completion, weight, own), PACK)
    if result.score is not None:
        assert 0 <= result.score <= weight


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["≥", ">", ""]), st.integers(1, 100000).map(lambda n: n / 100), AMOUNT, AMOUNT)
def test_positive_is_monotone_in_actual(op, target, b1, b2):
    low, high = sorted((b1, b2))
    s_low = score_indicator(ind(f"{op}{target}", low, 10), PACK).score
    s_high = score_indicator(ind(f"{op}{target}", high, 10), PACK).score
    assert s_low <= s_high


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["≤", "<"]), AMOUNT, AMOUNT, AMOUNT, MODES)
def test_reverse_is_anti_monotone_in_actual(op, target, b1, b2, mode):
    low, high = sorted((b1, b2))
    pack = _pack(mode)
    s_low = score_indicator(ind(f"{op}{target}", low, 10), pack).score
    s_high = score_indicator(ind(f"{op}{target}", high, 10), pack).score
    assert s_low >= s_high


def _submission(rows, budget, spent):
    total = {"budget": Field(budget, CellRef("S", "C6")), "spent": Field(spent, CellRef("S", "D6"))}
    inds = [ind(t, a, w, row=10 + i) for i, (t, a, w) in enumerate(rows)]
    return Submission(path="p.xlsx", kind=FormKind.SELFEVAL, funds={"annual": {"total": total}},
                      indicators=tuple(inds))


# indicator rows whose weights sum to 90 (+ 10 for the execution rate = 100)
ROWS = st.lists(
    st.tuples(st.sampled_from(["≥", "≤", "=", ""]), AMOUNT, st.one_of(AMOUNT, st.just("不适用"))),
    min_size=1, max_size=8,
).flatmap(lambda specs: st.permutations(list(range(len(specs)))).map(
    lambda order: _weighted(specs, order)))


def _weighted(specs, order):
    # split 90 points into len(specs) integer weights, the remainder on the last
    n = len(specs)
    weights = [90 // n] * n
    weights[-1] += 90 - sum(weights)
    rows = [(f"{op}{t}", a, w) for (op, t, a), w in zip(specs, weights, strict=True)]
    return rows, [rows[i] for i in order]


@settings(max_examples=150, deadline=None)
@given(ROWS, st.integers(1, 100000).map(lambda n: n / 100), AMOUNT, MODES)
def test_total_in_range_and_order_free(rows_pair, budget, spent, mode):
    rows, shuffled = rows_pair
    if all(a == "不适用" for _, a, _ in rows):
        rows = shuffled = [("≥1", 1, 90)]
    pack = _pack(mode)
    first = score_submission(_submission(rows, budget, spent), pack)
    second = score_submission(_submission(shuffled, budget, spent), pack)
    assert first.total is not None
    assert 0 <= first.total <= 100
    assert first.total == second.total


CELL = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True), st.integers(-10**6, 10**6),
                 st.sampled_from(["≥95%", "≤3个", "达成年度指标", "部分完成", "不适用", "——", "12月底前",
                                  "2024-11-30", "90%-95%", "=0", "0.96"]))


@settings(max_examples=200, deadline=None)
@given(CELL, CELL, st.one_of(st.none(), st.floats(-10, 100), st.floats()),
       st.one_of(st.none(), st.floats(-10, 100), st.floats()), MODES)
def test_any_cells_never_raise_and_stay_in_range(target, actual, weight, own, mode):
    fields = {"name": Field("x", CellRef("S", "C9")), "target": Field(target, CellRef("S", "D9")),
              "actual": Field(actual, CellRef("S", "E9")), "weight": Field(weight, CellRef("S", "F9")),
              "score": Field(own, CellRef("S", "G9"))}
    result = score_indicator(Indicator(row=9, fields=fields), _pack(mode))
    if result.score is not None:
        assert weight is not None and 0 <= result.score <= round(weight, 2) + 1e-9
