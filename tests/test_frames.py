"""pandas views equal the JSON results they come from."""

from __future__ import annotations

from pathlib import Path

from pbmcli import frames
from pbmcli.config import default_pack
from pbmcli.report import validate_paths
from pbmcli.scoring.report import score_paths

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
        {"rank": 1, "unit": "甲局", "code": "1", "score": 95.0, "change": 1, "change_text": "↑1",
         "dimensions": {"execution": 90}},
        {"rank": 2, "unit": "乙局", "code": "2", "score": 80.0, "change": None, "change_text": "新",
         "dimensions": {"execution": 70}}]}]}
    df = frames.ranking_frame(rank)
    assert list(df["unit"]) == ["甲局", "乙局"] and list(df["dim_execution"]) == [90, 70]
    assert list(df["change_text"]) == ["↑1", "新"] and df["change"].iloc[0] == 1
    monitor = {"units": [{"unit": "甲局", "code": "1", "projects": [
        {"project": "A", "budget": 10.0, "spent": 5.0, "rate": 50.0, "gap": -33.3, "level": "红色预警"}]}]}
    assert frames.execution_frame(monitor).iloc[0]["rate"] == 50.0


def test_frames_carry_the_values_of_a_known_form(tmp_path: Path):
    """Values derived by hand from the factory's form: 分值 20+15+15+20+10+10 = 90 plus 执行率 10;
    全年执行数 95 ÷ 全年预算数 100 = 95% → 9.5, every indicator met → 90; 总分 99.5; one planted mistake: 养护道路里程's 得分 25 above its 分值 20 (S205 at H13: column A holds
    the 绩效指标 label, B–H 一级 … 得分, the first indicator row is 13)."""
    import dataclasses

    from factory import SELFEVAL_INDICATORS, make_selfeval

    inds = list(SELFEVAL_INDICATORS)
    inds[0] = dataclasses.replace(inds[0], score=25)
    form = make_selfeval(tmp_path / "a.xlsx", indicators=inds)
    findings = frames.findings_frame(validate_paths([form], default_pack()).to_dict())
    s205 = findings[findings["code"] == "S205"]
    assert list(s205["cell"]) == ["H13"] and list(s205["severity"]) == ["error"]
    clean = make_selfeval(tmp_path / "b.xlsx")
    row = frames.scores_frame(score_paths([clean], default_pack()).to_dict()).iloc[0]
    assert (row["self_total"], row["grade"], row["execution_rate"]) == (99.5, "优", 95.0)
