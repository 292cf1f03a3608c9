"""Dashboard benchmark: 300 units × 12 months × 5 projects, a self-evaluation per unit.

Target: `pbm dashboard --period 2026` (collect from the ledger + render the page) < 2 s, and the
page < 2 MB.  Run: python bench/dashboard_bench.py
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from pbmcli.config import default_pack
from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import Ledger
from pbmcli.ledger.units import Unit
from pbmcli.model import Field, FormKind, Submission
from pbmcli.render.dashboard import collect, render

UNITS, MONTHS, PROJECTS = 300, 12, 5


def build(folder: Path) -> Path:
    rng = random.Random(11)
    path = folder / "bench.sqlite"
    with Ledger.open(path, lambda: dt.datetime(2026, 12, 20)) as led:
        led.upsert_units([Unit(f"U{i:04d}", f"单位{i}", category="部门" if i % 3 else "乡镇") for i in range(UNITS)])
        for m in range(1, MONTHS + 1):
            rows = [ExecutionRow(f"U{u:04d}", f"单位{u}", f"项目{p}", 100.0, rng.uniform(0, 100) * m / 12)
                    for u in range(UNITS) for p in range(PROJECTS)]
            led.record_execution(f"2026-{m:02d}", rows, f"bench-{m}")
        for u in range(UNITS):
            sub = Submission(path=f"s{u}.xlsx", kind=FormKind.SELFEVAL, sha256=f"{u:064x}",
                             header={"unit": Field(f"单位{u}"), "project": Field("项目0")})
            total = rng.uniform(50, 100)
            score = SimpleNamespace(total=total, self_total=min(100.0, total + rng.uniform(0, 8)), grade="良",
                                    self_grade="优", difference=1.0,
                                    execution=SimpleNamespace(rate=90.0, budget=100.0, spent=90.0))
            led.record_submission(sub, [], score, "2026", f"U{u:04d}", f"单位{u}")
    return path


def main(folder: Path) -> None:
    pack = default_pack()
    path = build(folder)
    start = time.perf_counter()
    with Ledger.open(path, lambda: dt.datetime(2026, 12, 20)) as led:
        html = render(collect(led, "2026", pack), pack)
    took = time.perf_counter() - start
    size = len(html.encode("utf-8")) / 1e6
    print(f"看板 2026（{UNITS} 个单位 × {MONTHS} 个月）：{took:.2f} s（目标 < 2 s）{'OK' if took < 2 else '超时'}；"
          f"页面 {size:.2f} MB（目标 < 2 MB）{'OK' if size < 2 else '超标'}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("-"):
        print(__doc__)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp))
