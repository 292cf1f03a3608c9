"""What start-up loads: `pbm --help` and a command leave out what they do not use (pydantic,
pandas, Markdown help, the ranking and the ledger when only a pbm.toml is checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_RUN = ("import sys; sys.argv = {argv!r}; from pbmcli.entry import main\n"
        "code = 0\ntry:\n    main()\nexcept SystemExit as exc:\n    code = exc.code or 0\n"
        "assert code in {codes!r}, code\n"
        "loaded = sorted(m for m in {absent!r} if m in sys.modules)\n"
        "assert not loaded, loaded")


@pytest.mark.parametrize(("argv", "absent", "codes"), [
    (["pbm", "--help"], ["pydantic", "pandas", "markdown_it", "rich.markdown", "pygments", "pbmcli.model"], [0]),
    (["pbm", "rules", "list", "-f", "json"], ["pydantic", "pandas", "markdown_it"], [0]),
    (["pbm", "validate", "--jobs", "abc", "x.xlsx"], ["pandas"], [2]),   # an error message: typer's own (pydantic)
    # checking and scoring whole folders (exit 1: the examples' planted problems): no table work
    pytest.param(["pbm", "validate", "examples/submissions/2026/自评", "-f", "json", "-q", "--jobs", "1"], ["pandas"],
                 [1], marks=pytest.mark.slow),
    pytest.param(["pbm", "score", "examples/submissions/2026/自评", "-f", "json", "-q", "--jobs", "1"], ["pandas"],
                 [1], marks=pytest.mark.slow),
])
def test_start_up_leaves_out_what_it_does_not_use(argv: list[str], absent: list[str], codes: list[int]) -> None:
    subprocess.run([sys.executable, "-c", _RUN.format(argv=argv, absent=absent, codes=codes)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)


@pytest.mark.slow
def test_monitoring_an_export_sums_it_with_pandas(tmp_path: Path) -> None:
    """The table work (an execution export summed per unit and project) is pandas'."""
    code = ("import sys; from pbmcli.entry import main\n"
            f"sys.argv = ['pbm', 'monitor', {str(ROOT / 'examples/execution/2026-10.xlsx')!r}, '-p', '2026-10',"
            " '-f', 'json', '-q']\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "assert 'pandas' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, cwd=tmp_path)


def test_checking_a_config_does_not_load_the_ranking_or_the_ledger() -> None:
    code = ("import sys; from pbmcli.config import default_pack; default_pack()\n"
            "loaded = sorted(m for m in ('pbmcli.cycle.ranking', 'pbmcli.cycle.monitor', 'pbmcli.ledger.store')"
            " if m in sys.modules)\nassert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_help_module_stand_ins_build_the_real_classes() -> None:
    """typer.rich_utils loads with stand-ins for rich's Markdown and Traceback; using one loads
    the real class (and rich's own import of those modules still works afterwards)."""
    code = ("import sys, pbmcli.cli, typer.rich_utils as r\n"
            "assert 'rich.markdown' not in sys.modules and 'rich.traceback' not in sys.modules\n"
            "from rich.markdown import Markdown\n"
            "from rich.traceback import Traceback\n"
            "assert type(r.Markdown('**x**')) is Markdown and isinstance(r.Markdown('x'), r.Markdown)\n"
            "assert r.Traceback.from_exception.__func__ is Traceback.from_exception.__func__")
    subprocess.run([sys.executable, "-c", code], check=True)
