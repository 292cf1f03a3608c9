"""`pbm demo`: the whole flow on the bundled examples, as a clerk would run it.

The demo is a script of ordinary pbm commands (the same argument lists a clerk
types), run in-process one after another, so it shows and exercises exactly the
documented command line.  Outputs go to one folder that the demo owns: it is
marked with a ``.pbm-demo`` file and only such a folder is ever cleared.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import UsageError

MARKER = ".pbm-demo"


@dataclass(frozen=True)
class Step:
    """One demo step: a Chinese title and the pbm arguments to run."""

    title: str
    args: tuple[str, ...]
    expect: tuple[int, ...] = (0, 1)  # exit codes that mean "ran as intended"


def find_examples(explicit: str | Path | None = None) -> Path:
    """The examples folder: --examples, else the copy installed with pbm (see default_examples)."""
    if explicit:
        folder = Path(explicit)
        if (folder / "submissions").is_dir():
            return folder
        raise UsageError(f"示例数据文件夹 {folder} 中没有 submissions/ 文件夹，请检查 --examples 指定的位置。")
    for folder in default_examples():
        if (folder / "submissions").is_dir():
            return folder
    raise UsageError("找不到随 pbm 安装的示例数据（pbmcli/examples/），安装可能不完整。"
                     "请重新安装 pbm，或用 --examples 指定示例文件夹。")


def default_examples() -> list[Path]:
    """Where the sample county may be, in order: pbmcli/examples/ inside the installed package
    (a wheel carries it, copied from examples/ by setup.py), then examples/ of the source
    checkout (editable installs, which copy nothing)."""
    installed = resources.files("pbmcli") / "examples"
    checkout = Path(__file__).resolve().parent.parent / "examples"
    return [folder for folder in (installed, checkout) if isinstance(folder, Path)]  # not from a zip


def prepare_output(out: Path) -> Path:
    """Create the demo folder; clear it only if an earlier demo made it."""
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"输出位置 {out} 已存在且不是文件夹，请换一个位置。")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise UsageError(
                f"文件夹 {out} 已存在且不是 pbm demo 生成的，为避免覆盖您的文件，请换一个文件夹。"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("此文件夹由 pbm demo 生成，重新运行 pbm demo 会清空并重建。\n", "utf-8")
    return out


def steps(ex: Path, out: Path, date: str) -> Iterator[Step]:
    """The demo script: 审核 → 复核 → 台账 → 监控 → 排名 → 通报 → 整改 → 结果应用 → 看板."""
    sub, db = ex / "submissions", str(out / "pbm.sqlite")
    goals, selfevals = sub / "2026" / "目标申报", sub / "2026" / "自评"
    a = str
    yield Step("审核全部报表，生成退回修改清单和批注副本",
               ("validate", a(sub), "--format", "xlsx", "-o", a(out / "01-审核" / "退回修改清单.xlsx"),
                "--annotate", a(out / "01-审核" / "批注副本"), "-q"))
    yield Step("审核结果（JSON，供生成退回修改意见函）",
               ("validate", a(sub), "--format", "json", "-o", a(out / "01-审核" / "审核结果.json"), "-q"))
    yield Step("复核自评得分，并与已批复的绩效目标核对",
               ("score", a(selfevals), "--goals", a(goals), "--format", "xlsx",
                "-o", a(out / "02-复核" / "自评复核汇总.xlsx"), "-q"))
    yield Step("导入单位名录", ("ledger", "--db", db, "--units", a(ex / "units.xlsx")), (0,))
    yield Step("报表记入台账（审核 + 复核）", ("ingest", a(sub), "--period", "2026", "--db", db))
    for month in range(1, 13):
        period = f"2026-{month:02d}"
        export = next((p for p in sorted((ex / "execution").glob(f"{period}.*"))), None)
        if export is not None:
            yield Step(f"{period} 执行进度监控并记入台账",
                       ("monitor", a(export), "--period", period, "--record", "--db", db,
                        "--format", "json", "-o", a(out / "03-监控" / f"{period}.json")))
    yield Step("8 月绩效运行监控表（指标红黄绿灯）",
               ("monitor", a(ex / "monitor" / "2026-08"), "--period", "2026-08", "--format", "xlsx",
                "-o", a(out / "03-监控" / "2026-08-运行监控.xlsx")))
    yield Step("导入整改清单", ("rectify", "import", a(ex / "rectification.xlsx"), "--db", db))
    for period, name in (("2026-10", "10月执行进度排名"), ("2026Q3", "三季度综合排名"), ("2026", "年度综合排名")):
        yield Step(name, ("rank", "--period", period, "--db", db, "--format", "xlsx",
                          "-o", a(out / "04-排名" / f"{name}.xlsx")))
    notices = out / "05-通报"
    yield Step("月度执行进度通报", ("notice", "monthly", "--period", "2026-10", "--db", db,
                                   "--date", date, "--number", "12", "-o", a(notices)))
    yield Step("季度排名通报", ("notice", "quarterly", "--period", "2026Q3", "--db", db,
                              "--date", date, "--number", "13", "-o", a(notices)))
    yield Step("年度总评通报", ("notice", "annual", "--period", "2026", "--db", db,
                              "--date", date, "--number", "14", "-o", a(notices)))
    yield Step("退回修改意见函（每单位一份）",
               ("notice", "return", "--from", a(out / "01-审核" / "审核结果.json"), "--db", db,
                "--date", date, "-o", a(notices / "退回修改意见")))
    yield Step("逾期整改事项", ("rectify", "overdue", "--db", db, "--date", date))
    yield Step("结果应用：下年度预算安排建议",
               ("apply", "--year", "2026", "--db", db, "--format", "xlsx",
                "-o", a(out / "06-结果应用" / "2027年预算安排建议.xlsx")))
    yield Step("年度看板（离线网页，双击打开）",
               ("dashboard", "--period", "2026", "--db", db, "--date", date,
                "--lights", a(ex / "monitor" / "2026-08"), "-o", a(out / "07-看板" / "2026年度绩效看板.html")))


def overview(folder: Path) -> tuple[list[str], list[list[str]]]:
    """Read every example and summarise what the reader understood (one row per file)."""
    from .errors import InputError
    from .readers import read_submission
    from .readers.inputs import expand

    header = ["文件", "表格类型", "单位", "项目", "指标数", "说明"]
    items, skipped = expand([folder])
    rows = []
    for item in items:
        try:
            sub = read_submission(item)
        except InputError as exc:
            rows.append([_rel(item.display, folder), "无法读取", "", "", "", exc.reason])
            continue
        rows.append([_rel(item.display, folder), sub.kind.label, sub.unit, sub.project,
                     str(len(sub.indicators)), ""])
    rows += [[_rel(s.display, folder), "已跳过", "", "", "", s.reason] for s in skipped]
    return header, rows


def _rel(display: str, folder: Path) -> str:
    prefix = str(folder)
    return display[len(prefix):].lstrip("/\\") if display.startswith(prefix) else display


def run(ex: Path, out: Path, date: str, invoke: Callable[[list[str]], int],
        say: Callable[[str], None]) -> list[tuple[Step, int]]:
    """Run every step through ``invoke`` (the CLI); return each step's exit code."""
    results = []
    for n, step in enumerate(steps(ex, out, date), 1):
        say(f"[{n}] {step.title}\n    pbm {' '.join(_quote(x) for x in step.args)}")
        code = invoke(list(step.args))
        results.append((step, code))
    return results


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg
