"""Regenerate the committed templates: ``python -m pbmcli.forms [DIR]``.

Writes templates/xlsx/{goal,selfeval,monitor,units}.xlsx from the built-in
national pack (no local pbm.toml), overwriting the previous copies.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import default_pack
from . import KINDS, write_template

COMMITTED_DIR = Path("templates") / "xlsx"


def committed_name(kind: str) -> str:
    """The file name of a committed template (ASCII, stable)."""
    return f"{kind}.xlsx"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else COMMITTED_DIR
    pack = default_pack()
    for kind in KINDS:
        path = write_template(kind, folder / committed_name(kind), force=True, pack=pack)
        print(f"已生成：{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
