"""`pbm validate` / `pbm score` on examples/ report exactly the planted mistakes.

examples/planted.json lists every mistake planted by examples/generate_examples.py
(file, cell, kind).  Each kind maps to the rule codes that must report it; clean
files must produce no finding at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pbmcli.config import default_pack
from pbmcli.report import validate_paths
from pbmcli.scoring.report import score_paths

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SUBMISSIONS = EXAMPLES / "submissions"
PLANTED = json.loads((EXAMPLES / "planted.json").read_text("utf-8"))

# kind -> code reported by `pbm validate`
VALIDATE = {
    "missing_header": "H101", "funds_unbalanced": "G101", "invalid_level1": "I101",
    "invalid_level2": "I102", "level2_wrong_parent": "I103", "missing_coverage": "G103",
    "missing_target": "I105", "quantitative_missing_unit": "I107", "percent_over_100": "G105",
    "satisfaction_low": "G104", "duplicate_indicator": "I109", "placeholder": "I110",
    "vague_target": "G108", "cost_ge": "G106", "pre_assessment_missing": "G107",
    "execution_rate_wrong": "S201", "execution_score_wrong": "S202", "weights_sum_not_100": "S203",
    "score_above_weight": "S205", "self_score_wrong": "S206", "qualitative_out_of_band": "S207",
    "deviation_reason_missing": "S208", "total_wrong": "S209", "actual_missing": "S211",
    "duplicate_file": "F006", "not_a_form": "F003",
}
# kind -> code reported by `pbm score --goals`
SCORE = {
    "inflated_total": "X301", "overshoot": "X302", "goal_target_changed": "X313",
    "indicator_added": "X311", "self_score_wrong": "X305", "qualitative_out_of_band": "X304",
    "actual_missing": "X307",
}


def _name(path: str) -> str:
    """'examples/submissions/2026/自评/x.xlsx' or 'a.zip!b/x.xlsx' -> path below submissions/."""
    return path.replace("\\", "/").split("submissions/", 1)[-1]


def _expected(table: dict[str, str]) -> set[tuple[str, str, str | None]]:
    mistakes = PLANTED["mistakes"]
    above = {(m["file"], m["cell"]) for m in mistakes if m["kind"] == "score_above_weight"}
    out = set()
    for m in mistakes:
        if m["kind"] not in table:
            continue
        if m["kind"] == "self_score_wrong" and (m["file"], m["cell"]) in above and table is VALIDATE:
            continue  # one problem, one finding: a score above its weight is S205 only
        out.add((m["file"].split("submissions/", 1)[-1], table[m["kind"]], m["cell"]))
    return out


@pytest.fixture(scope="module")
def validated() -> dict:
    return validate_paths([SUBMISSIONS], default_pack()).to_dict()


def test_validate_reports_exactly_the_planted_mistakes(validated):
    found = {(_name(f["path"]), x["code"], x["cell"])
             for f in validated["files"] for x in f["findings"] if x["severity"] != "info"}
    assert found == _expected(VALIDATE)


def test_clean_examples_have_no_finding_at_all(validated):
    clean = {c.split("submissions/", 1)[-1] for c in PLANTED["clean_files"]}
    noisy = {_name(f["path"]): f["findings"] for f in validated["files"]
             if _name(f["path"]) in clean and f["findings"]}
    assert noisy == {}
    assert len(clean) >= 12


def test_score_with_goals_flags_the_planted_score_mistakes():
    selfevals = SUBMISSIONS / "2026" / "自评"
    report = score_paths([selfevals], default_pack(), goals=[SUBMISSIONS / "2026" / "目标申报"]).to_dict()
    found = {(_name(r["path"]), x["code"], x["cell"]) for r in report["results"] for x in r["findings"]}
    expected = {e for e in _expected(SCORE) if e[0].startswith("2026/自评")}
    assert expected <= found
    inflated = [r for r in report["results"] if any(x["code"] == "X301" for x in r["findings"])]
    assert len(inflated) == 1 and inflated[0]["difference"] > 1
