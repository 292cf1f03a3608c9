"""pandas views equal the JSON results they come from."""

from __future__ import annotations

from pathlib import Path

from pbmcli import frames
from pbmcli.config import default_pack
from pbmcli.report import validate_paths
from pbmcli.score_report import score_paths

SUBMISSIONS = Path(__file__).resolve().parent.parent / "examples" / "submissions"


def test_findings_frame_has_one_row_per_finding():
    data = validate_paths([SUBMISSIONS / "2026" / "自评"], default_pack()).to_dict()
    df = frames.findings_frame(data)
    assert len(df) == sum(len(f["findings"]) for f in data["files"]) > 0
    assert set(df["severity"]) <= {"error", "warning", "info"}
    first = next(f for f in data["files"] if f["findings"])
    row = df[df["path"] == first["path"]].iloc[0]
    assert (row["code"], row["cell"]) == (first["findings"][0]["code"], first["findings"][0]["cell"])


def test_scores_frame_matches_score_results():
    data = score_paths([SUBMISSIONS / "2026" / "自评"], default_pack()).to_dict()
    df = frames.scores_frame(data)
    assert len(df) == len(data["results"])
    scored = df.dropna(subset=["total"])
    assert ((scored["total"] >= 0) & (scored["total"] <= 100)).all()
    assert (df["grade"].dropna().isin(["优", "良", "中", "差"])).all()


def test_ranking_and_execution_frames_flatten_groups_and_projects():
    rank = {"groups": [{"group": "部门", "rows": [
        {"rank": 1, "unit": "甲局", "code": "1", "score": 95.0, "change": "↑1", "dimensions": {"execution": 90}},
        {"rank": 2, "unit": "乙局", "code": "2", "score": 80.0, "change": "新", "dimensions": {"execution": 70}}]}]}
    df = frames.ranking_frame(rank)
    assert list(df["unit"]) == ["甲局", "乙局"] and list(df["dim_execution"]) == [90, 70]
    monitor = {"units": [{"unit": "甲局", "code": "1", "projects": [
        {"project": "A", "budget": 10.0, "spent": 5.0, "rate": 50.0, "gap": -33.3, "level": "红色预警"}]}]}
    assert frames.execution_frame(monitor).iloc[0]["rate"] == 50.0
