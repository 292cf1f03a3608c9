"""`pbm dashboard`: one offline page whose numbers are the commands' numbers, and whose text
from forms is shown as text."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from test_ledger import make_score, make_sub
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.ledger.store import Ledger
from pbmcli.ledger.units import Unit

runner = CliRunner()
HOSTILE = "甲局<script>alert(1)</script>"
UNITS = [Unit("A", HOSTILE, category="部门"), Unit("B", "{{7*7}}乙镇", category="乡镇"),
         Unit("C", "丙局", category="部门")]
# cumulative spending per month (budget 100 each): by hand, 序时进度 7/12 = 58.33 %, 8/12 = 66.67 %,
# 9/12 = 75 %; in September A 80 % (above), B 66 % (-9 points: yellow), C 50 % (-25: red)
SPENT = {"2026-07": {"A": 60.0, "B": 50.0, "C": 40.0},
         "2026-08": {"A": 70.0, "B": 58.0, "C": 45.0},
         "2026-09": {"A": 80.0, "B": 66.0, "C": 50.0}}


def _export(path: Path, spent: dict[str, float]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位编码", "单位名称", "项目名称", "全年预算数", "累计支出"])
    for u in UNITS:
        ws.append([u.code, u.name, f"{u.code}项目", 100.0, spent[u.code]])
    wb.save(path)
    return path


def invoke(*args: str, code: int = 0) -> str:
    res = runner.invoke(app, [*args])
    assert res.exit_code == code, res.output
    return res.stdout


def make_ledger(root: Path) -> Path:
    """Three units (one named like markup), three months of exports recorded through
    `pbm monitor --record`, one self-evaluation each, one open rectification item."""
    path = root / "pbm.sqlite"
    with Ledger.open(path, lambda: dt.datetime(2026, 1, 20)) as led:
        led.upsert_units(UNITS)
        for u in UNITS:
            led.record_submission(make_sub(f"g{u.code}", u.name, f"{u.code}项目"), [], make_score(
                {"A": 95.0, "B": 82.0, "C": 55.0}[u.code], {"A": "优", "B": "良", "C": "差"}[u.code]),
                "2026", u.code, u.name)
        led.add_rectification(unit_code="C", unit_name="丙局", problem="目标<b>未细化</b>", deadline="2026-09-15")
    for month, spent in SPENT.items():
        invoke("monitor", str(_export(root / f"{month}.xlsx", spent)), "--period", month, "--record",
               "--db", str(path))
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ledger(tmp_path_factory.mktemp("dash"))


def page(db: Path, period: str, out: Path) -> tuple[str, dict]:
    invoke("dashboard", "--period", period, "--db", str(db), "-o", str(out))
    html = out.read_text("utf-8")
    m = re.search(r'<script type="application/json" id="pbm-data">(.*?)</script>', html, re.S)
    assert m
    return html, json.loads(m.group(1))


class _Text(HTMLParser):
    """The visible text of a page (what a person reads), and the attributes that load things."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.loads: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        self.loads += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def test_numbers_equal_rank_and_monitor_json(db: Path, tmp_path: Path) -> None:
    html, data = page(db, "2026Q3", tmp_path / "q3.html")
    rank = json.loads(invoke("rank", "--period", "2026Q3", "--db", str(db), "--format", "json"))
    assert data["rank"] == rank
    monitor = json.loads(invoke("monitor", str(db.parent / "2026-09.xlsx"), "--period", "2026-09",
                                "--format", "json"))
    for key in ("period", "time_progress", "total"):
        assert data["monitor"][key] == monitor[key], key
    assert [(u["unit"], u["rate"], u["gap"], u["level"]) for u in data["monitor"]["units"]] == \
           [(u["unit"], u["rate"], u["gap"], u["level"]) for u in monitor["units"]]
    # by hand: September total 196 / 300 = 65.33 %; yellow B, red C
    assert data["overview"]["rate"] == 65.33 and (data["overview"]["red"], data["overview"]["yellow"]) == (1, 1)
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.text)
    assert "65.33%" in text and "序时进度 75.00%" in text
    assert data["trend"]["months"] == ["2026-07", "2026-08", "2026-09"]
    assert data["trend"]["county"] == [50.0, 57.67, 65.33]   # 150/300, 173/300, 196/300
    assert [r["unit"] for r in data["rank"]["red"]] == [r["unit"] for r in rank["red"]]


def test_year_page_carries_selfeval_and_apply(db: Path, tmp_path: Path) -> None:
    html, data = page(db, "2026", tmp_path / "y.html")
    apply = json.loads(invoke("apply", "--year", "2026", "--db", str(db), "--format", "json"))
    assert data["apply"] == apply["rows"]
    assert sorted(s["total"] for s in data["selfeval"]) == [55.0, 82.0, 95.0]
    assert 'id="selfeval"' in html and 'id="apply"' in html
    assert data["overview"]["overdue"] == 1   # C's item, due 15 September, still open


def test_text_from_forms_is_shown_as_text(db: Path, tmp_path: Path) -> None:
    html, data = page(db, "2026Q3", tmp_path / "q3.html")
    assert "<script>alert(1)</script>" not in html and "<b>未细化</b>" not in html
    assert "甲局&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parser = _Text()
    parser.feed(html)
    text = "".join(parser.text)
    assert HOSTILE in text and "{{7*7}}乙镇" in text and "49乙镇" not in text
    assert any(u["unit"] == HOSTILE for u in data["monitor"]["units"])   # the data keeps the name


def test_the_page_loads_nothing_and_runs_only_its_own_script(db: Path, tmp_path: Path) -> None:
    html, _ = page(db, "2026Q3", tmp_path / "q3.html")
    parser = _Text()
    parser.feed(html)
    assert parser.loads == []                                 # no src / href at all
    assert not re.search(r"https?://|url\(|@import|@font-face", html)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html and "default-src 'none'" in html


def test_period_without_data_and_bad_output(db: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["dashboard", "--period", "2025", "--db", str(db), "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 2 and "没有 2025 的任何数据" in res.output
    res = runner.invoke(app, ["dashboard", "--period", "2026Q3", "--db", str(db), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and ".html" in res.output
    (tmp_path / "old.html").write_text("mine", "utf-8")
    res = runner.invoke(app, ["dashboard", "--period", "2026Q3", "--db", str(db), "-o", str(tmp_path / "old.html")])
    assert res.exit_code == 2 and (tmp_path / "old.html").read_text("utf-8") == "mine"
