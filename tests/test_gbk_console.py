"""Windows office PCs: pbm on a GBK (cp936) console, paths with Chinese and spaces.

The CLI runs in a real child process with PYTHONIOENCODING=gbk, the way a
Chinese Windows console encodes.  Submissions contain characters GBK lacks
(✓ ✗ emoji, U+2212 minus); pbm's own texts may too.  Nothing may end in
UnicodeEncodeError or exit 3: a character the console cannot show is replaced,
never fatal.  rich picks ASCII table borders on a non-UTF-8 stream.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

try:  # `python -m pytest` from the repository root, or tests/ on sys.path
    from tests.hostile import factory as hf
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]

NOT_IN_GBK = "✓✗😀−•"  # characters units type (or pbm writes) that GBK cannot encode


def test_unencodable_characters_are_replaced_in_place(office: Path) -> None:
    """What GBK cannot show (✓, 😀) becomes "?" right where it stood; the rest of the text,
    and what GBK can show (≥ ％ 「」), is printed as written."""
    proc = _pbm("inspect", office / "自评 表 ✓.xlsx", cwd=office)
    text = proc.stdout.decode("gbk")  # strict: every byte is valid GBK
    assert proc.returncode == 0, proc.stderr.decode("gbk")
    assert "养护?工程?" in text and "自评 表 ?.xlsx" in text
    assert "✓" not in text and "😀" not in text
    assert "「" in text and "」" in text


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with spaces and Chinese in its path; forms whose text GBK cannot encode."""
    root = tmp_path_factory.mktemp("gbk") / "2026 年度 收表" / "城关 镇"
    root.mkdir(parents=True)
    hf._form(root / "自评 表 ✓.xlsx", big_text="养护✓工程😀", amount="十万✗")
    hf._form(root / "干净 的 自评表.xlsx", big_text="乡村学校营养改善−计划")
    hf.export(root.parent / "执行 数据.xlsx", [list(r) for r in hf.EXPORT_ROWS[:2]]
              + [["101", "县财政局✓", "项目A😀", 1000.0, 900.0]])
    return root


def _pbm(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "COLUMNS": "120"}
    env.pop("PYTHONUTF8", None)
    return subprocess.run([sys.executable, "-m", "pbmcli", *map(str, args)], capture_output=True,
                          env=env, cwd=cwd, timeout=120)


COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "-q", "{root}"],
    "validate-md": ["validate", "-q", "--format", "md", "{root}"],
    "validate-json": ["validate", "-q", "--format", "json", "{root}"],
    "score": ["score", "-q", "--explain", "{root}"],
    "score-md": ["score", "-q", "--format", "md", "{root}"],
    "inspect": ["inspect", "{root}/自评 表 ✓.xlsx"],
    "monitor": ["monitor", "-p", "2026-10", "--record", "--db", "{root}/../台账 数据.sqlite", "{root}/../执行 数据.xlsx"],
    "rules-list": ["rules", "list"],
    "help": ["validate", "--help"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_gbk_console_never_fails_on_encoding(name: str, office: Path) -> None:
    args = [a.replace("{root}", str(office)) for a in COMMANDS[name]]
    proc = _pbm(*args, cwd=office)
    stdout = proc.stdout.decode("gbk")  # what the console shows must be valid GBK
    stderr = proc.stderr.decode("gbk")
    assert "UnicodeEncodeError" not in stderr and "Traceback" not in stderr
    assert proc.returncode in (0, 1), stderr
    if name.startswith(("validate", "score", "inspect")):
        assert "养护" in stdout and "工程" in stdout  # the project shown, unencodable parts replaced


def test_rank_on_gbk_console(office: Path) -> None:
    db = office.parent / "台账 数据.sqlite"
    monitor = _pbm("monitor", "-p", "2026-10", "--record", "--db", db, office.parent / "执行 数据.xlsx", cwd=office)
    assert monitor.returncode in (0, 1), monitor.stderr.decode("gbk")
    proc = _pbm("rank", "-p", "2026-10", "--db", db, cwd=office)
    assert proc.returncode in (0, 1) and "UnicodeEncodeError" not in proc.stderr.decode("gbk")
    assert "县财政局" in proc.stdout.decode("gbk")


def test_tables_are_drawn_in_ascii_on_a_gbk_console(office: Path) -> None:
    """On a GBK console pbm draws tables with + - | (old Windows consoles render box drawing
    at double width and break the columns); nothing is replaced by "?"."""
    proc = _pbm("rules", "list", cwd=office)
    lines = proc.stdout.decode("gbk").splitlines()
    top = next(line for line in lines if line.strip())
    assert top.startswith("+---") and set(top) <= {"+", "-"}
    assert any(line.startswith("| F001 | 错误 | file-unreadable") for line in lines)
    assert not any(ch in proc.stdout.decode("gbk") for ch in "┏━│?")
