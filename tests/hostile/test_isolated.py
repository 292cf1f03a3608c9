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
import json
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
    "xls_bad_dimensions": Expect("F001", "损坏", unreadable=True),  # checked before calamine sees it
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


TIGHT_MEMORY = 320 * 1024 * 1024  # a clean run needs < 230 MB of address space


def test_lying_zip_bomb_stays_within_memory(corpus: Corpus) -> None:
    """Headers claim 1 MB, the part inflates to 160 MB: reading must stop at the declared size
    (or the member limit), not inflate everything and run out of memory."""
    case = corpus.case("lying_zip_bomb", functools.partial(hf.lying_zip_bomb, inflated_mb=160))
    export = corpus.export("lying_zip_bomb", functools.partial(hf.lying_zip_bomb, base=hf.export,
                                                               inflated_mb=160))
    batch, alone, score, monitor = run_isolated(
        ["validate", "-q", "-j", "1", "--format", "json", case.folder],
        ["validate", "-q", case.hostile],
        ["score", "-q", "-j", "1", "--format", "json", case.folder],
        ["monitor", "-p", "2026-10", "--db", export.parent / "台账.sqlite", export],
        memory=TIGHT_MEMORY)
    exp = Expect("F001", "损坏", unreadable=True)
    check_batch(case, exp, batch)
    check_alone(case, exp, alone)
    check_score(case, exp, score)
    assert monitor.exit_code == 2 and "内部错误" not in monitor.stderr and "损坏" in monitor.stderr


def test_lying_ods_mimetype_stays_within_memory(corpus: Corpus) -> None:
    """The first member read to tell .ods from other zips must be bounded too."""
    case = corpus.case("lying_ods_mimetype")
    batch, alone = run_isolated(["validate", "-q", "-j", "1", "--format", "json", case.folder],
                                ["validate", "-q", case.hostile], memory=TIGHT_MEMORY)
    check_batch(case, Expect("F001", "损坏", unreadable=True), batch)
    check_alone(case, Expect("F001", "损坏", unreadable=True), alone)


_DYING_WORKER = r"""
import os, sys
from pbmcli import report
from pbmcli.cli import app

real = report.validate_item

def validate_item(item, pack):  # a native crash (calamine abort) on one file, in the worker
    if "致命" in item.display:
        os.abort()
    return real(item, pack)

report.validate_item = validate_item
app(["validate", "-q", "-j", "2", "--format", "json", sys.argv[1]], standalone_mode=True)
"""


def test_a_worker_that_dies_does_not_take_the_batch_down(tmp_path: Path) -> None:
    """A file that kills its worker process is reported (F001); the other files are checked and
    the main process, which must not re-run the killer itself, survives."""
    import json
    import subprocess
    import sys

    from pbmcli.batch import SMALL_BATCH

    form = hf._form(tmp_path / "模板.xlsx").read_bytes()
    (tmp_path / "模板.xlsx").unlink()
    folder = tmp_path / "收表"
    folder.mkdir()
    for i in range(SMALL_BATCH + 6):
        (folder / f"{i:03d}{'_致命' if i == 7 else ''}.xlsx").write_bytes(hf._variant(form, i))
    proc = subprocess.run([sys.executable, "-c", _DYING_WORKER, str(folder)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode in (0, 1), f"main process died ({proc.returncode}): {proc.stderr[-500:]}"
    files = json.loads(proc.stdout)["files"]
    assert len(files) == SMALL_BATCH + 6
    dead = [f for f in files if "致命" in f["path"]]
    assert [f["findings"][0]["code"] for f in dead] == ["F001"]
    assert sum(1 for f in files if f["form"] == "selfeval") == SMALL_BATCH + 5


def test_ods_repeated_rows_and_columns(tmp_path: Path) -> None:
    """number-rows/columns-repeated in the millions: read bounded, or refused; never a crash."""
    files = {v: hf.ods_repeated(tmp_path, v) for v in hf.ODS_REPEATS}
    runs = dict(zip(files, run_isolated(*(["validate", "-q", "--format", "json", f] for f in files.values())),
                    strict=True))
    for variant in ("rows", "cols"):  # a million repeats of one row or column: read, bounded
        run = runs[variant]
        assert not run.crash and run.exit_code == 1, run.stderr
        assert json.loads(run.stdout)["files"][0]["form"] == "selfeval"
    both = runs["both"]  # rows × columns repeated: refused as unreadable, one Chinese line
    assert not both.crash and both.exit_code == 2 and "无法读取" in both.stderr and "内部错误" not in both.stderr
