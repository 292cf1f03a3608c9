"""pbm.toml as clerks write it (issue 16, item 10): saved by Windows Notepad as GBK ("ANSI")
or UTF-8 with a BOM, and values pbm cannot honour.  Every wrong value is a Chinese line
naming the setting, exit 2 — never exit 3, never silently accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

try:
    from tests.hostile.conftest import assert_clean_run, invoke, squash
except ImportError:
    from hostile.conftest import assert_clean_run, invoke, squash  # type: ignore[no-redef]

from pbmcli.config import load

SETTINGS = '[workspace]\nauthority = "测试县财政局"\n[goal]\nsatisfaction_min = 85.0\n'


def test_pbm_toml_saved_as_gbk_is_read_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "pbm.toml").write_bytes(SETTINGS.encode("gbk"))
    pack = load(cwd=tmp_path)
    assert pack.workspace.authority == "测试县财政局" and pack.goal.satisfaction_min == 85
    assert len(pack.notes) == 1 and "GBK" in pack.notes[0] and "UTF-8" in pack.notes[0]
    run = invoke("config", "show", "--config", tmp_path / "pbm.toml")
    assert run.exit_code == 0, run.stderr
    assert 'authority = "测试县财政局"' in run.stdout and "按GBK" in squash(run.stderr)


def test_pbm_toml_with_a_utf8_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "pbm.toml").write_bytes(b"\xef\xbb\xbf" + SETTINGS.encode("utf-8"))
    pack = load(cwd=tmp_path)
    assert pack.workspace.authority == "测试县财政局" and pack.notes == ()


def test_neither_utf8_nor_gbk_is_one_chinese_line(tmp_path: Path) -> None:
    (tmp_path / "pbm.toml").write_bytes(b'[workspace]\nauthority = "\xff\xfe\xff"\n')
    run = invoke("config", "show", "--config", tmp_path / "pbm.toml")
    assert_clean_run(run)
    assert run.exit_code == 2 and "既不是UTF-8也不是GBK" in squash(run.stderr)


def test_an_extends_chain_of_1500_files_is_refused(tmp_path: Path) -> None:
    for i in range(1500):
        (tmp_path / f"p{i}.toml").write_text(f'extends = "p{i + 1}.toml"\n' if i < 1499 else "", "utf-8")
    (tmp_path / "pbm.toml").write_text('extends = "p0.toml"\n', "utf-8")
    run = invoke("config", "show", "--config", tmp_path / "pbm.toml")
    assert_clean_run(run)
    assert run.exit_code == 2 and "超过20层" in squash(run.stderr)


BAD = {
    "extends-number": ("extends = 5\n", "extends应为带引号"),
    "rank-decimals": ("[rank]\ndecimals = 400\n", "[rank]decimals=400超出范围"),
    "deadline-huge": ("[notice]\ndeadline_days = 99999999999\n", "deadline_days=99999999999超出范围"),
    "deadline-negative": ("[notice]\ndeadline_days = -1\n", "deadline_days=-1超出范围"),
    "return-fraction": ("[notice]\nreturn_days = 7.5\n", "return_days」的值7.5应为整数"),
    "grace-negative": ("[rank]\ngrace_days = -5\n", "grace_days=-5超出范围"),
    "rectify-negative": ("[rank]\nrectify_days = -3\n", "rectify_days=-3超出范围"),
    "cap-negative": ("[rank]\nmonth_score_cap = -1.0\n", "month_score_cap=-1超出范围"),
    "execution-cap-negative": ("[scoring]\nexecution_caps = [[60.0, 70.0, -79.0]]\n", "execution_caps的每一项"),
    "red-gap-negative": ("[rank]\nmonth_red_min_gap = -5.0\n", "month_red_min_gap=-5超出范围"),
    "flag-share-negative": ("[apply]\nunspent_flag_share = -20.0\n", "unspent_flag_share=-20超出范围"),
    "cut-ratio-over-100": ("[apply]\nunspent_cut_ratio = 300.0\n", "unspent_cut_ratio=300超出范围"),
    "satisfaction-over-100": ("[goal]\nsatisfaction_min = 900.0\n", "satisfaction_min=900超出范围"),
    "deduction-negative": ("[rank]\ngoal_error_deduction = -10.0\n", "goal_error_deduction=-10超出范围"),
    "apply-change": ("[apply]\npoor = { action = \"取消\", change = -150.0 }\n", "poor的change"),
    "tie-break-unknown": ('[rank]\ntie_break = ["score", "fastest"]\n', "tie_break中有无法识别的排序依据：fastest"),
    "rank-weights-zero": ("[rank.weights]\nexecution = 0.0\ngoal_quality = 0.0\nselfeval = 0.0\n"
                          "rectification = 0.0\ntimeliness = 0.0\n", "权重不能全为0"),
    "weights-zero": ("[weights]\nexecution = 0.0\noutput = 0.0\nbenefit = 0.0\nsatisfaction = 0.0\n",
                     "一级指标权重不能全为0"),
    "nan": ("[goal]\nfunds_tolerance = nan\n", "goal.funds_tolerance的值nan不是有限的数"),
    "scan-rows-zero": ("[monitor]\nheader_scan_rows = 0\n", "header_scan_rows=0超出范围"),
    "workspace-not-a-table": ("workspace = 5\n", "workspace应为一节设置"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_value_pbm_cannot_honour_is_a_config_error(name: str, tmp_path: Path) -> None:
    text, expected = BAD[name]
    (tmp_path / "pbm.toml").write_text(text, "utf-8")
    run = invoke("config", "show", "--config", tmp_path / "pbm.toml")
    assert_clean_run(run)
    assert run.exit_code == 2, run.stderr
    assert expected in squash(run.stderr), run.stderr
