"""The README's 日常工作流程, run as written in a fresh `pbm init` workspace with the examples.

Every command line of the section is run by the shell, in order, in the workspace (the first
line makes it).  The example files are copied where the README's lines expect them, the
monthly line is run for every month of the examples first (a clerk runs it each month), and
then the red and black lists, totals and ranks of each period must be the same in
`pbm rank`'s JSON, its workbook and the notice of that period.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.slow


def readme_lines() -> list[str]:
    """The command lines of the README's 日常工作流程 block, without labels and comments."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("## 日常工作流程"):]
    block = section[section.index("```text") + len("```text"):]
    block = block[: block.index("```")]
    lines = []
    for raw in block.strip("\n").splitlines():
        line = raw.strip() if raw.startswith(" ") else re.sub(r"^\S+(?: 月)?\s+", "", raw)
        lines.append(re.split(r"\s{2,}#", line)[0].strip())
    return [line for line in lines if line]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update({"COLUMNS": "100", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    return env


def _sh(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=_env(), capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def _copy_examples(ws: Path) -> None:
    shutil.copy(EXAMPLES / "units.xlsx", ws / "units.xlsx")
    for kind in ("目标申报", "自评"):
        shutil.copytree(EXAMPLES / "submissions" / "2026" / kind, ws / "收件" / kind, dirs_exist_ok=True)
    for f in (EXAMPLES / "execution").iterdir():
        shutil.copy(f, ws / "收件" / "执行" / f.name)
    shutil.copytree(EXAMPLES / "monitor" / "2026-08", ws / "收件" / "监控" / "2026-08")
    shutil.copy(EXAMPLES / "rectification.xlsx", ws / "收件" / "整改清单.xlsx")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("clerk")
    lines = readme_lines()
    assert lines[0] == "pbm init 工作区 && cd 工作区"
    res = _sh(lines[0], top)
    assert res.returncode == 0, res.stderr
    ws = top / "工作区"
    _copy_examples(ws)
    for line in lines[1:]:
        if line.startswith("pbm monitor 收件/执行/"):   # the monthly line, as run every month
            for f in sorted((ws / "收件" / "执行").iterdir()):
                done = _sh(f"pbm monitor 收件/执行/{f.name} --record", ws)
                assert done.returncode == 0, (f.name, done.stderr)
        res = _sh(line, ws)
        # validate / score exit 1 when forms have errors (documented); every other line,
        # each && chain included, must succeed
        allowed = (0, 1) if line.startswith(("pbm validate", "pbm score")) else (0,)
        assert res.returncode in allowed, f"{line}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
        assert "Traceback" not in res.stderr and "内部错误" not in res.stderr, line
    return ws


def _rank(ws: Path, period: str) -> dict:
    res = _sh(f"pbm rank --period {period} --format json", ws)
    assert res.returncode == 0, res.stderr
    return dict(json.loads(res.stdout))


def _rank_xlsx(ws: Path, period: str) -> dict[str, list[str]]:
    out = ws / "输出" / f"排名-{period}.xlsx"
    res = _sh(f"pbm rank --period {period} --format xlsx -o {out.relative_to(ws)}", ws)
    assert res.returncode == 0, res.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    lists = {}
    for sheet in ("红榜", "黑榜"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        head = next(i for i, r in enumerate(rows) if "单位" in r)   # below the title rows
        col = rows[head].index("单位")
        lists[sheet] = [r[col] for r in rows[head + 1:] if r[col]]
    wb.close()
    return lists


def _notice_list(text: str, heading: str, verb: str) -> tuple[list[str], str]:
    """Names on the 红榜 / 黑榜 paragraph of a notice, and the paragraph itself."""
    m = re.search(rf"{heading}\n\n(.+)\n", text)
    assert m, heading
    para = m.group(1)
    names = re.search(rf"的单位为：(.+)，予以{verb}", para)
    return (names.group(1).split("、") if names else []), para


def _check_lists(ws: Path, period: str, notice: str) -> dict:
    data = _rank(ws, period)
    xlsx = _rank_xlsx(ws, period)
    text = (ws / "通报" / notice).read_text("utf-8")
    for key, sheet, verb in (("red", "红榜", "通报表扬"), ("black", "黑榜", "通报批评")):
        json_names = [r["unit"] for r in data[key]]
        names, para = _notice_list(text, sheet, verb)
        assert json_names == xlsx[sheet] == names, (period, sheet)
        if not json_names:
            assert para == data["list_notes"][key] and "空缺" in para
    return data


def test_every_readme_line_runs_and_outputs_land_in_their_folders(workspace: Path) -> None:
    notices = {p.name for p in (workspace / "通报").iterdir()}
    for stem in ("2026-10预算执行进度通报", "2026Q3综合排名通报", "2026年度总评通报"):
        assert {f"{stem}.docx", f"{stem}.md"} <= notices
    letters = list((workspace / "通报" / "退回修改意见").glob("退回修改意见-*.docx"))
    assert len(letters) >= 5
    assert not list(workspace.glob("*.docx")) and not list(workspace.glob("*.md"))
    for name in ("退回修改清单.xlsx", "自评复核.xlsx", "预算安排建议.xlsx", "2026绩效看板.html"):
        assert (workspace / "输出" / name).is_file(), name


def test_monthly_lists_and_total_agree(workspace: Path) -> None:
    data = _check_lists(workspace, "2026-10", "2026-10预算执行进度通报.md")
    # no example unit is at 序时进度 in October: nobody is praised
    assert data["red"] == [] and data["list_notes"]["red"] == "本月没有执行率达到序时进度的单位，红榜空缺。"
    monitor = json.loads(_sh("pbm monitor 收件/执行/2026-10.xlsx --format json", workspace).stdout)
    text = (workspace / "通报" / "2026-10预算执行进度通报.md").read_text("utf-8")
    assert f"全县项目支出执行率为{monitor['total']['rate']:.2f}%" in text
    warned = {u["unit"] for u in monitor["units"] if u["level"] in ("red", "yellow")}
    assert {r["unit"] for r in data["black"]} <= warned


@pytest.mark.parametrize(("period", "notice"), [("2026Q3", "2026Q3综合排名通报.md"),
                                                ("2026", "2026年度总评通报.md")])
def test_ranking_lists_and_ranks_agree(workspace: Path, period: str, notice: str) -> None:
    data = _check_lists(workspace, period, notice)
    text = (workspace / "通报" / notice).read_text("utf-8")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| 名次 | 单位名称 |"))
    body = lines[start + 2:]
    table = [line.split(" | ") for line in body[: body.index("")] if re.match(r"^\| \d+ \| ", line)]
    printed = [(int(c[0].strip("| ")), c[1], c[2]) for c in table]
    ranked = [(r["rank"], r["unit"], f"{r['score']:.2f}") for g in data["groups"] for r in g["rows"]]
    assert printed == ranked
    grades = {"优": 90.0, "良": 80.0}
    assert all(r["score"] >= grades["优"] for r in data["red"])
    assert all(r["score"] < grades["良"] for r in data["black"])   # nobody rated 优 or 良 is criticised
