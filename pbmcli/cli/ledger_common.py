"""What the ledger commands share: output formats, the --db / --date options, opening the
rule pack and the ledger, and printing a list as a table, JSON, Markdown or a workbook."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .output import folding, wrote

if TYPE_CHECKING:
    from rich.table import Table

    from ..config import RulePack
    from ..ledger.store import Ledger
    from ..ledger.workspace import LedgerMode


class Fmt(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"
    md = "md"


class ScreenFmt(StrEnum):
    """Commands whose result is a summary for the screen: table or json only."""

    table = "table"
    json = "json"


class MonitorFmt(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


DbOpt = Annotated[str | None, typer.Option("--db", help="台账文件路径（默认取 pbm.toml 中 \\[workspace] 的 db，即 pbm.sqlite）。")]
DateOpt = Annotated[str | None, typer.Option("--date", help="以该日期为“今天”（YYYY-MM-DD），默认为系统日期。")]
ListFmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="输出格式：table（默认）、json、md、xlsx（xlsx 须用 -o 指定文件）。")]


def rule_pack(rules: str | None, config: str | None) -> RulePack:
    from .options import settings

    return settings(rules, config)


def clock(date: str | None) -> Any:
    if not date:
        return None
    from ..errors import UsageError

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise UsageError(f"--date 应写成 2026-11-22 这样的日期，现为「{date}」。") from None
    return lambda: dt.datetime.combine(day, dt.time(12, 0))


def open_db(pack: RulePack, db: str | None, date: str | None = None, *, mode: LedgerMode = "read") -> Ledger:
    """The ledger: read-only unless the command writes (``write``: it must exist; ``create``:
    made when missing).  Read-only commands stop on a missing ledger."""
    from ..ledger.workspace import open_ledger

    return open_ledger(pack, db, clock(date), mode)


def emit_json(data: Any, output: str | None, force: bool) -> None:
    from ..outputs import emit_text

    emit_text(json.dumps(data, ensure_ascii=False, indent=2), output, force)
    wrote(output)


_E = TypeVar("_E", bound=StrEnum)


def need_output(fmt: _E, output: str | None, force: bool, inputs: Sequence[str] = ()) -> _E:
    """The format to write (``pick_format``), checked before anything is read or written (the
    ledger included): xlsx needs -o, a table is for the screen, an existing -o file needs
    --force, and -o never names a file being read."""
    from ..errors import UsageError
    from ..fileio import check_writable
    from .options import not_an_input, pick_format

    fmt = pick_format(fmt, output)
    not_an_input(output, inputs)
    if fmt == "table" and output and output != "-":
        formats = "、".join(f.value for f in type(fmt) if f.value != "table")
        raise UsageError(f"表格（table）只显示在屏幕上。要写入文件，请用 --format 选择 {formats}，"
                         "或让 -o 的文件名以 .xlsx、.json 等结尾。")
    if fmt == "xlsx" and not output:
        raise UsageError("xlsx 格式需要用 -o 指定输出文件，例如 -o 结果.xlsx。")
    if output and output != "-":
        check_writable(output, force)
    return fmt


def print_table(title: str, header: list[str], rows: list[list[Any]], ratios: Sequence[int] = ()) -> None:
    """A console table.  Numbers and codes, and short words (自评表, 已存在), are never wrapped;
    ``ratios`` (one per column, 0 = none) share the rest of the width among the long text columns."""
    from .output import QuickTable, out

    out.print(QuickTable(screen_table(title, header, rows, ratios)))


def screen_table(title: str, header: list[str], rows: list[list[Any]], ratios: Sequence[int] = ()) -> Table:
    """The rich table ``print_table`` prints."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    from ..textsafe import visible
    from .output import plain

    t = Table(title=plain(title), show_lines=False, box=box.SIMPLE_HEAD, pad_edge=False, expand=bool(ratios))
    cells = [[visible("" if v is None else f"{v:,.2f}" if isinstance(v, float) else str(v)) for v in r]
             for r in rows]
    for j, h in enumerate(header):
        short = all(len(r[j]) <= 10 and (r[j].isascii() or r[j] == "—") for r in cells)  # numbers, codes
        word = not short and all(cell_len(r[j]) <= 8 for r in cells)  # 自评表, 已存在: keep whole
        ratio = ratios[j] if j < len(ratios) and ratios[j] else None
        t.add_column(plain(h), overflow="fold", no_wrap=short or word, min_width=None if short or word else 8,
                     justify="right" if short and cells else "left", ratio=ratio)
    for r in cells:
        t.add_row(*map(plain, r))  # data, never markup: a unit called 单位[/] prints as it is
    return folding(t)


def print_notes(lines: list[str], quiet: bool = False) -> None:
    from .output import note

    if quiet:
        return
    for line in lines:
        note(line)


def emit_rows(fmt: Fmt, title: str, header: list[str], rows: list[list[Any]], output: str | None,
               force: bool, notes: Sequence[str] = (), sheet: str | None = None, office: str = "",
               formats: Mapping[int, str] | None = None) -> None:
    """A list as md (stdout or -o) or xlsx (-o; titled ``title``, issued by ``office``, number
    ``formats`` by column); table / json are handled by the caller."""
    if fmt is Fmt.xlsx:
        from ..outputs import Heading, SheetSpec, write_xlsx

        sheets = [SheetSpec(sheet or title[:31], header, rows, num_formats=formats or {}, title=title)]
        if notes:
            sheets.append(SheetSpec("说明", ["说明"], [[n] for n in notes], autofilter=False))
        write_xlsx(output or "", sheets, force, Heading(title, office))
    else:
        from ..outputs import emit_text, markdown_table, md_text

        text = f"# {md_text(title)}\n\n" + markdown_table(header, rows) + "".join(f"\n{md_text(n)}\n" for n in notes)
        emit_text(text, output, force)
    wrote(output)
