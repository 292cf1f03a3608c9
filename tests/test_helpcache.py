"""`pbm --help` from its cache (issue 14: start-up): the same text, without loading typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each case starts pbm several times

_PROBE = ("import sys\nsys.argv = ['pbm', *sys.argv[1:]]\nfrom pbmcli.entry import main\n"
          "try:\n    main()\nfinally:\n    print('typer loaded' if 'typer' in sys.modules else 'no typer',"
          " file=sys.stderr)\n")


def _help(cache: Path, *args: str, columns: str = "90") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PBM_CACHE_DIR": str(cache), "COLUMNS": columns, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", _PROBE, *(args or ("--help",))], capture_output=True,
                          text=True, env=env)


def test_second_help_is_the_cached_text_without_typer(tmp_path: Path) -> None:
    first, second = _help(tmp_path / "cache"), _help(tmp_path / "cache")
    assert first.returncode == second.returncode == 0
    assert "用法：pbm [选项] 命令 [参数]..." in first.stdout and "validate" in first.stdout
    assert second.stdout == first.stdout
    assert "typer loaded" in first.stderr and "no typer" in second.stderr
    assert len(list((tmp_path / "cache").glob("help-*.txt"))) == 1
    assert _help(tmp_path / "cache", "-h").stdout == first.stdout


def test_another_width_is_drawn_for_that_width(tmp_path: Path) -> None:
    narrow, wide = _help(tmp_path, columns="80"), _help(tmp_path, columns="120")
    assert max(map(len, narrow.stdout.splitlines())) <= 80 < max(map(len, wide.stdout.splitlines()))
    assert _help(tmp_path, columns="80").stdout == narrow.stdout
    assert len(list(tmp_path.glob("help-*.txt"))) == 2


def test_a_broken_cache_never_changes_the_help(tmp_path: Path) -> None:
    plain = _help(tmp_path / "ok")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", "utf-8")
    for _ in range(2):
        run = _help(not_a_folder)
        assert run.returncode == 0 and run.stdout == plain.stdout and "Traceback" not in run.stderr
    damaged = next((tmp_path / "ok").glob("help-*.txt"))
    damaged.write_bytes(b"\xff\xfe not utf-8")
    run = _help(tmp_path / "ok")
    assert run.returncode == 0 and run.stdout == plain.stdout
