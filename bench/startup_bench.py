"""Start-up benchmark: what a clerk waits for before pbm does any work.

Times, as subprocesses of this venv, the median wall time of

* ``python -c pass`` (the floor: the interpreter alone),
* ``pbm --version``, ``pbm --help``,
* ``pbm validate <one example form> -f json -o <tmp> --force --quiet``,

and the difference of each pbm run over bare python.  Targets (issue 14): ``--version`` ≤ 100 ms
and ``--help`` ≤ 150 ms above bare python.

    python bench/startup_bench.py [--runs 15]

``measure(runs)`` returns the figures (milliseconds) for a combined benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORM = ROOT / "examples" / "submissions" / "2026" / "自评" / "文旅局送戏下乡自评表.xlsx"
TARGETS = {"version": 100.0, "help": 150.0}


def _pbm() -> list[str]:
    """The venv's `pbm` script (next to its python), else `python -m pbmcli`."""
    script = Path(sys.executable).with_name("pbm")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pbmcli"]


def _median_ms(argv: list[str], runs: int) -> float:
    # bytecode caches as an installed pbm has them (pip compiles on install); one untimed warm-up
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(COLUMNS="100", NO_COLOR="1")
    took = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).returncode
        if code not in (0, 1):  # validate exits 1 when the form has errors: that is a result
            raise RuntimeError(f"{' '.join(argv)} exited {code}")
        took.append((time.perf_counter() - start) * 1000)
    return statistics.median(took[1:])


def measure(runs: int = 15) -> dict[str, float]:
    """Median milliseconds of each run, and ``<name>_over_python`` for the pbm ones."""
    pbm = _pbm()
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "validate.json")
        commands = {
            "python": [sys.executable, "-c", "pass"],
            "version": [*pbm, "--version"],
            "help": [*pbm, "--help"],
            "validate": [*pbm, "validate", str(FORM), "-f", "json", "-o", out, "--force", "--quiet"],
        }
        figures = {name: _median_ms(argv, runs) for name, argv in commands.items()}
    for name in ("version", "help", "validate"):
        figures[f"{name}_over_python"] = figures[name] - figures["python"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    figures = measure(runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"中位数，{runs} 次（1 分钟平均负载 {load:.2f}）")
    print(f"python -c pass: {figures['python']:.0f} ms")
    for name in ("version", "help", "validate"):
        limit = TARGETS.get(name)
        verdict = "" if limit is None else f"（目标 ≤ {limit:g} ms）{'OK' if figures[f'{name}_over_python'] <= limit else '超时'}"
        print(f"pbm {name}: {figures[name]:.0f} ms，比 python 多 {figures[f'{name}_over_python']:.0f} ms{verdict}")


if __name__ == "__main__":
    main()
