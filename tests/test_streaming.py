"""Reports written as results arrive (issue 14): the same text, memory that stays flat.

``pbm validate -f json/csv`` no longer holds every result until the end: the
JSON document and the CSV rows are made one file at a time.  These tests check
that the pieces join to exactly what the whole-report writers give, that the
first piece is written before the last file is checked, and that a pooled run
writes the same bytes as a run in one process.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from factory import make_goal, make_selfeval
from hypothesis import given, settings
from hypothesis import strategies as st

from pbmcli import report as report_mod
from pbmcli.outputs import csv_chunks, csv_text, json_chunks

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # newlines, NUL, CJK, quotes
_LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT
_JSON = st.recursive(_LEAF, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(_TEXT, kids, max_size=3),
                     max_leaves=12)


@settings(max_examples=150)
@given(head=st.dictionaries(_TEXT, _JSON, max_size=3), items=st.lists(_JSON, max_size=4),
       tail=st.dictionaries(_TEXT, _JSON, max_size=3))
def test_json_chunks_join_to_json_dumps(head: dict[str, Any], items: list[Any], tail: dict[str, Any]) -> None:
    key = "files"
    head.pop(key, None)
    tail = {k: v for k, v in tail.items() if k != key and k not in head}
    whole = json.dumps({**head, key: items, **tail}, ensure_ascii=False, indent=2)
    assert "".join(json_chunks(head, key, items, lambda: tail)) == whole


def test_json_chunks_by_hand() -> None:
    text = "".join(json_chunks({"a": 1}, "files", [{"p": "x\ny"}, []], lambda: {"z": [2]}))
    assert text == ('{\n  "a": 1,\n  "files": [\n    {\n      "p": "x\\ny"\n    },\n    []\n  ],\n'
                    '  "z": [\n    2\n  ]\n}')


def test_csv_chunks_join_to_csv_text() -> None:
    header = ["文件", "问题说明"]
    groups = [[["a.xlsx", "=SUM(A1)"], ["a.xlsx", "第二行\n换行"]], [], [["b.xlsx", None]]]
    rows = [row for group in groups for row in group]
    assert "".join(csv_chunks(header, groups, bom=True)) == "\ufeff" + csv_text(header, rows)
    assert "".join(csv_chunks(header, groups, bom=False)) == csv_text(header, rows)
    read = list(csv.reader(io.StringIO(csv_text(header, rows))))
    assert read[1] == ["a.xlsx", "'=SUM(A1)"] and read[2][1] == "第二行\n换行" and read[3] == ["b.xlsx", ""]


def test_first_piece_is_written_before_the_last_file_is_checked(tmp_path: Path, pack, monkeypatch) -> None:
    for i in range(4):
        make_goal(tmp_path / f"{i}_申报表.xlsx", header={"project": f"项目{i}"})
    events: list[str] = []
    checked = report_mod.validate_item

    def spy(item: Any, pack: Any) -> Any:
        events.append("checked")
        return checked(item, pack)

    monkeypatch.setattr(report_mod, "validate_item", spy)
    run = report_mod.validate_run([tmp_path], pack, jobs=1)
    for _piece in json_chunks(report_mod.json_head(), "files", (r.to_dict() for r in run.files),
                              lambda: {}):
        events.append("written")
    assert events.count("checked") == 4
    assert events.index("written") < len(events) - 1 - events[::-1].index("checked")


def _run(args: list[str]) -> int:
    return subprocess.run([sys.executable, "-m", "pbmcli", *args], capture_output=True).returncode


@pytest.mark.slow
def test_pooled_stream_equals_one_process(tmp_path: Path) -> None:
    """70 files (a pool starts at 64): two workers write the same JSON and CSV bytes as one
    process, copies and twins (F006/F007) included, and the summary counts them by hand."""
    folder = tmp_path / "收件"
    folder.mkdir()
    first = make_selfeval(folder / "000_原表.xlsx", totals={"score": 80.0})
    shutil.copy(first, folder / "001_重复.xlsx")                       # F006
    make_selfeval(folder / "002_修改后.xlsx", totals={"score": 99.5})  # F007 (same unit, project)
    for i in range(3, 70):
        make_goal(folder / f"{i:03d}_申报表.xlsx", header={"project": f"项目{i}"})
    outs = {}
    for jobs in ("1", "2"):
        for fmt in ("json", "csv"):
            out = tmp_path / f"{jobs}.{fmt}"
            assert _run(["validate", str(folder), "-f", fmt, "-o", str(out), "-j", jobs, "-q"]) in (0, 1)
            outs[jobs, fmt] = out.read_bytes()
    assert outs["1", "json"] == outs["2", "json"] and outs["1", "csv"] == outs["2", "csv"]
    data = json.loads(outs["1", "json"])
    assert data["summary"]["files"] == 70 and len(data["files"]) == 70
    codes = [[f["code"] for f in r["findings"]] for r in data["files"][:3]]
    assert codes[1] == ["F006"] and "F007" in codes[2] and not {"F006", "F007"} & set(codes[0])
    assert data["summary"]["ok"] + data["summary"]["errors"] == 70
    assert data["summary"]["ok"] == sum(r["ok"] for r in data["files"])


def test_score_with_nothing_to_score_writes_nothing(tmp_path: Path) -> None:
    """The streamed score JSON still fails before anything is written when no spreadsheet
    was found (exit 2), and leaves no temporary file behind."""
    empty, out = tmp_path / "空文件夹", tmp_path / "out" / "得分.json"
    empty.mkdir()
    (empty / "说明.txt").write_text("不是表格", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "pbmcli", "score", str(empty), "-f", "json", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "没有找到可计分的表格文件" in proc.stderr
    assert not out.exists() and not list(tmp_path.rglob("*.tmp*"))


def test_score_stream_equals_whole_report(tmp_path: Path, pack) -> None:
    from pbmcli.scoring.report import score_paths

    folder = tmp_path / "收件"
    folder.mkdir()
    make_selfeval(folder / "1_自评表.xlsx", totals={"score": 80.0})
    make_goal(folder / "2_申报表.xlsx")  # not a self-evaluation: skipped, listed after the results
    (folder / "3_说明.txt").write_text("x", "utf-8")
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-m", "pbmcli", "score", str(folder), "-f", "json", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    whole = json.dumps(score_paths([folder], pack).to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert out.read_text("utf-8") == whole
    data = json.loads(whole)
    assert [r["path"].rsplit("/", 1)[-1] for r in data["results"]] == ["1_自评表.xlsx"]
    assert [s["path"].rsplit("/", 1)[-1] for s in data["skipped"]] == ["3_说明.txt", "2_申报表.xlsx"]
