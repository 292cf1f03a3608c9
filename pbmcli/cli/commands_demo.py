"""`pbm demo`: the whole flow on the bundled examples."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import typer

from .app import app, command
from .output import err

EXIT_INTERRUPTED = 130


def _invoke(args: list[str]) -> int:
    """Run one pbm command in-process; return its exit code.  Ctrl-C inside a step stops the
    whole demo (exit 130), never just that step."""
    code = _step_code(args)
    if code == EXIT_INTERRUPTED:
        raise typer.Exit(EXIT_INTERRUPTED)
    return code


def _step_code(args: list[str]) -> int:
    from typer.main import get_command

    from .output import handle_exception

    try:
        result = get_command(app).main(args=args, prog_name="pbm", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except typer.Exit as exc:
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - usage errors of a step are reported, the demo goes on
        return handle_exception(exc)
    return result if isinstance(result, int) else 0


@command("demo", help="在自带的示例县数据上跑通全流程：读取概览 → 审核 → 复核 → 台账 → 监控 → 排名 → 通报 → 整改 → 结果应用。"
         "结果写入 DIR（默认 pbm-demo/），每一步都显示对应的 pbm 命令，可照着处理自己的数据。")
def demo(
    out_dir: str = typer.Argument("pbm-demo", metavar="文件夹", help="输出文件夹（只会清空 pbm demo 自己生成的文件夹）。"),
    examples: str | None = typer.Option(None, "--examples", help="示例数据文件夹，默认使用随 pbm 安装的示例县数据。"),
    date: str = typer.Option(dt.date.today().isoformat(), "--date", help="通报成文日期 YYYY-MM-DD，默认今天。"),
) -> None:
    from .. import demo as core
    from ..fileio import write_text
    from ..outputs import markdown_table

    ex = core.find_examples(examples)
    out = core.prepare_output(Path(out_dir))
    err.print(f"示例数据：{ex}\n输出文件夹：{out.resolve()}\n", markup=False)
    err.print("[0] 读取并概览全部示例报表", markup=False)
    header, rows = core.overview(ex / "submissions")
    write_text(out / "00-报表概览.md", "# 示例报表概览\n\n" + markdown_table(header, rows) + "\n")
    err.print(f"    读取 {len(rows)} 个文件，概览见 00-报表概览.md", markup=False)
    log_path = out / "运行记录.txt"
    with log_path.open("w", encoding="utf-8") as log:

        def invoke(args: list[str]) -> int:
            # tables a step prints go to the log, so the terminal shows the steps only
            log.write(f"\n$ pbm {' '.join(args)}\n")
            log.flush()
            with contextlib.redirect_stdout(log):
                return _invoke(args)

        results = core.run(ex, out, date, invoke, lambda s: err.print(s, markup=False))
    broken = [(s, c) for s, c in results if c not in s.expect]
    err.print("", markup=False)
    if broken:
        for step, code in broken:
            err.print(f"未按预期完成：{step.title}（退出码 {code}）", markup=False)
        raise typer.Exit(3 if any(c == 3 for _, c in broken) else 2)
    err.print(f"全部 {len(results) + 1} 步已完成。各步骤在终端显示的表格见 运行记录.txt。结果在 {out.resolve()}：",
              markup=False)
    for entry in sorted(out.iterdir()):
        if entry.is_dir():
            count = sum(1 for p in entry.rglob("*") if p.is_file())
            err.print(f"  {entry.name}/（{count} 个文件）", markup=False)
        elif entry.name != core.MARKER:
            err.print(f"  {entry.name}", markup=False)
