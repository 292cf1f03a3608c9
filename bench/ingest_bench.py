"""Benchmark: ``pbm ingest DIR --period 2026 --jobs J --format json``, first run and re-run.

Generates N forms with ``validate_bench.generate`` (goal declarations and self-evaluations,
national layout), makes a workspace with ``pbm init`` in a temporary folder and times, as
subprocesses run in that workspace:

1. the first ingest (every file read, checked, scored and recorded);
2. the same command again (every file already in the ledger: only hashed);
3. for reference, ``pbm validate DIR --jobs J`` and ``pbm score DIR --jobs J`` on the same
   files: the first ingest does the work of both (reading once), so it should take about as
   long as the two together or less.

Wall and CPU seconds (pbm and its workers: ``RUSAGE_CHILDREN``) and the peak memory of the
largest single pbm process (``ru_maxrss``) are printed with files/s.  ``measure`` runs in a
fresh Python process of its own so that nothing else this process started (the generator's
pool, other benchmarks) counts in the peak or the CPU time.

    python bench/ingest_bench.py               # 2,000 forms, --jobs 2
    python bench/ingest_bench.py --n 10000     # memory with 10,000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate_bench import generate  # noqa: E402 - the forms of the validate benchmark

_BESIDE = Path(sys.executable).with_name("pbm")  # this interpreter's pbm first (a venv run by path)
PBM = str(_BESIDE) if _BESIDE.exists() else shutil.which("pbm") or "pbm"


def _children() -> tuple[float, float]:
    """(CPU seconds, peak MB of the largest process) of the finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _timed(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of pbm and its workers, stdout) of one pbm command."""
    cpu0, start = _children()[0], time.perf_counter()
    proc = subprocess.run([PBM, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    wall, cpu = time.perf_counter() - start, _children()[0] - cpu0
    if proc.returncode not in ok:
        sys.exit(f"pbm {args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, cpu, proc.stdout


def _measure_here(folder: Path, jobs: int) -> dict[str, float]:
    """``measure``'s work, in this process (whose children are only the pbm commands)."""
    top = Path(tempfile.mkdtemp(prefix="pbm_ingest_bench_"))
    try:
        _timed(["init", str(top / "ws")], top)
        ws = top / "ws"
        cmd = ["ingest", str(folder.resolve()), "--period", "2026", "--jobs", str(jobs), "--format", "json"]
        first_s, first_cpu, out = _timed(cmd, ws)
        items = json.loads(out)["items"]
        again_s, again_cpu, out = _timed(cmd, ws)
        again = json.loads(out)["items"]
        if any(i["status"] not in ("duplicate", "unreadable") for i in again):
            sys.exit("the re-run recorded files again: the ledger did not know them")
        return {"files": float(len(items)), "first_s": first_s, "first_cpu_s": first_cpu,
                "again_s": again_s, "again_cpu_s": again_cpu, "peak_mb": _children()[1]}
    finally:
        shutil.rmtree(top, ignore_errors=True)


def measure(folder: Path, jobs: int) -> dict[str, float]:
    """Ingest ``folder`` into a new workspace twice (``pbm init`` + ``pbm ingest --jobs jobs``):
    files, first_s, first_cpu_s, again_s, again_cpu_s (wall and CPU seconds of pbm and its
    workers) and peak_mb (largest single pbm process).  Runs in a fresh Python process, so the
    caller's other children do not count."""
    proc = subprocess.run([sys.executable, __file__, "--measure", str(folder), "--jobs", str(jobs)],
                          capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"ingest benchmark failed ({proc.returncode}): {proc.stderr[-2000:]}")
    result: dict[str, float] = json.loads(proc.stdout)
    return result


def reference(folder: Path, jobs: int) -> dict[str, float]:
    """Wall and CPU seconds of ``pbm validate`` and ``pbm score`` on the same files."""
    top = Path(tempfile.mkdtemp(prefix="pbm_ingest_ref_"))
    try:
        out: dict[str, float] = {}
        for command in ("validate", "score"):
            wall, cpu, _ = _timed([command, str(folder.resolve()), "--jobs", str(jobs), "--format", "json",
                                   "-o", str(top / f"{command}.json"), "--quiet"], top, ok=(0, 1))
            out[f"{command}_s"], out[f"{command}_cpu_s"] = wall, cpu
        return out
    finally:
        shutil.rmtree(top, ignore_errors=True)


def report(m: dict[str, Any], ref: dict[str, float] | None, jobs: int) -> None:
    n = m["files"]
    print(f"first ingest --jobs {jobs}: {m['first_s']:.2f}s wall, {m['first_cpu_s']:.2f}s CPU for {n:.0f} files"
          f" = {n / m['first_s']:.0f} files/s ({m['first_cpu_s'] / n * 1e3:.1f} ms CPU a file)")
    print(f"re-ingest (all known): {m['again_s']:.2f}s wall, {m['again_cpu_s']:.2f}s CPU"
          f" = {m['again_s'] / m['first_s'] * 100:.1f}% of the first ingest's time")
    if ref:
        both = ref["validate_s"] + ref["score_s"]
        print(f"reference: validate {ref['validate_s']:.2f}s + score {ref['score_s']:.2f}s = {both:.2f}s wall"
              f" ({ref['validate_cpu_s'] + ref['score_cpu_s']:.2f}s CPU); first ingest / (validate + score)"
              f" = {m['first_s'] / both:.2f}")
    print(f"peak memory (largest single pbm process, ru_maxrss): {m['peak_mb']:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="number of forms (default 2000)")
    ap.add_argument("--jobs", type=int, default=2, help="pbm --jobs (default 2)")
    ap.add_argument("--keep", type=Path,
                    help="generate into this folder and keep it (reused when it already holds N forms)")
    ap.add_argument("--no-reference", action="store_true", help="skip timing validate and score")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # measure()'s child process
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(_measure_here(args.measure, args.jobs)))
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="pbm_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = sorted(folder.rglob("*.xlsx"))
        gen = 0.0 if len(files) == args.n else generate(folder, args.n, os.cpu_count() or 2)
        print(f"generated {len(list(folder.rglob('*.xlsx')))} forms in {gen:.1f}s -> {folder}")
        print(f"load average before timing: {os.getloadavg()[0]:.1f} "
              f"(other processes compete for the {os.cpu_count()} cores)")
        m = measure(folder, args.jobs)
        ref = None if args.no_reference else reference(folder, args.jobs)
        print(f"load average after timing: {os.getloadavg()[0]:.1f}")
        report(m, ref, args.jobs)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
