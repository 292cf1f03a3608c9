"""Inputs that can kill the process or eat its memory: run pbm in a child under RLIMIT_AS.

python-calamine aborts the whole process (a Rust OOM, not catchable) on a cell
at a far address such as XFD1048576, so the reader must bound every cell
reference before calamine sees the sheet, whichever way the XML writes it.
A zip bomb and XML entity bombs must be refused (or read harmlessly) within
~1.5 GB of address space.  Each case runs validate (batch and alone) and score
in ONE child process; a crash fails the case instead of killing pytest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest

from . import factory as hf
from .conftest import Case, Corpus, Run, entry, finding, run_isolated
from .test_corpus import Expect, check_alone, check_batch, check_score

ISOLATED: dict[str, Expect] = {
    "zip_bomb": Expect("F009", "压缩炸弹", unreadable=True),
    # entity bombs: calamine does not expand DTD entities; a referenced one makes the part unreadable
    "laughs_shared_strings": Expect("F001", "无法读取", unreadable=True),
    "laughs_sheet_ref": Expect("F001", "无法读取", unreadable=True),
    "laughs_sheet": Expect("", ""),  # declared, never referenced: the form is read as usual
    "dimension_claim": Expect("", ""),  # <dimension ref="A1:XFD1048576"/> is metadata only
    "far_cell": Expect("F009", "已忽略"),  # the far cell is dropped and reported; the form is read
}


def _variant(name: str) -> Callable[[Path], Path]:
    return functools.partial(hf.far_cell_variant, variant=name)


FAR_VARIANTS = {f"far_{v}": _variant(v) for v in hf.FAR_CELL_VARIANTS}
FAR_VARIANTS["far_prefixed_namespace"] = hf.prefixed_far_cell


def _runs(case: Case) -> list[Run]:
    return run_isolated(
        ["validate", "-q", "-j", "1", "--format", "json", case.folder],
        ["validate", "-q", case.hostile],
        ["score", "-q", "-j", "1", "--format", "json", case.folder],
    )


@pytest.mark.parametrize("name", ISOLATED)
def test_bombs_and_far_cells(name: str, corpus: Corpus) -> None:
    case = corpus.case(name)
    exp = ISOLATED[name]
    batch, alone, score = _runs(case)
    hostile = check_batch(case, exp, batch)
    check_alone(case, exp, alone)
    check_score(case, exp, score)
    if not exp.unreadable:
        assert hostile["unit"] == "示例县交通运输局" and hostile["project"] == "农村公路养护"


@pytest.mark.parametrize("name", FAR_VARIANTS)
def test_far_cell_written_any_way_xml_allows(name: str, corpus: Corpus) -> None:
    """Lower-case refs, spaces around '=', single quotes, rows without r=, x: prefixes."""
    case = corpus.case(name, FAR_VARIANTS[name])
    batch, _alone, score = _runs(case)
    report = batch.json()
    hostile = entry(report["files"], case.hostile)
    if hostile["form"] == "selfeval":  # read with the far cell dropped and reported
        assert "已忽略" in finding(hostile, "F009")["message"]
    else:  # or refused as a whole
        assert finding(hostile, "F009")
    assert entry(score.json()["results"], case.clean)["total"] == 99.0
