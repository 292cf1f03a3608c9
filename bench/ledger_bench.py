"""Ledger benchmark: 2,000 units × 12 months × 10 projects.

Targets: `rank --period 2026` < 2 s; recording 10,000 scored results < 30 s;
`monitor` on a 100,000-row export < 10 s.  Run: python bench/ledger_bench.py [DIR]

``measure_rank(folder)`` (also ``python bench/ledger_bench.py --rank [DIR]``): the CLI as a
clerk runs it, ``pbm rank --period 2026 / 2026Q3 / 2026-10`` (table and --format json) against
such a ledger (built in ``folder`` when missing), each a subprocess; target < 1 s.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
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
TODAY = dt.datetime(2026, 11, 5)
RANK_PERIODS = ("2026", "2026Q3", "2026-10")
RANK_LEDGER = "rank-bench.sqlite"


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
    """An export sheet of ``rows`` rows in all (title, blank, header, data): 100,000 is the most
    pbm reads of one sheet (a longer sheet is cut, with a F009 warning, on a slower path)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["2026年10月预算执行情况"])
    ws.write_row(2, 0, ["单位编码", "单位名称", "项目名称", "全年预算数", "累计支出"])
    for i in range(rows - 3):
        u = i % UNITS
        ws.write_row(3 + i, 0, [f"U{u:04d}", f"单位{u}", f"项目{i // UNITS}", 100.0, f"{rng.uniform(0, 100):,.2f}"])
    wb.close()


def rank_ledger(folder: Path) -> Path:
    """The 2,000-unit ledger of ``measure_rank`` (execution for 12 months, 10,000 scored
    forms), built once in ``folder``: the same seed gives the same ledger."""
    path = folder / RANK_LEDGER
    if path.exists():
        return path
    partial = folder / f"{RANK_LEDGER}.partial"
    for stale in folder.glob(f"{partial.name}*"):
        stale.unlink()
    rng = random.Random(7)
    led = Ledger.open(partial, lambda: TODAY)
    led.upsert_units(units())
    fill_execution(led, rng)
    record_results(led, 10_000, rng)
    led.close()
    partial.rename(path)
    return path


def measure_rank(folder: Path, runs: int = 3, *, cpu: bool = False) -> dict[str, float]:
    """Median seconds of ``pbm rank --period P`` (table) and ``… --format json`` for each
    period of RANK_PERIODS, as subprocesses of this venv's ``pbm``; keys "2026 table" …
    ``cpu``: the processor time (user + system) of the runs instead of the wall time, which a
    busy machine stretches."""
    import resource

    db = rank_ledger(folder)
    script = Path(sys.executable).with_name("pbm")
    pbm = [str(script)] if script.exists() else [sys.executable, "-m", "pbmcli"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(COLUMNS="120")
    out: dict[str, float] = {}
    for period in RANK_PERIODS:
        for fmt in ("table", "json"):
            argv = [*pbm, "rank", "--period", period, "--format", fmt, "--db", str(db),
                    "--date", TODAY.date().isoformat()]
            took = []
            for _ in range(runs):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(argv, check=True, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                took.append(used if cpu else wall)
            out[f"{period} {fmt}"] = statistics.median(took)
    return out


def main_rank(folder: Path) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    wall, cpu = measure_rank(folder), measure_rank(folder, cpu=True)
    for name, took in wall.items():
        print(f"pbm rank --period {name}: {took:.2f} s（处理器时间 {cpu[name]:.2f} s）"
              f"(目标 < 1 s) {'OK' if took < 1 else '超时'}")
    print(f"（1 分钟平均负载 {load:.2f}）")


def main(folder: Path) -> None:
    rng = random.Random(7)
    pack = default_pack()
    led = Ledger.open(folder / "bench.sqlite", lambda: TODAY)
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
    args = sys.argv[1:]
    run = main
    if args[:1] == ["--rank"]:
        run, args = main_rank, args[1:]
    if args and args[0].startswith("-"):   # -h / --help is not a folder
        print(__doc__)
    elif args:
        run(Path(args[0]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(Path(tmp))
