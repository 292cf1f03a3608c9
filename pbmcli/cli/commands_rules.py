"""`pbm rules list | explain CODE`: the rule registry, from the code itself."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from .app import app, guarded
from .output import folding, say

rules_app = typer.Typer(help="查看全部审核规则（代码、级别、说明）及单条规则的详细解释。",
                        no_args_is_help=True, options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
app.add_typer(rules_app, name="rules")


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


@rules_app.command("list", options_metavar="[选项]", help="列出全部规则：代码、名称、级别、适用表格和一句话说明。")
@guarded
def list_rules(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="输出格式：table（表格）或 json。")]
    = ListFormat.table,
) -> None:
    from ..rules.docs import list_json, list_rows
    from .output import out, plain

    if fmt is ListFormat.json:
        typer.echo(list_json())
        return
    from rich.table import Table

    table = Table(show_lines=False, expand=False)
    for title in ("代码", "级别"):
        table.add_column(title, no_wrap=True)
    for title in ("名称", "适用", "说明"):
        table.add_column(title, overflow="fold")
    for row in list_rows():
        table.add_row(*map(plain, (row["code"], row["severity_label"], row["name"], row["forms"], row["summary"])))
    out.print(folding(table))


@rules_app.command("explain", options_metavar="[选项]", help="显示一条规则的详细说明（说明、原因、示例、修正、配置项）。")
@guarded
def explain(
    code: Annotated[str, typer.Argument(metavar="规则代码", help="规则代码，如 G101。")],
    fmt: Annotated[ExplainFormat, typer.Option("--format", "-f", help="输出格式：text 或 json。")]
    = ExplainFormat.text,
) -> None:
    from ..rules import RULES, resolve, suggest
    from ..rules.docs import rule_dict, rule_markdown
    from .output import EXIT_USAGE, err, out

    target = resolve(code)
    if target is None:
        close = suggest(code)
        hint = f"相近的代码：{'、'.join(close)}。" if close else ""
        err.print(f"错误：没有规则代码「{code}」。{hint}用 pbm rules list 查看全部规则。",
                  markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)
    rule = RULES[target]
    if fmt is ExplainFormat.json:
        typer.echo(json.dumps(rule_dict(rule), ensure_ascii=False, indent=2))
        return
    from rich.markdown import Markdown

    if target != code.strip().upper():
        say(f"规则代码 {code} 已停用，现为 {target}。")
    out.print(Markdown(rule_markdown(rule, heading="#")))
