"""Per-indicator facts remembered while one form is checked (issue 14): never a stale answer."""

from __future__ import annotations

from pbmcli.model import Field, Indicator
from pbmcli.rules.common import facts_of_one_form, is_process, placeholder_cell


def _ind(level1: str, target: str) -> Indicator:
    return Indicator(row=5, fields={"level1": Field(level1), "target": Field(target)})


def test_facts_belong_to_the_indicator_object(pack) -> None:
    with facts_of_one_form():
        assert is_process(_ind("项目过程", "≥90%"), pack)
        # the first indicator is gone: a new one may get its id, and must get its own answer
        for _ in range(50):
            assert not is_process(_ind("产出指标", "≥90%"), pack)
        ind = _ind("产出指标", "XX")
        assert placeholder_cell(ind, "target", pack) and not placeholder_cell(ind, "level1", pack)


def test_nothing_is_remembered_outside_a_form(pack) -> None:
    ind = _ind("产出指标", "XX")
    assert placeholder_cell(ind, "target", pack)
    ind.fields["target"] = Field("≥95%")  # (indicators are not changed in pbm; here only to observe)
    assert not placeholder_cell(ind, "target", pack)
    with facts_of_one_form():
        assert not placeholder_cell(ind, "target", pack)
        ind.fields["target"] = Field("XX")
        assert not placeholder_cell(ind, "target", pack)  # remembered within the form
