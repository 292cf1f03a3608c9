"""What start-up loads: `pbm --help` and a command leave out what they do not use (pydantic,
pandas, Markdown help, the ranking and the ledger when only a pbm.toml is checked)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_RUN = ("import sys; sys.argv = {argv!r}; from pbmcli.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in {absent!r} if m in sys.modules)\n"
        "assert not loaded, loaded")


@pytest.mark.parametrize(("argv", "absent"), [
    (["pbm", "--help"], ["pydantic", "pandas", "markdown_it", "rich.markdown", "pygments", "pbmcli.model"]),
    (["pbm", "rules", "list", "-f", "json"], ["pydantic", "pandas", "markdown_it"]),
    (["pbm", "validate", "--jobs", "abc", "x.xlsx"], ["pandas"]),   # an error message: typer's own (pydantic)
])
def test_start_up_leaves_out_what_it_does_not_use(argv: list[str], absent: list[str]) -> None:
    subprocess.run([sys.executable, "-c", _RUN.format(argv=argv, absent=absent)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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
