"""`pbm init`, `pbm ledger` (and `pbm ledger remove`), `pbm ingest`, `pbm monitor`, `pbm rank`.

Thin commands: parse options, call one core function, format the result.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import app, command, guarded
from .ledger_common import (
    DateOpt,
    DbOpt,
    Fmt,
    MonitorFmt,
    ScreenFmt,
    emit_json,
    need_output,
    open_db,
    print_notes,
    print_table,
    rule_pack,
)
from .options import ConfigOpt, ForceOpt, JobsOpt, OutputOpt, QuietOpt, RulesOpt, resolve_jobs
from .output import exit_on_internal_errors, say, wrote

if TYPE_CHECKING:
    from ..config import RulePack
    from ..cycle.lights import LightsResult
    from ..cycle.monitor import MonitorResult
    from ..cycle.ranking import Ranking
    from ..ledger.remove import RemovalPlan


# --------------------------------------------------------------------------- init / ledger


@command("init", help="新建工作区：pbm.toml（带中文说明）、单位名录 units.xlsx、收件/输出/通报文件夹。不会覆盖已有文件。")
def init_cmd(directory: Annotated[Path, typer.Argument(metavar="文件夹", help="工作区文件夹，默认当前文件夹。")] = Path(".")) -> None:
    from ..ledger.workspace import init_workspace

    res = init_workspace(directory)
    say(f"已在 {res.root.resolve()} 建立工作区：")
    for p in res.created:
        say(f"  {p}")
    say("下一步（在工作区文件夹中运行；完整流程见 README 的“日常工作流程”）：")
    for step in ("1. 在 units.xlsx 中填写单位名录（单位编码、单位名称、简称/别名、类别），"
                 "再运行 pbm ledger --units units.xlsx 导入；",
                 "2. 修改 pbm.toml 中的发文机关、发文字号等设置；",
                 "3. 把收到的申报表、自评表放进 收件/目标申报、收件/自评，运行 pbm validate 收件/目标申报 审核，"
                 "pbm ingest 收件/目标申报 --period 2026 记入台账；",
                 "4. 每月把执行数据导出表放进 收件/执行，运行 pbm monitor 收件/执行/2026-10.xlsx --record，"
                 "再用 pbm rank --period 2026-10 排名、pbm notice monthly --period 2026-10 生成通报（在 通报/ 中）。"):
        say("  " + step)


ledger_app = typer.Typer(options_metavar="[选项]", subcommand_metavar="[命令] [参数]...")
app.add_typer(ledger_app, name="ledger")


@ledger_app.callback(invoke_without_command=True,
                     help="查看台账：已记录的期间、单位数、各类报表数量、被新版本替代的旧版本；--units 导入单位名录；"
                          "pbm ledger remove 删除误导入的记录。")
@guarded
def ledger_cmd(ctx: typer.Context, db: DbOpt = None,
               units: Annotated[str | None, typer.Option("--units", help="导入（更新）单位名录 units.xlsx。")] = None,
               fmt: Annotated[ScreenFmt, typer.Option("--format", "-f", help="输出格式：table（默认）或 json。")] = ScreenFmt.table,
               config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    if ctx.invoked_subcommand is not None:
        given = {"--db": db, "--units": units, "--format": fmt is not ScreenFmt.table, "--config": config,
                 "--rules": rules}
        _no_summary_options(ctx.invoked_subcommand, [k for k, v in given.items() if v])
        return
    from ..ledger.units import read_units

    pack = rule_pack(rules, config)
    directory = read_units(units) if units else None  # a bad directory stops before the ledger is touched
    with open_db(pack, db, mode="read" if directory is None else "create") as ledger:
        if directory is not None:
            n = ledger.upsert_units(directory)
            print_notes([f"已从 {units} 导入 {n} 个单位。"])
        summary = ledger.summary()
    if fmt is ScreenFmt.json:
        emit_json(summary, None, False)
        return
    _print_summary(summary)


def _no_summary_options(sub: str, given: list[str]) -> None:
    """`pbm ledger --db x remove …`: the options belong to the subcommand; say so instead of
    silently using or dropping them."""
    if given:
        from ..errors import UsageError

        raise UsageError(f"{'、'.join(given)} 是 pbm ledger 查看台账时用的选项，不能写在 {sub} 前面；"
                         f"{sub} 的选项请写在它后面，如 pbm ledger {sub} --period 2025 --db 台账.sqlite。")


def _print_summary(s: dict[str, Any]) -> None:
    say(f"台账：{s['db']}（结构版本 {s['schema_version']}）  单位 {s['units']} 个  运行记录 {s['runs']} 次")
    say(f"期间：{'、'.join(s['periods']) or '（无）'}")
    from ..model import FormKind

    rows = [[FormKind(f).label, c["current"], c["superseded"]] for f, c in s["forms"].items()]
    if rows:
        print_table("报表", ["类型", "现行版本", "已被替代"], rows)
    else:
        say("报表：（无）")
    if s["execution"]:
        print_table("执行数据", ["期间", "行数"], [[p, n] for p, n in s["execution"].items()])
    else:
        say("执行数据：（无）")
    if s["superseded"]:
        print_table("被替代的旧版本", ["编号", "单位", "项目", "期间", "文件", "被替代为"],
               [[r["id"], r["unit_name"], r["project"], r["period"], r["path"], r["superseded_by"]]
                for r in s["superseded"]])
    if s.get("removals"):
        print_table("删除记录（pbm ledger remove）", ["运行编号", "时间", "期间", "条件", "报表", "执行数据行"],
                    [[r["run"], r["at"], r["period"], r["filters"], r["submissions"], r["execution_rows"]]
                     for r in s["removals"]])
    labels = {"open": "未完成", "done": "已完成"}
    say("整改事项：" + ("、".join(f"{labels.get(k, k)} {v}" for k, v in s["rectifications"].items()) or "（无）"))


class FormChoice(StrEnum):
    goal = "goal"
    selfeval = "selfeval"
    monitor = "monitor"


@ledger_app.command("remove", options_metavar="[选项]",
                    help="删除误导入的记录：按 --period 导入的报表（连同审核问题和复核得分），可按单位、文件、类型筛选；"
                         "--execution 删除该月的执行数据。先列出将删除的记录，确认后才删除，并记入台账运行记录。")
@guarded
def ledger_remove(period: Annotated[str, typer.Option("--period", "-p", help="导入时所用的期间（pbm ingest --period 或 pbm monitor --period 的值），如 2025、2026Q3、2026-10。")],
                  unit: Annotated[str | None, typer.Option("--unit", help="只删除该单位的报表（编码、名称或简称）。")] = None,
                  file: Annotated[str | None, typer.Option("--file", help="只删除该文件的记录：文件名（如 a.xlsx、收件.zip），或导入时的文件、文件夹、zip 路径。")] = None,
                  form: Annotated[FormChoice | None, typer.Option("--form", help="只删除该类报表：goal 申报表、selfeval 自评表、monitor 监控表。")] = None,
                  execution: Annotated[bool, typer.Option("--execution", help="删除该月用 pbm monitor --record 记入的执行数据（而不是报表）；可用 --file 只删除某一份导出表。")] = False,
                  yes: Annotated[bool, typer.Option("--yes", "-y", help="不询问，直接删除；在脚本中运行时必须加。")] = False,
                  db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Remove what was recorded by mistake; the superseded-chain rule is in ledger/remove.py."""
    from ..errors import UsageError
    from ..ledger.remove import apply_removal, plan_removal

    pack = rule_pack(None, config)
    with open_db(pack, db, mode="write") as ledger:
        plan = plan_removal(ledger, period, unit=unit, file=file, form=form.value if form else None,
                            execution=execution)
        _print_plan(plan)
        if not yes:
            if not _stdin_is_terminal():
                raise UsageError("删除前需要确认，但当前不是在终端中运行，无法询问，未删除任何记录。"
                                 "核对以上清单无误后，加 --yes 再运行本命令。")
            if not typer.confirm(f"确认从台账中删除以上 {_plan_size(plan)}？", default=False):
                from .output import error_line

                error_line("已取消，台账未改动。")
                raise typer.Exit(2)
        done = apply_removal(ledger, plan)
    what = (f"{done.execution_rows} 行执行数据" if execution
            else f"{done.submissions} 份报表记录（连同审核问题 {done.findings} 条、复核得分 {done.scores} 条）")
    say(f"已从台账删除 {plan.period} 的 {what}；本次删除已记入台账运行记录（第 {done.run_id} 号）。")
    if not execution:
        print_notes(["如期间有误，现在可以按正确的期间重新导入这些文件（pbm ingest 路径 --period 正确的期间），"
                     "它们将作为新记录记入。"])


def _stdin_is_terminal() -> bool:
    import sys

    return bool(sys.stdin and sys.stdin.isatty())


def _plan_size(plan: RemovalPlan) -> str:
    if plan.execution:
        return f"{len(plan.execution)} 份执行数据（共 {sum(s.rows for s in plan.execution)} 行）"
    return f"{len(plan.submissions)} 份报表记录（连同其审核问题和复核得分）"


def _print_plan(plan: RemovalPlan) -> None:
    state = {True: "现行", False: "已被替代"}
    if plan.execution:
        print_table(f"将删除的执行数据（{plan.period}，共 {len(plan.execution)} 份）",
                    ["来源（文件 SHA-256 前 12 位）", "行数", "单位数", "记入时间", "版本"],
                    [[s.source[:12], s.rows, s.units, s.recorded_at, state[s.superseded_by is None]]
                     for s in plan.execution])
        print_notes([f"删除后恢复为现行数据：{s.source[:12]}（{s.rows} 行，记入于 {s.recorded_at}）。"
                     for s in plan.execution_restored])
        return
    print_table(f"将删除的报表记录（{plan.period}，共 {len(plan.submissions)} 份）",
                ["编号", "类型", "单位", "项目", "文件", "版本"],
                [[r.id, FORM_SHORT.get(r.form, r.form), r.unit_name, r.project, _file_name(r.path),
                  state[r.superseded_by is None]] for r in plan.submissions], ratios=(0, 0, 2, 3, 3))
    print_notes([f"删除后恢复为现行版本：编号 {r.id}（{r.unit_name}，{r.project}，{_file_name(r.path)}）。"
                 for r in plan.restored])


@command("ingest", help="读取报表（文件、文件夹或 zip），审核、复核得分、匹配单位并记入台账。同一文件重复导入不会重复记录。")
def ingest_cmd(paths: Annotated[list[str], typer.Argument(metavar="路径", help="报表文件、文件夹或 zip。")],
               period: Annotated[str, typer.Option("--period", "-p", help="所属期间：2026（年度）、2026Q3（季度）或 2026-08（月份）。")],
               db: DbOpt = None,
               fmt: Annotated[ScreenFmt, typer.Option("--format", "-f", help="输出格式：table（默认）或 json。")] = ScreenFmt.table,
               date: Annotated[str | None, typer.Option("--date", help="收件日期（YYYY-MM-DD），用于判断是否按时报送；默认今天。")] = None,
               strict: Annotated[bool, typer.Option("--strict", help="有报表存在“错误”级问题时退出码为 1（默认记入台账即为 0，便于 && 连写）。")] = False,
               jobs: JobsOpt = None,
               config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..ledger.workspace import ingest
    from ..period import Period

    pack = rule_pack(rules, config)
    Period.parse(period)
    n_jobs = resolve_jobs(jobs)
    with open_db(pack, db, date, mode="create") as ledger:
        res = ingest(ledger, paths, period, pack, jobs=n_jobs, progress=True)
    if not res.items:  # nothing to show: the reason only, no empty table
        from ..errors import UsageError

        if fmt is ScreenFmt.table:
            print_notes([f"已跳过 {_file_name(x['path'])}：{x['reason']}" for x in res.skipped])
        raise UsageError(f"没有找到可导入的表格文件（支持 .xlsx .xlsm .xls .ods 及其 .zip 压缩包），"
                         f"已跳过 {len(res.skipped)} 项。")
    if fmt is ScreenFmt.json:
        emit_json(res.to_dict(), None, False)
    else:
        _ingest_table(res)
    with_errors = [i for i in res.items if i.errors]
    recorded = [i for i in with_errors if i.status in ("new", "superseded")]
    if recorded and fmt is not ScreenFmt.json:  # not said of files already in the ledger
        print_notes([f"{len(recorded)} 份报表有“错误”级问题，已照常记入台账；"
                     "可用 pbm notice return 生成退回修改意见，单位重报后再导入即替代旧版本。"])
    exit_on_internal_errors(res.internal_errors)
    if strict and (any(f.severity.value == "error" for f in res.findings) or with_errors):
        raise typer.Exit(1)


FORM_SHORT = {"goal": "申报表", "selfeval": "自评表", "monitor": "监控表", "unknown": "未识别"}
INGEST_STATUS = {"new": "新记录", "duplicate": "已存在", "superseded": "新版本", "unreadable": "无法读取"}


def _file_name(display: str) -> str:
    """The file name of a display path (a zip member: the member's name)."""
    return display.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].rsplit("!", 1)[-1] or display


def _ingest_table(res: Any) -> None:
    """Short cells (file name, 申报表/自评表, 新版本 …) so the table stays readable at 80 columns."""
    from .output import out

    header = ["文件", "类型", "单位", "项目", "错误/警告", "复核得分", "结果"]
    rows = [[_file_name(i.path), FORM_SHORT.get(i.form, i.form), i.unit, i.project, f"{i.errors}/{i.warnings}",
             "" if i.total is None else f"{i.total:.2f} {i.grade or ''}".strip(), INGEST_STATUS[i.status]]
            for i in res.items]
    narrow = out.width < 100  # the project is nearly always in the file name: leave it out on narrow screens
    keep = [j for j in range(len(header)) if not (narrow and header[j] == "项目")]
    print_table(f"导入结果（{res.period}）", [header[j] for j in keep], [[r[j] for j in keep] for r in rows],
           ratios=(3, 0, 2) if narrow else (4, 0, 3, 3))
    if any(i.status in ("superseded", "duplicate") for i in res.items):
        print_notes(["“新版本”：替代了台账中同一单位、项目、期间的旧版本（旧版本保留在历史中）；“已存在”：同一文件已导入过，未改动。"])
    print_notes([f"{_file_name(i.path)}：{i.note}" for i in res.items if i.note])
    print_notes([f"{_file_name(f.path)}：{f.message}" for f in res.findings]
           + [f"已跳过 {_file_name(x['path'])}：{x['reason']}" for x in res.skipped])
    by_form: dict[str, list[str]] = {}
    for m in res.missing:
        by_form.setdefault(m.get("form_label", ""), []).append(m["unit"])
    print_notes([f"未报送{form}（按台账中 {res.period} 的现行版本）：{'、'.join(units)}" for form, units in by_form.items()])


# --------------------------------------------------------------------------- monitor


@command("monitor", help="执行进度监控：读取预算系统导出的月度执行数据（xlsx/xls/csv），按单位和项目计算执行率、时间进度、偏差和预警；"
                         "也可读取绩效运行监控表（文件或文件夹），给每个指标亮灯。")
def monitor_cmd(export: Annotated[str, typer.Argument(metavar="路径", help="执行数据导出文件，或绩效运行监控表所在的文件/文件夹。")],
                period: Annotated[str | None, typer.Option("--period", "-p", help="月份，如 2026-10；不写时取文件名或文件夹名中的月份（如 2026-08.xlsx、收件/监控/2026年8月/）。")] = None,
                fmt: Annotated[MonitorFmt, typer.Option("--format", "-f", help="输出格式：table（默认）、json、xlsx（须用 -o 指定文件）。")] = MonitorFmt.table,
                output: OutputOpt = None, force: ForceOpt = False,
                record: Annotated[bool, typer.Option("--record", help="把本月执行数据记入台账（供排名和通报使用）。")] = False,
                force_period: Annotated[bool, typer.Option("--force-period", help="导出文件名中写的月份与 --period 不同时，仍按 --period 记入台账（默认不记录，退出码 2）。")] = False,
                quiet: QuietOpt = False,
                db: DbOpt = None, config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle import monitor

    pack = rule_pack(rules, config)
    fmt = need_output(fmt, output, force, [export])
    if not Path(export).exists():
        from ..errors import UsageError

        raise UsageError(f"找不到「{export}」：请检查路径（执行数据导出文件，或绩效运行监控表所在的文件/文件夹）。")
    period = _monitor_period(export, period, quiet)
    forms = monitor.detect_kind(export) == "forms"
    _check_month(export, period, record and not forms and not force_period)
    if forms:
        _lights(export, period, pack, fmt, output, force, quiet)
        return
    from ..ledger.workspace import directory_units

    if not record:  # reading only: no ledger is created
        res = monitor.monitor_export(export, period, pack, directory_units(pack, db))
    else:
        with open_db(pack, db, mode="create") as ledger:
            res = monitor.monitor_export(export, period, pack, ledger.units())
            status = monitor.record(ledger, res, export)
        print_notes([{"new": "已记入台账。", "duplicate": "台账中已有这份数据，未改动。",
                 "superseded": "已记入台账，替代了本月之前导入的数据（旧数据保留在历史中）。"}[status]], quiet)
    print_notes([f.message for f in res.findings], quiet)
    if fmt is MonitorFmt.json:
        emit_json(res.to_dict(), output, force)
    elif fmt is MonitorFmt.xlsx:
        from ..cycle.exports import monitor_heading, monitor_sheets
        from ..outputs import write_xlsx

        write_xlsx(output or "", monitor_sheets(res), force, monitor_heading(res, pack.workspace.authority))
        wrote(output)
    else:
        _monitor_table(res, quiet)


def _monitor_period(path: str, period: str | None, quiet: bool) -> str:
    """--period, else the one month the file or folder name states (said on stderr)."""
    from ..errors import UsageError
    from ..period import month_in_path

    if period:
        return period
    found = month_in_path(path)
    if found is None:
        raise UsageError(f"请用 --period 指定月份（如 --period 2026-10）：从「{path}」的文件名和文件夹名中看不出是哪个月。")
    month, name = found
    print_notes([f"未指定 --period，按名称「{name}」取 {month}。"], quiet)
    return str(month)


def _check_month(path: str, period: str, refuse: bool) -> None:
    """The month in the name of the export (or of the folder of forms) differs from --period:
    warn, or (``refuse``: --record without --force-period) stop before anything is recorded.
    Only that name counts: a month in a folder further up says nothing about this file."""
    from ..errors import UsageError
    from ..period import Period, month_in_path
    from .output import error_line

    given, found = Period.parse(period), month_in_path(Path(path).name)
    if found is None or found[0] == given or given.kind != "month":
        return
    month, name = found
    text = f"名称「{name}」写的是 {month}，而 --period 为 {given}"
    if refuse:
        raise UsageError(f"{text}，为免按错误的月份记入台账，本次未记录。如这是 {month} 的数据，请改用 --period {month}；"
                         f"如确是 {given} 的数据（名称写错了），加 --force-period 按 {given} 记入。")
    error_line(f"注意：{text}，请核对月份；结果按 {given} 计算。")


def _monitor_table(res: MonitorResult, quiet: bool = False) -> None:
    d = res.to_dict()
    print_table(f"{d['period']} 预算执行进度（时间进度 {d['time_progress']:.2f}%，金额单位：万元）",
           ["单位", "编码", "全年预算", "累计支出", "执行率%", "偏差(百分点)", "预警"],
           [[u["unit"], u["code"], u["budget"], u["spent"], u["rate"], u["gap"], u["level_text"]] for u in d["units"]])
    warn = [[u["unit"], p["project"], p["rate"], p["gap"], p["level_text"]]
            for u in d["units"] for p in u["projects"] if p["level"] != "green"]
    if warn:
        print_table("预警项目", ["单位", "项目", "执行率%", "偏差(百分点)", "预警"], warn)
    if d["incomplete"]:
        print_table("数据缺失（金额为空或不是数字，未计入执行率和合计）", ["单位", "项目", "行号", "缺失的列"],
               [[i["unit"], i["project"], i["row"], i["columns"]] for i in d["incomplete"]])
    t = d["total"]
    print_notes([f"合计：预算 {t['budget']:,.2f} 万元，支出 {t['spent']:,.2f} 万元，执行率 {t['rate'] or 0:.2f}%，"
            f"偏差 {t['gap'] or 0:.2f} 个百分点。"], quiet)
    if d["missing"]:
        print_notes(["未报送：" + "、".join(m["unit"] for m in d["missing"])], quiet)


def _lights(path: str, period: str, pack: RulePack, fmt: MonitorFmt, output: str | None, force: bool,
            quiet: bool = False) -> None:
    from ..cycle.lights import monitor_forms
    from ..ledger.workspace import read_forms

    subs, findings, months, skipped = read_forms([path], pack=pack)
    if not subs:
        from ..errors import UsageError

        print_notes([f"{f.path}：{f.message}" for f in findings] + skipped, quiet)
        raise UsageError(f"「{path}」中没有读到绩效运行监控表。如是预算执行数据的导出文件，请每次指定一个月的文件，"
                         f"例如 pbm monitor {path.rstrip('/')}/{period}.xlsx --period {period}。")
    res = monitor_forms(subs, period, pack, months)
    print_notes([f"{f.path}：{f.message}" for f in findings] + skipped, quiet)
    if fmt is MonitorFmt.json:
        emit_json(res.to_dict(), output, force)
        return
    if fmt is MonitorFmt.xlsx:
        from ..cycle.exports import lights_sheets, monitor_heading
        from ..outputs import write_xlsx

        write_xlsx(output or "", lights_sheets(res), force, monitor_heading(res, pack.workspace.authority))
        wrote(output)
        return
    rows = [[i["unit"], i["project"], i["indicator"], i["target"], i["current"], i["p"], i["light_label"], i["basis"]]
            for i in res.to_dict()["indicators"]]
    header = ["单位", "项目", "指标", "年度指标值", "当前完成值", "完成比例%", "灯", "依据"]
    _lights_table(res, header, rows, quiet)


def _lights_table(res: LightsResult, header: list[str], rows: list[list[Any]], quiet: bool = False) -> None:
    print_table(f"{res.period} 绩效运行监控指标亮灯", header, rows)
    c = res.counts()
    print_notes([f"红灯 {c['red']}，黄灯 {c['yellow']}，绿灯 {c['green']}，蓝灯 {c['blue']}，无法判断 {c['none']}。"], quiet)


# --------------------------------------------------------------------------- rank


@command("rank", help="排名：--period 2026-10（按执行进度）、2026Q3 或 2026（综合得分），数据取自台账；--explain 单位 说明得分构成。")
def rank_cmd(period: Annotated[str, typer.Option("--period", "-p", help="2026-10（月）、2026Q3（季度）或 2026（年度）。")],
             fmt: Annotated[Fmt, typer.Option("--format", "-f", help="输出格式：table（默认）、json、xlsx、md。")] = Fmt.table,
             explain: Annotated[str | None, typer.Option("--explain", help="说明该单位（编码或名称）的得分构成和扣分依据。")] = None,
             output: OutputOpt = None, force: ForceOpt = False,
             db: DbOpt = None, date: DateOpt = None, config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle import rank_explain, ranking
    from ..period import Period

    pack = rule_pack(rules, config)
    fmt = need_output(fmt, output, force)
    Period.parse(period)  # a bad period stops before the ledger is touched
    with open_db(pack, db, date) as ledger:
        res = ranking.rank(ledger, period, pack)
        detail = rank_explain.explain(res, explain, ledger) if explain else None
    if not res.rows():
        from ..errors import UsageError

        raise UsageError(f"台账中没有 {res.period} 可用于排名的数据。请先用 pbm monitor 执行数据 --period 月份"
                         " --record 记录执行数据，或用 pbm ingest 导入报表。")
    if detail is not None:
        _print_explain(detail, fmt, output, force)
    elif fmt is Fmt.json:
        emit_json(res.to_dict(), output, force)
    elif fmt is Fmt.xlsx:
        from ..cycle.exports import rank_heading, rank_sheets
        from ..outputs import write_xlsx

        write_xlsx(output or "", rank_sheets(res), force, rank_heading(res, pack.workspace.authority))
        wrote(output)
    elif fmt is Fmt.md:
        from ..cycle.exports import rank_markdown
        from ..outputs import emit_text

        emit_text(rank_markdown(res), output, force)
        wrote(output)
    else:
        _rank_table(res)


def _rank_table(res: Ranking) -> None:
    from ..cycle.exports import rank_header, rank_rows, rank_title, without_code

    header, keys = rank_header(res)
    for group, rows in res.groups.items():
        head, body = header, rank_rows(res, rows, keys)
        if res.kind != "month":
            head, body = without_code(head, body)
        print_table(f"{rank_title(res)}（{group}）", head, body)
    print_notes(res.list_lines())
    if res.missing:
        print_notes(["未报送：" + "、".join(m["unit"] for m in res.missing)])
    print_notes(res.notes())


def _print_explain(d: dict[str, Any], fmt: Fmt, output: str | None, force: bool) -> None:
    if fmt is Fmt.json:
        emit_json(d, output, force)
        return
    from ..model import Severity

    code = f"（{d['code']}）" if d["code"] else ""
    say(f"{d['period']} {d['unit']}{code}：第 {d['rank']} 名，得分 {d['score']}，变化 {d['change_text']}")
    rows = [[x["label"], x["weight"], x["score"], x["points"], x["basis"]] for x in d["dimensions"]]
    print_table("得分构成", ["维度", "权重%", "维度得分", "折合得分", "依据"], rows)
    print_notes(d.get("notes") or [])
    if d.get("findings"):
        print_table("目标申报审核问题", ["项目", "代码", "级别", "单元格", "问题"],
               [[f["project"], f["code"], Severity(f["severity"]).label, f["cell"], f["message"]] for f in d["findings"]])
