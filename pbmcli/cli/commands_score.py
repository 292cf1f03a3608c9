"""`pbm score`: recompute self-evaluation scores, catch inflated self-scores, cross-check goals."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .app import command
from .options import (
    ConfigOpt,
    ForceOpt,
    FormatOpt,
    IgnoreOpt,
    JobsOpt,
    NoColorOpt,
    OutputOpt,
    QuietOpt,
    ReportFormat,
    RulesOpt,
    SelectOpt,
    load_pack,
    resolve_jobs,
)
from .output import exit_on_internal_errors, folding, plain, wrote
from .reports import ReportView, check_output, report_console, stop_on_lone_unreadable, write_report

if TYPE_CHECKING:
    from rich.console import Console

    from ..config import RulePack
    from ..scoring.report import FileScore, ScoreReport

SUMMARY_HEADER = ["文件", "单位", "项目", "年度", "自评总分", "复核总分", "差值（自评-复核）", "自评等级",
                  "复核等级", "自评虚高", "预算执行率(%)", "执行率得分", "复核问题（错误）", "复核问题（警告）", "对应目标申报表", "说明"]
DETAIL_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "计分方法", "计算过程",
                 "分值", "自评得分", "复核得分", "说明", "单元格"]
EXPLAIN_HEADER = ["文件", "单位", "项目", *DETAIL_HEADER]
FINDING_HEADER = ["文件", "工作表", "单元格", "代码", "严重程度", "问题说明", "应为", "实为", "对应位置"]
_COUNTS = [("files", "文件数"), ("scored", "已计分"), ("优", "优"), ("良", "良"), ("中", "中"),
           ("差", "差"), ("inflated", "自评虚高"), ("insufficient", "数据不足"),
           ("unreadable", "无法读取"), ("skipped", "已跳过")]
_TABLE_HEADER = ["文件", "单位", "项目", "自评总分", "复核总分", "差值", "自评等级", "复核等级", "虚高", "执行率%"]
# columns shown with 2 decimals in table / Markdown (scores, totals, rates)
SUMMARY_FIXED = (4, 5, 6, 10, 11)
DETAIL_FIXED = (7, 8, 9)
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


# --- rows (shared by table, csv, md and xlsx) --------------------------------------------------

def _num(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def summary_row(fs: FileScore) -> list[Any]:
    """One row per file of the 汇总 table."""
    res = fs.result
    if res is None:
        return [fs.path, None, None, None, None, None, None, None, None, None, None, None,
                _count(fs, "error"), _count(fs, "warning"), fs.goal, "无法读取"]
    sub, ex = res.submission, res.execution
    note = "；".join(res.notes) or ("数据不足，未计算总分" if res.total is None else "")
    return [fs.path, sub.unit or None, sub.project or None, sub.year, res.self_total, res.total,
            res.difference, res.self_grade, res.grade, "是" if res.inflated else "否",
            _num(ex.rate), ex.score, _count(fs, "error"), _count(fs, "warning"), fs.goal, note]


def _g(value: Any) -> str:
    from ..model import num_text

    if value is None:
        return "—"
    return f"{num_text(value)}" if isinstance(value, float) else str(value)


def _2(value: Any) -> Any:
    """A score or total as shown to people: always 2 decimals (100.00, 99.80, 98.00)."""
    return f"{value:.2f}" if isinstance(value, int | float) and not isinstance(value, bool) else value


def fixed(rows: list[list[Any]], cols: tuple[int, ...]) -> list[list[Any]]:
    """Rows with the score columns ``cols`` as 2-decimal text (table and Markdown)."""
    return [[_2(v) if i in cols else v for i, v in enumerate(row)] for row in rows]


def _count(fs: FileScore, severity: str) -> int:
    return sum(1 for f in fs.findings if f.severity.value == severity)


def detail_rows(fs: FileScore) -> list[list[Any]]:
    """The indicator breakdown of one project: execution row, indicators, total."""
    from ..model import num_text
    from ..scoring import METHOD_LABELS

    res = fs.result
    if res is None:
        return []
    ex = res.execution
    rate = f"（执行率 {num_text(_num(ex.rate) or 0.0)}%）" if ex.rate is not None else ""
    rows: list[list[Any]] = [[
        "预算执行率", None, "预算执行率", f"全年预算数 {_g(ex.budget)} 万元",
        f"全年执行数 {_g(ex.spent)} 万元{rate}", "执行率", ex.formula,
        ex.points, ex.self_score, ex.score, ex.note, str(ex.ref) if ex.ref else None]]
    for s in res.indicators:
        ind = s.indicator
        ref = ind.get("score").ref or ind.get("name").ref
        actual = ind.actual.display() if ind.actual else None
        rows.append([ind.level1, ind.level2, ind.name, ind.target.display() or None, actual or None,
                     METHOD_LABELS.get(s.method, s.method), s.formula, ind.weight, ind.score,
                     s.score, s.note, str(ref) if ref else None])
    source = f"自评总分取自{res.self_total_source}" if res.self_total_source else "无自评总分"
    rows.append(["总分", None, None, None, None, None, "；".join(res.notes) or None, None,
                 res.self_total, res.total, source, None])
    return rows


def explain_rows(report: ScoreReport) -> list[list[Any]]:
    out = []
    for fs in report.scored:
        sub = fs.result.submission if fs.result else None
        head = [fs.path, sub.unit if sub else None, sub.project if sub else None]
        out += [head + row for row in detail_rows(fs)]
    return out


def finding_rows(report: ScoreReport) -> list[list[Any]]:
    return [[fs.path, f.sheet, f.cell, f.code, f.severity.label, f.message, f.expected, f.actual,
             f.related] for fs in report.results for f in fs.findings]


# --- table (rich) ------------------------------------------------------------------------------

def _table(title: str, header: list[str], rows: list[list[Any]], wide: tuple[int, ...] = ()) -> Any:
    from rich.table import Table

    from ..model import num_text

    table = Table(title=plain(title, style="bold"), title_justify="left")
    for i, name in enumerate(header):
        table.add_column(name, overflow="fold", ratio=2 if i in wide else None)
    for row in rows:
        table.add_row(*(plain("" if v is None else f"{num_text(v)}" if isinstance(v, float) else str(v))
                        for v in row))
    return table


def _summary_counts(report: ScoreReport) -> list[Any]:
    s = report.summary()
    flat = {**s, **s["by_grade"]}
    return [flat[key] for key, _ in _COUNTS]


def render_table(report: ScoreReport, console: Console, explain: bool) -> None:
    """Counts, one row per project, the breakdown with --explain, findings, skipped."""
    console.print(_table("复核汇总", [label for _, label in _COUNTS], [_summary_counts(report)]))
    short = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10]
    summary = fixed([summary_row(fs) for fs in report.results], SUMMARY_FIXED)
    rows = [[row[i] for i in short] for row in summary]
    for row, fs in zip(rows, report.results, strict=True):
        row[0] = Path(fs.path).name
        if fs.result is None:
            row[1] = "无法读取"
        elif fs.result.total is None:
            row[4] = "数据不足"
    console.print(_table("自评得分复核", _TABLE_HEADER, rows))
    if explain:
        for fs in report.scored:
            _render_explain(fs, console)
    for fs in report.results:
        if fs.findings:
            table = _table(f"{fs.path} 发现的问题", ["单元格", "代码", "严重程度", "问题说明"], [], wide=(3,))
            for f in fs.findings:
                style = _SEVERITY_STYLE.get(f.severity.value, "")
                where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
                table.add_row(plain(where), plain(f.code, style=style), plain(f.severity.label, style=style),
                              plain(f.message))
            console.print(folding(table))
    _render_extras(report, console)


def _render_explain(fs: FileScore, console: Console) -> None:
    """Each indicator on two lines (fits an 80-column console): values, then the formula."""
    res = fs.result
    if res is None:
        return
    sub = res.submission
    console.print(plain(f"{fs.path}  {sub.project or '（未填项目名称）'}（{sub.unit or '未填单位'}）", style="bold"))
    rows = detail_rows(fs)
    for n, row in enumerate(rows):
        l1, l2, name, target, actual, method, formula, weight, own, score, note, cell = row
        if n == 0:  # 预算执行率: budget and spent, not target and actual
            head = f"  预算执行率  {target}  {actual}"
        elif n == len(rows) - 1:  # 总分
            head = "  总分"
        else:
            where = "/".join(x for x in (l1, l2) if x)
            head = f"  [{where}] {name}  目标 {_g(target)}  实际 {_g(actual)}  {method}"
        head += f"  分值 {_g(_2(weight))}  自评 {_g(_2(own))}  复核 {_g(_2(score))}"
        console.print(plain(head + (f"  （{cell}）" if cell else "")))
        for line in (formula, note):
            if line:
                console.print(plain(f"      {line}"))
    console.print()


def _render_extras(report: ScoreReport, console: Console) -> None:
    if report.skipped:
        console.print(_table("已跳过（不计分）", ["路径", "原因"],
                             [[s.path, s.skipped_reason] for s in report.skipped]))
    goals = report.goals
    if goals is None:
        return
    rows = [["未找到绩效目标的自评表", p] for p in goals.unmatched]
    rows += [["未被任何自评表对应的绩效目标", p] for p in goals.unused]
    rows += [["未使用的 --goals 文件", f"{p}（{r}）"] for p, r in goals.skipped]
    if rows:
        console.print(_table(f"绩效目标核对（读取申报表 {len(goals.files)} 份）", ["情况", "文件"], rows))


def table_text(report: ScoreReport, explain: bool) -> str:
    buf = io.StringIO()
    render_table(report, report_console(file=buf, width=140), explain)
    return buf.getvalue()


# --- md / csv / xlsx ---------------------------------------------------------------------------

def markdown_report(report: ScoreReport, explain: bool) -> str:
    from ..outputs import markdown_table, md_text

    parts = ["# 绩效自评得分复核", "", markdown_table([label for _, label in _COUNTS],
                                                    [_summary_counts(report)]), "## 项目汇总", "",
             markdown_table(SUMMARY_HEADER, fixed([summary_row(fs) for fs in report.results], SUMMARY_FIXED))]
    if explain:
        for fs in report.scored:
            parts += [f"## {md_text(fs.path)} 指标明细", "", markdown_table(DETAIL_HEADER, fixed(detail_rows(fs), DETAIL_FIXED))]
    if any(fs.findings for fs in report.results):
        parts += ["## 发现的问题", "", markdown_table(FINDING_HEADER, finding_rows(report))]
    if report.skipped:
        parts += ["## 已跳过", "", markdown_table(["路径", "原因"],
                                                 [[s.path, s.skipped_reason] for s in report.skipped])]
    return "\n".join(parts)


_UNIT_CHARS = 8  # of the unit's name in a sheet name (Excel allows 31 characters in all)
_UNIT_PREFIX = ("中国共产党", "中共")
_UNIT_SUFFIX = ("人民政府",)


def short_unit(unit: str) -> str:
    """A unit's name short enough for a sheet name: without 中共 / 人民政府, 8 characters
    ("示例县白沙乡人民政府" → "示例县白沙乡")."""
    for prefix in _UNIT_PREFIX:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            unit = unit[len(prefix):]
    for suffix in _UNIT_SUFFIX:
        if unit.endswith(suffix) and len(unit) > len(suffix):
            unit = unit[:-len(suffix)]
    return unit[:_UNIT_CHARS]


def project_sheet_title(n: int, fs: FileScore) -> str:
    """"序号-单位简称-项目" (sheet_name then cuts it to 31 characters and makes it legal)."""
    sub = fs.result.submission if fs.result else None
    project = (sub.project if sub and sub.project else Path(fs.path).stem) or "项目"
    unit = short_unit(sub.unit) if sub and sub.unit else "未填单位"
    return f"{n}-{unit}-{project}"


def _relative(rows: list[list[Any]], cols: tuple[int, ...], base: Path | None) -> list[list[Any]]:
    """Rows with the file columns ``cols`` relative to the submissions folder (lists sent out
    never show the clerk's own folders)."""
    from ..readers.inputs import relative_name

    return [[relative_name(v, base) if i in cols and isinstance(v, str) and v else v
             for i, v in enumerate(row)] for row in rows]


# one worksheet per project up to this many: a workbook of thousands of sheets cannot be paged
# through, and each sheet stays in memory until the workbook is written
MAX_PROJECT_SHEETS = 500


def sheet_cap_note(report: ScoreReport) -> str | None:
    """What the xlsx report leaves out when there are more projects than MAX_PROJECT_SHEETS."""
    n = len(report.scored)
    if n <= MAX_PROJECT_SHEETS:
        return None
    return (f"共 {n} 个项目，超过 {MAX_PROJECT_SHEETS} 个：只为前 {MAX_PROJECT_SHEETS} 个项目各建一张明细工作表，"
            f"其余 {n - MAX_PROJECT_SHEETS} 个项目只列在「汇总」中；全部项目的逐项明细请用 --format json，"
            "或 --explain --format csv 输出。")


def xlsx_sheets(report: ScoreReport, base: Path | None = None) -> list[Any]:
    """汇总 (one row per project, linked to its sheet), one sheet per project (at most
    MAX_PROJECT_SHEETS, then a 说明 sheet says so), 问题清单, 已跳过; files named relative to ``base``."""
    from ..outputs import PERCENT_POINTS, TWO, SheetSpec, sheet_name

    taken: set[str] = set()
    first = sheet_name("汇总", taken)
    detailed = report.scored[:MAX_PROJECT_SHEETS]
    names = [sheet_name(project_sheet_title(n, fs), taken) for n, fs in enumerate(detailed, start=1)]
    rows = _relative([summary_row(fs) for fs in report.results], (0, 14), base)
    links, n = {}, 0
    for i, fs in enumerate(report.results):
        if fs.result is not None and n < len(names):
            links[(i, 2)] = f"internal:'{names[n]}'!A1"
            n += 1
    header = [*SUMMARY_HEADER[:10], "预算执行率", *SUMMARY_HEADER[11:]]
    sheets = [SheetSpec(first, header, rows, hyperlinks=links,
                        widths=[24, 16, 18, 6, 8, 8, 10, 7, 7, 7, 9, 8, 7, 7, 22, 20],
                        num_formats={4: TWO, 5: TWO, 6: TWO, 10: PERCENT_POINTS, 11: TWO})]
    widths = [10, 12, 22, 14, 14, 8, 40, 7, 8, 8, 24, 8]
    sheets += [SheetSpec(name, DETAIL_HEADER, detail_rows(fs), widths=widths, title=_detail_title(fs),
                         num_formats={7: TWO, 8: TWO, 9: TWO})
               for name, fs in zip(names, detailed, strict=True)]
    if any(fs.findings for fs in report.results):
        sheets.append(SheetSpec("问题清单", FINDING_HEADER, _relative(finding_rows(report), (0,), base),
                                widths=[30, 10, 7, 6, 9, 60, 12, 12, 20], status=4))
    if report.skipped:
        sheets.append(SheetSpec("已跳过", ["路径", "原因"],
                                _relative([[s.path, s.skipped_reason] for s in report.skipped], (0,), base)))
    if (note := sheet_cap_note(report)) is not None:
        sheets.append(SheetSpec("说明", ["说明"], [[note]], autofilter=False))
    return sheets


def _detail_title(fs: FileScore) -> str:
    sub = fs.result.submission if fs.result else None
    who = "　".join(t for t in (sub.unit if sub else "", sub.project if sub else "") if t)
    return f"自评得分复核明细：{who or Path(fs.path).name}"


def report_view(report: ScoreReport, explain: bool, office: str = "",
                base: Path | None = None) -> ReportView:
    """pbm score's report in each output format (``office`` issues the xlsx workbook)."""
    from ..outputs import Heading

    def table() -> tuple[list[str], list[list[Any]]]:
        if explain:
            return EXPLAIN_HEADER, explain_rows(report)
        return SUMMARY_HEADER, [summary_row(fs) for fs in report.results]

    return ReportView(data=report.to_dict, sheets=lambda: xlsx_sheets(report, base), table=table,
                      markdown=lambda: markdown_report(report, explain),
                      text=lambda: table_text(report, explain),
                      render=lambda console: render_table(report, console, explain),
                      heading=Heading("自评复核汇总", office))


# --- the command -------------------------------------------------------------------------------

def _stop_if_nothing(paths: list[str], report: ScoreReport) -> None:
    """A single unreadable file stops with exit 2; no input at all (a path that does not
    exist, an empty folder) is a usage error, as in pbm validate."""
    from ..errors import UsageError

    stop_on_lone_unreadable(paths, [(r.path, r.unreadable, r.findings) for r in report.results])
    missing = [p for p in paths if not Path(p).exists()]
    if missing and not report.results:
        raise UsageError(f"文件或文件夹不存在：{'、'.join(missing)}。请检查路径。")
    if not report.results and not any(s.form != "unknown" for s in report.skipped):  # no spreadsheet read
        raise UsageError("没有找到可计分的表格文件（支持 .xlsx .xlsm .xls .ods 及其 .zip 压缩包），"
                         f"已跳过 {len(report.skipped)} 项。")


def _stream(paths: list[str], pack: RulePack, jobs: int, quiet: bool, output: str | None,
            force: bool) -> NoReturn:
    """The JSON written as the results arrive (memory stays flat however many files): the
    same text as the whole report would give, the same checks, notes and exit code.  With
    nothing to score, the check fails before anything is written, as without streaming."""
    from .. import outputs
    from ..scoring.report import ScoreReport, ScoreTally, json_head, json_tail, score_run

    run, skips = score_run(paths, pack, jobs=jobs, progress=not quiet)
    tally = ScoreTally()

    def results() -> Iterator[dict[str, Any]]:
        for fs in run:
            if fs.skipped_reason is None:
                yield tally.add(fs).to_dict()
            else:
                skips.append(fs)

    def tail() -> dict[str, Any]:
        if not tally.files:
            _stop_if_nothing(paths, ScoreReport((), tuple(skips)))
        return json_tail(skips, None, tally.summary(len(skips)))

    outputs.emit_chunks(outputs.json_chunks(json_head(), "results", results(), tail), output, force)
    if output is not None and output != "-" and not quiet:
        wrote(output)
    message = no_selfeval_note(ScoreReport((), tuple(skips))) if not tally.files else None
    if message:
        from .output import note

        note(message)
    exit_on_internal_errors(tally.internal_errors)
    raise typer.Exit(1 if tally.has_errors else 0)


def no_selfeval_note(report: ScoreReport) -> str | None:
    """Files were found but none is a self-evaluation: said plainly (exit 0: nothing is wrong)."""
    if report.results:
        return None
    return (f"没有找到绩效自评表（已跳过 {len(report.skipped)} 个文件，原因见“已跳过”），没有可复核的得分。"
            "请确认路径指向各单位报送的自评表。")


@command("score", help="复核绩效自评表得分：按规则重新计算每个指标和预算执行率的得分、总分和等级，"
                       "找出自评得分虚高的项目；加 --goals 时与已批复的绩效目标申报表核对指标和指标值。"
                       "路径可以是文件、文件夹或 .zip 压缩包；非自评表列为已跳过。"
                       "退出码：0 无错误，1 有错误级问题（如自评虚高），2 用法/配置错误或单个文件无法读取。")
def score(
    paths: Annotated[list[str], typer.Argument(metavar="路径", help="要复核的自评表文件、文件夹或 .zip 压缩包，可以多个。")],
    goals: Annotated[list[str] | None, typer.Option(
        "--goals", help="已批复的绩效目标申报表（文件、文件夹或 .zip），用于核对自评指标是否与批复一致；可重复。")] = None,
    explain: Annotated[bool, typer.Option(
        "--explain", help="逐项列出每个指标的目标值、实际值、计分方法、计算过程和得分。")] = False,
    fmt: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    rules: RulesOpt = None,
    config: ConfigOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    from ..scoring.report import score_paths

    pack = load_pack(rules, config, select, ignore)
    n_jobs = resolve_jobs(jobs)
    fmt = check_output(fmt, output, force, "得分复核.xlsx", paths)
    if fmt is ReportFormat.json and not goals and not (len(paths) == 1 and Path(paths[0]).is_file()):
        _stream(paths, pack, n_jobs, quiet, output, force)
    report = score_paths(paths, pack, goals=goals, jobs=n_jobs, progress=not quiet)
    _stop_if_nothing(paths, report)
    from ..readers.inputs import common_base

    view = report_view(report, explain, pack.workspace.authority, common_base(paths))
    write_report(view, fmt, output, force, no_color, quiet)
    notes = [no_selfeval_note(report), sheet_cap_note(report) if fmt is ReportFormat.xlsx else None]
    for message in filter(None, notes):
        from .output import note

        note(message)
    exit_on_internal_errors(report.internal_errors)
    raise typer.Exit(1 if report.has_errors else 0)

