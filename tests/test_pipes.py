"""A reader that leaves early (`pbm … | head -1`) is not an error: exit 0, nothing on stderr,
so `&&` chains go on.  The pipe's read end is closed before pbm writes, so every write
fails with EPIPE, deterministically."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOALS = Path(__file__).resolve().parent.parent / "examples" / "submissions" / "2026" / "目标申报"


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["rules", "list"],                                                  # a rich table
    ["validate", str(GOALS), "-f", "json"],  # plain text to stdout (the folder has errors: exit 1 unpiped)
    ["validate", str(GOALS)],               # table + summary
])
def test_a_closed_pipe_exits_0_quietly(args: list[str], tmp_path: Path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails with EPIPE
    try:
        proc = subprocess.run([sys.executable, "-m", "pbmcli", *args], stdout=write_end,
                              stderr=subprocess.PIPE, cwd=tmp_path, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr and "内部错误".encode() not in proc.stderr
