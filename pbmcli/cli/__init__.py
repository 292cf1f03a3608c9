"""Command-line interface: typer commands over the pbmcli core (no business logic here)."""

from __future__ import annotations

import sys

from .app import app

# Each module registers its commands on ``app`` when imported.
from . import (  # noqa: E402,F401  isort: skip
    commands_inspect,
    commands_template,
    commands_validate,
    commands_rules,
    commands_score,
    commands_ledger,
    commands_cycle,
    commands_notice,
    commands_dashboard,
    commands_demo,
)


def main() -> None:
    """Console-script entry point."""
    from .output import handle_exception, make_streams_safe

    make_streams_safe()
    try:
        app()
    except BrokenPipeError:  # `pbm … | head`: the reader left, that is not an error
        sys.stderr.close()
        sys.exit(0)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - last resort: a bug outside any command
        sys.exit(handle_exception(exc))
