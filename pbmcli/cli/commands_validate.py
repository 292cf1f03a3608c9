"""`pbm validate` and `pbm config show`."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .app import app, command, guarded
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
from .reports import (
    ReportView,
    check_output,
    csv_bom,
    report_console,
    stop_on_lone_unreadable,
    to_screen,
    write_report,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ..config import RulePack
    from ..report import ValidationReport


class ConfigFormat(StrEnum):
    toml = "toml"
    json = "json"


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


# --- rendering ---------------------------------------------------------------------------------

def _file_table(res: Any) -> Any:
    from rich.table import Table

    from ..report import form_label, verdict

    caption = f"{form_label(res.form)}；单位：{res.unit or '—'}；项目：{res.project or '—'}；结论：{verdict(res)}"
    table = Table(title=plain(res.path, style="bold"), caption=plain(caption), title_justify="left",
                  caption_justify="left", expand=False)
    for name in ("工作表", "单元格", "代码", "严重程度"):
        table.add_column(name)
    table.add_column("问题说明", overflow="fold", ratio=1)
    for f in res.findings:
        style = _SEVERITY_STYLE.get(f.severity.value, "")
        table.add_row(plain(f.sheet or ""), plain(f.cell or ""), plain(f.code, style=style),
                      plain(f.severity.label, style=style), plain(f.message))
    return table


def render_table(report: ValidationReport, console: Console) -> None:
    """Summary, then one findings table per file with findings, then skipped items."""
    from rich.table import Table

    from ..report import summary_pairs

    pairs = summary_pairs(report)
    summary = Table(title="审核汇总", title_justify="left")
    for label, _ in pairs:
        summary.add_column(label, justify="right")
    summary.add_row(*(str(n) for _, n in pairs))
    console.print(folding(summary))
    for res in report.files:
        if res.findings:
            console.print(folding(_file_table(res)))
    if report.skipped:
        skipped = Table(title="已跳过", title_justify="left")
        skipped.add_column("路径")
        skipped.add_column("跳过原因")
        for s in report.skipped:
            skipped.add_row(plain(s.path), plain(s.skipped_reason or ""))
        console.print(folding(skipped))
    if report.files and not any(r.findings for r in report.files):
        console.print(f"全部 {len(report.files)} 个文件未发现问题。")


def table_text(report: ValidationReport) -> str:
    buf = io.StringIO()
    render_table(report, report_console(file=buf))
    return buf.getvalue()


def xlsx_sheets(report: ValidationReport) -> list[Any]:
    """问题清单, 单位汇总 (the 退回修改清单, each unit linked to its sheet), 文件清单, 已跳过 (if
    any), then one sheet per unit with errors or warnings: the list that goes back to it."""
    from ..outputs import SheetSpec, sheet_name
    from ..report import (
        FILE_HEADER,
        FINDING_HEADER,
        SKIPPED_HEADER,
        UNIT_FINDING_HEADER,
        UNIT_HEADER,
        file_rows,
        finding_rows,
        skipped_rows,
        unit_finding_rows,
        unit_rows,
    )

    overview = ["问题清单", "单位汇总", "文件清单"] + (["已跳过"] if report.skipped else [])
    taken: set[str] = set()
    for name in overview:
        sheet_name(name, taken)
    per_unit = [(sheet_name(unit, taken), unit, rows) for unit, rows in unit_finding_rows(report)]
    sheet_of = {unit: name for name, unit, _ in per_unit}
    units = unit_rows(report)
    links = {(i, 0): f"internal:'{sheet_of[row[0]]}'!A1" for i, row in enumerate(units) if row[0] in sheet_of}
    sheets = [
        SheetSpec("问题清单", FINDING_HEADER, finding_rows(report), status=FINDING_HEADER.index("严重程度"),
                  widths=[22, 16, 14, 14, 12, 7, 6, 9, 46, 14, 14]),
        SheetSpec("单位汇总", UNIT_HEADER, units, hyperlinks=links),
        SheetSpec("文件清单", FILE_HEADER, file_rows(report)),
    ]
    if report.skipped:
        sheets.append(SheetSpec("已跳过", SKIPPED_HEADER, skipped_rows(report)))
    status = UNIT_FINDING_HEADER.index("严重程度")
    sheets += [SheetSpec(name, UNIT_FINDING_HEADER, rows, title=f"退回修改清单（{unit}）", status=status,
                         widths=[26, 16, 16, 12, 7, 9, 52, 16, 16])
               for name, unit, rows in per_unit]
    return sheets


def report_view(report: ValidationReport, office: str = "") -> ReportView:
    """pbm validate's report in each output format (``office`` issues the xlsx lists)."""
    from ..outputs import Heading
    from ..report import FINDING_HEADER, finding_rows, markdown_report

    return ReportView(data=report.to_dict, sheets=lambda: xlsx_sheets(report),
                      table=lambda: (FINDING_HEADER, finding_rows(report)),
                      markdown=lambda: markdown_report(report), text=lambda: table_text(report),
                      render=lambda console: render_table(report, console),
                      heading=Heading("退回修改清单", office))


# --- the command -------------------------------------------------------------------------------

def _with_directory(report: ValidationReport, pack: RulePack) -> ValidationReport:
    """The workspace's units directory (ledger or units.xlsx), so 单位汇总 groups files by the
    unit they belong to, however the form spells its name; none found: as written."""
    import dataclasses

    from ..errors import PbmError
    from ..ledger.workspace import directory_units

    try:
        units = directory_units(pack)
    except PbmError:
        return report
    return dataclasses.replace(report, directory=tuple(units)) if units else report


def _single_unreadable(paths: list[str], report: ValidationReport) -> None:
    """One file given alone that cannot be read stops with exit 2 (a batch reports it)."""
    stop_on_lone_unreadable(paths, [(r.path, r.unreadable, r.findings) for r in report.files])


def _run_annotate(report: ValidationReport, paths: list[str], annotate: str, force: bool,
                  pack: RulePack, jobs: int, quiet: bool) -> None:
    from ..annotate import annotate_results
    from .output import note

    outcomes = annotate_results(report.files, annotate, paths, force, pack, jobs=jobs,
                                progress=not quiet)
    written = [o for o in outcomes if o.target]
    for o in outcomes:
        if not o.target:
            note(f"{o.source}：{o.note}")
    if not quiet:
        note(f"已在 {annotate} 下生成 {len(written)} 份批注副本（标出问题单元格，首页为「审核意见」）。")


def _stream(paths: list[str], pack: RulePack, jobs: int, quiet: bool, fmt: ReportFormat,
            output: str | None, force: bool) -> NoReturn:
    """JSON or CSV written as the results arrive (memory stays flat however many files):
    the same text as the whole report would give, then the same checks and exit code."""
    from pathlib import Path

    from .. import outputs
    from ..errors import UsageError
    from ..readers.inputs import relative_name
    from ..report import (
        FINDING_HEADER,
        Tally,
        file_finding_rows,
        json_head,
        json_tail,
        validate_run,
    )

    run = validate_run(paths, pack, jobs=jobs, progress=not quiet)
    tally = Tally()
    files = (tally.add(res) for res in run.files)
    if fmt is ReportFormat.json:
        chunks = outputs.json_chunks(json_head(), "files", (r.to_dict() for r in files),
                                     lambda: json_tail(run.skipped, tally.summary(len(run.skipped))))
    else:
        def name(path: str) -> str:
            return relative_name(path, Path(run.base)) if run.base else path

        chunks = outputs.csv_chunks(FINDING_HEADER, (file_finding_rows(r, name) for r in files),
                                    bom=csv_bom(output))
    outputs.emit_chunks(chunks, output, force)
    if not to_screen(output) and not quiet:
        wrote(output)
    if tally.first is not None and tally.files == 1:
        stop_on_lone_unreadable(paths, [(tally.first.path, tally.first.unreadable, tally.first.findings)])
    if not tally.files:
        raise UsageError(f"没有找到可审核的表格文件（支持 .xlsx .xlsm .xls .ods 及其 .zip 压缩包），已跳过 {len(run.skipped)} 项。")
    exit_on_internal_errors(tally.internal_errors)
    raise typer.Exit(1 if tally.files > tally.ok else 0)


@command("validate", short_help="审核申报表、自评表：逐单元格列出问题，可生成问题清单和批注副本。",
         help="审核绩效目标申报表、自评表等表格。路径可以是文件、文件夹（含子文件夹）或 .zip 压缩包；"
              "单个文件出错不影响其他文件。退出码：0 无错误，1 有错误级问题，2 用法/配置错误或单个文件无法读取。")
def validate(
    paths: Annotated[list[str], typer.Argument(metavar="路径", help="要审核的文件、文件夹或 .zip 压缩包，可以多个。")],
    fmt: FormatOpt = ReportFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    rules: RulesOpt = None,
    config: ConfigOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    jobs: JobsOpt = None,
    annotate: Annotated[str | None, typer.Option("--annotate", help="为有问题的文件在该目录下生成批注副本（原文件不会被修改）。")] = None,
    quiet: QuietOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    from ..errors import UsageError
    from ..report import validate_paths

    pack = load_pack(rules, config, select, ignore)
    n_jobs = resolve_jobs(jobs)
    fmt = check_output(fmt, output, force, "审核结果.xlsx", paths)
    if annotate:
        from ..annotate import check_out_dir

        check_out_dir(annotate, paths)  # before the run, not after its report
    if fmt in (ReportFormat.json, ReportFormat.csv) and not annotate:
        _stream(paths, pack, n_jobs, quiet, fmt, output, force)
    report = _with_directory(validate_paths(paths, pack, jobs=n_jobs, progress=not quiet), pack)
    write_report(report_view(report, pack.workspace.authority), fmt, output, force, no_color, quiet)
    if annotate:
        _run_annotate(report, paths, annotate, force, pack, n_jobs, quiet)
    _single_unreadable(paths, report)
    if not report.files:
        raise UsageError(f"没有找到可审核的表格文件（支持 .xlsx .xlsm .xls .ods 及其 .zip 压缩包），已跳过 {len(report.skipped)} 项。")
    exit_on_internal_errors(report.internal_errors)
    raise typer.Exit(1 if report.has_errors else 0)


# --- pbm config show ---------------------------------------------------------------------------

config_app = typer.Typer(help="查看生效的配置。", no_args_is_help=True, options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
app.add_typer(config_app, name="config")

@config_app.command("show", options_metavar="[选项]", help="显示生效的配置（规则包阈值、工作区设置）以及每一项来自哪个文件。")
@guarded
def config_show(
    fmt: Annotated[ConfigFormat, typer.Option("--format", "-f", help="输出格式：toml（默认）或 json。")] = ConfigFormat.toml,
    rules: RulesOpt = None,
    config: ConfigOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    from ..outputs import emit_text

    pack = load_pack(rules, config, select, ignore)
    cli_keys = tuple(k for k, v in (("rules.select", select), ("rules.ignore", ignore)) if v)
    from ..config_show import dump_toml, origins, settings_of

    where = origins(pack, cli_keys)
    data = settings_of(pack)
    default = pack.source[0] if pack.source else ""
    if fmt is ConfigFormat.json:
        text = json.dumps({"name": pack.name, "source": list(pack.source), "settings": data,
                           "origins": {k: v for k, v in where.items() if v != default}},
                          ensure_ascii=False, indent=2)
    else:
        head = [f"# pbm 生效配置：规则包 {pack.name}", "# 合并顺序（后者覆盖前者）："]
        head += [f"#   {i}. {src}" for i, src in enumerate(pack.source, start=1)]
        text = "\n".join([*head, "", *dump_toml(data, where, default)])
    emit_text(text, None, False)

