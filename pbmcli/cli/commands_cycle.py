"""`pbm rectify` (整改台账) and `pbm apply` (结果应用): the last mile.

Thin commands: parse options, call one core function, format the result.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, command, guarded
from .ledger_common import (
    DateOpt,
    DbOpt,
    Fmt,
    ListFmtOpt,
    emit_json,
    emit_rows,
    need_output,
    open_db,
    print_notes,
    print_table,
    rule_pack,
)
from .options import ConfigOpt, ForceOpt, OutputOpt, RulesOpt
from .output import say

if TYPE_CHECKING:
    from ..ledger.records import Rectification


# --------------------------------------------------------------------------- rectify

rectify_app = typer.Typer(help="整改台账：导入问题清单、查看、登记完成、列出逾期事项。", no_args_is_help=True, options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
app.add_typer(rectify_app, name="rectify")


@rectify_app.command("import", options_metavar="[选项]", help="导入整改事项：整改清单（单位、问题、整改要求、整改期限等栏目）或 validate/score 报告的「问题清单」工作表。")
@guarded
def rectify_import(file: Annotated[str, typer.Argument(metavar="文件", help="整改清单或审核报告（xlsx/csv）。")],
                   deadline: Annotated[str | None, typer.Option("--deadline", help="表中没有整改期限时使用的期限（YYYY-MM-DD）；默认为导入之日起 30 天（天数在 pbm.toml 的 \\[rank] rectify_days 中设置）。")] = None,
                   db: DbOpt = None, date: DateOpt = None, config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle.rectify import import_file, parse_date

    pack = rule_pack(rules, config)
    with open_db(pack, db, date, mode="create") as ledger:
        res = import_file(ledger, file, pack, parse_date(deadline) if deadline else None)
    print_notes([f.message for f in res.findings])
    if res.defaulted:
        print_notes([f"{res.defaulted} 条没有写整改期限，按默认期限 {res.default_deadline} 导入"
                     "（可用 --deadline 指定，或在清单中补上期限）。"])
    bad = sum(f.code == "R601" for f in res.findings)
    say(f"从 {file} 新增整改事项 {len(res.added)} 条，已存在而跳过 {res.skipped} 条"
        + (f"，整改期限无效而未导入 {bad} 条" if bad else "") + "。")


@rectify_app.command("list", options_metavar="[选项]", help="列出整改事项，可按状态筛选：open（未完成）、done（已完成）、overdue（已逾期）。")
@guarded
def rectify_list(status: Annotated[str | None, typer.Option("--status", help="open、done 或 overdue。")] = None,
                 fmt: ListFmtOpt = Fmt.table, output: OutputOpt = None, force: ForceOpt = False,
                 db: DbOpt = None, date: DateOpt = None, config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle.rectify import list_items

    pack = rule_pack(rules, config)
    fmt = need_output(fmt, output, force)
    with open_db(pack, db, date) as ledger:
        items = list_items(ledger, status, ledger.today())
        _print_items(items, fmt, ledger.today(), output, force)


@rectify_app.command("done", options_metavar="[选项]", help="登记整改完成：pbm rectify done 编号 --evidence 整改情况或佐证材料。")
@guarded
def rectify_done(item_id: Annotated[int, typer.Argument(metavar="编号", help="整改事项编号（pbm rectify list 可查看）。")],
                 evidence: Annotated[str, typer.Option("--evidence", help="整改情况或佐证材料（文件名、文号等）。")],
                 force: Annotated[bool, typer.Option("--force", help="事项已登记完成时，仍用本次的整改情况和日期覆盖原登记。")] = False,
                 db: DbOpt = None, date: DateOpt = None, config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle.rectify import complete

    pack = rule_pack(rules, config)
    with open_db(pack, db, date, mode="write") as ledger:
        item = complete(ledger, item_id, evidence, ledger.today().isoformat(), force=force)
    late = "（逾期完成）" if not item.done_on_time() else ""
    say(f"第 {item.id} 号整改事项（{item.unit_name}：{item.problem}）已登记完成{late}。")


@rectify_app.command("overdue", options_metavar="[选项]", help="列出已逾期（期限已过、尚未完成）的整改事项。")
@guarded
def rectify_overdue(fmt: ListFmtOpt = Fmt.table, output: OutputOpt = None, force: ForceOpt = False,
                    db: DbOpt = None, date: DateOpt = None,
                    strict: Annotated[bool, typer.Option("--strict", help="有逾期事项时退出码为 1（便于脚本判断；默认为 0）。")] = False,
                    config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle.rectify import overdue

    pack = rule_pack(rules, config)
    fmt = need_output(fmt, output, force)
    with open_db(pack, db, date) as ledger:
        items = overdue(ledger, ledger.today())
        _print_items(items, fmt, ledger.today(), output, force)
    if items and strict:
        raise typer.Exit(1)


def _print_items(items: list[Rectification], fmt: Fmt, today: dt.date, output: str | None = None,
                 force: bool = False) -> None:
    if fmt is Fmt.json:
        emit_json([{**r.to_dict(), "overdue": r.overdue(today)} for r in items], output, force)
        return
    labels = {"open": "未完成", "done": "已完成"}
    header = ["编号", "单位", "问题", "来源", "整改要求", "期限", "状态", "完成日期", "整改情况"]
    rows = [[r.id, r.unit_name, r.problem, r.source, r.requirement, r.deadline,
             "已逾期" if r.overdue(today) else labels.get(r.status, r.status), r.done_at, r.evidence] for r in items]
    if fmt is Fmt.table:
        print_table("整改事项", header, rows)
    else:
        emit_rows(fmt, "整改事项", header, rows, output, force, [f"统计日期：{today.isoformat()}"])


# --------------------------------------------------------------------------- apply


@command("apply", help="结果应用：按自评等级和预算执行情况，给出下一年度各项目预算安排建议。")
def apply_cmd(year: Annotated[int, typer.Option("--year", "-y", help="评价年度，如 2026。")],
              fmt: ListFmtOpt = Fmt.table,
              output: OutputOpt = None, force: ForceOpt = False,
              db: DbOpt = None, date: DateOpt = None, config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle.apply import suggest

    pack = rule_pack(rules, config)
    fmt = need_output(fmt, output, force)
    with open_db(pack, db, date) as ledger:
        res = suggest(ledger, year, pack)
    if not res.rows:
        from ..errors import UsageError

        raise UsageError(f"台账中没有 {year} 年度的自评表或执行数据，无法给出结果应用建议。请先用 pbm ingest"
                         f" 导入 {year} 年度的自评表（--period {year}），或用 pbm monitor --record 记录执行数据。")
    if fmt is Fmt.json:
        emit_json(res.to_dict(), output, force)
        return
    header = ["单位", "编码", "项目", "等级", "复核得分", "全年预算（万元）", "全年执行（万元）", "结余（万元）",
              "大额结余", "建议", "调整比例（%）", f"{year + 1}年建议数（万元）", "说明"]
    rows = [[s.unit, d["code"], d["project"], s.grade_label, d["total"], d["budget"], d["spent"],
             d["unspent"], "是" if d["large_balance"] else "", d["action"], d["change"], d["suggested"], d["note"]]
            for s, d in zip(res.rows, res.to_dict()["rows"], strict=True)]
    basis = ["等级为各项目自评表的复核等级（不是单位的综合排名等级）；金额单位：万元。"]
    if fmt is not Fmt.table:
        from ..outputs import MONEY, TWO

        emit_rows(fmt, f"{year}年度绩效评价结果应用建议", header, rows, output, force, basis, "结果应用建议",
                  pack.workspace.authority, {4: TWO, 5: MONEY, 6: MONEY, 7: MONEY, 10: TWO, 11: MONEY})
    else:
        screen = [0, 2, 3, 5, 7, 9, 10, 11]  # the rest (code, spent, notes …) in json / xlsx
        print_table(f"{year} 年度绩效评价结果应用建议",
                    [header[i].replace("（万元）", "").replace("年建", "年\n建") for i in screen],
               [[r[i] for i in screen] for r in rows])
        print_notes([f"{r.unit} {r.project}：{r.note}" for r in res.rows if r.note] + basis)
