"""pbm killed with SIGKILL (issue 16, item 16): its pool workers end with it; the temporary
file it was writing is removed by the next run; a half-done set of annotated copies or
notices is finished by running the same command again, without --force."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import assert_clean_run, invoke, october_ledger
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import assert_clean_run, invoke, october_ledger  # type: ignore[no-redef]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL and /proc: Linux")]

# pbm in a child process that kills itself (SIGKILL: no clean-up at all) when it is about to
# write the N-th temporary file whose name contains MARK
_KILLED_WHILE_WRITING = r"""
import os, signal, sys
from pathlib import Path
mark, nth, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
real, seen = Path.write_bytes, []
def write_bytes(self, data):
    if self.name.endswith(".tmp") and mark in self.name:
        seen.append(self)
        if len(seen) == nth:
            real(self, data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
    return real(self, data)
Path.write_bytes = write_bytes
from pbmcli.cli import app
app(args)
"""


def _killed(mark: str, nth: int, *args: str | Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _KILLED_WHILE_WRITING, mark, str(nth), *map(str, args)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("forms")
    for i in range(4):
        hf._form(folder / f"负数{i}.xlsx", amount=-100.0, big_text=f"项目{i}")
    return folder


def test_a_half_done_annotate_folder_is_finished_without_force(forms: Path, tmp_path: Path) -> None:
    out = tmp_path / "批注"
    _killed(".xlsx.", 3, "validate", "-q", "-j", "1", "--format", "json", "--annotate", out, forms)
    assert len(list(out.glob("*.xlsx"))) == 2 and len(_temps(out)) == 1  # killed writing the third
    run = invoke("validate", "-q", "-j", "1", "--format", "json", "--annotate", out, forms)
    assert_clean_run(run)
    assert run.exit_code == 1, run.stderr  # the forms' findings; no "输出文件已存在"
    assert sorted(p.name for p in out.iterdir()) == [f"负数{i}.xlsx" for i in range(4)]
    again = invoke("validate", "-q", "-j", "1", "--format", "json", "--annotate", out, forms)
    assert again.exit_code == 2 and "已存在" in again.stderr  # a finished set still needs --force


def test_a_stale_temporary_file_is_removed_by_a_later_force(forms: Path, tmp_path: Path) -> None:
    target = tmp_path / "审核.xlsx"
    _killed("审核.xlsx", 1, "validate", "-q", "--format", "xlsx", "-o", target, forms)
    assert not target.exists() and len(_temps(tmp_path)) == 1
    target.write_bytes(b"an older report")
    run = invoke("validate", "-q", "--format", "xlsx", "-o", target, "--force", forms)
    assert_clean_run(run)
    assert _temps(tmp_path) == [] and target.read_bytes()[:2] == b"PK"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return october_ledger(tmp_path)


def test_a_half_done_notice_set_is_finished_without_force(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "通报"
    args = ["notice", "monthly", "-p", "2026-10", "--date", "2026-11-05", "--db", ledger, "-o", out]
    _killed(".docx.", 1, *args)
    assert not list(out.glob("*.docx")) and list(out.glob("*.md")) and len(_temps(out)) == 1
    run = invoke(*args)
    assert_clean_run(run)
    assert run.exit_code == 0, run.stderr
    assert len(list(out.glob("*.docx"))) == 1 and _temps(out) == []
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".md", ".png"]


# pbm validate -j 2 in a child that stops (its main thread sleeps) once the pool has returned
# work, so its workers are known to be alive; the helper, a child subreaper, then kills it
# with SIGKILL and reaps the orphaned workers as they end
_HELPER = r"""
import ctypes, json, os, signal, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
child = '''
import sys, time
import pbmcli.batch as b
def stuck(self, n=1):
    print("running", flush=True)
    time.sleep(3600)
b._Progress.advance = stuck
from pbmcli.cli import app
app(["validate", "-q", "-j", "2", "--format", "json", sys.argv[1]])
'''
proc = subprocess.Popen([sys.executable, "-c", child, sys.argv[1]], stdout=subprocess.PIPE, text=True)
assert proc.stdout.readline().strip() == "running"
def ppid(pid):
    with open(f"/proc/{pid}/stat") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])
workers = [int(d) for d in os.listdir("/proc") if d.isdigit() and os.path.exists(f"/proc/{d}/stat")
           and ppid(int(d)) == proc.pid]
os.kill(proc.pid, signal.SIGKILL)
proc.wait()
alive = []
for w in workers:
    for _ in range(600):  # a generous bound so a worker that never ends fails instead of hanging
        if os.waitpid(w, os.WNOHANG)[0]:
            break
        time.sleep(0.1)
    else:
        alive.append(w)
        os.kill(w, signal.SIGKILL)
        os.waitpid(w, 0)
print(json.dumps({"workers": len(workers), "alive": len(alive)}))
"""


def test_pool_workers_end_when_pbm_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    for i in range(70):  # a batch large enough for the process pool
        hf._form(folder / f"自评{i:02d}.xlsx", big_text=f"项目{i:02d}")
    proc = subprocess.run([sys.executable, "-c", _HELPER, str(folder)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result == {"workers": 2, "alive": 0}
