"""`pbm init`, `pbm ledger`, `pbm ingest`, `pbm monitor`, `pbm rank`.

Thin commands: parse options, call one core function, format the result.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import command
from .ledger_common import (
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
from .options import ConfigOpt, ForceOpt, OutputOpt, QuietOpt, RulesOpt
from .output import say

if TYPE_CHECKING:
    from ..config import RulePack
    from ..cycle.lights import LightsResult
    from ..cycle.monitor import MonitorResult
    from ..cycle.ranking import Ranking


# --------------------------------------------------------------------------- init / ledger


@command("init", help="新建工作区：pbm.toml（带中文说明）、单位名录 units.xlsx、收件/输出/通报文件夹。不会覆盖已有文件。")
def init_cmd(directory: Annotated[Path, typer.Argument(metavar="文件夹", help="工作区文件夹，默认当前文件夹。")] = Path(".")) -> None:
    from ..ledger.workspace import init_workspace
    from .output import out

    res = init_workspace(directory)
    say(f"已在 {res.root.resolve()} 建立工作区：")
    for p in res.created:
        say(f"  {p}")
    out.print("下一步：\n  1. 在 units.xlsx 中填写单位名录（单位编码、单位名称、简称/别名、类别）；\n"
              "  2. 修改 pbm.toml 中的发文机关、发文字号等设置；\n"
              "  3. 把收到的报表放进「收件」下的文件夹，运行 pbm ingest 收件/自评 --period 2026 导入台账；\n"
              "  4. 每月运行 pbm monitor 执行数据.xlsx --period 2026-10 --record，再用 pbm rank 排名。",
              markup=False)


@command("ledger", help="查看台账：已记录的期间、单位数、各类报表数量、被新版本替代的旧版本；--units 导入单位名录。")
def ledger_cmd(db: DbOpt = None, units: Annotated[str | None, typer.Option("--units", help="导入（更新）单位名录 units.xlsx。")] = None,
               fmt: Annotated[ScreenFmt, typer.Option("--format", "-f", help="输出格式：table（默认）或 json。")] = ScreenFmt.table,
               config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..ledger.units import read_units

    pack = rule_pack(rules, config)
    directory = read_units(units) if units else None  # a bad directory stops before the ledger is touched
    with open_db(pack, db, create=directory is not None) as ledger:
        if directory is not None:
            n = ledger.upsert_units(directory)
            print_notes([f"已从 {units} 导入 {n} 个单位。"])
        summary = ledger.summary()
    if fmt is ScreenFmt.json:
        emit_json(summary, None, False)
        return
    _print_summary(summary)


def _print_summary(s: dict[str, Any]) -> None:

    say(f"台账：{s['db']}（结构版本 {s['schema_version']}）  单位 {s['units']} 个  运行记录 {s['runs']} 次")
    say(f"期间：{'、'.join(s['periods']) or '（无）'}")
    from ..model import FormKind

    rows = [[FormKind(f).label, c["current"], c["superseded"]] for f, c in s["forms"].items()]
    print_table("报表", ["类型", "现行版本", "已被替代"], rows)
    print_table("执行数据", ["期间", "行数"], [[p, n] for p, n in s["execution"].items()])
    if s["superseded"]:
        print_table("被替代的旧版本", ["编号", "单位", "项目", "期间", "文件", "被替代为"],
               [[r["id"], r["unit_name"], r["project"], r["period"], r["path"], r["superseded_by"]]
                for r in s["superseded"]])
    labels = {"open": "未完成", "done": "已完成"}
    say("整改事项：" + ("、".join(f"{labels.get(k, k)} {v}" for k, v in s["rectifications"].items()) or "（无）"))


@command("ingest", help="读取报表（文件、文件夹或 zip），审核、复核得分、匹配单位并记入台账。同一文件重复导入不会重复记录。")
def ingest_cmd(paths: Annotated[list[str], typer.Argument(metavar="路径", help="报表文件、文件夹或 zip。")],
               period: Annotated[str, typer.Option("--period", "-p", help="所属期间：2026（年度）、2026Q3（季度）或 2026-08（月份）。")],
               db: DbOpt = None,
               fmt: Annotated[ScreenFmt, typer.Option("--format", "-f", help="输出格式：table（默认）或 json。")] = ScreenFmt.table,
               date: Annotated[str | None, typer.Option("--date", help="收件日期（YYYY-MM-DD），用于判断是否按时报送；默认今天。")] = None,
               strict: Annotated[bool, typer.Option("--strict", help="有报表存在“错误”级问题时退出码为 1（默认记入台账即为 0，便于 && 连写）。")] = False,
               config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..ledger.workspace import ingest
    from ..period import Period

    pack = rule_pack(rules, config)
    Period.parse(period)
    with open_db(pack, db, date, create=True) as ledger:
        res = ingest(ledger, paths, period, pack)
    if fmt is ScreenFmt.json:
        emit_json(res.to_dict(), None, False)
    else:
        _ingest_table(res)
    if not res.items:
        from ..errors import UsageError

        raise UsageError(f"没有找到可导入的表格文件（支持 .xlsx .xlsm .xls .ods 及其 .zip 压缩包），"
                         f"已跳过 {len(res.skipped)} 项。")
    with_errors = [i for i in res.items if i.errors]
    if with_errors and fmt is not ScreenFmt.json:
        print_notes([f"{len(with_errors)} 份报表有“错误”级问题，已照常记入台账；"
                     "可用 pbm notice return 生成退回修改意见，单位重报后再导入即替代旧版本。"])
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
    need_output(fmt, output)
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
        with open_db(pack, db, create=True) as ledger:
            res = monitor.monitor_export(export, period, pack, ledger.units())
            status = monitor.record(ledger, res, export)
        print_notes([{"new": "已记入台账。", "duplicate": "台账中已有这份数据，未改动。",
                 "superseded": "已记入台账，替代了本月之前导入的数据（旧数据保留在历史中）。"}[status]], quiet)
    print_notes([f.message for f in res.findings], quiet)
    if fmt is MonitorFmt.json:
        emit_json(res.to_dict(), output, force)
    elif fmt is MonitorFmt.xlsx:
        from ..cycle.exports import monitor_sheets
        from ..outputs import write_xlsx

        write_xlsx(output or "", monitor_sheets(res), force)
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
    res = monitor_forms(subs, period, pack, months)
    print_notes([f"{f.path}：{f.message}" for f in findings] + skipped, quiet)
    if fmt is MonitorFmt.json:
        emit_json(res.to_dict(), output, force)
        return
    rows = [[i["unit"], i["project"], i["indicator"], i["target"], i["current"], i["p"], i["light_label"], i["basis"]]
            for i in res.to_dict()["indicators"]]
    header = ["单位", "项目", "指标", "年度指标值", "当前完成值", "p", "灯", "依据"]
    if fmt is MonitorFmt.xlsx:
        from ..outputs import SheetSpec, write_xlsx

        write_xlsx(output or "", [SheetSpec("指标亮灯", header, rows)], force)
    else:
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
             db: DbOpt = None, config: ConfigOpt = None, rules: RulesOpt = None) -> None:
    from ..cycle import rank_explain, ranking
    from ..period import Period

    pack = rule_pack(rules, config)
    need_output(fmt, output)
    Period.parse(period)  # a bad period stops before the ledger is touched
    with open_db(pack, db) as ledger:
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
        from ..cycle.exports import rank_sheets
        from ..outputs import write_xlsx

        write_xlsx(output or "", rank_sheets(res), force)
    elif fmt is Fmt.md:
        from ..cycle.exports import rank_markdown
        from ..outputs import emit_text

        emit_text(rank_markdown(res), output, force)
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
