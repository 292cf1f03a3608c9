"""Console, output formats and the one place where errors become exit codes.

Exit codes (every command): 0 no error-level findings; 1 at least one
error-level finding; 2 usage / configuration / unreadable input stopped the
command; 3 internal error (a bug).  Data goes to stdout, messages to stderr.

Text that comes from inputs (file names, unit and project names, cell contents,
finding messages quoting them) is never rich markup: ``单位[/]`` must print as
it is and ``[link=…]`` must not become a link.  Table cells and titles go
through ``plain`` (a ``Text``, control characters written out), prose through
``say`` / ``note`` / ``error_line`` (markup off).  Under all of that every pbm
console is a ``SafeConsole``: whatever text reaches the terminal has its control
characters (ESC sequences, OSC links, C1, direction overrides) written out.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console

from ..errors import PbmError
from ..textsafe import has_control, visible

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from rich.console import ConsoleOptions
    from rich.segment import Segment
    from rich.table import Table
    from rich.text import Text


@dataclass
class _State:
    debug: bool = False


STATE = _State()

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def make_streams_safe() -> None:
    """On a non-UTF-8 console (Windows GBK), replace what it cannot show instead of crashing.

    Form contents can hold any character (•, −, emoji pasted from Word); a clerk's
    console must never turn one of them into an internal error.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not encoding.startswith("utf"):
            # a detached or closed stream has nothing to protect
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush to a pipe whose
    reader left cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class SafeConsole(Console):
    """A console that never passes a control character of its text to the terminal (rich's
    own styles, links and cursor moves are not text and stay as they are)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        from rich.segment import Segment

        return super()._render_buffer(
            Segment(visible(seg.text), seg.style, seg.control)
            if not seg.control and has_control(seg.text) else seg
            for seg in buffer)


class PipeSafeConsole(SafeConsole):
    """A console for which a reader that left (`pbm … | head -1`) is not an error: exit 0
    (rich's own default exits 1, which would stop `&&` chains)."""

    def on_broken_pipe(self) -> None:
        silence_stdout()
        raise SystemExit(0)


def _safe_console(stderr: bool) -> Console:
    # no emoji keeps output encodable on GBK consoles; messages on stderr are never
    # hard-wrapped, so one error stays one line (greppable, copyable into a reply)
    return PipeSafeConsole(stderr=stderr, emoji=False, highlight=False, soft_wrap=stderr)


err = _safe_console(stderr=True)
out = _safe_console(stderr=False)


@contextlib.contextmanager
def display_options(quiet: bool, no_color: bool) -> Iterator[None]:
    """-q: hints and notes on stderr are not shown (errors still are); --no-color: no colour
    anywhere, progress bars included.  Restored afterwards (one process may run many commands)."""
    saved = (err.quiet, out.no_color, err.no_color, os.environ.get("NO_COLOR"))
    if quiet:
        err.quiet = True
    if no_color:
        out.no_color = err.no_color = True
        os.environ["NO_COLOR"] = "1"  # consoles and progress bars made later
    try:
        yield
    finally:
        err.quiet, out.no_color, err.no_color = saved[:3]
        if saved[3] is None:
            os.environ.pop("NO_COLOR", None)
        else:
            os.environ["NO_COLOR"] = saved[3]


def plain(value: object, style: str = "") -> Text:
    """A table cell, title or line from inputs: no markup, control characters written out."""
    from rich.text import Text

    return Text(visible("" if value is None else str(value)), style=style)


def folding(table: Table) -> Table:
    """Cells too wide for an 80-column console wrap onto the next line instead of being cut
    with "…" (rich's default drops the characters a clerk needs: a path, a reason)."""
    for column in table.columns:
        if column.overflow == "ellipsis":
            column.overflow = "fold"
    return table


class QuickTable:
    """``table`` printed exactly as rich prints it, but with the body rows written here when
    every body cell is plain one-line text that fits its column: rich spends about 0.2 ms on a
    cell, seconds for a 2,000-unit ranking.  The title, header, rules and column widths are
    still rich's own (widths measured on the rows holding each column's widest cell and
    longest word, which are what rich's measurement takes); any other table is rich's."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        lines = self._lines(console, options)
        if lines is None:
            yield self.table
            return
        from rich.segment import Segment

        for line in lines:
            yield from ([Segment(line)] if isinstance(line, str) else line)
            yield Segment.line()

    def _plain_body(self) -> list[list[str]] | None:
        t = self.table
        if (t.expand or t.width is not None or t.min_width is not None or not t.show_header or t.show_footer
                or t.show_lines or t.leading or t.caption or t.row_styles or t.collapse_padding
                or not _unstyled(t.style) or not _unstyled(t.border_style) or t.box is None or not t.show_edge or not t.rows
                or t.padding[0] or t.padding[2] or any(r.style or r.end_section for r in t.rows)):
            return None
        from rich.text import Text

        columns = []
        for c in t.columns:
            if not _unstyled(c.style) or c.width is not None or c.ratio is not None or c.justify not in ("left", "right"):
                return None
            cells = c._cells   # plain one-line text as ``plain`` makes it, nothing rich lays out itself
            if not all(isinstance(x, Text) and type(x) is Text and not x.spans and _unstyled(x.style)
                       and x.justify is None and x.overflow is None for x in cells):
                return None
            text = [x.plain for x in cells]   # type: ignore[union-attr]
            if not all(x == x.strip() and x.isprintable() for x in text):
                return None
            columns.append(text)
        return columns

    def _lines(self, console: Console, options: ConsoleOptions) -> list[Any] | None:
        import copy
        from dataclasses import replace

        from rich.cells import cell_len
        from rich.segment import Segment

        body = self._plain_body()
        t = self.table
        if body is None or t.box is None:
            return None
        size: dict[str, int] = {}

        def width(x: str) -> int:
            n = size.get(x)
            if n is None:
                n = size[x] = cell_len(x)
            return n

        picks = set()   # the rows rich's measurement depends on: widest cell, longest word
        for text in body:
            picks.add(max(range(len(text)), key=lambda i: width(text[i])))
            picks.add(max(range(len(text)),
                          key=lambda i: max(map(width, text[i].split()), default=0) if " " in text[i] else width(text[i])))
        sample = copy.copy(t)
        sample.columns = [replace(c, _cells=[c._cells[i] for i in sorted(picks)]) for c in t.columns]
        sample.rows = [t.rows[i] for i in sorted(picks)]
        widths = sample._calculate_column_widths(console, options.update_width(options.max_width - t._extra_width))
        last = len(t.columns) - 1
        pads = [(0 if j == 0 and not t.pad_edge else t.padding[3], 0 if j == last and not t.pad_edge else t.padding[1])
                for j in range(len(t.columns))]
        room = [w - left - right for w, (left, right) in zip(widths, pads, strict=True)]
        if any(width(x) > r for text, r in zip(body, room, strict=True) for x in text):
            return None   # a cell wraps: rich lays it out
        head = copy.copy(t)
        head.columns = [replace(c, _cells=[], width=r) for c, r in zip(t.columns, room, strict=True)]
        head.rows = []
        framed = list(Segment.split_lines(console.render(head, options)))
        box = t.box.substitute(options, safe=t.safe_box if t.safe_box is not None else console.safe_box)
        rows = []
        for i, row in enumerate(zip(*body, strict=True)):
            left, divider, right = ((box.foot_left, box.foot_vertical, box.foot_right) if i == len(t.rows) - 1
                                    else (box.mid_left, box.mid_vertical, box.mid_right))
            cells = []
            for x, r, (pl, pr), c in zip(row, room, pads, t.columns, strict=True):
                fill = " " * (r - width(x))
                cells.append(" " * pl + (fill + x if c.justify == "right" else x + fill) + " " * pr)
            rows.append(left + divider.join(cells) + right)
        return [*framed[:-1], *rows, framed[-1]]


def _unstyled(style: object) -> bool:
    return style is None or style in ("", "none") or (not isinstance(style, str) and not style)


_SEGMENT = r"[^\s/\\，。、；：？！（）「」“”]+"
# a path (收件/目标申报, 通报/), a run of printable ASCII, blanks, or one character
_TOKENS = re.compile(rf"(?:{_SEGMENT}[/\\])+(?:{_SEGMENT})?|[!-~]+|\s+|.", re.S)
_NO_LINE_START = frozenset("，。、；：？！）》」』”’%,.;:!?)]")


def wrap_cjk(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells: Chinese may break between any two characters, a run of
    ASCII (a word, number, code or path) only when it alone is wider than a line, and closing
    punctuation never starts a line.  Continuation lines keep the paragraph's indent."""
    from rich.cells import cell_len

    lines: list[str] = []
    for para in text.split("\n"):
        indent = para[: len(para) - len(para.lstrip(" "))]
        cur = indent
        for tok in _TOKENS.findall(para[len(indent):]):
            if cell_len(cur) + cell_len(tok) <= width or not cur.strip():
                cur += tok
            elif tok.isspace():
                lines.append(cur.rstrip())
                cur = indent
            elif tok in _NO_LINE_START and len(cur) > len(indent) + 1:
                cut = len(cur) - 1   # carry the last character (and punctuation before it) down
                while cut > len(indent) + 1 and cur[cut] in _NO_LINE_START:
                    cut -= 1
                lines.append(cur[:cut].rstrip())
                cur = indent + cur[cut:] + tok
            else:
                lines.append(cur.rstrip())
                cur = indent + tok
            while cell_len(cur) > width and len(cur) > len(indent) + 1:   # a path wider than a line
                cut = len(indent) + 1
                while cut < len(cur) and cell_len(cur[: cut + 1]) <= width:
                    cut += 1
                lines.append(cur[:cut])
                cur = indent + cur[cut:]
        lines.append(cur.rstrip())
    return lines


def say(text: str, console: Console | None = None) -> None:
    """Prose on stdout, wrapped to the console width without breaking words (wrap_cjk)."""
    c = console or out
    for line in wrap_cjk(visible(text), c.width):
        c.print(line, markup=False, soft_wrap=True)


def note(text: str, console: Console | None = None) -> None:
    """One message line on stderr (or ``console``): no markup, control characters written out."""
    (console or err).print(visible(text), markup=False)


def wrote(output: object) -> None:
    """"已生成：…" on stderr once a report is written to a file (-o; muted by --quiet)."""
    if output is not None and str(output) != "-":
        note(f"已生成：{shown(output)}")


def shown(path: object) -> str:
    """A path as the clerk typed it: relative to the current folder when it lies inside it."""
    from pathlib import Path

    p = Path(str(path))
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve())) if p.is_absolute() else str(p)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return str(p)


def error_line(text: str) -> None:
    """An error is shown even under -q."""
    was, err.quiet = err.quiet, False
    try:
        err.print(visible(text), markup=False)
    finally:
        err.quiet = was


def handle_exception(exc: BaseException) -> int:
    """Map an exception to an exit code, printing one line (traceback only with --debug)."""
    if isinstance(exc, PbmError):
        error_line(f"错误：{exc}")
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        error_line("已中断。")
        return 130
    if STATE.debug:
        traceback.print_exception(exc, file=sys.stderr)
    error_line(f"内部错误（程序缺陷）：{type(exc).__name__}: {exc}。请加 --debug 重新运行并把输出反馈给开发人员。")
    return EXIT_BUG


def exit_on_internal_errors(failed: list[tuple[str, str]]) -> None:
    """pbm failed on some files (a bug): the rest was written; one Chinese line, exit 3."""
    if failed:
        import typer

        from ..report import internal_errors_text

        error_line(internal_errors_text(failed))
        raise typer.Exit(3)
