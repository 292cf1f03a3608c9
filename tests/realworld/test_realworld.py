"""The real-world corpus: forms transcribed from published forms, expectations by hand.

Every ``forms/<id>.toml`` is built into an .xlsx (``build.py``, openpyxl, no pbm) and
read back through pbm.  The test asserts what the manifest says: the reading (header
cells, funds, every indicator row, leftovers not read as indicators), the findings a
careful clerk makes (each at its cell; no error-level finding the manifest does not
list), and the recomputed total (within 0.01).
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402  (tests/realworld/build.py: the corpus builder, pbm-free)

IDS = build.all_ids()


class _Built(dict[str, Path]):
    """Each form built on first use, once per test module."""

    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out

    def __missing__(self, form_id: str) -> Path:
        path = self[form_id] = build.build(form_id, self.out / form_id)
        return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _Built(tmp_path_factory.mktemp("realworld"))


@pytest.fixture(scope="module")
def pack() -> Any:
    from pbmcli.config import default_pack

    return default_pack()


def _read(path: Path, pack: Any) -> Any:
    from pbmcli.readers import read_submission

    return read_submission(path, pack.lexicon())


def _text(field: Any) -> str:
    from pbmcli.model import num_text

    value = field.value
    if isinstance(value, float):
        return num_text(value)
    return field.text or ("" if value is None else str(value))


_GOAL_KEYS = {"goal": "annual", "annual_goal": "annual", "annual_actual": "annual_actual",
              "midterm_goal": "midterm", "goal_actual": "annual_actual"}


def _number(want: float | str) -> float:
    """A hand value: a number, or the text of a percent cell ("60%", "100.00%")."""
    if isinstance(want, str):  # "60%", "100.00%", "372.29万元"
        m = re.match(r"[-+]?\d+(?:\.\d+)?", want.replace(",", ""))
        assert m is not None, want
        return float(m.group())
    return float(want)


def _shown(want: object) -> str:
    """A hand-written cell text as pbm reports it: numbers without thousands separators
    (a 44561 shown "44,561" by its number format is the number 44561)."""
    text = str(want)
    return text.replace(",", "") if re.fullmatch(r"[\d,]+(?:\.\d+)?", text) else text


def _same_number(expected: float, got: float | None) -> bool:
    return got is not None and math.isclose(expected, got, abs_tol=0.005)


def test_corpus_is_large_enough() -> None:
    specs = [build.load(i) for i in IDS]
    assert len(specs) >= 20
    assert len({s["province"] for s in specs}) >= 6
    assert {s["level"] for s in specs} >= {"county", "city"}
    assert {s["kind"] for s in specs} == {"goal", "selfeval"}
    for s in specs:
        assert s["source_url"].startswith("http") and s["retrieved"]


def test_manifest_md_is_up_to_date() -> None:
    committed = (HERE / "manifest.md").read_text("utf-8")
    assert committed == build.manifest(), "run: python tests/realworld/build.py --manifest > tests/realworld/manifest.md"


@pytest.mark.parametrize("form_id", IDS)
def test_reading(form_id: str, built: dict[str, Path], pack: Any) -> None:
    spec = build.load(form_id)
    exp = spec["expected"]
    sub = _read(built[form_id], pack)
    assert sub.kind.value == spec["kind"]
    for key, want in exp.get("header", {}).items():
        got = sub.goals.get(_GOAL_KEYS[key]) if key in _GOAL_KEYS else sub.head(key)
        assert got is not None and got.ref is not None, f"header {key} not found"
        assert (got.cell, got.text or str(got.value)) == (want["cell"], want["text"]), key
    for row, cols in exp.get("funds", {}).items():
        block, row = ("midterm", row[len("midterm_"):]) if row.startswith("midterm_") else ("annual", row)
        for col, want in cols.items():
            got = sub.fund(block, row, col)
            assert _same_number(_number(want), got.number), f"funds {block}.{row}.{col}: {got}"
    _assert_indicators(sub, exp)


def _assert_indicators(sub: Any, exp: dict[str, Any]) -> None:
    rows = {ind.row: ind for ind in sub.indicators}
    # "其中…" breakdowns of the row above (sub_of) are not indicators of their own
    wanted = [w for w in exp.get("indicators", []) if "sub_of" not in w]
    assert sorted(rows) == sorted(w["row"] for w in wanted), "indicator rows read"
    for w in wanted:
        ind = rows[w["row"]]
        assert ind.level1 == w["level1"], (w["row"], ind.level1)
        assert ind.level2 == w["level2"], (w["row"], ind.level2)
        assert ind.name == w["name"]
        assert _text(ind.get("target")) == _shown(w["target"]), w["row"]
        if "actual" in w:
            assert _text(ind.get("actual")) == _shown(w["actual"]), w["row"]
        for key in ("weight", "score"):
            if key in w:
                assert _same_number(float(w[key]), ind.get(key).number), (w["row"], key)
    for r in exp.get("leftover_rows", []):
        assert r not in rows, f"template leftover at row {r} read as an indicator"


def _findings(path: Path, sub: Any, pack: Any) -> list[Any]:
    from pbmcli.engine import check
    from pbmcli.scoring import score_submission

    found = list(check(sub, pack))
    if sub.kind.value == "selfeval":
        found += list(score_submission(sub, pack).findings)
    return found


# pbm score's finding and pbm validate's finding for the same check (docs/rules.md)
SAME_CHECK = {"X305": ("S202", "S206"), "X304": ("S207",), "X310": ("S214",), "X316": ("S219",)}


@pytest.mark.parametrize("form_id", IDS)
def test_findings(form_id: str, built: dict[str, Path], pack: Any) -> None:
    spec = build.load(form_id)
    exp = spec["expected"]
    sub = _read(built[form_id], pack)
    found = _findings(built[form_id], sub, pack)
    got = {(f.code, f.cell) for f in found}
    want = [(w["code"], w.get("cell")) for w in exp.get("findings", [])]
    missing = [w for w in want if w not in got]
    assert not missing, f"expected findings not made: {missing}; made: {sorted(got, key=str)}"
    listed = set(want)
    cut = set(exp.get("cut_codes", []))  # findings the truncation of the published copy causes
    false_errors = [f"{f.code} {f.cell} {f.message}" for f in found
                    if f.severity.value == "error" and f.code not in cut
                    and not any((code, f.cell) in listed for code in (f.code, *SAME_CHECK.get(f.code, ())))]
    assert not false_errors, "error findings the manifest does not list:\n" + "\n".join(false_errors)


@pytest.mark.parametrize("form_id", [i for i in IDS if "total" in build.load(i).get("expected", {})])
def test_total(form_id: str, built: dict[str, Path], pack: Any) -> None:
    from pbmcli.scoring import score_submission

    exp = build.load(form_id)["expected"]
    result = score_submission(_read(built[form_id], pack), pack)
    if exp["total"] == "insufficient":
        assert result.total is None
    else:
        assert result.total is not None and abs(result.total - float(exp["total"])) <= 0.01, result.total


@pytest.mark.parametrize("form_id", IDS)
def test_one_finding_per_rule_and_cell(form_id: str, built: dict[str, Path], pack: Any) -> None:
    """A merged cell over several rows is one mistake: never the same finding twice at a cell
    (one rule may say different things there: G103 names each missing category)."""
    from pbmcli.engine import check

    cells = [(f.code, f.cell, f.expected) for f in check(_read(built[form_id], pack), pack) if f.cell]
    assert len(cells) == len(set(cells))


def test_template_leftovers_are_noted_once_per_form(built: dict[str, Path], pack: Any) -> None:
    from pbmcli.engine import check

    with_leftovers = [i for i in IDS if build.load(i)["expected"].get("leftover_rows")]
    assert len(with_leftovers) >= 5
    for form_id in with_leftovers:
        notes = [f for f in check(_read(built[form_id], pack), pack) if f.code == "H105"]
        assert len(notes) == 1 and notes[0].severity.value == "info", form_id
