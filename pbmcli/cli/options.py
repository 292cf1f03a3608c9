"""Options and their parsing shared by the commands that read forms and write reports."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from ..config import RulePack


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    md = "md"


FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="输出格式：table（表格，默认）、json、csv、xlsx、md。")]
OutputOpt = Annotated[str | None, typer.Option("--output", "-o", help="写入该文件（xlsx 格式必须指定）；不指定则输出到屏幕。")]
ForceOpt = Annotated[bool, typer.Option("--force", help="允许覆盖已存在的输出文件。")]
RulesOpt = Annotated[str | None, typer.Option("--rules", help="规则包：内置名称（national）或 TOML 文件路径。")]
ConfigOpt = Annotated[str | None, typer.Option("--config", help="配置文件 pbm.toml 的路径（默认从当前目录向上查找）。")]
SelectOpt = Annotated[list[str] | None, typer.Option("--select", help="只启用这些规则代码或前缀，逗号分隔，如 G1,S201。")]
IgnoreOpt = Annotated[list[str] | None, typer.Option("--ignore", help="停用这些规则代码或前缀，逗号分隔，如 I105。")]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数，默认等于 CPU 核数；1 表示不并行。")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度条和提示信息，只输出结果。")]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="不使用颜色。")]

_CODE = re.compile(r"^[A-Z]([0-9]{1,3})?$")
_F = TypeVar("_F", bound=StrEnum)
_SUFFIX_FORMATS = {".xlsx": "xlsx", ".json": "json", ".csv": "csv", ".md": "md"}


def pick_format(fmt: _F, output: str | None) -> _F:
    """The format to write: --format, or, when it is left at table, the one the -o file's
    extension names (``-o 结果.xlsx`` writes a workbook, not the screen's table).  An
    extension naming another format than --format, or one the command cannot write, is a
    usage error: a .xlsx file holding JSON opens in no program."""
    from ..errors import UsageError

    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    wanted = _SUFFIX_FORMATS.get(suffix)
    if wanted is None or fmt == wanted:
        return fmt
    choices = [f.value for f in type(fmt) if f.value != "table"]
    if fmt != "table":
        raise UsageError(f"输出文件「{output}」的扩展名是 {suffix}，与 --format {fmt.value} 不一致。"
                         f"请改用 --format {wanted}，或把文件名改为 ….{fmt.value}。")
    if wanted not in choices:
        raise UsageError(f"本命令不能输出 {wanted} 格式（可选：{'、'.join(choices)}）。"
                         f"请把 -o 的文件名改为 ….{choices[0]} 这样的扩展名，或加 --format 指定格式。")
    return type(fmt)(wanted)


def not_an_input(output: str | None, inputs: Iterable[str]) -> None:
    """-o must not name a file being read, given itself or found in a folder given: a submitted
    form is never overwritten, --force or not.  (A new report written into a folder being read
    is harmless: the next run skips pbm's reports.)"""
    from ..errors import UsageError
    from ..readers.limits import SPREADSHEET_SUFFIXES

    if not output or output == "-":
        return
    target = _resolved(output)
    for given in inputs:
        source = _resolved(given)
        inside = (source.is_dir() and source in target.parents and target.is_file()  # found in a folder read
                  and target.suffix.lower() in (*SPREADSHEET_SUFFIXES, ".zip"))
        if target == source or inside:
            raise UsageError(f"输出文件「{output}」就是要读取的文件：报送的原表不会被覆盖（加 --force 也不会）。"
                             "请换一个输出位置，例如 -o 输出/审核结果.xlsx。")


def _resolved(path: str) -> Path:
    """The real path; a symlink loop (RuntimeError on Python 3.11) or an unreadable link is its
    absolute path (the reader says what is wrong with it)."""
    import os

    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def parse_codes(values: list[str] | None, option: str) -> list[str]:
    """"G1, S201" (repeatable) -> ["G1", "S201"]; a malformed code is a usage error."""
    from ..errors import UsageError

    codes = [c.strip().upper() for v in values or () for c in re.split(r"[,，\s]+", v) if c.strip()]
    for code in codes:
        if not _CODE.match(code):
            raise UsageError(f"{option} 中的规则代码「{code}」格式不对，应为 G101 这样的代码或 G1、G 这样的前缀。")
        _check_known(code, option)
    return codes


def _check_known(code: str, option: str) -> None:
    from ..errors import UsageError
    from ..rules import unknown_code

    message = unknown_code(code, f"{option} ")
    if message:
        raise UsageError(message)


def settings(rules: str | None, config: str | None) -> RulePack:
    """The resolved rule pack; its notes on reading (a pbm.toml saved as GBK …) go to stderr."""
    from ..config import load
    from .output import err

    pack = load(rules=rules, config=config)
    for note in pack.notes:
        err.print(note, markup=False)
    return pack


def load_pack(rules: str | None, config: str | None, select: list[str] | None,
              ignore: list[str] | None) -> RulePack:
    """The resolved rule pack with the command line's --select / --ignore applied."""
    pack = settings(rules, config)
    return pack.with_selection(parse_codes(select, "--select"), parse_codes(ignore, "--ignore"))


def resolve_jobs(jobs: int | None) -> int:
    from ..batch import default_jobs
    from ..errors import UsageError

    if jobs is not None and jobs < 0:
        raise UsageError(f"--jobs 应为正整数，现为 {jobs}。")
    return jobs or default_jobs()
