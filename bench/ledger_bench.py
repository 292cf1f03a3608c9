"""Ledger benchmark: 2,000 units × 12 months × 10 projects.

Targets: `rank --period 2026` < 2 s; recording 10,000 scored results < 30 s;
`monitor` on a 100,000-row export < 10 s.  Run: python bench/ledger_bench.py [DIR]
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
from pbmcli.cycle.monitor import monitor_export
from pbmcli.cycle.ranking import rank
from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import Ledger
from pbmcli.ledger.units import Unit
from pbmcli.model import Field, Finding, FormKind, Severity, Submission

UNITS, MONTHS, PROJECTS = 2000, 12, 10


def timed(label: str, limit: float, func) -> float:
    start = time.perf_counter()
    func()
    took = time.perf_counter() - start
    print(f"{label}: {took:.2f} s (目标 < {limit:g} s) {'OK' if took < limit else '超时'}")
    return took


def units() -> list[Unit]:
    return [Unit(f"U{i:04d}", f"单位{i}", (f"简称{i}",), category="部门" if i % 3 else "乡镇")
            for i in range(UNITS)]


def fill_execution(led: Ledger, rng: random.Random) -> None:
    for m in range(1, MONTHS + 1):
        rows = [ExecutionRow(f"U{u:04d}", f"单位{u}", f"项目{p}", 100.0, rng.uniform(0, 100) * m / 12)
                for u in range(UNITS) for p in range(PROJECTS)]
        led.record_execution(f"2026-{m:02d}", rows, f"bench-{m}")


def record_results(led: Ledger, n: int, rng: random.Random) -> None:
    for i in range(n):
        u = i % UNITS
        sub = Submission(path=f"f{i}.xlsx", kind=FormKind.SELFEVAL if i % 2 else FormKind.GOAL,
                         sha256=f"{i:064x}", header={"unit": Field(f"单位{u}"), "project": Field(f"项目{i // UNITS}")})
        findings = [Finding("S201", Severity.WARNING, "示例问题", sheet="表", cell="B3")] * rng.randint(0, 3)
        score = SimpleNamespace(total=rng.uniform(50, 100), self_total=95.0, grade="良", self_grade="优",
                                difference=1.0, execution=SimpleNamespace(rate=90.0, budget=100.0, spent=90.0))
        led.record_submission(sub, findings, score, "2026", f"U{u:04d}", f"单位{u}")


def write_export(path: Path, rows: int, rng: random.Random) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["2026年10月预算执行情况"])
    ws.write_row(2, 0, ["单位编码", "单位名称", "项目名称", "全年预算数", "累计支出"])
    for i in range(rows):
        u = i % UNITS
        ws.write_row(3 + i, 0, [f"U{u:04d}", f"单位{u}", f"项目{i // UNITS}", 100.0, f"{rng.uniform(0, 100):,.2f}"])
    wb.close()


def main(folder: Path) -> None:
    rng = random.Random(7)
    pack = default_pack()
    led = Ledger.open(folder / "bench.sqlite", lambda: dt.datetime(2026, 11, 5))
    led.upsert_units(units())
    timed(f"写入执行数据 {UNITS * MONTHS * PROJECTS:,} 行", 60, lambda: fill_execution(led, rng))
    timed("记录 10,000 份已评分报表（每份一个事务）", 30, lambda: record_results(led, 10_000, rng))
    timed("rank --period 2026", 2, lambda: rank(led, "2026", pack))
    timed("rank --period 2026-10", 2, lambda: rank(led, "2026-10", pack))
    export = folder / "export.xlsx"
    write_export(export, 100_000, rng)
    timed("monitor 100,000 行导出文件", 10, lambda: monitor_export(export, "2026-10", pack, led.units()))
    led.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("-"):   # -h / --help is not a folder
        print(__doc__)
    elif len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
