"""No rule crashes on messy cell values; every finding is complete and located."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pbmcli.config import default_pack
from pbmcli.engine import check
from pbmcli.rules import RULES

PACK = default_pack()
MESSY = st.one_of(
    st.none(), st.just(""), st.just("——"), st.just("XX"), st.just("不适用"), st.just("≥"),
    st.just("达成年度指标"), st.just("96%"), st.just("0.96"), st.just("≥95"), st.just("90%-95%"),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.integers(min_value=-5, max_value=200),
    st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=8),
)
SELF_CELLS = [f"{c}{r}" for c in "ABCDEFGH" for r in range(12, 17)] + ["C6", "D6", "E6", "F6", "G6",
                                                                      "F17", "G17", "B2"]
GOAL_CELLS = [f"{c}{r}" for c in "ABCD" for r in range(12, 18)] + ["B6", "B7", "B8", "B9", "B10", "D3"]


def _assert_sound(findings, changes=None):
    # a Python None never leaks into a message (unless a cell itself holds the text "None")
    typed_none = any("None" in str(v) for v in (changes or {}).values() if v is not None)
    for f in findings:
        assert f.message and not any("{" + n + "}" in f.message for n in RULES[f.code].placeholders)
        assert f.code[0] in "FHGIS" and f.expected and f.actual
        assert typed_none or "None" not in f.message
    assert findings == sorted(findings, key=lambda f: f.sort_key())


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(SELF_CELLS), MESSY, max_size=6))
def test_selfeval_rules_never_crash(changes):
    from conftest import selfeval_sub

    _assert_sound(check(selfeval_sub(changes), PACK), changes)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(GOAL_CELLS), MESSY, max_size=6))
def test_goal_rules_never_crash(changes):
    from conftest import goal_sub

    _assert_sound(check(goal_sub(changes), PACK), changes)
