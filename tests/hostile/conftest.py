"""Fixtures for the hostile-input suite: a lazily built corpus and two ways to run pbm.

* ``corpus.case(name)`` builds (once per session) a folder holding the hostile
  file plus a clean form of another project, so every test can check that the
  batch goes on and the clean form is still checked.
* ``cli(*args)`` runs pbm in this process (typer's CliRunner); use it only for
  inputs that cannot kill the process.
* ``isolated(*invocations)`` runs pbm in a child process under an address-space
  limit (``RLIMIT_AS``): a native abort (calamine allocating a whole sheet) or a
  memory blow-up then fails the test instead of killing pytest.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from . import factory as hf

MEMORY_LIMIT = 1536 * 1024 * 1024  # ~1.5 GB of address space for a child pbm
CHILD_TIMEOUT = 120
CLEAN_PROJECT = "乡村学校营养改善"  # the companion form's project (no F007 twin of the hostile one)


@dataclass(frozen=True)
class Run:
    """One pbm invocation: exit code and the two streams."""

    exit_code: int
    stdout: str
    stderr: str
    crash: str = ""  # an exception that escaped the CLI (CliRunner) or a signal (child)

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass(frozen=True)
class Case:
    folder: Path  # hostile file + clean form
    hostile: Path
    clean: Path


def _clean(folder: Path) -> Path:
    return hf._form(folder / "对照_干净的自评表.xlsx", big_text=CLEAN_PROJECT)


class Corpus:
    """Builds each named case on first use, under one session temp folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cases: dict[str, Case] = {}

    def case(self, name: str, build: Callable[[Path], Path] | None = None) -> Case:
        if name not in self._cases:
            folder = self.root / name
            folder.mkdir(parents=True)
            hostile = (build or getattr(hf, name))(folder)
            self._cases[name] = Case(folder, hostile, _clean(folder))
        return self._cases[name]

    def export(self, name: str, build: Callable[[Path], Path]) -> Path:
        """A hostile execution export alone in its folder (pbm monitor takes one file)."""
        key = f"export_{name}"
        if key not in self._cases:
            folder = self.root / key
            folder.mkdir(parents=True)
            path = build(folder)
            self._cases[key] = Case(folder, path, path)
        return self._cases[key].hostile


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("hostile"))


def invoke(*args: str | Path) -> Run:
    """pbm in this process; an exception escaping the CLI guard is recorded, not raised."""
    from pbmcli.cli import app

    res = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    crash = ""
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        crash = f"{type(res.exception).__name__}: {res.exception}"
    return Run(res.exit_code, res.stdout, res.stderr, crash)


@pytest.fixture
def cli() -> Callable[..., Run]:
    return invoke


_CHILD = r"""
import json, sys
from typer.testing import CliRunner
from pbmcli.cli import app
out = []
for args in json.loads(sys.stdin.read()):
    res = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    exc = res.exception
    crash = "" if exc is None or isinstance(exc, SystemExit) else f"{type(exc).__name__}: {exc}"
    out.append({"exit_code": res.exit_code, "stdout": res.stdout, "stderr": res.stderr, "crash": crash})
sys.stdout.write(json.dumps(out))
"""


def _limit_memory(limit: int) -> Callable[[], None]:
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_isolated(*invocations: list[str | Path], cwd: Path | None = None,
                 memory: int = MEMORY_LIMIT) -> list[Run]:
    """Run several pbm invocations in ONE child process under RLIMIT_AS; a crash fails them all."""
    payload = json.dumps([[str(a) for a in args] for args in invocations])
    proc = subprocess.run([sys.executable, "-c", _CHILD], input=payload, capture_output=True,
                          text=True, timeout=CHILD_TIMEOUT, preexec_fn=_limit_memory(memory), cwd=cwd,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", "RUST_BACKTRACE": "0"})
    if proc.returncode != 0:
        pytest.fail(f"pbm child process died (exit {proc.returncode}; negative = signal, 134 = abort):\n"
                    f"{proc.stderr[-2000:]}")
    return [Run(r["exit_code"], r["stdout"], r["stderr"], r["crash"]) for r in json.loads(proc.stdout)]


@pytest.fixture
def isolated() -> Callable[..., list[Run]]:
    return run_isolated


# ---------------------------------------------------------------- report helpers


def entry(results: list[dict[str, Any]], path: Path) -> dict[str, Any]:
    """The per-file entry of a JSON report whose path names ``path``."""
    hits = [r for r in results if r["path"].endswith(path.name) or r["path"] == str(path)]
    assert len(hits) == 1, f"{path.name} not exactly once in {[r['path'] for r in results]}"
    return hits[0]


def codes(result: dict[str, Any]) -> list[str]:
    return [f["code"] for f in result["findings"]]


def finding(result: dict[str, Any], code: str) -> dict[str, Any]:
    found = [f for f in result["findings"] if f["code"] == code]
    assert found, f"no {code} in {[(f['code'], f['message'][:60]) for f in result['findings']]}"
    return found[0]


def squash(text: str) -> str:
    """Text without whitespace (rich wraps long lines at the console width)."""
    return "".join(text.split())


def assert_clean_run(run: Run) -> None:
    """Never a traceback, an escaped exception or an internal error (exit 3)."""
    assert not run.crash, run.crash
    assert run.exit_code != 3, run.stderr
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    assert "内部错误" not in run.stderr


def october_ledger(folder: Path) -> Path:
    """A ledger holding October's execution data (two units), recorded through the CLI."""
    db = folder / "pbm.sqlite"
    run = invoke("monitor", hf.export(folder / "2026-10.xlsx"), "-p", "2026-10", "--record", "--db", db)
    assert run.exit_code == 0, run.stderr
    return db
