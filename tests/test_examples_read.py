"""Every example form is read with the right kind and the values its generator wrote.

The expected values come from examples/generate_examples.py's own catalogue (the
generator never imports pbm), so this compares pbm's reader with an independent
description of each file: kind, project, unit, funds and every indicator.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_examples_files import EXAMPLES, _load_generator

from pbmcli.model import FormKind
from pbmcli.readers import read_submission
from pbmcli.readers.inputs import expand

GEN = _load_generator()
CATALOG = GEN.build_catalog()
FORMS = GEN.goal_forms(CATALOG) + GEN.self_forms(CATALOG)
ITEMS = {item.display.replace("\\", "/").split("examples/", 1)[-1]: item
         for item in expand([EXAMPLES / "submissions"])[0]}


def _written(form, key: str) -> bool:
    """The form deliberately blanks or overrides this field (a planted mistake)."""
    return key in form.blank or any(key in str(k) for k in form.written)


def test_every_generated_form_is_an_input():
    assert len(FORMS) >= 24
    assert {f.path for f in FORMS} <= set(ITEMS)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.path.rsplit("/", 1)[-1])
def test_form_is_read_with_its_kind_and_values(form):
    sub = read_submission(ITEMS[form.path])
    p = form.project
    assert sub.kind is (FormKind.GOAL if form.kind == "goal" else FormKind.SELFEVAL)
    if not _written(form, "project"):
        assert sub.project == p.name
    annual = [i for i in sub.indicators if i.block == "annual"]
    if not form.plants:
        assert [i.name for i in annual] == [i.name for i in p.indicators]
        assert [i.level1 for i in annual] == [i.l1 for i in p.indicators]
    if form.kind == "self" and not form.plants:
        budget, spent = (sum(p.funds.col(c)[1:], Decimal(0)) for c in ("budget", "spent"))
        assert sub.fund("annual", "total", "budget").number == pytest.approx(float(budget))
        assert sub.fund("annual", "total", "spent").number == pytest.approx(float(spent))
        assert [i.weight for i in annual] == [float(i.weight) for i in p.indicators]
        assert [i.score for i in annual] == pytest.approx([float(i.self_score()) for i in p.indicators])


def test_non_forms_are_not_read_as_forms():
    path = next(Path(EXAMPLES / "submissions").rglob("*通讯录*.xlsx"))
    from pbmcli.errors import InputError

    with pytest.raises(InputError) as exc:
        read_submission(path)
    assert exc.value.code == "F003"
