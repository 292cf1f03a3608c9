"""`pbm inspect FILE`: show what the reader understood in one form."""

from __future__ import annotations

from typing import Any

import typer

from ..errors import UsageError
from .app import command
from .output import folding, say

_FORMATS = ("table", "json")


@command("inspect", help="查看 pbm 从一张表格中读到的内容：表格种类、格式、表头、资金、目标、"
                         "绩效指标（含解析后的指标值和单元格位置）、总分和读取问题。用于核对读取是否正确。")
def inspect(
    file: str = typer.Argument(..., help="要查看的表格文件（.xlsx / .xlsm / .xls / .ods）。", metavar="文件"),
    fmt: str = typer.Option("table", "--format", "-f",
                            help="输出格式：table（便于阅读的表格，默认）或 json（稳定的机器可读格式，schema pbm.inspect/1）。"),
    config: str = typer.Option(None, "--config", help="配置文件 pbm.toml（默认从当前目录向上查找）；其中 \\[labels] 一节可补充栏目名称的写法。",
                               metavar="文件"),
) -> None:
    if fmt not in _FORMATS:
        raise UsageError(f"--format 只能是 table 或 json，现为「{fmt}」")
    from pathlib import Path

    if Path(file).is_dir():
        raise UsageError(f"「{file}」是文件夹：pbm inspect 一次查看一个表格文件，例如 pbm inspect {file}/某单位自评表.xlsx；"
                         f"要检查整个文件夹，请用 pbm validate {file}。")
    from ..readers import read_submission
    from ..readers.dump import submission_dict
    from .options import settings

    lex = settings(None, config).lexicon()
    data = submission_dict(read_submission(file, lex), lex)
    if fmt == "json":
        from ..textsafe import visible

        typer.echo(visible(_json(data)))  # C1 and direction controls as JSON escapes
    else:
        _print_tables(data)


def _json(data: dict[str, Any]) -> str:
    """Readable UTF-8 JSON; ASCII escapes when the console cannot encode a character (GBK)."""
    import json
    import sys

    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return json.dumps(data, ensure_ascii=True, indent=2)
    return text


def _show(field: dict[str, Any] | None) -> str:
    if not field:
        return ""
    if field.get("formula_uncached"):
        return "（公式无缓存值）"
    value = field.get("value")
    if value is None:
        return ""
    if isinstance(value, float):
        from ..model import num_text

        return f"{num_text(value)}%" if field.get("percent") else f"{num_text(value)}"
    return str(value)


def _cell(field: dict[str, Any] | None) -> str:
    return (field or {}).get("cell") or ""


def _print_tables(data: dict[str, Any]) -> None:
    from rich.table import Table

    from ..readers.dump import KEY_LABELS, VARIANT_LABELS
    from .output import out, say

    say(_safe(f"文件：{data['path']}"))
    say(_safe(f"表格：{data['kind_label']}（工作表「{data['sheet']}」，"
                    f"{VARIANT_LABELS.get(data['variant'], data['variant'])}，"
                    f"模板版本 {data['template_version'] or '无'}）"))
    for title, section in (("表头", data["header"]), ("目标", data["goals"]),
                           ("总分", data["totals"]), ("其他栏目", data["extra"])):
        if section:
            t = Table(title=title, title_justify="left")
            for col in ("栏目", "内容", "单元格"):
                t.add_column(col)
            for key, field in section.items():
                _row(t, KEY_LABELS.get(key, key), _show(field), _cell(field))
            out.print(folding(t))
    _print_funds(data, Table, out)
    _print_indicators(data, Table, out)
    _print_issues(data, Table, out)
    _print_not_found(data, Table, out)


def _print_not_found(data: dict[str, Any], table: Any, out: Any) -> None:
    """Expected fields not found, and the labels looked for: what to add under [labels]."""
    missing = data.get("not_found") or []
    if not missing:
        return
    from rich.text import Text

    t = table(title=Text("未找到的栏目（表中栏目名称若是别的写法，可在 pbm.toml 的 [labels] 中补充）"),
              title_justify="left")
    for col in ("位置", "栏目", "查找过的名称", "在 pbm.toml 中补充"):
        t.add_column(col)
    for m in missing:
        looked = "、".join(m["looked_for"]) + (f" 等 {len(m['looked_for']) + m['more']} 种" if m["more"] else "")
        _row(t, m["section_name"], m["name"], looked, f"[labels.{m['section']}] {m['key']} = [\"…\"]")
    out.print(folding(t))


def _safe(text: str) -> str:
    """Text the console can print: characters outside its encoding (GBK) become "?"."""
    import sys

    encoding = sys.stdout.encoding or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "replace").decode(encoding)
    except LookupError:
        pass
    return text


def _row(t: Any, *cells: str) -> None:
    """Add a row of plain text (no rich markup: cell contents may hold brackets)."""
    from .output import plain

    t.add_row(*(plain(_safe(c)) for c in cells))


def _print_funds(data: dict[str, Any], table: Any, out: Any) -> None:
    from rich.text import Text

    from ..readers.dump import BLOCK_LABELS, FUND_COL_LABELS, FUND_ROW_LABELS
    from ..textsafe import visible

    for block, rows in data["funds"].items():
        cols = list(dict.fromkeys(c for r in rows.values() for c in r))
        say(f"项目资金（{BLOCK_LABELS.get(block, block)}，万元）")
        t = table()
        t.add_column("")
        for c in cols:
            t.add_column(FUND_COL_LABELS.get(c, c), justify="right")
        for key, row in rows.items():
            t.add_row(Text(FUND_ROW_LABELS.get(key, key)),
                      *(Text.assemble(visible(_safe(_show(row.get(c)))), (f" {_cell(row.get(c))}", "dim"))
                        for c in cols))
        out.print(folding(t))


def _print_indicators(data: dict[str, Any], table: Any, out: Any) -> None:
    from ..readers.dump import BLOCK_LABELS

    if not data["indicators"]:
        say("绩效指标：未读到任何指标行。")
        return
    t = table(title=f"绩效指标（{len(data['indicators'])} 行）", title_justify="left")
    present = [k for k in _OPTIONAL_COLS if any(k in i["fields"] for i in data["indicators"])]
    for col in ("行", "块", "一级指标", "二级指标", "三级指标", "年度指标值",
                *(_OPTIONAL_COLS[k] for k in present), "单元格"):
        t.add_column(col)
    for ind in data["indicators"]:
        f = ind["fields"]
        cells = " ".join(c for c in (ind["cells"].get("name"), ind["cells"].get("target")) if c)
        shown = [_value(ind["actual"]) if k == "actual" else _show(f.get(k)) for k in present]
        _row(t, str(ind["row"]), BLOCK_LABELS.get(ind["block"], ind["block"]), ind["level1"],
             ind["level2"], ind["name"], _value(ind["target"]), *shown, cells)
    out.print(folding(t))


_OPTIONAL_COLS = {"actual": "实际完成值", "weight": "分值", "score": "得分", "current": "当前完成值",
                  "forecast": "全年预计", "likelihood": "完成可能性"}


def _value(v: dict[str, Any] | None) -> str:
    if v is None:
        return ""
    kinds = {"quantitative": "定量", "qualitative": "定性", "empty": "空", "unparseable": "无法解析"}
    shown = v["display"] or v["text"]
    return f"{shown}（{kinds.get(v['kind'], v['kind'])}）" if shown else kinds.get(v["kind"], "")


def _print_issues(data: dict[str, Any], table: Any, out: Any) -> None:
    from ..readers.dump import ISSUE_LABELS

    if not data["issues"]:
        say("读取问题：无。")
        return
    t = table(title="读取问题", title_justify="left")
    for col in ("类型", "位置", "说明"):
        t.add_column(col)
    for issue in data["issues"]:
        where = f"{issue['sheet']}!{issue['cell']}" if issue["cell"] else ""
        _row(t, ISSUE_LABELS.get(issue["kind"], issue["kind"]), where, issue["detail"])
    out.print(folding(t))
