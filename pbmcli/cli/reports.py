"""Output handling shared by every command that writes a report (validate, score).

One place decides: where a format may go (xlsx needs a file; "-" or no -o means the
screen), that the output can be written before a long run starts, the console a
report is drawn on, and when a lone unreadable file stops the command (exit 2).
The commands only say what their report looks like in each format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from ..model import Finding
    from ..outputs import Heading, SheetSpec
    from .options import ReportFormat


def report_console(file: Any = None, no_color: bool = False, width: int = 120) -> Console:
    """The console a report table is drawn on: the screen, or a text file (no colour)."""
    from .output import SafeConsole

    if file is not None:
        return SafeConsole(file=file, width=width, no_color=True, color_system=None, emoji=False,
                           highlight=False, soft_wrap=False)
    from .output import PipeSafeConsole

    return PipeSafeConsole(emoji=False, highlight=False, no_color=no_color or None)


def to_screen(output: str | None) -> bool:
    return output is None or output == "-"


def csv_bom(output: str | None) -> bool:
    """CSV starts with a BOM (Excel reads UTF-8 by it) in a file, and on standard output sent to
    one (``pbm validate 收件 -f csv > 结果.csv``); not on a terminal."""
    import sys

    return not to_screen(output) or not sys.stdout.isatty()


def check_output(fmt: ReportFormat, output: str | None, force: bool, example: str,
                 inputs: Sequence[str] = ()) -> ReportFormat:
    """The format to write (``pick_format``); fails before the (possibly long) run if the
    output cannot be written, or would land on a form being read."""
    from ..errors import UsageError
    from ..fileio import check_writable
    from .options import ReportFormat, not_an_input, pick_format

    fmt = pick_format(fmt, output)
    not_an_input(output, inputs)
    if fmt is ReportFormat.xlsx and to_screen(output):
        raise UsageError(f"xlsx 格式需要用 -o 指定输出文件，例如：-o {example}")
    if output and not to_screen(output):
        parent = Path(output).parent
        if parent.exists() and not parent.is_dir():
            raise UsageError(f"无法写入 {output}：{parent} 是文件而不是文件夹，请换一个输出位置。")
        check_writable(output, force)
    return fmt


@dataclass
class ReportView:
    """What a report looks like in each format (callables: only the chosen one runs)."""

    data: Callable[[], dict[str, Any]]
    sheets: Callable[[], Sequence[SheetSpec]]
    table: Callable[[], tuple[Sequence[str], Sequence[Sequence[Any]]]]  # csv: header, rows
    markdown: Callable[[], str]
    text: Callable[[], str]  # the table drawn as plain text (for -o file.txt)
    render: Callable[[Console], None]  # the table on the screen
    heading: Heading | None = None  # the title rows of the xlsx sheets


def write_report(view: ReportView, fmt: ReportFormat, output: str | None, force: bool,
                 no_color: bool, quiet: bool = False) -> None:
    """Write ``view`` in ``fmt`` to ``output`` (a file, atomically) or to the screen."""
    from .. import outputs
    from .options import ReportFormat
    from .output import wrote

    if fmt is ReportFormat.xlsx:
        outputs.write_xlsx(output or "", view.sheets(), force, view.heading)
    elif fmt is ReportFormat.csv:
        header, rows = view.table()
        if to_screen(output):
            outputs.emit_text(("\ufeff" if csv_bom(output) else "") + outputs.csv_text(header, rows), None, force)
        else:
            outputs.write_csv(output or "", header, rows, force)
    elif fmt is ReportFormat.json:
        outputs.emit_text(json.dumps(view.data(), ensure_ascii=False, indent=2), output, force)
    elif fmt is ReportFormat.md:
        outputs.emit_text(view.markdown(), output, force)
    elif not to_screen(output):
        outputs.emit_text(view.text(), output, force)
    else:
        view.render(report_console(no_color=no_color))
    if not to_screen(output) and not quiet:
        wrote(output)


def stop_on_lone_unreadable(paths: Sequence[str], results: Sequence[tuple[str, bool, Sequence[Finding]]]) -> None:
    """One file given alone that cannot be read stops the command with exit 2 and one line
    (in a batch it is a finding like any other).  ``results``: (path, unreadable, findings)."""
    from ..errors import InputError

    lone = len(paths) == 1 and Path(paths[0]).is_file() and Path(paths[0]).suffix.lower() != ".zip"
    if lone and len(results) == 1 and results[0][1]:
        path, _, findings = results[0]
        first = findings[0] if findings else None
        raise InputError(path, first.message if first else "无法读取", first.code if first else "F001")
