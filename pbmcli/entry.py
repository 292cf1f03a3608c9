"""The `pbm` console script: answers `pbm --version` without loading the command line (the
version is all a script asking for it needs), `pbm --help` from its cache once it has been
drawn (``helpcache``), and hands everything else to ``pbmcli.cli``."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        print(f"pbm {__version__}")
        return
    if sys.argv[1:] in (["--help"], ["-h"]):
        from .helpcache import show_help

        show_help(_cli)
        return
    _cli()


def _cli() -> None:
    from .cli import main as cli_main

    cli_main()
