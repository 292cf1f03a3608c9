"""Options and their parsing shared by the commands that read forms and write reports."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

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
