"""Every speed figure of issue 14 in one run, side by side.

    python bench/speed.py                 # 2,000 generated forms, 2 processes
    python bench/speed.py --n 4000        # more forms
    python bench/speed.py --keep DIR      # generate into DIR once and reuse it

On the same files, one after another, it times:

* the unzip floor: inflating every part of every file with Python's zipfile, as pbm's own XML
  scan must (2 processes; calamine's Rust unzip is faster, so this is a floor for Python code);
* raw python-calamine: every cell of every sheet as Python values (2 processes);
* naive openpyxl: ``load_workbook`` of every file (2 processes, on a sample, extrapolated);
* ``pbm validate --jobs 2 --format json -o …`` and ``pbm score --jobs 2 …`` end to end, as a
  clerk runs them (process start to JSON written), on all files and on the first half (is
  the rate linear?), with their CPU time and the peak memory of the largest pbm process;
* ``pbm ingest`` of the same folder into a new ledger, then again (every file already known);
* start-up: ``pbm --version``, ``pbm --help`` and a one-file ``pbm validate`` above a bare
  ``python -c pass``;
* ``pbm rank`` on a ledger of 2,000 units (month, quarter, year; table and JSON).

Then it prints pbm's rates as a share of raw calamine's (the issue asks for at least 35 %)
and the load average, since other processes compete for the cores.  Targets are printed
beside each figure; nothing here fails: speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import validate_bench  # noqa: E402  (bench/ is not a package)

JOBS = 2


# --- the floors: what reading the files costs without pbm ------------------------------------

def _inflate(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return sum(len(zf.read(info)) for info in zf.infolist())


def _calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def _openpyxl(path: Path) -> int:
    import openpyxl

    return len(openpyxl.load_workbook(path).sheetnames)


def _pool_rate(work: Callable[[Path], int], files: list[Path]) -> float:
    """files/s of ``work`` over ``files`` in JOBS processes (pool start-up included)."""
    start = time.perf_counter()
    with ProcessPoolExecutor(JOBS) as pool:
        list(pool.map(work, files, chunksize=32))
    return len(files) / (time.perf_counter() - start)


# --- pbm as a clerk runs it ----------------------------------------------------------------------

def _pbm() -> str:
    return shutil.which("pbm") or str(Path(sys.executable).with_name("pbm"))


def run_command(args: list[str], cwd: Path | None = None) -> dict[str, float]:
    """Wall and CPU seconds of one pbm command (with its workers), and the peak memory of its
    largest process, measured from a fresh child so earlier runs do not count."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode\n"
             "wall = time.perf_counter() - t\n"
             "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(rc, wall, u.ru_utime + u.ru_stime, u.ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=cwd,
                         env=_ENV)
    rc, wall, cpu, rss = out.stdout.split()
    if int(rc) not in (0, 1):
        sys.exit(f"{' '.join(args[:2])} 失败（退出码 {rc}）：{out.stderr[-1500:]}")
    return {"wall": float(wall), "cpu": float(cpu), "peak_mb": int(rss) / 1024}


# bytecode caches as an installed pbm has them (pip compiles on install): this environment
# sets PYTHONDONTWRITEBYTECODE, which would make every start compile pbm again
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _report_args(command: str, folder: Path, out: Path) -> list[str]:
    return [_pbm(), command, str(folder), "--jobs", str(JOBS), "--format", "json", "-o", str(out),
            "--quiet", "--force"]


def _half(files: list[Path], root: Path) -> Path:
    """A folder holding the first half of the forms (hard links: no copying)."""
    half = root / "half"
    if half.exists():
        shutil.rmtree(half)
    for path in files[: len(files) // 2]:
        target = half / path.relative_to(files[0].parents[1])
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
    return half


# --- printing --------------------------------------------------------------------------------------

def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    """label, value right-aligned, target and verdict: aligned in a fixed-width font (CJK: 2)."""
    mark = "" if ok is None else ("  达标" if ok else "  未达标")
    gap = " " * max(1, 48 - _width(label) + 20 - _width(value))
    print(f"  {label}{gap}{value}   {target}{mark}".rstrip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="number of forms (default 2000)")
    ap.add_argument("--sample", type=int, default=200, help="files read by naive openpyxl (extrapolated)")
    ap.add_argument("--keep", type=Path, help="generate into this folder once and reuse it")
    ap.add_argument("--skip", nargs="*", default=[], choices=["ingest", "startup", "rank"],
                    help="leave out these parts")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pbm_speed_"))
    folder = args.keep or work / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = sorted(folder.rglob("*.xlsx"))
        if len(files) != args.n:
            validate_bench.generate(folder, args.n, os.cpu_count() or 2)
            files = sorted(folder.rglob("*.xlsx"))
        n = len(files)
        size = sum(p.stat().st_size for p in files) / n / 1024
        print(f"{n} 份表格（平均 {size:.1f} KiB，{validate_bench.form_stats(files[:20])}），{JOBS} 个进程；"
              f"CPU {os.cpu_count()} 核，开始时负载 {os.getloadavg()[0]:.2f}")
        figures = measure_reading(files, folder, work, args.sample)
        if "ingest" not in args.skip:
            figures["ingest"] = _ingest(folder)
        if "startup" not in args.skip:
            figures["startup"] = _startup()
        if "rank" not in args.skip:
            figures["rank"] = _rank(work)
        print_figures(n, figures)
        print(f"结束时负载 {os.getloadavg()[0]:.2f}（1 分钟平均；高于 0.3 说明有其他进程在争用 CPU）")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_reading(files: list[Path], folder: Path, work: Path, sample: int) -> dict[str, Any]:
    out = work / "report.json"
    figures: dict[str, Any] = {
        "unzip": _pool_rate(_inflate, files),
        "calamine": _pool_rate(_calamine, files),
        "openpyxl": _pool_rate(_openpyxl, random.Random(0).sample(files, min(sample, len(files)))),
    }
    for command in ("validate", "score"):
        figures[command] = run_command(_report_args(command, folder, out))
    figures["validate_half"] = run_command(_report_args("validate", _half(files, work), out))
    return figures


def _ingest(folder: Path) -> dict[str, float] | None:
    try:
        import ingest_bench
    except ImportError:
        return None
    return ingest_bench.measure(folder, JOBS)  # type: ignore[no-any-return]


def _startup() -> dict[str, float] | None:
    try:
        import startup_bench
    except ImportError:
        return None
    return startup_bench.measure()  # type: ignore[no-any-return]


def _rank(work: Path) -> dict[str, float] | None:
    import ledger_bench

    if not hasattr(ledger_bench, "measure_rank"):
        return None
    return ledger_bench.measure_rank(work / "ledger")  # type: ignore[no-any-return]


def print_figures(n: int, f: dict[str, Any]) -> None:
    calamine = f["calamine"]
    print("\n读取（同一批文件，2 个进程，文件/秒）")
    _line("解压（Python zipfile 解压全部部件）", f"{f['unzip']:,.0f}")
    _line("python-calamine 读取全部单元格", f"{calamine:,.0f}")
    _line("openpyxl.load_workbook（朴素做法）", f"{f['openpyxl']:,.1f}")
    print("\npbm（进程启动到 JSON 写完）")
    for command in ("validate", "score"):
        r = f[command]
        rate = n / r["wall"]
        _line(f"pbm {command} --jobs 2：文件/秒", f"{rate:,.0f}", "目标 ≥ 1,000", rate >= 1000)
        _line("  占 calamine 的比例", f"{rate / calamine:.0%}", "目标 ≥ 35%", rate / calamine >= 0.35)
        _line("  CPU 毫秒/文件（全部进程）", f"{r['cpu'] / n * 1e3:.2f}")
        _line("  最大进程内存", f"{r['peak_mb']:.0f} MB")
        _line("  是 openpyxl 的倍数", f"{rate / f['openpyxl']:.0f}×")
    half = f["validate_half"]
    half_rate, full_rate = n // 2 / half["wall"], n / f["validate"]["wall"]
    _line(f"validate {n // 2} 份 → {n} 份：文件/秒", f"{half_rate:,.0f} → {full_rate:,.0f}", "线性：速率不降",
          full_rate >= 0.9 * half_rate)
    _line("  最大进程内存", f"{half['peak_mb']:.0f} → {f['validate']['peak_mb']:.0f} MB", "内存不随文件数增长",
          f["validate"]["peak_mb"] <= 1.15 * half["peak_mb"])
    if f.get("ingest"):
        g = f["ingest"]
        first = g["files"] / g["first_s"]
        print("\npbm ingest（新台账；再导入同一文件夹）")
        _line("首次导入：文件/秒", f"{first:,.0f}", "目标 ≥ 500", first >= 500)
        _line("  CPU 毫秒/文件", f"{g['first_cpu_s'] / g['files'] * 1e3:.2f}")
        _line("再次导入：秒（占首次的比例）", f"{g['again_s']:.2f} s（{g['again_s'] / g['first_s']:.1%}）",
              "目标 < 5%", g["again_s"] / g["first_s"] < 0.05)
        _line("  最大进程内存", f"{g['peak_mb']:.0f} MB")
    if f.get("startup"):
        s = f["startup"]
        print("\n启动（中位数，毫秒）")
        _line("python -c pass", f"{s['python']:.0f}")
        for key, label, limit in (("version", "pbm --version", 100), ("help", "pbm --help", 150),
                                  ("validate", "pbm validate 一个文件", None)):
            extra = s[f"{key}_over_python"]
            _line(f"{label}（高出 python 的部分）", f"{s[key]:.0f}（+{extra:.0f}）",
                  f"目标 ≤ +{limit}" if limit else "", extra <= limit if limit else None)
    if f.get("rank"):
        print("\npbm rank（2,000 个单位的台账，秒）")
        for key, seconds in f["rank"].items():
            _line(key, f"{seconds:.2f}", "目标 < 1 s", seconds < 1)


if __name__ == "__main__":
    main()
