"""`pbm notice` commands: monthly / quarterly / annual notices and return letters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import command
from .output import say, shown

if TYPE_CHECKING:
    from ..config import RulePack

KIND_HELP = "通报类型：monthly（月度执行进度通报）、quarterly（季度排名通报）、annual（年度总评通报）、return（退回修改意见，每单位一份）。"

KindArg = Annotated[str | None, typer.Argument(metavar="通报类型", help=KIND_HELP, show_default=False)]
PeriodOpt = Annotated[str | None, typer.Option("--period", "-p", help="期间：2026-10（月）、2026Q3（季度）、2026（年度）。")]


def _day(text: str | None) -> dt.date:
    from ..errors import UsageError

    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date 应写成 2026-11-22 这样的日期，现为「{text}」。") from None


def _check(template: Path, kind: str | None, pack: RulePack) -> None:
    from ..errors import UsageError
    from ..render import check_template
    from ..render.context import KINDS
    from ..render.notices import sample_context

    if kind not in KINDS:
        raise UsageError(f"--check-template 需要 --kind 指定通报类型（{'、'.join(KINDS)}）。")
    res = check_template(template, list(sample_context(kind, pack)))
    say(f"模板 {template}（{kind}）：")
    say("  未知变量（上下文中没有，渲染时会报错）：" + ("、".join(res.unknown) or "无"))
    say("  未使用的变量：" + ("、".join(res.unused) or "无"))
    if res.unknown:
        raise typer.Exit(1)


@command("notice", help="生成通报（Word 按 GB/T 9704-2012 版式，另附 Markdown）：monthly 月度执行进度通报、"
                        "quarterly 季度排名通报、annual 年度总评通报、return 退回修改意见（每单位一份）。"
                        "数据取自台账，或用 --monitor/--rank/--from 指定 pbm 输出的 JSON。")
def notice_cmd(
    kind: KindArg = None,
    period: PeriodOpt = None,
    db: Annotated[str | None, typer.Option("--db", help="台账文件路径（默认取 pbm.toml 中 \\[workspace] 的 db，即 pbm.sqlite）。")] = None,
    date: Annotated[str | None, typer.Option("--date", help="成文日期 YYYY-MM-DD，默认今天；同样的输入和日期生成同样的文件。")] = None,
    number: Annotated[int | None, typer.Option("--number", "-n", help="发文字号的序号，如 12 → 示财绩〔2026〕12号；不填则留空待填。", min=1)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件夹；默认为工作区的「通报」文件夹"
                                                                  "（退回修改意见在「通报/退回修改意见」），不在工作区时为当前文件夹。")] = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖已存在的文件。")] = False,
    template: Annotated[Path | None, typer.Option("--template", help="使用自己的 Jinja2 模板（在沙箱中渲染）。")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="docx、md 或 both。")] = "both",
    monitor_json: Annotated[Path | None, typer.Option("--monitor", help="pbm monitor --format json 的输出（月度通报）。")] = None,
    rank_json: Annotated[Path | None, typer.Option("--rank", help="pbm rank --format json 的输出。")] = None,
    from_json: Annotated[Path | None, typer.Option("--from", help="pbm validate --format json 的输出（退回修改意见）。")] = None,
    overdue_json: Annotated[Path | None, typer.Option("--overdue", help="整改逾期清单 JSON（单位、问题、期限、状态）。")] = None,
    apply_json: Annotated[Path | None, typer.Option("--apply", help="pbm apply --format json 的输出（年度总评）。")] = None,
    units: Annotated[Path | None, typer.Option("--units", help="单位名录 units.xlsx（退回修改意见按名录归并单位、用规范名称称呼）；"
                                                              "默认取台账中的单位名录或 pbm.toml 中 \\[workspace] 的 units。")] = None,
    check_template: Annotated[Path | None, typer.Option("--check-template", help="检查模板：列出未知变量和未使用的变量。")] = None,
    check_kind: Annotated[str | None, typer.Option("--kind", help="与 --check-template 一起使用的通报类型。")] = None,
    rules: Annotated[str | None, typer.Option("--rules", help="规则包（national 或 TOML 文件）。")] = None,
    config: Annotated[str | None, typer.Option("--config", help="配置文件 pbm.toml。")] = None,
) -> None:
    from ..errors import UsageError
    from ..render.context import KINDS
    from ..render.fmt import check_period
    from .options import settings

    pack = settings(rules, config)
    if check_template is not None:
        _check(check_template, check_kind or kind, pack)
        return
    if kind not in KINDS:
        raise UsageError(f"请指定通报类型：{'、'.join(KINDS)}，例如 pbm notice monthly --period 2026-10。")
    if not period and kind != "return":
        raise UsageError("请用 --period 指定期间，例如 --period 2026-10、2026Q3 或 2026。")
    period = check_period(kind, period or "")
    day = _day(date)
    files = {"monitor": monitor_json, "rank": rank_json, "validate": from_json,
             "overdue": overdue_json, "apply": apply_json}
    from ..render.loader import notice_inputs

    inputs = notice_inputs(kind, period, files, pack, db, day)
    if kind == "return":
        inputs["units"] = _units(units, pack, db)
    folder = pack.workspace.folder("通报")
    if output is None and folder is not None:
        output = folder / "退回修改意见" if kind == "return" else folder
    _run(kind, period, inputs, pack, day, number, output or Path("."), fmt, force, template)


def _units(path: Path | None, pack: RulePack, db: str | None) -> list[Any]:
    """The units directory: --units, else the ledger's (--db / pbm.toml), else [workspace] units."""
    from ..ledger.units import read_units
    from ..ledger.workspace import directory_units
    from .output import note

    found = read_units(path) if path is not None else directory_units(pack, db)
    if not found:
        note("提示：没有找到单位名录（可用 --units units.xlsx 或 --db 指定），"
                  "退回修改意见按表内填写的单位名称分组，同一单位的不同写法会分成几份。")
    return found


def _run(kind: str, period: str, inputs: dict[str, Any], pack: RulePack, day: dt.date, number: int | None,
         output: Path, fmt: str, force: bool, template: Path | None) -> None:
    from ..fileio import output_set
    from ..render import render_notice, write_rendered
    from ..render.notices import build_notices
    from .output import note

    notices = build_notices(kind, inputs, pack, day, number, period)
    if not notices:
        note("没有需要退回修改的单位（审核结果中没有错误或警告）。")
        return
    warned: list[str] = []

    def warn(message: str) -> None:
        if message not in warned:
            warned.append(message)
            note("提示：" + message)

    if pack.workspace.example_issuer():
        warn(f"发文机关、落款仍是示例「{pack.workspace.authority}」（发文字号「{pack.workspace.doc_prefix}」）；"
             "正式印发前，请在 pbm.toml 的 [workspace] 中把 authority、signature、doc_prefix 改为本单位的。")

    # --template is for the letters, not the clerk's list
    rendered = [render_notice(n, output, fmt, template if n.kind == kind else None, warn) for n in notices]
    # one set: existing files need --force, unless an interrupted run was writing them
    with output_set(output, [p for r in rendered for p in r.targets.values()], force) as replace:
        for r in rendered:
            for path in write_rendered(r, replace):
                note(f"已生成：{shown(path)}")
            if r.notice.kind != kind:
                warn(f"{r.notice.context['file_count']} 个文件无法识别报送单位，未生成退回修改意见，"
                     f"已列入「{r.notice.context['title']}」，请核实后处理。")
